package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

var placeEntity = entity[practice.Place]{
	kind: "Place",
	make: func(t *testing.T, b bundle) practice.Place {
		return newPlace(createOrg(t, b, "Vestre Viken HF").ID)
	},
	create:  practice.Store.CreatePlace,
	update:  practice.Store.UpdatePlace,
	get:     practice.Store.Place,
	id:      func(v practice.Place) practice.ID { return v.ID },
	version: func(v *practice.Place) *int { return &v.Version },
	created: func(v *practice.Place) *time.Time { return &v.CreatedAt },
	change: func(v *practice.Place) {
		v.Presentation.Description += " Nytt bilde."
		v.Presentation.PictureRef = ""
		v.UpdatedAt = now()
	},
}

func testPlaces(t *testing.T, h Harness) {
	testVersioned(t, h, placeEntity)
	t.Run("UnknownOrganisation", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		err := b.try(func(ctx context.Context) error { return b.s.CreatePlace(ctx, newPlace(practice.NewID())) })
		isRule(t, err, practice.ErrNotFound, "CreatePlace in an unknown organisation returns ErrNotFound")
		inDomainWords(t, err, "CreatePlace in an unknown organisation")
	})
	t.Run("UpdateKeepsOrganisation", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		o := createOrg(t, b, "A")
		p := newPlace(o.ID)
		require.NoError(t, b.s.CreatePlace(b.ctx, p))
		moved := p
		moved.OrganisationID = createOrg(t, b, "B").ID
		require.NoError(t, b.s.UpdatePlace(b.ctx, moved))
		got, err := b.s.Place(b.ctx, p.ID)
		require.NoError(t, err)
		require.Equal(t, o.ID, got.OrganisationID, "rule: UpdatePlace never changes a place's organisation")
	})
	t.Run("List", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		o := createOrg(t, b, "A")
		other := createOrg(t, b, "B")
		got := listed(b.s.Places(b.ctx, practice.PlaceFilter{OrganisationID: o.ID})).items(t)
		require.Empty(t, got, "rule: an organisation without places lists none")
		want := []practice.Place{newPlace(o.ID), newPlace(o.ID), newPlace(o.ID)}
		for i := len(want) - 1; i >= 0; i-- {
			require.NoError(t, b.s.CreatePlace(b.ctx, want[i]))
		}
		require.NoError(t, b.s.CreatePlace(b.ctx, newPlace(other.ID)))
		got = listed(b.s.Places(b.ctx, practice.PlaceFilter{OrganisationID: o.ID})).items(t)
		require.Equal(t, want, got, "rule: PlaceFilter.OrganisationID selects the organisation's places only, ordered by ID")
	})
	t.Run("Versions", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		o := createOrg(t, b, "A")
		d := date(t, "2026-01-01")
		parent := createPlace(t, b, o.ID, "Medisinsk klinikk", practice.NilID, d)
		child := createPlace(t, b, o.ID, "Hjertemedisinsk avdeling", parent.ID, d)
		later := []practice.PlaceVersion{
			{PlaceID: child.ID, From: date(t, "2027-08-01"), Name: "Hjerteavdelingen", ParentID: practice.NilID, CreatedAt: now()},
			{PlaceID: child.ID, From: date(t, "2026-12-31"), Name: "Hjertemedisin", ParentID: parent.ID, CreatedAt: now()},
			{PlaceID: parent.ID, From: date(t, "2028-02-29"), Name: "Medisinsk klinikk", Closed: true, CreatedAt: now()},
		}
		for _, v := range later {
			require.NoError(t, b.s.AddPlaceVersion(b.ctx, v), "rule: AddPlaceVersion stores a version from a new date")
		}
		dup := later[0]
		dup.Name = "Annet navn"
		err := b.try(func(ctx context.Context) error { return b.s.AddPlaceVersion(ctx, dup) })
		isConflict(t, err, "from", "AddPlaceVersion for a date the place already has a version from is a conflict on from")
		err = b.try(func(ctx context.Context) error {
			return b.s.AddPlaceVersion(ctx, practice.PlaceVersion{PlaceID: practice.NewID(), From: d, Name: "X", CreatedAt: now()})
		})
		isRule(t, err, practice.ErrNotFound, "AddPlaceVersion of an unknown place returns ErrNotFound")
		err = b.try(func(ctx context.Context) error {
			return b.s.AddPlaceVersion(ctx, practice.PlaceVersion{PlaceID: child.ID, From: date(t, "2030-01-01"), Name: "X", ParentID: practice.NewID(), CreatedAt: now()})
		})
		isRule(t, err, practice.ErrNotFound, "AddPlaceVersion under an unknown parent returns ErrNotFound")

		got := listed(b.s.PlaceVersions(b.ctx, practice.PlaceVersionFilter{OrganisationID: o.ID})).items(t)
		require.Len(t, got, 5, "rule: PlaceVersionFilter.OrganisationID selects every version of the organisation's places")
		mine := listed(b.s.PlaceVersions(b.ctx, practice.PlaceVersionFilter{PlaceID: child.ID})).items(t)
		require.Len(t, mine, 3, "rule: PlaceVersionFilter.PlaceID selects the place's versions")
		require.Equal(t, []practice.Date{d, date(t, "2026-12-31"), date(t, "2027-08-01")},
			[]practice.Date{mine[0].From, mine[1].From, mine[2].From}, "rule: PlaceVersions orders a place's versions by date")
		require.Equal(t, later[1], mine[1], "rule: a place version round-trips every field")
		require.Equal(t, later[0], mine[2], "rule: a place version at the top round-trips with NilID as parent")
		first, second := parent.ID, child.ID
		if second.Compare(first) < 0 {
			first, second = second, first
		}
		require.Equal(t, first, got[0].PlaceID, "rule: PlaceVersions orders by place ID first")
		require.Equal(t, second, got[len(got)-1].PlaceID, "rule: PlaceVersions orders by place ID first")
		none := listed(b.s.PlaceVersions(b.ctx, practice.PlaceVersionFilter{OrganisationID: createOrg(t, b, "B").ID})).items(t)
		require.Empty(t, none, "rule: PlaceVersionFilter.OrganisationID selects only the organisation's places")
		none = listed(b.s.PlaceVersions(b.ctx, practice.PlaceVersionFilter{OrganisationID: createOrg(t, b, "C").ID, PlaceID: child.ID})).items(t)
		require.Empty(t, none, "rule: the filter's fields combine")
	})
	t.Run("TreeAsOf", func(t *testing.T) { t.Parallel(); testTreeAsOf(t, h) })
}

