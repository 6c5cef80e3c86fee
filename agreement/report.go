package agreement

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strconv"

	"github.com/praksis/praksis/practice"
)

// Report returns the consistency report of an institution as of a date:
// every place where its agreements and the place structure disagree, by
// the built-in checks ([BuiltinChecks]) and those added with [WithChecks].
// It reads one snapshot of the store, in a fixed number of reads. The
// institution's practice administrators and planners may.
func (s *Service) Report(ctx context.Context, a practice.Actor, institutionID practice.ID, asOf practice.Date) (Report, error) {
	if err := canPlan(a, institutionID); err != nil {
		return Report{}, err
	}
	switch {
	case asOf.IsZero():
		return Report{}, practice.Invalid("asOf", "required", "is required")
	case !asOf.InRange():
		return Report{}, practice.Invalid("asOf", "range", "must be a date from "+practice.FirstDate.String()+" to "+practice.LastDate.String())
	}
	out := Report{InstitutionID: institutionID, AsOf: asOf, Horizon: s.horizon, Findings: []Finding{}}
	err := s.store.InSnapshot(ctx, func(ctx context.Context) error {
		if _, err := s.store.Institution(ctx, institutionID); errors.Is(err, practice.ErrNotFound) {
			return practice.NotFound("there is no institution %s", institutionID)
		} else if err != nil {
			return err
		}
		set, err := s.store.Coverage(ctx, CoverageFilter{InstitutionID: institutionID})
		if err != nil {
			return err
		}
		in := &ReportInput{InstitutionID: institutionID, AsOf: asOf, Horizon: s.horizon,
			Agreements: set.Agreements, Structure: NewStructure(set.Versions)}
		for _, c := range append(BuiltinChecks(), s.checks...) {
			fs, err := c(ctx, in)
			if err != nil {
				return err
			}
			out.Findings = append(out.Findings, fs...)
		}
		return nil
	})
	if err != nil {
		return Report{}, err
	}
	out.Findings = sortFindings(out.Findings)
	return out, nil
}

// sortFindings returns fs ordered by compareFindings, keeping the order of
// equal ones: by kind first, each kind's findings sorted only if the
// checks did not find them in order already.
func sortFindings(fs []Finding) []Finding {
	byKind := map[FindingKind][]Finding{}
	var kinds []FindingKind
	for _, f := range fs {
		if _, ok := byKind[f.Kind]; !ok {
			kinds = append(kinds, f.Kind)
		}
		byKind[f.Kind] = append(byKind[f.Kind], f)
	}
	slices.Sort(kinds)
	out := fs[:0]
	for _, k := range kinds {
		same := byKind[k]
		if !slices.IsSortedFunc(same, compareFindings) {
			slices.SortStableFunc(same, compareFindings)
		}
		out = append(out, same...)
	}
	return out
}

// compareFindings orders findings by kind, then by their objects' IDs.
func compareFindings(a, b Finding) int {
	if c := cmp.Compare(a.Kind, b.Kind); c != 0 {
		return c
	}
	for i := 0; i < len(a.Objects) && i < len(b.Objects); i++ {
		if c := a.Objects[i].ID.Compare(b.Objects[i].ID); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a.Objects), len(b.Objects))
}

// BuiltinChecks returns the checks every report runs: on each agreement in
// force on the report's date, a place closed, a place moved out, no open
// place, changes since the last review, and an end within the horizon.
func BuiltinChecks() []Check { return []Check{checkStructure, checkExpiring} }

func agreementObject(a Agreement) Object { return Object{Type: "agreement", ID: a.ID, Name: a.Name} }

