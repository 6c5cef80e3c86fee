package agreement

import (
	"slices"
	"time"

	"github.com/praksis/praksis/practice"
)

// Structure is the effective-dated place structure that coverage is
// computed on: every version of the places of some organisations. It
// answers, for any date, which places are open, where they sit in the tree
// and which an agreement covers. Build one with [NewStructure]; it keeps
// the trees it built for a date, so asking again is cheap. It is not safe
// for concurrent use.
//
// Places are numbered in the order they come, and their versions kept in
// one slice, so that a report over the whole country works on slices, not
// maps.
type Structure struct {
	index   map[practice.ID]int32 // place → its number
	ids     []practice.ID         // number → place
	first   []int32               // number → its first version in vers; first[n] = len(vers)
	vers    []practice.PlaceVersion
	days    []int32 // the From of each version, as a day number
	rec     []int32 // the day each version was recorded (its CreatedAt)
	parent  []int32 // the parent of each version, as a number, or -1
	comp    []int32 // number → its component
	pos     []int32 // number → its position in its component's places
	places  [][]int32
	dates   [][]int32  // component → the days it changes, in order
	latest  []int32    // component → the last day one of its versions was recorded
	states  [][]*state // component → its tree from each of its dates, once built
	arena   []int32    // where trees are built
	scratch []int32
}

// A component is a set of places linked by a parent in some version: the
// places of one organisation, or of one part of it that was never joined
// to another. Its tree changes only on its dates.

// state is a component's tree from one of its dates to the next: for each
// of its places by position, the version in force if it is open, or -1,
// and its open children, by number: those of the place at position k are
// kids[start[k]:start[k+1]].
type state struct {
	ver   []int32
	start []int32
	kids  []int32
}

// children returns the open children of the place at position k.
func (st *state) children(k int32) []int32 { return st.kids[st.start[k]:st.start[k+1]] }

// dayOf returns d as a number of days since 1970-01-01 (the days from the
// civil date, by Howard Hinnant's algorithm: no time.Time is made).
func dayOf(d practice.Date) int32 {
	y, m := d.Year(), int(d.Month())
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d.Day() - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int32(era*146097 + doe - 719468)
}

// NewStructure returns the structure of the given versions, of any places
// and organisations, in any order; it is quickest on each place's versions
// together in From order, as AgreementStore.Coverage returns them. It may
// keep versions: the caller must not change them after.
func NewStructure(versions []practice.PlaceVersion) *Structure {
	s, ok := newStructure(versions)
	if !ok {
		vers := slices.Clone(versions)
		slices.SortFunc(vers, compareVersions)
		s, _ = newStructure(vers)
	}
	return s
}

// newStructure numbers the places in the order they come, or returns
// false if a place's versions are not together in From order.
func newStructure(vers []practice.PlaceVersion) (*Structure, bool) {
	s := &Structure{vers: vers, index: make(map[practice.ID]int32, len(vers)),
		days: make([]int32, len(vers)), rec: make([]int32, len(vers)), parent: make([]int32, len(vers)),
		ids: make([]practice.ID, 0, len(vers)), first: make([]int32, 0, len(vers)+1)}
	for i, v := range vers {
		s.days[i] = dayOf(v.From)
		s.rec[i] = int32(v.CreatedAt.Unix() / 86400)
		if i > 0 && v.PlaceID == vers[i-1].PlaceID {
			if s.days[i] <= s.days[i-1] {
				return nil, false
			}
			continue
		}
		s.index[v.PlaceID] = int32(len(s.ids))
		s.ids = append(s.ids, v.PlaceID)
		s.first = append(s.first, int32(i))
	}
	s.first = append(s.first, int32(len(vers)))
	if len(s.index) != len(s.ids) {
		return nil, false // a place's versions are not together
	}
	// Union-find over the parent links of every version.
	up := make([]int32, len(s.ids))
	for i := range up {
		up[i] = int32(i)
	}
	find := func(x int32) int32 {
		for up[x] != x {
			up[x] = up[up[x]]
			x = up[x]
		}
		return x
	}
	for n := range s.ids {
		for i := s.first[n]; i < s.first[n+1]; i++ {
			s.parent[i] = -1
			if vers[i].ParentID.IsZero() {
				continue
			}
			if p, ok := s.index[vers[i].ParentID]; ok {
				s.parent[i] = p
				if a, b := find(int32(n)), find(p); a != b {
					up[a] = b
				}
			}
		}
	}
	s.comp, s.pos = make([]int32, len(s.ids)), make([]int32, len(s.ids))
	compOf := make([]int32, len(s.ids)) // root → component + 1
	for n := range s.ids {
		r := find(int32(n))
		c, ok := compOf[r]-1, compOf[r] > 0
		if !ok {
			c = int32(len(s.places))
			compOf[r] = c + 1
			s.places = append(s.places, nil)
			s.dates = append(s.dates, nil)
			s.latest = append(s.latest, 0)
		}
		s.comp[n], s.pos[n] = c, int32(len(s.places[c]))
		s.places[c] = append(s.places[c], int32(n))
		s.dates[c] = append(s.dates[c], s.days[s.first[n]:s.first[n+1]]...)
		for _, r := range s.rec[s.first[n]:s.first[n+1]] {
			s.latest[c] = max(s.latest[c], r)
		}
	}
	for c := range s.dates {
		slices.Sort(s.dates[c])
		s.dates[c] = slices.Compact(s.dates[c])
	}
	s.states = make([][]*state, len(s.places))
	return s, true
}

