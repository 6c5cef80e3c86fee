package flow

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

type edge struct{ from, to, cap, cost int32 }

// network is a test-side copy of a graph's edges.
type network struct {
	n     int
	edges []edge
}

func (nw *network) add(from, to int, cap, cost int32) int {
	nw.edges = append(nw.edges, edge{int32(from), int32(to), cap, cost})
	return len(nw.edges) - 1
}

func (nw *network) graph() *Graph {
	g := New(nw.n, len(nw.edges))
	for i, e := range nw.edges {
		if got := g.AddEdge(int(e.from), int(e.to), e.cap, e.cost); got != i {
			panic("edge index mismatch")
		}
	}
	return g
}

// solve runs the solver and checks capacities, conservation, the flow value
// and the cost against the edge flows.
func (nw *network) solve(t *testing.T, s, sink int) (int64, int64, []int32) {
	t.Helper()
	g := nw.graph()
	flow, cost := g.Solve(s, sink)
	flows := make([]int32, len(nw.edges))
	net := make([]int64, nw.n)
	var sum int64
	for i, e := range nw.edges {
		f := g.Flow(i)
		require.GreaterOrEqual(t, f, int32(0), "edge %d", i)
		require.LessOrEqual(t, f, e.cap, "edge %d", i)
		flows[i] = f
		net[e.from] += int64(f)
		net[e.to] -= int64(f)
		sum += int64(f) * int64(e.cost)
	}
	for v := range nw.n {
		var want int64
		if v == s {
			want += flow
		}
		if v == sink {
			want -= flow
		}
		require.Equal(t, want, net[v], "balance at node %d", v)
	}
	require.Equal(t, sum, cost, "reported cost")
	return flow, cost, flows
}

func TestMoreStudentsThanSeats(t *testing.T) {
	// s=0, students 1..3, place 4, t=5; the place has two seats.
	nw := &network{n: 6}
	for i, c := range []int32{1, 2, 1} {
		nw.add(0, 1+i, 1, 0)
		nw.add(1+i, 4, 1, c)
	}
	nw.add(4, 5, 2, 0)
	flow, cost, f := nw.solve(t, 0, 5)
	require.Equal(t, int64(2), flow)
	require.Equal(t, int64(2), cost)
	require.Equal(t, []int32{1, 1, 0, 0, 1, 1, 2}, f)
}

func TestCardinalityBeforeCost(t *testing.T) {
	// Greedy gives A its first choice P and leaves B, who only wants P, out.
	// s=0, A=1, B=2, P=3, Q=4, t=5.
	nw := &network{n: 6}
	nw.add(0, 1, 1, 0)
	nw.add(0, 2, 1, 0)
	ap := nw.add(1, 3, 1, 1)
	aq := nw.add(1, 4, 1, 2)
	bp := nw.add(2, 3, 1, 1)
	nw.add(3, 5, 1, 0)
	nw.add(4, 5, 1, 0)
	flow, cost, f := nw.solve(t, 0, 5)
	require.Equal(t, int64(2), flow)
	require.Equal(t, int64(3), cost)
	require.Equal(t, int32(0), f[ap])
	require.Equal(t, int32(1), f[aq])
	require.Equal(t, int32(1), f[bp])
}

func TestLongAugmentingChain(t *testing.T) {
	// Student i prefers place i+1 (cost 1) to place i (cost 2), but the last
	// student can only have place k-1, so all must take their second choice
	// along one long augmenting path.
	const k = 50
	nw := &network{n: 2*k + 2}
	s, sink := 2*k, 2*k+1
	for i := range k {
		nw.add(s, i, 1, 0)
		nw.add(k+i, sink, 1, 0)
		if i < k-1 {
			nw.add(i, k+i+1, 1, 1)
		}
	}
	for i := range k {
		nw.add(i, k+i, 1, 2)
	}
	flow, cost, _ := nw.solve(t, s, sink)
	require.Equal(t, int64(k), flow)
	require.Equal(t, int64(2*k), cost)
}

func TestParallelEdges(t *testing.T) {
	// Convex spread: parallel arcs of increasing cost into one node.
	nw := &network{n: 3}
	e3 := nw.add(0, 1, 1, 3)
	e1 := nw.add(0, 1, 1, 1)
	e2 := nw.add(0, 1, 1, 2)
	nw.add(1, 2, 2, 0)
	flow, cost, f := nw.solve(t, 0, 2)
	require.Equal(t, int64(2), flow)
	require.Equal(t, int64(3), cost)
	require.Equal(t, []int32{0, 1, 1}, []int32{f[e3], f[e1], f[e2]})
}

