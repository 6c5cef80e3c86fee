package allocation

import (
	"slices"

	"github.com/praksis/praksis/practice"
)

// Round is the input of one allocation round: the students to place, the
// places with their seats for the round, the hard constraints and the soft
// costs. Prepare checks it and indexes it; the result of Prepare can be run
// with any algorithm and seed.
//
// The order of Students, Places and Pins does not matter: the same round in
// any order gives the same result.
type Round struct {
	// Students are the students of the round. Each ID appears once.
	Students []Student `json:"students"`
	// Places are the places with capacity in the round. Each ID appears once.
	Places []Place `json:"places"`
	// Classes names the priority classes, highest priority first. Students
	// of a class are placed before students of every later class and
	// before students without a class. At most 254 classes.
	Classes []string `json:"classes,omitempty"`
	// Pins are placements made by hand beforehand. The engine keeps them
	// and counts them against the place's seats.
	Pins []Pin `json:"pins,omitempty"`

	// Exclude is the filter for the hard constraints the caller knows of:
	// the same place as an earlier practice period, a conflict of interest,
	// a requirement of the activity the place does not meet, a place not
	// covered by an agreement for the period. It returns the name of the
	// constraint that forbids placing s at p, or "" when the placement is
	// allowed. Prepare calls it once for each place in each student's
	// list, and for each pin; with Options.FillEmpty, a run also calls it
	// for students who listed no place. Nil allows everything.
	Exclude func(s *Student, p *Place) string `json:"-"`
	// Cost is an optional soft cost of placing s at p, such as travel time
	// from home, in the unit of one step down a preference list: a cost of
	// 2 weighs as much as getting one's third choice instead of one's
	// first. It must be between 0 and MaxCost. The optimal mode uses it,
	// and Options.FillEmpty to choose the nearest seat left. Prepare calls
	// it once for each place in each student's list; with FillEmpty a run
	// also calls it for students who listed no place.
	Cost func(s *Student, p *Place) int `json:"-"`
}

// MaxCost is the largest soft cost Round.Cost may return.
const MaxCost = 1000

// Student is one student of a round.
type Student struct {
	// ID identifies the student; the engine never needs more.
	ID practice.ID `json:"id"`
	// Preferences are the places the student wants, most wanted first.
	// They may be empty or list only some places; no place twice.
	Preferences []practice.ID `json:"preferences,omitempty"`
	// Class is the student's priority class, one of Round.Classes, or ""
	// for none (the lowest priority).
	Class string `json:"class,omitempty"`
	// Credit orders students within the same priority, before the
	// lottery: more credit comes first. A season gives credit to students
	// who fared badly in earlier rounds. 0 to 255.
	Credit int `json:"credit,omitempty"`
	// Group is the student's class or cohort at the study site, for the
	// soft constraint that keeps a group spread over places or together.
	// "" is no group.
	Group string `json:"group,omitempty"`
	// Region is where the student lives, for the metrics. Optional.
	Region string `json:"region,omitempty"`
}

// Place is one place with capacity in a round.
type Place struct {
	// ID identifies the place.
	ID practice.ID `json:"id"`
	// Seats is the number of students the place takes this round, pins
	// included. 0 or more.
	Seats int `json:"seats"`
	// Priorities is the place's own order over students, highest first,
	// where it has one. Within a priority class, listed students come
	// before unlisted ones, in list order; unlisted students follow the
	// round's shared order. Every ID must be a student of the round.
	Priorities []practice.ID `json:"priorities,omitempty"`
	// Region is where the place is, for the metrics. Optional.
	Region string `json:"region,omitempty"`
}

// Pin is a placement made by hand before the round.
type Pin struct {
	Student practice.ID `json:"student"`
	Place   practice.ID `json:"place"`
	// Reason records why the placement was made by hand. Required.
	Reason string `json:"reason"`
}

// Algorithm chooses how a round places students.
type Algorithm int

