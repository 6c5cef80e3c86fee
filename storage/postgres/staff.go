package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/praksis/praksis/practice"
)

// staffOrder is the order of StaffRoles, and staffKey a role's place in it.
var staffOrder = []keyColumn{idKey("institution_id"), idKey("person_id"), textKey("role")}

func staffKey(sm practice.StaffMembership) []string {
	return []string{sm.InstitutionID.String(), sm.PersonID.String(), string(sm.Role)}
}

func scanStaffRole(row pgx.Row) (practice.StaffMembership, error) {
	var sm practice.StaffMembership
	err := row.Scan(&sm.InstitutionID, &sm.PersonID, &sm.Role)
	return sm, err
}

// PutStaffRole implements practice.StaffStore.
func (s *Store) PutStaffRole(ctx context.Context, sm practice.StaffMembership) error {
	if err := sm.Role.Check(); err != nil {
		return err
	}
	_, err := s.exec(ctx, `INSERT INTO staff_roles (institution_id, person_id, role) VALUES ($1, $2, $3)
		ON CONFLICT DO NOTHING`, sm.InstitutionID, sm.PersonID, string(sm.Role))
	return err
}

// DeleteStaffRole implements practice.StaffStore.
func (s *Store) DeleteStaffRole(ctx context.Context, sm practice.StaffMembership) error {
	return s.execOne(ctx, "the person "+sm.PersonID.String()+" is not "+string(sm.Role)+" at the institution "+sm.InstitutionID.String(),
		`DELETE FROM staff_roles WHERE institution_id = $1 AND person_id = $2 AND role = $3`,
		sm.InstitutionID, sm.PersonID, string(sm.Role))
}

// StaffRoles implements practice.StaffStore.
func (s *Store) StaffRoles(ctx context.Context, f practice.StaffFilter) (practice.Page[practice.StaffMembership], error) {
	q := psql.Select("institution_id", "person_id", "role").From("staff_roles")
	if f.InstitutionID != practice.NilID {
		q = q.Where("institution_id = ?", f.InstitutionID)
	}
	if f.PersonID != practice.NilID {
		q = q.Where("person_id = ?", f.PersonID)
	}
	if f.Role != "" {
		q = q.Where("role = ?", string(f.Role))
	}
	return list(ctx, s.reader(ctx), q, staffOrder, f.Page, scanStaffRole, staffKey)
}
