package allocation

import (
	"fmt"
	"slices"

	"github.com/praksis/praksis/practice"
)

// Problem is a checked and indexed Round, ready to run with any algorithm
// and seed, as often as needed and from several goroutines at once.
// Prepare calls the round's Exclude and Cost functions once for each place
// in each student's list, so a run does not (except for FillEmpty). Keep
// the round's slices unchanged while the Problem is in use.
type Problem struct {
	round Round

	classOf []uint8 // per student: index in Classes, or len(Classes) for none
	credit  []uint8 // per student

	// Preferences, flattened: student s lists prefs[start[s]:start[s+1]].
	start  []int32
	prefs  []pref
	exclBy []uint16 // 1 + index in constraints when excluded, else 0
	cost   []int32  // Round.Cost, when given

	constraints []string
	seats       []int32 // per place: seats left after pins
	pinned      []int32 // per student: index in Round.Pins, or -1
	pinnedAt    []int32 // per place: the number of pins
	byID        []int32 // place indices in ID order
	placeIdx    map[practice.ID]int32
	studentIdx  map[practice.ID]int32
}

// pref is one place in a student's list: all a proposal reads, in 8 bytes.
type pref struct {
	place int32  // the place listed
	pos   uint32 // the student's position in the place's own list (unlistedPos if none), | excludedBit
}

// excludedBit marks a pref a hard constraint forbids; Problem.exclBy names
// the constraint.
const excludedBit = 1 << 31

// excluded reports whether a hard constraint forbids preference k.
func (p *Problem) excluded(k int32) bool { return p.prefs[k].pos&excludedBit != 0 }

// studentKey is the part of student s's priority key that is the same at
// every place: class and credit.
func (p *Problem) studentKey(s int32) uint64 {
	return uint64(p.classOf[s])<<classShift | uint64(maxCredit-p.credit[s])<<creditShift
}

// The layout of a priority key: lower keys come first. The class takes the
// top bits, then the position in the place's own list, then the credit
// (inverted, so more credit comes first), then the top bits of the lottery.
// Equal keys fall back to the full lottery and then the student's ID.
const (
	classShift  = 56
	posShift    = 36
	creditShift = 28
	lotteryBits = 28

	maxClasses  = 254
	unlistedPos = 1<<20 - 1 // the position of a student a place does not list
	maxCredit   = 255
	maxErrors   = 20 // field errors reported before Prepare gives up
)

