package storagetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

var organisationEntity = entity[practice.Organisation]{
	kind:    "Organisation",
	make:    func(*testing.T, bundle) practice.Organisation { return newOrganisation("Oslo universitetssykehus HF") },
	create:  practice.Store.CreateOrganisation,
	update:  practice.Store.UpdateOrganisation,
	get:     practice.Store.Organisation,
	id:      func(v practice.Organisation) practice.ID { return v.ID },
	version: func(v *practice.Organisation) *int { return &v.Version },
	created: func(v *practice.Organisation) *time.Time { return &v.CreatedAt },
	change: func(v *practice.Organisation) {
		v.Name += " (endret)"
		v.UpdatedAt = now()
	},
	taken: func(v *practice.Organisation, other practice.Organisation) string {
		v.OrgNumber = other.OrgNumber
		return "orgNumber"
	},
}

func testOrganisations(t *testing.T, h Harness) {
	testVersioned(t, h, organisationEntity)
	t.Run("List", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		got := listed(b.s.Organisations(b.ctx, practice.OrganisationFilter{})).items(t)
		require.Empty(t, got, "rule: an empty store lists no organisations")
		o := createOrg(t, b, "Oslo kommune")
		a := createOrg(t, b, "Bærum kommune")
		a2 := createOrg(t, b, "Bærum kommune")
		if a2.ID.Compare(a.ID) < 0 {
			a, a2 = a2, a
		}
		got = listed(b.s.Organisations(b.ctx, practice.OrganisationFilter{})).items(t)
		require.Equal(t, []practice.Organisation{a, a2, o}, got, "rule: Organisations lists all, ordered by name, then ID")
		got = listed(b.s.Organisations(b.ctx, practice.OrganisationFilter{OrgNumber: o.OrgNumber})).items(t)
		require.Equal(t, []practice.Organisation{o}, got, "rule: OrganisationFilter.OrgNumber selects that organisation")
		got = listed(b.s.Organisations(b.ctx, practice.OrganisationFilter{OrgNumber: "911111111"})).items(t)
		require.Empty(t, got, "rule: OrganisationFilter.OrgNumber that nobody has selects none")
	})
}
