package allocation_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/allocation"
	"github.com/praksis/praksis/practice"
)

// student and place make readable fixed IDs: student(3) is
// 00000000-0000-7000-8000-000000000003, place(3) ...-8000-0000000000f3.
func student(i int) practice.ID { return fixedID(0x5, i) }
func place(i int) practice.ID   { return fixedID(0xf, i) }

func fixedID(kind byte, i int) practice.ID {
	var id practice.ID
	id[6], id[8] = 0x70, 0x80
	id[13], id[14], id[15] = kind, byte(i>>8), byte(i)
	return id
}

// places lists place IDs by number.
func places(ns ...int) []practice.ID {
	out := make([]practice.ID, len(ns))
	for i, n := range ns {
		out[i] = place(n)
	}
	return out
}

// outcome maps each student number to the place number they got, 0 for none.
func outcome(t *testing.T, r allocation.Round, res *allocation.Result) map[int]int {
	t.Helper()
	out := map[int]int{}
	for i, a := range res.Assignments() {
		require.Equal(t, r.Students[i].ID, a.Student)
		n := 0
		if a.Placed() {
			n = int(a.Place[14])<<8 | int(a.Place[15])
		}
		out[int(a.Student[14])<<8|int(a.Student[15])] = n
	}
	return out
}

func run(t *testing.T, r allocation.Round, o allocation.Options) *allocation.Result {
	t.Helper()
	res, err := allocation.Allocate(r, o)
	require.NoError(t, err)
	for i, e := range res.Explanations() {
		a := res.Assignment(i)
		require.Equal(t, a.Student, e.Student)
		if !a.Placed() {
			require.Contains(t, []allocation.Kind{allocation.Unplaced, allocation.NoPreferences, allocation.NoSeatLeft}, e.Kind, "student %d", i)
			if e.Kind == allocation.Unplaced {
				require.Len(t, e.Passed, len(r.Students[i].Preferences), "every listed place explained")
			}
		}
		require.NotEmpty(t, e.Text(allocation.English, nil))
	}
	return res
}

var algorithms = []allocation.Algorithm{allocation.DeferredAcceptance, allocation.SerialDictatorship, allocation.Optimal}

