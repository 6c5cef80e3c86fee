package storagetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

// The cases of this file run practice.Service over the adapter: the rules
// that depend on how a store behaves under the service (what reaches it,
// how its locks serialise) hold on every store.

// world is what the service cases start from: a study site administrator,
// an organisation with a place, and a person, all made by the service.
type world struct {
	svc   *practice.Service
	admin practice.Actor
	org   practice.Organisation
	place practice.PlaceNode
	pers  practice.Person
}

func newWorld(t *testing.T, b bundle) world {
	t.Helper()
	ctx := b.ctx
	svc := practice.NewService(b.s)
	sys := practice.SystemActor()
	w := world{svc: svc}
	inst, err := svc.CreateInstitution(ctx, sys, practice.InstitutionInput{Name: "Politihøgskolen", Code: newInstitution("x").Code})
	require.NoError(t, err)
	admin, err := svc.CreatePerson(ctx, sys, practice.PersonInput{Name: "Studieadministrator", Email: newPerson("x").Email})
	require.NoError(t, err)
	_, err = svc.AssignRole(ctx, sys, inst.ID, admin.ID, practice.Administrator)
	require.NoError(t, err)
	w.admin, err = svc.Actor(ctx, admin.ID)
	require.NoError(t, err)
	w.org, err = svc.CreateOrganisation(ctx, w.admin, practice.OrganisationInput{Name: "Oslo kommune", OrgNumber: newOrgNumber()})
	require.NoError(t, err)
	w.place, err = svc.CreatePlace(ctx, w.admin, practice.NewPlace{OrganisationID: w.org.ID, Name: "Legevakten", From: date(t, "2026-01-01")})
	require.NoError(t, err)
	m, err := svc.AddMember(ctx, w.admin, w.org.ID, practice.PersonInput{Name: "Kari Nordmann", Email: newPerson("x").Email,
		Profile: practice.Profile{Teaches: []string{"Førstehjelp"}}}, practice.Admin)
	require.NoError(t, err)
	w.pers = m.Person
	return w
}

// state is what the hostile inputs must leave as it was.
type state struct {
	orgs     []practice.Organisation
	people   []practice.Person
	places   []practice.Place
	versions []practice.PlaceVersion
}

func stateOf(t *testing.T, b bundle, w world) state {
	t.Helper()
	return state{
		orgs:     listed(b.s.Organisations(b.ctx, practice.OrganisationFilter{Page: practice.PageRequest{Limit: practice.MaxLimit}})).items(t),
		people:   listed(b.s.People(b.ctx, practice.PeopleFilter{Page: practice.PageRequest{Limit: practice.MaxLimit}})).items(t),
		places:   listed(b.s.Places(b.ctx, practice.PlaceFilter{OrganisationID: w.org.ID})).items(t),
		versions: listed(b.s.PlaceVersions(b.ctx, practice.PlaceVersionFilter{OrganisationID: w.org.ID})).items(t),
	}
}

