-- 0001_kernel, undone: drops the kernel's tables, each after the tables
-- that refer to it. The bookkeeping table of the migration tool stays.

DROP TABLE staff_roles;
DROP TABLE memberships;
DROP TABLE people;
DROP TABLE place_versions;
DROP TABLE places;
DROP TABLE organisations;
DROP TABLE institutions;