func TestPrepareRefusesBadInput(t *testing.T) {
	t.Parallel()
	good := func() allocation.Round {
		return allocation.Round{
			Classes:  []string{"helse"},
			Places:   []allocation.Place{{ID: place(1), Seats: 1}, {ID: place(2), Seats: 2}},
			Students: []allocation.Student{{ID: student(1), Preferences: places(1, 2)}, {ID: student(2)}},
		}
	}
	for name, tc := range map[string]struct {
		change      func(r *allocation.Round)
		field, rule string
	}{
		"duplicate student":       {func(r *allocation.Round) { r.Students[1].ID = student(1) }, "students[1].id", "unique"},
		"student without ID":      {func(r *allocation.Round) { r.Students[1].ID = practice.NilID }, "students[1].id", "required"},
		"duplicate place":         {func(r *allocation.Round) { r.Places[1].ID = place(1) }, "places[1].id", "unique"},
		"place without ID":        {func(r *allocation.Round) { r.Places[0].ID = practice.NilID }, "places[0].id", "required"},
		"negative seats":          {func(r *allocation.Round) { r.Places[0].Seats = -1 }, "places[0].seats", "min"},
		"unknown class":           {func(r *allocation.Round) { r.Students[0].Class = "annet" }, "students[0].class", "oneof"},
		"class twice":             {func(r *allocation.Round) { r.Classes = []string{"a", "a"} }, "classes[1]", "unique"},
		"class without name":      {func(r *allocation.Round) { r.Classes = []string{""} }, "classes[0]", "required"},
		"negative credit":         {func(r *allocation.Round) { r.Students[0].Credit = -1 }, "students[0].credit", "range"},
		"credit too high":         {func(r *allocation.Round) { r.Students[0].Credit = 256 }, "students[0].credit", "range"},
		"unknown place in list":   {func(r *allocation.Round) { r.Students[0].Preferences = places(1, 9) }, "students[0].preferences[1]", "exists"},
		"place listed twice":      {func(r *allocation.Round) { r.Students[0].Preferences = places(2, 2) }, "students[0].preferences[1]", "unique"},
		"unknown student in list": {func(r *allocation.Round) { r.Places[0].Priorities = []practice.ID{student(9)} }, "places[0].priorities[0]", "exists"},
		"student ranked twice": {func(r *allocation.Round) {
			r.Places[0].Priorities = []practice.ID{student(1), student(1)}
		}, "places[0].priorities[1]", "unique"},
		"pin of unknown student": {func(r *allocation.Round) {
			r.Pins = []allocation.Pin{{Student: student(9), Place: place(1), Reason: "x"}}
		}, "pins[0].student", "exists"},
		"pin to unknown place": {func(r *allocation.Round) {
			r.Pins = []allocation.Pin{{Student: student(1), Place: place(9), Reason: "x"}}
		}, "pins[0].place", "exists"},
		"pin without reason": {func(r *allocation.Round) {
			r.Pins = []allocation.Pin{{Student: student(1), Place: place(1)}}
		}, "pins[0].reason", "required"},
		"student pinned twice": {func(r *allocation.Round) {
			r.Pins = []allocation.Pin{{Student: student(1), Place: place(1), Reason: "x"}, {Student: student(1), Place: place(2), Reason: "y"}}
		}, "pins[1].student", "unique"},
		"pins beyond seats": {func(r *allocation.Round) {
			r.Pins = []allocation.Pin{{Student: student(1), Place: place(1), Reason: "x"}, {Student: student(2), Place: place(1), Reason: "y"}}
		}, "pins[1].place", "seats"},
		"pin breaking a constraint": {func(r *allocation.Round) {
			r.Pins = []allocation.Pin{{Student: student(1), Place: place(1), Reason: "x"}}
			r.Exclude = func(*allocation.Student, *allocation.Place) string { return "conflict of interest" }
		}, "pins[0]", "excluded"},
		"soft cost out of range": {func(r *allocation.Round) {
			r.Cost = func(*allocation.Student, *allocation.Place) int { return -1 }
		}, "students[0].preferences[0]", "cost"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := good()
			_, err := allocation.Prepare(r)
			require.NoError(t, err, "the good round")
			tc.change(&r)
			_, err = allocation.Prepare(r)
			var v *practice.ValidationError
			require.ErrorAs(t, err, &v)
			require.Contains(t, v.Fields, practice.FieldError{Field: tc.field, Rule: tc.rule, Message: fieldMessage(v, tc.field, tc.rule)})
		})
	}
}

func fieldMessage(v *practice.ValidationError, field, rule string) string {
	for _, f := range v.Fields {
		if f.Field == field && f.Rule == rule {
			return f.Message
		}
	}
	return ""
}

func TestPrepareStopsAfterTwentyErrors(t *testing.T) {
	t.Parallel()
	r := allocation.Round{}
	for i := range 100 {
		r.Students = append(r.Students, allocation.Student{ID: student(i + 1), Preferences: places(1)})
	}
	_, err := allocation.Prepare(r)
	var v *practice.ValidationError
	require.ErrorAs(t, err, &v)
	require.Len(t, v.Fields, 20)
}

func TestRunRefusesBadOptions(t *testing.T) {
	t.Parallel()
	p, err := allocation.Prepare(allocation.Round{})
	require.NoError(t, err)
	for field, o := range map[string]allocation.Options{
		"algorithm":   {Algorithm: 7},
		"rankWeight":  {RankWeight: -1},
		"groupWeight": {GroupWeight: 1001},
		"groups":      {Groups: 9},
	} {
		_, err := p.Run(o)
		var v *practice.ValidationError
		require.ErrorAs(t, err, &v, field)
		require.Equal(t, field, v.Fields[0].Field)
	}
	_, err = allocation.ParseAlgorithm("random")
	require.Error(t, err)
	_, err = allocation.ParseGroupPolicy("apart")
	require.Error(t, err)
	for _, g := range []allocation.GroupPolicy{allocation.GroupsIgnored, allocation.GroupsSpread, allocation.GroupsTogether} {
		var back allocation.GroupPolicy
		text, err := g.MarshalText()
		require.NoError(t, err)
		require.NoError(t, back.UnmarshalText(text))
		require.Equal(t, g, back)
	}
	for _, a := range algorithms {
		b, err := allocation.ParseAlgorithm(a.String())
		require.NoError(t, err)
		require.Equal(t, a, b)
	}
}

