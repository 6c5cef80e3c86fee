package storagetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

// pageThrough lists every page of limit items and checks the rules of
// paging: each page but the last is full and has a Next cursor, the last
// has none, and the pages together are the whole list.
func pageThrough[T any](t *testing.T, name string, limit int, list func(practice.PageRequest) (practice.Page[T], error)) []T {
	t.Helper()
	whole, err := list(practice.PageRequest{Limit: practice.MaxLimit})
	require.NoError(t, err)
	require.Empty(t, whole.Next, "rule: %s: a page that holds the rest of the list has no Next cursor", name)
	var all []T
	req := practice.PageRequest{Limit: limit}
	for range len(whole.Items) + 1 {
		p, err := list(req)
		require.NoError(t, err)
		all = append(all, p.Items...)
		if p.Next == "" {
			require.LessOrEqual(t, len(p.Items), limit, "rule: %s: a page holds at most Limit items", name)
			require.Equal(t, whole.Items, all, "rule: %s: the pages in turn are the whole list, in order", name)
			return all
		}
		require.Len(t, p.Items, limit, "rule: %s: a page with a Next cursor is full", name)
		req.After = p.Next
	}
	t.Fatalf("rule: %s: paging ends", name)
	return nil
}

func testPages(t *testing.T, h Harness) {
	const n, limit = 7, 3
	t.Run("Lists", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		inst := createInstitution(t, b, "Institusjon")
		org := createOrg(t, b, "Organisasjon")
		from := date(t, "2026-01-01")
		for i := range n {
			createInstitution(t, b, fmt.Sprintf("Institusjon %d", i%3))
			createOrg(t, b, fmt.Sprintf("Organisasjon %d", i%3))
			p := createPlace(t, b, org.ID, fmt.Sprintf("Sted %d", i), practice.NilID, from)
			require.NoError(t, b.s.AddPlaceVersion(b.ctx, practice.PlaceVersion{PlaceID: p.ID, From: from.AddDays(i + 1), Name: "Nytt navn", CreatedAt: now()}))
			person := createPerson(t, b, fmt.Sprintf("Person %d", i%3))
			require.NoError(t, b.s.PutMembership(b.ctx, practice.Membership{OrganisationID: org.ID, PersonID: person.ID, Right: practice.Read}))
			require.NoError(t, b.s.PutStaffRole(b.ctx, practice.StaffMembership{InstitutionID: inst.ID, PersonID: person.ID, Role: practice.Teacher}))
			require.NoError(t, b.s.PutStaffRole(b.ctx, practice.StaffMembership{InstitutionID: inst.ID, PersonID: person.ID, Role: practice.Administrator}))
		}
		ctx := b.ctx
		require.Len(t, pageThrough(t, "Institutions", limit, func(p practice.PageRequest) (practice.Page[practice.Institution], error) {
			return b.s.Institutions(ctx, practice.InstitutionFilter{Page: p})
		}), n+1)
		require.Len(t, pageThrough(t, "Organisations", limit, func(p practice.PageRequest) (practice.Page[practice.Organisation], error) {
			return b.s.Organisations(ctx, practice.OrganisationFilter{Page: p})
		}), n+1)
		require.Len(t, pageThrough(t, "Places", limit, func(p practice.PageRequest) (practice.Page[practice.Place], error) {
			return b.s.Places(ctx, practice.PlaceFilter{OrganisationID: org.ID, Page: p})
		}), n)
		require.Len(t, pageThrough(t, "PlaceVersions", limit, func(p practice.PageRequest) (practice.Page[practice.PlaceVersion], error) {
			return b.s.PlaceVersions(ctx, practice.PlaceVersionFilter{OrganisationID: org.ID, Page: p})
		}), 2*n)
		require.Len(t, pageThrough(t, "People", limit, func(p practice.PageRequest) (practice.Page[practice.Person], error) {
			return b.s.People(ctx, practice.PeopleFilter{OrganisationID: org.ID, Page: p})
		}), n)
		require.Len(t, pageThrough(t, "Memberships", limit, func(p practice.PageRequest) (practice.Page[practice.Membership], error) {
			return b.s.Memberships(ctx, practice.MembershipFilter{OrganisationID: org.ID, Page: p})
		}), n)
		require.Len(t, pageThrough(t, "StaffRoles", limit, func(p practice.PageRequest) (practice.Page[practice.StaffMembership], error) {
			return b.s.StaffRoles(ctx, practice.StaffFilter{InstitutionID: inst.ID, Page: p})
		}), 2*n)
	})
	t.Run("Keyset", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		org := createOrg(t, b, "Organisasjon")
		for _, name := range []string{"B", "D", "F", "H"} {
			p := createPerson(t, b, name)
			require.NoError(t, b.s.PutMembership(b.ctx, practice.Membership{OrganisationID: org.ID, PersonID: p.ID, Right: practice.Read}))
		}
		list := func(p practice.PageRequest) []string {
			page, err := b.s.People(b.ctx, practice.PeopleFilter{OrganisationID: org.ID, Page: p})
			require.NoError(t, err)
			var names []string
			for _, x := range page.Items {
				names = append(names, x.Name)
			}
			if page.Next != "" {
				names = append(names, "next:"+string(page.Next))
			}
			return names
		}
		first, err := b.s.People(b.ctx, practice.PeopleFilter{OrganisationID: org.ID, Page: practice.PageRequest{Limit: 2}})
		require.NoError(t, err)
		for _, name := range []string{"A", "C", "G"} { // before, at and after the cursor
			p := createPerson(t, b, name)
			require.NoError(t, b.s.PutMembership(b.ctx, practice.Membership{OrganisationID: org.ID, PersonID: p.ID, Right: practice.Read}))
		}
		require.Equal(t, []string{"F", "G", "H"}, list(practice.PageRequest{Limit: 3, After: first.Next}),
			"rule: a page goes on after its cursor's key, however records before it changed (keyset paging)")
	})
	t.Run("DefaultLimit", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		inst := createInstitution(t, b, "Institusjon")
		person := createPerson(t, b, "Person")
		for range practice.DefaultLimit {
			other := createInstitution(t, b, "Institusjon")
			require.NoError(t, b.s.PutStaffRole(b.ctx, practice.StaffMembership{InstitutionID: other.ID, PersonID: person.ID, Role: practice.Teacher}))
		}
		require.NoError(t, b.s.PutStaffRole(b.ctx, practice.StaffMembership{InstitutionID: inst.ID, PersonID: person.ID, Role: practice.Teacher}))
		p, err := b.s.StaffRoles(b.ctx, practice.StaffFilter{PersonID: person.ID})
		require.NoError(t, err)
		require.Len(t, p.Items, practice.DefaultLimit, "rule: a PageRequest without a Limit gives DefaultLimit items")
		require.NotEmpty(t, p.Next, "rule: a full page with more to come has a Next cursor")
	})
	t.Run("BadCursor", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		other, err := b.s.Institutions(b.ctx, practice.InstitutionFilter{Page: practice.PageRequest{After: practice.NewCursor("a", "b")}})
		require.NoError(t, err, "rule: a cursor past the end gives an empty page")
		require.Empty(t, other.Items)
		for _, c := range []practice.Cursor{"not a cursor", "%%%", practice.NewCursor("a", "b", "c"), practice.Cursor("W10")} {
			err := b.try(func(ctx context.Context) error {
				_, err := b.s.Places(ctx, practice.PlaceFilter{Page: practice.PageRequest{After: c}})
				return err
			})
			isValidation(t, err, "cursor", "a cursor that this list did not give is a *ValidationError on cursor")
		}
	})
}
