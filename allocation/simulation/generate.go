package simulation

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"

	"github.com/praksis/praksis/allocation"
	"github.com/praksis/praksis/practice"
)

// The streams of the generator's random sources: every part of a scenario
// draws from its own PCG stream, seeded from Config.Seed, so that changing
// one knob leaves the unrelated parts as they were.
const (
	streamStudentIDs = 0x5354_5544_454e_5453 // student IDs
	streamPlaceIDs   = 0x504c_4143_4553_4944 // place IDs
	streamCohort     = 0x434f_484f_5254_0001 // regions, map, classes, groups, popularity, earlier placements
	streamRound      = 0x524f_554e_4400_0001 // seats, preferences, place priorities, pins
)

// RegionBoost is how much more a place in a student's own region weighs
// when the student draws their preferences: a local place weighs
// RegionBoost times its popularity, any other place its popularity.
const RegionBoost = 2

// PinReason is the reason recorded on the pins Generate makes.
const PinReason = "placed by hand (simulated)"

// Generate makes the scenario that c describes. It fails only when
// c.Validate does. The same config, Seed included, always gives the same
// scenario, IDs included; the scenario's Config is c with its defaults
// filled in.
//
// The generator works as follows.
//
//   - IDs are random (version 4) UUIDs drawn from PCG streams seeded from
//     the seed, students and places in separate streams.
//   - Each student and place gets a region, uniformly, and a point on a
//     map: the regions' centres lie at random in a square 150 km wide per
//     region in each direction, and points scatter around their region's
//     centre with a standard deviation of 20 km.
//   - Places are put in a random order of popularity; the k-th (from 1)
//     weighs 1/k^Skew.
//   - Each student draws ListLength distinct places, most wanted first, by
//     weighted sampling without replacement: a place weighs its popularity,
//     times RegionBoost when it is in the student's own region.
//   - Each class gets round(share × Students) students at random; the rest
//     have no class. Groups are drawn uniformly.
//   - Earlier placements are drawn like preferences, independently of them,
//     so some students list places they may not go to again.
//   - Seats are uniform in [MinSeats, MaxSeats].
//   - round(PlacePriorities × Places) places, at random, rank the students
//     who list them in a random order.
//   - round(Pins × Students) students, at random, are pinned to the first
//     place in their list that they may go to and that has a seat left
//     after the pins before them, or else to such a place found at random
//     (a student for whom none turns up is not pinned). Pins keep their
//     seats.
func Generate(c Config) (*Scenario, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	co := newCohort(c.WithDefaults())
	return co.draw(co.roundRand(0), co.earlier), nil
}

// cohort is the part of a scenario that stays the same over a season: the
// students and places, their regions and points, classes, groups, the
// places' popularity and the students' earlier placements.
type cohort struct {
	cfg           Config
	students      []practice.ID
	places        []practice.ID
	regions       []string // region names
	studentRegion []int32
	placeRegion   []int32
	homes, sites  map[practice.ID]Point
	class         []string
	group         []string
	earlier       [][]int32 // per student: the places of earlier periods
	sampler       *sampler
}

// newCohort makes the cohort of a valid config with its defaults filled in.
func newCohort(c Config) *cohort {
	co := &cohort{
		cfg:      c,
		students: newIDs(c.Seed, streamStudentIDs, c.Students),
		places:   newIDs(c.Seed, streamPlaceIDs, c.Places),
	}
	rng := rand.New(rand.NewPCG(c.Seed, streamCohort))

	// The map.
	co.regions = make([]string, c.Regions)
	centres := make([]Point, c.Regions)
	side := 150 * math.Ceil(math.Sqrt(float64(c.Regions)))
	for i := range centres {
		co.regions[i] = fmt.Sprintf("region-%d", i+1)
		centres[i] = Point{X: round3(rng.Float64() * side), Y: round3(rng.Float64() * side)}
	}
	near := func(r int32) Point {
		return Point{X: round3(centres[r].X + 20*rng.NormFloat64()), Y: round3(centres[r].Y + 20*rng.NormFloat64())}
	}
	co.placeRegion = make([]int32, c.Places)
	co.sites = make(map[practice.ID]Point, c.Places)
	for i, id := range co.places {
		co.placeRegion[i] = int32(rng.IntN(c.Regions))
		co.sites[id] = near(co.placeRegion[i])
	}
	co.studentRegion = make([]int32, c.Students)
	co.homes = make(map[practice.ID]Point, c.Students)
	for i, id := range co.students {
		co.studentRegion[i] = int32(rng.IntN(c.Regions))
		co.homes[id] = near(co.studentRegion[i])
	}

	// Classes and groups.
	co.class = make([]string, c.Students)
	if len(c.Classes) > 0 {
		perm := rng.Perm(c.Students)
		next := 0
		for _, cl := range c.Classes {
			n := min(int(math.Round(cl.Share*float64(c.Students))), c.Students-next)
			for _, s := range perm[next : next+n] {
				co.class[s] = cl.Name
			}
			next += n
		}
	}
	co.group = make([]string, c.Students)
	if c.Groups > 0 {
		for s := range co.group {
			co.group[s] = fmt.Sprintf("group-%d", rng.IntN(c.Groups)+1)
		}
	}

	// Popularity: the k-th place of a random order weighs 1/k^Skew.
	weight := make([]float64, c.Places)
	for k, pl := range rng.Perm(c.Places) {
		weight[pl] = math.Pow(float64(k+1), -c.Skew)
	}
	co.sampler = newSampler(weight, co.placeRegion, c.Regions)

	// Earlier placements.
	co.earlier = make([][]int32, c.Students)
	if c.Earlier > 0 {
		for s := range co.earlier {
			co.earlier[s] = co.sampler.draw(rng, co.studentRegion[s], c.Earlier, make([]int32, 0, c.Earlier))
		}
	}
	return co
}

