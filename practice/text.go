package practice

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// EmailKey returns the form under which an e-mail address is unique and
// looked up: trimmed and in lower case, so Mixed@x.no and mixed@x.no are
// one address. Every store compares addresses by it.
func EmailKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// SearchKey returns the text a search of people matches against: the
// person's name and e-mail in lower case, white space collapsed, on two
// lines. A person matches a query q when SearchKey(p) contains QueryKey(q),
// which holds no line break, so a query never spans name and e-mail.
func SearchKey(p Person) string { return QueryKey(p.Name) + "\n" + QueryKey(p.Email) }

// QueryKey returns the form of a search query that [SearchKey]s are
// matched against: trimmed, inner white space collapsed, in lower case.
func QueryKey(q string) string { return strings.ToLower(strings.Join(strings.Fields(q), " ")) }

// The rules for text, checked by [Validate] on every string of an input,
// and their messages. They keep out what displays wrongly or deceptively,
// or what storage refuses: invalid UTF-8, control characters (NUL among
// them), and bidirectional embeddings, overrides and isolates, which can
// make text read in another order than it is stored.
const (
	ruleUTF8    = "utf8"
	ruleControl = "control"
	ruleBidi    = "bidi"
	ruleVisible = "visible"

	msgUTF8     = "must be valid UTF-8 text"
	msgControl  = "must not contain control characters (such as NUL or a line break)"
	msgControl2 = "must not contain control characters (such as NUL) other than line breaks and tabs"
	msgBidi     = "must not contain bidirectional embedding, override or isolate characters"
	msgVisible  = "must contain a visible character"
)

// textRule returns the rule s breaks as text, or "". Multi-line text may
// hold line feeds, carriage returns and tabs.
func textRule(s string, multiline bool) (rule, message string) {
	if !utf8.ValidString(s) {
		return ruleUTF8, msgUTF8
	}
	for _, r := range s {
		switch {
		case multiline && (r == '\n' || r == '\r' || r == '\t'):
		case unicode.IsControl(r), r == '\u2028', r == '\u2029':
			if multiline {
				return ruleControl, msgControl2
			}
			return ruleControl, msgControl
		case isBidiControl(r):
			return ruleBidi, msgBidi
		}
	}
	return "", ""
}

// checkLookup checks s, text a service looks up by (a query, an e-mail to
// find), as Validate checks a single line of input, and at most max bytes
// long; a broken rule is added to v on field.
func checkLookup(v *ValidationError, field, s string, max int) {
	if rule, msg := textRule(s, false); rule != "" {
		v.Add(field, rule, msg)
	} else if len(s) > max {
		v.Add(field, "max", "must be at most "+strconv.Itoa(max)+" characters")
	}
}

// isBidiControl reports whether r is a bidirectional embedding, override or
// isolate (U+202A–U+202E, U+2066–U+2069). The plain marks (U+200E, U+200F,
// U+061C) are allowed: they can only nudge neutral characters.
func isBidiControl(r rune) bool {
	return r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069'
}

// Visible reports whether s has at least one character that shows on its
// own: a letter, digit, punctuation mark or symbol, other than those that
// render blank (such as U+3164 HANGUL FILLER or U+2800 BRAILLE PATTERN
// BLANK). White space, format characters (such as a zero-width space) and
// combining marks (such as U+034F or a variation selector), which show
// nothing without a base character, do not count. A name must be visible.
func Visible(s string) bool {
	for _, r := range s {
		if !unicode.In(r, unicode.L, unicode.N, unicode.P, unicode.S) {
			continue
		}
		switch r {
		case '\u115f', '\u1160', '\u3164', '\uffa0', '\u2800', '\u17b4', '\u17b5':
			continue
		}
		return true
	}
	return false
}

// mediaRef matches a file under /media/ on the server: segments of
// letters, digits, '.', '_' and '-', none empty and none starting with a
// dot.
var mediaRef = regexp.MustCompile(`^/media(/[A-Za-z0-9_-][A-Za-z0-9._-]*)+$`)

// ValidPictureRef reports whether s may be a place's picture: an https URL
// with a host and no user information, or a file under /media/ on the
// server the API runs on (such as /media/akutt.jpg), which the embedding
// application serves. Any other scheme (javascript:, data:, http:, file:
// ...) and any other path are refused, so a picture can never run script,
// load over plain HTTP or point at an action of the API.
func ValidPictureRef(s string) bool {
	if strings.HasPrefix(s, "/") {
		return mediaRef.MatchString(s)
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Host != "" && u.User == nil && u.Opaque == "" &&
		!strings.ContainsAny(s, " \\") && textOK(s)
}

func textOK(s string) bool {
	rule, _ := textRule(s, false)
	return rule == ""
}

// uuidText matches the text form of an ID, so [MaskNationalIDs] leaves IDs
// alone.
var uuidText = regexp.MustCompile(`(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// MaskNationalIDs returns s with every spelling of a national identity
// number masked by '*': eleven digits (of any script, such as fullwidth
// digits) in a row, or in groups joined by up to three characters that are
// neither letters nor digits ("12897810032", "128978 10032",
// "128978_100.32", "128978, 10032", "１２８９７８１００３２"), also when letters
// touch them ("12897810032abc"), unless they are part of a longer run of
// digits. Text in the form of an ID (a UUID) is left as it is. Each digit
// masked becomes one '*'. Every text from outside that a log line or an
// error may show goes through it: paths, names of unknown fields, headers.
func MaskNationalIDs(s string) string {
	var b strings.Builder
	last := 0
	for _, loc := range uuidText.FindAllStringIndex(s, -1) {
		b.WriteString(maskDigits(s[last:loc[0]]))
		b.WriteString(s[loc[0]:loc[1]])
		last = loc[1]
	}
	b.WriteString(maskDigits(s[last:]))
	return b.String()
}

// maxSeparator is the most characters that may join two groups of digits
// of one number.
const maxSeparator = 3

// maskDigits masks, in s, every window of consecutive digit groups joined
// by separators that holds exactly eleven digits.
func maskDigits(s string) string {
	rs := []rune(s)
	type group struct{ start, end int } // a maximal run of digits, in runes
	var groups []group
	for i := 0; i < len(rs); {
		if !unicode.IsDigit(rs[i]) {
			i++
			continue
		}
		j := i
		for j < len(rs) && unicode.IsDigit(rs[j]) {
			j++
		}
		groups = append(groups, group{i, j})
		i = j
	}
	joined := func(a, b group) bool {
		if b.start-a.end > maxSeparator {
			return false
		}
		for _, r := range rs[a.end:b.start] {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				return false
			}
		}
		return true
	}
	masked := false
	// A chain is a run of groups each joined to the next.
	for c := 0; c < len(groups); {
		e := c + 1
		for e < len(groups) && joined(groups[e-1], groups[e]) {
			e++
		}
		for i := c; i < e; i++ {
			n := 0
			for j := i; j < e && n < 11; j++ {
				n += groups[j].end - groups[j].start
				if n == 11 {
					for k := i; k <= j; k++ {
						for x := groups[k].start; x < groups[k].end; x++ {
							rs[x] = '*'
						}
					}
					masked = true
				}
			}
		}
		c = e
	}
	if !masked {
		return s
	}
	return string(rs)
}
