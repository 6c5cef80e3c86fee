package simulation_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/allocation"
	"github.com/praksis/praksis/allocation/simulation"
	"github.com/praksis/praksis/practice"
)

// The students and places of the hand-made rounds.
var (
	ann, bob, cat, dan = testID('s', 1), testID('s', 2), testID('s', 3), testID('s', 4)
	x, y, z            = testID('p', 1), testID('p', 2), testID('p', 3)
)

// handRound: x has 2 seats, y and z one each. Ann has the most credit, then
// Bob, then Cat; Dan lists nothing.
func handRound() allocation.Round {
	return allocation.Round{
		Students: []allocation.Student{
			{ID: ann, Preferences: []practice.ID{x, y}, Credit: 3},
			{ID: bob, Preferences: []practice.ID{x, z}, Credit: 2},
			{ID: cat, Preferences: []practice.ID{x, y}, Credit: 1},
			{ID: dan},
		},
		Places: []allocation.Place{{ID: x, Seats: 2}, {ID: y, Seats: 1}, {ID: z, Seats: 1}},
	}
}

func forbid(student, place practice.ID, name string) func(*allocation.Student, *allocation.Place) string {
	return func(s *allocation.Student, p *allocation.Place) string {
		if s.ID == student && p.ID == place {
			return name
		}
		return ""
	}
}

func TestHandRoundPassesEveryCheck(t *testing.T) {
	t.Parallel()
	r := handRound()
	for _, alg := range algorithms {
		o := alg.o
		o.FillEmpty = true
		res := allocate(t, r, o)
		require.NoError(t, simulation.Check(r, res), alg.name)
		if alg.o.Algorithm != allocation.Optimal {
			require.NoError(t, simulation.CheckStable(r, res), alg.name)
		}
		require.NoError(t, simulation.CheckDeterminism(r, o, 3, 1), alg.name)
		if alg.o.Algorithm == allocation.Optimal {
			continue // several placements have the least total rank
		}
		require.Equal(t, x, assignmentOf(t, res, ann).Place)
		require.Equal(t, x, assignmentOf(t, res, bob).Place)
		require.Equal(t, y, assignmentOf(t, res, cat).Place)
		require.Equal(t, z, assignmentOf(t, res, dan).Place, "filled at the one seat left")
	}
}

func TestCheckFeasibleCatches(t *testing.T) {
	t.Parallel()
	r := handRound()
	res := allocate(t, r, allocation.Options{})
	require.NoError(t, simulation.CheckFeasible(r, res))

	fewer := handRound()
	fewer.Places[0].Seats = 1
	err := simulation.CheckFeasible(fewer, res)
	v := requireViolation(t, err, simulation.RuleFeasibility, ann, x)
	require.ElementsMatch(t, []practice.ID{ann, bob}, v.Students)
	require.Contains(t, v.Detail, "2 students placed at a place with 1 seats")

	noY := handRound()
	noY.Places = noY.Places[:1]
	requireViolation(t, simulation.CheckFeasible(noY, res), simulation.RuleFeasibility, cat, y)

	more := handRound()
	eve := testID('s', 5)
	more.Students = append(more.Students, allocation.Student{ID: eve})
	requireViolation(t, simulation.CheckFeasible(more, res), simulation.RuleFeasibility, eve, practice.NilID)

	fewerStudents := handRound()
	fewerStudents.Students = fewerStudents.Students[1:]
	v = requireViolation(t, simulation.CheckFeasible(fewerStudents, res), simulation.RuleFeasibility, ann, practice.NilID)
	require.Contains(t, v.Detail, "not a student of the round")
}

