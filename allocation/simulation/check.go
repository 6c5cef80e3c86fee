package simulation

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"

	"github.com/praksis/praksis/allocation"
	"github.com/praksis/praksis/practice"
)

// Violation is a broken invariant: the rule, and the students and places
// involved.
type Violation struct {
	// Rule names the rule broken: "feasibility", "hard-constraint",
	// "pinned", "stability", "determinism", "explained" or "metrics".
	Rule     string
	Students []practice.ID
	Places   []practice.ID
	Detail   string
}

// The rules of a Violation.
const (
	RuleFeasibility    = "feasibility"
	RuleHardConstraint = "hard-constraint"
	RulePinned         = "pinned"
	RuleStability      = "stability"
	RuleDeterminism    = "determinism"
	RuleExplained      = "explained"
	RuleMetrics        = "metrics"
)

// Error names the rule, the first few students and places, and the detail.
func (v *Violation) Error() string {
	var b strings.Builder
	b.WriteString(v.Rule)
	list := func(one, many string, ids []practice.ID) {
		if len(ids) == 0 {
			return
		}
		const shown = 3
		b.WriteString(", ")
		if len(ids) == 1 {
			b.WriteString(one)
		} else {
			b.WriteString(many)
		}
		for i, id := range ids[:min(len(ids), shown)] {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(" ")
			b.WriteString(id.String())
		}
		if len(ids) > shown {
			fmt.Fprintf(&b, " and %d more", len(ids)-shown)
		}
	}
	list("student", "students", v.Students)
	list("place", "places", v.Places)
	if v.Detail != "" {
		b.WriteString(": ")
		b.WriteString(v.Detail)
	}
	return b.String()
}

// maxViolations is the number of violations a checker reports before it
// sums up the rest in one.
const maxViolations = 20

// checker holds a round and a result, matched by student ID, and collects
// violations.
type checker struct {
	r   allocation.Round
	res *allocation.Result
	o   allocation.Options

	studentIdx map[practice.ID]int
	placeIdx   map[practice.ID]int
	// Per student of r: the assignment, whether the result has one, and
	// the place's index in r (-1 when unplaced or not a place of r).
	asg   []allocation.Assignment
	found []bool
	at    []int
	extra []allocation.Assignment // assignments of students not in r
	used  []int                   // per place of r: the students placed there
	pins  map[practice.ID]allocation.Pin
	pos   []map[practice.ID]int // per place of r: positions in its Priorities
	held  [][]int               // per place of r: its holders, once computed
	cls   []int                 // per student of r: the class index
	lot   []uint64              // per student of r: the lottery number

	violations []error
	dropped    int
	rule       string
}

func newChecker(r allocation.Round, res *allocation.Result) *checker {
	c := &checker{
		r:          r,
		res:        res,
		o:          res.Options(),
		studentIdx: make(map[practice.ID]int, len(r.Students)),
		placeIdx:   make(map[practice.ID]int, len(r.Places)),
		asg:        make([]allocation.Assignment, len(r.Students)),
		found:      make([]bool, len(r.Students)),
		at:         make([]int, len(r.Students)),
		used:       make([]int, len(r.Places)),
		pins:       make(map[practice.ID]allocation.Pin, len(r.Pins)),
		pos:        make([]map[practice.ID]int, len(r.Places)),
	}
	classIdx := make(map[string]int, len(r.Classes))
	for k := len(r.Classes) - 1; k >= 0; k-- {
		classIdx[r.Classes[k]] = k
	}
	c.cls = make([]int, len(r.Students))
	c.lot = make([]uint64, len(r.Students))
	for i, st := range r.Students {
		c.studentIdx[st.ID] = i
		c.at[i] = -1
		c.cls[i] = len(r.Classes) // no class, or a class not of the round
		if k, ok := classIdx[st.Class]; ok && st.Class != "" {
			c.cls[i] = k
		}
		c.lot[i] = allocation.Lottery(c.o.Seed, st.ID)
	}
	for i, p := range r.Places {
		c.placeIdx[p.ID] = i
	}
	for _, a := range res.Assignments() {
		i, ok := c.studentIdx[a.Student]
		if !ok {
			c.extra = append(c.extra, a)
			continue
		}
		c.asg[i], c.found[i] = a, true
		if a.Placed() {
			if pl, ok := c.placeIdx[a.Place]; ok {
				c.at[i] = pl
				c.used[pl]++
			}
		}
	}
	for _, pin := range r.Pins {
		c.pins[pin.Student] = pin
	}
	return c
}

