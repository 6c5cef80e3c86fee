package simulation_test

import (
	"errors"
	"fmt"
	"math/rand"
	"reflect"
	"slices"
	"testing"
	"testing/quick"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/allocation"
	"github.com/praksis/praksis/allocation/simulation"
	"github.com/praksis/praksis/practice"
)

// instance is a small random scenario with random options, for quick.
type instance struct {
	Config     simulation.Config
	Options    allocation.Options
	ZeroSeats  []int // places given no seats (when none is pinned there)
	EmptyLists []int // students whose list is cleared
	Late       int   // students added late, for NextRound
}

// Generate implements quick.Generator.
func (instance) Generate(rng *rand.Rand, _ int) reflect.Value {
	places := 1 + rng.Intn(8)
	in := instance{
		Config: simulation.Config{
			Seed:            rng.Uint64(),
			Students:        1 + rng.Intn(40),
			Places:          places,
			MinSeats:        1 + rng.Intn(3),
			ListLength:      1 + rng.Intn(places),
			Skew:            2 * rng.Float64(),
			Regions:         1 + rng.Intn(3),
			PlacePriorities: []float64{0, 0.5, 1}[rng.Intn(3)],
			Groups:          rng.Intn(4),
			Earlier:         rng.Intn(min(3, places)),
			Pins:            []float64{0, 0.1, 0.3}[rng.Intn(3)],
		},
		Options: allocation.Options{
			Seed:        rng.Uint64(),
			FillEmpty:   rng.Intn(2) == 0,
			RankWeight:  rng.Intn(4),
			GroupWeight: rng.Intn(4),
		},
		Late: rng.Intn(5),
	}
	in.Config.MaxSeats = in.Config.MinSeats + rng.Intn(4)
	for i := range rng.Intn(3) {
		in.Config.Classes = append(in.Config.Classes, simulation.ClassShare{Name: fmt.Sprintf("class-%d", i+1), Share: 0.3 * rng.Float64()})
	}
	for range rng.Intn(3) {
		in.ZeroSeats = append(in.ZeroSeats, rng.Intn(places))
	}
	for range rng.Intn(4) {
		in.EmptyLists = append(in.EmptyLists, rng.Intn(in.Config.Students))
	}
	return reflect.ValueOf(in)
}

// round makes the instance's scenario and round.
func (in instance) round(t testing.TB) (*simulation.Scenario, allocation.Round) {
	sc := generate(t, in.Config)
	pinned := map[practice.ID]bool{}
	for _, pin := range sc.Base.Pins {
		pinned[pin.Place] = true
	}
	for _, i := range in.ZeroSeats {
		if !pinned[sc.Base.Places[i].ID] {
			sc.Base.Places[i].Seats = 0
		}
	}
	emptied := map[practice.ID]bool{}
	for _, i := range in.EmptyLists {
		sc.Base.Students[i].Preferences = nil
		emptied[sc.Base.Students[i].ID] = true
	}
	// Places rank only students who list them (see
	// TestEngineBlockingPairsHonourPlaceListOfFilledStudent for why).
	for i := range sc.Base.Places {
		p := &sc.Base.Places[i]
		p.Priorities = slices.DeleteFunc(slices.Clone(p.Priorities), func(id practice.ID) bool { return emptied[id] })
		if len(p.Priorities) == 0 {
			p.Priorities = nil
		}
	}
	return sc, sc.Round()
}

// quickConfig runs n random instances, the same every run.
func quickConfig(seed int64, n int) *quick.Config {
	return &quick.Config{Rand: rand.New(rand.NewSource(seed)), MaxCount: n}
}

