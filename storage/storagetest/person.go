package storagetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

var personEntity = entity[practice.Person]{
	kind: "Person",
	make: func(t *testing.T, _ bundle) practice.Person {
		p := newPerson("Kari Nordmann")
		p.NationalID = newNationalID(t)
		return p
	},
	create:  practice.Store.CreatePerson,
	update:  practice.Store.UpdatePerson,
	get:     practice.Store.Person,
	id:      func(v practice.Person) practice.ID { return v.ID },
	version: func(v *practice.Person) *int { return &v.Version },
	created: func(v *practice.Person) *time.Time { return &v.CreatedAt },
	change: func(v *practice.Person) {
		v.Phone = "+4741234567"
		v.Profile.Supervises = append(v.Profile.Supervises, "Psykiatri")
		v.Profile.Teaches = nil
		v.UpdatedAt = now()
	},
	taken: func(v *practice.Person, other practice.Person) string {
		v.Email = other.Email
		return "email"
	},
}

func testPeople(t *testing.T, h Harness) {
	testVersioned(t, h, personEntity)
	t.Run("ByNationalID", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		p := newPerson("Ola Nordmann")
		p.NationalID = newNationalID(t)
		require.NoError(t, b.s.CreatePerson(b.ctx, p))
		createPerson(t, b, "Uten nummer")
		got, err := b.s.PersonByNationalID(b.ctx, p.NationalID)
		require.NoError(t, err)
		require.Equal(t, p, got, "rule: PersonByNationalID finds the person with that number")
		_, err = b.s.PersonByNationalID(b.ctx, newNationalID(t))
		isRule(t, err, practice.ErrNotFound, "PersonByNationalID of an unknown number returns ErrNotFound")
		_, err = b.s.PersonByNationalID(b.ctx, practice.NationalID{})
		isRule(t, err, practice.ErrNotFound, "nobody has the zero national identity number")
	})
	t.Run("UniqueNationalID", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		a := newPerson("A")
		a.NationalID = newNationalID(t)
		require.NoError(t, b.s.CreatePerson(b.ctx, a))
		createPerson(t, b, "Uten nummer 1")
		createPerson(t, b, "Uten nummer 2") // many people have no number

		p := newPerson("B")
		p.NationalID = a.NationalID
		err := b.try(func(ctx context.Context) error { return b.s.CreatePerson(ctx, p) })
		isConflict(t, err, "nationalId", "CreatePerson with a taken national identity number is a conflict on nationalId")
		require.NotContains(t, err.Error(), a.NationalID.Reveal(), "rule: errors never quote a national identity number")

		p = createPerson(t, b, "B")
		p.NationalID = a.NationalID
		err = b.try(func(ctx context.Context) error { return b.s.UpdatePerson(ctx, p) })
		isConflict(t, err, "nationalId", "UpdatePerson to a taken national identity number is a conflict on nationalId")
		require.NotContains(t, err.Error(), a.NationalID.Reveal(), "rule: errors never quote a national identity number")
	})
	t.Run("EmailIgnoresCase", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		n := next()
		a := newPerson("A")
		a.Email = fmt.Sprintf("Mixed.Case%d@Example.no", n)
		require.NoError(t, b.s.CreatePerson(b.ctx, a))
		got, err := b.s.Person(b.ctx, a.ID)
		require.NoError(t, err)
		require.Equal(t, a.Email, got.Email, "rule: an e-mail is stored as given")

		p := newPerson("B")
		p.Email = strings.ToLower(a.Email)
		err = b.try(func(ctx context.Context) error { return b.s.CreatePerson(ctx, p) })
		isConflict(t, err, "email", "e-mail is unique ignoring case: mixed@x.no is taken by Mixed@x.no")

		p = createPerson(t, b, "C")
		p.Email = strings.ToUpper(a.Email)
		err = b.try(func(ctx context.Context) error { return b.s.UpdatePerson(ctx, p) })
		isConflict(t, err, "email", "UpdatePerson to an e-mail taken in another case is a conflict on email")

		for _, e := range []string{a.Email, strings.ToUpper(a.Email), strings.ToLower(a.Email), " " + a.Email + " "} {
			got := listed(b.s.People(b.ctx, practice.PeopleFilter{Email: e})).items(t)
			require.Equal(t, []practice.Person{a}, got, "rule: PeopleFilter.Email finds the person by EmailKey, whatever the case (%q)", e)
		}
		a.Email = strings.ToUpper(a.Email)
		require.NoError(t, b.s.UpdatePerson(b.ctx, a), "rule: a person may change the case of their own e-mail")
	})
	t.Run("List", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		got := listed(b.s.People(b.ctx, practice.PeopleFilter{})).items(t)
		require.Empty(t, got, "rule: an empty store lists nobody")
		o := createOrg(t, b, "A")
		c := createPerson(t, b, "Øystein")
		a := createPerson(t, b, "Anne")
		bj := createPerson(t, b, "Bjørn")
		for _, p := range []practice.Person{a, c} {
			require.NoError(t, b.s.PutMembership(b.ctx, practice.Membership{OrganisationID: o.ID, PersonID: p.ID, Right: practice.Read}))
		}
		got = listed(b.s.People(b.ctx, practice.PeopleFilter{})).items(t)
		require.Equal(t, []practice.Person{a, bj, c}, got, "rule: People lists everybody, ordered by name")
		got = listed(b.s.People(b.ctx, practice.PeopleFilter{OrganisationID: o.ID})).items(t)
		require.Equal(t, []practice.Person{a, c}, got, "rule: PeopleFilter.OrganisationID selects the people with a right there")
		got = listed(b.s.People(b.ctx, practice.PeopleFilter{Email: bj.Email})).items(t)
		require.Equal(t, []practice.Person{bj}, got, "rule: PeopleFilter.Email selects the person with that e-mail")
		got = listed(b.s.People(b.ctx, practice.PeopleFilter{Email: bj.Email, OrganisationID: o.ID})).items(t)
		require.Empty(t, got, "rule: the filter's fields combine")
	})
	t.Run("Search", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		n := next()
		named := func(name, email string) practice.Person {
			p := newPerson(name)
			p.Email = fmt.Sprintf(email, n)
			require.NoError(t, b.s.CreatePerson(b.ctx, p))
			return p
		}
		oystein := named("Øystein  Ås", "oystein%d@ous.example.no")
		kari := named("Kari Nordmann", "kari.n%d@oslo.example.no")
		per := named("Per 100%_ Hansen", "per%d@ous.example.no")
		search := func(q string) []practice.Person {
			return listed(b.s.People(b.ctx, practice.PeopleFilter{Query: q})).items(t)
		}
		require.Equal(t, []practice.Person{kari}, search("NORDMANN"), "rule: Query matches a part of the name, ignoring case")
		require.Equal(t, []practice.Person{oystein}, search("ØYSTEIN"), "rule: Query ignores case, beyond ASCII too")
		require.Equal(t, []practice.Person{oystein}, search("  øystein   ås "), "rule: Query collapses white space, as SearchKey does")
		require.Equal(t, []practice.Person{kari}, search(fmt.Sprintf("n%d@OSLO", n)), "rule: Query matches the e-mail")
		require.Equal(t, []practice.Person{per}, search("100%_"), "rule: % and _ in a query are plain characters")
		require.Empty(t, search("%"+fmt.Sprint(n)+"_ous"), "rule: % and _ in a query match nothing but themselves")
		require.Empty(t, search("nordmann\nkari"), "rule: a query never spans name and e-mail")
	})
}
