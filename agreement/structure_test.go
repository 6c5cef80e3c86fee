package agreement

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

func d(s string) practice.Date {
	v, err := practice.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

func period(start, end string) practice.Period {
	p := practice.Period{Start: d(start)}
	if end != "" {
		p.End = d(end)
	}
	return p
}

// world is a small tree: a hospital with a clinic holding two wards, and a
// second clinic. On 2027-05-01 ward B moves to the second clinic; on
// 2027-09-01 ward A closes.
type world struct {
	hospital, clinic, wardA, wardB, clinic2 practice.ID
	st                                      *Structure
}

func newWorld() world {
	w := world{hospital: practice.NewID(), clinic: practice.NewID(), wardA: practice.NewID(), wardB: practice.NewID(), clinic2: practice.NewID()}
	start := d("2020-01-01")
	w.st = NewStructure([]practice.PlaceVersion{
		{PlaceID: w.hospital, From: start, Name: "Sykehuset"},
		{PlaceID: w.clinic, From: start, Name: "Klinikk 1", ParentID: w.hospital},
		{PlaceID: w.clinic2, From: start, Name: "Klinikk 2", ParentID: w.hospital},
		{PlaceID: w.wardA, From: start, Name: "Post A", ParentID: w.clinic},
		{PlaceID: w.wardB, From: start, Name: "Post B", ParentID: w.clinic},
		{PlaceID: w.wardB, From: d("2027-05-01"), Name: "Post B", ParentID: w.clinic2},
		{PlaceID: w.wardA, From: d("2027-09-01"), Name: "Post A", ParentID: w.clinic, Closed: true},
	})
	return w
}

func active(p practice.Period, places ...Covered) Agreement {
	return Agreement{ID: practice.NewID(), Status: Active, Period: p, Places: places}
}

func TestCoverage(t *testing.T) {
	t.Parallel()
	w := newWorld()
	clinic := Covered{PlaceID: w.clinic}
	tests := []struct {
		name       string
		agreements []Agreement
		place      practice.ID
		period     practice.Period
		covered    bool
		gaps       []Gap
	}{
		{name: "a covered place's subtree is covered",
			agreements: []Agreement{active(period("2027-01-01", "2027-12-31"), clinic)},
			place:      w.wardA, period: period("2027-02-01", "2027-03-31"), covered: true},
		{name: "Only covers the place alone",
			agreements: []Agreement{active(period("2027-01-01", "2027-12-31"), Covered{PlaceID: w.clinic, Only: true})},
			place:      w.wardA, period: period("2027-02-01", "2027-03-31"),
			gaps: []Gap{{period("2027-02-01", "2027-03-31"), NotCovered}}},
		{name: "a place moved out is not covered from the day it moved",
			agreements: []Agreement{active(period("2027-01-01", "2027-12-31"), clinic)},
			place:      w.wardB, period: period("2027-04-01", "2027-06-30"),
			gaps: []Gap{{period("2027-05-01", "2027-06-30"), NotCovered}}},
		{name: "a place moved in is covered from the day it moved",
			agreements: []Agreement{active(period("2027-01-01", "2027-12-31"), Covered{PlaceID: w.clinic2})},
			place:      w.wardB, period: period("2027-04-01", "2027-06-30"),
			gaps: []Gap{{period("2027-04-01", "2027-04-30"), NotCovered}}},
		{name: "a closed place is not covered",
			agreements: []Agreement{active(period("2027-01-01", "2027-12-31"), clinic)},
			place:      w.wardA, period: period("2027-08-01", "2027-09-30"),
			gaps: []Gap{{period("2027-09-01", "2027-09-30"), NotOpen}}},
		{name: "consecutive agreements cover together",
			agreements: []Agreement{active(period("2027-01-01", "2027-03-31"), clinic), active(period("2027-04-01", "2027-12-31"), clinic)},
			place:      w.wardA, period: period("2027-02-01", "2027-05-31"), covered: true},
		{name: "a day between two agreements is a gap",
			agreements: []Agreement{active(period("2027-01-01", "2027-03-31"), clinic), active(period("2027-04-02", "2027-12-31"), clinic)},
			place:      w.wardA, period: period("2027-02-01", "2027-05-31"),
			gaps: []Gap{{period("2027-04-01", "2027-04-01"), NoAgreement}}},
		{name: "a renewing agreement covers the renewed terms",
			agreements: []Agreement{{ID: practice.NewID(), Status: Active, Period: period("2025-01-01", "2025-12-31"),
				Renewal: Renewal{Months: 12, NoticeDays: 90}, Places: []Covered{{PlaceID: w.hospital}}}},
			place: w.clinic2, period: period("2028-01-01", "2029-06-30"), covered: true},
		{name: "a terminated agreement covers until its end",
			agreements: []Agreement{{ID: practice.NewID(), Status: Terminated, Period: period("2025-01-01", "2027-12-31"),
				Renewal: Renewal{Months: 12}, Places: []Covered{{PlaceID: w.hospital}}}},
			place: w.clinic2, period: period("2027-12-01", "2028-01-31"),
			gaps: []Gap{{period("2028-01-01", "2028-01-31"), NoAgreement}}},
		{name: "a draft covers nothing",
			agreements: []Agreement{{ID: practice.NewID(), Status: Draft, Period: period("2027-01-01", ""), Places: []Covered{clinic}}},
			place:      w.wardA, period: period("2027-02-01", "2027-02-28"),
			gaps: []Gap{{period("2027-02-01", "2027-02-28"), NoAgreement}}},
		{name: "an open period needs an agreement without end",
			agreements: []Agreement{active(period("2027-01-01", "2030-12-31"), Covered{PlaceID: w.clinic2})},
			place:      w.clinic2, period: period("2028-01-01", ""),
			gaps: []Gap{{practice.Period{Start: d("2031-01-01")}, NoAgreement}}},
		{name: "a place that does not exist yet is not open",
			agreements: []Agreement{active(period("2019-01-01", ""), Covered{PlaceID: w.hospital})},
			place:      w.wardA, period: period("2019-12-01", "2020-01-31"),
			gaps: []Gap{{period("2019-12-01", "2019-12-31"), NotOpen}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			covered, by, gaps := w.st.coverageOf(tt.agreements, tt.place, tt.period)
			require.Equal(t, tt.covered, covered)
			require.Equal(t, tt.gaps, gaps)
			if covered {
				require.NotEmpty(t, by, "the agreements that cover it are named")
			}
		})
	}
}

func TestCoveredOn(t *testing.T) {
	t.Parallel()
	w := newWorld()
	a := active(period("2020-01-01", ""), Covered{PlaceID: w.clinic})
	ids := func(xs ...practice.ID) []practice.ID {
		out := append([]practice.ID(nil), xs...)
		sortIDs(out)
		return out
	}
	require.Equal(t, ids(w.clinic, w.wardA, w.wardB), w.st.CoveredOn(a, d("2027-04-30")))
	require.Equal(t, ids(w.clinic, w.wardA), w.st.CoveredOn(a, d("2027-05-01")), "ward B moved out")
	require.Equal(t, ids(w.clinic), w.st.CoveredOn(a, d("2027-09-01")), "ward A closed")
	require.True(t, w.st.Covers(a, w.wardA, d("2027-08-31")))
	require.False(t, w.st.Covers(a, w.wardA, d("2027-09-01")))
	require.Equal(t, []practice.Date{d("2027-05-01"), d("2027-09-01")}, w.st.Changes(w.wardA, d("2027-01-01"), d("2027-12-31")))
	require.Equal(t, "Post A", w.st.Name(w.wardA, d("2019-01-01")), "before it opens, a place has its first name")
}

func TestEnds(t *testing.T) {
	t.Parallel()
	renewing := Agreement{Status: Active, Period: period("2025-01-01", "2025-12-31"), Renewal: Renewal{Months: 12, NoticeDays: 90}}
	require.True(t, renewing.EndsOn().IsZero(), "a renewing agreement has no end until terminated")
	require.Equal(t, d("2026-12-31"), renewing.TermEnd(d("2026-03-01")))
	require.Equal(t, d("2025-12-31"), renewing.TermEnd(d("2025-12-31")))
	require.Equal(t, d("2027-12-31"), renewing.TermEnd(d("2027-01-01")))
	tests := []struct {
		name   string
		a      Agreement
		notice string
		end    string
	}{
		{"renewing, notice in time for this term", renewing, "2026-09-01", "2026-12-31"},
		{"renewing, notice too late for this term", renewing, "2026-10-15", "2027-12-31"},
		{"renewing, notice exactly in time", renewing, "2026-10-02", "2026-12-31"},
		{"not renewing, the notice ends it earlier",
			Agreement{Status: Active, Period: period("2025-01-01", "2030-12-31"), Renewal: Renewal{NoticeDays: 30}}, "2027-01-01", "2027-01-31"},
		{"not renewing, its own end comes first",
			Agreement{Status: Active, Period: period("2025-01-01", "2027-01-15"), Renewal: Renewal{NoticeDays: 30}}, "2027-01-01", "2027-01-15"},
		{"without end", Agreement{Status: Active, Period: period("2025-01-01", ""), Renewal: Renewal{NoticeDays: 0}}, "2027-01-01", "2027-01-01"},
		{"six-month terms", Agreement{Status: Active, Period: period("2025-01-01", "2025-06-30"), Renewal: Renewal{Months: 6, NoticeDays: 60}},
			"2026-05-15", "2026-12-31"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, d(tt.end), tt.a.endAfterNotice(d(tt.notice)))
		})
	}
	require.Equal(t, practice.Period{Start: practice.NewDate(2027, time.August, 1), End: practice.NewDate(2028, time.July, 31)}, AcademicYear(2027))
}