func TestPropertiesOfEveryAlgorithm(t *testing.T) {
	t.Parallel()
	for ai, alg := range algorithms {
		t.Run(alg.name, func(t *testing.T) {
			t.Parallel()
			prop := func(in instance) bool {
				_, r := in.round(t)
				o := in.Options
				o.Algorithm, o.Groups = alg.o.Algorithm, alg.o.Groups
				res, err := allocation.Allocate(r, o)
				if err != nil {
					t.Errorf("%+v: %v", in, err)
					return false
				}
				if err := simulation.Check(r, res); err != nil {
					t.Errorf("%+v: %v", in, err)
					return false
				}
				// The result's blocking pairs are the priority rule's.
				if mine, theirs := simulation.BlockingPairs(r, res), res.BlockingPairs(); !sameElements(mine, theirs) {
					t.Errorf("%+v: blocking pairs %v, the result says %v", in, mine, theirs)
					return false
				}
				if o.Algorithm == allocation.DeferredAcceptance && (len(res.BlockingPairs()) != 0 || res.Metrics().BlockingPairs != 0) {
					t.Errorf("%+v: deferred acceptance left blocking pairs %v", in, res.BlockingPairs())
					return false
				}
				if err := simulation.CheckDeterminism(r, o, 2, in.Config.Seed); err != nil {
					t.Errorf("%+v: %v", in, err)
					return false
				}
				// Every unplaced student is explained.
				for i, a := range res.Assignments() {
					if a.Placed() {
						continue
					}
					e := res.Explain(i)
					switch e.Kind {
					case allocation.Unplaced:
						if len(e.Passed) != len(r.Students[i].Preferences) || len(e.Passed) == 0 {
							t.Errorf("%+v: student %d unplaced with %d reasons for %d places", in, i, len(e.Passed), len(r.Students[i].Preferences))
							return false
						}
					case allocation.NoPreferences, allocation.NoSeatLeft:
					default:
						t.Errorf("%+v: student %d unplaced, explained as %s", in, i, e.Kind)
						return false
					}
					if e.Text(allocation.English, nil) == "" || e.Text(allocation.Norwegian, nil) == "" {
						t.Errorf("%+v: student %d: no text", in, i)
						return false
					}
				}
				if msg := fillsAgree(r, res); msg != "" {
					t.Errorf("%+v: %s", in, msg)
					return false
				}
				// A further round on the seats left passes too.
				var late []allocation.Student
				for j := range in.Late {
					late = append(late, allocation.Student{ID: testID('l', j+1), Preferences: r.Students[j%len(r.Students)].Preferences})
				}
				next := res.NextRound(late)
				for i, p := range next.Places {
					if p.Seats != res.SeatsLeft(i) || p.Seats != res.Metrics().Places[i].Seats-res.Metrics().Places[i].Used || len(p.Priorities) != 0 {
						t.Errorf("%+v: next round: place %d has %d seats and priorities %v", in, i, p.Seats, p.Priorities)
						return false
					}
				}
				nres, err := allocation.Allocate(next, o)
				if err != nil {
					t.Errorf("%+v: next round: %v", in, err)
					return false
				}
				if err := simulation.Check(next, nres); err != nil {
					t.Errorf("%+v: next round: %v", in, err)
					return false
				}
				return true
			}
			require.NoError(t, quick.Check(prop, quickConfig(int64(ai+1), 400)))
		})
	}
}

func TestOptimalPlacesAtLeastAsManyWithoutClasses(t *testing.T) {
	t.Parallel()
	prop := func(in instance) bool {
		in.Config.Classes = nil
		in.Options.FillEmpty = false
		_, r := in.round(t)
		placed := func(alg allocation.Algorithm, groups allocation.GroupPolicy) int {
			o := in.Options
			o.Algorithm, o.Groups = alg, groups
			return allocate(t, r, o).Metrics().Placed
		}
		best := placed(allocation.Optimal, allocation.GroupsIgnored)
		for _, g := range []allocation.GroupPolicy{allocation.GroupsSpread, allocation.GroupsTogether} {
			if n := placed(allocation.Optimal, g); n != best {
				t.Errorf("%+v: optimal places %d, with group policy %d %d", in, best, g, n)
				return false
			}
		}
		for _, alg := range []allocation.Algorithm{allocation.DeferredAcceptance, allocation.SerialDictatorship} {
			if n := placed(alg, allocation.GroupsIgnored); n > best {
				t.Errorf("%+v: %s places %d, optimal only %d", in, alg, n, best)
				return false
			}
		}
		return true
	}
	require.NoError(t, quick.Check(prop, quickConfig(99, 200)))
}

func sameElements(a, b []allocation.Pair) bool {
	if len(a) != len(b) {
		return false
	}
	count := map[allocation.Pair]int{}
	for _, p := range a {
		count[p]++
	}
	for _, p := range b {
		if count[p]--; count[p] < 0 {
			return false
		}
	}
	return true
}

// fillsAgree recomputes, with Options.FillEmpty, the seats given to
// students who listed no place: in the shared order (class, credit,
// lottery, ID), each takes the allowed place of least Cost, or without
// Cost the one with most seats left, ties to the lower place ID. It
// returns what disagrees, or "".
func fillsAgree(r allocation.Round, res *allocation.Result) string {
	o := res.Options()
	placeIdx := map[practice.ID]int{}
	left := make([]int, len(r.Places))
	for i, p := range r.Places {
		placeIdx[p.ID] = i
		left[i] = p.Seats
	}
	asg := res.Assignments()
	var waiting []int
	for s, a := range asg {
		filled := a.Placed() && !a.Pinned && a.Rank == 0
		if a.Placed() && !filled {
			left[placeIdx[a.Place]]--
		}
		if len(r.Students[s].Preferences) == 0 && !a.Pinned {
			waiting = append(waiting, s)
		}
	}
	if !o.FillEmpty {
		for _, s := range waiting {
			if asg[s].Placed() {
				return fmt.Sprintf("student %d filled without FillEmpty", s)
			}
		}
		return ""
	}
	class := func(s int) int {
		if i := slices.Index(r.Classes, r.Students[s].Class); i >= 0 && r.Students[s].Class != "" {
			return i
		}
		return len(r.Classes)
	}
	slices.SortFunc(waiting, func(a, b int) int {
		sa, sb := r.Students[a], r.Students[b]
		switch {
		case class(a) != class(b):
			return class(a) - class(b)
		case sa.Credit != sb.Credit:
			return sb.Credit - sa.Credit
		}
		la, lb := allocation.Lottery(o.Seed, sa.ID), allocation.Lottery(o.Seed, sb.ID)
		if la != lb {
			if la < lb {
				return -1
			}
			return 1
		}
		return sa.ID.Compare(sb.ID)
	})
	byID := make([]int, len(r.Places))
	for i := range byID {
		byID[i] = i
	}
	slices.SortFunc(byID, func(a, b int) int { return r.Places[a].ID.Compare(r.Places[b].ID) })
	for _, s := range waiting {
		best, bestKey := -1, 0
		for _, pl := range byID {
			if left[pl] == 0 || r.Exclude != nil && r.Exclude(&r.Students[s], &r.Places[pl]) != "" {
				continue
			}
			key := -left[pl]
			if r.Cost != nil {
				key = r.Cost(&r.Students[s], &r.Places[pl])
			}
			if best < 0 || key < bestKey {
				best, bestKey = pl, key
			}
		}
		want := practice.NilID
		if best >= 0 {
			want = r.Places[best].ID
			left[best]--
		}
		if asg[s].Place != want {
			return fmt.Sprintf("student %d without a list filled at %s, the rule gives %s", s, asg[s].Place, want)
		}
	}
	return ""
}

