package storagetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

var organisationEntity = entity[practice.Organisation]{
	kind: "Organisation",
	make: func(*testing.T, context.Context, practice.Store) practice.Organisation {
		return newOrganisation("Oslo universitetssykehus HF")
	},
	create:  practice.Store.CreateOrganisation,
	update:  practice.Store.UpdateOrganisation,
	get:     practice.Store.Organisation,
	id:      func(v practice.Organisation) practice.ID { return v.ID },
	version: func(v *practice.Organisation) *int { return &v.Version },
	change: func(v *practice.Organisation) {
		v.Name += " (endret)"
		v.UpdatedAt = now()
	},
}

func testOrganisations(t *testing.T, newStore NewStore) {
	testVersioned(t, newStore, organisationEntity)
	t.Run("UniqueOrgNumber", func(t *testing.T) {
		t.Parallel()
		s, ctx := setup(t, newStore)
		a := createOrg(t, ctx, s, "A")
		b := newOrganisation("B")
		b.OrgNumber = a.OrgNumber
		isRule(t, s.CreateOrganisation(ctx, b), practice.ErrConflict, "CreateOrganisation with a taken number returns ErrConflict")
		b = createOrg(t, ctx, s, "B")
		b.OrgNumber = a.OrgNumber
		isRule(t, s.UpdateOrganisation(ctx, b), practice.ErrConflict, "UpdateOrganisation to a taken number returns ErrConflict")
	})
	t.Run("List", func(t *testing.T) {
		t.Parallel()
		s, ctx := setup(t, newStore)
		got, err := s.Organisations(ctx, practice.OrganisationFilter{})
		require.NoError(t, err)
		require.Empty(t, got, "rule: an empty store lists no organisations")
		b := createOrg(t, ctx, s, "Oslo kommune")
		a := createOrg(t, ctx, s, "Bærum kommune")
		a2 := createOrg(t, ctx, s, "Bærum kommune")
		if a2.ID.String() < a.ID.String() {
			a, a2 = a2, a
		}
		got, err = s.Organisations(ctx, practice.OrganisationFilter{})
		require.NoError(t, err)
		require.Equal(t, []practice.Organisation{a, a2, b}, got, "rule: Organisations lists all, ordered by name, then ID")
		got, err = s.Organisations(ctx, practice.OrganisationFilter{OrgNumber: b.OrgNumber})
		require.NoError(t, err)
		require.Equal(t, []practice.Organisation{b}, got, "rule: OrganisationFilter.OrgNumber selects that organisation")
	})
	t.Run("Lock", func(t *testing.T) {
		t.Parallel()
		s, ctx := setup(t, newStore)
		o := createOrg(t, ctx, s, "A")
		require.Error(t, s.LockOrganisation(ctx, o.ID), "rule: LockOrganisation outside a transaction is an error")
		err := s.InTx(ctx, func(ctx context.Context) error {
			require.NoError(t, s.LockOrganisation(ctx, o.ID), "rule: LockOrganisation in a transaction succeeds")
			return s.LockOrganisation(ctx, practice.NewID())
		})
		isRule(t, err, practice.ErrNotFound, "LockOrganisation of an unknown organisation returns ErrNotFound")
	})
}
