-- People are unique by, and looked up by, the key of their e-mail address
-- (practice.EmailKey) and searched by practice.SearchKey. The adapter
-- computes both keys in Go and stores them beside the person, so neither
-- depends on the database's locale: lower() folds case by LC_CTYPE.
--
-- The lists page by keyset on their sort keys; the indexes below serve
-- their orders. And a study site has planners besides administrators and
-- teachers.

ALTER TABLE people ADD COLUMN email_key text, ADD COLUMN search_key text;

-- The e-mail keys of the people stored so far are computed here, in SQL:
-- the service has always stored e-mail addresses trimmed and in lower
-- case, so lower(btrim(email)) is their EmailKey. Their search keys are
-- not: lower() folds letters beyond ASCII only in a database whose LC_CTYPE
-- knows them, so they are left NULL here and computed in Go by
-- Store.Backfill, which Store.Migrate runs after the files (an application
-- that applies these files with its own tool calls it). Until then no
-- search finds those people.
UPDATE people SET email_key = lower(btrim(email));

ALTER TABLE people ALTER COLUMN email_key SET NOT NULL;

-- The unique e-mail moves from lower(email) to email_key, under the same
-- name. (Were two stored addresses one by their keys, this would fail, and
-- the migration with it, leaving the database as it was.)
DROP INDEX people_email_key;
ALTER TABLE people ADD CONSTRAINT people_email_key UNIQUE (email_key);

-- Institutions, Organisations and People: by name in byte order, then ID.
CREATE INDEX institutions_name_idx ON institutions (name COLLATE "C", id);
CREATE INDEX organisations_name_idx ON organisations (name COLLATE "C", id);
CREATE INDEX people_name_idx ON people (name COLLATE "C", id);

-- Places of an organisation, by ID.
DROP INDEX places_organisation_id_idx;
CREATE INDEX places_organisation_id_idx ON places (organisation_id, id);

-- Memberships of a person, by organisation.
DROP INDEX memberships_person_id_idx;
CREATE INDEX memberships_person_id_idx ON memberships (person_id, organisation_id);

-- The staff roles, planner among them.
ALTER TABLE staff_roles DROP CONSTRAINT staff_roles_role_check,
    ADD CONSTRAINT staff_roles_role_check CHECK (role IN ('administrator', 'planner', 'teacher'));