// textbook is the instance of Gale and Shapley's college admissions with
// three students and two places of one seat: s1 and s2 both want p1, which
// ranks s2 first; s3 wants p2 and p1.
func textbook() allocation.Round {
	return allocation.Round{
		Places: []allocation.Place{
			{ID: place(1), Seats: 1, Priorities: []practice.ID{student(2), student(1), student(3)}},
			{ID: place(2), Seats: 1, Priorities: []practice.ID{student(1), student(3)}},
		},
		Students: []allocation.Student{
			{ID: student(1), Preferences: places(1, 2)},
			{ID: student(2), Preferences: places(1)},
			{ID: student(3), Preferences: places(2, 1)},
		},
	}
}

func TestDeferredAcceptanceIsStableAndStudentOptimal(t *testing.T) {
	t.Parallel()
	r := textbook()
	res := run(t, r, allocation.Options{})
	// s1 is rejected by p1 (which prefers s2) and takes p2 from s3, whom p2
	// ranks lower; s3 then fails at p1.
	require.Equal(t, map[int]int{1: 2, 2: 1, 3: 0}, outcome(t, r, res))
	require.Empty(t, res.BlockingPairs())
	m := res.Metrics()
	require.Zero(t, m.BlockingPairs)

	e := res.Explain(2)
	require.Equal(t, allocation.Unplaced, e.Kind)
	require.Equal(t, []allocation.Passed{
		{Place: place(2), Rank: 1, Reason: allocation.Full, HeldBy: []allocation.ClassCount{{Class: "", Students: 1}}},
		{Place: place(1), Rank: 2, Reason: allocation.Full, HeldBy: []allocation.ClassCount{{Class: "", Students: 1}}},
	}, e.Passed)
}

func TestPriorityOrder(t *testing.T) {
	t.Parallel()
	// One seat, two students who both want it: who wins?
	duel := func(a, b allocation.Student, pri []practice.ID) allocation.Round {
		a.ID, b.ID = student(1), student(2)
		a.Preferences, b.Preferences = places(1), places(1)
		return allocation.Round{
			Classes:  []string{"tilrettelegging", "omsorg"},
			Places:   []allocation.Place{{ID: place(1), Seats: 1, Priorities: pri}},
			Students: []allocation.Student{a, b},
		}
	}
	for name, tc := range map[string]struct {
		round   allocation.Round
		winners map[allocation.Algorithm]int
	}{
		"the earlier class wins": {
			duel(allocation.Student{Class: "omsorg"}, allocation.Student{Class: "tilrettelegging"}, []practice.ID{student(1)}),
			map[allocation.Algorithm]int{allocation.DeferredAcceptance: 2, allocation.SerialDictatorship: 2, allocation.Optimal: 2},
		},
		"any class beats none": {
			duel(allocation.Student{}, allocation.Student{Class: "omsorg", Credit: 0}, nil),
			map[allocation.Algorithm]int{allocation.DeferredAcceptance: 2, allocation.SerialDictatorship: 2, allocation.Optimal: 2},
		},
		"within a class the place's list, then credit": {
			duel(allocation.Student{Credit: 10}, allocation.Student{}, []practice.ID{student(2)}),
			// Serial dictatorship and the optimal mode ignore place lists.
			map[allocation.Algorithm]int{allocation.DeferredAcceptance: 2, allocation.SerialDictatorship: 1, allocation.Optimal: 1},
		},
		"credit before the lottery": {
			duel(allocation.Student{}, allocation.Student{Credit: 1}, nil),
			map[allocation.Algorithm]int{allocation.DeferredAcceptance: 2, allocation.SerialDictatorship: 2},
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for alg, winner := range tc.winners {
				for seed := range uint64(20) {
					res := run(t, tc.round, allocation.Options{Algorithm: alg, Seed: seed})
					require.Equal(t, winner, map[int]int{1: 1, 2: 2}[winnerOf(t, tc.round, res)], "%s, seed %d", alg, seed)
				}
			}
		})
	}
}

func winnerOf(t *testing.T, r allocation.Round, res *allocation.Result) int {
	for s, p := range outcome(t, r, res) {
		if p != 0 {
			return s
		}
	}
	return 0
}

