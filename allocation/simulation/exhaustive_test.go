package simulation_test

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/allocation"
	"github.com/praksis/praksis/allocation/simulation"
	"github.com/praksis/praksis/practice"
)

// tiny is a round small enough to enumerate every matching of: at most 6
// students and 4 places with 0 to 2 seats, no pins.
type tiny struct {
	r       allocation.Round
	seed    uint64 // the lottery's
	lists   [][]int
	allowed [][]bool // per student and place: listed and not excluded
	classOf []int
}

// tinyKnobs say what a tiny round may have besides lists and seats.
type tinyKnobs struct {
	classes, credit, exclude, priorities bool
}

func randomID(rng *rand.Rand) practice.ID {
	var id practice.ID
	binary.BigEndian.PutUint64(id[:8], rng.Uint64())
	binary.BigEndian.PutUint64(id[8:], rng.Uint64())
	id[6] = id[6]&0x0f | 0x40
	id[8] = id[8]&0x3f | 0x80
	return id
}

func newTiny(rng *rand.Rand, k tinyKnobs) *tiny {
	nS, nP := 1+rng.IntN(6), 1+rng.IntN(4)
	in := &tiny{seed: rng.Uint64()}
	r := &in.r
	if k.classes {
		r.Classes = []string{"a", "b"}[:rng.IntN(3)]
	}
	for range nP {
		r.Places = append(r.Places, allocation.Place{ID: randomID(rng), Seats: rng.IntN(3)})
	}
	for range nS {
		st := allocation.Student{ID: randomID(rng)}
		perm := rng.Perm(nP)[:rng.IntN(nP+1)]
		for _, pl := range perm {
			st.Preferences = append(st.Preferences, r.Places[pl].ID)
		}
		in.lists = append(in.lists, perm)
		if n := len(r.Classes); n > 0 {
			if c := rng.IntN(n + 1); c < n {
				st.Class = r.Classes[c]
			}
		}
		if k.credit {
			st.Credit = rng.IntN(3)
		}
		r.Students = append(r.Students, st)
	}
	if k.priorities {
		for pl := range r.Places {
			if rng.IntN(2) == 0 {
				continue
			}
			// A random order over the students who list the place.
			var list []practice.ID
			for _, s := range rng.Perm(nS) {
				if slices.Contains(in.lists[s], pl) {
					list = append(list, r.Students[s].ID)
				}
			}
			r.Places[pl].Priorities = list
		}
	}
	in.allowed = make([][]bool, nS)
	excluded := map[[2]practice.ID]bool{}
	for s := range nS {
		in.allowed[s] = make([]bool, nP)
		for _, pl := range in.lists[s] {
			if k.exclude && rng.IntN(6) == 0 {
				excluded[[2]practice.ID{r.Students[s].ID, r.Places[pl].ID}] = true
				continue
			}
			in.allowed[s][pl] = true
		}
	}
	if len(excluded) > 0 {
		r.Exclude = func(s *allocation.Student, p *allocation.Place) string {
			if excluded[[2]practice.ID{s.ID, p.ID}] {
				return "excluded"
			}
			return ""
		}
	}
	in.classOf = make([]int, nS)
	for s, st := range r.Students {
		in.classOf[s] = len(r.Classes)
		if i := slices.Index(r.Classes, st.Class); i >= 0 && st.Class != "" {
			in.classOf[s] = i
		}
	}
	return in
}

const never = 1 << 10 // the rank of being unplaced

// rank returns student s's rank of place pl (from 1), or never.
func (in *tiny) rank(s, pl int) int {
	if pl < 0 {
		return never
	}
	if i := slices.Index(in.lists[s], pl); i >= 0 {
		return i + 1
	}
	return never
}

// before reports whether student a comes before student b at place pl (pl
// < 0: the shared order), by the documented rule.
func (in *tiny) before(pl, a, b int) bool {
	if in.classOf[a] != in.classOf[b] {
		return in.classOf[a] < in.classOf[b]
	}
	sa, sb := in.r.Students[a], in.r.Students[b]
	if pl >= 0 {
		pri := in.r.Places[pl].Priorities
		pa, pb := slices.Index(pri, sa.ID), slices.Index(pri, sb.ID)
		switch {
		case pa >= 0 && pb < 0:
			return true
		case pa < 0 && pb >= 0:
			return false
		case pa != pb:
			return pa < pb
		}
	}
	if sa.Credit != sb.Credit {
		return sa.Credit > sb.Credit
	}
	la, lb := allocation.Lottery(in.seed, sa.ID), allocation.Lottery(in.seed, sb.ID)
	if la != lb {
		return la < lb
	}
	return sa.ID.Compare(sb.ID) < 0
}

