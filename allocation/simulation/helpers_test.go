package simulation_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/allocation"
	"github.com/praksis/praksis/allocation/simulation"
	"github.com/praksis/praksis/practice"
)

// testID returns a fixed ID: kind tells students ('s') from places ('p').
func testID(kind byte, n int) practice.ID {
	var id practice.ID
	id[0] = kind
	id[1] = byte(n >> 8)
	id[2] = byte(n)
	id[6] = 0x40
	id[8] = 0x80
	id[15] = byte(n)
	return id
}

// violations flattens an error of the checkers into its violations.
func violations(err error) []*simulation.Violation {
	var out []*simulation.Violation
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		if v, ok := err.(*simulation.Violation); ok {
			out = append(out, v)
			return
		}
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out
}

// requireViolation asserts that err holds a violation of the rule that
// names the student and the place (each when not zero), and returns it.
func requireViolation(t *testing.T, err error, rule string, student, place practice.ID) *simulation.Violation {
	t.Helper()
	require.Error(t, err)
	var first *simulation.Violation
	require.True(t, errors.As(err, &first), "not a *Violation: %v", err)
	for _, v := range violations(err) {
		if v.Rule != rule {
			continue
		}
		if !student.IsZero() && !slices.Contains(v.Students, student) {
			continue
		}
		if !place.IsZero() && !slices.Contains(v.Places, place) {
			continue
		}
		require.Contains(t, v.Error(), rule)
		return v
	}
	require.Failf(t, "no such violation", "want rule %s naming student %s and place %s, got: %v", rule, student, place, err)
	return nil
}

// allocate runs the round and fails the test on an error.
func allocate(t testing.TB, r allocation.Round, o allocation.Options) *allocation.Result {
	t.Helper()
	res, err := allocation.Allocate(r, o)
	require.NoError(t, err)
	return res
}

// assignmentOf returns the student's assignment.
func assignmentOf(t testing.TB, res *allocation.Result, student practice.ID) allocation.Assignment {
	t.Helper()
	i, ok := res.Lookup(student)
	require.True(t, ok)
	return res.Assignment(i)
}

// algorithms are the runs every property holds for.
var algorithms = []struct {
	name string
	o    allocation.Options
}{
	{"deferred-acceptance", allocation.Options{Algorithm: allocation.DeferredAcceptance}},
	{"serial-dictatorship", allocation.Options{Algorithm: allocation.SerialDictatorship}},
	{"optimal", allocation.Options{Algorithm: allocation.Optimal}},
	{"optimal-spread", allocation.Options{Algorithm: allocation.Optimal, Groups: allocation.GroupsSpread}},
	{"optimal-together", allocation.Options{Algorithm: allocation.Optimal, Groups: allocation.GroupsTogether}},
}