func TestLotteryBreaksTiesBySeed(t *testing.T) {
	t.Parallel()
	r := allocation.Round{Places: []allocation.Place{{ID: place(1), Seats: 1}}}
	for i := range 2 {
		r.Students = append(r.Students, allocation.Student{ID: student(i + 1), Preferences: places(1)})
	}
	wins := map[int]int{}
	for seed := range uint64(200) {
		res := run(t, r, allocation.Options{Seed: seed})
		w := winnerOf(t, r, res)
		wins[w]++
		// The winner is the lower lottery number.
		lo := 1
		if allocation.Lottery(seed, student(2)) < allocation.Lottery(seed, student(1)) {
			lo = 2
		}
		require.Equal(t, lo, w)
	}
	require.InDelta(t, 100, wins[1], 30, "a fair lottery: %v", wins)
}

// TestSeedChangesOnlyTies: when the places' lists leave no tie, every seed
// gives the same result.
func TestSeedChangesOnlyTies(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	r := allocation.Round{}
	var all []practice.ID
	for i := range 40 {
		all = append(all, student(i+1))
	}
	for i := range 8 {
		pri := append([]practice.ID(nil), all...)
		rng.Shuffle(len(pri), func(a, b int) { pri[a], pri[b] = pri[b], pri[a] })
		r.Places = append(r.Places, allocation.Place{ID: place(i + 1), Seats: 1 + rng.IntN(4), Priorities: pri})
	}
	for _, id := range all {
		st := allocation.Student{ID: id}
		for _, p := range rng.Perm(8)[:3] {
			st.Preferences = append(st.Preferences, place(p+1))
		}
		r.Students = append(r.Students, st)
	}
	first := outcome(t, r, run(t, r, allocation.Options{Seed: 0}))
	for seed := range uint64(10) {
		require.Equal(t, first, outcome(t, r, run(t, r, allocation.Options{Seed: seed})))
	}
}

func TestInputOrderDoesNotMatter(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	r := allocation.Round{Classes: []string{"a"}}
	for i := range 12 {
		r.Places = append(r.Places, allocation.Place{ID: place(i + 1), Seats: rng.IntN(4)})
	}
	for i := range 60 {
		st := allocation.Student{ID: student(i + 1), Credit: rng.IntN(2)}
		if rng.IntN(5) == 0 {
			st.Class = "a"
		}
		for _, p := range rng.Perm(12)[:rng.IntN(5)] {
			st.Preferences = append(st.Preferences, place(p+1))
		}
		r.Students = append(r.Students, st)
	}
	for _, alg := range algorithms {
		want := outcome(t, r, run(t, r, allocation.Options{Algorithm: alg, Seed: 9}))
		for range 5 {
			s := r
			s.Students = append([]allocation.Student(nil), r.Students...)
			s.Places = append([]allocation.Place(nil), r.Places...)
			rng.Shuffle(len(s.Students), func(a, b int) { s.Students[a], s.Students[b] = s.Students[b], s.Students[a] })
			rng.Shuffle(len(s.Places), func(a, b int) { s.Places[a], s.Places[b] = s.Places[b], s.Places[a] })
			require.Equal(t, want, outcome(t, s, run(t, s, allocation.Options{Algorithm: alg, Seed: 9})), alg.String())
		}
	}
}

func TestPinsAreKeptAndTakeSeats(t *testing.T) {
	t.Parallel()
	r := textbook()
	// s3 is pinned to p1, p1's only seat: s2 loses it, s1 keeps p2.
	r.Pins = []allocation.Pin{{Student: student(3), Place: place(1), Reason: "tilrettelagt praksis etter vedtak"}}
	for _, alg := range algorithms {
		res := run(t, r, allocation.Options{Algorithm: alg})
		require.Equal(t, map[int]int{1: 2, 2: 0, 3: 1}, outcome(t, r, res), alg.String())
		a := res.Assignment(2)
		require.True(t, a.Pinned)
		require.Zero(t, a.Rank)
		e := res.Explain(2)
		require.Equal(t, allocation.Pinned, e.Kind)
		require.Equal(t, "tilrettelagt praksis etter vedtak", e.PinReason)
		e = res.Explain(1)
		require.Equal(t, allocation.Unplaced, e.Kind)
		require.Equal(t, allocation.Full, e.Passed[0].Reason, "a pinned seat is a full seat")
		m := res.Metrics()
		require.Equal(t, 1, m.Pinned)
		require.Equal(t, 2, m.Placed)
		require.Zero(t, m.BlockingPairs, "pinned students make no blocking pair")
	}
}

