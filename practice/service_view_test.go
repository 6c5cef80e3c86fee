package practice_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

// TestNationalIDShownToFew checks who sees a person's national identity
// number (masked to the birth date, as always): the person, the
// administrators of their organisations and the system. Everyone else who
// may see the person learns only that one is registered.
func TestNationalIDShownToFew(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	nid, err := practice.ParseNationalID("15076500565")
	require.NoError(t, err)
	m, err := w.svc.AddMember(ctx, w.studyAdmin, w.a.ID, practice.PersonInput{Name: "Per Hansen", Email: "per@example.no", NationalID: nid}, practice.Read)
	require.NoError(t, err)
	per, err := w.svc.Actor(ctx, m.Person.ID)
	require.NoError(t, err)

	for _, tc := range []struct {
		who   string
		actor practice.Actor
		sees  bool
	}{
		{"the person", per, true},
		{"the organisation's admin", w.aAdmin, true},
		{"the system", w.system, true},
		{"a colleague with write right", w.aWriter, false},
		{"a colleague with read right", w.aReader, false},
		{"study site staff", w.teacher, false},
	} {
		p, err := w.svc.Person(ctx, tc.actor, m.Person.ID)
		require.NoError(t, err, tc.who)
		require.True(t, p.HasNationalID, "%s learns that a number is registered", tc.who)
		body, err := json.Marshal(p)
		require.NoError(t, err)
		require.NotContains(t, string(body), "15076500565")
		if tc.sees {
			require.Equal(t, nid, p.NationalID, "%s sees the number", tc.who)
			require.Contains(t, string(body), `"nationalId":"150765*****"`)
		} else {
			require.True(t, p.NationalID.IsZero(), "%s does not see the number", tc.who)
			require.NotContains(t, string(body), "150765", "%s does not even see the birth date", tc.who)
		}
		members, err := w.svc.Members(ctx, tc.actor, w.a.ID, practice.PageRequest{})
		if tc.actor.PersonID == per.PersonID || tc.actor.IsSystem() || tc.sees {
			require.NoError(t, err)
		}
		for _, x := range members.Items {
			if x.Person.ID == m.Person.ID {
				require.Equal(t, tc.sees, !x.Person.NationalID.IsZero(), "the member list shows the number to %s: %v", tc.who, tc.sees)
				require.True(t, x.Person.HasNationalID)
			}
		}
	}
	found, err := w.svc.SearchPeople(ctx, w.studyAdmin, practice.PeopleFilter{Query: "per hansen"})
	require.NoError(t, err)
	require.Len(t, found.Items, 1)
	require.True(t, found.Items[0].NationalID.IsZero(), "a search never shows national identity numbers")
	require.True(t, found.Items[0].HasNationalID)
}

// TestMembershipsShownWhereVisible: a reader sees a person's rights only at
// the organisations whose people the reader may see.
func TestMembershipsShownWhereVisible(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	_, err := w.svc.Grant(ctx, w.studyAdmin, w.b.ID, w.writerID, practice.Read) // the writer also reads at B
	require.NoError(t, err)

	byReader, err := w.svc.PersonMemberships(ctx, w.aReader, w.writerID)
	require.NoError(t, err)
	require.Equal(t, []practice.Membership{{OrganisationID: w.a.ID, PersonID: w.writerID, Right: practice.Write}}, byReader,
		"a supervisor at A does not see a colleague's right at B")
	byB, err := w.svc.PersonMemberships(ctx, w.bAdmin, w.writerID)
	require.NoError(t, err)
	require.Equal(t, []practice.Membership{{OrganisationID: w.b.ID, PersonID: w.writerID, Right: practice.Read}}, byB)
	for _, a := range []practice.Actor{w.studyAdmin, w.teacher, w.aWriter} {
		all, err := w.svc.PersonMemberships(ctx, a, w.writerID)
		require.NoError(t, err)
		require.Len(t, all, 2, "study site staff and the person see every right")
	}
	_, err = w.svc.PersonMemberships(ctx, w.outsider, w.writerID)
	require.ErrorIs(t, err, practice.ErrForbidden)
}