func TestCheckHardConstraintsCatches(t *testing.T) {
	t.Parallel()
	r := handRound()
	res := allocate(t, r, allocation.Options{})
	require.NoError(t, simulation.CheckHardConstraints(r, res))

	stricter := handRound()
	stricter.Exclude = forbid(bob, x, "conflict of interest")
	v := requireViolation(t, simulation.CheckHardConstraints(stricter, res), simulation.RuleHardConstraint, bob, x)
	require.Contains(t, v.Detail, `"conflict of interest"`)
	require.Equal(t, []practice.ID{bob}, v.Students)

	reordered := handRound()
	reordered.Students[2].Preferences = []practice.ID{y, x}
	v = requireViolation(t, simulation.CheckHardConstraints(reordered, res), simulation.RuleHardConstraint, cat, y)
	require.Contains(t, v.Detail, "rank 2 at the student's choice 1")

	unlisted := handRound()
	unlisted.Students[0].Preferences = []practice.ID{y, z}
	v = requireViolation(t, simulation.CheckHardConstraints(unlisted, res), simulation.RuleHardConstraint, ann, x)
	require.Contains(t, v.Detail, "did not list")

	// A fill is allowed only with FillEmpty, for a student without a list.
	filled := allocate(t, r, allocation.Options{FillEmpty: true})
	require.NoError(t, simulation.CheckHardConstraints(r, filled))
	withList := handRound()
	withList.Students[3].Preferences = []practice.ID{y}
	requireViolation(t, simulation.CheckHardConstraints(withList, filled), simulation.RuleHardConstraint, dan, z)
}

func TestCheckPinnedCatches(t *testing.T) {
	t.Parallel()
	pinned := handRound()
	pinned.Pins = []allocation.Pin{{Student: cat, Place: z, Reason: "needs a ground floor"}}
	res := allocate(t, pinned, allocation.Options{})
	require.NoError(t, simulation.CheckPinned(pinned, res))
	require.True(t, assignmentOf(t, res, cat).Pinned)

	// The result has a pin the round does not.
	v := requireViolation(t, simulation.CheckPinned(handRound(), res), simulation.RulePinned, cat, z)
	require.Contains(t, v.Detail, "without a pin")

	// The round has a pin the result did not keep.
	plain := allocate(t, handRound(), allocation.Options{})
	v = requireViolation(t, simulation.CheckPinned(pinned, plain), simulation.RulePinned, cat, z)
	require.Contains(t, v.Detail, "pinned to the first place")
	require.Contains(t, v.Places, y, "names where the student ended")

	// A pin to where the student ended anyway, but not marked Pinned.
	same := handRound()
	same.Pins = []allocation.Pin{{Student: cat, Place: y, Reason: "r"}}
	v = requireViolation(t, simulation.CheckPinned(same, plain), simulation.RulePinned, cat, y)
	require.Contains(t, v.Detail, "not marked Pinned")

	stranger := handRound()
	stranger.Pins = []allocation.Pin{{Student: testID('s', 9), Place: y, Reason: "r"}}
	requireViolation(t, simulation.CheckPinned(stranger, plain), simulation.RulePinned, testID('s', 9), y)
}

// prioritised: x has one seat and ranks Bob first; Ann has more credit.
func prioritised() allocation.Round {
	return allocation.Round{
		Students: []allocation.Student{
			{ID: ann, Preferences: []practice.ID{x, y}, Credit: 5},
			{ID: bob, Preferences: []practice.ID{x, y}},
		},
		Places: []allocation.Place{{ID: x, Seats: 1, Priorities: []practice.ID{bob}}, {ID: y, Seats: 1}},
	}
}

