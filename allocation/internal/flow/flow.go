// Package flow solves min-cost maximum flow on networks with small
// non-negative integer costs, the exact core of allocation's optimal mode.
//
// The solver is the primal-dual method (successive shortest paths with node
// potentials, many augmentations per search). Each round runs Dijkstra over
// reduced costs with a bucket queue (Dial's algorithm), stops as soon as the
// sink's distance D is known, and moves the potentials of the settled nodes
// so that every shortest path consists of arcs of reduced cost zero while
// all reduced costs stay non-negative. An iterative depth-first pass with
// current-arc pointers then augments along such admissible paths, abandoning
// dead ends for the rest of the pass. Rounds repeat until the sink is
// unreachable. A round with D = 0 always augments, and D > 0 at most 1+P
// times, where P is the cost of the last augmenting path (a few dozen for
// preference ranks); a round costs O(m) at worst. Each node keeps its arcs
// with residual capacity in front, so searches skip saturated arcs, which
// dominate at popular places, and node and arc data are packed for cache
// locality.
package flow

import "math"

// node is the per-node solver state, packed so that a search touches one
// cache line per node.
type node struct {
	pot, dist int64 // potential; tentative distance in this round
	// The node's arcs are arcs[first:next node's first]; those with residual
	// capacity come first, up to lim. cur is the current arc of a pass.
	first, lim, cur int32
	mark            uint32 // 4*round + one of seen, settled, open, closed
}

const (
	seen    = iota // Dijkstra: has a tentative distance
	settled        // Dijkstra: distance final
	open           // pass: entered, may be entered again
	closed         // pass: on the path or a dead end
)

// arc holds what searches read; its residual capacity, partner arc and edge
// live in parallel slices.
type arc struct{ to, cost int32 }

// Graph is a flow network built edge by edge, then solved once.
type Graph struct {
	n                   int
	from, to, cap, cost []int32 // edges in order of adding
	maxCost             int32
	flows               []int32 // per edge, after Solve

	nodes       []node // n+1, the last one a sentinel
	arcs        []arc
	residual    []int32 // per arc
	whole       []int32 // per arc: capacity of its edge, residual of the pair
	rev         []int32 // per arc: index of the partner arc
	edge        []int32 // per arc: e for edge e's forward arc, ^e for its reverse
	round       uint32
	buckets     [][]int32
	overflow    []int32
	reached     []int32 // nodes settled in this round
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
	g.build()
	for s != t {
		if g.round == math.MaxUint32/4 {
			for i := range g.nodes {
				g.nodes[i].mark = 0
			}
			g.round = 0
		}
		g.round++
		d, ok := g.shortest(int32(s), int32(t))
		if !ok {
			break
		}
		for _, v := range g.reached {
			g.nodes[v].pot += d - g.nodes[v].dist
		}
		flow += g.augment(int32(s), int32(t))
	}
	g.flows = make([]int32, len(g.from))
	for i, e := range g.edge {
		if e < 0 {
			g.flows[^e] = g.residual[i]
			cost += int64(g.residual[i]) * int64(g.cost[^e])
		}
	}
	return flow, cost
}

// build lays out the residual arcs (self-loops, which never carry flow in an
// optimum, are left out) and resets the solver state.
func (g *Graph) build() {
	n := g.n
	g.nodes = make([]node, n+1)
	nodes := g.nodes
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
	g.arcs = make([]arc, m)
	g.residual = make([]int32, m)
	g.whole = make([]int32, m)
	g.rev = make([]int32, m)
	g.edge = make([]int32, m)
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
		g.arcs[i] = arc{to: v, cost: g.cost[e]}
		g.arcs[j] = arc{to: u, cost: -g.cost[e]}
		g.residual[i] = g.cap[e]
		g.whole[i], g.whole[j] = g.cap[e], g.cap[e]
		g.rev[i], g.rev[j] = j, i
		g.edge[i], g.edge[j] = int32(e), ^int32(e)
	}
	g.round = 0
	shift := uint(6) // bucket ring: a power of two above typical reduced arc costs
	for 1<<shift <= 2*int64(g.maxCost) && shift < 16 {
		shift++
	}
	g.buckets = make([][]int32, 1<<shift)
}