func TestZeroCapacityAndZeroCost(t *testing.T) {
	nw := &network{n: 4}
	dead := nw.add(0, 3, 0, 0)
	nw.add(0, 1, 5, 0)
	nw.add(1, 2, 3, 0)
	nw.add(2, 1, 3, 0) // zero-cost cycle
	nw.add(2, 3, 4, 7)
	nw.add(1, 3, 1, 9)
	flow, cost, f := nw.solve(t, 0, 3)
	require.Equal(t, int64(4), flow)
	require.Equal(t, int64(3*7+9), cost)
	require.Zero(t, f[dead])
}

func TestUnreachableSink(t *testing.T) {
	nw := &network{n: 4}
	nw.add(0, 1, 3, 1)
	nw.add(2, 3, 3, 1)
	flow, cost, f := nw.solve(t, 0, 3)
	require.Zero(t, flow)
	require.Zero(t, cost)
	require.Equal(t, []int32{0, 0}, f)

	g := New(2, 0)
	flow, cost = g.Solve(0, 1)
	require.Zero(t, flow)
	require.Zero(t, cost)
	flow, cost = g.Solve(1, 1)
	require.Zero(t, flow)
	require.Zero(t, cost)
}

func TestLargeCosts(t *testing.T) {
	// Distances far beyond the bucket ring go through the overflow list.
	nw := &network{n: 5}
	nw.add(0, 1, 2, 1_000_000)
	nw.add(0, 2, 2, 3)
	nw.add(1, 4, 2, 2_000_000_000)
	nw.add(2, 3, 1, 500_000)
	nw.add(3, 4, 5, 0)
	flow, cost, _ := nw.solve(t, 0, 4)
	require.Equal(t, int64(3), flow)
	require.Equal(t, int64(2*1_000_000+2*2_000_000_000+3+500_000), cost)
}

func TestPanics(t *testing.T) {
	g := New(3, 0)
	require.Panics(t, func() { g.AddEdge(0, 1, 1, -1) })
	require.Panics(t, func() { g.AddEdge(0, 1, -1, 1) })
	require.Panics(t, func() { g.AddEdge(0, 3, 1, 1) })
	require.Panics(t, func() { g.AddEdge(-1, 1, 1, 1) })
	require.Panics(t, func() { g.Solve(0, 3) })
	require.Panics(t, func() { New(-1, 0) })
	require.Equal(t, 0, g.AddEdge(0, 1, 1, 1))
	require.Equal(t, 1, g.AddEdge(1, 2, 0, 0))
	require.Zero(t, g.Flow(1), "before Solve")
}

func TestSolveTwice(t *testing.T) {
	nw := &network{n: 3}
	nw.add(0, 1, 2, 1)
	nw.add(1, 2, 1, 1)
	g := nw.graph()
	f1, c1 := g.Solve(0, 2)
	f2, c2 := g.Solve(0, 2)
	require.Equal(t, f1, f2)
	require.Equal(t, c1, c2)
	require.Equal(t, int32(1), g.Flow(0))
}

// bipartite describes an assignment instance: students rank places.
type bipartite struct {
	seats []int32
	lists [][]int32 // place per choice
	costs [][]int32 // cost per choice
}

func (b *bipartite) network() (*network, int, int) {
	ns, np := len(b.lists), len(b.seats)
	nw := &network{n: ns + np + 2}
	s, sink := ns+np, ns+np+1
	for i := range b.lists {
		nw.add(s, i, 1, 0)
		for k, p := range b.lists[i] {
			nw.add(i, ns+int(p), 1, b.costs[i][k])
		}
	}
	for p, c := range b.seats {
		nw.add(ns+p, sink, c, 0)
	}
	return nw, s, sink
}

// brute returns the maximum number of placed students and the least cost
// among assignments placing that many, by exhaustive search.
func (b *bipartite) brute() (int64, int64) {
	left := append([]int32(nil), b.seats...)
	bestN, bestC := int64(-1), int64(0)
	var rec func(i int, n, c int64)
	rec = func(i int, n, c int64) {
		if i == len(b.lists) {
			if n > bestN || n == bestN && c < bestC {
				bestN, bestC = n, c
			}
			return
		}
		rec(i+1, n, c)
		for k, p := range b.lists[i] {
			if left[p] > 0 {
				left[p]--
				rec(i+1, n+1, c+int64(b.costs[i][k]))
				left[p]++
			}
		}
	}
	rec(0, 0, 0)
	return bestN, bestC
}