// start begins the checks of one rule.
func (c *checker) start(rule string) {
	c.rule = rule
}

func (c *checker) add(students, places []practice.ID, format string, args ...any) {
	if len(c.violations) >= maxViolations {
		c.dropped++
		return
	}
	c.violations = append(c.violations, &Violation{Rule: c.rule, Students: students, Places: places, Detail: fmt.Sprintf(format, args...)})
}

func (c *checker) err() error {
	if c.dropped > 0 {
		c.violations = append(c.violations, &Violation{Rule: c.rule, Detail: fmt.Sprintf("%d more violations of the rule not shown", c.dropped)})
	}
	return errors.Join(c.violations...)
}

// exclude returns the constraint of r that forbids student i at place pl.
func (c *checker) exclude(i, pl int) string {
	if c.r.Exclude == nil {
		return ""
	}
	return c.r.Exclude(&c.r.Students[i], &c.r.Places[pl])
}

// position returns the position of student id in place pl's Priorities.
func (c *checker) position(pl int, id practice.ID) (int, bool) {
	if c.pos[pl] == nil {
		m := make(map[practice.ID]int, len(c.r.Places[pl].Priorities))
		for j, sid := range c.r.Places[pl].Priorities {
			if _, dup := m[sid]; !dup {
				m[sid] = j
			}
		}
		c.pos[pl] = m
	}
	j, ok := c.pos[pl][id]
	return j, ok
}

// class returns the index of student i's class in r.Classes, or
// len(r.Classes) for none (or an unknown class).
func (c *checker) class(i int) int { return c.cls[i] }

// ahead reports whether student a comes before student b at place pl by
// the documented priority rule: priority class, then (when pl >= 0) the
// place's own list, listed students first, then more credit, then the
// lower lottery number, then the lower ID. With pl < 0 it is the round's
// shared order.
func (c *checker) ahead(a, b, pl int) bool {
	if ca, cb := c.class(a), c.class(b); ca != cb {
		return ca < cb
	}
	sa, sb := &c.r.Students[a], &c.r.Students[b]
	if pl >= 0 {
		pa, oka := c.position(pl, sa.ID)
		pb, okb := c.position(pl, sb.ID)
		if oka != okb {
			return oka
		}
		if oka && pa != pb {
			return pa < pb
		}
	}
	if sa.Credit != sb.Credit {
		return sa.Credit > sb.Credit
	}
	if la, lb := c.lot[a], c.lot[b]; la != lb {
		return la < lb
	}
	return sa.ID.Compare(sb.ID) < 0
}

// listed returns the index in r.Places of each place in student i's list
// (-1 for a place not in r).
func (c *checker) listed(i int) []int {
	prefs := c.r.Students[i].Preferences
	out := make([]int, len(prefs))
	for j, id := range prefs {
		out[j] = -1
		if pl, ok := c.placeIdx[id]; ok {
			out[j] = pl
		}
	}
	return out
}

// holders returns, per place of r, the students placed there without a pin.
func (c *checker) holders() [][]int {
	if c.held == nil {
		c.held = make([][]int, len(c.r.Places))
		for i, pl := range c.at {
			if pl >= 0 && !c.asg[i].Pinned {
				c.held[pl] = append(c.held[pl], i)
			}
		}
	}
	return c.held
}

