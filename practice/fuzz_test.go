package practice_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/praksis/praksis/practice"
)

// The fuzz targets of the kernel's parsers and checks (FuzzParseNationalID
// is in nationalid_test.go). Each runs its seeds as a test; `go test -fuzz
// '^FuzzX$'` explores further.

func FuzzValidOrgNumber(f *testing.F) {
	for _, s := range []string{"974760673", "993467049", "000000000", "974760674", "97476067", "974 760 673", "９７４７６０６７３"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !practice.ValidOrgNumber(s) {
			return
		}
		if len(s) != 9 || s[0] != '8' && s[0] != '9' || strings.TrimLeft(s, "0123456789") != "" {
			t.Fatalf("%q is accepted but is not nine digits starting with 8 or 9", s)
		}
		valid := 0
		for d := '0'; d <= '9'; d++ {
			if practice.ValidOrgNumber(s[:8] + string(d)) {
				valid++
			}
		}
		if valid != 1 {
			t.Fatalf("the first eight digits of %q admit %d check digits", s, valid)
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2027-01-31", "2027-02-29", "2028-02-29", "0000-01-01", "9999-12-31", "2027-1-1", "31.12.2027", "12897810032", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := practice.ParseDate(s)
		if err != nil {
			if s != "" && len(s) > 3 && strings.Contains(err.Error(), s) {
				t.Fatal("an error quotes the text given")
			}
			return
		}
		if d.String() != s {
			t.Fatalf("%q parses to %s", s, d)
		}
		if verr := practice.Validate(practice.NewPlace{OrganisationID: practice.NewID(), Name: "X", From: d}); (verr == nil) != d.InRange() {
			t.Fatalf("Validate and InRange disagree on %s: %v", d, verr)
		}
	})
}

func FuzzMaskNationalIDs(f *testing.F) {
	f.Add("/api/people/", uint64(12897810032), "abc", uint8(6), "_")
	f.Add("fnr=", uint64(1507650056), "&x=1", uint8(3), ", ")
	f.Add("", uint64(0), "", uint8(0), "")
	f.Fuzz(func(t *testing.T, prefix string, n uint64, suffix string, at uint8, sep string) {
		noDigits := func(s string) string {
			return strings.Map(func(r rune) rune {
				if unicode.IsDigit(r) {
					return -1
				}
				return r
			}, s)
		}
		// A separator of up to three characters that are neither letters
		// nor digits, put after the at-th digit.
		sep = strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) || unicode.IsDigit(r) || r == utf8.RuneError {
				return -1
			}
			return r
		}, sep)
		if utf8.RuneCountInString(sep) > 3 {
			sep = string([]rune(sep)[:3])
		}
		nid := fmt.Sprintf("%011d", n%100_000_000_000)
		cut := int(at) % 12
		spelled := nid[:cut] + sep + nid[cut:]
		s := noDigits(prefix) + " " + spelled + " " + noDigits(suffix)
		got := practice.MaskNationalIDs(s)
		if strings.Contains(got, spelled) || strings.Count(got, "*") < 11+strings.Count(s, "*") {
			t.Fatalf("eleven digits standing alone are not masked in %q", got)
		}
		if utf8.ValidString(s) && utf8.RuneCountInString(got) != utf8.RuneCountInString(s) {
			t.Fatal("masking keeps the number of characters")
		}
		if practice.MaskNationalIDs(got) != got {
			t.Fatal("masking twice changes nothing more")
		}
	})
}

func FuzzCursor(f *testing.F) {
	f.Add("Øystein", "0190f5a2-7b3c-7d4e-8f5a-1b2c3d4e5f60", "garbage")
	f.Add("", "", "W10")
	f.Add("a\x00", "b", "")
	f.Fuzz(func(t *testing.T, a, b, raw string) {
		if _, err := practice.Cursor(raw).Key(2); err != nil && practice.Message(err) == "" {
			t.Fatal("a bad cursor is a validation error")
		}
		if !utf8.ValidString(a) || !utf8.ValidString(b) {
			return // stores make cursors of the text they hold, which is valid UTF-8
		}
		c := practice.NewCursor(a, b)
		key, err := c.Key(2)
		if !storable(a) || !storable(b) || len(c) > 4096 {
			if err == nil || practice.Message(err) == "" {
				t.Fatalf("a cursor of a key no store holds, or too long, is refused as invalid, got %v", err)
			}
			return
		}
		if err != nil || key[0] != a || key[1] != b {
			t.Fatalf("a cursor does not round-trip its key: %v %v", key, err)
		}
	})
}

// storable reports whether s, valid UTF-8, is text a store may hold:
// without control characters or bidirectional controls.
func storable(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069' {
			return false
		}
	}
	return true
}

func FuzzValidatePerson(f *testing.F) {
	f.Add("Kari Nordmann", "kari@example.no", "+47 400 00 000", "Førstehjelp")
	f.Add("\u200b", "x", "\x00", "\u202e")
	f.Fuzz(func(t *testing.T, name, email, phone, teaches string) {
		in := practice.PersonInput{Name: name, Email: email, Phone: phone, Profile: practice.Profile{Teaches: []string{teaches}}}
		err := practice.Validate(in)
		if err != nil {
			if practice.Message(err) == "" {
				t.Fatalf("a refusal is a validation error: %v", err)
			}
			return
		}
		for _, s := range []string{name, email, phone, teaches} {
			if !utf8.ValidString(s) || strings.ContainsAny(s, "\x00\n\r\u202e") {
				t.Fatalf("accepted text breaks a rule: %q", s)
			}
		}
		if !practice.Visible(name) {
			t.Fatalf("an accepted name is visible: %q", name)
		}
	})
}
