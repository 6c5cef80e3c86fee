package storagetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

var placeEntity = entity[practice.Place]{
	kind: "Place",
	make: func(t *testing.T, ctx context.Context, s practice.Store) practice.Place {
		return newPlace(createOrg(t, ctx, s, "Vestre Viken HF").ID)
	},
	create:  practice.Store.CreatePlace,
	update:  practice.Store.UpdatePlace,
	get:     practice.Store.Place,
	id:      func(v practice.Place) practice.ID { return v.ID },
	version: func(v *practice.Place) *int { return &v.Version },
	change: func(v *practice.Place) {
		v.Presentation.Description += " Nytt bilde."
		v.Presentation.PictureRef = ""
		v.UpdatedAt = now()
	},
}

func testPlaces(t *testing.T, newStore NewStore) {
	testVersioned(t, newStore, placeEntity)
	t.Run("UnknownOrganisation", func(t *testing.T) {
		t.Parallel()
		s, ctx := setup(t, newStore)
		isRule(t, s.CreatePlace(ctx, newPlace(practice.NewID())), practice.ErrNotFound,
			"CreatePlace in an unknown organisation returns ErrNotFound")
	})
	t.Run("UpdateKeepsOrganisation", func(t *testing.T) {
		t.Parallel()
		s, ctx := setup(t, newStore)
		o := createOrg(t, ctx, s, "A")
		p := newPlace(o.ID)
		require.NoError(t, s.CreatePlace(ctx, p))
		moved := p
		moved.OrganisationID = createOrg(t, ctx, s, "B").ID
		require.NoError(t, s.UpdatePlace(ctx, moved))
		got, err := s.Place(ctx, p.ID)
		require.NoError(t, err)
		require.Equal(t, o.ID, got.OrganisationID, "rule: UpdatePlace never changes a place's organisation")
	})
	t.Run("List", func(t *testing.T) {
		t.Parallel()
		s, ctx := setup(t, newStore)
		o := createOrg(t, ctx, s, "A")
		other := createOrg(t, ctx, s, "B")
		got, err := s.Places(ctx, o.ID)
		require.NoError(t, err)
		require.Empty(t, got, "rule: an organisation without places lists none")
		want := []practice.Place{newPlace(o.ID), newPlace(o.ID), newPlace(o.ID)}
		for i := len(want) - 1; i >= 0; i-- {
			require.NoError(t, s.CreatePlace(ctx, want[i]))
		}
		require.NoError(t, s.CreatePlace(ctx, newPlace(other.ID)))
		got, err = s.Places(ctx, o.ID)
		require.NoError(t, err)
		require.Equal(t, want, got, "rule: Places lists the organisation's places only, ordered by ID")
	})
	t.Run("Versions", func(t *testing.T) {
		t.Parallel()
		s, ctx := setup(t, newStore)
		o := createOrg(t, ctx, s, "A")
		d := date(t, "2026-01-01")
		parent := createPlace(t, ctx, s, o.ID, "Medisinsk klinikk", practice.NilID, d)
		child := createPlace(t, ctx, s, o.ID, "Hjertemedisinsk avdeling", parent.ID, d)
		later := []practice.PlaceVersion{
			{PlaceID: child.ID, ValidFrom: date(t, "2027-08-01"), Name: "Hjerteavdelingen", ParentID: practice.NilID, CreatedAt: now()},
			{PlaceID: child.ID, ValidFrom: date(t, "2026-12-31"), Name: "Hjertemedisin", ParentID: parent.ID, CreatedAt: now()},
			{PlaceID: parent.ID, ValidFrom: date(t, "2028-02-29"), Name: "Medisinsk klinikk", Closed: true, CreatedAt: now()},
		}
		for _, v := range later {
			require.NoError(t, s.AddPlaceVersion(ctx, v), "rule: AddPlaceVersion stores a version from a new date")
		}
		dup := later[0]
		dup.Name = "Annet navn"
		isRule(t, s.AddPlaceVersion(ctx, dup), practice.ErrConflict, "AddPlaceVersion for a date the place already has a version from returns ErrConflict")
		isRule(t, s.AddPlaceVersion(ctx, practice.PlaceVersion{PlaceID: practice.NewID(), ValidFrom: d, Name: "X", CreatedAt: now()}),
			practice.ErrNotFound, "AddPlaceVersion of an unknown place returns ErrNotFound")
		isRule(t, s.AddPlaceVersion(ctx, practice.PlaceVersion{PlaceID: child.ID, ValidFrom: date(t, "2030-01-01"), Name: "X", ParentID: practice.NewID(), CreatedAt: now()}),
			practice.ErrNotFound, "AddPlaceVersion under an unknown parent returns ErrNotFound")

		got, err := s.PlaceVersions(ctx, o.ID)
		require.NoError(t, err)
		var mine []practice.PlaceVersion
		for _, v := range got {
			if v.PlaceID == child.ID {
				mine = append(mine, v)
			}
		}
		require.Len(t, got, 5, "rule: PlaceVersions returns every version of the organisation's places")
		require.Equal(t, []practice.Date{d, date(t, "2026-12-31"), date(t, "2027-08-01")},
			[]practice.Date{mine[0].ValidFrom, mine[1].ValidFrom, mine[2].ValidFrom}, "rule: PlaceVersions orders a place's versions by date")
		require.Equal(t, later[1], mine[1], "rule: a place version round-trips every field")
		require.Equal(t, later[0], mine[2], "rule: a place version at the top round-trips with NilID as parent")
		first, second := parent.ID, child.ID
		if second.String() < first.String() {
			first, second = second, first
		}
		require.Equal(t, first, got[0].PlaceID, "rule: PlaceVersions orders by place ID first")
		require.Equal(t, second, got[len(got)-1].PlaceID, "rule: PlaceVersions orders by place ID first")
		none, err := s.PlaceVersions(ctx, createOrg(t, ctx, s, "B").ID)
		require.NoError(t, err)
		require.Empty(t, none, "rule: PlaceVersions lists only the organisation's places")
	})
	t.Run("TreeAsOf", func(t *testing.T) { t.Parallel(); testTreeAsOf(t, newStore) })
}

// testTreeAsOf stores a restructured tree and reads it back as of several
// dates: what the adapter returns must rebuild the same history.
func testTreeAsOf(t *testing.T, newStore NewStore) {
	s, ctx := setup(t, newStore)
	o := createOrg(t, ctx, s, "Oslo kommune")
	start := date(t, "2025-08-01")
	school := createPlace(t, ctx, s, o.ID, "Utdanningsetaten", practice.NilID, start)
	north := createPlace(t, ctx, s, o.ID, "Nord", school.ID, start)
	south := createPlace(t, ctx, s, o.ID, "Sør", school.ID, start)
	unit := createPlace(t, ctx, s, o.ID, "Kjelsås skole", north.ID, start)
	reorg := date(t, "2026-08-01")
	for _, v := range []practice.PlaceVersion{
		{PlaceID: unit.ID, ValidFrom: reorg, Name: "Kjelsås skole", ParentID: south.ID},
		{PlaceID: north.ID, ValidFrom: reorg, Name: "Nord", ParentID: school.ID, Closed: true},
		{PlaceID: south.ID, ValidFrom: reorg, Name: "Region Sør og Nord", ParentID: school.ID},
	} {
		v.CreatedAt = now()
		require.NoError(t, s.AddPlaceVersion(ctx, v))
	}
	places, err := s.Places(ctx, o.ID)
	require.NoError(t, err)
	versions, err := s.PlaceVersions(ctx, o.ID)
	require.NoError(t, err)
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
