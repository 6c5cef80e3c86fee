package storagetest

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

var seq atomic.Int64

// next returns a number unique within the test binary, so records made by
// parallel cases (which may share a store) never clash.
func next() int64 { return seq.Add(1) }

// now returns the current time at the precision stores keep.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

func newInstitution(name string) practice.Institution {
	t := now()
	return practice.Institution{ID: practice.NewID(), Name: name, Code: fmt.Sprintf("I%d", next()), Version: 1, CreatedAt: t, UpdatedAt: t}
}

func newOrganisation(name string) practice.Organisation {
	t := now()
	return practice.Organisation{ID: practice.NewID(), Name: name, OrgNumber: fmt.Sprintf("9%08d", next()), Version: 1, CreatedAt: t, UpdatedAt: t}
}

// newOrgNumber returns a valid organisation number that no other call in
// this test binary returns.
func newOrgNumber() string {
	for {
		first8 := fmt.Sprintf("9%07d", next()%10_000_000)
		d := make([]int, 8)
		for i := range d {
			d[i] = int(first8[i] - '0')
		}
		if k := checkDigit(d, []int{3, 2, 7, 6, 5, 4, 3, 2}); k >= 0 {
			return fmt.Sprintf("%s%d", first8, k)
		}
	}
}

func newPlace(org practice.ID) practice.Place {
	t := now()
	return practice.Place{ID: practice.NewID(), OrganisationID: org, Version: 1, CreatedAt: t, UpdatedAt: t,
		Presentation: practice.Presentation{Description: "Akuttmottak, 3. etasje\nInngang B", Address: "Sognsvannsveien 20, 0372 Oslo",
			Email: "akutt@example.no", Phone: "+4722334455", PictureRef: "https://example.no/akutt.jpg"}}
}

func newPerson(name string) practice.Person {
	t := now()
	return practice.Person{ID: practice.NewID(), Name: name, Email: fmt.Sprintf("p%d@example.no", next()), Phone: "+4790000000",
		Profile: practice.Profile{Teaches: []string{"Førstehjelp"}, Supervises: []string{"Sykepleie", "Akuttmedisin"}},
		Version: 1, CreatedAt: t, UpdatedAt: t}
}

// nidSeq numbers the synthetic national identity numbers of newNationalID.
var nidSeq atomic.Int64

// newNationalID returns a synthetic national identity number (the kind in
// Skatteetaten's test data: month + 80) that no real person has and no
// other call in this test binary returns, so cases that share a store
// never hold the same number at once.
func newNationalID(t *testing.T) practice.NationalID {
	t.Helper()
	for {
		n := nidSeq.Add(1)
		day, individual := 1+n/1000%28, n%1000
		digits := fmt.Sprintf("%02d%02d%02d%03d", day, 81, 7, individual)
		d := make([]int, 9, 11)
		for i := range d {
			d[i] = int(digits[i] - '0')
		}
		k1 := checkDigit(d, []int{3, 7, 6, 1, 8, 9, 4, 5, 2})
		if k1 < 0 {
			continue
		}
		k2 := checkDigit(append(d, k1), []int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2})
		if k2 < 0 {
			continue
		}
		id, err := practice.ParseNationalID(fmt.Sprintf("%s%d%d", digits, k1, k2))
		require.NoError(t, err)
		return id
	}
}

// checkDigit returns the modulus 11 check digit of digits with weights, or
// -1 if there is none.
func checkDigit(digits, weights []int) int {
	sum := 0
	for i, w := range weights {
		sum += w * digits[i]
	}
	switch k := 11 - sum%11; k {
	case 11:
		return 0
	case 10:
		return -1
	default:
		return k
	}
}

func date(t *testing.T, s string) practice.Date {
	t.Helper()
	d, err := practice.ParseDate(s)
	require.NoError(t, err)
	return d
}