// shortest runs Dijkstra backwards from t (along residual arcs, reversed)
// over reduced costs, with a ring of buckets (distances beyond the ring wait
// in an overflow list), until s is settled at distance D. It returns D;
// g.reached lists the settled nodes, each with its exact distance to t (at
// most D), and the nodes then known to be at distance D are marked settled
// too. All other nodes are at distance D or more. It reports false if s
// cannot reach t.
func (g *Graph) shortest(s, t int32) (int64, bool) {
	nodes := g.nodes
	seenMark, doneMark := 4*g.round+seen, 4*g.round+settled
	ring := int64(len(g.buckets))
	mask := ring - 1
	cur, limit, inRing := int64(0), ring, 0 // the ring holds [limit-ring, limit)
	g.reached = g.reached[:0]
	g.overflow = g.overflow[:0]
	nodes[t].mark, nodes[t].dist = seenMark, 0
	g.buckets[0] = append(g.buckets[0], t)
	inRing++
	defer func() { // leave the ring empty for the next round
		for i := range g.buckets {
			g.buckets[i] = g.buckets[i][:0]
		}
	}()
	for {
		if inRing == 0 {
			// Restart the ring at the nearest node in the overflow list.
			lo := int64(math.MaxInt64)
			for _, v := range g.overflow {
				if nodes[v].mark != doneMark {
					lo = min(lo, nodes[v].dist)
				}
			}
			if lo == math.MaxInt64 {
				return 0, false
			}
			cur, limit = lo, lo+ring
			keep := g.overflow[:0]
			for _, v := range g.overflow {
				switch d := nodes[v].dist; {
				case nodes[v].mark == doneMark:
				case d < limit:
					g.buckets[d&mask] = append(g.buckets[d&mask], v)
					inRing++
				default:
					keep = append(keep, v)
				}
			}
			g.overflow = keep
		}
		b := g.buckets[cur&mask]
		if len(b) == 0 {
			cur++
			continue
		}
		v := b[len(b)-1]
		b = b[:len(b)-1]
		g.buckets[cur&mask] = b
		inRing--
		nv := &nodes[v]
		if nv.mark == doneMark {
			continue
		}
		nv.mark = doneMark
		if v == s {
			for _, w := range b { // their distance is D as well
				nodes[w].mark = doneMark
			}
			return cur, true
		}
		g.reached = append(g.reached, v)
		base := cur - nv.pot
		end := nodes[v+1].first
		for j := nv.first; j < end; j++ {
			if g.residual[j] == g.whole[j] {
				continue // the arc into v is saturated
			}
			a := g.arcs[j] // v→u; the arc into v is u→v at cost -a.cost
			nu := &nodes[a.to]
			if nu.mark == doneMark {
				continue
			}
			nd := base - int64(a.cost) + nu.pot
			if nu.mark == seenMark && nd >= nu.dist {
				continue
			}
			nu.mark, nu.dist = seenMark, nd
			if nd < limit {
				g.buckets[nd&mask] = append(g.buckets[nd&mask], a.to)
				inRing++
			} else {
				g.overflow = append(g.overflow, a.to)
			}
		}
	}
}

// augment sends flow along admissible paths (residual arcs of zero reduced
// cost) found by one depth-first pass from s, and returns the flow added.
// Nodes on the current path or found to be dead ends are closed; nodes past
// a saturated arc reopen after each augmentation and keep their current
// arcs, so the pass does O(m) scanning plus the augmentations. After
// shortest an admissible s-t path exists, which the pass finds before any
// augmentation could hide it, so every round makes progress.
func (g *Graph) augment(s, t int32) int64 {
	nodes := g.nodes
	doneMark, openMark, closedMark := 4*g.round+settled, 4*g.round+open, 4*g.round+closed
	nodes[s].mark, nodes[s].cur = closedMark, nodes[s].first
	path, tails := g.path[:0], g.tails[:0] // current arcs from s to u and their tails
	u := s
	var total int64
	for {
		if u == t {
			f := int32(math.MaxInt32)
			for _, i := range path {
				f = min(f, g.residual[i])
			}
			k := -1
			for j, i := range path {
				if k < 0 && g.residual[i] == f {
					k = j
				} else if k >= 0 {
					nodes[tails[j]].mark = openMark
				}
				g.push(tails[j], i, f)
			}
			total += int64(f)
			u = tails[k] // resume at the first saturated arc's tail
			path, tails = path[:k], tails[:k]
			continue
		}
		nu := &nodes[u]
		j, end, pu := nu.cur, nu.lim, nu.pot
		for ; j < end; j++ {
			a := g.arcs[j]
			if nw := &nodes[a.to]; (nw.mark == doneMark || nw.mark == openMark) && int64(a.cost)+pu == nw.pot {
				break
			}
		}
		nu.cur = j
		if j < end {
			v := g.arcs[j].to
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
	g.path, g.tails = path, tails
	return total
}

// push sends f units along arc i, which leaves u, and keeps both ends' arcs
// with residual capacity in front. A saturated arc swaps with the last arc
// that has capacity, so the current arc of u becomes an unexamined one.
func (g *Graph) push(u, i, f int32) {
	v, r := g.arcs[i].to, g.rev[i]
	g.residual[i] -= f
	if g.residual[i] == 0 {
		g.nodes[u].lim--
		g.swap(i, g.nodes[u].lim)
	}
	if g.residual[r] == 0 {
		g.swap(r, g.nodes[v].lim)
		g.nodes[v].lim++
		r = g.nodes[v].lim - 1
	}
	g.residual[r] += f
}

// swap exchanges two arcs of the same node.
func (g *Graph) swap(i, k int32) {
	if i == k {
		return
	}
	ri, rk := g.rev[i], g.rev[k]
	g.arcs[i], g.arcs[k] = g.arcs[k], g.arcs[i]
	g.residual[i], g.residual[k] = g.residual[k], g.residual[i]
	g.whole[i], g.whole[k] = g.whole[k], g.whole[i]
	g.edge[i], g.edge[k] = g.edge[k], g.edge[i]
	g.rev[i], g.rev[k] = rk, ri
	g.rev[rk], g.rev[ri] = i, k
}
