package practice_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

func TestOrganisationRules(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	before, err := w.svc.Organisations(ctx, w.anonymous, practice.OrganisationFilter{})
	require.NoError(t, err)

	_, err = w.svc.CreateOrganisation(ctx, w.studyAdmin, practice.OrganisationInput{Name: " ", OrgNumber: "974760674"})
	require.Equal(t, map[string]string{"name": "required", "orgNumber": "orgnr"}, fieldErrors(t, err))
	_, err = w.svc.CreateOrganisation(ctx, w.studyAdmin, practice.OrganisationInput{Name: "Dublett", OrgNumber: "974 760 673"})
	require.ErrorIs(t, err, practice.ErrConflict, "an organisation number is unique, spaces aside")
	require.EqualError(t, err, "conflict: the organisation number belongs to another organisation")
	after, err := w.svc.Organisations(ctx, w.anonymous, practice.OrganisationFilter{})
	require.NoError(t, err)
	require.Equal(t, before, after, "refused input changes nothing")

	o, err := w.svc.UpdateOrganisation(ctx, w.studyAdmin, w.a.ID, w.a.Version, practice.OrganisationInput{Name: "OUS HF", OrgNumber: w.a.OrgNumber})
	require.NoError(t, err)
	require.Equal(t, 2, o.Version)
	require.Equal(t, fixedNow, o.UpdatedAt, "the service stamps records with its clock")
	_, err = w.svc.UpdateOrganisation(ctx, w.studyAdmin, w.a.ID, w.a.Version, practice.OrganisationInput{Name: "Stale", OrgNumber: w.a.OrgNumber})
	require.ErrorIs(t, err, practice.ErrConflict, "an update with a stale version is refused")
	require.EqualError(t, err, "conflict: the organisation changed since version 1 was read; read it again")
	_, err = w.svc.UpdateOrganisation(ctx, w.studyAdmin, w.a.ID, 2, practice.OrganisationInput{Name: "OUS HF", OrgNumber: w.b.OrgNumber})
	require.EqualError(t, err, "conflict: the organisation number belongs to another organisation")
	_, err = w.svc.UpdateOrganisation(ctx, w.studyAdmin, w.a.ID, 0, practice.OrganisationInput{Name: "X", OrgNumber: w.a.OrgNumber})
	require.Equal(t, map[string]string{"version": "required"}, fieldErrors(t, err))
	_, err = w.svc.Organisation(ctx, w.anonymous, practice.NewID())
	require.ErrorIs(t, err, practice.ErrNotFound)
}

// restructureWorld: Klinikk ⊃ {Post A ⊃ Team A1, Post B}, all from 2026-01-01.
func restructureWorld(t *testing.T) (*world, map[string]practice.ID) {
	t.Helper()
	ctx := context.Background()
	w := newWorld(t)
	ids := map[string]practice.ID{}
	add := func(name, parent string) {
		n, err := w.svc.CreatePlace(ctx, w.studyAdmin, practice.NewPlace{OrganisationID: w.b.ID, ParentID: ids[parent], Name: name, From: d("2026-01-01")})
		require.NoError(t, err)
		ids[name] = n.ID
	}
	add("Klinikk", "")
	add("Post A", "Klinikk")
	add("Team A1", "Post A")
	add("Post B", "Klinikk")
	return w, ids
}

