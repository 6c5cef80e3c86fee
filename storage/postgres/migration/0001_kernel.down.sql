-- Reverts 0001_kernel.up.sql. Migrate never runs down migrations; they are
-- here for tools that read Migrations.

DROP TABLE staff_roles;
DROP TABLE memberships;
DROP TABLE people;
DROP TABLE place_versions;
DROP TABLE places;
DROP TABLE organisations;
DROP TABLE institutions;
