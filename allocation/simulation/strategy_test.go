package simulation_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/allocation"
	"github.com/praksis/praksis/practice"
)

// misreports returns lists a student might report instead of their true
// one: random orders of random sets of places (adding places), every
// truncation, every swap of two choices, and the true list with a place
// inserted.
func misreports(rng *rand.Rand, truth []int, places int) [][]int {
	var out [][]int
	for range 8 {
		out = append(out, rng.Perm(places)[:rng.IntN(places+1)])
	}
	for k := range len(truth) {
		out = append(out, slices.Clone(truth[:k]))
	}
	for i := range truth {
		for j := i + 1; j < len(truth); j++ {
			l := slices.Clone(truth)
			l[i], l[j] = l[j], l[i]
			out = append(out, l)
		}
	}
	for pl := range places {
		if !slices.Contains(truth, pl) {
			at := rng.IntN(len(truth) + 1)
			out = append(out, slices.Insert(slices.Clone(truth), at, pl))
		}
	}
	return out
}

// checkStrategyProof runs many tiny rounds and, for a random student in
// each, every misreport: under their true list the outcome never improves.
func checkStrategyProof(t *testing.T, alg allocation.Algorithm, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	tried := 0
	for range 1500 {
		in := newTiny(rng, tinyKnobs{classes: true, credit: true, exclude: true, priorities: true})
		o := allocation.Options{Seed: in.seed, Algorithm: alg}
		s := rng.IntN(len(in.r.Students))
		truth := in.outcome(t, allocate(t, in.r, o))[s]
		for _, lie := range misreports(rng, in.lists[s], len(in.r.Places)) {
			r := in.r
			r.Students = slices.Clone(in.r.Students)
			r.Students[s].Preferences = nil
			for _, pl := range lie {
				r.Students[s].Preferences = append(r.Students[s].Preferences, in.r.Places[pl].ID)
			}
			res := allocate(t, r, o)
			a := res.Assignment(s)
			got := -1
			if a.Placed() {
				got = slices.IndexFunc(r.Places, func(p allocation.Place) bool { return p.ID == a.Place })
			}
			require.GreaterOrEqual(t, in.rank(s, got), in.rank(s, truth),
				"student %d gains by reporting %v instead of %v: place %d instead of %d\n%s", s, lie, in.lists[s], got, truth, in)
			tried++
		}
	}
	require.Greater(t, tried, 10000)
}

func TestDeferredAcceptanceIsStrategyProof(t *testing.T) {
	t.Parallel()
	checkStrategyProof(t, allocation.DeferredAcceptance, 11)
}

func TestSerialDictatorshipIsStrategyProof(t *testing.T) {
	t.Parallel()
	checkStrategyProof(t, allocation.SerialDictatorship, 12)
}

// TestOptimalIsNotStrategyProof gives the documented counterexample: Ann
// and Bob both want x first and y second, one seat each. The optimal mode
// places both, one at x and one at y. The one at y gains by listing x
// alone: placing both students then requires giving x to them.
func TestOptimalIsNotStrategyProof(t *testing.T) {
	t.Parallel()
	r := allocation.Round{
		Students: []allocation.Student{
			{ID: ann, Preferences: []practice.ID{x, y}},
			{ID: bob, Preferences: []practice.ID{x, y}},
		},
		Places: []allocation.Place{{ID: x, Seats: 1}, {ID: y, Seats: 1}},
	}
	o := allocation.Options{Algorithm: allocation.Optimal}
	truthful := allocate(t, r, o)
	loser := 0
	if truthful.Assignment(0).Place == x {
		loser = 1
	}
	require.Equal(t, y, truthful.Assignment(loser).Place)
	require.Equal(t, 2, truthful.Assignment(loser).Rank)

	lie := r
	lie.Students = slices.Clone(r.Students)
	lie.Students[loser].Preferences = []practice.ID{x}
	res := allocate(t, lie, o)
	require.Equal(t, x, res.Assignment(loser).Place, "the truncated list wins the first choice")
	require.Equal(t, y, res.Assignment(1-loser).Place)

	// Deferred acceptance gives no such gain.
	da := allocate(t, r, allocation.Options{})
	daLoser := 0
	if da.Assignment(0).Place == x {
		daLoser = 1
	}
	lie.Students[loser].Preferences = r.Students[loser].Preferences
	lie.Students[daLoser].Preferences = []practice.ID{x}
	require.False(t, allocate(t, lie, allocation.Options{}).Assignment(daLoser).Placed())
}