func TestCheckStableCatches(t *testing.T) {
	t.Parallel()
	r := prioritised()
	da := allocate(t, r, allocation.Options{})
	require.Equal(t, x, assignmentOf(t, da, bob).Place)
	require.NoError(t, simulation.CheckStable(r, da))

	// Serial dictatorship ignores x's list: Ann takes x, and Bob, whom x
	// ranks first, blocks with x.
	sd := allocate(t, r, allocation.Options{Algorithm: allocation.SerialDictatorship})
	require.Equal(t, x, assignmentOf(t, sd, ann).Place)
	err := simulation.CheckStable(r, sd)
	v := requireViolation(t, err, simulation.RuleStability, bob, x)
	require.Equal(t, []practice.ID{bob}, v.Students)
	require.Equal(t, []practice.ID{x}, v.Places)
	require.Contains(t, v.Detail, "holds "+ann.String())
	require.Len(t, violations(err), 1, "the result's own blocking pairs agree: %v", err)
	require.Equal(t, []allocation.Pair{{Student: bob, Place: x}}, simulation.BlockingPairs(r, sd))
	require.NoError(t, simulation.Check(r, sd), "Check tests stability for deferred acceptance only")

	// The stable result, checked against x ranking Ann first: Ann blocks,
	// and the result's own pairs (from the round it ran) disagree.
	reversed := prioritised()
	reversed.Places[0].Priorities = []practice.ID{ann}
	err = simulation.CheckStable(reversed, da)
	requireViolation(t, err, simulation.RuleStability, ann, x)
	v = violations(err)[len(violations(err))-1]
	require.Contains(t, v.Detail, "Result.BlockingPairs reports 0 pairs, the priority rule gives 1")
	require.Error(t, simulation.Check(reversed, da))

	// A seat left is enough to block.
	more := prioritised()
	more.Places[0].Seats = 2
	v = requireViolation(t, simulation.CheckStable(more, da), simulation.RuleStability, ann, x)
	require.Contains(t, v.Detail, "has a seat left")
}

func TestCheckStableFollowsThePriorityRule(t *testing.T) {
	t.Parallel()
	// Each step of the rule decides one round where Ann and Bob both want
	// x's one seat; the checker must agree with the engine on who gets it.
	lot := func(seed uint64, id practice.ID) uint64 { return allocation.Lottery(seed, id) }
	tests := []struct {
		name   string
		edit   func(r *allocation.Round)
		winner practice.ID
	}{
		{"class", func(r *allocation.Round) {
			r.Classes = []string{"a", "b"}
			r.Students[0].Class, r.Students[1].Class = "b", "a"
			r.Students[0].Credit = 9
			r.Places[0].Priorities = []practice.ID{ann}
		}, bob},
		{"class beats no class", func(r *allocation.Round) {
			r.Classes = []string{"a"}
			r.Students[1].Class = "a"
			r.Places[0].Priorities = []practice.ID{ann}
		}, bob},
		{"listed beats unlisted", func(r *allocation.Round) {
			r.Students[0].Credit = 9
			r.Places[0].Priorities = []practice.ID{bob}
		}, bob},
		{"list order", func(r *allocation.Round) { r.Places[0].Priorities = []practice.ID{bob, ann} }, bob},
		{"credit", func(r *allocation.Round) { r.Students[1].Credit = 1 }, bob},
		{"lottery", func(r *allocation.Round) {}, map[bool]practice.ID{true: ann, false: bob}[lot(0, ann) < lot(0, bob)]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := allocation.Round{
				Students: []allocation.Student{{ID: ann, Preferences: []practice.ID{x}}, {ID: bob, Preferences: []practice.ID{x}}},
				Places:   []allocation.Place{{ID: x, Seats: 1}},
			}
			tt.edit(&r)
			res := allocate(t, r, allocation.Options{})
			require.Equal(t, x, assignmentOf(t, res, tt.winner).Place)
			require.NoError(t, simulation.Check(r, res))
			// A result where the loser holds the seat, because the winner
			// did not ask for it, is unstable for the round where they do.
			loser, w := ann, 1 // w: the winner's index
			if tt.winner == ann {
				loser, w = bob, 0
			}
			without := r
			without.Students = slices.Clone(r.Students)
			without.Students[w].Preferences = nil
			other := allocate(t, without, allocation.Options{})
			require.Equal(t, x, assignmentOf(t, other, loser).Place)
			requireViolation(t, simulation.CheckStable(r, other), simulation.RuleStability, tt.winner, x)
			require.Equal(t, []allocation.Pair{{Student: tt.winner, Place: x}}, simulation.BlockingPairs(r, other))
		})
	}
}