func (c *checker) sid(i int) []practice.ID { return []practice.ID{c.r.Students[i].ID} }
func (c *checker) pid(pl int) []practice.ID {
	return []practice.ID{c.r.Places[pl].ID}
}

// CheckFeasible checks that the result assigns exactly the students of the
// round, every placed student at a place of the round, and no place beyond
// its seats. Violations have Rule "feasibility".
func CheckFeasible(r allocation.Round, res *allocation.Result) error {
	c := newChecker(r, res)
	c.feasible()
	return c.err()
}

func (c *checker) feasible() {
	c.start(RuleFeasibility)
	for i, ok := range c.found {
		if !ok {
			c.add(c.sid(i), nil, "a student of the round has no assignment in the result")
		}
	}
	for _, a := range c.extra {
		c.add([]practice.ID{a.Student}, nil, "the result assigns a student who is not a student of the round")
	}
	for i, a := range c.asg {
		if c.found[i] && a.Placed() && c.at[i] < 0 {
			c.add(c.sid(i), []practice.ID{a.Place}, "placed at a place that is not a place of the round")
		}
	}
	for pl, n := range c.used {
		if seats := c.r.Places[pl].Seats; n > seats {
			var who []practice.ID
			for i, at := range c.at {
				if at == pl {
					who = append(who, c.r.Students[i].ID)
				}
			}
			c.add(who, c.pid(pl), "%d students placed at a place with %d seats", n, seats)
		}
	}
}

// CheckHardConstraints checks that no placement breaks a constraint of
// r.Exclude, that every placement without a pin is in the student's list
// with the right Rank (or, with Options.FillEmpty, at Rank 0 for a student
// who listed no place), and that unplaced students have Rank 0.
// Violations have Rule "hard-constraint".
func CheckHardConstraints(r allocation.Round, res *allocation.Result) error {
	c := newChecker(r, res)
	c.hardConstraints()
	return c.err()
}

func (c *checker) hardConstraints() {
	c.start(RuleHardConstraint)
	for i, a := range c.asg {
		if !c.found[i] {
			continue
		}
		st := &c.r.Students[i]
		pl := c.at[i]
		if !a.Placed() {
			if a.Rank != 0 || a.Pinned {
				c.add(c.sid(i), nil, "unplaced, yet with rank %d and pinned %t", a.Rank, a.Pinned)
			}
			continue
		}
		if pl < 0 {
			continue // feasibility reports it
		}
		if name := c.exclude(i, pl); name != "" {
			c.add(c.sid(i), c.pid(pl), "placed where the constraint %q forbids it", name)
		}
		if a.Pinned {
			continue
		}
		rank := slices.Index(st.Preferences, a.Place) + 1
		switch {
		case a.Rank == 0 && len(st.Preferences) > 0:
			c.add(c.sid(i), c.pid(pl), "placed with rank 0 (filled), though the student listed %d places", len(st.Preferences))
		case a.Rank == 0 && !c.o.FillEmpty:
			c.add(c.sid(i), c.pid(pl), "placed without a list, though Options.FillEmpty is off")
		case a.Rank != 0 && rank == 0:
			c.add(c.sid(i), c.pid(pl), "placed at a place the student did not list, with rank %d", a.Rank)
		case a.Rank != 0 && a.Rank != rank:
			c.add(c.sid(i), c.pid(pl), "placed with rank %d at the student's choice %d", a.Rank, rank)
		}
	}
}

// CheckPinned checks that every pin of the round is kept, with Pinned
// true, and that no other assignment is marked Pinned. Violations have Rule
// "pinned".
func CheckPinned(r allocation.Round, res *allocation.Result) error {
	c := newChecker(r, res)
	c.pinned()
	return c.err()
}