func compareVersions(a, b practice.PlaceVersion) int {
	if c := a.PlaceID.Compare(b.PlaceID); c != 0 {
		return c
	}
	return a.From.Compare(b.From)
}

// Has reports whether the structure knows the place.
func (s *Structure) Has(place practice.ID) bool { _, ok := s.index[place]; return ok }

// Versions returns the versions of a place, in date order. The caller must
// not change them.
func (s *Structure) Versions(place practice.ID) []practice.PlaceVersion {
	n, ok := s.index[place]
	if !ok {
		return nil
	}
	return s.vers[s.first[n]:s.first[n+1]]
}

// versionOn returns the index in vers of the version of place n in force on
// day, or -1 if it did not exist yet.
func (s *Structure) versionOn(n, day int32) int32 {
	lo, hi := s.first[n], s.first[n+1]
	i, found := slices.BinarySearch(s.days[lo:hi], day)
	if found {
		return lo + int32(i)
	}
	return lo + int32(i) - 1 // lo-1 when it did not exist yet
}

func (s *Structure) exists(n, day int32) (int32, bool) {
	v := s.versionOn(n, day)
	return v, v >= s.first[n]
}

// Version returns the version of a place in force on d, which may be
// closed; ok is false if the place did not exist yet.
func (s *Structure) Version(place practice.ID, d practice.Date) (v practice.PlaceVersion, ok bool) {
	n, known := s.index[place]
	if !known {
		return practice.PlaceVersion{}, false
	}
	if i, ok := s.exists(n, dayOf(d)); ok {
		return s.vers[i], true
	}
	return practice.PlaceVersion{}, false
}

// Open reports whether a place is open on d.
func (s *Structure) Open(place practice.ID, d practice.Date) bool {
	v, ok := s.Version(place, d)
	return ok && !v.Closed
}

// Name returns a place's name on d, or its first name if it did not exist
// yet.
func (s *Structure) Name(place practice.ID, d practice.Date) string {
	n, ok := s.index[place]
	if !ok {
		return ""
	}
	return s.nameOf(n, dayOf(d))
}

func (s *Structure) nameOf(n, day int32) string {
	if i, ok := s.exists(n, day); ok {
		return s.vers[i].Name
	}
	return s.vers[s.first[n]].Name
}

// Changes returns the dates after from and up to to on which the tree
// around a place (its component) changes, in order.
func (s *Structure) Changes(place practice.ID, from, to practice.Date) []practice.Date {
	n, ok := s.index[place]
	if !ok {
		return nil
	}
	var out []practice.Date
	for _, day := range s.changes(n, dayOf(from), dayOf(to)) {
		out = append(out, practice.DateOf(dayTime(day)))
	}
	return out
}

func (s *Structure) changes(n, from, to int32) []int32 {
	ds := s.dates[s.comp[n]]
	i, _ := slices.BinarySearch(ds, from+1)
	j, _ := slices.BinarySearch(ds, to+1)
	return ds[i:j]
}

// stateOn returns the tree of component c as it stands on day.
func (s *Structure) stateOn(c, day int32) *state {
	ds := s.dates[c]
	i, found := slices.BinarySearch(ds, day)
	if !found {
		i--
	}
	if i < 0 {
		return s.build(c, func(int32) int32 { return -1 })
	}
	if s.states[c] == nil {
		s.states[c] = make([]*state, len(ds))
	}
	if st := s.states[c][i]; st != nil {
		return st
	}
	st := s.build(c, func(n int32) int32 {
		if v, ok := s.exists(n, day); ok {
			return v
		}
		return -1
	})
	s.states[c][i] = st
	return st
}

