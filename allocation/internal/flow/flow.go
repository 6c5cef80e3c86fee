// Package flow solves min-cost maximum flow on networks with small
// non-negative integer costs, the exact core of allocation's optimal mode.
//
// The solver is the primal-dual method: successive shortest paths with node
// potentials, many augmentations per round. Each round runs Dijkstra over
// reduced costs with a bucket queue (Dial's algorithm) backwards from the
// sink t until the source s is settled at distance D, and raises the
// potentials of the settled nodes so that every shortest s-t path consists
// of arcs of reduced cost zero while all reduced costs stay non-negative.
// Searching from the sink pays off: the unplaced students behind s reach
// most of the network at equal reduced cost, while the few free seats in
// front of t do not. An iterative depth-first pass from s with current-arc
// pointers then augments along zero-cost arcs, abandoning dead ends for the
// rest of the pass; further passes on the same potentials pick up the paths
// that augmenting opened, while a pass costs less than a search. Rounds
// repeat until s cannot reach t.
//
// Every round augments, and the D of all rounds add up to the cost P of the
// last augmenting path (a few dozen for preference ranks), so at most P
// rounds have D > 0; the others, with D = 0, mop up paths the passes missed
// and are few. A search or a pass costs O(m) for m arcs at worst and much
// less in practice: each node keeps its arcs with residual capacity in
// front, so passes skip the saturated ones that dominate at popular places,
// and a search pays one append for each relaxation beyond D. Running time
// grows with P: costs up to a few hundred make it several times slower than
// ranks do.
package flow

import "math"

// node is the solver state of a node, apart from its potential.
type node struct {
	dist int64 // distance to t, once settled in this round
	// The node's arcs are arcs[first:next node's first]; those with residual
	// capacity come first, up to lim. cur is the current arc of a pass.
	first, lim, cur int32
	mark            uint32 // 4*round + settled, open or closed
}

// Node marks, stamped with the round so that they need no clearing.
const (
	settled = 1 + iota // Dijkstra: distance final
	open               // pass: entered before, may be entered again
	closed             // pass: on the path or a dead end
)

// arc is the part of a residual arc that searches read. Its capacities,
// partner and edge live in parallel slices.
type arc struct{ to, cost int32 }

// capacity is the residual capacity of an arc and the capacity of its edge
// (the residual capacities of an edge's two arcs add up to it).
type capacity struct{ res, whole int32 }

// Graph is a flow network built edge by edge, then solved once. It is not
// safe for concurrent use.
type Graph struct {
	n                   int
	from, to, cap, cost []int32 // edges in order of adding
	maxCost             int32
	flows               []int32 // per edge, after Solve
}

// solver is the residual network of a Graph and the state of a solve.
type solver struct {
	nodes       []node  // n+1, the last one a sentinel
	pot         []int64 // per node: potential, kept apart for cache density
	arcs        []arc
	caps        []capacity // per arc
	rev         []int32    // per arc: index of the partner arc
	edge        []int32    // per arc: e for edge e's forward arc, ^e for its reverse
	round       uint32
	buckets     [][]int32
	overflow    []pending
	reached     []int32 // nodes settled in this round
	work        int     // arcs scanned, to weigh a search against a pass
	path, tails []int32 // depth-first pass: arcs from s and their tails
}

// New returns a graph with n nodes, numbered 0..n-1. edgeHint is the
// expected number of edges (for preallocation; 0 is fine).
func New(n, edgeHint int) *Graph {
	if n < 0 || n >= math.MaxInt32 {
		panic("flow: node count out of range")
	}
	edgeHint = max(edgeHint, 0)
	return &Graph{
		n:    n,
		from: make([]int32, 0, edgeHint),
		to:   make([]int32, 0, edgeHint),
		cap:  make([]int32, 0, edgeHint),
		cost: make([]int32, 0, edgeHint),
	}
}

// AddEdge adds an arc from→to with capacity cap ≥ 0 and cost ≥ 0, and
// returns its index (0,1,2,... in order of adding). It panics on a negative
// cost or capacity or a node out of range (programming errors of the caller).
func (g *Graph) AddEdge(from, to int, cap, cost int32) int {
	if from < 0 || from >= g.n || to < 0 || to >= g.n {
		panic("flow: node out of range")
	}
	if cap < 0 || cost < 0 {
		panic("flow: negative capacity or cost")
	}
	if len(g.from) >= math.MaxInt32/2 {
		panic("flow: too many edges")
	}
	g.from = append(g.from, int32(from))
	g.to = append(g.to, int32(to))
	g.cap = append(g.cap, cap)
	g.cost = append(g.cost, cost)
	g.maxCost = max(g.maxCost, cost)
	return len(g.from) - 1
}

// Flow returns the flow on the edge with index e after Solve.
func (g *Graph) Flow(e int) int32 {
	if e >= len(g.flows) && e < len(g.from) {
		return 0 // not solved yet
	}
	return g.flows[e]
}