// Prepare checks a round and indexes it. Bad input gives a
// *practice.ValidationError naming each field (as in JSON, with indices:
// "students[3].preferences[1]") and the rule it breaks.
func Prepare(r Round) (*Problem, error) {
	v := &practice.ValidationError{}
	add := func(field, rule, format string, args ...any) bool {
		if len(v.Fields) < maxErrors {
			v.Add(field, rule, fmt.Sprintf(format, args...))
		}
		return len(v.Fields) < maxErrors
	}
	nS, nP := len(r.Students), len(r.Places)
	p := &Problem{
		round:      r,
		classOf:    make([]uint8, nS),
		credit:     make([]uint8, nS),
		start:      make([]int32, nS+1),
		seats:      make([]int32, nP),
		pinned:     make([]int32, nS),
		pinnedAt:   make([]int32, nP),
		placeIdx:   make(map[practice.ID]int32, nP),
		studentIdx: make(map[practice.ID]int32, nS),
	}
	if len(r.Classes) > maxClasses {
		add("classes", "max", "a round has at most %d priority classes", maxClasses)
		return nil, v
	}
	classIdx := make(map[string]uint8, len(r.Classes))
	for i, c := range r.Classes {
		if c == "" {
			add(fmt.Sprintf("classes[%d]", i), "required", "a priority class needs a name")
		} else if _, dup := classIdx[c]; dup {
			add(fmt.Sprintf("classes[%d]", i), "unique", "the priority class %q is listed twice", c)
		}
		classIdx[c] = uint8(i)
	}
	for i := range r.Places {
		pl := &r.Places[i]
		if _, dup := p.placeIdx[pl.ID]; dup {
			add(fmt.Sprintf("places[%d].id", i), "unique", "the place %s is listed twice", pl.ID)
		}
		if pl.ID.IsZero() {
			add(fmt.Sprintf("places[%d].id", i), "required", "a place needs an ID")
		}
		if pl.Seats < 0 || pl.Seats > 1<<30 {
			add(fmt.Sprintf("places[%d].seats", i), "min", "seats must be 0 or more")
		}
		if len(pl.Priorities) >= unlistedPos {
			add(fmt.Sprintf("places[%d].priorities", i), "max", "a place lists at most %d students", unlistedPos-1)
		}
		p.placeIdx[pl.ID] = int32(i)
		p.seats[i] = int32(pl.Seats)
	}
	total := 0
	for i := range r.Students {
		st := &r.Students[i]
		if _, dup := p.studentIdx[st.ID]; dup {
			add(fmt.Sprintf("students[%d].id", i), "unique", "the student %s is listed twice", st.ID)
		}
		if st.ID.IsZero() {
			add(fmt.Sprintf("students[%d].id", i), "required", "a student needs an ID")
		}
		p.studentIdx[st.ID] = int32(i)
		p.classOf[i] = uint8(len(r.Classes))
		if st.Class != "" {
			c, ok := classIdx[st.Class]
			if !ok {
				add(fmt.Sprintf("students[%d].class", i), "oneof", "the priority class %q is not one of the round's classes", st.Class)
			}
			p.classOf[i] = c
		}
		if st.Credit < 0 || st.Credit > maxCredit {
			add(fmt.Sprintf("students[%d].credit", i), "range", "credit must be between 0 and %d", maxCredit)
		} else {
			p.credit[i] = uint8(st.Credit)
		}
		p.pinned[i] = -1
		total += len(st.Preferences)
		p.start[i+1] = int32(total)
	}
	if len(v.Fields) > 0 {
		return nil, v
	}
	if total >= 1<<31 {
		return nil, practice.Invalid("students", "max", "the preference lists are too long in all")
	}

	// Preferences, with the hard constraints applied.
	p.prefs = make([]pref, total)
	p.exclBy = make([]uint16, total)
	if r.Cost != nil {
		p.cost = make([]int32, total)
	}
	constraint := map[string]uint16{}
	seen := make([]int32, nP) // 1 + the last student to list each place
	for i := range r.Students {
		st := &r.Students[i]
		base := int(p.start[i])
		for j, id := range st.Preferences {
			k := base + j
			pi, ok := p.placeIdx[id]
			if !ok {
				if !add(fmt.Sprintf("students[%d].preferences[%d]", i, j), "exists", "the place %s is not a place of the round", id) {
					return nil, v
				}
				continue
			}
			if seen[pi] == int32(i)+1 {
				if !add(fmt.Sprintf("students[%d].preferences[%d]", i, j), "unique", "the place %s is listed twice", id) {
					return nil, v
				}
				continue
			}
			seen[pi] = int32(i) + 1
			p.prefs[k].place = pi
			p.prefs[k].pos = unlistedPos
			if r.Exclude != nil {
				if name := r.Exclude(st, &r.Places[pi]); name != "" {
					c, ok := constraint[name]
					if !ok {
						if len(p.constraints) >= 1<<16-1 {
							return nil, practice.Invalid("exclude", "max", "the filter named too many constraints")
						}
						p.constraints = append(p.constraints, name)
						c = uint16(len(p.constraints))
						constraint[name] = c
					}
					p.exclBy[k] = c
					p.prefs[k].pos |= excludedBit
				}
			}
			if r.Cost != nil {
				c := r.Cost(st, &r.Places[pi])
				if c < 0 || c > MaxCost {
					if !add(fmt.Sprintf("students[%d].preferences[%d]", i, j), "cost", "the soft cost must be between 0 and %d, not %d", MaxCost, c) {
						return nil, v
					}
				}
				p.cost[k] = int32(c)
			}
		}
	}
	if len(v.Fields) > 0 {
		return nil, v
	}

	// The places' own priorities: the position of each listed student, set
	// where the student lists the place.
	ranked := make([]int32, nS) // 1 + the last place to list each student
	for i := range r.Places {
		for pos, sid := range r.Places[i].Priorities {
			field := func() string { return fmt.Sprintf("places[%d].priorities[%d]", i, pos) }
			s, ok := p.studentIdx[sid]
			if !ok {
				if !add(field(), "exists", "the student %s is not a student of the round", sid) {
					return nil, v
				}
				continue
			}
			if ranked[s] == int32(i)+1 {
				if !add(field(), "unique", "the student %s is listed twice", sid) {
					return nil, v
				}
				continue
			}
			ranked[s] = int32(i) + 1
			for k := p.start[s]; k < p.start[s+1]; k++ {
				if p.prefs[k].place == int32(i) {
					p.prefs[k].pos = p.prefs[k].pos&excludedBit | uint32(pos)
					break
				}
			}
		}
	}

	// Pins: each keeps a seat, and must itself be allowed.
	for i, pin := range r.Pins {
		field := fmt.Sprintf("pins[%d]", i)
		s, okS := p.studentIdx[pin.Student]
		pl, okP := p.placeIdx[pin.Place]
		switch {
		case !okS:
			add(field+".student", "exists", "the student %s is not a student of the round", pin.Student)
		case !okP:
			add(field+".place", "exists", "the place %s is not a place of the round", pin.Place)
		case pin.Reason == "":
			add(field+".reason", "required", "a pinned placement needs its reason")
		case p.pinned[s] >= 0:
			add(field+".student", "unique", "the student %s is pinned twice", pin.Student)
		default:
			if r.Exclude != nil {
				if name := r.Exclude(&r.Students[s], &r.Places[pl]); name != "" {
					add(field, "excluded", "the pinned placement breaks the constraint %q", name)
					continue
				}
			}
			p.pinned[s] = int32(i)
			p.pinnedAt[pl]++
			if p.seats[pl]--; p.seats[pl] < 0 {
				add(field+".place", "seats", "the place %s has %d seats, fewer than the students pinned to it", pin.Place, r.Places[pl].Seats)
			}
		}
	}
	if len(v.Fields) > 0 {
		return nil, v
	}

	p.byID = make([]int32, nP)
	for i := range p.byID {
		p.byID[i] = int32(i)
	}
	slices.SortFunc(p.byID, func(a, b int32) int { return r.Places[a].ID.Compare(r.Places[b].ID) })
	return p, nil
}

// Round returns the round the problem was prepared from.
func (p *Problem) Round() Round { return p.round }