func TestRestructureRules(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ptr := func(id practice.ID) *practice.ID { return &id }
	for _, tc := range []struct {
		name   string
		setup  func(w *world, ids map[string]practice.ID)
		change func(ids map[string]practice.ID) practice.StructureChange
		field  string
		rule   string
	}{
		{
			name: "move under its own descendant",
			change: func(ids map[string]practice.ID) practice.StructureChange {
				return practice.StructureChange{PlaceID: ids["Post A"], From: d("2027-01-01"), ParentID: ptr(ids["Team A1"])}
			},
			field: "parentId", rule: "acyclic",
		},
		{
			name: "move under itself",
			change: func(ids map[string]practice.ID) practice.StructureChange {
				return practice.StructureChange{PlaceID: ids["Post A"], From: d("2027-01-01"), ParentID: ptr(ids["Post A"])}
			},
			field: "parentId", rule: "acyclic",
		},
		{
			name: "move under another organisation's place",
			change: func(ids map[string]practice.ID) practice.StructureChange {
				return practice.StructureChange{PlaceID: ids["Post A"], From: d("2027-01-01"), ParentID: ptr(ids["other"])}
			},
			field: "parentId", rule: "same-organisation",
		},
		{
			name: "move under a place that is closed then",
			setup: func(w *world, ids map[string]practice.ID) {
				_, err := w.svc.Restructure(ctx, w.studyAdmin, practice.StructureChange{PlaceID: ids["Post B"], From: d("2026-06-01"), Close: true})
				require.NoError(t, err)
			},
			change: func(ids map[string]practice.ID) practice.StructureChange {
				return practice.StructureChange{PlaceID: ids["Team A1"], From: d("2027-01-01"), ParentID: ptr(ids["Post B"])}
			},
			field: "parentId", rule: "open-parent",
		},
		{
			name: "move under a place that closes later",
			setup: func(w *world, ids map[string]practice.ID) {
				_, err := w.svc.Restructure(ctx, w.studyAdmin, practice.StructureChange{PlaceID: ids["Post B"], From: d("2027-06-01"), Close: true})
				require.NoError(t, err)
			},
			change: func(ids map[string]practice.ID) practice.StructureChange {
				return practice.StructureChange{PlaceID: ids["Team A1"], From: d("2027-01-01"), ParentID: ptr(ids["Post B"])}
			},
			field: "parentId", rule: "open-parent",
		},
		{
			name: "close a place with open children",
			change: func(ids map[string]practice.ID) practice.StructureChange {
				return practice.StructureChange{PlaceID: ids["Post A"], From: d("2027-01-01"), Close: true}
			},
			field: "close", rule: "no-open-children",
		},
		{
			name: "close and rename at once",
			change: func(ids map[string]practice.ID) practice.StructureChange {
				return practice.StructureChange{PlaceID: ids["Post B"], From: d("2027-01-01"), Close: true, Name: "X"}
			},
			field: "close", rule: "excluded_with",
		},
		{
			name: "no change at all",
			change: func(ids map[string]practice.ID) practice.StructureChange {
				return practice.StructureChange{PlaceID: ids["Post B"], From: d("2027-01-01")}
			},
			field: "name", rule: "required_without_all",
		},
		{
			name: "no date",
			change: func(ids map[string]practice.ID) practice.StructureChange {
				return practice.StructureChange{PlaceID: ids["Post B"], Name: "X"}
			},
			field: "from", rule: "required",
		},
		{
			name: "before the place existed",
			change: func(ids map[string]practice.ID) practice.StructureChange {
				return practice.StructureChange{PlaceID: ids["Post B"], From: d("2025-12-31"), Name: "X"}
			},
			field: "from", rule: "after-opening",
		},
		{
			name: "not after the latest change",
			setup: func(w *world, ids map[string]practice.ID) {
				_, err := w.svc.Restructure(ctx, w.studyAdmin, practice.StructureChange{PlaceID: ids["Post B"], From: d("2027-06-01"), Name: "Post Beta"})
				require.NoError(t, err)
			},
			change: func(ids map[string]practice.ID) practice.StructureChange {
				return practice.StructureChange{PlaceID: ids["Post B"], From: d("2027-05-31"), Name: "X"}
			},
			field: "from", rule: "after-latest-change",
		},
		{
			name: "change a closed place",
			setup: func(w *world, ids map[string]practice.ID) {
				_, err := w.svc.Restructure(ctx, w.studyAdmin, practice.StructureChange{PlaceID: ids["Post B"], From: d("2026-06-01"), Close: true})
				require.NoError(t, err)
			},
			change: func(ids map[string]practice.ID) practice.StructureChange {
				return practice.StructureChange{PlaceID: ids["Post B"], From: d("2027-01-01"), Name: "X"}
			},
			field: "placeId", rule: "open",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w, ids := restructureWorld(t)
			ids["other"] = w.placeA.ID
			if tc.setup != nil {
				tc.setup(w, ids)
			}
			before, err := w.store.PlaceVersions(ctx, practice.PlaceVersionFilter{OrganisationID: w.b.ID})
			require.NoError(t, err)
			_, err = w.svc.Restructure(ctx, w.studyAdmin, tc.change(ids))
			fields := fieldErrors(t, err)
			require.Equal(t, tc.rule, fields[tc.field], "want %s on %s, got %v (%v)", tc.rule, tc.field, fields, err)
			after, err := w.store.PlaceVersions(ctx, practice.PlaceVersionFilter{OrganisationID: w.b.ID})
			require.NoError(t, err)
			require.Equal(t, before, after, "a refused restructuring changes nothing")
		})
	}
}

