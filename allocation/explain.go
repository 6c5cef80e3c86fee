package allocation

import (
	"fmt"
	"strings"

	"github.com/praksis/praksis/practice"
)

// Kind says what happened to a student.
type Kind int

// The kinds of explanation.
const (
	// Placed: placed at a place in the student's list.
	Placed Kind = iota
	// Pinned: placed by hand before the round, for a recorded reason.
	Pinned
	// Filled: the student listed no place and was given a seat left over
	// (Options.FillEmpty).
	Filled
	// Unplaced: the student listed places, and none could take them.
	Unplaced
	// NoPreferences: the student listed no place and was not placed.
	NoPreferences
	// NoSeatLeft: the student listed no place, and no allowed seat was
	// left over for them (Options.FillEmpty).
	NoSeatLeft
)

var kindNames = [...]string{"placed", "pinned", "filled", "unplaced", "no-preferences", "no-seat-left"}

// String returns the kind's name, as in JSON.
func (k Kind) String() string { return enumName(kindNames[:], int(k)) }

// MarshalText implements encoding.TextMarshaler.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Reason says why a place a student ranked higher did not take them.
type Reason int

// The reasons.
const (
	// Full: every seat went to a student ahead in the order the algorithm
	// serves students in, or was pinned. That order is the place's
	// priority in deferred acceptance, the shared order in serial
	// dictatorship, and the priority class in the optimal mode (every
	// holder is of an earlier class).
	Full Reason = iota + 1
	// Outweighed: the place was full, though someone there was not of an
	// earlier priority class than this student; the optimal mode gave the
	// seat away to place more students or lower the total cost.
	Outweighed
	// SoftCost: the place had a seat left, but the soft costs (travel,
	// groups) placed the student elsewhere. Optimal mode only.
	SoftCost
	// Excluded: a hard constraint forbids the place for this student.
	Excluded
	// NoSeats: the place has no seats this round.
	NoSeats
)

var reasonNames = [...]string{"", "full", "outweighed", "soft-cost", "excluded", "no-seats"}

// String returns the reason's name, as in JSON.
func (r Reason) String() string { return enumName(reasonNames[:], int(r)) }

// MarshalText implements encoding.TextMarshaler.
func (r Reason) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

func enumName(names []string, i int) string {
	if i < 0 || i >= len(names) || names[i] == "" {
		return "unknown"
	}
	return names[i]
}

// ClassCount is how many seats at a place students of one priority class
// hold. Class "" is students without a class.
type ClassCount struct {
	Class    string `json:"class"`
	Students int    `json:"students"`
}

// Passed is a place a student ranked above where they ended up (or any
// place they ranked, when unplaced), and why it did not take them.
type Passed struct {
	Place practice.ID `json:"place"`
	// Rank is the place's position in the student's list, from 1.
	Rank   int    `json:"rank"`
	Reason Reason `json:"reason"`
	// Constraint names the hard constraint, for Excluded.
	Constraint string `json:"constraint,omitempty"`
	// HeldBy is who holds the place's seats, by priority class (never by
	// name), highest class first, for Full and Outweighed.
	HeldBy []ClassCount `json:"heldBy,omitempty"`
}

// Explanation is why a student ended where they did, as data. Text
// renders it for people.
type Explanation struct {
	Student practice.ID `json:"student"`
	Kind    Kind        `json:"kind"`
	// Place is where the student was placed, for Placed, Pinned and Filled.
	Place practice.ID `json:"place,omitzero"`
	// Rank is the place's position in the student's list, for Placed.
	Rank int `json:"rank,omitempty"`
	// Listed is the length of the student's list.
	Listed int `json:"listed"`
	// PinReason is the recorded reason, for Pinned.
	PinReason string `json:"pinReason,omitempty"`
	// Passed are the places ranked higher, in the student's order.
	Passed []Passed `json:"passed,omitempty"`
}

