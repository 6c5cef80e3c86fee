package agreement

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/praksis/praksis/practice"
)

// EndsOn returns the last day the agreement is in force, or the zero Date
// if it has no end: an active agreement that renews automatically has none
// until it is terminated.
func (a Agreement) EndsOn() practice.Date {
	if a.Status == Active && a.Renewal.Months > 0 {
		return practice.Date{}
	}
	return a.Period.End
}

// InForce reports whether the agreement is in force on d: it is not a
// draft, and d lies from its start to its end.
func (a Agreement) InForce(d practice.Date) bool {
	if a.Status != Active && a.Status != Terminated {
		return false
	}
	end := a.EndsOn()
	return !d.Before(a.Period.Start) && (end.IsZero() || !d.After(end))
}

// termEnd returns the last day of a renewing agreement's k-th term (0 for
// the first, as signed): each term starts on the day of the month the
// second term starts on, or on the month's last day if it has fewer days.
func (a Agreement) termEnd(k int) practice.Date {
	next := a.Period.End.AddDays(1)
	first := practice.NewDate(next.Year(), next.Month()+time.Month(k*a.Renewal.Months), 1)
	last := practice.NewDate(first.Year(), first.Month()+1, 0).Day()
	return practice.NewDate(first.Year(), first.Month(), min(next.Day(), last)).AddDays(-1)
}

// TermEnd returns the last day of the term in force on d of an active
// agreement that renews: the first end of a term on or after d. For any
// other it returns EndsOn.
func (a Agreement) TermEnd(d practice.Date) practice.Date {
	if a.Status != Active || a.Renewal.Months <= 0 || a.Period.End.IsZero() {
		return a.EndsOn()
	}
	for k := 0; ; k++ {
		if e := a.termEnd(k); !e.Before(d) || e.After(practice.LastDate) {
			return e
		}
	}
}

// endAfterNotice returns the last day of an agreement terminated with
// notice given on n: the end of the first term ending at least NoticeDays
// after n for one that renews, else NoticeDays after n or its end if that
// comes first.
func (a Agreement) endAfterNotice(n practice.Date) practice.Date {
	earliest := n.AddDays(a.Renewal.NoticeDays)
	if a.Renewal.Months > 0 && !a.Period.End.IsZero() {
		for k := 0; ; k++ {
			if e := a.termEnd(k); !e.Before(earliest) || e.After(practice.LastDate) {
				return e
			}
		}
	}
	if !a.Period.End.IsZero() && a.Period.End.Before(earliest) {
		return a.Period.End
	}
	return earliest
}

// The limits of an agreement's input.
const (
	maxRenewalMonths = 120
	maxNoticeDays    = 3650
	maxStudents      = 100000
)

// check checks the rules of an input that its tags do not: the period, the
// renewal, the scope and the terms. It returns a *ValidationError.
func (in Input) check() error {
	var v practice.ValidationError
	if in.Period.Start.IsZero() {
		v.Add("period.start", "required", "an agreement needs a start date")
	}
	if !in.Period.End.IsZero() && in.Period.End.Before(in.Period.Start) {
		v.Add("period.end", "gtefield", "the end date must not be before the start date")
	}
	switch r := in.Renewal; {
	case r.Months < 0 || r.Months > maxRenewalMonths:
		v.Add("renewal.months", "range", fmt.Sprintf("must be from 0 (no renewal) to %d months", maxRenewalMonths))
	case r.Months > 0 && in.Period.End.IsZero():
		v.Add("period.end", "required_with", "an agreement that renews needs the end of its first term")
	}
	if r := in.Renewal; r.NoticeDays < 0 || r.NoticeDays > maxNoticeDays {
		v.Add("renewal.noticeDays", "range", fmt.Sprintf("must be from 0 to %d days", maxNoticeDays))
	}
	if in.Status != "" && in.Status != Draft && in.Status != Active {
		v.Add("status", "oneof", "a new agreement is a draft or active")
	}
	seen := map[practice.ID]bool{}
	for i, c := range in.Places {
		if seen[c.PlaceID] && !c.PlaceID.IsZero() {
			v.Add(fmt.Sprintf("places[%d].placeId", i), "unique", "names a place named before")
		}
		seen[c.PlaceID] = true
	}
	scope := map[string]bool{}
	for i, p := range in.Scope {
		if scope[p] {
			v.Add(fmt.Sprintf("scope[%d]", i), "unique", "names a programme named before")
		}
		scope[p] = true
	}
	type yearOf struct {
		programme string
		year      int
	}
	terms := map[yearOf]bool{}
	for i, t := range in.Terms {
		f := fmt.Sprintf("terms[%d]", i)
		switch {
		case !practice.Visible(t.Programme) || len(t.Programme) > 50:
			// the tags report it
		case len(in.Scope) > 0 && !scope[t.Programme]:
			v.Add(f+".programme", "in-scope", "must be one of the programmes of the agreement's scope")
		case terms[yearOf{t.Programme, t.AcademicYear}]:
			v.Add(f+".academicYear", "unique", "the programme has a term for that year already")
		}
		terms[yearOf{t.Programme, t.AcademicYear}] = true
		if t.AcademicYear < practice.FirstDate.Year() || t.AcademicYear >= practice.LastDate.Year() {
			v.Add(f+".academicYear", "range", fmt.Sprintf("must be a year from %d to %d", practice.FirstDate.Year(), practice.LastDate.Year()-1))
		} else if y := AcademicYear(t.AcademicYear); !in.mayCover(y) {
			v.Add(f+".academicYear", "within", "the academic year must overlap the agreement's period")
		}
		if t.Students < 1 || t.Students > maxStudents {
			v.Add(f+".students", "range", fmt.Sprintf("must be from 1 to %d", maxStudents))
		}
		if t.AtOnce < 1 || t.AtOnce > t.Students {
			v.Add(f+".atOnce", "range", "must be from 1 to the students of the year")
		}
	}
	return v.Err()
}

// mayCover reports whether the agreement of in may be in force on a day of
// y: a renewing one from its start on.
func (in Input) mayCover(y practice.Period) bool {
	p := in.Period
	if in.Renewal.Months > 0 {
		p.End = practice.Date{}
	}
	return p.Start.IsZero() || p.Overlaps(y)
}

// trim trims the input's text, on copies of its lists.
func (in *Input) trim() {
	in.Name = strings.TrimSpace(in.Name)
	in.Places = slices.Clone(in.Places)
	in.Scope = slices.Clone(in.Scope)
	in.Terms = slices.Clone(in.Terms)
	for i := range in.Scope {
		in.Scope[i] = strings.TrimSpace(in.Scope[i])
	}
	for i := range in.Terms {
		in.Terms[i].Programme = strings.TrimSpace(in.Terms[i].Programme)
	}
}

// order orders the input's lists as a store keeps them.
func (in *Input) order() {
	slices.SortStableFunc(in.Places, compareCovered)
	slices.Sort(in.Scope)
	slices.SortStableFunc(in.Terms, func(a, b Term) int {
		return cmp.Or(cmp.Compare(a.Programme, b.Programme), cmp.Compare(a.AcademicYear, b.AcademicYear))
	})
}