func TestRestructureAsOf(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w, ids := restructureWorld(t)
	top := practice.NilID
	for _, ch := range []practice.StructureChange{
		{PlaceID: ids["Team A1"], From: d("2027-01-01"), ParentID: &top, Name: "Akutteam"},
		{PlaceID: ids["Post A"], From: d("2027-01-01"), Close: true},
		{PlaceID: ids["Post B"], From: d("2027-08-01"), Name: "Sengepost"},
	} {
		_, err := w.svc.Restructure(ctx, w.studyAdmin, ch)
		require.NoError(t, err, ch)
	}
	shape := func(on string) []string {
		tree, err := w.svc.Tree(ctx, w.anonymous, w.b.ID, d(on))
		require.NoError(t, err)
		var out []string
		tree.Walk(func(n *practice.PlaceNode, depth int) bool {
			out = append(out, string(rune('0'+depth))+n.Name)
			return true
		})
		return out
	}
	require.Equal(t, []string{"0Klinikk", "1Post A", "2Team A1", "1Post B"}, shape("2026-12-31"))
	require.Equal(t, []string{"0Akutteam", "0Klinikk", "1Post B"}, shape("2027-01-01"))
	require.Equal(t, []string{"0Akutteam", "0Klinikk", "1Sengepost"}, shape("2027-08-01"))

	page, err := w.svc.PlaceHistory(ctx, w.anonymous, ids["Team A1"], practice.PageRequest{})
	require.NoError(t, err)
	history := page.Items
	require.Len(t, history, 2, "history is never overwritten")
	require.Equal(t, "Team A1", history[0].Name)
	require.Equal(t, ids["Post A"], history[0].ParentID)

	_, err = w.svc.Tree(ctx, w.anonymous, practice.NewID(), d("2027-01-01"))
	require.ErrorIs(t, err, practice.ErrNotFound)
}

func TestPresentation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	p, err := w.svc.UpdatePresentation(ctx, w.aAdmin, w.placeA.ID, 1, practice.Presentation{
		Description: "Akuttmottaket tar imot studenter i sykepleie.", Email: " Akutt@OUS-HF.no ", Phone: "+4723070000"})
	require.NoError(t, err)
	require.Equal(t, 2, p.Version)
	require.Equal(t, "akutt@ous-hf.no", p.Presentation.Email)
	_, err = w.svc.UpdatePresentation(ctx, w.aAdmin, w.placeA.ID, 1, practice.Presentation{Description: "stale"})
	require.ErrorIs(t, err, practice.ErrConflict)
	_, err = w.svc.UpdatePresentation(ctx, w.aAdmin, w.placeA.ID, 2, practice.Presentation{Email: "nope"})
	require.Equal(t, map[string]string{"email": "email"}, fieldErrors(t, err))
	tree, err := w.svc.Tree(ctx, w.anonymous, w.a.ID, d("2026-06-01"))
	require.NoError(t, err)
	require.Equal(t, "Akuttmottaket tar imot studenter i sykepleie.", tree.Find(w.placeA.ID).Presentation.Description)
}