// stateAsRecorded returns the tree of component c on day as it was
// recorded by the end of day recorded: without the versions recorded
// later, even those in force earlier. It is not kept.
func (s *Structure) stateAsRecorded(c, day, recorded int32) *state {
	return s.build(c, func(n int32) int32 {
		for v := s.first[n+1] - 1; v >= s.first[n]; v-- {
			if s.days[v] <= day && s.rec[v] <= recorded {
				return v
			}
		}
		return -1
	})
}

// build returns the tree of component c whose places are in the versions
// version gives (-1: none).
func (s *Structure) build(c int32, version func(n int32) int32) *state {
	ps := s.places[c]
	// One allocation for the three lists: the children fit in len(ps),
	// for each place has one parent at most.
	all := s.carve(3*len(ps) + 1)
	st := &state{ver: all[:len(ps):len(ps)], start: all[len(ps) : 2*len(ps)+1 : 2*len(ps)+1]}
	for k, n := range ps {
		st.ver[k] = -1
		if v := version(n); v >= 0 && !s.vers[v].Closed {
			st.ver[k] = v
			if p := s.parent[v]; p >= 0 {
				st.start[s.pos[p]+1]++
			}
		}
	}
	for k := range ps {
		st.start[k+1] += st.start[k]
	}
	st.kids = all[2*len(ps)+1 : 2*len(ps)+1+int(st.start[len(ps)])]
	fill := append(s.scratch[:0], st.start[:len(ps)]...)
	for k, n := range ps {
		if v := st.ver[k]; v >= 0 && s.parent[v] >= 0 {
			pp := s.pos[s.parent[v]]
			st.kids[fill[pp]] = n
			fill[pp]++
		}
	}
	s.scratch = fill
	return st
}

// carve returns n zeroed int32s from the structure's arena.
func (s *Structure) carve(n int) []int32 {
	if cap(s.arena)-len(s.arena) < n {
		s.arena = make([]int32, 0, max(n, 1<<16))
	}
	out := s.arena[len(s.arena) : len(s.arena)+n : len(s.arena)+n]
	s.arena = s.arena[:len(s.arena)+n]
	return out
}

// under reports whether place n is open on day and is place m or lies under
// it in the tree of that day.
func (s *Structure) under(n, m, day int32) bool {
	if s.comp[n] != s.comp[m] {
		return false
	}
	st := s.stateOn(s.comp[n], day)
	for steps := 0; steps <= len(st.ver); steps++ {
		v := st.ver[s.pos[n]]
		if v < 0 {
			return false
		}
		if n == m {
			return true
		}
		if n = s.parent[v]; n < 0 {
			return false
		}
	}
	return false // a cycle, which the kernel never lets happen
}

// Under reports whether a place is open on d and is ancestor or lies under
// it in the tree of that day.
func (s *Structure) Under(place, ancestor practice.ID, d practice.Date) bool {
	n, ok1 := s.index[place]
	m, ok2 := s.index[ancestor]
	return ok1 && ok2 && s.under(n, m, dayOf(d))
}

// Covers reports whether agreement a covers a place on d: a is in force on
// d, the place is open, and a names it or, unless named with Only, a place
// it lies under.
func (s *Structure) Covers(a Agreement, place practice.ID, d practice.Date) bool {
	n, ok := s.index[place]
	return ok && a.InForce(d) && s.covers(s.namedOf(nil, a), n, dayOf(d))
}

// named is a place an agreement names, by number.
type named struct {
	n    int32
	only bool
}

// namedOf returns the places a names that the structure knows, appended
// to out[:0].
func (s *Structure) namedOf(out []named, a Agreement) []named {
	out = out[:0]
	for _, c := range a.Places {
		if n, ok := s.index[c.PlaceID]; ok {
			out = append(out, named{n, c.Only})
		}
	}
	return out
}

// covers is Covers without the agreement's dates, on the places it names.
func (s *Structure) covers(ns []named, n, day int32) bool {
	for _, c := range ns {
		if c.n == n && s.open(n, day) || !c.only && s.under(n, c.n, day) {
			return true
		}
	}
	return false
}

func (s *Structure) open(n, day int32) bool {
	v, ok := s.exists(n, day)
	return ok && !s.vers[v].Closed
}

// CoveredOn returns the open places agreement a covers on d, whether or not
// it is in force then, ordered by ID.
func (s *Structure) CoveredOn(a Agreement, d practice.Date) []practice.ID {
	ns := s.coveredOn(nil, s.namedOf(nil, a), dayOf(d))
	out := make([]practice.ID, len(ns))
	for i, n := range ns {
		out[i] = s.ids[n]
	}
	sortIDs(out)
	return out
}

