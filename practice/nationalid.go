package practice

import (
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// NationalID is a Norwegian national identity number: an ordinary
// fødselsnummer, a D-number (day + 40, for people with a temporary connection
// to Norway), an H-number (month + 40, an auxiliary number used inside health
// services) or a synthetic test number from Skatteetaten's test data (Tenor:
// month + 80, possibly combined with the D-number offset).
//
// The number is personal data, so it is masked whenever it is printed: fmt
// with any verb, slog, MarshalText (and so encoding/json) and String show at
// most the first six digits (the birth date, for example "010107*****").
// [NationalID.Reveal] is the only way to get the digits.
//
// The zero value is the absent number. A NationalID is comparable; two values
// are equal when they hold the same text. ParseNationalID returns only valid
// numbers; UnmarshalText stores any text unvalidated, so a value that came from
// JSON must be validated (the "natid" rule of [Validator] does that).
type NationalID struct {
	// obscured is the number as given with every byte XOR-ed with
	// natIDObscureKey. fmt cannot call the masking methods on a NationalID
	// held in an unexported struct field, %p prints the struct's fields
	// without calling Format, and reflection-based dumpers (such as the one
	// testify uses in failure messages) print fields directly; storing the
	// text obscured keeps those paths from printing the digits in clear text.
	obscured string
}

// ErrInvalidNationalID is wrapped by every error ParseNationalID returns.
var ErrInvalidNationalID = errors.New("invalid national identity number")

// The reasons ParseNationalID gives, each wrapped together with
// ErrInvalidNationalID. No message contains a digit, so an error can never
// reveal any part of the number.
var (
	errNatIDNonDigit = errors.New("contains a character that is not a digit")
	errNatIDLength   = errors.New("must be exactly eleven digits")
	errNatIDDate     = errors.New("the first six digits are not a valid birth date")
	errNatIDCheck1   = errors.New("the first check digit is wrong")
	errNatIDCheck2   = errors.New("the second check digit is wrong")
)

// NationalIDKind tells which kind of number a [NationalID] is. Whether it is
// a synthetic test number is told separately by [NationalID.Synthetic],
// because a synthetic number can also be a D-number.
type NationalIDKind int

const (
	// Fodselsnummer is an ordinary birth number.
	Fodselsnummer NationalIDKind = iota + 1
	// DNumber is a D-number: the day of the birth date plus 40.
	DNumber
	// HNumber is an H-number: the month of the birth date plus 40.
	HNumber
)

// String returns "fødselsnummer", "D-number" or "H-number".
func (k NationalIDKind) String() string {
	switch k {
	case Fodselsnummer:
		return "fødselsnummer"
	case DNumber:
		return "D-number"
	case HNumber:
		return "H-number"
	}
	return "NationalIDKind(" + strconv.Itoa(int(k)) + ")"
}

// natIDObscureKey is XOR-ed with every byte of the stored text. It is no
// secret; it only keeps the digits from being readable where the masking
// methods cannot run.
const natIDObscureKey = 0xAA

// natIDObscure XORs every byte of s with natIDObscureKey; it is its own
// inverse.
func natIDObscure(s string) string {
	b := []byte(s)
	for i := range b {
		b[i] ^= natIDObscureKey
	}
	return string(b)
}

// natIDInfo is what natIDAnalyse learns from a valid number.
type natIDInfo struct {
	kind      NationalIDKind
	synthetic bool
	birth     Date // the zero Date when !birthKnown
	// birthKnown is false when the century cannot be derived from the
	// individual number (see natIDCentury).
	birthKnown bool
}

// ParseNationalID parses and fully validates a Norwegian national identity
// number given as eleven digits, ignoring surrounding white space.
//
// It checks, in this order, that the text is digits only, that there are
// eleven of them, that the first six (after removing the D-number,
// H-number and synthetic offsets) are a real calendar date, and the two
// check digits. The first check digit follows the rule Skatteetaten
// introduces for numbers issued from 1 January 2032: the weighted sum of the
// first ten digits (weights 3 7 6 1 8 9 4 5 2 1) modulo 11 must be 0, 1, 2
// or 3; numbers issued earlier all have remainder 0. The weighted sum of all
// eleven digits (weights 5 4 3 2 7 6 5 4 3 2 1) must be divisible by 11.
//
// The century of the birth date is derived from the individual number
// (digits 7–9) by the rules in force since 1964 (000–499: 1900–1999;
// 500–749 with year 54–99: 1854–1899; 500–999 with year 00–39: 2000–2039;
// 900–999 with year 40–99: 1940–1999). From 2032 the individual number no
// longer tells the century (Skatteetaten, "Nytt fødselsnummer fra 2032"),
// so a combination outside these rules is not an error: the date is then
// checked as a date of the 2000s, as Skatteetaten's reference validator does,
// and [NationalID.BirthDate] reports that it does not know the date.
//
// Every error wraps [ErrInvalidNationalID] and says what is wrong; no error
// message contains the number or any digit of it.
func ParseNationalID(s string) (NationalID, error) {
	s = strings.TrimSpace(s)
	if _, err := natIDAnalyse(s); err != nil {
		return NationalID{}, err
	}
	return NationalID{obscured: natIDObscure(s)}, nil
}

// ValidNationalID reports whether s, ignoring surrounding white space, is a
// valid Norwegian national identity number (see [ParseNationalID]).
func ValidNationalID(s string) bool {
	_, err := ParseNationalID(s)
	return err == nil
}

// natIDInvalid returns the error for reason.
func natIDInvalid(reason error) error {
	return fmt.Errorf("%w: %w", ErrInvalidNationalID, reason)
}

// natIDAnalyse validates s (already trimmed) and tells what kind of number
// it is.
func natIDAnalyse(s string) (natIDInfo, error) {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return natIDInfo{}, natIDInvalid(errNatIDNonDigit)
		}
	}
	if len(s) != 11 {
		return natIDInfo{}, natIDInvalid(errNatIDLength)
	}
	var d [11]int
	for i := range d {
		d[i] = int(s[i] - '0')
	}

	info := natIDInfo{kind: Fodselsnummer}
	day, month, yy := d[0]*10+d[1], d[2]*10+d[3], d[4]*10+d[5]
	individual := d[6]*100 + d[7]*10 + d[8]
	switch d[0] {
	case 4, 5, 6, 7:
		info.kind, day = DNumber, day-40
	case 8, 9:
		return natIDInfo{}, natIDInvalid(errNatIDDate)
	}
	switch {
	case month >= 41 && month <= 52:
		if info.kind == DNumber { // the day and month offsets are never combined
			return natIDInfo{}, natIDInvalid(errNatIDDate)
		}
		info.kind, month = HNumber, month-40
	case month >= 81 && month <= 92:
		info.synthetic, month = true, month-80
	}

	var sum1, sum2 int
	for i, w := range [10]int{3, 7, 6, 1, 8, 9, 4, 5, 2, 1} {
		sum1 += w * d[i]
	}
	for i, w := range [11]int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1} {
		sum2 += w * d[i]
	}
	rem1 := sum1 % 11

	century, known := natIDCentury(individual, yy)
	// A remainder other than 0 marks a number issued under the 2032 rules,
	// whose individual number no longer tells the century.
	known = known && rem1 == 0
	year := 2000 + yy // leap exactly when yy%4 == 0, 00 included
	if known {
		year = century + yy
	}
	if month < 1 || month > 12 || day < 1 || day > natIDDaysIn(year, month) {
		return natIDInfo{}, natIDInvalid(errNatIDDate)
	}
	if rem1 > 3 {
		return natIDInfo{}, natIDInvalid(errNatIDCheck1)
	}
	if sum2%11 != 0 {
		return natIDInfo{}, natIDInvalid(errNatIDCheck2)
	}
	if known {
		info.birth = NewDate(year, time.Month(month), day)
		info.birthKnown = true
	}
	return info, nil
}

