-- 0002_keys: e-mail addresses unique by practice.EmailKey, a search key
-- for finding people, and the indexes of the lists' orders.
--
-- people.email_key holds practice.EmailKey(email), the address trimmed and
-- in lower case, and is unique in place of email, which keeps the address
-- as given: Mixed@x.no and mixed@x.no are one address. people.search_key
-- holds practice.SearchKey(person), the name and the e-mail in lower case
-- with white space collapsed, which a search of people matches against.
-- The store computes both in Go whenever it writes a person.
--
-- SQLite cannot drop the UNIQUE constraint of a column, so people is
-- rebuilt: STRICT as before, with the same foreign keys pointing at it and
-- its indexes made anew. memberships and staff_roles refer to people, so
-- with foreign keys on, dropping the table would break their references
-- until the rows are back. PRAGMA foreign_keys cannot be changed inside a
-- transaction, but defer_foreign_keys can: the broken references are then
-- counted instead of refused at once, putting each row back into the new
-- people mends its own, and the commit checks that none is left (the
-- pragma ends with the transaction). So the rows are first copied aside,
-- the table dropped and made anew under its own name, and the rows copied
-- back. (The usual way, making the new table under another name and
-- renaming it, would leave the references counted as broken: they are
-- mended only by rows put into a table of the name they refer to.)
--
-- The backfill: email_key is lower(trim(email)). SQLite's lower() folds
-- only ASCII letters and trim() removes only spaces, where EmailKey folds
-- every letter and trims all white space; this is the same key only
-- because the service has always stored e-mail addresses trimmed and in
-- lower case. (If two stored addresses differ only in case, the unique
-- index fails and the migration with it, leaving the database as it was:
-- merge the two people first.) search_key cannot be computed in SQL, for
-- names are rarely ASCII only, so it is left NULL for the rows stored
-- before this migration: Store.Migrate fills them in Go after applying the
-- files (see Store.Backfill), and until then no search finds them.

PRAGMA defer_foreign_keys = ON;

CREATE TABLE people_0001 AS SELECT * FROM people;

DROP TABLE people;

CREATE TABLE people (
    id          TEXT    NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL,
    email       TEXT    NOT NULL,             -- as given
    email_key   TEXT    NOT NULL,             -- practice.EmailKey(email), unique
    search_key  TEXT,                         -- practice.SearchKey; NULL until computed
    phone       TEXT    NOT NULL DEFAULT '',
    national_id TEXT    UNIQUE,               -- NULL when the person has none
    profile     TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(profile)),
    version     INTEGER NOT NULL,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
) STRICT;

INSERT INTO people (id, name, email, email_key, search_key, phone, national_id, profile, version, created_at, updated_at)
SELECT id, name, email, lower(trim(email)), NULL, phone, national_id, profile, version, created_at, updated_at
FROM people_0001;

DROP TABLE people_0001;

CREATE UNIQUE INDEX people_email_key_idx ON people (email_key);

CREATE INDEX people_name_idx ON people (name, id);

-- The lists page by keyset on their orders: institutions by name, then ID
-- (organisations and people have such an index already), and a person's
-- memberships by organisation.
CREATE INDEX institutions_name_idx ON institutions (name, id);

DROP INDEX memberships_person_idx;
CREATE INDEX memberships_person_idx ON memberships (person_id, organisation_id);