func TestExcludedPlacesAreNeverGiven(t *testing.T) {
	t.Parallel()
	r := textbook()
	r.Exclude = func(s *allocation.Student, p *allocation.Place) string {
		if s.ID == student(1) && p.ID == place(2) {
			return "same place as an earlier practice period"
		}
		return ""
	}
	for _, alg := range algorithms {
		res := run(t, r, allocation.Options{Algorithm: alg})
		got := outcome(t, r, res)
		require.NotEqual(t, 2, got[1], alg.String())
		if e := res.Explain(0); e.Kind == allocation.Unplaced {
			require.Equal(t, allocation.Passed{Place: place(2), Rank: 2, Reason: allocation.Excluded, Constraint: "same place as an earlier practice period"}, e.Passed[1])
		} else {
			require.Equal(t, 1, got[1], "%s: s1 has p1 or nothing", alg)
		}
	}
	// Every place excluded.
	r.Exclude = func(*allocation.Student, *allocation.Place) string { return "no agreement for the period" }
	res := run(t, r, allocation.Options{})
	require.Equal(t, 3, res.Metrics().Unplaced)
	require.Contains(t, res.Explain(0).Text(allocation.English, nil), "every place in the list is excluded")
}

func TestFillEmpty(t *testing.T) {
	t.Parallel()
	r := allocation.Round{
		Places: []allocation.Place{{ID: place(1), Seats: 1}, {ID: place(2), Seats: 2}, {ID: place(3), Seats: 1}},
		Students: []allocation.Student{
			{ID: student(1), Preferences: places(2)},
			{ID: student(2)},
			{ID: student(3)},
			{ID: student(4)},
			{ID: student(5)},
		},
		Exclude: func(s *allocation.Student, p *allocation.Place) string {
			if s.ID == student(4) && p.ID == place(3) {
				return "conflict of interest"
			}
			return ""
		},
	}
	res := run(t, r, allocation.Options{})
	require.Equal(t, allocation.NoPreferences, res.Explain(1).Kind, "no filling unless asked")

	res = run(t, r, allocation.Options{FillEmpty: true, Seed: 5})
	got := outcome(t, r, res)
	require.Equal(t, 2, got[1])
	require.NotEqual(t, 3, got[4], "filling obeys the filter")
	kinds := map[allocation.Kind]int{}
	for i := range r.Students {
		kinds[res.Explain(i).Kind]++
	}
	require.Equal(t, map[allocation.Kind]int{allocation.Placed: 1, allocation.Filled: 3, allocation.NoSeatLeft: 1}, kinds)
	require.Equal(t, 3, res.Metrics().Filled)

	// With a soft cost, the cheapest place is filled first.
	r.Cost = func(_ *allocation.Student, p *allocation.Place) int { return int(p.ID[15]) }
	r.Students = r.Students[:2]
	require.Equal(t, 1, outcome(t, r, run(t, r, allocation.Options{FillEmpty: true}))[2])
}

func TestNextRoundUsesTheSeatsLeft(t *testing.T) {
	t.Parallel()
	r := textbook()
	r.Places[1].Seats = 2
	first := run(t, r, allocation.Options{})
	require.Equal(t, map[int]int{1: 2, 2: 1, 3: 2}, outcome(t, r, first))
	require.Zero(t, first.SeatsLeft(0))
	require.Zero(t, first.SeatsLeft(1))

	r.Places[1].Seats = 3
	first = run(t, r, allocation.Options{})
	late := []allocation.Student{
		{ID: student(10), Preferences: places(1, 2)},
		{ID: student(11), Preferences: places(2)},
	}
	next := first.NextRound(late)
	require.Equal(t, []int{0, 1}, []int{next.Places[0].Seats, next.Places[1].Seats})
	require.Empty(t, next.Places[0].Priorities, "priorities keep the new round's students only")
	second := run(t, next, allocation.Options{Seed: 1})
	got := outcome(t, next, second)
	require.ElementsMatch(t, []int{0, 2}, []int{got[10], got[11]}, "one of the late students gets the last seat, at p2")
	e := second.Explain(0)
	require.Equal(t, allocation.NoSeats, e.Passed[0].Reason)
}