func (c *checker) pinned() {
	c.start(RulePinned)
	for _, pin := range c.r.Pins {
		i, ok := c.studentIdx[pin.Student]
		switch {
		case !ok:
			c.add([]practice.ID{pin.Student}, []practice.ID{pin.Place}, "the pin's student is not a student of the round")
		case !c.found[i]:
			// feasibility reports it
		case c.asg[i].Place != pin.Place:
			c.add(c.sid(i), []practice.ID{pin.Place, c.asg[i].Place}, "pinned to the first place, placed at %s", placeName(c.asg[i].Place))
		case !c.asg[i].Pinned:
			c.add(c.sid(i), []practice.ID{pin.Place}, "kept at the pinned place, but not marked Pinned")
		}
	}
	for i, a := range c.asg {
		if a.Pinned {
			if pin, ok := c.pins[a.Student]; !ok || pin.Place != a.Place {
				c.add(c.sid(i), []practice.ID{a.Place}, "marked Pinned without a pin to this place in the round")
			}
		}
	}
}

func placeName(id practice.ID) string {
	if id.IsZero() {
		return "no place"
	}
	return id.String()
}

// BlockingPairs recomputes the blocking pairs of a result from the round
// alone, independently of allocation.Result.BlockingPairs: a student
// without a pin and an allowed place of the round that the student lists
// above their placement (or at all, when unplaced), where the place has a
// seat left or holds a student without a pin who comes after this one by
// the documented priority rule. The pairs come in the order of r.Students
// and of each student's list.
func BlockingPairs(r allocation.Round, res *allocation.Result) []allocation.Pair {
	return newChecker(r, res).blockingPairs()
}

func (c *checker) blockingPairs() []allocation.Pair {
	holders := c.holders()
	last := make([]int, len(c.r.Places)) // per place: the holder furthest back
	for pl, hs := range holders {
		last[pl] = -1
		for _, h := range hs {
			if last[pl] < 0 || c.ahead(last[pl], h, pl) {
				last[pl] = h
			}
		}
	}
	var out []allocation.Pair
	for i, a := range c.asg {
		if !c.found[i] || a.Pinned {
			continue
		}
		list := c.listed(i)
		end := len(list)
		if a.Placed() && a.Rank > 0 && a.Rank <= len(list) {
			end = a.Rank - 1
		} else if a.Placed() {
			continue // pinned, filled or broken: no list to rank it in
		}
		for _, pl := range list[:end] {
			if pl < 0 || c.exclude(i, pl) != "" {
				continue
			}
			if c.used[pl] < c.r.Places[pl].Seats || last[pl] >= 0 && c.ahead(i, last[pl], pl) {
				out = append(out, allocation.Pair{Student: c.r.Students[i].ID, Place: c.r.Places[pl].ID})
			}
		}
	}
	return out
}

// CheckStable checks that the result has no blocking pair, recomputed as
// BlockingPairs does, and that allocation.Result.BlockingPairs reports the
// same pairs. Violations have Rule "stability".
func CheckStable(r allocation.Round, res *allocation.Result) error {
	c := newChecker(r, res)
	c.stable()
	return c.err()
}

func (c *checker) stable() {
	c.start(RuleStability)
	mine := c.blockingPairs()
	for _, bp := range mine {
		pl := c.placeIdx[bp.Place]
		c.add([]practice.ID{bp.Student}, []practice.ID{bp.Place}, "a blocking pair: the student lists the place above their placement, and the place %s",
			c.blockReason(c.studentIdx[bp.Student], pl))
	}
	c.samePairs(mine)
}

// samePairs reports where the result's own blocking pairs differ from the
// recomputed ones.
func (c *checker) samePairs(mine []allocation.Pair) {
	theirs := c.res.BlockingPairs()
	in := func(ps []allocation.Pair, p allocation.Pair) bool { return slices.Contains(ps, p) }
	var missed, invented []allocation.Pair
	for _, p := range mine {
		if !in(theirs, p) {
			missed = append(missed, p)
		}
	}
	for _, p := range theirs {
		if !in(mine, p) {
			invented = append(invented, p)
		}
	}
	if len(missed)+len(invented) == 0 {
		return
	}
	var ss, ps []practice.ID
	for _, p := range append(missed, invented...) {
		ss = append(ss, p.Student)
		ps = append(ps, p.Place)
	}
	c.add(ss, ps, "Result.BlockingPairs reports %d pairs, the priority rule gives %d: %d missed, %d not blocking", len(theirs), len(mine), len(missed), len(invented))
}

