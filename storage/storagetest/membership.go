package storagetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

func testMemberships(t *testing.T, h Harness) {
	t.Run("Rights", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		o1, o2 := createOrg(t, b, "A"), createOrg(t, b, "B")
		p1, p2 := createPerson(t, b, "Kari"), createPerson(t, b, "Ola")
		list := func(f practice.MembershipFilter) []practice.Membership {
			return listed(b.s.Memberships(b.ctx, f)).items(t)
		}
		require.Empty(t, list(practice.MembershipFilter{OrganisationID: o1.ID}), "rule: an organisation without members lists none")
		put := func(o, p practice.ID, r practice.Right) practice.Membership {
			m := practice.Membership{OrganisationID: o, PersonID: p, Right: r}
			require.NoError(t, b.s.PutMembership(b.ctx, m), "rule: PutMembership stores a right")
			return m
		}
		put(o1.ID, p1.ID, practice.Read)
		m11 := put(o1.ID, p1.ID, practice.Admin)
		m12 := put(o1.ID, p2.ID, practice.Write)
		m21 := put(o2.ID, p1.ID, practice.Read)

		require.ElementsMatch(t, []practice.Membership{m11, m12}, list(practice.MembershipFilter{OrganisationID: o1.ID}),
			"rule: PutMembership replaces a person's right at an organisation")
		require.ElementsMatch(t, []practice.Membership{m11, m21}, list(practice.MembershipFilter{PersonID: p1.ID}),
			"rule: MembershipFilter.PersonID selects the person's rights")
		require.Equal(t, []practice.Membership{m21}, list(practice.MembershipFilter{OrganisationID: o2.ID, PersonID: p1.ID}),
			"rule: the filter's fields combine")
		require.Equal(t, []practice.Membership{m11}, list(practice.MembershipFilter{OrganisationID: o1.ID, Right: practice.Admin}),
			"rule: MembershipFilter.Right selects that right")
		got := list(practice.MembershipFilter{PersonID: p1.ID})
		require.Len(t, got, 2)
		require.Negative(t, got[0].OrganisationID.Compare(got[1].OrganisationID), "rule: Memberships orders by organisation ID, then person ID")
		got = list(practice.MembershipFilter{OrganisationID: o1.ID})
		require.Negative(t, got[0].PersonID.Compare(got[1].PersonID), "rule: Memberships orders by organisation ID, then person ID")

		require.NoError(t, b.s.DeleteMembership(b.ctx, o1.ID, p2.ID), "rule: DeleteMembership removes a right")
		err := b.try(func(ctx context.Context) error { return b.s.DeleteMembership(ctx, o1.ID, p2.ID) })
		isRule(t, err, practice.ErrNotFound, "DeleteMembership of a right the person does not have returns ErrNotFound")
		require.Equal(t, []practice.Membership{m11}, list(practice.MembershipFilter{OrganisationID: o1.ID}), "rule: a deleted membership is gone")

		err = b.try(func(ctx context.Context) error {
			return b.s.PutMembership(ctx, practice.Membership{OrganisationID: practice.NewID(), PersonID: p1.ID, Right: practice.Read})
		})
		isRule(t, err, practice.ErrNotFound, "PutMembership at an unknown organisation returns ErrNotFound")
		inDomainWords(t, err, "PutMembership at an unknown organisation")
		err = b.try(func(ctx context.Context) error {
			return b.s.PutMembership(ctx, practice.Membership{OrganisationID: o1.ID, PersonID: practice.NewID(), Right: practice.Read})
		})
		isRule(t, err, practice.ErrNotFound, "PutMembership for an unknown person returns ErrNotFound")
	})
}