// Explain returns the explanation for the student at index i of
// Round.Students.
func (r *Result) Explain(i int) Explanation {
	p := r.p
	s := int32(i)
	st := &p.round.Students[i]
	e := Explanation{Student: st.ID, Listed: len(st.Preferences)}
	end := p.start[s+1]
	switch k := r.choice[s]; {
	case k == pinnedChoice:
		pin := p.round.Pins[p.pinned[s]]
		e.Kind, e.Place, e.PinReason = Pinned, pin.Place, pin.Reason
		return e
	case k == filled:
		e.Kind, e.Place = Filled, p.round.Places[r.at[s]].ID
		return e
	case k >= 0:
		e.Kind, e.Place, e.Rank = Placed, p.round.Places[p.prefs[k].place].ID, int(k-p.start[s])+1
		end = k
	case e.Listed > 0:
		e.Kind = Unplaced
	case r.opts.FillEmpty:
		e.Kind = NoSeatLeft
	default:
		e.Kind = NoPreferences
	}
	if end == p.start[s] {
		return e
	}
	e.Passed = make([]Passed, 0, end-p.start[s])
	held := 0
	for k := p.start[s]; k < end; k++ {
		e.Passed = append(e.Passed, r.passed(s, k))
		held += len(e.Passed[len(e.Passed)-1].HeldBy)
	}
	// The explanation gets its own copy of the counts, in one allocation,
	// so a caller may change it freely.
	buf := make([]ClassCount, 0, held)
	for i := range e.Passed {
		from := len(buf)
		buf = append(buf, e.Passed[i].HeldBy...)
		if len(buf) > from {
			e.Passed[i].HeldBy = buf[from:len(buf):len(buf)]
		}
	}
	return e
}

// Explanations returns every student's explanation, in the order of
// Round.Students.
func (r *Result) Explanations() []Explanation {
	out := make([]Explanation, len(r.choice))
	for i := range out {
		out[i] = r.Explain(i)
	}
	return out
}

func (r *Result) passed(s, k int32) Passed {
	p := r.p
	pl := p.prefs[k].place
	out := Passed{Place: p.round.Places[pl].ID, Rank: int(k-p.start[s]) + 1}
	switch last := r.lastServed[pl]; {
	case p.excluded(k):
		out.Reason, out.Constraint = Excluded, p.constraints[p.exclBy[k]-1]
		return out
	case p.round.Places[pl].Seats == 0:
		out.Reason = NoSeats
		return out
	case r.used[pl] < int32(p.round.Places[pl].Seats):
		out.Reason = SoftCost
		return out
	case last.s >= 0 && r.wasAhead(s, k, last):
		out.Reason = Outweighed
	default:
		out.Reason = Full
	}
	out.HeldBy = r.heldBy(pl)
	return out
}

// heldBy returns who holds the seats at place pl, by priority class. The
// slices are made once per place; Explain copies them.
func (r *Result) heldBy(pl int32) []ClassCount {
	r.heldOnce.Do(func() {
		p := r.p
		nC := len(p.round.Classes) + 1
		count := make([]int32, len(p.seats)*nC)
		for s, pl := range r.at {
			if pl >= 0 {
				count[int(pl)*nC+int(p.classOf[s])]++
			}
		}
		r.held = make([][]ClassCount, len(p.seats))
		for pl := range r.held {
			for c, n := range count[pl*nC : (pl+1)*nC] {
				if n == 0 {
					continue
				}
				name := ""
				if c < len(p.round.Classes) {
					name = p.round.Classes[c]
				}
				r.held[pl] = append(r.held[pl], ClassCount{Class: name, Students: int(n)})
			}
		}
	})
	return r.held[pl]
}

// Language is a language explanations are rendered in.
type Language string

// The languages of Text.
const (
	English   Language = "en"
	Norwegian Language = "nb" // bokmål
)