// isRule fails the test, naming the rule, unless errors.Is(err, target).
func isRule(t *testing.T, err error, target error, rule string) {
	t.Helper()
	require.ErrorIs(t, err, target, "rule: %s", rule)
}

// adapterWords are what no error of a store may say: driver wording,
// constraint names, Go error chains.
var adapterWords = []string{"sqlite", "postgres", "pgx", "SQLSTATE", "constraint", "UNIQUE", "duplicate key", "violates", "bun:", "sql:"}

// isConflict fails the test unless err is an *practice.Error with code
// ErrConflict on field (or a stale version when field is ""), in the
// domain's words.
func isConflict(t *testing.T, err error, field, rule string) {
	t.Helper()
	require.ErrorIs(t, err, practice.ErrConflict, "rule: %s", rule)
	var e *practice.Error
	require.ErrorAs(t, err, &e, "rule: a conflict is a *practice.Error that says what conflicted (%s)", rule)
	if field == "" {
		require.True(t, e.Stale, "rule: %s: the conflict is a stale version, got %#v", rule, e)
	} else {
		require.False(t, e.Stale, "rule: %s: the conflict is a taken value, not a stale version", rule)
		require.Equal(t, field, e.Field, "rule: %s: the conflict names the field whose value is taken", rule)
	}
	inDomainWords(t, err, rule)
}

// inDomainWords fails the test if err's text carries adapter wording.
func inDomainWords(t *testing.T, err error, rule string) {
	t.Helper()
	for _, w := range adapterWords {
		require.NotContains(t, strings.ToLower(err.Error()), strings.ToLower(w),
			"rule: %s: a store's error is told in the domain's words, never the driver's: %q", rule, err)
	}
}

// isValidation fails the test unless err is a *practice.ValidationError
// on field.
func isValidation(t *testing.T, err error, field, rule string) {
	t.Helper()
	var v *practice.ValidationError
	require.True(t, errors.As(err, &v), "rule: %s: got %v", rule, err)
	require.Equal(t, field, v.Fields[0].Field, "rule: %s", rule)
}

// createOrg and its siblings store a record for a case, failing it on any error.
func createOrg(t *testing.T, b bundle, name string) practice.Organisation {
	t.Helper()
	o := newOrganisation(name)
	require.NoError(t, b.s.CreateOrganisation(b.ctx, o), "rule: CreateOrganisation stores a new organisation")
	return o
}

func createPerson(t *testing.T, b bundle, name string) practice.Person {
	t.Helper()
	p := newPerson(name)
	require.NoError(t, b.s.CreatePerson(b.ctx, p), "rule: CreatePerson stores a new person")
	return p
}

func createInstitution(t *testing.T, b bundle, name string) practice.Institution {
	t.Helper()
	in := newInstitution(name)
	require.NoError(t, b.s.CreateInstitution(b.ctx, in), "rule: CreateInstitution stores a new institution")
	return in
}

func createPlace(t *testing.T, b bundle, org practice.ID, name string, parent practice.ID, from practice.Date) practice.Place {
	t.Helper()
	p := newPlace(org)
	require.NoError(t, b.s.CreatePlace(b.ctx, p), "rule: CreatePlace stores a new place")
	require.NoError(t, b.s.AddPlaceVersion(b.ctx, practice.PlaceVersion{PlaceID: p.ID, From: from, Name: name, ParentID: parent, CreatedAt: now()}),
		"rule: AddPlaceVersion stores a place's first version")
	return p
}

// result is what a list method returned.
type result[T any] struct {
	p   practice.Page[T]
	err error
}

// listed holds what a list method returned, for items.
func listed[T any](p practice.Page[T], err error) result[T] { return result[T]{p, err} }

// items returns the items of the page, failing the test on an error.
func (r result[T]) items(t *testing.T) []T {
	t.Helper()
	require.NoError(t, r.err)
	require.NotNil(t, r.p.Items, "rule: a page's Items is never nil")
	return r.p.Items
}