func (c *checker) blockReason(i, pl int) string {
	if c.used[pl] < c.r.Places[pl].Seats {
		return fmt.Sprintf("has a seat left (%d of %d used)", c.used[pl], c.r.Places[pl].Seats)
	}
	for _, h := range c.holders()[pl] {
		if c.ahead(i, h, pl) {
			return fmt.Sprintf("holds %s, who comes after the student in its priority", c.r.Students[h].ID)
		}
	}
	return "holds a student who comes after the student in its priority"
}

// CheckExplained checks every student's explanation against the
// assignment and the round: its Kind, Place, Rank, Listed and PinReason; a
// placed student's explanation passes exactly the places ranked above, an
// unplaced student's every place in their list; and each passed place has
// the reason the round gives: Excluded with the constraint that r.Exclude
// names, NoSeats for a place without seats, SoftCost for a place with a
// seat left, Full when every student holding a seat there without a pin
// came before this one in the order the algorithm serves students in (the
// place's priority in deferred acceptance, the shared order in serial
// dictatorship, the priority class alone in the optimal mode) and
// Outweighed when one did not; HeldBy counts the students at the place by
// class, in class order. Deferred acceptance and serial dictatorship never
// give SoftCost or Outweighed. A NoSeatLeft student had no seat left that
// they were allowed. Violations have Rule "explained".
func CheckExplained(r allocation.Round, res *allocation.Result) error {
	c := newChecker(r, res)
	c.explained()
	return c.err()
}

func (c *checker) explained() {
	c.start(RuleExplained)
	exps := c.res.Explanations()
	byID := make(map[practice.ID]*allocation.Explanation, len(exps))
	for i := range exps {
		byID[exps[i].Student] = &exps[i]
	}
	holders := c.holders()
	held := c.heldBy()
	for i, a := range c.asg {
		if !c.found[i] {
			continue
		}
		st := &c.r.Students[i]
		e := byID[st.ID]
		if e == nil {
			c.add(c.sid(i), nil, "the student has no explanation")
			continue
		}
		bad := func(format string, args ...any) {
			c.add(c.sid(i), []practice.ID{a.Place}, "explanation %s: "+format, append([]any{e.Kind}, args...)...)
		}
		if e.Listed != len(st.Preferences) {
			bad("lists %d places, the student %d", e.Listed, len(st.Preferences))
		}
		var want allocation.Kind
		switch {
		case a.Pinned:
			want = allocation.Pinned
		case a.Placed() && a.Rank == 0:
			want = allocation.Filled
		case a.Placed():
			want = allocation.Placed
		case len(st.Preferences) > 0:
			want = allocation.Unplaced
		case c.o.FillEmpty:
			want = allocation.NoSeatLeft
		default:
			want = allocation.NoPreferences
		}
		if e.Kind != want {
			bad("should be %s", want)
			continue
		}
		if e.Place != a.Place {
			bad("names the place %s, the student is at %s", placeName(e.Place), placeName(a.Place))
		}
		if e.Rank != a.Rank && e.Kind == allocation.Placed {
			bad("gives rank %d, the assignment %d", e.Rank, a.Rank)
		}
		if e.Kind == allocation.Pinned && e.PinReason != c.pins[st.ID].Reason {
			bad("gives the pin's reason %q, the round %q", e.PinReason, c.pins[st.ID].Reason)
		}
		if e.Kind == allocation.NoSeatLeft {
			for pl, p := range c.r.Places {
				if c.used[pl] < p.Seats && c.exclude(i, pl) == "" {
					c.add(c.sid(i), c.pid(pl), "explained as no seat left, yet the place had a seat left that the student was allowed")
					break
				}
			}
		}
		passed := 0
		switch e.Kind {
		case allocation.Placed:
			passed = max(0, min(a.Rank-1, len(st.Preferences)))
		case allocation.Unplaced:
			passed = len(st.Preferences)
		}
		if len(e.Passed) != passed {
			bad("passes %d places, should pass %d", len(e.Passed), passed)
			continue
		}
		list := c.listed(i)
		for j, ps := range e.Passed {
			pl := list[j]
			if ps.Place != st.Preferences[j] || ps.Rank != j+1 {
				bad("passes %s as choice %d, the student's choice %d is %s", ps.Place, ps.Rank, j+1, st.Preferences[j])
				continue
			}
			if pl < 0 {
				continue
			}
			if msg := c.checkPassed(i, pl, ps, holders[pl], held[pl]); msg != "" {
				c.add(c.sid(i), c.pid(pl), "explanation of choice %d: %s", j+1, msg)
			}
		}
	}
}