// Text renders the explanation in the language (English for any other).
// placeName names a place; nil shows its ID.
func (e Explanation) Text(lang Language, placeName func(practice.ID) string) string {
	if placeName == nil {
		placeName = practice.ID.String
	}
	t := phrases[English]
	if lang == Norwegian {
		t = phrases[Norwegian]
	}
	var b strings.Builder
	switch e.Kind {
	case Placed:
		fmt.Fprintf(&b, t.placed, placeName(e.Place), e.Rank, e.Listed)
	case Pinned:
		fmt.Fprintf(&b, t.pinned, placeName(e.Place), e.PinReason)
	case Filled:
		fmt.Fprintf(&b, t.filled, placeName(e.Place))
	case NoPreferences:
		b.WriteString(t.noPreferences)
	case NoSeatLeft:
		b.WriteString(t.noSeatLeft)
	case Unplaced:
		all := func(reason Reason) bool {
			for _, p := range e.Passed {
				if p.Reason != reason {
					return false
				}
			}
			return true
		}
		switch {
		case all(Full):
			b.WriteString(t.unplacedFull)
		case all(Excluded):
			b.WriteString(t.unplacedExcluded)
		default:
			b.WriteString(t.unplaced)
		}
	default:
		return t.unknown
	}
	for _, p := range e.Passed {
		b.WriteString("\n- ")
		fmt.Fprintf(&b, t.choice, placeName(p.Place), p.Rank)
		switch p.Reason {
		case Full, Outweighed:
			var held []string
			for _, c := range p.HeldBy {
				if c.Class == "" {
					held = append(held, fmt.Sprintf(t.noClass, c.Students))
				} else {
					held = append(held, fmt.Sprintf(t.inClass, c.Students, c.Class))
				}
			}
			format := t.full
			if p.Reason == Outweighed {
				format = t.outweighed
			}
			fmt.Fprintf(&b, format, strings.Join(held, ", "))
		case SoftCost:
			b.WriteString(t.softCost)
		case Excluded:
			fmt.Fprintf(&b, t.excluded, p.Constraint)
		case NoSeats:
			b.WriteString(t.noSeats)
		default:
			b.WriteString(t.unknown)
		}
	}
	return b.String()
}

type phrasebook struct {
	placed, pinned, filled                       string
	noPreferences, noSeatLeft                    string
	unplaced, unplacedFull, unplacedExcluded     string
	choice, full, outweighed, softCost, excluded string
	noSeats, inClass, noClass, unknown           string
}

var phrases = map[Language]phrasebook{
	English: {
		placed:           "Placed at %s, choice %d of %d.",
		pinned:           "Placed at %s by hand before the round: %s.",
		filled:           "Listed no place; placed at %s, which had a seat left.",
		noPreferences:    "Not placed: listed no place.",
		noSeatLeft:       "Not placed: listed no place, and no seat allowed for this student was left.",
		unplaced:         "Not placed: no place in the list could take this student.",
		unplacedFull:     "Not placed: every place in the list was full with students ahead in priority.",
		unplacedExcluded: "Not placed: every place in the list is excluded by a constraint.",
		choice:           "%s (choice %d) ",
		full:             "was full with students ahead in priority: %s.",
		outweighed:       "was full: to place more students, or give better choices in all, its seats went to others: %s.",
		softCost:         "had a seat left, but travel or group costs weighed against it.",
		excluded:         "is excluded: %s.",
		noSeats:          "has no seats this round.",
		inClass:          "%d in priority class %s",
		noClass:          "%d without a priority class",
		unknown:          "(no explanation)",
	},
	Norwegian: {
		placed:           "Plassert ved %s, ønske %d av %d.",
		pinned:           "Plassert for hånd ved %s før runden: %s.",
		filled:           "Oppga ingen ønsker; plassert ved %s, som hadde ledig plass.",
		noPreferences:    "Ikke plassert: oppga ingen ønsker.",
		noSeatLeft:       "Ikke plassert: oppga ingen ønsker, og ingen ledig plass som studenten kunne få, var igjen.",
		unplaced:         "Ikke plassert: ingen av de ønskede stedene kunne ta imot studenten.",
		unplacedFull:     "Ikke plassert: alle de ønskede stedene var fulle med studenter foran i prioritet.",
		unplacedExcluded: "Ikke plassert: alle de ønskede stedene er utelukket av en begrensning.",
		choice:           "%s (ønske %d) ",
		full:             "var fullt med studenter foran i prioritet: %s.",
		outweighed:       "var fullt: for å plassere flere studenter, eller gi bedre ønsker samlet, gikk plassene til andre: %s.",
		softCost:         "hadde ledig plass, men reisevei eller gruppehensyn talte imot.",
		excluded:         "er utelukket: %s.",
		noSeats:          "har ingen plasser i denne runden.",
		inClass:          "%d i prioritetsklassen %s",
		noClass:          "%d uten prioritetsklasse",
		unknown:          "(ingen forklaring)",
	},
}