func TestInputRules(t *testing.T) {
	t.Parallel()
	place := practice.NewID()
	valid := func() Input {
		return Input{OrganisationID: practice.NewID(), Name: "Avtale", Places: []Covered{{PlaceID: place}},
			Period: period("2027-01-01", "2028-12-31"), Scope: []string{"SYK"},
			Terms: []Term{{Programme: "SYK", AcademicYear: 2027, Students: 10, AtOnce: 4}}}
	}
	require.NoError(t, prepare(new(valid())))
	tests := []struct {
		name        string
		change      func(*Input)
		field, rule string
	}{
		{"end before start", func(in *Input) { in.Period.End = d("2026-12-31") }, "period.end", "gtefield"},
		{"no start", func(in *Input) { in.Period.Start = practice.Date{} }, "period.start", "required"},
		{"no places", func(in *Input) { in.Places = nil }, "places", "required"},
		{"a place twice", func(in *Input) { in.Places = append(in.Places, Covered{PlaceID: place, Only: true}) }, "places[1].placeId", "unique"},
		{"renewal without end", func(in *Input) { in.Period.End = practice.Date{}; in.Renewal.Months = 12 }, "period.end", "required_with"},
		{"negative renewal", func(in *Input) { in.Renewal.Months = -1 }, "renewal.months", "range"},
		{"notice too long", func(in *Input) { in.Renewal.NoticeDays = 4000 }, "renewal.noticeDays", "range"},
		{"a term out of scope", func(in *Input) { in.Terms[0].Programme = "LÆR" }, "terms[0].programme", "in-scope"},
		{"a term outside the period", func(in *Input) { in.Terms[0].AcademicYear = 2030 }, "terms[0].academicYear", "within"},
		{"a term twice", func(in *Input) { in.Terms = append(in.Terms, in.Terms[0]) }, "terms[1].academicYear", "unique"},
		{"more at once than in the year", func(in *Input) { in.Terms[0].AtOnce = 11 }, "terms[0].atOnce", "range"},
		{"no students", func(in *Input) { in.Terms[0].Students = 0 }, "terms[0].students", "range"},
		{"a programme twice in scope", func(in *Input) { in.Scope = []string{"SYK", "SYK"} }, "scope[1]", "unique"},
		{"a control character", func(in *Input) { in.Name = "Avtale\x00" }, "name", "control"},
		{"a status other than draft or active", func(in *Input) { in.Status = Terminated }, "status", "oneof"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := valid()
			tt.change(&in)
			err := prepare(&in)
			var v *practice.ValidationError
			require.ErrorAs(t, err, &v)
			found := false
			for _, f := range v.Fields {
				if f.Field == tt.field && f.Rule == tt.rule {
					found = true
				}
			}
			require.True(t, found, "want %s/%s in %v", tt.field, tt.rule, v.Fields)
		})
	}
	in := valid()
	in.Renewal.Months, in.Period.End, in.Terms[0].AcademicYear = 12, d("2027-12-31"), 2035
	require.NoError(t, prepare(&in), "a renewing agreement may state terms for years after its first term")
}