func TestOptimalMaximisesThenMinimisesRank(t *testing.T) {
	t.Parallel()
	// Deferred acceptance gives s1 p1 and leaves s2 unplaced; the optimal
	// mode moves s1 to p2 so both are placed.
	r := allocation.Round{
		Places: []allocation.Place{{ID: place(1), Seats: 1}, {ID: place(2), Seats: 1}},
		Students: []allocation.Student{
			{ID: student(1), Preferences: places(1, 2)},
			{ID: student(2), Preferences: places(1)},
		},
	}
	r.Places[0].Priorities = []practice.ID{student(1), student(2)}
	require.Equal(t, map[int]int{1: 1, 2: 0}, outcome(t, r, run(t, r, allocation.Options{})))
	res := run(t, r, allocation.Options{Algorithm: allocation.Optimal})
	require.Equal(t, map[int]int{1: 2, 2: 1}, outcome(t, r, res))
	e := res.Explain(0)
	require.Equal(t, allocation.Outweighed, e.Passed[0].Reason)
	require.Equal(t, 1, res.Metrics().BlockingPairs, "not stable: s1 and p1 block")

	// Among full placements, the least total rank.
	r = allocation.Round{
		Places: []allocation.Place{{ID: place(1), Seats: 1}, {ID: place(2), Seats: 1}, {ID: place(3), Seats: 1}},
		Students: []allocation.Student{
			{ID: student(1), Preferences: places(1, 2, 3)},
			{ID: student(2), Preferences: places(1, 3, 2)},
			{ID: student(3), Preferences: places(2, 1, 3)},
		},
	}
	res = run(t, r, allocation.Options{Algorithm: allocation.Optimal})
	m := res.Metrics()
	require.Equal(t, 3, m.Placed)
	require.Equal(t, []int{2, 1, 0}, m.RankHistogram, "total rank 4")
}

func TestOptimalServesClassesInOrder(t *testing.T) {
	t.Parallel()
	// Placing s1 (no class) at p1 and s2 at p2 would place both; s2's class
	// goes first and takes p1, its first choice, so s1 is left out.
	r := allocation.Round{
		Classes: []string{"omsorg"},
		Places:  []allocation.Place{{ID: place(1), Seats: 1}, {ID: place(2), Seats: 1}},
		Students: []allocation.Student{
			{ID: student(1), Preferences: places(1)},
			{ID: student(2), Preferences: places(1, 2), Class: "omsorg"},
		},
	}
	res := run(t, r, allocation.Options{Algorithm: allocation.Optimal})
	require.Equal(t, map[int]int{1: 0, 2: 1}, outcome(t, r, res))
	require.Equal(t, []allocation.Rate{{Name: "omsorg", Students: 1, Placed: 1, Rate: 1}, {Name: "", Students: 1, Placed: 0, Rate: 0}}, res.Metrics().ByClass)
	e := res.Explain(0)
	require.Equal(t, []allocation.ClassCount{{Class: "omsorg", Students: 1}}, e.Passed[0].HeldBy)
}