// coveredOn returns the numbers of the open places that the named places
// ns cover on day, in order, appended to out[:0].
func (s *Structure) coveredOn(out []int32, ns []named, day int32) []int32 {
	out = out[:0]
	for _, c := range ns {
		out = s.addCovered(out, s.stateOn(s.comp[c.n], day), c)
	}
	return s.sorted(out, len(ns))
}

// coveredAsRecorded is coveredOn on the tree as recorded by the end of day
// recorded.
func (s *Structure) coveredAsRecorded(out []int32, ns []named, day, recorded int32) []int32 {
	out = out[:0]
	for _, c := range ns {
		out = s.addCovered(out, s.stateAsRecorded(s.comp[c.n], day, recorded), c)
	}
	return s.sorted(out, len(ns))
}

// addCovered appends the places c covers in the tree st.
func (s *Structure) addCovered(out []int32, st *state, c named) []int32 {
	if st.ver[s.pos[c.n]] < 0 {
		return out
	}
	from := len(out)
	out = append(out, c.n)
	if !c.only {
		for i := from; i < len(out); i++ { // breadth first
			out = append(out, st.children(s.pos[out[i]])...)
		}
	}
	return out
}

func (s *Structure) sorted(out []int32, named int) []int32 {
	slices.Sort(out)
	if named > 1 {
		out = slices.Compact(out)
	}
	return out
}

// recordedAfter reports whether a version of the tree around a named
// place was recorded after day.
func (s *Structure) recordedAfter(ns []named, day int32) bool {
	for _, c := range ns {
		if s.latest[s.comp[c.n]] > day {
			return true
		}
	}
	return false
}

// dayTime returns midnight UTC of a day number.
func dayTime(day int32) time.Time { return time.Unix(int64(day)*86400, 0).UTC() }

// coverageOf tells, for each span of period p, whether the agreements as
// cover a place, which of them do, and if not, why. The spans are cut at
// the dates where the place's tree or the agreements change.
func (s *Structure) coverageOf(as []Agreement, place practice.ID, p practice.Period) (covered bool, by []practice.ID, gaps []Gap) {
	n, known := s.index[place]
	end := p.End
	if end.IsZero() {
		end = practice.LastDate
	}
	var cuts []practice.Date
	cuts = append(cuts, p.Start)
	if known {
		cuts = append(cuts, s.Changes(place, p.Start, end)...)
	}
	for _, a := range as {
		// An agreement is in force from its start to the day after its
		// end, on which coverage may change.
		after := practice.Date{}
		if e := a.EndsOn(); !e.IsZero() {
			after = e.AddDays(1)
		}
		for _, d := range []practice.Date{a.Period.Start, after} {
			if !d.IsZero() && d.After(p.Start) && !d.After(end) {
				cuts = append(cuts, d)
			}
		}
	}
	slices.SortFunc(cuts, practice.Date.Compare)
	cuts = slices.Compact(cuts)
	used := map[practice.ID]bool{}
	covered = true
	var buf []named
	for i, d := range cuts {
		last := end
		if i+1 < len(cuts) {
			last = cuts[i+1].AddDays(-1)
		}
		day := dayOf(d)
		reason := NotOpen
		if known && s.open(n, day) {
			reason = NoAgreement
			for _, a := range as {
				if !a.InForce(d) {
					continue
				}
				if reason == NoAgreement {
					reason = NotCovered
				}
				if s.covers(s.namedOf(buf[:0], a), n, day) {
					reason, used[a.ID] = "", true
				}
			}
		}
		if reason == "" {
			continue
		}
		covered = false
		span := practice.Period{Start: d, End: last}
		if last == practice.LastDate && p.End.IsZero() {
			span.End = practice.Date{}
		}
		if k := len(gaps); k > 0 && gaps[k-1].Reason == reason && gaps[k-1].Period.End.AddDays(1) == d {
			gaps[k-1].Period.End = span.End
			continue
		}
		gaps = append(gaps, Gap{Period: span, Reason: reason})
	}
	for id := range used {
		by = append(by, id)
	}
	sortIDs(by)
	return covered, by, gaps
}

// inScope returns the agreements whose scope takes programme ("" takes
// every agreement).
func inScope(as []Agreement, programme string) []Agreement {
	if programme == "" {
		return as
	}
	var out []Agreement
	for _, a := range as {
		if len(a.Scope) == 0 || slices.Contains(a.Scope, programme) {
			out = append(out, a)
		}
	}
	return out
}

func compareCovered(a, b Covered) int { return a.PlaceID.Compare(b.PlaceID) }

func sortIDs(ids []practice.ID) { slices.SortFunc(ids, practice.ID.Compare) }