// roundRand returns the random source of round number n (from 0) of the
// cohort's season; Generate makes round 0.
func (co *cohort) roundRand(n int) *rand.Rand {
	return rand.New(rand.NewPCG(mix(co.cfg.Seed^streamRound), mix(uint64(n))))
}

// draw makes one round of the cohort: seats, preferences, the places'
// priorities and pins, with earlier[s] the places student s may not go to.
func (co *cohort) draw(rng *rand.Rand, earlier [][]int32) *Scenario {
	c := co.cfg
	nS, nP := len(co.students), len(co.places)
	sc := &Scenario{
		Config: c,
		Homes:  co.homes,
		Sites:  co.sites,
	}
	r := &sc.Base
	for _, cl := range c.Classes {
		r.Classes = append(r.Classes, cl.Name)
	}
	r.Places = make([]allocation.Place, nP)
	for i, id := range co.places {
		r.Places[i] = allocation.Place{
			ID:     id,
			Seats:  c.MinSeats + rng.IntN(c.MaxSeats-c.MinSeats+1),
			Region: co.regions[co.placeRegion[i]],
		}
	}

	// Preferences, in one backing array.
	L := c.ListLength
	prefIdx := make([]int32, 0, nS*L)
	prefs := make([]practice.ID, nS*L)
	r.Students = make([]allocation.Student, nS)
	for s, id := range co.students {
		from := len(prefIdx)
		prefIdx = co.sampler.draw(rng, co.studentRegion[s], L, prefIdx)
		list := prefs[from:len(prefIdx):len(prefIdx)]
		for j, pl := range prefIdx[from:] {
			list[j] = co.places[pl]
		}
		r.Students[s] = allocation.Student{
			ID:          id,
			Preferences: list,
			Class:       co.class[s],
			Group:       co.group[s],
			Region:      co.regions[co.studentRegion[s]],
		}
	}

	// The places' own priorities over the students who list them.
	if n := int(math.Round(c.PlacePriorities * float64(nP))); n > 0 {
		chosen := make([]bool, nP)
		for _, pl := range rng.Perm(nP)[:n] {
			chosen[pl] = true
		}
		lists := make([][]practice.ID, nP)
		for s := range nS {
			for _, pl := range prefIdx[s*L : (s+1)*L] {
				if chosen[pl] {
					lists[pl] = append(lists[pl], co.students[s])
				}
			}
		}
		for pl, list := range lists {
			if chosen[pl] {
				rng.Shuffle(len(list), func(i, j int) { list[i], list[j] = list[j], list[i] })
				r.Places[pl].Priorities = list
			}
		}
	}

	// Earlier placements.
	for s, list := range earlier {
		if len(list) == 0 {
			continue
		}
		if sc.Earlier == nil {
			sc.Earlier = make(map[practice.ID][]practice.ID)
		}
		ids := make([]practice.ID, len(list))
		for j, pl := range list {
			ids[j] = co.places[pl]
		}
		sc.Earlier[co.students[s]] = ids
	}

	// Pins.
	if n := int(math.Round(c.Pins * float64(nS))); n > 0 {
		taken := make([]int, nP)
		allowed := func(s int, pl int32) bool {
			return taken[pl] < r.Places[pl].Seats && !slices.Contains(earlier[s], pl)
		}
		for _, s := range rng.Perm(nS)[:n] {
			at := int32(-1)
			for _, pl := range prefIdx[s*L : (s+1)*L] {
				if allowed(s, pl) {
					at = pl
					break
				}
			}
			for try := 0; at < 0 && try < 64; try++ {
				if pl := int32(rng.IntN(nP)); allowed(s, pl) {
					at = pl
				}
			}
			if at >= 0 {
				taken[at]++
				r.Pins = append(r.Pins, allocation.Pin{Student: co.students[s], Place: co.places[at], Reason: PinReason})
			}
		}
	}
	return sc
}