func TestCheckExplainedCatches(t *testing.T) {
	t.Parallel()
	r := handRound()
	r.Places[2].Seats = 0 // Bob's z has no seats
	r.Students = append(r.Students, allocation.Student{ID: testID('s', 5), Preferences: []practice.ID{x, z}})
	eve := r.Students[4].ID
	res := allocate(t, r, allocation.Options{})
	require.NoError(t, simulation.CheckExplained(r, res))
	require.Equal(t, allocation.Unplaced, res.Explain(4).Kind)

	// The round lists one more place for Eve than the run did.
	longer := r
	longer.Students = slices.Clone(r.Students)
	longer.Students[4].Preferences = []practice.ID{x, z, y}
	v := requireViolation(t, simulation.CheckExplained(longer, res), simulation.RuleExplained, eve, practice.NilID)
	require.Contains(t, v.Detail, "lists 2 places, the student 3")

	// The round forbids x for Eve: the explanation says full, not excluded.
	stricter := r
	stricter.Exclude = forbid(eve, x, "no police certificate")
	v = requireViolation(t, simulation.CheckExplained(stricter, res), simulation.RuleExplained, eve, x)
	require.Contains(t, v.Detail, "the reason is full, the round gives excluded")

	// The round gives z a seat: the explanation says no seats, yet z had
	// one left.
	seat := r
	seat.Places = slices.Clone(r.Places)
	seat.Places[2].Seats = 1
	v = requireViolation(t, simulation.CheckExplained(seat, res), simulation.RuleExplained, eve, z)
	require.Contains(t, v.Detail, "the reason is no-seats, the round gives soft-cost")

	// Classes change who holds x.
	classes := r
	classes.Classes = []string{"a"}
	classes.Students = slices.Clone(r.Students)
	classes.Students[0].Class = "a"
	v = requireViolation(t, simulation.CheckExplained(classes, res), simulation.RuleExplained, eve, x)
	require.Contains(t, v.Detail, "held by")

	// With FillEmpty, Dan gets y's seat; checked against a round with no
	// fill, his explanation has the wrong kind.
	filled := allocate(t, handRound(), allocation.Options{FillEmpty: true})
	e := filled.Explain(3)
	require.Equal(t, allocation.Filled, e.Kind)
	danList := handRound()
	danList.Students[3].Preferences = []practice.ID{z}
	v = requireViolation(t, simulation.CheckExplained(danList, filled), simulation.RuleExplained, dan, z)
	require.Contains(t, v.Detail, "lists 0 places, the student 1")
	noFill := handRound()
	noFill.Places[2].Seats = 0
	nothing := allocate(t, noFill, allocation.Options{FillEmpty: true})
	require.Equal(t, allocation.NoSeatLeft, nothing.Explain(3).Kind)
	require.NoError(t, simulation.CheckExplained(noFill, nothing))
	v = requireViolation(t, simulation.CheckExplained(handRound(), nothing), simulation.RuleExplained, dan, z)
	require.Contains(t, v.Detail, "explained as no seat left, yet the place had a seat left")
}

func TestCheckMetricsCatches(t *testing.T) {
	t.Parallel()
	r := handRound()
	res := allocate(t, r, allocation.Options{})
	require.NoError(t, simulation.CheckMetrics(r, res))
	more := handRound()
	more.Places[1].Seats = 4
	v := requireViolation(t, simulation.CheckMetrics(more, res), simulation.RuleMetrics, practice.NilID, practice.NilID)
	require.Contains(t, v.Detail, "Seats is 4, the assignments give 7")
}