func TestOptimalSoftCosts(t *testing.T) {
	t.Parallel()
	// Four students of one group, two places of four seats, equally liked.
	r := allocation.Round{Places: []allocation.Place{{ID: place(1), Seats: 4}, {ID: place(2), Seats: 4}}}
	for i := range 4 {
		prefs := places(1, 2)
		if i%2 == 1 {
			prefs = places(2, 1)
		}
		r.Students = append(r.Students, allocation.Student{ID: student(i + 1), Preferences: prefs, Group: "kull-a"})
	}
	count := func(res *allocation.Result) []int {
		m := res.Metrics()
		return []int{m.Places[0].Used, m.Places[1].Used}
	}
	require.Equal(t, []int{2, 2}, count(run(t, r, allocation.Options{Algorithm: allocation.Optimal})))
	together := run(t, r, allocation.Options{Algorithm: allocation.Optimal, Groups: allocation.GroupsTogether, GroupWeight: 5})
	require.ElementsMatch(t, []int{4, 0}, count(together), "a group kept together")
	require.Contains(t, []allocation.Reason{allocation.SoftCost}, reasonsOf(together)[0])

	// Spread: with everyone wanting p1, the group is split anyway.
	for i := range r.Students {
		r.Students[i].Preferences = places(1, 2)
	}
	require.Equal(t, []int{4, 0}, count(run(t, r, allocation.Options{Algorithm: allocation.Optimal})))
	// 4+0 costs 4 ranks + 0+1+2+3 weights, 3+1 costs 5 + 0+1+2, 2+2 costs 6 + 0+1+0+1.
	require.Equal(t, []int{2, 2}, count(run(t, r, allocation.Options{Algorithm: allocation.Optimal, Groups: allocation.GroupsSpread, GroupWeight: 2})))

	// Travel cost: a student far from p1 goes to p2 when the cost outweighs one rank step.
	r = allocation.Round{
		Places:   []allocation.Place{{ID: place(1), Seats: 1}, {ID: place(2), Seats: 1}},
		Students: []allocation.Student{{ID: student(1), Preferences: places(1, 2)}},
		Cost: func(_ *allocation.Student, p *allocation.Place) int {
			if p.ID == place(1) {
				return 3
			}
			return 0
		},
	}
	require.Equal(t, map[int]int{1: 2}, outcome(t, r, run(t, r, allocation.Options{Algorithm: allocation.Optimal})))
	require.Equal(t, map[int]int{1: 1}, outcome(t, r, run(t, r, allocation.Options{Algorithm: allocation.Optimal, RankWeight: 4})))
	require.Equal(t, map[int]int{1: 1}, outcome(t, r, run(t, r, allocation.Options{})), "deferred acceptance ignores soft costs")
}

func reasonsOf(res *allocation.Result) []allocation.Reason {
	var out []allocation.Reason
	for _, e := range res.Explanations() {
		for _, p := range e.Passed {
			out = append(out, p.Reason)
		}
	}
	return out
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	r := textbook()
	r.Classes = []string{"helse"}
	r.Students[2].Class = "helse"
	r.Students[0].Region, r.Students[1].Region, r.Students[2].Region = "Oslo", "Viken", "Oslo"
	r.Places[0].Region = "Oslo"
	res := run(t, r, allocation.Options{})
	// s3's class puts it first everywhere: s3 takes p2, s1 is rejected by
	// p1 (s2 ahead) and by p2 (s3 ahead).
	require.Equal(t, map[int]int{1: 0, 2: 1, 3: 2}, outcome(t, r, res))
	m := res.Metrics()
	require.Equal(t, allocation.Metrics{
		Algorithm: allocation.DeferredAcceptance, Students: 3, Placed: 2, Unplaced: 1,
		RankHistogram: []int{2, 0}, Ranking: 3,
		FirstChoiceShare: 2.0 / 3, MeanRank: 1, Seats: 2, SeatsUsed: 2,
		Places: []allocation.PlaceFill{
			{Place: place(1), Region: "Oslo", Seats: 1, Used: 1},
			{Place: place(2), Seats: 1, Used: 1},
		},
		ByClass:  []allocation.Rate{{Name: "helse", Students: 1, Placed: 1, Rate: 1}, {Name: "", Students: 2, Placed: 1, Rate: 0.5}},
		ByRegion: []allocation.Rate{{Name: "Oslo", Students: 2, Placed: 1, Rate: 0.5}, {Name: "Viken", Students: 1, Placed: 1, Rate: 1}},
	}, m)
}