// servedBefore reports whether holder h came before student i at place pl
// in the order the algorithm serves students in: the place's priority in
// deferred acceptance, the shared order in serial dictatorship, and the
// priority class alone in the optimal mode (within a class it weighs the
// whole, not the lottery).
func (c *checker) servedBefore(h, i, pl int) bool {
	switch c.o.Algorithm {
	case allocation.DeferredAcceptance:
		return c.ahead(h, i, pl)
	case allocation.SerialDictatorship:
		return c.ahead(h, i, -1)
	}
	return c.class(h) < c.class(i)
}

// heldBy returns who holds the seats at each place of r, by class in class
// order, students without a class last.
func (c *checker) heldBy() [][]allocation.ClassCount {
	nC := len(c.r.Classes) + 1
	count := make([]int, len(c.r.Places)*nC)
	for s, pl := range c.at {
		if pl >= 0 {
			count[pl*nC+c.class(s)]++
		}
	}
	out := make([][]allocation.ClassCount, len(c.r.Places))
	for pl := range out {
		for k, n := range count[pl*nC : (pl+1)*nC] {
			if n == 0 {
				continue
			}
			name := ""
			if k < len(c.r.Classes) {
				name = c.r.Classes[k]
			}
			out[pl] = append(out[pl], allocation.ClassCount{Class: name, Students: n})
		}
	}
	return out
}

// checkPassed checks the reason a passed place gives; it returns what is
// wrong, or "".
func (c *checker) checkPassed(i, pl int, ps allocation.Passed, holders []int, held []allocation.ClassCount) string {
	var want allocation.Reason
	name := c.exclude(i, pl)
	switch {
	case name != "":
		want = allocation.Excluded
	case c.r.Places[pl].Seats == 0:
		want = allocation.NoSeats
	case c.used[pl] < c.r.Places[pl].Seats:
		want = allocation.SoftCost
	default:
		want = allocation.Full
		for _, h := range holders {
			if !c.servedBefore(h, i, pl) {
				want = allocation.Outweighed
				break
			}
		}
	}
	if ps.Reason != want {
		return fmt.Sprintf("the reason is %s, the round gives %s", ps.Reason, want)
	}
	if want == allocation.Excluded && ps.Constraint != name {
		return fmt.Sprintf("the constraint is %q, the round's filter names %q", ps.Constraint, name)
	}
	if (want == allocation.SoftCost || want == allocation.Outweighed) && c.o.Algorithm != allocation.Optimal {
		return fmt.Sprintf("%s never gives the reason %s", c.o.Algorithm, want)
	}
	if want == allocation.Full || want == allocation.Outweighed {
		if !slices.Equal(held, ps.HeldBy) {
			return fmt.Sprintf("held by %v, the result has %v by class", ps.HeldBy, held)
		}
	}
	return ""
}

