package allocation_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/praksis/praksis/allocation"
	"github.com/praksis/praksis/practice"
)

// market is a generated round for the benchmarks, with the same data in
// the flat form the bare algorithm takes.
type market struct {
	round allocation.Round
	// The bare form: student s lists places prefs[s*L:(s+1)*L] and has
	// priority keys[s*L+j] at the j-th of them (lower first).
	lists int
	prefs []int32
	keys  []uint64
	seats []int32
}

// newMarket generates students with lists of the given length over places
// with 5–15 seats whose popularity follows a Zipf-like law with exponent
// skew; every place ranks the students who list it in its own random order.
func newMarket(students, places, lists int, skew float64, seed uint64) *market {
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	id := func() practice.ID {
		var id practice.ID
		hi, lo := rng.Uint64(), rng.Uint64()
		for i := range 8 {
			id[i], id[8+i] = byte(hi>>(56-8*i)), byte(lo>>(56-8*i))
		}
		id[6], id[8] = id[6]&0x0f|0x70, id[8]&0x3f|0x80
		return id
	}
	m := &market{lists: lists, seats: make([]int32, places)}
	m.round.Places = make([]allocation.Place, places)
	cum := make([]float64, places)
	total := 0.0
	for i := range m.round.Places {
		m.seats[i] = int32(5 + rng.IntN(11))
		m.round.Places[i] = allocation.Place{ID: id(), Seats: int(m.seats[i])}
		total += 1 / math.Pow(float64(i+1), skew)
		cum[i] = total
	}
	m.round.Students = make([]allocation.Student, students)
	m.prefs = make([]int32, 0, students*lists)
	listedBy := make([][]int32, places)
	for s := range m.round.Students {
		st := allocation.Student{ID: id(), Preferences: make([]practice.ID, 0, lists)}
		first := len(m.prefs)
		for len(m.prefs)-first < lists {
			p, _ := slices.BinarySearch(cum, rng.Float64()*total)
			if slices.Contains(m.prefs[first:], int32(p)) {
				continue
			}
			m.prefs = append(m.prefs, int32(p))
			st.Preferences = append(st.Preferences, m.round.Places[p].ID)
			listedBy[p] = append(listedBy[p], int32(s))
		}
		m.round.Students[s] = st
	}
	m.keys = make([]uint64, len(m.prefs))
	for p, list := range listedBy {
		rng.Shuffle(len(list), func(i, j int) { list[i], list[j] = list[j], list[i] })
		pri := make([]practice.ID, len(list))
		for pos, s := range list {
			pri[pos] = m.round.Students[s].ID
			j := slices.Index(m.prefs[int(s)*lists:int(s+1)*lists], int32(p))
			m.keys[int(s)*lists+j] = uint64(pos)
		}
		m.round.Places[p].Priorities = pri
	}
	return m
}

// bareDeferredAcceptance is the textbook algorithm on flat arrays, with
// no constraints, classes, lottery or explanations: the yardstick for the
// engine's overhead.
func bareDeferredAcceptance(m *market) []int32 {
	type held struct {
		key uint64
		s   int32
	}
	n := len(m.prefs) / m.lists
	base := make([]int32, len(m.seats)+1)
	for i, c := range m.seats {
		base[i+1] = base[i] + c
	}
	heap := make([]held, base[len(m.seats)])
	count := make([]int32, len(m.seats))
	next := make([]int32, n)
	at := make([]int32, n)
	free := make([]int32, n)
	for s := range free {
		free[s] = int32(n - 1 - s)
		next[s] = int32(s * m.lists)
		at[s] = -1
	}
	for len(free) > 0 {
		s := free[len(free)-1]
		free = free[:len(free)-1]
		for k := next[s]; k < int32(int(s+1)*m.lists); k++ {
			p, key := m.prefs[k], m.keys[k]
			h := heap[base[p]:base[p+1]]
			next[s] = k + 1
			if c := count[p]; c < int32(len(h)) {
				h[c] = held{key, s}
				for i := c; i > 0 && h[(i-1)/2].key < h[i].key; i = (i - 1) / 2 {
					h[i], h[(i-1)/2] = h[(i-1)/2], h[i]
				}
				count[p]++
				at[s] = p
				break
			}
			if len(h) == 0 || key > h[0].key {
				continue
			}
			at[h[0].s] = -1
			free = append(free, h[0].s)
			h[0] = held{key, s}
			for i := 0; ; {
				w, l := i, 2*i+1
				if l < len(h) && h[l].key > h[w].key {
					w = l
				}
				if l+1 < len(h) && h[l+1].key > h[w].key {
					w = l + 1
				}
				if w == i {
					break
				}
				h[i], h[w] = h[w], h[i]
				i = w
			}
			at[s] = p
			break
		}
	}
	return at
}

