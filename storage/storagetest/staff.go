package storagetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

func testStaff(t *testing.T, h Harness) {
	t.Run("Roles", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		i1, i2 := createInstitution(t, b, "A"), createInstitution(t, b, "B")
		p := createPerson(t, b, "Kari")
		admin := practice.StaffMembership{InstitutionID: i1.ID, PersonID: p.ID, Role: practice.Administrator}
		teacher := practice.StaffMembership{InstitutionID: i1.ID, PersonID: p.ID, Role: practice.Teacher}
		elsewhere := practice.StaffMembership{InstitutionID: i2.ID, PersonID: p.ID, Role: practice.Planner}
		for _, sm := range []practice.StaffMembership{teacher, admin, admin, elsewhere} {
			require.NoError(t, b.s.PutStaffRole(b.ctx, sm), "rule: PutStaffRole stores a role, and storing it again changes nothing")
		}
		list := func(f practice.StaffFilter) []practice.StaffMembership {
			return listed(b.s.StaffRoles(b.ctx, f)).items(t)
		}
		require.Equal(t, []practice.StaffMembership{admin, teacher}, list(practice.StaffFilter{InstitutionID: i1.ID}),
			"rule: StaffRoles selects by institution and orders by person, then role")
		require.Len(t, list(practice.StaffFilter{PersonID: p.ID}), 3, "rule: StaffFilter.PersonID selects the person's roles everywhere")
		require.Equal(t, []practice.StaffMembership{elsewhere}, list(practice.StaffFilter{Role: practice.Planner, PersonID: p.ID}),
			"rule: every role of practice is stored, planner among them")
		require.Equal(t, []practice.StaffMembership{teacher}, list(practice.StaffFilter{InstitutionID: i1.ID, Role: practice.Teacher}),
			"rule: StaffFilter.Role selects that role")

		require.NoError(t, b.s.DeleteStaffRole(b.ctx, admin), "rule: DeleteStaffRole removes a role")
		err := b.try(func(ctx context.Context) error { return b.s.DeleteStaffRole(ctx, admin) })
		isRule(t, err, practice.ErrNotFound, "DeleteStaffRole of a role the person does not have returns ErrNotFound")
		require.Equal(t, []practice.StaffMembership{teacher}, list(practice.StaffFilter{InstitutionID: i1.ID, PersonID: p.ID}),
			"rule: a deleted role is gone")

		err = b.try(func(ctx context.Context) error {
			return b.s.PutStaffRole(ctx, practice.StaffMembership{InstitutionID: practice.NewID(), PersonID: p.ID, Role: practice.Teacher})
		})
		isRule(t, err, practice.ErrNotFound, "PutStaffRole at an unknown institution returns ErrNotFound")
		err = b.try(func(ctx context.Context) error {
			return b.s.PutStaffRole(ctx, practice.StaffMembership{InstitutionID: i1.ID, PersonID: practice.NewID(), Role: practice.Teacher})
		})
		isRule(t, err, practice.ErrNotFound, "PutStaffRole for an unknown person returns ErrNotFound")
	})
}
