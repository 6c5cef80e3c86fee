package practice

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Sources of the published example numbers used below:
//
//   - [skatteetaten-csv]: the test vectors Skatteetaten publishes with its
//     reference validator, docs/dokumenter/foedselsEllerDNummerValidator/
//     foedselsnummer.csv in github.com/Skatteetaten/folkeregisteret-api-dokumentasjon.
//   - [skatteetaten-2032]: the worked examples on Skatteetaten's page "Nytt
//     fødselsnummer fra 2032",
//     https://skatteetaten.github.io/folkeregisteret-api-dokumentasjon/nytt-fodselsnummer-fra-2032/
//   - [nav]: the tests of NAV's validator, tests/fnr.spec.ts in
//     github.com/navikt/fnrvalidator ("all numbers are auto-generated").
//   - [fnrinfo]: the worked example on fnrinfo.no, "Beregning av kontrollsiffer".
//   - [constructed]: built by natIDTestMake for the case at hand.

// natIDTestMake completes the nine digits first9 (birth date and individual
// number) with the two check digits, choosing the first check digit so that
// its weighted sum leaves remainder rem (0 for every number issued before
// 2032; 1, 2 or 3 only under the 2032 rule). It fails t if no digit works.
func natIDTestMake(t testing.TB, first9 string, rem int) string {
	t.Helper()
	require.Len(t, first9, 9)
	w1 := []int{3, 7, 6, 1, 8, 9, 4, 5, 2}
	w2 := []int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2}
	sum := 0
	for i, w := range w1 {
		sum += w * int(first9[i]-'0')
	}
	k1 := ((rem-sum)%11 + 11) % 11
	require.Less(t, k1, 10, "no first check digit gives remainder %d", rem)
	first10 := first9 + string(rune('0'+k1))
	sum = 0
	for i, w := range w2 {
		sum += w * int(first10[i]-'0')
	}
	k2 := (11 - sum%11) % 11
	require.Less(t, k2, 10, "no second check digit")
	return first10 + string(rune('0'+k2))
}

func TestNatIDTestMakeMatchesSkatteetaten(t *testing.T) {
	t.Parallel()
	// [skatteetaten-2032]: person born 02.01.2032, and two people born
	// 30.10.1982, with remainders 0 and 1.
	require.Equal(t, "02013299997", natIDTestMake(t, "020132999", 0))
	require.Equal(t, "30108299920", natIDTestMake(t, "301082999", 0))
	require.Equal(t, "30108299939", natIDTestMake(t, "301082999", 1))
	// [fnrinfo]
	require.Equal(t, "31129956715", natIDTestMake(t, "311299567", 0))
}

func natIDDate(y int, m time.Month, d int) Date {
	return NewDate(y, m, d)
}