func TestRandomAgainstBruteForce(t *testing.T) {
	for seed := range uint64(600) {
		r := rand.New(rand.NewPCG(seed, 1))
		b := &bipartite{}
		np := 1 + r.IntN(4)
		for range np {
			b.seats = append(b.seats, int32(r.IntN(3)))
		}
		for range r.IntN(8) {
			perm := r.Perm(np)[:r.IntN(min(np, 4)+1)]
			var list, costs []int32
			for _, p := range perm {
				list = append(list, int32(p))
				costs = append(costs, int32(1+r.IntN(5)))
			}
			b.lists = append(b.lists, list)
			b.costs = append(b.costs, costs)
		}
		wantN, wantC := b.brute()
		nw, s, sink := b.network()
		flow, cost, _ := nw.solve(t, s, sink)
		require.Equal(t, wantN, flow, "seed %d", seed)
		require.Equal(t, wantC, cost, "seed %d", seed)
	}
}

// reference is plain successive shortest paths with Bellman-Ford (queue
// based), one path at a time.
func reference(nw *network, s, t int) (int64, int64) {
	type rarc struct{ to, rev, cap, cost int }
	adj := make([][]rarc, nw.n)
	for _, e := range nw.edges {
		u, v := int(e.from), int(e.to)
		adj[u] = append(adj[u], rarc{v, len(adj[v]), int(e.cap), int(e.cost)})
		adj[v] = append(adj[v], rarc{u, len(adj[u]) - 1, 0, -int(e.cost)})
	}
	var flow, cost int64
	dist := make([]int, nw.n)
	inq := make([]bool, nw.n)
	prevNode, prevArc := make([]int, nw.n), make([]int, nw.n)
	for {
		for i := range dist {
			dist[i] = math.MaxInt
		}
		dist[s] = 0
		queue := []int{s}
		for len(queue) > 0 {
			u := queue[0]
			queue = queue[1:]
			inq[u] = false
			for i, a := range adj[u] {
				if a.cap > 0 && dist[u]+a.cost < dist[a.to] {
					dist[a.to] = dist[u] + a.cost
					prevNode[a.to], prevArc[a.to] = u, i
					if !inq[a.to] {
						inq[a.to] = true
						queue = append(queue, a.to)
					}
				}
			}
		}
		if dist[t] == math.MaxInt || s == t {
			return flow, cost
		}
		f := math.MaxInt
		for v := t; v != s; v = prevNode[v] {
			f = min(f, adj[prevNode[v]][prevArc[v]].cap)
		}
		for v := t; v != s; v = prevNode[v] {
			a := &adj[prevNode[v]][prevArc[v]]
			a.cap -= f
			adj[v][a.rev].cap += f
		}
		flow += int64(f)
		cost += int64(f) * int64(dist[t])
	}
}

// layered builds students → (place, group) → place → sink, with parallel
// group→place arcs of increasing cost (convex spread) and some students
// linked straight to places.
func layered(r *rand.Rand, students, places, groups int, maxCost int32) (*network, int, int) {
	mid := places * groups
	nw := &network{n: students + mid + places + 2}
	s, sink := nw.n-2, nw.n-1
	gnode := func(p, k int) int { return students + p*groups + k }
	pnode := func(p int) int { return students + mid + p }
	for i := range students {
		nw.add(s, i, 1, 0)
		for rank, p := range r.Perm(places)[:r.IntN(7)] {
			cost := int32(rank+1) + int32(r.IntN(int(maxCost)))
			if r.IntN(4) == 0 {
				nw.add(i, pnode(p), 1, cost)
			} else {
				nw.add(i, gnode(p, r.IntN(groups)), 1, cost)
			}
		}
	}
	for p := range places {
		for k := range groups {
			for c := range 4 {
				nw.add(gnode(p, k), pnode(p), int32(1+r.IntN(2)), int32(c*c))
			}
		}
		nw.add(pnode(p), sink, int32(r.IntN(15)), 0)
	}
	return nw, s, sink
}

func TestRandomAgainstReference(t *testing.T) {
	for seed := range uint64(40) {
		r := rand.New(rand.NewPCG(seed, 2))
		maxCost := int32(1 + r.IntN(20))
		if seed%5 == 4 {
			maxCost = 1 << 20 // overflow list territory
		}
		nw, s, sink := layered(r, 200, 30, 3, maxCost)
		flow, cost, _ := nw.solve(t, s, sink)
		wantF, wantC := reference(nw, s, sink)
		require.Equal(t, wantF, flow, "seed %d", seed)
		require.Equal(t, wantC, cost, "seed %d", seed)
	}
}

