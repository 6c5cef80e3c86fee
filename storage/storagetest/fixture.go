package storagetest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

var seq atomic.Int64

// next returns a number unique within the test binary, so records made by
// parallel cases never clash.
func next() int64 { return seq.Add(1) }

// now returns the current time at the precision stores keep.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

func newInstitution(name string) practice.Institution {
	t := now()
	n := next()
	return practice.Institution{ID: practice.NewID(), Name: name, Code: fmt.Sprintf("I%d", n), Version: 1, CreatedAt: t, UpdatedAt: t}
}

func newOrganisation(name string) practice.Organisation {
	t := now()
	return practice.Organisation{ID: practice.NewID(), Name: name, OrgNumber: fmt.Sprintf("9%08d", next()), Version: 1, CreatedAt: t, UpdatedAt: t}
}

func newPlace(org practice.ID) practice.Place {
	t := now()
	return practice.Place{ID: practice.NewID(), OrganisationID: org, Version: 1, CreatedAt: t, UpdatedAt: t,
		Presentation: practice.Presentation{Description: "Akuttmottak, 3. etasje", Address: "Sognsvannsveien 20, 0372 Oslo",
			Email: "akutt@example.no", Phone: "+4722334455", PictureRef: "https://example.no/akutt.jpg"}}
}

func newPerson(name string) practice.Person {
	t := now()
	return practice.Person{ID: practice.NewID(), Name: name, Email: fmt.Sprintf("p%d@example.no", next()), Phone: "+4790000000",
		Profile: practice.Profile{Teaches: []string{"Førstehjelp"}, Supervises: []string{"Sykepleie", "Akuttmedisin"}},
		Version: 1, CreatedAt: t, UpdatedAt: t}
}

func nationalID(t *testing.T, s string) practice.NationalID {
	t.Helper()
	n, err := practice.ParseNationalID(s)
	require.NoError(t, err)
	return n
}

func date(t *testing.T, s string) practice.Date {
	t.Helper()
	d, err := practice.ParseDate(s)
	require.NoError(t, err)
	return d
}

// setup returns a fresh store and a context for one case.
func setup(t *testing.T, newStore NewStore) (practice.Store, context.Context) {
	t.Helper()
	return newStore(t), context.Background()
}

// isRule fails the test, naming the rule, unless errors.Is(err, target).
func isRule(t *testing.T, err error, target error, rule string) {
	t.Helper()
	require.ErrorIs(t, err, target, "rule: %s", rule)
}

// createOrg and its siblings store a record for a case, failing it on any error.
func createOrg(t *testing.T, ctx context.Context, s practice.Store, name string) practice.Organisation {
	t.Helper()
	o := newOrganisation(name)
	require.NoError(t, s.CreateOrganisation(ctx, o), "rule: CreateOrganisation stores a new organisation")
	return o
}

func createPerson(t *testing.T, ctx context.Context, s practice.Store, name string) practice.Person {
	t.Helper()
	p := newPerson(name)
	require.NoError(t, s.CreatePerson(ctx, p), "rule: CreatePerson stores a new person")
	return p
}

func createInstitution(t *testing.T, ctx context.Context, s practice.Store, name string) practice.Institution {
	t.Helper()
	in := newInstitution(name)
	require.NoError(t, s.CreateInstitution(ctx, in), "rule: CreateInstitution stores a new institution")
	return in
}

func createPlace(t *testing.T, ctx context.Context, s practice.Store, org practice.ID, name string, parent practice.ID, from practice.Date) practice.Place {
	t.Helper()
	p := newPlace(org)
	require.NoError(t, s.CreatePlace(ctx, p), "rule: CreatePlace stores a new place")
	require.NoError(t, s.AddPlaceVersion(ctx, practice.PlaceVersion{PlaceID: p.ID, ValidFrom: from, Name: name, ParentID: parent, CreatedAt: now()}),
		"rule: AddPlaceVersion stores a place's first version")
	return p
}