func TestParseNationalIDValid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		in        string
		kind      NationalIDKind
		synthetic bool
		birth     Date // zero: BirthDate reports false
	}{
		// [skatteetaten-csv]
		{"real 1964 number", "20036914700", Fodselsnummer, false, natIDDate(1969, time.March, 20)},
		{"leap day 2000", "29020073150", Fodselsnummer, false, natIDDate(2000, time.February, 29)},
		{"real 2032 number, remainder 1", "30108299939", Fodselsnummer, false, Date{}},
		{"synthetic 2032 number, remainder 2", "30908299902", Fodselsnummer, true, Date{}},
		{"synthetic 1964 number", "03851598730", Fodselsnummer, true, natIDDate(2015, time.May, 3)},
		{"real 2032 D-number, remainder 2", "55102499947", DNumber, false, Date{}},
		{"synthetic 2032 D-number", "41819077906", DNumber, true, Date{}},
		// Individual number 773 with year 90 is outside the 1964 century rules,
		// yet Skatteetaten lists it as valid: the number is accepted and the
		// birth date is unknown.
		{"synthetic 1964 D-number", "41819077302", DNumber, true, Date{}},

		// [skatteetaten-2032]
		{"born 02.01.2032", "02013299997", Fodselsnummer, false, natIDDate(2032, time.January, 2)},
		{"born 30.10.1982, 2032 series, remainder 0", "30108299920", Fodselsnummer, false, natIDDate(1982, time.October, 30)},

		// [nav]
		{"nav fnr", "13097248022", Fodselsnummer, false, natIDDate(1972, time.September, 13)},
		{"nav leap year", "29029648784", Fodselsnummer, false, natIDDate(1996, time.February, 29)},
		{"nav year 00 is 2000", "29020075838", Fodselsnummer, false, natIDDate(2000, time.February, 29)},
		{"nav check digit 11 becomes 0", "15021951940", Fodselsnummer, false, natIDDate(2019, time.February, 15)},
		{"nav D-number", "53097248016", DNumber, false, natIDDate(1972, time.September, 13)},
		{"nav H-number", "13527248013", HNumber, false, natIDDate(1972, time.December, 13)},
		{"nav synthetic number", "10915596784", Fodselsnummer, true, natIDDate(1955, time.November, 10)},
		{"nav synthetic D-number", "50846202355", DNumber, true, natIDDate(1962, time.April, 10)},
		{"nav D-number in 2032 series", "70108299914", DNumber, false, natIDDate(1982, time.October, 30)},

		// [fnrinfo]: individual number 567 with year 99 is the 1800s.
		{"born 1899", "31129956715", Fodselsnummer, false, natIDDate(1899, time.December, 31)},

		// [constructed]: valid only under the 2032 rule (remainder 3).
		{"2032 rule only, remainder 3", natIDTestMake(t, "241299124", 3), Fodselsnummer, false, Date{}},
		{"2032 rule only, remainder 3, 2000s", natIDTestMake(t, "010107125", 3), Fodselsnummer, false, Date{}},
		// [constructed]: individual number 800 with year 90 is outside the
		// 1964 rules (possible from 2032): valid, birth date unknown.
		{"individual number outside the 1964 rules", natIDTestMake(t, "010190800", 0), Fodselsnummer, false, Date{}},
		// [constructed]: 29.02.00 with individual number 123 would be 1900,
		// not a leap year (see TestParseNationalIDInvalid), but with remainder
		// 1 the number is from 2032 and the century unknown, so the date is
		// checked as one of the 2000s, as Skatteetaten's validator does.
		{"29 February 00 under the 2032 rule", natIDTestMake(t, "290200123", 1), Fodselsnummer, false, Date{}},
		// [constructed]: an H-number with the 2000s century.
		{"H-number 2000s", natIDTestMake(t, "015205999", 0), HNumber, false, natIDDate(2005, time.December, 1)},
		// [constructed]: a synthetic D-number, 31 December 1999.
		{"synthetic D-number 31 December", natIDTestMake(t, "719299123", 0), DNumber, true, natIDDate(1999, time.December, 31)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n, err := ParseNationalID(tt.in)
			require.NoError(t, err)
			require.True(t, ValidNationalID(tt.in))
			require.False(t, n.IsZero())
			require.Equal(t, tt.in, n.Reveal())
			require.Equal(t, tt.kind, n.Kind())
			require.Equal(t, tt.synthetic, n.Synthetic())
			birth, ok := n.BirthDate()
			require.Equal(t, !tt.birth.IsZero(), ok)
			require.Equal(t, tt.birth, birth)
			require.Equal(t, tt.in[:6]+"*****", n.String())

			again, err := ParseNationalID(" \t" + tt.in + "\n ")
			require.NoError(t, err, "surrounding white space is ignored")
			require.Equal(t, n, again)
		})
	}
}

func TestParseNationalIDInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		in     string
		reason error
	}{
		{"empty", "", errNatIDLength},
		{"only white space", " \t\n", errNatIDLength},
		{"ten digits", "1309724802", errNatIDLength},
		{"twelve digits", "130972480221", errNatIDLength},
		{"letter", "1309724802a", errNatIDNonDigit},
		{"dash", "130972-48022", errNatIDNonDigit},
		{"inner space", "130972 48022", errNatIDNonDigit},
		{"full-width digits", "１３０９７２４８０２２", errNatIDNonDigit},
		{"letters only", "abcdefghijk", errNatIDNonDigit},

		// [skatteetaten-csv]: 29.02.1901.
		{"29 February in a non-leap year", "29020105729", errNatIDDate},
		// [constructed]: individual number 123 makes 29.02.00 the year 1900,
		// which is not a leap year.
		{"29 February 1900", natIDTestMake(t, "290200123", 0), errNatIDDate},
		// [constructed]
		{"31 April", natIDTestMake(t, "310472480", 0), errNatIDDate},
		{"day 00", natIDTestMake(t, "000172480", 0), errNatIDDate},
		{"month 00", natIDTestMake(t, "130072480", 0), errNatIDDate},
		{"month 53", natIDTestMake(t, "015372480", 0), errNatIDDate},
		{"month 93", natIDTestMake(t, "019372480", 0), errNatIDDate},
		{"first digit 8", natIDTestMake(t, "810172480", 0), errNatIDDate},
		{"D-number day 40", natIDTestMake(t, "400172480", 0), errNatIDDate},
		{"D-number day 72", natIDTestMake(t, "720172480", 1), errNatIDDate},
		{"synthetic D-number 31 April", natIDTestMake(t, "718472480", 1), errNatIDDate},
		// [nav]: the day and month offsets combined ("dnr-and-hnr"), which
		// NAV accepts for its own test identities; here it is rejected.
		{"D-number and H-number combined", "68467038838", errNatIDDate},
		// [nav]: day 32 and month 13 (their check digits are wrong too; the
		// date is reported first).
		{"day 32", "32127248022", errNatIDDate},
		{"month 13", "13137248022", errNatIDDate},

		// [nav]: first check digit wrong (remainder 10).
		{"first check digit", "02013299987", errNatIDCheck1},
		// [constructed]: remainder 4, just outside the 2032 rule.
		{"first check digit, remainder 4", "15038532160", errNatIDCheck1},
		// [skatteetaten-csv]: listed as invalid; its first check digit passes
		// the 2032 rule (remainder 1) but the second is wrong.
		{"second check digit, skatteetaten", "20036914712", errNatIDCheck2},
		// [nav]: "should reject if checksum 1 is invalid". Under the 2032 rule
		// the first check digit is acceptable (remainder 1); the second fails.
		{"nav wrong first check digit", "13097248032", errNatIDCheck2},
		// [nav]
		{"second check digit", "13097248023", errNatIDCheck2},
		{"second check digit, 2032 series", "02013299996", errNatIDCheck2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n, err := ParseNationalID(tt.in)
			require.Error(t, err)
			require.ErrorIs(t, err, ErrInvalidNationalID)
			require.ErrorIs(t, err, tt.reason)
			require.True(t, n.IsZero())
			require.False(t, ValidNationalID(tt.in))
			msg := err.Error()
			require.True(t, strings.HasPrefix(msg, ErrInvalidNationalID.Error()+": "), msg)
			require.False(t, strings.ContainsAny(msg, "0123456789"), "error %q contains a digit", msg)

			// A value that bypassed validation reports no kind and no date.
			var stored NationalID
			require.NoError(t, stored.UnmarshalText([]byte(tt.in)))
			require.Zero(t, stored.Kind())
			require.False(t, stored.Synthetic())
			_, ok := stored.BirthDate()
			require.False(t, ok)
		})
	}
}

// TestParseNationalIDRemainder4 makes sure the constructed case above really
// has remainder 4, one more than the 2032 rule allows.
func TestParseNationalIDRemainder4(t *testing.T) {
	t.Parallel()
	in := "15038532160"
	sum := 0
	for i, w := range []int{3, 7, 6, 1, 8, 9, 4, 5, 2, 1} {
		sum += w * int(in[i]-'0')
	}
	require.Equal(t, 4, sum%11)
}

// TestParseNationalIDOneRuleEach checks that for each remainder 0–3 a
// constructed number is valid and that nothing else in the 2032 series of
// that date and individual number is.
func TestParseNationalIDOneRuleEach(t *testing.T) {
	t.Parallel()
	for _, first9 := range []string{"010107125", "241299124", "310472480"} {
		t.Run(first9, func(t *testing.T) {
			t.Parallel()
			want := map[string]bool{}
			for rem := 0; rem <= 3; rem++ {
				want[natIDTestMake(t, first9, rem)] = true
			}
			for k := 0; k <= 99; k++ {
				s := fmt.Sprintf("%s%02d", first9, k)
				if first9 == "310472480" { // 31 April: never valid
					require.False(t, ValidNationalID(s), s)
					continue
				}
				require.Equal(t, want[s], ValidNationalID(s), s)
			}
		})
	}
}

func TestNationalIDKindString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind NationalIDKind
		want string
	}{
		{Fodselsnummer, "fødselsnummer"},
		{DNumber, "D-number"},
		{HNumber, "H-number"},
		{0, "NationalIDKind(0)"},
		{9, "NationalIDKind(9)"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, tt.kind.String())
		})
	}
}

