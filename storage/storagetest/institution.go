package storagetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

var institutionEntity = entity[practice.Institution]{
	kind: "Institution",
	make: func(*testing.T, context.Context, practice.Store) practice.Institution {
		return newInstitution("Politihøgskolen")
	},
	create:  practice.Store.CreateInstitution,
	update:  practice.Store.UpdateInstitution,
	get:     practice.Store.Institution,
	id:      func(v practice.Institution) practice.ID { return v.ID },
	version: func(v *practice.Institution) *int { return &v.Version },
	change: func(v *practice.Institution) {
		v.Name += " (endret)"
		v.UpdatedAt = now()
	},
}

func testInstitutions(t *testing.T, newStore NewStore) {
	testVersioned(t, newStore, institutionEntity)
	t.Run("UniqueCode", func(t *testing.T) {
		t.Parallel()
		s, ctx := setup(t, newStore)
		a := createInstitution(t, ctx, s, "A")
		b := newInstitution("B")
		b.Code = a.Code
		isRule(t, s.CreateInstitution(ctx, b), practice.ErrConflict, "CreateInstitution with a taken code returns ErrConflict")
		b = createInstitution(t, ctx, s, "B")
		b.Code = a.Code
		isRule(t, s.UpdateInstitution(ctx, b), practice.ErrConflict, "UpdateInstitution to a taken code returns ErrConflict")
	})
	t.Run("List", func(t *testing.T) {
		t.Parallel()
		s, ctx := setup(t, newStore)
		got, err := s.Institutions(ctx)
		require.NoError(t, err)
		require.Empty(t, got, "rule: an empty store lists no institutions")
		c := createInstitution(t, ctx, s, "Ås universitet")
		a := createInstitution(t, ctx, s, "Høgskolen i Innlandet")
		b := createInstitution(t, ctx, s, "universitetet i Bergen")
		got, err = s.Institutions(ctx)
		require.NoError(t, err)
		require.Equal(t, []practice.Institution{a, b, c}, got, "rule: Institutions lists all, ordered by name in byte order (uppercase before lowercase before Å)")
	})
}