// Solve sends the maximum flow from s to t and, among maximum flows, one of
// minimum total cost. It returns the flow value and its cost. Deterministic:
// the same graph built in the same order gives the same flows. Calling it
// again solves the current graph from scratch.
func (g *Graph) Solve(s, t int) (flow int64, cost int64) {
	if s < 0 || s >= g.n || t < 0 || t >= g.n {
		panic("flow: node out of range")
	}
	x := newSolver(g)
	if s != t {
		flow = x.run(int32(s), int32(t))
	}
	g.flows = make([]int32, len(g.from))
	for i, e := range x.edge {
		if e < 0 {
			g.flows[^e] = x.caps[i].res
			cost += int64(x.caps[i].res) * int64(g.cost[^e])
		}
	}
	return flow, cost
}

// newSolver lays out the residual arcs of g (self-loops, which never carry
// flow in an optimum, are left out).
func newSolver(g *Graph) *solver {
	x := &solver{}
	n := g.n
	x.nodes = make([]node, n+1)
	x.pot = make([]int64, n)
	nodes := x.nodes
	for e, u := range g.from {
		if v := g.to[e]; u != v {
			nodes[u+1].first++
			nodes[v+1].first++
			if g.cap[e] > 0 {
				nodes[u].lim++ // count of arcs with capacity, for now
			}
		}
	}
	for u := range n {
		nodes[u+1].first += nodes[u].first
		nodes[u].lim += nodes[u].first
		nodes[u].cur = nodes[u].lim // next slot for an arc without capacity
	}
	m := nodes[n].first
	x.arcs = make([]arc, m)
	x.caps = make([]capacity, m)
	x.rev = make([]int32, m)
	x.edge = make([]int32, m)
	full := make([]int32, n) // next slot for an arc with capacity
	for u := range n {
		full[u] = nodes[u].first
	}
	for e, u := range g.from {
		v := g.to[e]
		if u == v {
			continue
		}
		var i int32
		if g.cap[e] > 0 {
			i = full[u]
			full[u]++
		} else {
			i = nodes[u].cur
			nodes[u].cur++
		}
		j := nodes[v].cur
		nodes[v].cur++
		x.arcs[i], x.caps[i] = arc{v, g.cost[e]}, capacity{g.cap[e], g.cap[e]}
		x.arcs[j], x.caps[j] = arc{u, -g.cost[e]}, capacity{0, g.cap[e]}
		x.rev[i], x.rev[j] = j, i
		x.edge[i], x.edge[j] = int32(e), ^int32(e)
	}
	shift := uint(6) // bucket ring: a power of two above typical reduced arc costs
	for 1<<shift <= 2*int64(g.maxCost) && shift < 16 {
		shift++
	}
	x.buckets = make([][]int32, 1<<shift)
	return x
}

// run is the primal-dual loop: rounds of a shortest-path search, a move of
// the potentials and augmenting passes, until t is out of reach. A pass
// misses paths that open up behind it; another pass on the same potentials
// finds them, and is tried instead of a new search while it costs less.
func (x *solver) run(s, t int32) (flow int64) {
	for {
		x.nextRound()
		x.work = 0
		d, ok := x.shortest(s, t)
		if !ok {
			return flow
		}
		search := x.work
		for _, v := range x.reached { // the others, at D or beyond, keep theirs
			x.pot[v] += d - x.nodes[v].dist
		}
		for {
			x.work = 0
			f := x.augment(s, t)
			flow += f
			if f == 0 || x.work >= search {
				break
			}
			x.nextRound()
		}
	}
}

// nextRound renews the stamp of the node marks.
func (x *solver) nextRound() {
	if x.round == math.MaxUint32/4 { // about to wrap
		for i := range x.nodes {
			x.nodes[i].mark = 0
		}
		x.round = 0
	}
	x.round++
}

