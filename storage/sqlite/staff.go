package sqlite

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/praksis/praksis/practice"
)

// staffRoleRow is a row of the table staff_roles.
type staffRoleRow struct {
	bun.BaseModel `bun:"table:staff_roles"`

	InstitutionID string `bun:"institution_id,pk"`
	PersonID      string `bun:"person_id,pk"`
	Role          string `bun:"role,pk"`
}

func staffRoleToRow(s practice.StaffMembership) staffRoleRow {
	return staffRoleRow{InstitutionID: s.InstitutionID.String(), PersonID: s.PersonID.String(), Role: string(s.Role)}
}

func (r staffRoleRow) domain() (practice.StaffMembership, error) {
	var c converter
	s := practice.StaffMembership{InstitutionID: c.id(r.InstitutionID), PersonID: c.id(r.PersonID), Role: practice.StaffRole(r.Role)}
	return s, c.err("staff role of", r.PersonID)
}

// staffOrder is the order of StaffRoles, by column; staffKey gives the
// same key of a staff membership.
var staffOrder = []string{"institution_id", "person_id", "role"}

func staffKey(s practice.StaffMembership) []string {
	return []string{s.InstitutionID.String(), s.PersonID.String(), string(s.Role)}
}

// PutStaffRole implements practice.StaffStore.
func (s *Store) PutStaffRole(ctx context.Context, sm practice.StaffMembership) error {
	if err := sm.Role.Check(); err != nil {
		return err
	}
	db, err := s.writer(ctx)
	if err != nil {
		return err
	}
	row := staffRoleToRow(sm)
	_, err = db.NewInsert().Model(&row).On("CONFLICT DO NOTHING").Exec(ctx)
	return interpretError(err, "there is no institution %s or no person %s", sm.InstitutionID, sm.PersonID)
}

// DeleteStaffRole implements practice.StaffStore.
func (s *Store) DeleteStaffRole(ctx context.Context, sm practice.StaffMembership) error {
	db, err := s.writer(ctx)
	if err != nil {
		return err
	}
	res, err := db.NewDelete().Model((*staffRoleRow)(nil)).
		Where("institution_id = ?", sm.InstitutionID.String()).
		Where("person_id = ?", sm.PersonID.String()).
		Where("role = ?", string(sm.Role)).
		Exec(ctx)
	return deleted(res, err, "the person %s is not %s at the institution %s", sm.PersonID, sm.Role, sm.InstitutionID)
}

// StaffRoles implements practice.StaffStore.
func (s *Store) StaffRoles(ctx context.Context, f practice.StaffFilter) (practice.Page[practice.StaffMembership], error) {
	q := s.reader(ctx).NewSelect()
	if f.InstitutionID != practice.NilID {
		q = q.Where("institution_id = ?", f.InstitutionID.String())
	}
	if f.PersonID != practice.NilID {
		q = q.Where("person_id = ?", f.PersonID.String())
	}
	if f.Role != "" {
		q = q.Where("role = ?", string(f.Role))
	}
	return list(ctx, q, f.Page, staffOrder, staffRoleRow.domain, staffKey)
}
