-- 0002_keys, undone: people without email_key and search_key, and unique
-- by email again, and the indexes of 0001_kernel. Unique e-mail keys imply
-- unique e-mails, so the rows always fit. people is rebuilt as the up
-- migration rebuilds it; see there for the deferred foreign keys.

DROP INDEX memberships_person_idx;
CREATE INDEX memberships_person_idx ON memberships (person_id);

DROP INDEX institutions_name_idx;

PRAGMA defer_foreign_keys = ON;

CREATE TABLE people_0002 AS SELECT * FROM people;

DROP TABLE people;

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

INSERT INTO people (id, name, email, phone, national_id, profile, version, created_at, updated_at)
SELECT id, name, email, phone, national_id, profile, version, created_at, updated_at
FROM people_0002;

DROP TABLE people_0002;

CREATE INDEX people_name_idx ON people (name, id);