func TestNationalIDZero(t *testing.T) {
	t.Parallel()
	var n NationalID
	require.True(t, n.IsZero())
	require.Equal(t, "", n.Reveal())
	require.Equal(t, "", n.String())
	require.Equal(t, "", n.GoString())
	require.Equal(t, "", fmt.Sprint(n))
	require.Zero(t, n.Kind())
	require.False(t, n.Synthetic())
	_, ok := n.BirthDate()
	require.False(t, ok)
	text, err := n.MarshalText()
	require.NoError(t, err)
	require.Empty(t, text)

	b, err := json.Marshal(struct {
		ID NationalID `json:"id,omitzero"`
	}{})
	require.NoError(t, err)
	require.JSONEq(t, `{}`, string(b))
}

func TestNationalIDUnmarshalText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		in     string
		stored string
		masked string
		kind   NationalIDKind
	}{
		{"valid", "13097248022", "13097248022", "130972*****", Fodselsnummer},
		{"trimmed", " 13097248022\n", "13097248022", "130972*****", Fodselsnummer},
		{"eleven digits, invalid", "13097248023", "13097248023", "130972*****", 0},
		{"short", "abc", "abc", "***********", 0},
		{"long", "1234567890123", "1234567890123", "*************", 0},
		{"eleven characters, not digits", "13097-48022", "13097-48022", "***********", 0},
		{"multibyte", "ææææææææææææ", "ææææææææææææ", "************", 0},
		{"empty", "  ", "", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var n NationalID
			require.NoError(t, n.UnmarshalText([]byte(tt.in)))
			require.Equal(t, tt.stored, n.Reveal())
			require.Equal(t, tt.stored == "", n.IsZero())
			require.Equal(t, tt.masked, n.String())
			require.Equal(t, tt.masked, fmt.Sprintf("%v", n))
			require.Equal(t, tt.kind, n.Kind())
			require.Equal(t, tt.kind != 0, ValidNationalID(n.Reveal()))
		})
	}
}

func TestNationalIDJSON(t *testing.T) {
	t.Parallel()
	n, err := ParseNationalID("13097248022")
	require.NoError(t, err)

	type holder struct {
		ID  NationalID  `json:"id"`
		Ptr *NationalID `json:"ptr"`
	}
	b, err := json.Marshal(holder{ID: n, Ptr: &n})
	require.NoError(t, err)
	require.JSONEq(t, `{"id":"130972*****","ptr":"130972*****"}`, string(b))

	// Decoding stores the text unvalidated; validation is the validator's.
	var h holder
	require.NoError(t, json.Unmarshal([]byte(`{"id":" 13097248022 ","ptr":"not a number"}`), &h))
	require.Equal(t, n, h.ID)
	require.Equal(t, "not a number", h.Ptr.Reveal())
	require.False(t, ValidNationalID(h.Ptr.Reveal()))
}

// natIDLeakSamples returns valid numbers of every kind for the leak tests.
func natIDLeakSamples(t *testing.T) []NationalID {
	t.Helper()
	var out []NationalID
	for _, s := range []string{"13097248022", "53097248016", "13527248013", "41819077906", "30108299939"} {
		n, err := ParseNationalID(s)
		require.NoError(t, err)
		out = append(out, n)
	}
	return out
}

// requireNatIDHidden fails t if out contains n's digits, or its last five
// digits (the personal number) anywhere but in the masked form.
func requireNatIDHidden(t testing.TB, n NationalID, out string) {
	t.Helper()
	digits := n.Reveal()
	require.NotContains(t, out, digits)
	require.NotContains(t, strings.ReplaceAll(out, n.String(), "*"), digits[6:])
}

func TestNationalIDFmtNeverReveals(t *testing.T) {
	t.Parallel()
	verbs := []string{
		"%v", "%+v", "%#v", "%s", "%q", "%#q", "%+q", "%x", "%X", "% x", "%d", "%b", "%o", "%O",
		"%c", "%U", "%e", "%f", "%g", "%t", "%p", "%T", "%w", "%z", "%20s", "%-20v", "%.3s", "%011d",
	}
	for _, n := range natIDLeakSamples(t) {
		type exported struct {
			ID NationalID
		}
		type unexported struct {
			id NationalID
		}
		values := []any{
			n, &n, []NationalID{n}, map[string]NationalID{"k": n}, map[NationalID]int{n: 1},
			exported{n}, &exported{n}, unexported{n}, &unexported{n}, []any{n},
		}
		for _, verb := range verbs {
			for _, v := range values {
				requireNatIDHidden(t, n, fmt.Sprintf(verb, v))
			}
		}
		requireNatIDHidden(t, n, fmt.Sprint(n, &n))
		requireNatIDHidden(t, n, fmt.Sprintln(n, unexported{n}))
		requireNatIDHidden(t, n, n.String())
		requireNatIDHidden(t, n, n.GoString())
		requireNatIDHidden(t, n, fmt.Errorf("wrapped %v: %w", n, errors.New("x")).Error())

		masked := n.Reveal()[:6] + "*****"
		require.Equal(t, masked, fmt.Sprintf("%v", n))
		require.Equal(t, masked, fmt.Sprintf("%s", &n))
		require.Equal(t, masked, fmt.Sprintf("%d", n))
		require.Equal(t, masked, fmt.Sprintf("%#v", n))
		require.Equal(t, `"`+masked+`"`, fmt.Sprintf("%q", n))
		require.Equal(t, "{ID:"+masked+"}", fmt.Sprintf("%+v", exported{n}))
		require.Equal(t, fmt.Sprintf("%-15s|", masked), fmt.Sprintf("%-15v|", n))
	}
}

