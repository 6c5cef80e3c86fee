package storagetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

var institutionEntity = entity[practice.Institution]{
	kind:    "Institution",
	make:    func(*testing.T, bundle) practice.Institution { return newInstitution("Politihøgskolen") },
	create:  practice.Store.CreateInstitution,
	update:  practice.Store.UpdateInstitution,
	get:     practice.Store.Institution,
	id:      func(v practice.Institution) practice.ID { return v.ID },
	version: func(v *practice.Institution) *int { return &v.Version },
	created: func(v *practice.Institution) *time.Time { return &v.CreatedAt },
	change: func(v *practice.Institution) {
		v.Name += " (endret)"
		v.UpdatedAt = now()
	},
	taken: func(v *practice.Institution, other practice.Institution) string {
		v.Code = other.Code
		return "code"
	},
}

func testInstitutions(t *testing.T, h Harness) {
	testVersioned(t, h, institutionEntity)
	t.Run("List", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		got := listed(b.s.Institutions(b.ctx, practice.InstitutionFilter{})).items(t)
		require.Empty(t, got, "rule: an empty store lists no institutions")
		c := createInstitution(t, b, "Ås universitet")
		a := createInstitution(t, b, "Høgskolen i Innlandet")
		bb := createInstitution(t, b, "universitetet i Bergen")
		got = listed(b.s.Institutions(b.ctx, practice.InstitutionFilter{})).items(t)
		require.Equal(t, []practice.Institution{a, bb, c}, got,
			"rule: Institutions lists all, ordered by name in byte order (uppercase before lowercase before Å)")
	})
}