func TestRandomGeneralGraphs(t *testing.T) {
	// Arbitrary digraphs: cycles, zero costs, arcs into s and out of t,
	// self-loops, parallel arcs, capacities above one.
	for seed := range uint64(320) {
		r := rand.New(rand.NewPCG(seed, 4))
		n, maxCap, maxCost := 2+r.IntN(25), 6, 10
		if seed >= 300 {
			n, maxCap, maxCost = 300, 20, 100
		}
		nw := &network{n: n}
		for range r.IntN(8 * n) {
			nw.add(r.IntN(n), r.IntN(n), int32(r.IntN(maxCap)), int32(r.IntN(maxCost)))
		}
		s, sink := r.IntN(nw.n), r.IntN(nw.n)
		flow, cost, _ := nw.solve(t, s, sink)
		wantF, wantC := reference(nw, s, sink)
		require.Equal(t, wantF, flow, "seed %d", seed)
		require.Equal(t, wantC, cost, "seed %d", seed)
	}
}

func TestDeterministic(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	nw, s, sink := layered(r, 300, 40, 2, 5)
	_, _, f1 := nw.solve(t, s, sink)
	_, _, f2 := nw.solve(t, s, sink)
	require.Equal(t, f1, f2)
}

// market describes a benchmark instance: students rank lists distinct places
// drawn with Zipf-like popularity (weight 1/(j+1)^skew), so that popular
// places are oversubscribed, and places have 5..15 seats, about one per
// student in total. A student's cost for their k-th choice is k, or 10k plus
// a soft cost of up to soft when soft > 0.
type market struct {
	students, places, lists int
	skew                    float64
	soft                    int
}

func (mk market) graph(seed uint64) (*Graph, int, int) {
	r := rand.New(rand.NewPCG(seed, 3))
	cum := make([]float64, mk.places)
	var total float64
	for j := range mk.places {
		total += 1 / math.Pow(float64(j+1), mk.skew)
		cum[j] = total
	}
	n := mk.students + mk.places + 2
	s, sink := n-2, n-1
	g := New(n, mk.students*(mk.lists+1)+mk.places)
	picked := make([]int, 0, mk.lists)
	for i := range mk.students {
		g.AddEdge(s, i, 1, 0)
		picked = picked[:0]
		for len(picked) < mk.lists {
			p := sort.SearchFloat64s(cum, r.Float64()*total)
			if slices.Contains(picked, p) {
				continue
			}
			picked = append(picked, p)
			cost := len(picked)
			if mk.soft > 0 {
				cost = 10*cost + r.IntN(mk.soft+1)
			}
			g.AddEdge(i, mk.students+p, 1, int32(cost))
		}
	}
	for p := range mk.places {
		g.AddEdge(mk.students+p, sink, int32(5+r.IntN(11)), 0)
	}
	return g, s, sink
}

// benchmarkSolve times Solve alone; building the instance is reported apart.
func benchmarkSolve(b *testing.B, mk market) {
	var solve, build time.Duration
	var flow int64
	for range b.N {
		b.StopTimer()
		t0 := time.Now()
		g, s, sink := mk.graph(1)
		build += time.Since(t0)
		b.StartTimer()
		t1 := time.Now()
		flow, _ = g.Solve(s, sink)
		solve += time.Since(t1)
	}
	per := solve.Seconds() / float64(b.N)
	b.ReportMetric(per*1000, "ms/solve")
	b.ReportMetric(build.Seconds()*1000/float64(b.N), "ms/build")
	b.ReportMetric(float64(mk.students)/per, "students/s")
	b.ReportMetric(float64(flow)/float64(mk.students), "placed")
}

func BenchmarkSolve10k(b *testing.B) {
	benchmarkSolve(b, market{students: 10_000, places: 1_000, lists: 10, skew: 1})
}

func BenchmarkSolve100k(b *testing.B) {
	benchmarkSolve(b, market{students: 100_000, places: 10_000, lists: 10, skew: 1})
}

// BenchmarkSolve100kMildSkew has everybody placed in the end, after long
// rounds among the many places with seats left.
func BenchmarkSolve100kMildSkew(b *testing.B) {
	benchmarkSolve(b, market{students: 100_000, places: 10_000, lists: 10, skew: 0.8})
}

// BenchmarkSolve10kSoftCosts shows the price of costs in the hundreds: the
// number of rounds grows with the cost of the last augmenting path.
func BenchmarkSolve10kSoftCosts(b *testing.B) {
	benchmarkSolve(b, market{students: 10_000, places: 1_000, lists: 10, skew: 1, soft: 50})
}
