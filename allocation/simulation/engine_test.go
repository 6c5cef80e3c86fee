package simulation_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/allocation"
	"github.com/praksis/praksis/allocation/simulation"
	"github.com/praksis/praksis/practice"
)

// The tests in this file pin engine behaviour found at odds with its
// documentation once, so it stays fixed.

// TestEngineBlockingPairsHonourPlaceListOfFilledStudent: place x ranks Dan
// first in its own list. Dan lists no place and, with FillEmpty, is given
// x's seat, which the optimal mode left free because of Ann's travel cost.
// By the documented priority rule ("the place lists a in Place.Priorities
// and not b") Dan comes before Ann at x, so (Ann, x) is not a blocking
// pair. The engine keys a student at a place by the student's own list
// only, so it treats Dan as unlisted at x, lets Ann's credit win, and
// Result.BlockingPairs (and Metrics.BlockingPairs) report (Ann, x).
func TestEngineBlockingPairsHonourPlaceListOfFilledStudent(t *testing.T) {
	t.Parallel()
	r := allocation.Round{
		Students: []allocation.Student{
			{ID: ann, Preferences: []practice.ID{x, y}, Credit: 1},
			{ID: dan},
		},
		Places: []allocation.Place{{ID: x, Seats: 1, Priorities: []practice.ID{dan}}, {ID: y, Seats: 1}},
		Cost: func(s *allocation.Student, p *allocation.Place) int {
			if s.ID == ann && p.ID == x {
				return allocation.MaxCost
			}
			return 0
		},
	}
	res := allocate(t, r, allocation.Options{Algorithm: allocation.Optimal, FillEmpty: true})
	require.Equal(t, y, assignmentOf(t, res, ann).Place)
	require.Equal(t, x, assignmentOf(t, res, dan).Place)
	require.Empty(t, simulation.BlockingPairs(r, res), "the documented rule: x lists Dan, not Ann")
	require.Empty(t, res.BlockingPairs(), "Result.BlockingPairs disagrees with the documented priority rule")
}

// TestEngineRunCallsExcludeAndCostOnlyForFillEmpty: Prepare calls Exclude
// and Cost for every listed place, so a run calls them only with
// FillEmpty, and only for students who listed no place; a cost out of
// range there is refused like one in Prepare.
func TestEngineRunCallsExcludeAndCostOnlyForFillEmpty(t *testing.T) {
	t.Parallel()
	var asked []practice.ID
	r := handRound() // Dan lists no place
	r.Exclude = func(s *allocation.Student, _ *allocation.Place) string { asked = append(asked, s.ID); return "" }
	r.Cost = func(s *allocation.Student, _ *allocation.Place) int { asked = append(asked, s.ID); return 0 }
	p, err := allocation.Prepare(r)
	require.NoError(t, err)
	for _, alg := range []allocation.Algorithm{allocation.DeferredAcceptance, allocation.SerialDictatorship, allocation.Optimal} {
		asked = nil
		_, err := p.Run(allocation.Options{Algorithm: alg})
		require.NoError(t, err)
		require.Empty(t, asked, "%s without FillEmpty called Exclude or Cost", alg)

		asked = nil
		res, err := p.Run(allocation.Options{Algorithm: alg, FillEmpty: true})
		require.NoError(t, err)
		require.True(t, assignmentOf(t, res, dan).Placed(), "%s: Dan is given a seat left", alg)
		require.NotEmpty(t, asked)
		for _, id := range asked {
			require.Equal(t, dan, id, "%s: a run asked about a student with a list", alg)
		}
	}

	r.Cost = func(s *allocation.Student, _ *allocation.Place) int {
		if s.ID == dan {
			return allocation.MaxCost + 1
		}
		return 0
	}
	p, err = allocation.Prepare(r)
	require.NoError(t, err)
	_, err = p.Run(allocation.Options{FillEmpty: true})
	var v *practice.ValidationError
	require.ErrorAs(t, err, &v)
	require.Equal(t, "cost", v.Fields[0].Rule)
}

// TestEngineExplanationsDoNotAliasEachOther: Result.Explain hands out
// Passed.HeldBy slices that the Result caches and shares between every
// explanation of the same place. A caller who edits one explanation (to
// redact or relabel classes, say) changes every other explanation and
// every later Explain call on that Result.
func TestEngineExplanationsDoNotAliasEachOther(t *testing.T) {
	t.Parallel()
	r := handRound() // Cat is placed at y, x full with Ann and Bob
	res := allocate(t, r, allocation.Options{})
	i, _ := res.Lookup(cat)
	e := res.Explain(i)
	require.Equal(t, allocation.Full, e.Passed[0].Reason)
	require.Equal(t, []allocation.ClassCount{{Class: "", Students: 2}}, e.Passed[0].HeldBy)
	e.Passed[0].HeldBy[0].Students = 99
	require.Equal(t, 2, res.Explain(i).Passed[0].HeldBy[0].Students, "a caller's edit changed the Result")
}

// TestEngineOptimalBreaksTiesByPriority: the package documentation says
// every algorithm serves students in priority order, and Student.Credit
// that more credit comes first. Where the optimal mode has several
// placements of least cost, its min-cost flow lets the student later in the
// shared order win the tie, every time: here Ann, with more credit, always
// gets her second choice and Bob his first. So in a season with Fairness
// the credit works against the students it is meant to help.
func TestEngineOptimalBreaksTiesByPriority(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 1))
	wins := 0
	for range 50 {
		a, b, p, q := randomID(rng), randomID(rng), randomID(rng), randomID(rng)
		r := allocation.Round{
			Students: []allocation.Student{
				{ID: a, Preferences: []practice.ID{p, q}, Credit: 5},
				{ID: b, Preferences: []practice.ID{p, q}},
			},
			Places: []allocation.Place{{ID: p, Seats: 1}, {ID: q, Seats: 1}},
		}
		res := allocate(t, r, allocation.Options{Algorithm: allocation.Optimal, Seed: rng.Uint64()})
		if res.Assignment(0).Place == p {
			wins++
		}
	}
	require.Equal(t, 50, wins, "the student with more credit won the tie %d times of 50", wins)
}