var markets = map[string]*market{}

// cachedMarket generates a market once per process.
func cachedMarket(b *testing.B, students, places, lists int) *market {
	name := fmt.Sprint(students, places, lists)
	if m, ok := markets[name]; ok {
		return m
	}
	m := newMarket(students, places, lists, 0.8, 1)
	markets[name] = m
	runtime.GC()
	b.ResetTimer()
	return m
}

// reportRound reports the figures the allocation benchmarks share.
func reportRound(b *testing.B, students int, start time.Time) {
	per := time.Since(start).Seconds() / float64(b.N)
	b.ReportMetric(per*1e3, "ms/round")
	b.ReportMetric(float64(students)/per, "students/s")
}

// benchSize is the size of a benchmark market.
type benchSize struct{ students, places, lists int }

func (s benchSize) String() string {
	return fmt.Sprintf("students=%d/places=%d/list=%d", s.students, s.places, s.lists)
}

// benchSizes are the sizes the issue names, then the scaling series:
// students double, then lists double.
var benchSizes = []benchSize{
	{10_000, 1_000, 10},
	{100_000, 10_000, 10},
	{25_000, 2_500, 10},
	{50_000, 5_000, 10},
	{100_000, 10_000, 5},
	{100_000, 10_000, 20},
}

// BenchmarkDeferredAcceptance compares the engine with the bare algorithm
// on the same market: 5–15 seats a place, Zipf-like popularity (exponent
// 0.8), every place ranking its applicants. Prepare (indexing, the
// filter) is measured apart from the run.
func BenchmarkDeferredAcceptance(b *testing.B) {
	for _, size := range benchSizes {
		name := size.String()
		b.Run(name+"/bare", func(b *testing.B) {
			m := cachedMarket(b, size.students, size.places, size.lists)
			b.ReportAllocs()
			start := time.Now()
			for range b.N {
				bareDeferredAcceptance(m)
			}
			reportRound(b, size.students, start)
		})
		b.Run(name+"/engine", func(b *testing.B) { benchmarkEngine(b, size.students, size.places, size.lists, false) })
		b.Run(name+"/engine+explanations", func(b *testing.B) { benchmarkEngine(b, size.students, size.places, size.lists, true) })
	}
}

// benchmarkEngine runs deferred acceptance on a prepared market, and with
// explain builds every student's explanation too.
func benchmarkEngine(b *testing.B, students, places, lists int, explain bool) {
	m := cachedMarket(b, students, places, lists)
	p, err := allocation.Prepare(m.round)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	b.ReportAllocs()
	start := time.Now()
	for i := range b.N {
		res, err := p.Run(allocation.Options{Seed: uint64(i)})
		if err != nil {
			b.Fatal(err)
		}
		if explain {
			res.Explanations()
		}
	}
	reportRound(b, students, start)
}

// BenchmarkPrepare measures checking and indexing a round, apart from runs.
func BenchmarkPrepare(b *testing.B) {
	m := cachedMarket(b, 100_000, 10_000, 10)
	excluded := m.round.Places[0].ID
	m.round.Exclude = func(s *allocation.Student, p *allocation.Place) string {
		if p.ID == excluded {
			return "test"
		}
		return ""
	}
	defer func() { m.round.Exclude = nil }()
	b.ReportAllocs()
	start := time.Now()
	for range b.N {
		if _, err := allocation.Prepare(m.round); err != nil {
			b.Fatal(err)
		}
	}
	reportRound(b, 100_000, start)
}

// BenchmarkOptimal measures the optimal mode.
func BenchmarkOptimal(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(size.String(), func(b *testing.B) {
			m := cachedMarket(b, size.students, size.places, size.lists)
			p, err := allocation.Prepare(m.round)
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			b.ReportAllocs()
			start := time.Now()
			for i := range b.N {
				if _, err := p.Run(allocation.Options{Algorithm: allocation.Optimal, Seed: uint64(i)}); err != nil {
					b.Fatal(err)
				}
			}
			reportRound(b, size.students, start)
		})
	}
}