func TestCheckDeterminismCatches(t *testing.T) {
	t.Parallel()
	var students []allocation.Student
	for i := range 30 {
		students = append(students, allocation.Student{ID: testID('s', i+1), Preferences: []practice.ID{x, y}})
	}
	calls := 0
	r := allocation.Round{
		Students: students,
		Places:   []allocation.Place{{ID: x, Seats: 30}, {ID: y, Seats: 30}},
		// A filter that depends on the order it is called in.
		Exclude: func(s *allocation.Student, p *allocation.Place) string {
			calls++
			if calls%3 == 0 {
				return "moody"
			}
			return ""
		},
	}
	err := simulation.CheckDeterminism(r, allocation.Options{}, 2, 1)
	v := requireViolation(t, err, simulation.RuleDeterminism, practice.NilID, practice.NilID)
	require.Contains(t, v.Detail, "shuffle 1")
	require.Len(t, v.Students, 1)

	r.Exclude = nil
	require.NoError(t, simulation.CheckDeterminism(r, allocation.Options{}, 3, 1))

	// An error of the round as given comes back as it is.
	bad := allocation.Round{Students: []allocation.Student{{}}}
	err = simulation.CheckDeterminism(bad, allocation.Options{}, 1, 1)
	var ve *practice.ValidationError
	require.True(t, errors.As(err, &ve))
}

func TestCheckJoinsEveryViolation(t *testing.T) {
	t.Parallel()
	r := handRound()
	res := allocate(t, r, allocation.Options{})
	broken := handRound()
	broken.Places[0].Seats = 1 // feasibility, metrics
	broken.Exclude = func(s *allocation.Student, p *allocation.Place) string {
		if s.ID == cat {
			return "no" // at y, a hard constraint; at x, an explanation
		}
		return ""
	}
	broken.Pins = []allocation.Pin{{Student: ann, Place: x, Reason: "r"}} // pinned
	err := simulation.Check(broken, res)
	rules := map[string]bool{}
	for _, v := range violations(err) {
		rules[v.Rule] = true
	}
	for _, rule := range []string{simulation.RuleFeasibility, simulation.RuleHardConstraint, simulation.RulePinned, simulation.RuleMetrics, simulation.RuleExplained} {
		require.True(t, rules[rule], "%s missing from %v", rule, err)
	}
	var v *simulation.Violation
	require.True(t, errors.As(err, &v))
	require.Equal(t, simulation.RuleFeasibility, v.Rule, "the first is feasibility")
}

func TestCheckCapsItsViolations(t *testing.T) {
	t.Parallel()
	var students []allocation.Student
	for i := range 50 {
		students = append(students, allocation.Student{ID: testID('s', i+1), Preferences: []practice.ID{x}})
	}
	r := allocation.Round{Students: students, Places: []allocation.Place{{ID: x, Seats: 50}}}
	res := allocate(t, r, allocation.Options{})
	r.Exclude = func(*allocation.Student, *allocation.Place) string { return "never" }
	vs := violations(simulation.CheckHardConstraints(r, res))
	require.Len(t, vs, 21)
	require.Equal(t, "hard-constraint: 30 more violations of the rule not shown", vs[20].Error())
}

func TestViolationError(t *testing.T) {
	t.Parallel()
	ids := func(kind byte, n int) []practice.ID {
		var out []practice.ID
		for i := range n {
			out = append(out, testID(kind, i+1))
		}
		return out
	}
	v := &simulation.Violation{Rule: "stability", Students: ids('s', 5), Places: ids('p', 1), Detail: "a blocking pair"}
	want := fmt.Sprintf("stability, students %s, %s, %s and 2 more, place %s: a blocking pair", ann, bob, cat, x)
	require.Equal(t, want, v.Error())
	require.Equal(t, "metrics: Seats is 4", (&simulation.Violation{Rule: "metrics", Detail: "Seats is 4"}).Error())
	require.True(t, strings.HasPrefix((&simulation.Violation{Rule: "pinned", Students: ids('s', 1)}).Error(), "pinned, student "))
}