func TestLargeScenariosPassEveryCheck(t *testing.T) {
	t.Parallel()
	c := simulation.Config{
		Seed: 21, Students: 3000, Places: 200, MinSeats: 1, MaxSeats: 20, Skew: 1.2,
		Classes:         []simulation.ClassShare{{Name: "health", Share: 0.05}, {Name: "parents", Share: 0.1}},
		PlacePriorities: 0.3, Groups: 30, Earlier: 2, Pins: 0.02,
	}
	sc := generate(t, c)
	emptied := map[practice.ID]bool{}
	for i := 0; i < len(sc.Base.Students); i += 97 {
		sc.Base.Students[i].Preferences = nil // for FillEmpty
		emptied[sc.Base.Students[i].ID] = true
	}
	for i := range sc.Base.Places {
		p := &sc.Base.Places[i]
		p.Priorities = slices.DeleteFunc(p.Priorities, func(id practice.ID) bool { return emptied[id] })
	}
	r := sc.Round()
	for _, alg := range algorithms {
		t.Run(alg.name, func(t *testing.T) {
			t.Parallel()
			o := alg.o
			o.Seed, o.FillEmpty = 5, true
			res := allocate(t, r, o)
			require.NoError(t, simulation.Check(r, res))
			require.Equal(t, simulation.BlockingPairs(r, res), res.BlockingPairs())
			require.Empty(t, fillsAgree(r, res))
			require.NoError(t, simulation.CheckDeterminism(r, o, 1, 3))
			m := res.Metrics()
			require.Positive(t, m.Filled)
			require.Positive(t, m.Pinned)
			t.Logf("%s: placed %d of %d, mean rank %.2f, blocking pairs %d", alg.name, m.Placed, m.Students, m.MeanRank, m.BlockingPairs)
		})
	}
}

func TestProblemRunsConcurrently(t *testing.T) {
	t.Parallel()
	sc := generate(t, simulation.Config{Seed: 31, Students: 400, Places: 30, MinSeats: 1, MaxSeats: 12, Skew: 1, PlacePriorities: 0.5, Groups: 6, Earlier: 1, Pins: 0.05,
		Classes: []simulation.ClassShare{{Name: "a", Share: 0.1}}})
	for i := 0; i < len(sc.Base.Students); i += 50 {
		sc.Base.Students[i].Preferences = nil
	}
	r := sc.Round()
	p, err := allocation.Prepare(r)
	require.NoError(t, err)
	type outcome struct {
		asg   []allocation.Assignment
		exps  []allocation.Explanation
		pairs []allocation.Pair
	}
	want := make([]outcome, len(algorithms))
	for i, alg := range algorithms {
		o := alg.o
		o.FillEmpty = true
		res := allocate(t, r, o)
		want[i] = outcome{res.Assignments(), res.Explanations(), res.BlockingPairs()}
	}
	// One Problem, every algorithm at once, and every Result read from
	// several goroutines at once: the race detector watches.
	done := make(chan error)
	for i, alg := range algorithms {
		go func() {
			o := alg.o
			o.FillEmpty = true
			res, err := p.Run(o)
			if err != nil {
				done <- err
				return
			}
			inner := make(chan error)
			for range 3 {
				go func() {
					got := outcome{res.Assignments(), res.Explanations(), res.BlockingPairs()}
					_ = res.Metrics()
					if !reflect.DeepEqual(got, want[i]) {
						inner <- fmt.Errorf("%s: a run of the shared Problem differs from Allocate", alg.name)
						return
					}
					inner <- nil
				}()
			}
			var errs []error
			for range 3 {
				errs = append(errs, <-inner)
			}
			done <- errors.Join(errs...)
		}()
	}
	for range algorithms {
		require.NoError(t, <-done)
	}
}
