package allocation

import (
	"slices"

	"github.com/praksis/praksis/allocation/internal/flow"
)

// optimal serves the priority classes in order. For each class it places
// as many of the class's students as the seats left allow and, among those
// placements, one of least total cost, by min-cost flow (package
// internal/flow, which exploits that ranks are small integers). With
// GroupsTogether it runs twice: the first run finds where each group
// gathers, the second charges GroupWeight to a student placed elsewhere.
func (r *Result) optimal() {
	p := r.p
	order := r.order()
	var anchor map[string]int32
	passes := 1
	if r.opts.Groups == GroupsTogether {
		passes = 2
	}
	for pass := range passes {
		left := slices.Clone(p.seats)
		for _, s := range order {
			r.choice[s] = unplaced
		}
		for lo := 0; lo < len(order); {
			hi := lo + 1
			for hi < len(order) && p.classOf[order[hi]] == p.classOf[order[lo]] {
				hi++
			}
			r.solveStage(order[lo:hi], left, anchor)
			lo = hi
		}
		if pass+1 < passes {
			anchor = r.anchors()
		}
	}
}

// anchors returns, for each group, the place holding most of its students
// (ties go to the place with the lower ID).
func (r *Result) anchors() map[string]int32 {
	p := r.p
	count := map[string]map[int32]int{}
	for s, k := range r.choice {
		g := p.round.Students[s].Group
		if k < 0 || g == "" {
			continue
		}
		if count[g] == nil {
			count[g] = map[int32]int{}
		}
		count[g][p.prefs[k].place]++
	}
	rankOf := make([]int32, len(p.byID))
	for i, pl := range p.byID {
		rankOf[pl] = int32(i)
	}
	out := make(map[string]int32, len(count))
	for g, byPlace := range count {
		best, n := int32(-1), 0
		for pl, c := range byPlace {
			if c > n || c == n && rankOf[pl] < rankOf[best] {
				best, n = pl, c
			}
		}
		out[g] = best
	}
	return out
}

// solveStage places the students of one class optimally on the seats left,
// and takes their seats from left.
func (r *Result) solveStage(students []int32, left []int32, anchor map[string]int32) {
	p := r.p
	o := r.opts
	spread := o.Groups == GroupsSpread

	// Nodes: source, sink, the students, then places and (place, group)
	// pairs as they first appear, so numbering follows the shared order.
	const source, sink = 0, 1
	n := 2 + len(students)
	placeNode := make([]int, len(p.seats)) // 0: no node yet
	type pairKey struct {
		pl int32
		g  string
	}
	pairNode := map[pairKey]int{}
	var places []int32
	var pairs []pairKey
	var groupSize map[string]int32
	if spread {
		groupSize = map[string]int32{}
	}
	nodeOf := func(s int32, pl int32) int {
		if placeNode[pl] == 0 {
			placeNode[pl] = n
			places = append(places, pl)
			n++
		}
		g := p.round.Students[s].Group
		if !spread || g == "" {
			return placeNode[pl]
		}
		key := pairKey{pl, g}
		if _, ok := pairNode[key]; !ok {
			pairNode[key] = n
			pairs = append(pairs, key)
			n++
		}
		return pairNode[key]
	}

	type arc struct {
		from, to int
		cost     int32
		k        int32 // the preference, for student arcs
	}
	listed := 0
	for _, s := range students {
		listed += int(p.start[s+1] - p.start[s])
	}
	arcs := make([]arc, 0, listed)
	for i, s := range students {
		g := p.round.Students[s].Group
		listed := false
		for k := p.start[s]; k < p.start[s+1]; k++ {
			pl := p.prefs[k].place
			if p.excluded(k) || left[pl] == 0 {
				continue
			}
			arcs = append(arcs, arc{2 + i, nodeOf(s, pl), r.arcCost(s, k, anchor), k})
			listed = true
		}
		if listed && spread && g != "" {
			groupSize[g]++
		}
	}
	if len(arcs) == 0 {
		return
	}

	// With GroupsSpread, the j-th student of a group at a place costs j
	// weights more, counting those placed in earlier stages.
	var already map[pairKey]int32
	if spread {
		already = map[pairKey]int32{}
		for s, k := range r.choice {
			pl := r.at[s]
			if k >= 0 {
				pl = p.prefs[k].place
			}
			if g := p.round.Students[s].Group; g != "" && pl >= 0 {
				already[pairKey{pl, g}]++
			}
		}
	}

	g := flow.New(n, len(students)+len(arcs)+len(places)+len(pairs)*4)
	for i := range students {
		g.AddEdge(source, 2+i, 1, 0)
	}
	first := -1
	for _, a := range arcs {
		e := g.AddEdge(a.from, a.to, 1, a.cost)
		if first < 0 {
			first = e
		}
	}
	for _, pk := range pairs {
		m := min(left[pk.pl], groupSize[pk.g])
		for j := range m {
			g.AddEdge(pairNode[pk], placeNode[pk.pl], 1, int32(o.GroupWeight)*(already[pk]+j))
		}
	}
	for _, pl := range places {
		g.AddEdge(placeNode[pl], sink, left[pl], 0)
	}
	g.Solve(source, sink)
	for i, a := range arcs {
		if g.Flow(first+i) > 0 {
			s := students[a.from-2]
			r.choice[s] = a.k
			left[p.prefs[a.k].place]--
		}
	}
	if !spread {
		r.favourPriority(students, anchor)
	}
}

