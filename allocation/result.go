package allocation

import (
	"sync"

	"github.com/praksis/praksis/practice"
)

// Result is the outcome of a run: at most one place for every student, and
// the data to explain each one and measure the round.
type Result struct {
	p      *Problem
	opts   Options
	lot    []uint64 // per student: the lottery number
	choice []int32  // per student: the preference index placed at, or unplaced, pinnedChoice, filled
	at     []int32  // per student: the place, or -1
	used   []int32  // per place: seats taken, pins included

	// Per place, the student holding a seat who comes last: by the place's
	// priorities (for stability), and by the order the algorithm serves
	// students in (for explanations). s is -1 when no competing student
	// holds a seat.
	lastByPlace []holder
	lastServed  []holder

	heldOnce sync.Once
	held     [][]ClassCount // per place: the seats held per priority class, as explanations show them
}

// finish derives the places, seats used and last holders from choice.
// Deferred acceptance has already set the places and, from its heaps, the
// last holders of the seats it gave.
func (r *Result) finish() {
	p := r.p
	if r.lastByPlace == nil {
		r.lastByPlace = make([]holder, len(p.seats))
		for i := range r.lastByPlace {
			r.lastByPlace[i].s = -1
		}
	}
	if r.lastServed == nil {
		r.lastServed = make([]holder, len(p.seats))
		for i := range r.lastServed {
			r.lastServed[i].s = -1
		}
	}
	da := r.opts.Algorithm == DeferredAcceptance
	for s, k := range r.choice {
		if k >= 0 && !da {
			r.at[s] = p.prefs[k].place
		}
		pl := r.at[s]
		if pl < 0 {
			continue
		}
		r.used[pl]++
		if k == pinnedChoice || k >= 0 && da {
			continue
		}
		s := int32(s)
		var kb uint64
		if k >= 0 {
			kb = r.key(s, k)
		} else {
			kb = r.unlistedKey(s, pl)
		}
		if last := r.lastByPlace[pl]; last.s < 0 || r.ahead(last.key, last.s, kb, s) {
			r.lastByPlace[pl] = holder{kb, s}
		}
		ks := kb
		if !da {
			ks = r.sharedKey(s)
		}
		if last := r.lastServed[pl]; last.s < 0 || r.ahead(last.key, last.s, ks, s) {
			r.lastServed[pl] = holder{ks, s}
		}
	}
}

// unlistedKey is the priority at place pl of student s, who did not list
// it (a student given a seat by FillEmpty): the place's list still counts.
func (r *Result) unlistedKey(s, pl int32) uint64 {
	pos := uint64(unlistedPos)
	id := r.p.round.Students[s].ID
	for i, other := range r.p.round.Places[pl].Priorities {
		if other == id {
			pos = uint64(i)
			break
		}
	}
	return r.sharedKey(s) | pos<<posShift
}

// wasAhead reports whether student s, for their preference k, came
// before the last student holding a seat there, in the order the
// algorithm serves students in: the place's priorities in deferred
// acceptance, the shared order in serial dictatorship, and the priority
// class alone in the optimal mode (within a class it weighs the whole,
// not the lottery).
func (r *Result) wasAhead(s, k int32, last holder) bool {
	switch r.opts.Algorithm {
	case DeferredAcceptance:
		return r.ahead(r.key(s, k), s, last.key, last.s)
	case SerialDictatorship:
		return r.ahead(r.sharedKey(s), s, last.key, last.s)
	}
	return r.p.classOf[s] <= r.p.classOf[last.s]
}

// Options returns the options of the run, with defaults filled in.
func (r *Result) Options() Options { return r.opts }

// Problem returns the problem that was run.
func (r *Result) Problem() *Problem { return r.p }

// Assignment is where one student was placed.
type Assignment struct {
	Student practice.ID `json:"student"`
	// Place is the place, or practice.NilID when the student was not placed.
	Place practice.ID `json:"place"`
	// Rank is the place's position in the student's list, 1 for the first
	// choice, or 0 when the place is not in the list (pinned or filled) or
	// the student was not placed.
	Rank int `json:"rank,omitempty"`
	// Pinned is true for a placement made by hand before the round.
	Pinned bool `json:"pinned,omitempty"`
}

// Placed reports whether the student got a place.
func (a Assignment) Placed() bool { return !a.Place.IsZero() }

// Assignments returns every student's assignment, in the order of
// Round.Students.
func (r *Result) Assignments() []Assignment {
	out := make([]Assignment, len(r.choice))
	for s := range r.choice {
		out[s] = r.Assignment(s)
	}
	return out
}

// Assignment returns the assignment of the student at index i of
// Round.Students.
func (r *Result) Assignment(i int) Assignment {
	p := r.p
	a := Assignment{Student: p.round.Students[i].ID, Pinned: r.choice[i] == pinnedChoice}
	if pl := r.at[i]; pl >= 0 {
		a.Place = p.round.Places[pl].ID
	}
	if k := r.choice[i]; k >= 0 {
		a.Rank = int(k-p.start[i]) + 1
	}
	return a
}

// Lookup returns the index in Round.Students of the student with the given
// ID.
func (r *Result) Lookup(student practice.ID) (int, bool) {
	i, ok := r.p.studentIdx[student]
	return int(i), ok
}

// SeatsLeft returns the seats left at the place at index i of Round.Places.
func (r *Result) SeatsLeft(i int) int {
	return r.p.round.Places[i].Seats - int(r.used[i])
}

// Pair is a student and a place.
type Pair struct {
	Student practice.ID `json:"student"`
	Place   practice.ID `json:"place"`
}

// BlockingPairs returns the pairs of a student and an allowed place the
// student ranks above their placement (or lists at all, if unplaced) where
// the place has a seat left or holds a student who comes after this one in
// the place's priority. Pinned students take part in no pair. Deferred
// acceptance leaves none: its result is stable.
func (r *Result) BlockingPairs() []Pair {
	var out []Pair
	r.blocking(func(s, pl int32) {
		out = append(out, Pair{r.p.round.Students[s].ID, r.p.round.Places[pl].ID})
	})
	return out
}

func (r *Result) blocking(yield func(s, pl int32)) {
	p := r.p
	for s := range r.choice {
		s := int32(s)
		if p.pinned[s] >= 0 {
			continue
		}
		end := p.start[s+1]
		if k := r.choice[s]; k >= 0 {
			end = k
		}
		for k := p.start[s]; k < end; k++ {
			if p.excluded(k) {
				continue
			}
			pl := p.prefs[k].place
			last := r.lastByPlace[pl]
			if r.used[pl] < int32(p.round.Places[pl].Seats) || last.s >= 0 && r.ahead(r.key(s, k), s, last.key, last.s) {
				yield(s, pl)
			}
		}
	}
}

// NextRound returns a further round on the seats this result left, for
// students added late: every place with the seats it has left, the same
// classes and constraints, and no pins. A place's priorities keep the
// students of the new round only.
func (r *Result) NextRound(students []Student) Round {
	in := make(map[practice.ID]bool, len(students))
	for _, s := range students {
		in[s.ID] = true
	}
	old := r.p.round
	next := Round{Students: students, Classes: old.Classes, Exclude: old.Exclude, Cost: old.Cost}
	next.Places = make([]Place, len(old.Places))
	for i, pl := range old.Places {
		pl.Seats = r.SeatsLeft(i)
		var pri []practice.ID
		for _, id := range pl.Priorities {
			if in[id] {
				pri = append(pri, id)
			}
		}
		pl.Priorities = pri
		next.Places[i] = pl
	}
	return next
}
