-- 0001_kernel: the shared kernel of praksis: institutions, practice
-- organisations, their effective-dated place trees, people, and their rights
-- and roles.
--
-- Conventions: IDs are UUIDs in canonical lower-case text, which sorts as the
-- UUID bytes do; dates are TEXT 'YYYY-MM-DD', which sorts as the dates do;
-- timestamps are TEXT in UTC with exactly six fractional digits,
-- 'YYYY-MM-DDTHH:MM:SS.ffffffZ', which round-trips at microsecond precision
-- and sorts in time order. Tables are STRICT, so a value of the wrong type is
-- refused rather than silently stored.

CREATE TABLE institutions (
    id         TEXT    NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL,
    code       TEXT    NOT NULL UNIQUE,
    version    INTEGER NOT NULL,
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
) STRICT;

CREATE TABLE organisations (
    id         TEXT    NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL,
    org_number TEXT    NOT NULL UNIQUE,
    version    INTEGER NOT NULL,
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
) STRICT;

CREATE INDEX organisations_name_idx ON organisations (name, id);

CREATE TABLE places (
    id              TEXT    NOT NULL PRIMARY KEY,
    organisation_id TEXT    NOT NULL REFERENCES organisations (id),
    description     TEXT    NOT NULL DEFAULT '',
    address         TEXT    NOT NULL DEFAULT '',
    email           TEXT    NOT NULL DEFAULT '',
    phone           TEXT    NOT NULL DEFAULT '',
    picture_ref     TEXT    NOT NULL DEFAULT '',
    version         INTEGER NOT NULL,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
) STRICT;

CREATE INDEX places_organisation_idx ON places (organisation_id, id);

CREATE TABLE place_versions (
    place_id   TEXT    NOT NULL REFERENCES places (id),
    valid_from TEXT    NOT NULL
        CHECK (valid_from GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    name       TEXT    NOT NULL,
    parent_id  TEXT    REFERENCES places (id), -- NULL: at the top of the organisation
    closed     INTEGER NOT NULL DEFAULT 0 CHECK (closed IN (0, 1)),
    created_at TEXT    NOT NULL,
    PRIMARY KEY (place_id, valid_from)
) STRICT;

CREATE INDEX place_versions_parent_idx ON place_versions (parent_id);

CREATE TABLE people (
    id          TEXT    NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL,
    email       TEXT    NOT NULL UNIQUE,
    phone       TEXT    NOT NULL DEFAULT '',
    national_id TEXT    UNIQUE, -- NULL when the person has none
    profile     TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(profile)),
    version     INTEGER NOT NULL,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
) STRICT;

CREATE INDEX people_name_idx ON people (name, id);

CREATE TABLE memberships (
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    person_id       TEXT NOT NULL REFERENCES people (id),
    "right"         TEXT NOT NULL CHECK ("right" IN ('read', 'write', 'admin')),
    PRIMARY KEY (organisation_id, person_id)
) STRICT;

CREATE INDEX memberships_person_idx ON memberships (person_id);

CREATE TABLE staff_roles (
    institution_id TEXT NOT NULL REFERENCES institutions (id),
    person_id      TEXT NOT NULL REFERENCES people (id),
    role           TEXT NOT NULL CHECK (role IN ('administrator', 'teacher')),
    PRIMARY KEY (institution_id, person_id, role)
) STRICT;

CREATE INDEX staff_roles_person_idx ON staff_roles (person_id);