// checkStructure finds, for each agreement in force on the report's date,
// the places its coverage lost or that changed since it was last reviewed.
func checkStructure(_ context.Context, in *ReportInput) ([]Finding, error) {
	var out []Finding
	st, asOf := in.Structure, dayOf(in.AsOf)
	var now, then []int32 // reused
	var ns []named
	nbDate, enDate := memoDate(nbDate), memoDate(enDate)
	var ag *Agreement
	var slab []Object // the findings' objects, allocated in blocks
	add := func(kind FindingKind, n int32, on practice.Date, nb, en string) {
		k := 1
		if n >= 0 {
			k = 2
		}
		if cap(slab)-len(slab) < k {
			slab = make([]Object, 0, 4096)
		}
		objs := slab[len(slab) : len(slab)+k : len(slab)+k]
		slab = slab[:len(slab)+k]
		objs[0] = agreementObject(*ag)
		if n >= 0 {
			objs[1] = Object{Type: "place", ID: st.ids[n], Name: st.nameOf(n, asOf)}
		}
		out = append(out, Finding{Kind: kind, On: on, Objects: objs, Text: Text{NB: nb, EN: en}})
	}
	for i := range in.Agreements {
		ag = &in.Agreements[i]
		if !ag.InForce(in.AsOf) {
			continue
		}
		ns = st.namedOf(ns, *ag)
		now = st.coveredOn(now, ns, asOf)
		var reported []int32
		for _, c := range ns {
			n := c.n
			if v, ok := st.exists(n, asOf); ok && st.vers[v].Closed {
				reported = append(reported, n)
				on := st.vers[v].From
				name := st.nameOf(n, dayOf(on)-1)
				add(FindingPlaceClosed, n, on,
					"Avtalen «"+ag.Name+"» omfatter «"+name+"», som ble nedlagt "+nbDate(on)+".",
					"The agreement “"+ag.Name+"” covers “"+name+"”, which was closed on "+enDate(on)+".")
			}
		}
		// The tree of the day before the review, as it was recorded on the
		// review's day, is what it acknowledged: a change effective on the
		// review's day or later, or recorded after it, is still shown.
		reviewed := dayOf(ag.ReviewedOn)
		since := reviewed - 1
		late := st.recordedAfter(ns, reviewed)
		if since < asOf && (late || st.changedAround(ns, since, asOf)) {
			if late {
				then = st.coveredAsRecorded(then, ns, since, reviewed)
			} else {
				then = st.coveredOn(then, ns, since)
			}
			for _, n := range then {
				if has(now, n) || slices.Contains(reported, n) {
					continue
				}
				on := st.leftOn(ns, n, since, asOf, reviewed)
				name := st.nameOf(n, dayOf(on)-1)
				if v, ok := st.exists(n, asOf); ok && st.vers[v].Closed {
					add(FindingPlaceClosed, n, on,
						"«"+name+"», som avtalen «"+ag.Name+"» omfattet, ble nedlagt "+nbDate(on)+".",
						"“"+name+"”, which the agreement “"+ag.Name+"” covered, was closed on "+enDate(on)+".")
					continue
				}
				add(FindingPlaceMoved, n, on,
					"«"+name+"» ble flyttet ut av det avtalen «"+ag.Name+"» omfatter, "+nbDate(on)+", og er ikke lenger dekket.",
					"“"+name+"” was moved out of what the agreement “"+ag.Name+"” covers on "+enDate(on)+" and is no longer covered.")
			}
			for _, n := range now {
				// The place changed itself (a version after the review), or
				// joined by a move of a place above it.
				var on practice.Date
				if v, _ := st.exists(n, asOf); st.days[v] > since || st.rec[v] > reviewed {
					on = st.vers[v].From
				} else if !has(then, n) {
					on = st.joinedOn(ns, n, since, asOf)
				} else {
					continue
				}
				name := st.nameOf(n, asOf)
				add(FindingChanged, n, on,
					"«"+name+"» under avtalen «"+ag.Name+"» er endret "+nbDate(on)+", etter at avtalen sist ble gjennomgått "+nbDate(ag.ReviewedOn)+".",
					"“"+name+"” under the agreement “"+ag.Name+"” changed on "+enDate(on)+", after the agreement was last reviewed on "+enDate(ag.ReviewedOn)+".")
			}
		}
		if len(now) == 0 {
			add(FindingNoOpenPlace, -1, in.AsOf,
				"Avtalen «"+ag.Name+"» omfatter ingen åpne steder "+nbDate(in.AsOf)+".",
				"The agreement “"+ag.Name+"” covers no open place on "+enDate(in.AsOf)+".")
		}
	}
	return out, nil
}