func TestPeopleRules(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	var nid practice.NationalID
	require.NoError(t, nid.UnmarshalText([]byte("15076500565")))

	m, err := w.svc.AddMember(ctx, w.studyAdmin, w.a.ID, practice.PersonInput{Name: "Per Hansen", Email: " Per@Example.NO", NationalID: nid}, practice.Write)
	require.NoError(t, err)
	require.Equal(t, "per@example.no", m.Person.Email, "e-mail is stored in lower case")
	b, err := json.Marshal(m)
	require.NoError(t, err)
	require.NotContains(t, string(b), "15076500565", "JSON never reveals a national identity number")
	require.Contains(t, string(b), `"nationalId":"150765*****"`)

	a, err := w.svc.ActorByNationalID(ctx, nid)
	require.NoError(t, err)
	require.Equal(t, practice.Write, a.Right(w.a.ID), "a login by national identity number finds the person's rights")

	members, err := w.svc.Members(ctx, w.aReader, w.a.ID, practice.PageRequest{})
	require.NoError(t, err)
	require.Len(t, members.Items, 4)

	_, err = w.svc.AddMember(ctx, w.studyAdmin, w.a.ID, practice.PersonInput{Name: "Dublett", Email: "dublett@example.no", NationalID: nid}, practice.Read)
	require.ErrorIs(t, err, practice.ErrConflict)
	require.EqualError(t, err, "conflict: the national identity number belongs to another person",
		"a conflict is told in the domain's words, and never reveals a national identity number")
	_, err = w.svc.AddMember(ctx, w.studyAdmin, w.a.ID, practice.PersonInput{Name: "Dublett", Email: "PER@example.no"}, practice.Read)
	require.ErrorIs(t, err, practice.ErrConflict)
	require.EqualError(t, err, "conflict: the e-mail belongs to another person")
	_, err = w.svc.AddMember(ctx, w.studyAdmin, w.a.ID, practice.PersonInput{Name: "", Email: "x"}, "owner")
	require.Equal(t, map[string]string{"name": "required", "email": "email", "right": "oneof"}, fieldErrors(t, err))
	after, err := w.svc.Members(ctx, w.aReader, w.a.ID, practice.PageRequest{})
	require.NoError(t, err)
	require.Equal(t, members, after, "refused additions add nobody")

	p, err := w.svc.UpdatePerson(ctx, a, a.PersonID, 1, practice.PersonUpdate{Name: "Per Hansen", Email: "per@example.no",
		Profile: practice.Profile{Teaches: []string{"Akuttmedisin"}, Supervises: []string{" Sykepleie "}}})
	require.NoError(t, err, "a person with write right edits their own profile")
	require.Equal(t, []string{"Sykepleie"}, p.Profile.Supervises)
	require.Equal(t, nid, p.NationalID, "editing the profile keeps the national identity number")

	_, err = w.svc.UpdatePerson(ctx, a, a.PersonID, 1, practice.PersonUpdate{Name: "Per", Email: "per@example.no"})
	require.ErrorIs(t, err, practice.ErrConflict)
	require.EqualError(t, err, "conflict: the person changed since version 1 was read; read it again")
	_, err = w.svc.UpdatePerson(ctx, a, a.PersonID, 2, practice.PersonUpdate{Name: "Per", Email: "a-admin@example.no"})
	require.EqualError(t, err, "conflict: the e-mail belongs to another person")

	// A person at two organisations is edited only by someone who
	// administers both.
	_, err = w.svc.Grant(ctx, w.studyAdmin, w.b.ID, p.ID, practice.Read)
	require.NoError(t, err)
	_, err = w.svc.UpdatePerson(ctx, w.aAdmin, p.ID, 2, practice.PersonUpdate{Name: "Per", Email: "per@example.no"})
	require.ErrorIs(t, err, practice.ErrForbidden)

	_, err = w.svc.Grant(ctx, w.aAdmin, w.a.ID, p.ID, "superuser")
	require.Equal(t, map[string]string{"right": "oneof"}, fieldErrors(t, err))
	_, err = w.svc.Grant(ctx, w.studyAdmin, w.a.ID, practice.NewID(), practice.Read)
	require.ErrorIs(t, err, practice.ErrNotFound)
	require.ErrorIs(t, w.svc.Revoke(ctx, w.aAdmin, w.a.ID, w.outsideP), practice.ErrNotFound)
	_, err = w.svc.AssignRole(ctx, w.studyAdmin, w.nih.ID, p.ID, "dean")
	require.Equal(t, map[string]string{"role": "oneof"}, fieldErrors(t, err))
	_, err = w.svc.Actor(ctx, practice.NewID())
	require.ErrorIs(t, err, practice.ErrNotFound)
}