// natIDCentury returns the first year of the century (1800, 1900 or 2000)
// that individual number individual and two-digit year yy give under the
// rules in force since 1964, and false when the combination is outside those
// rules (possible for numbers issued from 2032, and for synthetic numbers).
func natIDCentury(individual, yy int) (int, bool) {
	switch {
	case individual <= 499:
		return 1900, true
	case individual <= 749 && yy >= 54:
		return 1800, true
	case yy <= 39: // 500–999
		return 2000, true
	case individual >= 900: // year 40–99
		return 1900, true
	}
	return 0, false
}

// natIDDaysIn returns the number of days in month (1–12) of year.
func natIDDaysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// IsZero reports whether n is the zero value, the absent number.
func (n NationalID) IsZero() bool { return n.obscured == "" }

// Reveal returns the number's digits (for a value set by UnmarshalText, the
// text as stored). It is the only method that does; call it only where the
// digits are needed, such as storage or an outgoing integration, and never
// to print or log them.
func (n NationalID) Reveal() string { return natIDObscure(n.obscured) }

// String returns the number masked: the first six digits followed by five
// '*', for example "010107*****". A stored text that is not eleven digits
// (possible after UnmarshalText) is masked entirely: one '*' per character,
// and at least eleven. The zero value gives "".
func (n NationalID) String() string {
	if n.IsZero() {
		return ""
	}
	s := n.Reveal()
	if len(s) == 11 && natIDDigitsOnly(s) {
		return s[:6] + "*****"
	}
	return strings.Repeat("*", max(len([]rune(s)), 11))
}