func TestNationalIDSlogNeverReveals(t *testing.T) {
	t.Parallel()
	for _, n := range natIDLeakSamples(t) {
		type exported struct {
			ID NationalID
		}
		type unexported struct {
			id NationalID
		}
		for _, name := range []string{"text", "json"} {
			var buf bytes.Buffer
			// Drop the time so that its digits cannot match by chance.
			opts := &slog.HandlerOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
				if len(groups) == 0 && a.Key == slog.TimeKey {
					return slog.Attr{}
				}
				return a
			}}
			var h slog.Handler = slog.NewTextHandler(&buf, opts)
			if name == "json" {
				h = slog.NewJSONHandler(&buf, opts)
			}
			log := slog.New(h).With("attached", n)
			log.Info("person", "id", n, "ptr", &n)
			log.Info("any", slog.Any("id", n), slog.Any("exported", exported{n}), slog.Any("unexported", unexported{n}))
			log.Info("group", slog.Group("g", slog.Any("id", n), "ids", []NationalID{n}))
			log.Error("map", "m", map[string]NationalID{"k": n})
			out := buf.String()
			requireNatIDHidden(t, n, out)
			require.Contains(t, out, n.Reveal()[:6]+"*****", name)
		}
	}
}

func TestNationalIDJSONNeverReveals(t *testing.T) {
	t.Parallel()
	for _, n := range natIDLeakSamples(t) {
		b, err := json.Marshal(struct {
			ID    NationalID              `json:"id"`
			Ptr   *NationalID             `json:"ptr"`
			List  []NationalID            `json:"list"`
			Map   map[string]NationalID   `json:"map"`
			Inner struct{ ID NationalID } `json:"inner"`
		}{ID: n, Ptr: &n, List: []NationalID{n}, Map: map[string]NationalID{"k": n}, Inner: struct{ ID NationalID }{n}})
		require.NoError(t, err)
		requireNatIDHidden(t, n, string(b))
		text, err := n.MarshalText()
		require.NoError(t, err)
		require.Equal(t, n.String(), string(text))
	}
}

func FuzzParseNationalID(f *testing.F) {
	for _, s := range []string{
		"", " ", "13097248022", " 13097248022 ", "13097248023", "13097248032", "41819077906",
		"29020105729", "68467038838", "1309724802a", "１３０９７２４８０２２", "00000000000", "99999999999",
		"8888888888\x00", "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6\xf5",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseNationalID(s)
		trimmed := strings.TrimSpace(s)
		if err != nil {
			require.ErrorIs(t, err, ErrInvalidNationalID)
			require.True(t, n.IsZero())
			msg := err.Error()
			if len(trimmed) == 11 && natIDDigitsOnly(trimmed) {
				require.NotContains(t, msg, trimmed)
			}
			require.False(t, strings.ContainsAny(msg, "0123456789"), "error %q contains a digit", msg)
			require.False(t, ValidNationalID(s))
			return
		}
		require.Equal(t, trimmed, n.Reveal())
		require.NotZero(t, n.Kind())
		require.Equal(t, trimmed[:6]+"*****", n.String())
		requireNatIDHidden(t, n, fmt.Sprintf("%v %+v %#v %q %x %p", n, n, n, n, n, n))
		if birth, ok := n.BirthDate(); ok {
			require.Equal(t, birth.Day(), natIDTestAtoi2(trimmed[0:2])%40)
		}

		var stored NationalID
		require.NoError(t, stored.UnmarshalText([]byte(s)))
		require.Equal(t, n, stored)
	})
}

// natIDTestAtoi2 parses two ASCII digits.
func natIDTestAtoi2(s string) int { return int(s[0]-'0')*10 + int(s[1]-'0') }