// favourPriority breaks the ties the optimum leaves in favour of the
// students ahead in the shared order: while a student could take the seat
// of one behind them (who takes theirs, or none if they had none) at no
// extra cost, they swap. Each swap betters a student ahead of the one it
// worsens, so it ends. Total cost and the number placed stay the same, as
// the result was optimal. (With GroupsSpread a swap's cost depends on the
// others at the place, so it is left out.)
func (r *Result) favourPriority(students []int32, anchor map[string]int32) {
	p := r.p
	cost := func(s, k int32) int32 { return r.arcCost(s, k, anchor) }
	position := make([]int32, len(r.choice)) // 1 + place in students
	holders := make([][]int32, len(p.seats)) // place → students of this stage there
	for i, s := range students {
		position[s] = int32(i) + 1
		if k := r.choice[s]; k >= 0 {
			holders[p.prefs[k].place] = append(holders[p.prefs[k].place], s)
		}
	}
	for changed := true; changed; {
		changed = false
		for _, a := range students {
			ka := r.choice[a]
			end := ka
			if ka < 0 {
				end = p.start[a+1]
			}
		better:
			for k := p.start[a]; k < end; k++ {
				if p.excluded(k) {
					continue
				}
				pl := p.prefs[k].place
				for hi, b := range holders[pl] {
					if position[b] < position[a] {
						continue
					}
					kb := r.choice[b]
					var kq int32 = -1 // b's preference for a's place
					before, after := cost(b, kb), cost(a, k)
					if ka >= 0 {
						kq = r.prefIndex(b, p.prefs[ka].place)
						if kq < 0 || p.excluded(kq) {
							continue
						}
						before += cost(a, ka)
						after += cost(b, kq)
					}
					if after > before {
						continue
					}
					r.choice[a], r.choice[b] = k, kq
					holders[pl][hi] = a
					if ka >= 0 {
						q := holders[p.prefs[ka].place]
						q[slices.Index(q, a)] = b
					}
					changed = true
					break better
				}
			}
		}
	}
}

// arcCost is the cost of placing student s at their preference k in the
// optimal mode: RankWeight per step down the list, the soft cost, and, when
// anchors are set (GroupsTogether), GroupWeight away from the group's
// anchor. GroupsSpread's cost depends on the others at the place, so the
// flow adds it on its own arcs.
func (r *Result) arcCost(s, k int32, anchor map[string]int32) int32 {
	p := r.p
	c := int32(r.opts.RankWeight) * (k - p.start[s] + 1)
	if p.cost != nil {
		c += p.cost[k]
	}
	if anchor != nil {
		if a, ok := anchor[p.round.Students[s].Group]; ok && a != p.prefs[k].place {
			c += int32(r.opts.GroupWeight)
		}
	}
	return c
}

// prefIndex returns the index of place pl in student s's list, or -1.
func (r *Result) prefIndex(s, pl int32) int32 {
	for k := r.p.start[s]; k < r.p.start[s+1]; k++ {
		if r.p.prefs[k].place == pl {
			return k
		}
	}
	return -1
}
