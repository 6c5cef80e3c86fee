package storagetest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

func testMemberships(t *testing.T, newStore NewStore) {
	t.Run("Rights", func(t *testing.T) {
		t.Parallel()
		s, ctx := setup(t, newStore)
		o1, o2 := createOrg(t, ctx, s, "A"), createOrg(t, ctx, s, "B")
		p1, p2 := createPerson(t, ctx, s, "Kari"), createPerson(t, ctx, s, "Ola")
		got, err := s.Memberships(ctx, practice.MembershipFilter{})
		require.NoError(t, err)
		require.Empty(t, got, "rule: an empty store lists no memberships")
		put := func(o, p practice.ID, r practice.Right) practice.Membership {
			m := practice.Membership{OrganisationID: o, PersonID: p, Right: r}
			require.NoError(t, s.PutMembership(ctx, m), "rule: PutMembership stores a right")
			return m
		}
		put(o1.ID, p1.ID, practice.Read)
		m11 := put(o1.ID, p1.ID, practice.Admin)
		m12 := put(o1.ID, p2.ID, practice.Write)
		m21 := put(o2.ID, p1.ID, practice.Read)

		got, err = s.Memberships(ctx, practice.MembershipFilter{OrganisationID: o1.ID})
		require.NoError(t, err)
		require.ElementsMatch(t, []practice.Membership{m11, m12}, got, "rule: PutMembership replaces a person's right at an organisation")
		got, err = s.Memberships(ctx, practice.MembershipFilter{PersonID: p1.ID})
		require.NoError(t, err)
		require.ElementsMatch(t, []practice.Membership{m11, m21}, got, "rule: MembershipFilter.PersonID selects the person's rights")
		got, err = s.Memberships(ctx, practice.MembershipFilter{OrganisationID: o2.ID, PersonID: p1.ID})
		require.NoError(t, err)
		require.Equal(t, []practice.Membership{m21}, got, "rule: the filter's fields combine")
		got, err = s.Memberships(ctx, practice.MembershipFilter{})
		require.NoError(t, err)
		require.Len(t, got, 3)
		for i := 1; i < len(got); i++ {
			a, b := got[i-1], got[i]
			require.True(t, a.OrganisationID.String() < b.OrganisationID.String() ||
				a.OrganisationID == b.OrganisationID && a.PersonID.String() < b.PersonID.String(),
				"rule: Memberships orders by organisation ID, then person ID")
		}

		require.NoError(t, s.DeleteMembership(ctx, o1.ID, p2.ID), "rule: DeleteMembership removes a right")
		isRule(t, s.DeleteMembership(ctx, o1.ID, p2.ID), practice.ErrNotFound, "DeleteMembership of a right the person does not have returns ErrNotFound")
		got, err = s.Memberships(ctx, practice.MembershipFilter{OrganisationID: o1.ID})
		require.NoError(t, err)
		require.Equal(t, []practice.Membership{m11}, got, "rule: a deleted membership is gone")

		isRule(t, s.PutMembership(ctx, practice.Membership{OrganisationID: practice.NewID(), PersonID: p1.ID, Right: practice.Read}),
			practice.ErrNotFound, "PutMembership at an unknown organisation returns ErrNotFound")
		isRule(t, s.PutMembership(ctx, practice.Membership{OrganisationID: o1.ID, PersonID: practice.NewID(), Right: practice.Read}),
			practice.ErrNotFound, "PutMembership for an unknown person returns ErrNotFound")
	})
	t.Run("StaffRoles", func(t *testing.T) {
		t.Parallel()
		s, ctx := setup(t, newStore)
		i1, i2 := createInstitution(t, ctx, s, "A"), createInstitution(t, ctx, s, "B")
		p := createPerson(t, ctx, s, "Kari")
		admin := practice.StaffMembership{InstitutionID: i1.ID, PersonID: p.ID, Role: practice.Administrator}
		teacher := practice.StaffMembership{InstitutionID: i1.ID, PersonID: p.ID, Role: practice.Teacher}
		elsewhere := practice.StaffMembership{InstitutionID: i2.ID, PersonID: p.ID, Role: practice.Teacher}
		for _, sm := range []practice.StaffMembership{teacher, admin, admin, elsewhere} {
			require.NoError(t, s.PutStaffRole(ctx, sm), "rule: PutStaffRole stores a role, and storing it again changes nothing")
		}
		got, err := s.StaffRoles(ctx, practice.StaffFilter{InstitutionID: i1.ID})
		require.NoError(t, err)
		require.Equal(t, []practice.StaffMembership{admin, teacher}, got, "rule: StaffRoles selects by institution and orders by role")
		got, err = s.StaffRoles(ctx, practice.StaffFilter{PersonID: p.ID})
		require.NoError(t, err)
		require.Len(t, got, 3, "rule: StaffFilter.PersonID selects the person's roles everywhere")

		require.NoError(t, s.DeleteStaffRole(ctx, admin), "rule: DeleteStaffRole removes a role")
		isRule(t, s.DeleteStaffRole(ctx, admin), practice.ErrNotFound, "DeleteStaffRole of a role the person does not have returns ErrNotFound")
		got, err = s.StaffRoles(ctx, practice.StaffFilter{InstitutionID: i1.ID, PersonID: p.ID})
		require.NoError(t, err)
		require.Equal(t, []practice.StaffMembership{teacher}, got, "rule: a deleted role is gone")

		isRule(t, s.PutStaffRole(ctx, practice.StaffMembership{InstitutionID: practice.NewID(), PersonID: p.ID, Role: practice.Teacher}),
			practice.ErrNotFound, "PutStaffRole at an unknown institution returns ErrNotFound")
		isRule(t, s.PutStaffRole(ctx, practice.StaffMembership{InstitutionID: i1.ID, PersonID: practice.NewID(), Role: practice.Teacher}),
			practice.ErrNotFound, "PutStaffRole for an unknown person returns ErrNotFound")
	})
}
