-- 0003_planner, undone: staff_roles holds administrators and teachers
-- only, as 0001_kernel made it. The planners' roles, which that table
-- cannot hold, are dropped. The table is rebuilt as the up migration
-- rebuilds it.

CREATE TABLE staff_roles_0001 (
    institution_id TEXT NOT NULL REFERENCES institutions (id),
    person_id      TEXT NOT NULL REFERENCES people (id),
    role           TEXT NOT NULL CHECK (role IN ('administrator', 'teacher')),
    PRIMARY KEY (institution_id, person_id, role)
) STRICT;

INSERT INTO staff_roles_0001 (institution_id, person_id, role)
SELECT institution_id, person_id, role FROM staff_roles WHERE role IN ('administrator', 'teacher');

DROP TABLE staff_roles;

ALTER TABLE staff_roles_0001 RENAME TO staff_roles;

CREATE INDEX staff_roles_person_idx ON staff_roles (person_id);