func TestExplanationText(t *testing.T) {
	t.Parallel()
	name := func(id practice.ID) string { return fmt.Sprintf("P%d", id[15]) }
	held := []allocation.ClassCount{{Class: "omsorg", Students: 1}, {Class: "", Students: 2}}
	for _, tc := range []struct {
		e      allocation.Explanation
		en, nb string
	}{
		{
			allocation.Explanation{Kind: allocation.Placed, Place: place(2), Rank: 2, Listed: 3, Passed: []allocation.Passed{
				{Place: place(1), Rank: 1, Reason: allocation.Full, HeldBy: held},
			}},
			"Placed at P2, choice 2 of 3.\n- P1 (choice 1) was full with students ahead in priority: 1 in priority class omsorg, 2 without a priority class.",
			"Plassert ved P2, ønske 2 av 3.\n- P1 (ønske 1) var fullt med studenter foran i prioritet: 1 i prioritetsklassen omsorg, 2 uten prioritetsklasse.",
		},
		{
			allocation.Explanation{Kind: allocation.Pinned, Place: place(1), PinReason: "vedtak om tilrettelegging"},
			"Placed at P1 by hand before the round: vedtak om tilrettelegging.",
			"Plassert for hånd ved P1 før runden: vedtak om tilrettelegging.",
		},
		{
			allocation.Explanation{Kind: allocation.Filled, Place: place(3)},
			"Listed no place; placed at P3, which had a seat left.",
			"Oppga ingen ønsker; plassert ved P3, som hadde ledig plass.",
		},
		{
			allocation.Explanation{Kind: allocation.NoPreferences},
			"Not placed: listed no place.",
			"Ikke plassert: oppga ingen ønsker.",
		},
		{
			allocation.Explanation{Kind: allocation.NoSeatLeft},
			"Not placed: listed no place, and no seat allowed for this student was left.",
			"Ikke plassert: oppga ingen ønsker, og ingen ledig plass som studenten kunne få, var igjen.",
		},
		{
			allocation.Explanation{Kind: allocation.Unplaced, Listed: 1, Passed: []allocation.Passed{{Place: place(1), Rank: 1, Reason: allocation.Full, HeldBy: held[1:]}}},
			"Not placed: every place in the list was full with students ahead in priority.\n- P1 (choice 1) was full with students ahead in priority: 2 without a priority class.",
			"Ikke plassert: alle de ønskede stedene var fulle med studenter foran i prioritet.\n- P1 (ønske 1) var fullt med studenter foran i prioritet: 2 uten prioritetsklasse.",
		},
		{
			allocation.Explanation{Kind: allocation.Unplaced, Listed: 1, Passed: []allocation.Passed{{Place: place(1), Rank: 1, Reason: allocation.Excluded, Constraint: "interessekonflikt"}}},
			"Not placed: every place in the list is excluded by a constraint.\n- P1 (choice 1) is excluded: interessekonflikt.",
			"Ikke plassert: alle de ønskede stedene er utelukket av en begrensning.\n- P1 (ønske 1) er utelukket: interessekonflikt.",
		},
		{
			allocation.Explanation{Kind: allocation.Unplaced, Listed: 3, Passed: []allocation.Passed{
				{Place: place(1), Rank: 1, Reason: allocation.Outweighed, HeldBy: held[:1]},
				{Place: place(2), Rank: 2, Reason: allocation.NoSeats},
				{Place: place(3), Rank: 3, Reason: allocation.SoftCost},
			}},
			"Not placed: no place in the list could take this student.\n" +
				"- P1 (choice 1) was full: to place more students, or give better choices in all, its seats went to others: 1 in priority class omsorg.\n" +
				"- P2 (choice 2) has no seats this round.\n" +
				"- P3 (choice 3) had a seat left, but travel or group costs weighed against it.",
			"Ikke plassert: ingen av de ønskede stedene kunne ta imot studenten.\n" +
				"- P1 (ønske 1) var fullt: for å plassere flere studenter, eller gi bedre ønsker samlet, gikk plassene til andre: 1 i prioritetsklassen omsorg.\n" +
				"- P2 (ønske 2) har ingen plasser i denne runden.\n" +
				"- P3 (ønske 3) hadde ledig plass, men reisevei eller gruppehensyn talte imot.",
		},
	} {
		require.Equal(t, tc.en, tc.e.Text(allocation.English, name))
		require.Equal(t, tc.nb, tc.e.Text(allocation.Norwegian, name))
	}
	// Without names, IDs; an unknown kind says so.
	require.Contains(t, allocation.Explanation{Kind: allocation.Pinned, Place: place(1), PinReason: "x"}.Text("", nil), place(1).String())
	require.Equal(t, "(ingen forklaring)", allocation.Explanation{Kind: 99}.Text(allocation.Norwegian, nil))
	require.Equal(t, "unknown", allocation.Kind(99).String())
	require.Equal(t, "unknown", allocation.Reason(0).String())
}

func TestEmptyRounds(t *testing.T) {
	t.Parallel()
	for _, alg := range algorithms {
		res, err := allocation.Allocate(allocation.Round{}, allocation.Options{Algorithm: alg, FillEmpty: true})
		require.NoError(t, err)
		m := res.Metrics()
		require.Zero(t, m.Students)
		require.Empty(t, res.Explanations())
		require.Empty(t, res.BlockingPairs())
	}
}