func TestSearchPeople(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	page, err := w.svc.SearchPeople(ctx, w.teacher, practice.PeopleFilter{Query: "A-", Page: practice.PageRequest{Limit: 2}})
	require.NoError(t, err)
	require.Len(t, page.Items, 2)
	require.NotEmpty(t, page.Next)
	next, err := w.svc.SearchPeople(ctx, w.teacher, practice.PeopleFilter{Query: "a-", Page: practice.PageRequest{Limit: 2, After: page.Next}})
	require.NoError(t, err)
	require.Len(t, next.Items, 1, "a-admin, a-koordinator, a-veileder")
	byEmail, err := w.svc.SearchPeople(ctx, w.studyAdmin, practice.PeopleFilter{Email: "A-ADMIN@example.no"})
	require.NoError(t, err)
	require.Equal(t, w.aAdmin.PersonID, byEmail.Items[0].ID)

	_, err = w.svc.SearchPeople(ctx, w.aAdmin, practice.PeopleFilter{Query: "a"})
	require.ErrorIs(t, err, practice.ErrForbidden, "site administrators do not search everybody")
	_, err = w.svc.SearchPeople(ctx, w.studyAdmin, practice.PeopleFilter{Query: "a\x00", Page: practice.PageRequest{Limit: 9999}})
	require.Equal(t, map[string]string{"q": "control", "limit": "range"}, fieldErrors(t, err))
}

func TestActorByEmail(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	a, err := w.svc.ActorByEmail(ctx, " A-Admin@Example.NO ")
	require.NoError(t, err)
	require.Equal(t, w.aAdmin.PersonID, a.PersonID)
	require.Equal(t, practice.Admin, a.Right(w.a.ID))
	_, err = w.svc.ActorByEmail(ctx, "nobody@example.no")
	require.ErrorIs(t, err, practice.ErrNotFound)
}

func TestPlaceOn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	_, err := w.svc.Restructure(ctx, w.studyAdmin, practice.StructureChange{PlaceID: w.placeA.ID, From: d("2027-01-01"), Name: "Akutten"})
	require.NoError(t, err)
	for _, tc := range []struct{ on, name string }{{"2026-06-01", "Akuttklinikken"}, {"2027-01-01", "Akutten"}} {
		p, err := w.svc.Place(ctx, w.anonymous, w.placeA.ID, d(tc.on))
		require.NoError(t, err)
		require.Equal(t, w.a.ID, p.OrganisationID)
		require.Equal(t, d(tc.on), p.AsOf)
		require.Equal(t, tc.name, p.Structure.Name)
	}
	p, err := w.svc.Place(ctx, w.anonymous, w.placeA.ID, d("2025-12-31"))
	require.NoError(t, err)
	require.Nil(t, p.Structure, "before the place existed it has no structure")
	_, err = w.svc.Place(ctx, w.anonymous, practice.NewID(), d("2026-06-01"))
	require.ErrorIs(t, err, practice.ErrNotFound)
	_, err = w.svc.Place(ctx, w.anonymous, w.placeA.ID, practice.NewDate(9999, 12, 31))
	require.Equal(t, map[string]string{"asOf": "range"}, fieldErrors(t, err))
	_, err = w.svc.Tree(ctx, w.anonymous, w.a.ID, practice.NewDate(1, 1, 1))
	require.Equal(t, map[string]string{"asOf": "range"}, fieldErrors(t, err))
}

// TestConcurrentIdenticalRestructure: of two identical changes of one place
// made at once, one is stored and the other is a conflict, never a
// complaint about date order.
func TestConcurrentIdenticalRestructure(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	const n = 4
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, errs[i] = w.svc.Restructure(ctx, w.studyAdmin, practice.StructureChange{PlaceID: w.placeA.ID, From: d("2027-01-01"), Name: "Akutten"})
		})
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		if err == nil {
			won++
			continue
		}
		require.ErrorIs(t, err, practice.ErrConflict, "the loser of two identical changes gets a conflict")
		require.Contains(t, err.Error(), "already has a change from 2027-01-01")
	}
	require.Equal(t, 1, won)
}