// matchings returns every feasible matching: per student a place index or
// -1, each student only at an allowed place, no place over its seats.
func (in *tiny) matchings() [][]int {
	nS := len(in.r.Students)
	left := make([]int, len(in.r.Places))
	for pl, p := range in.r.Places {
		left[pl] = p.Seats
	}
	m := make([]int, nS)
	var out [][]int
	var walk func(s int)
	walk = func(s int) {
		if s == nS {
			out = append(out, slices.Clone(m))
			return
		}
		m[s] = -1
		walk(s + 1)
		for _, pl := range in.lists[s] {
			if in.allowed[s][pl] && left[pl] > 0 {
				left[pl]--
				m[s] = pl
				walk(s + 1)
				left[pl]++
			}
		}
	}
	walk(0)
	return out
}

// stable reports whether matching m has no blocking pair.
func (in *tiny) stable(m []int) bool {
	used := make([]int, len(in.r.Places))
	for _, pl := range m {
		if pl >= 0 {
			used[pl]++
		}
	}
	for s := range m {
		for _, pl := range in.lists[s] {
			if in.rank(s, pl) >= in.rank(s, m[s]) {
				break
			}
			if !in.allowed[s][pl] {
				continue
			}
			if used[pl] < in.r.Places[pl].Seats {
				return false
			}
			for t := range m {
				if m[t] == pl && in.before(pl, s, t) {
					return false
				}
			}
		}
	}
	return true
}

// outcome returns the result as a matching.
func (in *tiny) outcome(t *testing.T, res *allocation.Result) []int {
	t.Helper()
	m := make([]int, len(in.r.Students))
	for s, a := range res.Assignments() {
		m[s] = -1
		if a.Placed() {
			m[s] = slices.IndexFunc(in.r.Places, func(p allocation.Place) bool { return p.ID == a.Place })
			require.Equal(t, in.rank(s, m[s]), a.Rank)
		}
	}
	return m
}

func (in *tiny) String() string {
	var b []byte
	for pl, p := range in.r.Places {
		b = fmt.Appendf(b, "place %d: %d seats, priorities %v\n", pl, p.Seats, p.Priorities)
	}
	for s, st := range in.r.Students {
		b = fmt.Appendf(b, "student %d %s: class %q, credit %d, list %v, allowed %v\n", s, st.ID, st.Class, st.Credit, in.lists[s], in.allowed[s])
	}
	return string(b)
}

const tinyRounds = 3000

func TestExhaustiveDeferredAcceptanceIsStudentOptimalStable(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for range tinyRounds {
		in := newTiny(rng, tinyKnobs{classes: true, credit: true, exclude: true, priorities: true})
		res := allocate(t, in.r, allocation.Options{Seed: in.seed})
		da := in.outcome(t, res)
		require.True(t, in.stable(da), "deferred acceptance is not stable:\n%s%v", in, da)
		require.NoError(t, simulation.Check(in.r, res))
		stables := 0
		for _, m := range in.matchings() {
			if !in.stable(m) {
				continue
			}
			stables++
			for s := range m {
				require.LessOrEqual(t, in.rank(s, da[s]), in.rank(s, m[s]),
					"student %d prefers the stable matching %v to deferred acceptance's %v:\n%s", s, m, da, in)
			}
		}
		require.Positive(t, stables)
	}
}