// CheckMetrics checks the result's Metrics against its assignments and the
// round: the counts of students placed, unplaced, pinned and filled, the
// rank histogram, first-choice share and mean rank, the seats and seats
// used per place, the placement rate per class and region, and the number
// of blocking pairs. Violations have Rule "metrics".
func CheckMetrics(r allocation.Round, res *allocation.Result) error {
	c := newChecker(r, res)
	c.metrics()
	return c.err()
}

func (c *checker) metrics() {
	c.start(RuleMetrics)
	m := c.res.Metrics()
	var want allocation.Metrics
	want.Algorithm = c.o.Algorithm
	want.Students = len(c.r.Students)
	longest, listed, rankSum := 0, 0, 0
	for _, st := range c.r.Students {
		longest = max(longest, len(st.Preferences))
	}
	want.RankHistogram = make([]int, longest)
	classes := make([]allocation.Rate, len(c.r.Classes)+1)
	for k, name := range c.r.Classes {
		classes[k].Name = name
	}
	regions := map[string]*allocation.Rate{}
	for i, a := range c.asg {
		st := &c.r.Students[i]
		rc := &classes[c.class(i)]
		rg := regions[st.Region]
		if rg == nil {
			rg = &allocation.Rate{Name: st.Region}
			regions[st.Region] = rg
		}
		rc.Students++
		rg.Students++
		if a.Placed() {
			want.Placed++
			rc.Placed++
			rg.Placed++
		}
		switch {
		case a.Pinned:
			want.Pinned++
			continue
		case a.Placed() && a.Rank == 0:
			want.Filled++
		case a.Placed() && a.Rank <= longest:
			want.RankHistogram[a.Rank-1]++
			rankSum += a.Rank
		}
		if len(st.Preferences) > 0 {
			listed++
		}
	}
	want.Unplaced = want.Students - want.Placed
	check := func(name string, got, exp any) {
		if !reflect.DeepEqual(got, exp) {
			c.add(nil, nil, "%s is %v, the assignments give %v", name, got, exp)
		}
	}
	near := func(name string, got, exp float64) {
		if math.Abs(got-exp) > 1e-9*max(1, math.Abs(exp)) {
			c.add(nil, nil, "%s is %v, the assignments give %v", name, got, exp)
		}
	}
	check("Algorithm", m.Algorithm, want.Algorithm)
	check("Students", m.Students, want.Students)
	check("Placed", m.Placed, want.Placed)
	check("Unplaced", m.Unplaced, want.Unplaced)
	check("Pinned", m.Pinned, want.Pinned)
	check("Filled", m.Filled, want.Filled)
	check("RankHistogram", m.RankHistogram, want.RankHistogram)
	first := 0.0
	if listed > 0 && longest > 0 {
		first = float64(want.RankHistogram[0]) / float64(listed)
	}
	near("FirstChoiceShare", m.FirstChoiceShare, first)
	mean, fromList := 0.0, 0
	for _, n := range want.RankHistogram {
		fromList += n
	}
	if fromList > 0 {
		mean = float64(rankSum) / float64(fromList)
	}
	near("MeanRank", m.MeanRank, mean)
	for pl, p := range c.r.Places {
		want.Seats += p.Seats
		want.SeatsUsed += c.used[pl]
		want.Places = append(want.Places, allocation.PlaceFill{Place: p.ID, Region: p.Region, Seats: p.Seats, Used: c.used[pl]})
	}
	check("Seats", m.Seats, want.Seats)
	check("SeatsUsed", m.SeatsUsed, want.SeatsUsed)
	check("Places", m.Places, want.Places)
	rate := func(r allocation.Rate) allocation.Rate {
		if r.Students > 0 {
			r.Rate = float64(r.Placed) / float64(r.Students)
		}
		return r
	}
	for k := range classes {
		want.ByClass = append(want.ByClass, rate(classes[k]))
	}
	for _, rg := range regions {
		want.ByRegion = append(want.ByRegion, rate(*rg))
	}
	slices.SortFunc(want.ByRegion, func(a, b allocation.Rate) int { return strings.Compare(a.Name, b.Name) })
	check("ByClass", m.ByClass, want.ByClass)
	check("ByRegion", m.ByRegion, want.ByRegion)
	check("BlockingPairs", m.BlockingPairs, len(c.res.BlockingPairs()))
}

