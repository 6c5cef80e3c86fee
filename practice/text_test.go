package practice_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

func TestMaskNationalIDs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"/api/people/12897810032", "/api/people/***********"},
		{"128978 10032", "****** *****"},
		{"128978-10032", "******-*****"},
		{"12.89.78 100.32", "**.**.** ***.**"},
		{"128978_10032", "******_*****"},
		{"128978\t10032", "******\t*****"},
		{"128978  10032", "******  *****"},
		{"128978+10032", "******+*****"},
		{"128978, 10032", "******, *****"},
		{"128978:10032", "******:*****"},
		{"１２８９７８１００３２", "***********"},
		{"a128978_10032", "a******_*****"},
		{"128978 - 10032", "****** - *****"},
		{"128978abc10032", "128978abc10032"},   // letters between are not a separator
		{"128978    10032", "128978    10032"}, // nor four characters
		{"12897810032abc", "***********abc"},
		{"abc12897810032", "abc***********"},
		{"x12897810032 2027-01-01", "x*********** 2027-01-01"},
		{"fnr=128978 10032&x=1", "fnr=****** *****&x=1"},
		{"123456789012", "123456789012"},     // twelve digits: not a number of eleven
		{"1234567890", "1234567890"},         // ten
		{"+47 400 00 000", "+47 400 00 000"}, // a phone number
		{"2027-01-01/2027-12-31", "2027-01-01/2027-12-31"},
		{"0190aaaa-bbbb-7ccc-8ddd-123456789012", "0190aaaa-bbbb-7ccc-8ddd-123456789012"}, // an ID
		{"01234567-1234-7123-8123-12345678901a", "01234567-1234-7123-8123-12345678901a"}, // an ID with eleven digits in its last group
		{"", ""},
	} {
		require.Equal(t, tc.want, practice.MaskNationalIDs(tc.in), tc.in)
	}
}

func TestEmailKeyAndSearchKey(t *testing.T) {
	t.Parallel()
	require.Equal(t, "mixed@x.no", practice.EmailKey(" Mixed@X.no "))
	require.Equal(t, "øystein  ås", practice.EmailKey("ØYSTEIN  ÅS"))
	p := practice.Person{Name: "Øystein   Ås", Email: "Oystein@Example.no"}
	require.Equal(t, "øystein ås\noystein@example.no", practice.SearchKey(p))
	require.Equal(t, "øystein ås", practice.QueryKey("  ØYSTEIN \t ÅS "))
}

func TestVisible(t *testing.T) {
	t.Parallel()
	require.True(t, practice.Visible("Kari"))
	require.True(t, practice.Visible("\u200b.\u200b"))
	require.True(t, practice.Visible("e\u0301"), "a mark on a letter shows")
	require.True(t, practice.Visible("김"))
	for _, s := range []string{"", " ", "\u200b", "\u200d\u2060\ufeff", "\u3164", "\u2800", "\u00a0\u2003",
		"\u034f", "\ufe0f", "\u17b4", "\u0300\u0301", "\u2800\u034f"} {
		require.False(t, practice.Visible(s), "%q", s)
	}
}