// The algorithms. See the package documentation for their guarantees.
const (
	// DeferredAcceptance is student-proposing deferred acceptance with
	// capacities, the default.
	DeferredAcceptance Algorithm = iota
	// SerialDictatorship lets students choose one by one in the round's
	// shared order: priority class, credit, lottery.
	SerialDictatorship
	// Optimal places as many students as possible, class by class, and
	// then minimises the total cost: preference rank plus soft costs.
	Optimal
)

var algorithmNames = [...]string{"deferred-acceptance", "serial-dictatorship", "optimal"}

// String returns the algorithm's name as used in JSON and on command lines.
func (a Algorithm) String() string { return enumName(algorithmNames[:], int(a)) }

// ParseAlgorithm parses an algorithm's name as String returns it.
func ParseAlgorithm(s string) (Algorithm, error) {
	i, err := parseName(algorithmNames[:], s, "algorithm", "the algorithm must be deferred-acceptance, serial-dictatorship or optimal")
	return Algorithm(i), err
}

// MarshalText implements encoding.TextMarshaler.
func (a Algorithm) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (a *Algorithm) UnmarshalText(b []byte) error {
	v, err := ParseAlgorithm(string(b))
	if err == nil {
		*a = v
	}
	return err
}

// GroupPolicy is the soft constraint on the students of one group (Student.Group) at a place.
type GroupPolicy int

const (
	// GroupsIgnored: groups play no part. The default.
	GroupsIgnored GroupPolicy = iota
	// GroupsSpread: every further student of the same group at a place
	// costs Options.GroupWeight more than the one before.
	GroupsSpread
	// GroupsTogether: the optimal mode runs twice. The first run, without
	// group costs, finds the place where most of each group gathers; in
	// the second a student placed away from it costs Options.GroupWeight.
	GroupsTogether
)

var groupPolicyNames = [...]string{"ignored", "spread", "together"}

// String returns the policy's name as used in JSON and on command lines.
func (g GroupPolicy) String() string { return enumName(groupPolicyNames[:], int(g)) }

// ParseGroupPolicy parses a policy's name as String returns it.
func ParseGroupPolicy(s string) (GroupPolicy, error) {
	i, err := parseName(groupPolicyNames[:], s, "groups", "the group policy must be ignored, spread or together")
	return GroupPolicy(i), err
}

// parseName returns the index of s in names, or a validation error on
// field.
func parseName(names []string, s, field, message string) (int, error) {
	if i := slices.Index(names, s); i >= 0 {
		return i, nil
	}
	return 0, practice.Invalid(field, "oneof", message)
}

// MarshalText implements encoding.TextMarshaler.
func (g GroupPolicy) MarshalText() ([]byte, error) { return []byte(g.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (g *GroupPolicy) UnmarshalText(b []byte) error {
	v, err := ParseGroupPolicy(string(b))
	if err == nil {
		*g = v
	}
	return err
}

// Options choose the algorithm and its parameters for a run.
type Options struct {
	// Algorithm is the algorithm; the zero value is DeferredAcceptance.
	Algorithm Algorithm `json:"algorithm"`
	// Seed seeds the round's one lottery. The same round and seed give the
	// same result; another seed changes only who wins ties.
	Seed uint64 `json:"seed"`
	// RankWeight is the cost of one step down a preference list in the
	// optimal mode; 0 means 1.
	RankWeight int `json:"rankWeight,omitempty"`
	// Groups is the soft constraint on groups in the optimal mode.
	Groups GroupPolicy `json:"groups,omitempty"`
	// GroupWeight is the cost unit of Groups; 0 means 1.
	GroupWeight int `json:"groupWeight,omitempty"`
	// FillEmpty gives students who listed no place at all a seat left
	// over once everyone else is placed, in the round's shared order: the
	// allowed place of least Cost, or else the one with most seats left.
	FillEmpty bool `json:"fillEmpty,omitempty"`
}
