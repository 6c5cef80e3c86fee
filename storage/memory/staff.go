package memory

import (
	"context"

	"github.com/praksis/praksis/practice"
)

func staffOrder(s practice.StaffMembership) []string {
	return []string{s.InstitutionID.String(), s.PersonID.String(), string(s.Role)}
}

// PutStaffRole implements practice.StaffStore.
func (s *Store) PutStaffRole(ctx context.Context, sm practice.StaffMembership) error {
	if err := sm.Role.Check(); err != nil {
		return err
	}
	return s.write(ctx, func(d *data, c change) error {
		if _, ok := d.institutions[sm.InstitutionID]; !ok {
			return practice.NotFound("there is no institution %s", sm.InstitutionID)
		}
		if _, ok := d.people[sm.PersonID]; !ok {
			return practice.NotFound("there is no person %s", sm.PersonID)
		}
		if _, ok := d.staff[sm]; ok {
			return nil
		}
		put(c, d.staff, sm, struct{}{})
		addTo(c, d.staffByInst, sm.InstitutionID, sm)
		addTo(c, d.staffByPerson, sm.PersonID, sm)
		return nil
	})
}

// DeleteStaffRole implements practice.StaffStore.
func (s *Store) DeleteStaffRole(ctx context.Context, sm practice.StaffMembership) error {
	return s.write(ctx, func(d *data, c change) error {
		if _, ok := d.staff[sm]; !ok {
			return practice.NotFound("the person %s is not %s at the institution %s", sm.PersonID, sm.Role, sm.InstitutionID)
		}
		remove(c, d.staff, sm)
		removeFrom(c, d.staffByInst, sm.InstitutionID, sm)
		removeFrom(c, d.staffByPerson, sm.PersonID, sm)
		return nil
	})
}

// StaffRoles implements practice.StaffStore.
func (s *Store) StaffRoles(ctx context.Context, f practice.StaffFilter) (out practice.Page[practice.StaffMembership], err error) {
	err = s.read(ctx, func(d *data) error {
		var set map[practice.StaffMembership]struct{}
		switch {
		case f.InstitutionID != practice.NilID:
			set = d.staffByInst[f.InstitutionID]
		case f.PersonID != practice.NilID:
			set = d.staffByPerson[f.PersonID]
		default:
			set = d.staff
		}
		var all []practice.StaffMembership
		for sm := range set {
			if (f.PersonID == practice.NilID || sm.PersonID == f.PersonID) && (f.Role == "" || sm.Role == f.Role) {
				all = append(all, sm)
			}
		}
		out, err = list(all, staffOrder, f.Page)
		return err
	})
	return out, err
}