func TestStaffRules(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	staff, err := w.svc.Staff(ctx, w.teacher, w.nih.ID, practice.PageRequest{})
	require.NoError(t, err)
	require.Len(t, staff.Items, 3, "administrator, planner, teacher")
	err = w.svc.RemoveRole(ctx, w.studyAdmin, w.nih.ID, w.studyAdmin.PersonID, practice.Administrator)
	require.Equal(t, map[string]string{"role": "last-admin"}, fieldErrors(t, err), "a study site keeps a practice administrator")
	_, err = w.svc.AssignRole(ctx, w.studyAdmin, w.nih.ID, w.teacher.PersonID, practice.Administrator)
	require.NoError(t, err)
	require.NoError(t, w.svc.RemoveRole(ctx, w.studyAdmin, w.nih.ID, w.studyAdmin.PersonID, practice.Administrator))
	newAdmin, err := w.svc.Actor(ctx, w.teacher.PersonID)
	require.NoError(t, err)
	err = w.svc.RemoveRole(ctx, newAdmin, w.nih.ID, w.studyAdmin.PersonID, practice.Administrator)
	require.ErrorIs(t, err, practice.ErrNotFound, "a role the person does not have")
	_, err = w.svc.AssignRole(ctx, newAdmin, w.nih.ID, practice.NewID(), practice.Teacher)
	require.ErrorIs(t, err, practice.ErrNotFound, "an unknown person")
	require.Contains(t, err.Error(), "there is no person")
}

func TestOrganisationFilter(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	got, err := w.svc.Organisations(ctx, w.anonymous, practice.OrganisationFilter{OrgNumber: "974 760 673"})
	require.NoError(t, err)
	require.Equal(t, []practice.Organisation{w.b}, got.Items, "a number written in groups finds the organisation")
	_, err = w.svc.Organisations(ctx, w.anonymous, practice.OrganisationFilter{OrgNumber: "abc"})
	require.Equal(t, map[string]string{"orgNumber": "orgnr"}, fieldErrors(t, err))
}

// TestConflictsQuoteNothing: a conflict over a taken value says whose it
// is without quoting it, so text the caller gave (here an e-mail that
// holds a national identity number) never comes back in a message.
func TestConflictsQuoteNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	in := practice.PersonInput{Name: "Kari", Email: "12897810032@example.no"}
	_, err := w.svc.AddMember(ctx, w.studyAdmin, w.a.ID, in, practice.Read)
	require.NoError(t, err)
	_, err = w.svc.AddMember(ctx, w.studyAdmin, w.a.ID, in, practice.Read)
	require.ErrorIs(t, err, practice.ErrConflict)
	require.Equal(t, "conflict: the e-mail belongs to another person", practice.Message(err))
	_, err = w.svc.CreateOrganisation(ctx, w.studyAdmin, practice.OrganisationInput{Name: "Kopi", OrgNumber: w.a.OrgNumber})
	require.Equal(t, "conflict: the organisation number belongs to another organisation", practice.Message(err))
	_, err = w.svc.CreateInstitution(ctx, w.system, practice.InstitutionInput{Name: "Kopi", Code: w.nih.Code})
	require.Equal(t, "conflict: the code belongs to another institution", practice.Message(err))
}

// TestLookupsAreChecked: text a service looks up by is checked as input
// is, so a control character or invalid UTF-8 never reaches a store.
func TestLookupsAreChecked(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	_, err := w.svc.ActorByEmail(ctx, "a\x00b@example.no")
	require.Equal(t, map[string]string{"email": "control"}, fieldErrors(t, err))
	_, err = w.svc.ActorByEmail(ctx, "a\xffb@example.no")
	require.Equal(t, map[string]string{"email": "utf8"}, fieldErrors(t, err))
	_, err = w.svc.Organisations(ctx, w.anonymous, practice.OrganisationFilter{Page: practice.PageRequest{After: practice.NewCursor("a\x00", "b")}})
	require.Equal(t, map[string]string{"cursor": "cursor"}, fieldErrors(t, err))
	_, err = w.svc.SearchPeople(ctx, w.studyAdmin, practice.PeopleFilter{Email: "a\u202eb"})
	require.Equal(t, map[string]string{"email": "bidi"}, fieldErrors(t, err))
}