// natIDDigitsOnly reports whether s has only ASCII digits.
func natIDDigitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// GoString returns the masked form, as String does, so %#v does not reveal
// the number either.
func (n NationalID) GoString() string { return n.String() }

// Format implements fmt.Formatter so that every verb (%v, %s, %q, %d, %x,
// %+v, %#v, ...) prints the masked form. %q quotes it; width, precision and
// the '-' flag apply as they do to a string.
func (n NationalID) Format(f fmt.State, verb rune) {
	if verb != 'q' {
		verb = 's'
	}
	_, _ = fmt.Fprintf(f, fmt.FormatString(f, verb), n.String())
}

// LogValue implements slog.LogValuer: log/slog records the masked form.
func (n NationalID) LogValue() slog.Value { return slog.StringValue(n.String()) }

// MarshalText returns the masked form, so JSON output, logs and anything
// else that encodes a NationalID as text never carry the digits. Code that
// must store or send the digits uses [NationalID.Reveal].
func (n NationalID) MarshalText() ([]byte, error) { return []byte(n.String()), nil }

// UnmarshalText stores the text with surrounding white space removed, as it
// is and without validating it, so that a validator can report a bad value
// with its field name. It never returns an error.
func (n *NationalID) UnmarshalText(b []byte) error {
	n.obscured = natIDObscure(strings.TrimSpace(string(b)))
	return nil
}

// Kind tells which kind of number n is, or 0 if n is not a valid number.
func (n NationalID) Kind() NationalIDKind {
	info, err := natIDAnalyse(n.Reveal())
	if err != nil {
		return 0
	}
	return info.kind
}

// Synthetic reports whether n is a valid synthetic test number from
// Skatteetaten's test data (month + 80). A synthetic number can also be a
// D-number.
func (n NationalID) Synthetic() bool {
	info, err := natIDAnalyse(n.Reveal())
	return err == nil && info.synthetic
}

// BirthDate returns the birth date n encodes, with the
// D-number, H-number and synthetic offsets removed. It returns false if n is
// not valid or if the century cannot be derived from the individual number:
// when the combination is outside the 1964 rules, or when the first check
// digit shows that the number was issued under the 2032 rules (remainder 1,
// 2 or 3), for which Skatteetaten says the individual number no longer tells
// the century. Even when it returns true, a number issued from 2032 may give
// the wrong century; Folkeregisteret's birth date field is authoritative.
func (n NationalID) BirthDate() (Date, bool) {
	info, err := natIDAnalyse(n.Reveal())
	if err != nil || !info.birthKnown {
		return Date{}, false
	}
	return info.birth, true
}
