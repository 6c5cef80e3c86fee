-- 0003_planner: the staff role planner (practice.Planner), who plans a
-- study site's practice.
--
-- SQLite cannot change a CHECK constraint, so staff_roles is rebuilt the
-- usual way: a new table under another name, the rows copied, the old
-- table dropped and the new one renamed. No table refers to staff_roles,
-- so no reference breaks meanwhile. Its index serves a person's roles in
-- the list's order.

CREATE TABLE staff_roles_0003 (
    institution_id TEXT NOT NULL REFERENCES institutions (id),
    person_id      TEXT NOT NULL REFERENCES people (id),
    role           TEXT NOT NULL CHECK (role IN ('administrator', 'planner', 'teacher')),
    PRIMARY KEY (institution_id, person_id, role)
) STRICT;

INSERT INTO staff_roles_0003 (institution_id, person_id, role)
SELECT institution_id, person_id, role FROM staff_roles;

DROP TABLE staff_roles;

ALTER TABLE staff_roles_0003 RENAME TO staff_roles;

CREATE INDEX staff_roles_person_idx ON staff_roles (person_id, institution_id, role);