// has reports whether the ordered numbers ns hold n.
func has(ns []int32, n int32) bool { _, ok := slices.BinarySearch(ns, n); return ok }

// changedAround reports whether the tree around a named place changed
// after day from, up to day to.
func (s *Structure) changedAround(ns []named, from, to int32) bool {
	for _, c := range ns {
		if len(s.changes(c.n, from, to)) > 0 {
			return true
		}
	}
	return false
}

// leftOn returns the first date after day from, up to day to, on which
// the named places ns no longer cover place n. The place's component holds the
// places above it, so its changes are the days to try; if none is, a
// change recorded after day recorded took it out, from its own date.
func (s *Structure) leftOn(ns []named, n, from, to, recorded int32) practice.Date {
	for _, day := range s.changes(n, from, to) {
		if !s.covers(ns, n, day) {
			return practice.DateOf(dayTime(day))
		}
	}
	first := to
	for _, m := range s.places[s.comp[n]] {
		for v := s.first[m]; v < s.first[m+1]; v++ {
			if s.rec[v] > recorded && s.days[v] <= first {
				first = s.days[v]
			}
		}
	}
	return practice.DateOf(dayTime(first))
}

// joinedOn returns the first date after day from, up to day to, from which
// the named places ns cover place n.
func (s *Structure) joinedOn(ns []named, n, from, to int32) practice.Date {
	for _, day := range s.changes(n, from, to) {
		if s.covers(ns, n, day) {
			return practice.DateOf(dayTime(day))
		}
	}
	return practice.DateOf(dayTime(to))
}

// checkExpiring finds the agreements in force on the report's date that
// end within the horizon and do not renew.
func checkExpiring(_ context.Context, in *ReportInput) ([]Finding, error) {
	var out []Finding
	until := in.AsOf.AddDays(in.Horizon)
	nbDate, enDate := memoDate(nbDate), memoDate(enDate)
	for _, ag := range in.Agreements {
		end := ag.EndsOn()
		if !ag.InForce(in.AsOf) || end.IsZero() || end.After(until) {
			continue
		}
		days := strconv.Itoa(daysBetween(in.AsOf, end))
		out = append(out, Finding{Kind: FindingExpiring, On: end, Objects: []Object{agreementObject(ag)}, Text: Text{
			NB: "Avtalen «" + ag.Name + "» utløper " + nbDate(end) + ", om " + days + " dager, og fornyes ikke.",
			EN: "The agreement “" + ag.Name + "” ends on " + enDate(end) + ", in " + days + " days, and does not renew.",
		}})
	}
	return out, nil
}

var monthsNB = [...]string{"januar", "februar", "mars", "april", "mai", "juni",
	"juli", "august", "september", "oktober", "november", "desember"}

// nbDate returns d as bokmål writes it: 1. februar 2027.
func nbDate(d practice.Date) string {
	return strconv.Itoa(d.Day()) + ". " + monthsNB[d.Month()-1] + " " + strconv.Itoa(d.Year())
}

// enDate returns d as English writes it: 1 February 2027.
func enDate(d practice.Date) string {
	return strconv.Itoa(d.Day()) + " " + d.Month().String() + " " + strconv.Itoa(d.Year())
}

// memoDate returns format, remembering what it returned for each date: a
// report writes the same few hundred dates many times.
func memoDate(format func(practice.Date) string) func(practice.Date) string {
	seen := map[practice.Date]string{}
	return func(d practice.Date) string {
		if s, ok := seen[d]; ok {
			return s
		}
		s := format(d)
		seen[d] = s
		return s
	}
}

// daysBetween returns the number of days from d to e.
func daysBetween(d, e practice.Date) int { return int(e.Time().Sub(d.Time()).Hours() / 24) }