func testService(t *testing.T, h Harness) {
	t.Run("HostileInputChangesNothing", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		w := newWorld(t, b)
		ctx := b.ctx
		before := stateOf(t, b, w)
		person := func(name string, teaches ...string) practice.PersonInput {
			return practice.PersonInput{Name: name, Email: newPerson("x").Email, Profile: practice.Profile{Teaches: teaches}}
		}
		ignore := func(_ any, err error) error { return err }
		for _, tc := range []struct {
			name, field, rule string
			call              func() error
		}{
			{"NUL in an organisation's name", "name", "control", func() error {
				return ignore(w.svc.CreateOrganisation(ctx, w.admin, practice.OrganisationInput{Name: "Oslo\x00kommune", OrgNumber: newOrgNumber()}))
			}},
			{"NUL in a subject taught", "profile.teaches[1]", "control", func() error {
				return ignore(w.svc.UpdatePerson(ctx, w.admin, w.pers.ID, w.pers.Version, practice.PersonUpdate{
					Name: "Kari", Email: w.pers.Email, Profile: practice.Profile{Teaches: []string{"Førstehjelp", "Akutt\x00"}}}))
			}},
			{"invalid UTF-8 in a name", "name", "utf8", func() error {
				return ignore(w.svc.AddMember(ctx, w.admin, w.org.ID, person("Kari \xff"), practice.Read))
			}},
			{"a bidirectional override", "name", "bidi", func() error {
				return ignore(w.svc.CreatePerson(ctx, w.admin, person("Kari \u202enosnah")))
			}},
			{"a name of zero-width spaces", "name", "visible", func() error {
				return ignore(w.svc.CreatePlace(ctx, w.admin, practice.NewPlace{OrganisationID: w.org.ID, Name: "\u200b\u200b", From: date(t, "2027-01-01")}))
			}},
			{"organisation number 000000000", "orgNumber", "orgnr", func() error {
				return ignore(w.svc.CreateOrganisation(ctx, w.admin, practice.OrganisationInput{Name: "Null", OrgNumber: "000000000"}))
			}},
			{"the year 0", "from", "range", func() error {
				return ignore(w.svc.CreatePlace(ctx, w.admin, practice.NewPlace{OrganisationID: w.org.ID, Name: "Gammel", From: practice.NewDate(0, 1, 1)}))
			}},
			{"the year 9999", "from", "range", func() error {
				return ignore(w.svc.Restructure(ctx, w.admin, practice.StructureChange{PlaceID: w.place.ID, From: practice.NewDate(9999, 12, 31), Name: "X"}))
			}},
			{"a javascript: picture", "pictureRef", "pictureref", func() error {
				return ignore(w.svc.UpdatePresentation(ctx, w.admin, w.place.ID, w.place.Version, practice.Presentation{PictureRef: "javascript:alert(1)"}))
			}},
			{"a data: picture", "pictureRef", "pictureref", func() error {
				return ignore(w.svc.UpdatePresentation(ctx, w.admin, w.place.ID, w.place.Version, practice.Presentation{PictureRef: "data:text/html,<script>"}))
			}},
			{"NUL in a description", "description", "control", func() error {
				return ignore(w.svc.UpdatePresentation(ctx, w.admin, w.place.ID, w.place.Version, practice.Presentation{Description: "a\x00b"}))
			}},
		} {
			err := tc.call()
			var v *practice.ValidationError
			require.True(t, errors.As(err, &v), "rule: %s is refused as invalid input, got %v", tc.name, err)
			rules := map[string]string{}
			for _, f := range v.Fields {
				rules[f.Field] = f.Rule
			}
			require.Equal(t, tc.rule, rules[tc.field], "rule: %s is refused naming the field and the rule, got %v", tc.name, v.Fields)
		}
		require.Equal(t, before, stateOf(t, b, w), "rule: refused input changes nothing")
	})
	t.Run("HostileLookupsAreRefused", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		w := newWorld(t, b)
		ctx := b.ctx
		nul := practice.NewCursor("a\x00", practice.NewID().String())
		for name, call := range map[string]func() error{
			"a NUL in an e-mail to log in with": func() error { _, err := w.svc.ActorByEmail(ctx, "a\x00b@example.no"); return err },
			"invalid UTF-8 in an e-mail":        func() error { _, err := w.svc.ActorByEmail(ctx, "a\xffb@example.no"); return err },
			"a NUL in a cursor": func() error {
				_, err := w.svc.Organisations(ctx, practice.Actor{}, practice.OrganisationFilter{Page: practice.PageRequest{After: nul}})
				return err
			},
			"a NUL in a cursor of members": func() error {
				_, err := w.svc.Members(ctx, w.admin, w.org.ID, practice.PageRequest{After: nul})
				return err
			},
			"a NUL in a search": func() error {
				_, err := w.svc.SearchPeople(ctx, w.admin, practice.PeopleFilter{Query: "a\x00"})
				return err
			},
			"a NUL in an organisation number": func() error {
				_, err := w.svc.Organisations(ctx, practice.Actor{}, practice.OrganisationFilter{OrgNumber: "9\x0000"})
				return err
			},
		} {
			var v *practice.ValidationError
			require.True(t, errors.As(call(), &v),
				"rule: %s is refused as invalid input before it reaches the store", name)
		}
	})
	t.Run("ConcurrentIdenticalRestructure", func(t *testing.T) {
		t.Parallel()
		b := h.fresh(t)
		w := newWorld(t, b)
		const n = 4
		errs := make([]error, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				<-start
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				_, errs[i] = w.svc.Restructure(ctx, w.admin, practice.StructureChange{PlaceID: w.place.ID, From: date(t, "2027-01-01"), Name: "Oslo legevakt"})
			})
		}
		close(start)
		wg.Wait()
		won := 0
		for _, err := range errs {
			if err == nil {
				won++
				continue
			}
			require.ErrorIs(t, err, practice.ErrConflict, "rule: the loser of identical concurrent structure changes gets a conflict, not a complaint about date order")
		}
		require.Equal(t, 1, won, "rule: of identical concurrent structure changes exactly one is stored")
		history := listed(b.s.PlaceVersions(b.ctx, practice.PlaceVersionFilter{PlaceID: w.place.ID})).items(t)
		require.Len(t, history, 2)
	})
}