func TestExhaustiveOptimalPlacesMostThenLeastRank(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range tinyRounds {
		in := newTiny(rng, tinyKnobs{credit: true, exclude: true, priorities: true})
		o := allocation.Options{Seed: in.seed, Algorithm: allocation.Optimal}
		if i%2 == 1 {
			o.RankWeight = 3 // scales every cost alike
		}
		res := allocate(t, in.r, o)
		require.NoError(t, simulation.Check(in.r, res))
		got := in.outcome(t, res)
		size := func(m []int) (n, total int) {
			for s, pl := range m {
				if pl >= 0 {
					n++
					total += in.rank(s, pl)
				}
			}
			return n, total
		}
		bestN, bestTotal := 0, 0
		for _, m := range in.matchings() {
			n, total := size(m)
			if n > bestN || n == bestN && total < bestTotal {
				bestN, bestTotal = n, total
			}
		}
		n, total := size(got)
		require.Equal(t, bestN, n, "not a maximum matching: %v\n%s", got, in)
		require.Equal(t, bestTotal, total, "not the least total rank: %v\n%s", got, in)
	}
}

func TestExhaustiveSerialDictatorshipIsParetoEfficient(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	for range tinyRounds {
		in := newTiny(rng, tinyKnobs{classes: true, credit: true, exclude: true, priorities: true})
		res := allocate(t, in.r, allocation.Options{Seed: in.seed, Algorithm: allocation.SerialDictatorship})
		require.NoError(t, simulation.Check(in.r, res))
		sd := in.outcome(t, res)

		// The same as choosing one by one in the shared order.
		order := make([]int, len(in.r.Students))
		for s := range order {
			order[s] = s
		}
		slices.SortFunc(order, func(a, b int) int {
			if in.before(-1, a, b) {
				return -1
			}
			return 1
		})
		left := make([]int, len(in.r.Places))
		for pl, p := range in.r.Places {
			left[pl] = p.Seats
		}
		want := make([]int, len(order))
		for _, s := range order {
			want[s] = -1
			for _, pl := range in.lists[s] {
				if in.allowed[s][pl] && left[pl] > 0 {
					left[pl]--
					want[s] = pl
					break
				}
			}
		}
		require.Equal(t, want, sd, "%s", in)

		for _, m := range in.matchings() {
			better, worse := false, false
			for s := range m {
				switch a, b := in.rank(s, m[s]), in.rank(s, sd[s]); {
				case a < b:
					better = true
				case a > b:
					worse = true
				}
			}
			require.False(t, better && !worse, "the matching %v Pareto-dominates serial dictatorship's %v:\n%s", m, sd, in)
		}
	}
}

