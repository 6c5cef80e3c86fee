package practice_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

func TestVersionAsOf(t *testing.T) {
	t.Parallel()
	vs := []practice.PlaceVersion{
		{From: d("2026-01-01"), Name: "A"},
		{From: d("2027-01-01"), Name: "B"},
		{From: d("2026-06-01"), Name: "A2"},
	}
	for _, tc := range []struct {
		on   string
		want string
		ok   bool
	}{
		{"2025-12-31", "", false},
		{"2026-01-01", "A", true},
		{"2026-05-31", "A", true},
		{"2026-06-01", "A2", true},
		{"2026-12-31", "A2", true},
		{"2027-01-01", "B", true},
		{"2099-01-01", "B", true},
	} {
		v, ok := practice.VersionAsOf(vs, d(tc.on))
		require.Equal(t, tc.ok, ok, tc.on)
		require.Equal(t, tc.want, v.Name, tc.on)
	}
}

func TestBuildTree(t *testing.T) {
	t.Parallel()
	org := practice.NewID()
	root, b, a, closed, late := practice.NewID(), practice.NewID(), practice.NewID(), practice.NewID(), practice.NewID()
	var places []practice.Place
	for _, id := range []practice.ID{root, b, a, closed, late} {
		places = append(places, practice.Place{ID: id, OrganisationID: org, Version: 1})
	}
	versions := []practice.PlaceVersion{
		{PlaceID: root, From: d("2026-01-01"), Name: "Klinikk"},
		{PlaceID: b, From: d("2026-01-01"), Name: "B-post", ParentID: root},
		{PlaceID: a, From: d("2026-01-01"), Name: "A-post", ParentID: root},
		{PlaceID: closed, From: d("2026-01-01"), Name: "Gammel", ParentID: a},
		{PlaceID: closed, From: d("2026-03-01"), Name: "Gammel", ParentID: a, Closed: true},
		{PlaceID: late, From: d("2026-05-01"), Name: "Ny"},
	}
	tree := practice.BuildTree(org, places, versions, d("2026-02-01"))
	var got []string
	tree.Walk(func(n *practice.PlaceNode, depth int) bool {
		got = append(got, string(rune('0'+depth))+n.Name)
		return true
	})
	require.Equal(t, []string{"0Klinikk", "1A-post", "2Gammel", "1B-post"}, got, "depth first, children by name")
	require.Equal(t, d("2026-02-01"), tree.AsOf)
	require.NotNil(t, tree.Find(closed))

	tree = practice.BuildTree(org, places, versions, d("2026-05-01"))
	require.Nil(t, tree.Find(closed), "a closed place is gone from its closing date")
	require.NotNil(t, tree.Find(late), "a place is there from its opening date")
	require.Len(t, tree.Roots, 2)
	require.Equal(t, "Klinikk", tree.Roots[0].Name)

	tree = practice.BuildTree(org, places, versions, d("2025-12-31"))
	require.Empty(t, tree.Roots, "nothing before the first date")
	require.NotNil(t, tree.Roots, "roots are an empty list, not null, in JSON")

	n := 0
	practice.BuildTree(org, places, versions, d("2026-02-01")).Walk(func(*practice.PlaceNode, int) bool { n++; return n < 2 })
	require.Equal(t, 2, n, "Walk stops when fn returns false")
}
