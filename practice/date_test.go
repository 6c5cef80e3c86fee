package practice_test

import (
	"encoding/json"
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

func TestParseDate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want practice.Date
		ok   bool
	}{
		{"2027-01-31", practice.NewDate(2027, time.January, 31), true},
		{"2028-02-29", practice.NewDate(2028, time.February, 29), true},
		{"2027-02-29", practice.Date{}, false},
		{"2027-04-31", practice.Date{}, false},
		{"27-01-31", practice.Date{}, false},
		{"2027-01-31T00:00:00Z", practice.Date{}, false},
		{"", practice.Date{}, false},
	} {
		got, err := practice.ParseDate(tc.in)
		if !tc.ok {
			require.Error(t, err, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		require.Equal(t, tc.want, got)
		require.Equal(t, tc.in, got.String())
	}
}

func TestDateArithmetic(t *testing.T) {
	t.Parallel()
	require.Equal(t, d("2028-03-01"), d("2028-02-28").AddDays(2))
	require.Equal(t, d("2026-12-31"), d("2027-01-01").AddDays(-1))
	require.True(t, d("2026-12-31").Before(d("2027-01-01")))
	require.True(t, d("2027-01-01").After(d("2026-12-31")))
	require.Equal(t, 0, d("2027-05-17").Compare(d("2027-05-17")))
	require.Equal(t, practice.NewDate(2027, time.May, 1), practice.NewDate(2027, time.April, 31), "NewDate normalises")
	require.True(t, practice.Date{}.IsZero())
	require.Equal(t, time.Date(2027, 5, 17, 0, 0, 0, 0, time.UTC), d("2027-05-17").Time())
	require.Equal(t, d("2027-05-17"), practice.DateOf(time.Date(2027, 5, 17, 23, 59, 0, 0, time.FixedZone("CEST", 7200))))
}

func TestDateJSON(t *testing.T) {
	t.Parallel()
	type doc struct {
		From practice.Date `json:"from"`
		To   practice.Date `json:"to,omitzero"`
	}
	b, err := json.Marshal(doc{From: d("2027-01-04")})
	require.NoError(t, err)
	require.JSONEq(t, `{"from":"2027-01-04"}`, string(b))
	var got doc
	require.NoError(t, json.Unmarshal([]byte(`{"from":"2027-01-04","to":"2027-02-26"}`), &got))
	require.Equal(t, doc{From: d("2027-01-04"), To: d("2027-02-26")}, got)
	require.Error(t, json.Unmarshal([]byte(`{"from":"4 January"}`), &got))
}

func TestPeriod(t *testing.T) {
	t.Parallel()
	spring := practice.Period{Start: d("2027-01-04"), End: d("2027-02-26")}
	open := practice.Period{Start: d("2026-08-01")}
	for _, tc := range []struct {
		name string
		got  bool
		want bool
	}{
		{"contains its start", spring.Contains(d("2027-01-04")), true},
		{"contains its end (inclusive)", spring.Contains(d("2027-02-26")), true},
		{"not the day before", spring.Contains(d("2027-01-03")), false},
		{"not the day after", spring.Contains(d("2027-02-27")), false},
		{"open period contains the far future", open.Contains(d("2099-01-01")), true},
		{"open covers a closed period inside it", open.Covers(spring), true},
		{"closed does not cover an open period", spring.Covers(open), false},
		{"covers itself", spring.Covers(spring), true},
		{"does not cover one that ends later", spring.Covers(practice.Period{Start: d("2027-02-01"), End: d("2027-03-01")}), false},
		{"does not cover one that starts earlier", spring.Covers(practice.Period{Start: d("2027-01-01"), End: d("2027-01-10")}), false},
		{"overlap on one shared day", spring.Overlaps(practice.Period{Start: d("2027-02-26"), End: d("2027-03-10")}), true},
		{"no overlap when adjacent", spring.Overlaps(practice.Period{Start: d("2027-02-27")}), false},
		{"overlap is symmetric", practice.Period{Start: d("2027-02-27")}.Overlaps(spring), false},
		{"open periods overlap", open.Overlaps(practice.Period{Start: d("2030-01-01")}), true},
		{"open overlaps an earlier closed one that reaches it", practice.Period{Start: d("2027-02-01")}.Overlaps(spring), true},
	} {
		require.Equal(t, tc.want, tc.got, tc.name)
	}
	require.Equal(t, "2027-01-04/2027-02-26", spring.String())
	require.Equal(t, "2026-08-01/..", open.String())
	require.NoError(t, spring.Validate())

	err := practice.Period{Start: d("2027-02-26"), End: d("2027-01-04")}.Validate()
	var v *practice.ValidationError
	require.ErrorAs(t, err, &v)
	require.Equal(t, "end", v.Fields[0].Field)
	require.ErrorAs(t, practice.Period{}.Validate(), &v)
	require.Equal(t, "start", v.Fields[0].Field)
}
