package storagetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

var personEntity = entity[practice.Person]{
	kind: "Person",
	make: func(t *testing.T, _ context.Context, _ practice.Store) practice.Person {
		p := newPerson("Kari Nordmann")
		p.NationalID = nationalID(t, "01010750160")
		return p
	},
	create:  practice.Store.CreatePerson,
	update:  practice.Store.UpdatePerson,
	get:     practice.Store.Person,
	id:      func(v practice.Person) practice.ID { return v.ID },
	version: func(v *practice.Person) *int { return &v.Version },
	change: func(v *practice.Person) {
		v.Phone = "+4741234567"
		v.Profile.Supervises = append(v.Profile.Supervises, "Psykiatri")
		v.Profile.Teaches = nil
		v.UpdatedAt = now()
	},
}

func testPeople(t *testing.T, newStore NewStore) {
	testVersioned(t, newStore, personEntity)
	t.Run("ByNationalID", func(t *testing.T) {
		t.Parallel()
		s, ctx := setup(t, newStore)
		p := newPerson("Ola Nordmann")
		p.NationalID = nationalID(t, "01010750160")
		require.NoError(t, s.CreatePerson(ctx, p))
		createPerson(t, ctx, s, "Uten nummer")
		got, err := s.PersonByNationalID(ctx, p.NationalID)
		require.NoError(t, err)
		require.Equal(t, p, got, "rule: PersonByNationalID finds the person with that number")
		_, err = s.PersonByNationalID(ctx, nationalID(t, "15076500565"))
		isRule(t, err, practice.ErrNotFound, "PersonByNationalID of an unknown number returns ErrNotFound")
	})
	t.Run("Unique", func(t *testing.T) {
		t.Parallel()
		s, ctx := setup(t, newStore)
		a := newPerson("A")
		a.NationalID = nationalID(t, "01010750160")
		require.NoError(t, s.CreatePerson(ctx, a))
		createPerson(t, ctx, s, "Uten nummer 1")
		createPerson(t, ctx, s, "Uten nummer 2")

		b := newPerson("B")
		b.Email = a.Email
		isRule(t, s.CreatePerson(ctx, b), practice.ErrConflict, "CreatePerson with a taken e-mail returns ErrConflict")
		b = newPerson("B")
		b.NationalID = a.NationalID
		err := s.CreatePerson(ctx, b)
		isRule(t, err, practice.ErrConflict, "CreatePerson with a taken national identity number returns ErrConflict")
		require.NotContains(t, err.Error(), a.NationalID.Reveal(), "rule: errors never quote a national identity number")

		b = createPerson(t, ctx, s, "B")
		b.Email = a.Email
		isRule(t, s.UpdatePerson(ctx, b), practice.ErrConflict, "UpdatePerson to a taken e-mail returns ErrConflict")
		b.Email = "b-new@example.no"
		b.NationalID = a.NationalID
		err = s.UpdatePerson(ctx, b)
		isRule(t, err, practice.ErrConflict, "UpdatePerson to a taken national identity number returns ErrConflict")
		require.NotContains(t, err.Error(), a.NationalID.Reveal(), "rule: errors never quote a national identity number")
	})
	t.Run("List", func(t *testing.T) {
		t.Parallel()
		s, ctx := setup(t, newStore)
		got, err := s.People(ctx, practice.PeopleFilter{})
		require.NoError(t, err)
		require.Empty(t, got, "rule: an empty store lists nobody")
		o := createOrg(t, ctx, s, "A")
		c := createPerson(t, ctx, s, "Øystein")
		a := createPerson(t, ctx, s, "Anne")
		b := createPerson(t, ctx, s, "Bjørn")
		for _, p := range []practice.Person{a, c} {
			require.NoError(t, s.PutMembership(ctx, practice.Membership{OrganisationID: o.ID, PersonID: p.ID, Right: practice.Read}))
		}
		got, err = s.People(ctx, practice.PeopleFilter{})
		require.NoError(t, err)
		require.Equal(t, []practice.Person{a, b, c}, got, "rule: People lists everybody, ordered by name")
		got, err = s.People(ctx, practice.PeopleFilter{OrganisationID: o.ID})
		require.NoError(t, err)
		require.Equal(t, []practice.Person{a, c}, got, "rule: PeopleFilter.OrganisationID selects the people with a right there")
		got, err = s.People(ctx, practice.PeopleFilter{Email: b.Email})
		require.NoError(t, err)
		require.Equal(t, []practice.Person{b}, got, "rule: PeopleFilter.Email selects the person with that e-mail")
	})
}