// TestExhaustiveOptimalServesClassesInTurn checks the optimal mode with
// priority classes, pins, soft costs, groups and weights: for each class in
// turn, given the seats the pins and the classes before it took, the
// class's students are placed as many as possible and, among those
// placements, at the least total cost: RankWeight per rank, plus Cost,
// plus the group term. With GroupsSpread each further student of a group
// at a place costs GroupWeight times the number of students of the group
// already there (pins and earlier classes included); with GroupsTogether a
// student placed away from their group's anchor costs GroupWeight, where
// the anchor is the place holding most of the group's students placed
// from their lists in the run without groups (ties to the lower ID).
func TestExhaustiveOptimalServesClassesInTurn(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 8))
	for i := range tinyRounds {
		in := newTiny(rng, tinyKnobs{classes: true, credit: true, exclude: true, priorities: true})
		nS, nP := len(in.r.Students), len(in.r.Places)
		cost := make([][]int, nS)
		for s := range cost {
			cost[s] = make([]int, nP)
			for pl := range cost[s] {
				cost[s][pl] = rng.IntN(4)
			}
		}
		byID := map[practice.ID]int{}
		for s, st := range in.r.Students {
			byID[st.ID] = s
		}
		placeIdx := map[practice.ID]int{}
		for pl, p := range in.r.Places {
			placeIdx[p.ID] = pl
		}
		if i%3 > 0 {
			in.r.Cost = func(s *allocation.Student, p *allocation.Place) int { return cost[byID[s.ID]][placeIdx[p.ID]] }
		}
		group := make([]string, nS)
		for s := range group {
			group[s] = []string{"", "g1", "g2"}[rng.IntN(3)]
			in.r.Students[s].Group = group[s]
		}
		// Pins, to any place the student is allowed at, with a seat.
		left := make([]int, nP)
		for pl, p := range in.r.Places {
			left[pl] = p.Seats
		}
		pinned := make([]bool, nS)
		for s := range nS {
			pl := rng.IntN(nP)
			if rng.IntN(5) > 0 || left[pl] == 0 || slices.Contains(in.lists[s], pl) && !in.allowed[s][pl] {
				continue
			}
			left[pl]--
			pinned[s] = true
			in.r.Pins = append(in.r.Pins, allocation.Pin{Student: in.r.Students[s].ID, Place: in.r.Places[pl].ID, Reason: "test"})
		}
		o := allocation.Options{
			Seed:        in.seed,
			Algorithm:   allocation.Optimal,
			RankWeight:  1 + rng.IntN(3),
			GroupWeight: 1 + rng.IntN(3),
			Groups:      []allocation.GroupPolicy{allocation.GroupsIgnored, allocation.GroupsSpread, allocation.GroupsTogether}[i%3],
		}
		res := allocate(t, in.r, o)
		require.NoError(t, simulation.Check(in.r, res))
		got := make([]int, nS)
		for s, a := range res.Assignments() {
			got[s] = -1
			if a.Placed() {
				got[s] = placeIdx[a.Place]
			}
		}
		type pg struct {
			pl int
			g  string
		}
		already := map[pg]int{}
		for s := range nS {
			if pinned[s] && group[s] != "" {
				already[pg{got[s], group[s]}]++
			}
		}
		anchor := map[string]int{}
		if o.Groups == allocation.GroupsTogether {
			plain := o
			plain.Groups = allocation.GroupsIgnored
			count := map[pg]int{}
			for s, a := range allocate(t, in.r, plain).Assignments() {
				if a.Placed() && !a.Pinned && group[s] != "" {
					count[pg{placeIdx[a.Place], group[s]}]++
				}
			}
			for _, g := range []string{"g1", "g2"} {
				best, n := -1, 0
				for pl := range nP {
					c := count[pg{pl, g}]
					if c > n || c == n && c > 0 && in.r.Places[pl].ID.Compare(in.r.Places[best].ID) < 0 {
						best, n = pl, c
					}
				}
				if best >= 0 {
					anchor[g] = best
				}
			}
		}
		stageCost := func(students []int, m []int) (n, total int) {
			extra := map[pg]int{}
			for _, s := range students {
				pl := m[s]
				if pl < 0 {
					continue
				}
				n++
				total += o.RankWeight*in.rank(s, pl) + cost[s][pl]*boolInt(in.r.Cost != nil)
				if group[s] == "" {
					continue
				}
				switch o.Groups {
				case allocation.GroupsSpread:
					k := pg{pl, group[s]}
					total += o.GroupWeight * (already[k] + extra[k])
					extra[k]++
				case allocation.GroupsTogether:
					if a, ok := anchor[group[s]]; ok && a != pl {
						total += o.GroupWeight
					}
				}
			}
			return n, total
		}
		for class := 0; class <= len(in.r.Classes); class++ {
			var students []int
			for s := range nS {
				if in.classOf[s] == class && !pinned[s] {
					students = append(students, s)
				}
			}
			if len(students) == 0 {
				continue
			}
			// Every matching of this class's students on the seats left.
			m := slices.Repeat([]int{-1}, nS)
			bestN, bestTotal := -1, 0
			var walk func(j int)
			walk = func(j int) {
				if j == len(students) {
					n, total := stageCost(students, m)
					if n > bestN || n == bestN && total < bestTotal {
						bestN, bestTotal = n, total
					}
					return
				}
				s := students[j]
				m[s] = -1
				walk(j + 1)
				for _, pl := range in.lists[s] {
					if in.allowed[s][pl] && left[pl] > 0 {
						left[pl]--
						m[s] = pl
						walk(j + 1)
						left[pl]++
					}
				}
				m[s] = -1
			}
			walk(0)
			n, total := stageCost(students, got)
			require.Equal(t, bestN, n, "class %d: not a maximum matching: %v, options %+v\n%s", class, got, o, in)
			require.Equal(t, bestTotal, total, "class %d: not the least cost: %v, options %+v, costs %v, groups %v, anchors %v, pins %v\n%s",
				class, got, o, cost, group, anchor, in.r.Pins, in)
			for _, s := range students {
				if pl := got[s]; pl >= 0 {
					left[pl]--
					if group[s] != "" {
						already[pg{pl, group[s]}]++
					}
				}
			}
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
