package allocation

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/praksis/praksis/practice"
)

// Allocate prepares a round and runs it: Prepare(r) followed by Run(o).
func Allocate(r Round, o Options) (*Result, error) {
	p, err := Prepare(r)
	if err != nil {
		return nil, err
	}
	return p.Run(o)
}

// Run places the problem's students with the algorithm and seed of o.
// It fails only for bad options.
func (p *Problem) Run(o Options) (*Result, error) {
	v := &practice.ValidationError{}
	if o.Algorithm < DeferredAcceptance || o.Algorithm > Optimal {
		v.Add("algorithm", "oneof", "the algorithm must be deferred-acceptance, serial-dictatorship or optimal")
	}
	if o.RankWeight < 0 || o.RankWeight > MaxCost {
		v.Add("rankWeight", "range", "the rank weight must be between 0 and 1000")
	}
	if o.GroupWeight < 0 || o.GroupWeight > MaxCost {
		v.Add("groupWeight", "range", "the group weight must be between 0 and 1000")
	}
	if o.Groups < GroupsIgnored || o.Groups > GroupsTogether {
		v.Add("groups", "oneof", "the group policy must be ignored, spread or together")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if o.RankWeight == 0 {
		o.RankWeight = 1
	}
	if o.GroupWeight == 0 {
		o.GroupWeight = 1
	}

	nS, nP := len(p.classOf), len(p.seats)
	res := &Result{
		p:      p,
		opts:   o,
		lot:    make([]uint64, nS),
		choice: make([]int32, nS),
		at:     make([]int32, nS),
		used:   make([]int32, nP),
	}
	for s := range res.lot {
		res.lot[s] = Lottery(o.Seed, p.round.Students[s].ID)
		res.choice[s] = unplaced
		res.at[s] = -1
		if pin := p.pinned[s]; pin >= 0 {
			res.choice[s] = pinnedChoice
			res.at[s] = p.placeIdx[p.round.Pins[pin].Place]
		}
	}
	switch o.Algorithm {
	case DeferredAcceptance:
		res.deferredAcceptance()
	case SerialDictatorship:
		res.serialDictatorship()
	case Optimal:
		res.optimal()
	}
	if o.FillEmpty {
		if err := res.fillEmpty(); err != nil {
			return nil, err
		}
	}
	res.finish()
	return res, nil
}

// Lottery returns a student's lottery number in the round with the given
// seed: a hash of the seed and the ID, so it does not depend on the order
// of the input. Lower numbers come first.
func Lottery(seed uint64, id practice.ID) uint64 {
	hi, lo := binary.BigEndian.Uint64(id[:8]), binary.BigEndian.Uint64(id[8:])
	return mix(lo ^ mix(hi^mix(seed)))
}

// mix is the finaliser of SplitMix64.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// The special values of Result.choice.
const (
	unplaced     = -1
	pinnedChoice = -2
	filled       = -3
)

// key returns the priority key of student s for the preference k: lower
// comes first. Keys tie only within one lottery bucket; ahead breaks ties.
func (r *Result) key(s int32, k int32) uint64 {
	return r.p.studentKey(s) | uint64(r.p.prefs[k].pos&^excludedBit)<<posShift | r.lot[s]>>(64-lotteryBits)
}

// sharedKey is the round's shared order, without place priorities.
func (r *Result) sharedKey(s int32) uint64 {
	return r.p.studentKey(s) | r.lot[s]>>(64-lotteryBits)
}

// ahead reports whether student a with key ka comes before student b with
// key kb: a strict total order, whatever the input order.
func (r *Result) ahead(ka uint64, a int32, kb uint64, b int32) bool {
	if ka != kb {
		return ka < kb
	}
	if r.lot[a] != r.lot[b] {
		return r.lot[a] < r.lot[b]
	}
	return r.p.round.Students[a].ID.Compare(r.p.round.Students[b].ID) < 0
}

// holder is a student holding a seat, with their key at that place.
type holder struct {
	key uint64
	s   int32
}

// deferredAcceptance runs student-proposing deferred acceptance. Each
// place keeps its tentative students in a max-heap on priority, so a
// proposal costs O(log seats).
func (r *Result) deferredAcceptance() {
	p := r.p
	nS := int32(len(p.classOf))
	base := make([]int32, len(p.seats)+1)
	for i, c := range p.seats {
		base[i+1] = base[i] + c
	}
	heap := make([]holder, base[len(p.seats)])
	count := make([]int32, len(p.seats))
	// A student's next proposal, the end of their list, and the part of
	// their key that is the same at every place, read together.
	type cursor struct {
		next, end int32
		key       uint64
	}
	cur := make([]cursor, nS)
	free := make([]int32, 0, nS)
	for s := nS - 1; s >= 0; s-- {
		cur[s] = cursor{p.start[s], p.start[s+1], p.studentKey(s) | r.lot[s]>>(64-lotteryBits)}
		if p.pinned[s] < 0 {
			free = append(free, s)
		}
	}
	for len(free) > 0 {
		s := free[len(free)-1]
		free = free[:len(free)-1]
		c := cur[s]
		k, pl := c.next, int32(-1)
		for ; k < c.end; k++ {
			pr := &p.prefs[k]
			if pr.pos&excludedBit != 0 {
				continue
			}
			pl = pr.place
			h := heap[base[pl]:base[pl+1]]
			key := uint64(pr.pos)<<posShift | c.key
			if n := count[pl]; n < int32(len(h)) {
				h[n] = holder{key, s}
				for i := n; i > 0 && behind(r, h[i], h[(i-1)/2]); i = (i - 1) / 2 {
					h[i], h[(i-1)/2] = h[(i-1)/2], h[i]
				}
				count[pl] = n + 1
				break
			}
			if len(h) == 0 || !behind(r, h[0], holder{key, s}) {
				continue
			}
			out := h[0].s
			r.choice[out], r.at[out] = unplaced, -1
			free = append(free, out)
			h[0] = holder{key, s}
			siftDown(r, h, 0)
			break
		}
		if k < c.end {
			r.choice[s], r.at[s] = k, pl
			cur[s].next = k + 1
		} else {
			cur[s].next = c.end
		}
	}
	// The root of each heap is the last student holding a seat there.
	r.lastByPlace = make([]holder, len(p.seats))
	for pl := range r.lastByPlace {
		r.lastByPlace[pl].s = -1
		if count[pl] > 0 {
			r.lastByPlace[pl] = heap[base[pl]]
		}
	}
	r.lastServed = r.lastByPlace
}

// siftDown keeps h a max-heap (the student furthest back in priority at
// the root) after its root changed. Keys decide; ahead breaks their rare
// ties.
func siftDown(r *Result, h []holder, i int32) {
	n := int32(len(h))
	for {
		worst, l := i, 2*i+1
		if l < n && behind(r, h[l], h[worst]) {
			worst = l
		}
		if l+1 < n && behind(r, h[l+1], h[worst]) {
			worst = l + 1
		}
		if worst == i {
			return
		}
		h[i], h[worst] = h[worst], h[i]
		i = worst
	}
}

// behind reports whether a comes after b in priority.
func behind(r *Result, a, b holder) bool {
	return a.key > b.key || a.key == b.key && r.ahead(b.key, b.s, a.key, a.s)
}

// order returns the students without a pin in the round's shared order.
func (r *Result) order() []int32 {
	type entry struct {
		key uint64
		s   int32
	}
	es := make([]entry, 0, len(r.choice))
	for s := range r.choice {
		if r.p.pinned[s] < 0 {
			es = append(es, entry{r.sharedKey(int32(s)), int32(s)})
		}
	}
	slices.SortFunc(es, func(a, b entry) int {
		if r.ahead(a.key, a.s, b.key, b.s) {
			return -1
		}
		return 1
	})
	out := make([]int32, len(es))
	for i, e := range es {
		out[i] = e.s
	}
	return out
}

// serialDictatorship lets each student in the shared order take the best
// allowed place in their list that still has a seat.
func (r *Result) serialDictatorship() {
	p := r.p
	left := slices.Clone(p.seats)
	for _, s := range r.order() {
		for k := p.start[s]; k < p.start[s+1]; k++ {
			if pl := p.prefs[k].place; !p.excluded(k) && left[pl] > 0 {
				left[pl]--
				r.choice[s] = k
				break
			}
		}
	}
}

// fillEmpty gives students who listed no place a seat left over, in the
// shared order. It fails when Round.Cost returns a cost out of range.
func (r *Result) fillEmpty() error {
	p := r.p
	left := slices.Clone(p.seats)
	for _, k := range r.choice {
		if k >= 0 {
			left[p.prefs[k].place]--
		}
	}
	for _, s := range r.order() {
		st := &p.round.Students[s]
		if len(st.Preferences) > 0 || r.choice[s] != unplaced {
			continue
		}
		best, bestCost := int32(-1), 0
		for _, pl := range p.byID {
			if left[pl] == 0 {
				continue
			}
			if p.round.Exclude != nil && p.round.Exclude(st, &p.round.Places[pl]) != "" {
				continue
			}
			var c int
			if p.round.Cost != nil {
				c = p.round.Cost(st, &p.round.Places[pl])
				if c < 0 || c > MaxCost {
					return practice.Invalid(fmt.Sprintf("students[%d]", s), "cost", fmt.Sprintf("the soft cost of a seat left must be between 0 and %d, not %d", MaxCost, c))
				}
			} else {
				c = -int(left[pl])
			}
			if best < 0 || c < bestCost {
				best, bestCost = pl, c
			}
		}
		if best >= 0 {
			left[best]--
			r.choice[s] = filled
			r.at[s] = best
		}
	}
	return nil
}