func TestLastAdmin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	adminID := w.aAdmin.PersonID
	require.Equal(t, map[string]string{"personId": "last-admin"}, fieldErrors(t, w.svc.Revoke(ctx, w.aAdmin, w.a.ID, adminID)),
		"the last site administrator cannot leave")
	_, err := w.svc.Grant(ctx, w.studyAdmin, w.a.ID, adminID, practice.Write)
	require.Equal(t, map[string]string{"right": "last-admin"}, fieldErrors(t, err),
		"nor be demoted, even by the study site")
	a, err := w.svc.Actor(ctx, adminID)
	require.NoError(t, err)
	require.Equal(t, practice.Admin, a.Right(w.a.ID), "a refused change changes nothing")

	_, err = w.svc.Grant(ctx, w.aAdmin, w.a.ID, w.writerID, practice.Admin)
	require.NoError(t, err)
	require.NoError(t, w.svc.Revoke(ctx, w.aAdmin, w.a.ID, adminID), "with another administrator, one may leave")
	require.NoError(t, w.svc.Revoke(ctx, w.aAdmin, w.a.ID, w.readerID), "others may always be removed")
}

func TestActorLists(t *testing.T) {
	t.Parallel()
	org1, org2, inst := practice.NewID(), practice.NewID(), practice.NewID()
	me, other := practice.NewID(), practice.NewID()
	a := practice.NewActor(me,
		[]practice.Membership{{OrganisationID: org1, PersonID: me, Right: practice.Read}, {OrganisationID: org2, PersonID: me, Right: practice.Admin},
			{OrganisationID: org1, PersonID: other, Right: practice.Admin}},
		[]practice.StaffMembership{{InstitutionID: inst, PersonID: me, Role: practice.Teacher}, {InstitutionID: inst, PersonID: me, Role: practice.Administrator}})
	want := []practice.Membership{{OrganisationID: org1, PersonID: me, Right: practice.Read}, {OrganisationID: org2, PersonID: me, Right: practice.Admin}}
	if org2.Compare(org1) < 0 {
		want[0], want[1] = want[1], want[0]
	}
	require.Equal(t, want, a.Memberships(), "only the actor's own memberships count, ordered by organisation ID")
	require.Equal(t, []practice.StaffMembership{{InstitutionID: inst, PersonID: me, Role: practice.Administrator}, {InstitutionID: inst, PersonID: me, Role: practice.Teacher}},
		a.StaffRoles())
	require.False(t, a.Has(org1, practice.Write))
	require.True(t, a.Has(org2, practice.Write))
	require.True(t, a.StudySiteAdministrator())
	require.Empty(t, practice.Actor{}.Memberships())
	require.Empty(t, practice.Actor{}.StaffRoles())
}