// testTreeAsOf stores a restructured tree and reads it back as of several
// dates: what the adapter returns must rebuild the same history.
func testTreeAsOf(t *testing.T, h Harness) {
	b := h.setup(t)
	o := createOrg(t, b, "Oslo kommune")
	start := date(t, "2025-08-01")
	school := createPlace(t, b, o.ID, "Utdanningsetaten", practice.NilID, start)
	north := createPlace(t, b, o.ID, "Nord", school.ID, start)
	south := createPlace(t, b, o.ID, "Sør", school.ID, start)
	unit := createPlace(t, b, o.ID, "Kjelsås skole", north.ID, start)
	reorg := date(t, "2026-08-01")
	for _, v := range []practice.PlaceVersion{
		{PlaceID: unit.ID, From: reorg, Name: "Kjelsås skole", ParentID: south.ID},
		{PlaceID: north.ID, From: reorg, Name: "Nord", ParentID: school.ID, Closed: true},
		{PlaceID: south.ID, From: reorg, Name: "Region Sør og Nord", ParentID: school.ID},
	} {
		v.CreatedAt = now()
		require.NoError(t, b.s.AddPlaceVersion(b.ctx, v))
	}
	places := listed(b.s.Places(b.ctx, practice.PlaceFilter{OrganisationID: o.ID})).items(t)
	versions := listed(b.s.PlaceVersions(b.ctx, practice.PlaceVersionFilter{OrganisationID: o.ID})).items(t)
	parents := map[practice.ID]string{school.ID: "school", north.ID: "north", south.ID: "south"}
	shape := func(d practice.Date) map[string]string {
		out := map[string]string{}
		practice.BuildTree(o.ID, places, versions, d).Walk(func(n *practice.PlaceNode, _ int) bool {
			out[n.Name] = parents[n.ParentID]
			return true
		})
		return out
	}
	require.Empty(t, shape(start.AddDays(-1)), "rule: as of a date before the places opened the tree is empty")
	before := map[string]string{"Utdanningsetaten": "", "Nord": "school", "Sør": "school", "Kjelsås skole": "north"}
	require.Equal(t, before, shape(start), "rule: the tree as of its first date holds the first versions")
	require.Equal(t, before, shape(reorg.AddDays(-1)), "rule: the day before a restructuring still shows the old tree")
	after := map[string]string{"Utdanningsetaten": "", "Region Sør og Nord": "school", "Kjelsås skole": "south"}
	require.Equal(t, after, shape(reorg), "rule: from the restructuring date the tree shows the moves, renames and closings")
	require.Equal(t, after, shape(date(t, "2099-12-31")), "rule: the latest versions hold for ever after")
}