// shortest runs Dijkstra backwards from t (along residual arcs, reversed)
// over reduced costs until s is settled at distance D, and returns D. It is
// lazy: a relaxation only appends the node to the bucket of its tentative
// distance, without looking at the node, so the many relaxations beyond D,
// which come in bulk from popular places, cost little; each node is settled
// by the first of its entries to come out. The buckets form a ring, and
// distances beyond it wait in an overflow list. x.reached lists the settled
// nodes other than s, each with its exact distance (at most D); all other
// nodes are at distance D or more. It reports false if s cannot reach t.
func (x *solver) shortest(s, t int32) (int64, bool) {
	nodes, pot := x.nodes, x.pot
	doneMark := 4*x.round + settled
	ring := int64(len(x.buckets))
	mask := ring - 1
	cur, limit, inRing := int64(0), ring, 0 // the ring holds [limit-ring, limit)
	x.reached = x.reached[:0]
	x.overflow = x.overflow[:0]
	x.buckets[0] = append(x.buckets[0], t)
	inRing++
	for {
		if inRing == 0 {
			// Restart the ring at the nearest entry in the overflow list.
			lo := int64(math.MaxInt64)
			for _, p := range x.overflow {
				if nodes[p.v].mark != doneMark {
					lo = min(lo, p.d)
				}
			}
			if lo == math.MaxInt64 {
				return 0, false
			}
			cur, limit = lo, lo+ring
			keep := x.overflow[:0]
			for _, p := range x.overflow {
				switch {
				case nodes[p.v].mark == doneMark:
				case p.d < limit:
					x.buckets[p.d&mask] = append(x.buckets[p.d&mask], p.v)
					inRing++
				default:
					keep = append(keep, p)
				}
			}
			x.overflow = keep
		}
		b := x.buckets[cur&mask]
		if len(b) == 0 {
			cur++
			continue
		}
		v := b[len(b)-1]
		x.buckets[cur&mask] = b[:len(b)-1]
		inRing--
		nv := &nodes[v]
		if nv.mark == doneMark {
			continue
		}
		if v == s {
			for d := cur; inRing > 0; d++ { // leave the ring empty
				inRing -= len(x.buckets[d&mask])
				x.buckets[d&mask] = x.buckets[d&mask][:0]
			}
			return cur, true
		}
		nv.mark, nv.dist = doneMark, cur
		x.reached = append(x.reached, v)
		base := cur - pot[v]
		end := nodes[v+1].first
		x.work += int(end - nv.first)
		for j := nv.first; j < end; j++ {
			if c := x.caps[j]; c.res == c.whole {
				continue // the arc into v is saturated
			}
			a := x.arcs[j] // v→u; the arc into v is u→v at cost -a.cost
			nd := base - int64(a.cost) + pot[a.to]
			if nd < limit {
				x.buckets[nd&mask] = append(x.buckets[nd&mask], a.to)
				inRing++
			} else {
				x.overflow = append(x.overflow, pending{a.to, nd})
			}
		}
	}
}

// pending is a relaxation waiting beyond the bucket ring.
type pending struct {
	v int32
	d int64
}

// augment sends flow along admissible paths (residual arcs of zero reduced
// cost) found by one depth-first pass from s, and returns the flow added.
// Nodes on the current path or found to be dead ends are closed; nodes past
// a saturated arc reopen after each augmentation and keep their current
// arcs, so the pass does O(m) scanning plus the augmentations. After
// shortest an admissible s-t path exists, which the pass finds before any
// augmentation could hide it, so every round makes progress.
func (x *solver) augment(s, t int32) int64 {
	nodes := x.nodes
	openMark, closedMark := 4*x.round+open, 4*x.round+closed
	nodes[s].mark, nodes[s].cur = closedMark, nodes[s].first
	path, tails := x.path[:0], x.tails[:0] // current arcs from s to u and their tails
	u := s
	var total int64
	for {
		if u == t {
			f := int32(math.MaxInt32)
			for _, i := range path {
				f = min(f, x.caps[i].res)
			}
			k := -1
			for j, i := range path {
				if k < 0 && x.caps[i].res == f {
					k = j
				} else if k >= 0 {
					nodes[tails[j]].mark = openMark
				}
				x.push(tails[j], i, f)
			}
			total += int64(f)
			u = tails[k] // resume at the first saturated arc's tail
			path, tails = path[:k], tails[:k]
			continue
		}
		nu := &nodes[u]
		j, end, pu := nu.cur, nu.lim, x.pot[u]
		for ; j < end; j++ {
			a := x.arcs[j]
			if int64(a.cost)+pu == x.pot[a.to] && nodes[a.to].mark != closedMark {
				break
			}
		}
		x.work += int(j - nu.cur)
		nu.cur = j
		if j < end {
			v := x.arcs[j].to
			if nv := &nodes[v]; v != t {
				if nv.mark != openMark {
					nv.cur = nv.first
				}
				nv.mark = closedMark
			}
			path, tails = append(path, j), append(tails, u)
			u = v
			continue
		}
		if u == s {
			break
		}
		u = tails[len(tails)-1] // dead end: back up
		path, tails = path[:len(path)-1], tails[:len(tails)-1]
		nodes[u].cur++
	}
	x.path, x.tails = path, tails
	return total
}

// push sends f units along arc i, which leaves u, and keeps both ends' arcs
// with residual capacity in front. A saturated arc swaps with the last arc
// that has capacity, so the current arc of u becomes an unexamined one.
func (x *solver) push(u, i, f int32) {
	v, r := x.arcs[i].to, x.rev[i]
	x.caps[i].res -= f
	if x.caps[i].res == 0 {
		x.nodes[u].lim--
		x.swap(i, x.nodes[u].lim)
	}
	if x.caps[r].res == 0 {
		x.swap(r, x.nodes[v].lim)
		x.nodes[v].lim++
		r = x.nodes[v].lim - 1
	}
	x.caps[r].res += f
}

// swap exchanges two arcs of the same node.
func (x *solver) swap(i, k int32) {
	if i == k {
		return
	}
	ri, rk := x.rev[i], x.rev[k]
	x.arcs[i], x.arcs[k] = x.arcs[k], x.arcs[i]
	x.caps[i], x.caps[k] = x.caps[k], x.caps[i]
	x.edge[i], x.edge[k] = x.edge[k], x.edge[i]
	x.rev[i], x.rev[k] = rk, ri
	x.rev[rk], x.rev[ri] = i, k
}
