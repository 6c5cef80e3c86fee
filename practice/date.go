package practice

import (
	"errors"
	"fmt"
	"time"
)

// DateLayout is the text form of a [Date]: ISO 8601, as in 2027-01-31.
const DateLayout = "2006-01-02"

// Date is a calendar date without a time of day or a time zone. The zero
// Date means "no date". Dates are comparable with ==.
type Date struct {
	year  int
	month time.Month
	day   int
}

// NewDate returns the date year-month-day, normalised as time.Date does
// (31 April becomes 1 May).
func NewDate(year int, month time.Month, day int) Date {
	return DateOf(time.Date(year, month, day, 0, 0, 0, 0, time.UTC))
}

// DateOf returns the date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{year: y, month: m, day: d}
}

// errDateSyntax is the error of ParseDate. It does not quote the text given,
// which could be anything, even a national identity number.
var errDateSyntax = errors.New("a date must be a calendar date in the form YYYY-MM-DD")

// The range of dates praksis takes as input: a practice calendar (place
// structures, agreements, practice periods) lies well inside it, and a date
// outside it (0000-01-01, 9999-12-31) is a mistake. [Validate] refuses a
// date field outside the range with the rule "range"; dates read back from
// storage are not checked.
var (
	// FirstDate is the earliest date accepted as input: 1 January 1970.
	FirstDate = NewDate(1970, time.January, 1)
	// LastDate is the latest date accepted as input: 31 December 2199.
	LastDate = NewDate(2199, time.December, 31)
)

// InRange reports whether d lies from FirstDate to LastDate; the zero Date
// does not.
func (d Date) InRange() bool { return !d.Before(FirstDate) && !d.After(LastDate) }

// checkDateRange returns the field error of a date outside the range.
func checkDateRange(field string, d Date) error {
	if d.IsZero() || d.InRange() {
		return nil
	}
	return Invalid(field, "range", "must be a date from "+FirstDate.String()+" to "+LastDate.String())
}

// ParseDate parses a date in [DateLayout]. It rejects dates that do not
// exist, such as 2027-02-29, but not dates outside the range of FirstDate
// and LastDate: [Validate] checks that.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return Date{}, errDateSyntax
	}
	return DateOf(t), nil
}

// Year returns the year of d.
func (d Date) Year() int { return d.year }

// Month returns the month of d.
func (d Date) Month() time.Month { return d.month }

// Day returns the day of the month of d.
func (d Date) Day() int { return d.day }

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Time returns midnight UTC at the start of d.
func (d Date) Time() time.Time {
	return time.Date(d.year, d.month, d.day, 0, 0, 0, 0, time.UTC)
}

// AddDays returns d plus n days (n may be negative).
func (d Date) AddDays(n int) Date {
	return NewDate(d.year, d.month, d.day+n)
}

// Compare returns -1 if d is before e, 0 if they are equal and +1 if d is after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.year != e.year:
		return cmpInt(d.year, e.year)
	case d.month != e.month:
		return cmpInt(int(d.month), int(e.month))
	default:
		return cmpInt(d.day, e.day)
	}
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// String returns d in [DateLayout], or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.year, d.month, d.day)
}

// MarshalText returns d in [DateLayout].
func (d Date) MarshalText() ([]byte, error) {
	return []byte(d.String()), nil
}

// UnmarshalText parses d from [DateLayout]; empty text gives the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Period is a span of whole days from Start to End, both included. A zero End
// means the period has no end. Use [Period.Validate] to check that End is not
// before Start.
type Period struct {
	// Start is the first day of the period.
	Start Date `json:"start"`
	// End is the last day of the period, or the zero Date for no end.
	End Date `json:"end,omitzero"`
}

// Open reports whether p has no end.
func (p Period) Open() bool { return p.End.IsZero() }

// Validate returns a *ValidationError if Start is missing, a date is
// outside the range of FirstDate and LastDate, or End is before Start.
func (p Period) Validate() error {
	var v ValidationError
	if p.Start.IsZero() {
		v.Add("start", "required", "a period needs a start date")
	}
	for _, f := range []struct {
		name string
		d    Date
	}{{"start", p.Start}, {"end", p.End}} {
		if !f.d.IsZero() && !f.d.InRange() {
			v.Add(f.name, "range", "must be a date from "+FirstDate.String()+" to "+LastDate.String())
		}
	}
	if !p.Open() && p.End.Before(p.Start) {
		v.Add("end", "gtefield", "the end date must not be before the start date")
	}
	return v.Err()
}

// Contains reports whether the day d lies in p.
func (p Period) Contains(d Date) bool {
	return !d.Before(p.Start) && (p.Open() || !d.After(p.End))
}

// Covers reports whether every day of q lies in p. An open q is covered only
// by an open p.
func (p Period) Covers(q Period) bool {
	if !p.Contains(q.Start) {
		return false
	}
	if q.Open() {
		return p.Open()
	}
	return p.Contains(q.End)
}

// Overlaps reports whether p and q share at least one day.
func (p Period) Overlaps(q Period) bool {
	return (p.Open() || !q.Start.After(p.End)) && (q.Open() || !p.Start.After(q.End))
}

// String returns "start/end" as in ISO 8601, with ".." for an open end.
func (p Period) String() string {
	if p.Open() {
		return p.Start.String() + "/.."
	}
	return p.Start.String() + "/" + p.End.String()
}

// Clock tells the time. A [Service] reads the time only through its Clock, so
// tests can fix it.
type Clock interface {
	Now() time.Time
}

// ClockFunc adapts a function to a [Clock].
type ClockFunc func() time.Time

// Now returns f().
func (f ClockFunc) Now() time.Time { return f() }

// SystemClock is the Clock of the running system.
var SystemClock Clock = ClockFunc(time.Now)