// newIDs returns n random (version 4) UUIDs from the PCG stream of seed.
func newIDs(seed, stream uint64, n int) []practice.ID {
	src := rand.NewPCG(seed, stream)
	out := make([]practice.ID, n)
	for i := range out {
		id := &out[i]
		binary.BigEndian.PutUint64(id[:8], src.Uint64())
		binary.BigEndian.PutUint64(id[8:], src.Uint64())
		id[6] = id[6]&0x0f | 0x40 // version 4
		id[8] = id[8]&0x3f | 0x80 // the RFC 9562 variant
	}
	return out
}

// mix is the finaliser of SplitMix64, to derive seeds.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// round3 rounds to metres, so that points print and save compactly.
func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

// sampler draws distinct places by weight, exactly: a Fenwick tree of
// integer weights over the places ordered by region, so that a region's
// places form one range. A draw takes O(log places); drawn places are
// removed for the rest of one student's draws and put back after.
type sampler struct {
	tree   []int64 // Fenwick tree, 1-based
	weight []int64 // per position
	place  []int32 // per position: the place
	region []int32 // per position: the place's region
	lo, hi []int   // per region: its range of positions
	total  int64   // the sum of all weights
	sum    []int64 // per region: the sum of its weights
	top    int     // the highest power of two at most len(weight)
	taken  []int   // positions removed during the current draw
}

func newSampler(weight []float64, placeRegion []int32, regions int) *sampler {
	n := len(weight)
	sm := &sampler{
		tree:   make([]int64, n+1),
		weight: make([]int64, n),
		place:  make([]int32, n),
		region: make([]int32, n),
		lo:     make([]int, regions),
		hi:     make([]int, regions),
		sum:    make([]int64, regions),
	}
	for i := range sm.place {
		sm.place[i] = int32(i)
	}
	slices.SortStableFunc(sm.place, func(a, b int32) int { return int(placeRegion[a] - placeRegion[b]) })
	var all float64
	for _, w := range weight {
		all += w
	}
	// Integer weights that add up to about 2^58, none below 1, so that
	// taking places out and putting them back is exact.
	scale := float64(1<<58) / all
	for i, pl := range sm.place {
		w := max(1, int64(weight[pl]*scale))
		r := placeRegion[pl]
		sm.weight[i], sm.region[i] = w, r
		sm.sum[r] += w
		sm.total += w
		sm.tree[i+1] = w
	}
	for i := 1; i <= n; i++ { // build the tree in O(n)
		if j := i + i&-i; j <= n {
			sm.tree[j] += sm.tree[i]
		}
	}
	for r := range sm.lo {
		sm.lo[r], _ = slices.BinarySearchFunc(sm.region, int32(r), func(a, b int32) int { return int(a - b) })
		sm.hi[r], _ = slices.BinarySearchFunc(sm.region, int32(r+1), func(a, b int32) int { return int(a - b) })
	}
	if n > 0 {
		sm.top = 1 << (bits.Len(uint(n)) - 1)
	}
	return sm
}

func (sm *sampler) add(i int, d int64) {
	for i++; i < len(sm.tree); i += i & -i {
		sm.tree[i] += d
	}
}

// prefix is the sum of the weights at positions below i.
func (sm *sampler) prefix(i int) int64 {
	var s int64
	for ; i > 0; i -= i & -i {
		s += sm.tree[i]
	}
	return s
}

// find returns the position where the running sum of weights passes t.
func (sm *sampler) find(t int64) int {
	pos := 0
	for step := sm.top; step > 0; step >>= 1 {
		if next := pos + step; next < len(sm.tree) && sm.tree[next] <= t {
			pos = next
			t -= sm.tree[next]
		}
	}
	return pos
}

// draw appends n distinct places (n at most the number of places) drawn
// for a student of region r to out: each draw picks a place not yet drawn
// with probability proportional to its weight, times RegionBoost in region
// r. It draws from all places with probability total/(total +
// (RegionBoost-1)·sum[r]), and from region r otherwise.
func (sm *sampler) draw(rng *rand.Rand, r int32, n int, out []int32) []int32 {
	total, local := sm.total, sm.sum[r]
	sm.taken = sm.taken[:0]
	for range n {
		u := rng.Int64N(total + (RegionBoost-1)*local)
		t := u
		if u >= total {
			t = sm.prefix(sm.lo[r]) + (u-total)/(RegionBoost-1)
		}
		i := sm.find(t)
		w := sm.weight[i]
		sm.add(i, -w)
		total -= w
		if sm.region[i] == r {
			local -= w
		}
		sm.taken = append(sm.taken, i)
		out = append(out, sm.place[i])
	}
	for _, i := range sm.taken {
		sm.add(i, sm.weight[i])
	}
	return out
}
