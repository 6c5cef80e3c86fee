-- Reverts 0002_keys_and_roles.up.sql. Migrate never runs down migrations;
-- they are here for tools that read Migrations. Going down removes the
-- planners' roles, which version 1 does not know.

DELETE FROM staff_roles WHERE role = 'planner';
ALTER TABLE staff_roles DROP CONSTRAINT staff_roles_role_check,
    ADD CONSTRAINT staff_roles_role_check CHECK (role IN ('administrator', 'teacher'));

DROP INDEX memberships_person_id_idx;
CREATE INDEX memberships_person_id_idx ON memberships (person_id);

DROP INDEX places_organisation_id_idx;
CREATE INDEX places_organisation_id_idx ON places (organisation_id);

DROP INDEX people_name_idx;
DROP INDEX organisations_name_idx;
DROP INDEX institutions_name_idx;

ALTER TABLE people DROP CONSTRAINT people_email_key;
CREATE UNIQUE INDEX people_email_key ON people (lower(email));

ALTER TABLE people DROP COLUMN search_key, DROP COLUMN email_key;
