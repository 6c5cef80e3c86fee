-- The shared kernel: institutions, practice organisations and their
-- effective-dated place trees, people, their rights and their staff roles.

CREATE TABLE institutions (
    id         uuid        PRIMARY KEY,
    name       text        NOT NULL,
    code       text        NOT NULL CONSTRAINT institutions_code_key UNIQUE,
    version    integer     NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE TABLE organisations (
    id         uuid        PRIMARY KEY,
    name       text        NOT NULL,
    org_number text        NOT NULL CONSTRAINT organisations_org_number_key UNIQUE,
    version    integer     NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

-- A place's identity and presentation; its structure is in place_versions.
CREATE TABLE places (
    id              uuid        PRIMARY KEY,
    organisation_id uuid        NOT NULL CONSTRAINT places_organisation_id_fkey REFERENCES organisations (id),
    description     text        NOT NULL DEFAULT '',
    address         text        NOT NULL DEFAULT '',
    email           text        NOT NULL DEFAULT '',
    phone           text        NOT NULL DEFAULT '',
    picture_ref     text        NOT NULL DEFAULT '',
    version         integer     NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);

CREATE INDEX places_organisation_id_idx ON places (organisation_id);

-- The structure of a place from valid_from on. Rows are only ever added.
-- parent_id is NULL for a place at the top of its organisation.
CREATE TABLE place_versions (
    place_id   uuid        NOT NULL CONSTRAINT place_versions_place_id_fkey REFERENCES places (id),
    valid_from date        NOT NULL,
    name       text        NOT NULL,
    parent_id  uuid        CONSTRAINT place_versions_parent_id_fkey REFERENCES places (id),
    closed     boolean     NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL,
    CONSTRAINT place_versions_pkey PRIMARY KEY (place_id, valid_from)
);

CREATE INDEX place_versions_parent_id_idx ON place_versions (parent_id);

-- national_id holds the digits of a national identity number, or NULL when
-- the person has none. It is personal data: never log it.
CREATE TABLE people (
    id          uuid        PRIMARY KEY,
    name        text        NOT NULL,
    email       text        NOT NULL,
    phone       text        NOT NULL DEFAULT '',
    national_id text        CONSTRAINT people_national_id_key UNIQUE,
    profile     jsonb       NOT NULL DEFAULT '{}',
    version     integer     NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);

CREATE UNIQUE INDEX people_email_key ON people (lower(email));

-- A person's right at a practice organisation: at most one per organisation.
CREATE TABLE memberships (
    organisation_id uuid NOT NULL CONSTRAINT memberships_organisation_id_fkey REFERENCES organisations (id),
    person_id       uuid NOT NULL CONSTRAINT memberships_person_id_fkey REFERENCES people (id),
    access_right    text NOT NULL CONSTRAINT memberships_access_right_check CHECK (access_right IN ('admin', 'write', 'read')),
    CONSTRAINT memberships_pkey PRIMARY KEY (organisation_id, person_id)
);

CREATE INDEX memberships_person_id_idx ON memberships (person_id);

-- A person's roles at a study site.
CREATE TABLE staff_roles (
    institution_id uuid NOT NULL CONSTRAINT staff_roles_institution_id_fkey REFERENCES institutions (id),
    person_id      uuid NOT NULL CONSTRAINT staff_roles_person_id_fkey REFERENCES people (id),
    role           text NOT NULL CONSTRAINT staff_roles_role_check CHECK (role IN ('administrator', 'teacher')),
    CONSTRAINT staff_roles_pkey PRIMARY KEY (institution_id, person_id, role)
);

CREATE INDEX staff_roles_person_id_idx ON staff_roles (person_id);