// Check runs CheckFeasible, CheckHardConstraints, CheckPinned,
// CheckExplained and CheckMetrics and, when the result's algorithm is
// deferred acceptance, CheckStable; it returns every violation, joined
// with errors.Join (nil when there is none). Use errors.As to get the
// first *Violation.
func Check(r allocation.Round, res *allocation.Result) error {
	c := newChecker(r, res)
	var errs []error
	run := func(f func()) {
		c.violations, c.dropped = nil, 0
		f()
		errs = append(errs, c.err())
	}
	run(c.feasible)
	run(c.hardConstraints)
	run(c.pinned)
	run(c.explained)
	run(c.metrics)
	if c.o.Algorithm == allocation.DeferredAcceptance {
		run(c.stable)
	}
	return errors.Join(errs...)
}

// CheckDeterminism runs the round with the options as given and then
// shuffles times with Students, Places and Pins shuffled (by a PCG source
// seeded from seed; each place's Priorities, each student's Preferences
// and Classes keep their order, as they are orders), and checks that every
// run gives each student, by ID, the same assignment, the same explanation
// and the round the same number of blocking pairs. Violations have Rule
// "determinism"; an error of allocation.Allocate on the round as given is
// returned as it is.
func CheckDeterminism(r allocation.Round, o allocation.Options, shuffles int, seed uint64) error {
	base, err := allocation.Allocate(r, o)
	if err != nil {
		return err
	}
	want := make(map[practice.ID]allocation.Assignment, len(r.Students))
	wantExp := make(map[practice.ID]allocation.Explanation, len(r.Students))
	for i, a := range base.Assignments() {
		want[a.Student] = a
		wantExp[a.Student] = base.Explain(i)
	}
	wantPairs := len(base.BlockingPairs())
	c := &checker{rule: RuleDeterminism}
	rng := rand.New(rand.NewPCG(seed, 0x5348_5546_464c_4531))
	for n := range shuffles {
		s := r
		s.Students = slices.Clone(r.Students)
		s.Places = slices.Clone(r.Places)
		s.Pins = slices.Clone(r.Pins)
		rng.Shuffle(len(s.Students), func(i, j int) { s.Students[i], s.Students[j] = s.Students[j], s.Students[i] })
		rng.Shuffle(len(s.Places), func(i, j int) { s.Places[i], s.Places[j] = s.Places[j], s.Places[i] })
		rng.Shuffle(len(s.Pins), func(i, j int) { s.Pins[i], s.Pins[j] = s.Pins[j], s.Pins[i] })
		res, err := allocation.Allocate(s, o)
		if err != nil {
			c.add(nil, nil, "shuffle %d: the round as given runs, the shuffled one fails: %v", n+1, err)
			continue
		}
		for i, a := range res.Assignments() {
			w := want[a.Student]
			if a != w {
				c.add([]practice.ID{a.Student}, []practice.ID{w.Place, a.Place}, "shuffle %d: placed at %s (rank %d, pinned %t), in the round as given at %s (rank %d, pinned %t)",
					n+1, placeName(a.Place), a.Rank, a.Pinned, placeName(w.Place), w.Rank, w.Pinned)
				continue
			}
			if e := res.Explain(i); !reflect.DeepEqual(e, wantExp[a.Student]) {
				c.add([]practice.ID{a.Student}, []practice.ID{a.Place}, "shuffle %d: the explanation differs: %+v, in the round as given %+v", n+1, e, wantExp[a.Student])
			}
		}
		if got := len(res.BlockingPairs()); got != wantPairs {
			c.add(nil, nil, "shuffle %d: %d blocking pairs, in the round as given %d", n+1, got, wantPairs)
		}
	}
	return c.err()
}
