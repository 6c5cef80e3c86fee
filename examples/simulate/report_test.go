package main

import (
	"bytes"
	"encoding/xml"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/allocation"
	"github.com/praksis/praksis/allocation/simulation"
	"github.com/praksis/praksis/practice"
)

// requireSelfContained checks that a report is one page that needs no
// network: no scripts, stylesheets, fonts or images from elsewhere, and
// every chart a well-formed SVG with a title. It returns the SVGs.
func requireSelfContained(t *testing.T, page string) []string {
	t.Helper()
	require.True(t, strings.HasPrefix(page, "<!DOCTYPE html>"), "the report is an HTML page")
	require.Contains(t, page, "</html>")
	outside := strings.ReplaceAll(page, `xmlns="http://www.w3.org/2000/svg"`, "")
	require.NotContains(t, outside, "http://", "nothing but the SVG namespace refers to the network")
	require.NotContains(t, outside, "https://")
	require.NotContains(t, outside, "<script", "the report needs no script")
	require.NotContains(t, outside, "<link", "styles are inline")
	require.NotContains(t, outside, "<img", "charts are inline SVG")
	require.NotContains(t, outside, "url(", "no CSS refers to a file")

	svgs := regexp.MustCompile(`(?s)<svg .*?</svg>`).FindAllString(page, -1)
	for _, svg := range svgs {
		var title string
		dec := xml.NewDecoder(strings.NewReader(svg))
		dec.Strict = true
		depth := 0
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			require.NoError(t, err, "each chart is well-formed XML:\n%s", svg)
			switch tok := tok.(type) {
			case xml.StartElement:
				depth++
				if depth == 2 && tok.Name.Local == "title" && title == "" {
					var s string
					require.NoError(t, dec.DecodeElement(&s, &tok))
					depth--
					title = s
				}
			case xml.EndElement:
				depth--
			}
		}
		require.NotEmpty(t, title, "each chart has a <title>:\n%s", svg)
		require.Contains(t, svg, `role="img"`)
	}
	return svgs
}

func TestWriteReportRound(t *testing.T) {
	t.Parallel()
	m := allocation.Metrics{
		Algorithm: allocation.DeferredAcceptance, Students: 10, Placed: 8, Unplaced: 2, Seats: 9, SeatsUsed: 8,
		RankHistogram: []int{5, 2, 1}, FirstChoiceShare: 0.5, MeanRank: 1.5,
		Places: []allocation.PlaceFill{
			{Place: practice.ID{1}, Seats: 4, Used: 4},
			{Place: practice.ID{2}, Seats: 5, Used: 4},
			{Place: practice.ID{3}, Seats: 0},
		},
		ByClass: []allocation.Rate{
			{Name: "<omsorg>", Students: 2, Placed: 2, Rate: 1},
			{Name: "", Students: 8, Placed: 6, Rate: 0.75},
		},
		ByRegion: []allocation.Rate{{Name: "Nord & Sør", Students: 10, Placed: 8, Rate: 0.8}},
	}
	var b bytes.Buffer
	require.NoError(t, writeReport(&b, roundReport([]setting{{"Students", "10"}, {"Algorithm", "deferred-acceptance"}}, m)))
	page := b.String()

	svgs := requireSelfContained(t, page)
	require.Len(t, svgs, 4, "rank histogram, fill, class and region")
	for _, title := range []string{"Rank histogram", "Fill per place", "Placement rate per priority class", "Placement rate per region"} {
		require.Contains(t, page, "<title id=", title)
		require.Contains(t, page, title)
	}
	// The rank histogram: one bar per rank, its count above it.
	require.Equal(t, 3, strings.Count(svgs[0], `<rect class="bar"`), "a bar per rank")
	require.Contains(t, svgs[0], ">5</text>")
	require.Contains(t, svgs[0], ">2</text>")
	require.Contains(t, page, "<td>1</td><td>5</td><td>62.5%</td>", "the data table of the rank histogram")
	// Fill: one place full, one at 80%, the one without seats left out.
	require.Contains(t, page, "<td>full</td><td>1</td>")
	require.Contains(t, page, "<td>80–90%</td><td>1</td>")
	require.Contains(t, page, "1 places without seats are left out")
	// Rates, with every name escaped.
	require.Contains(t, page, "&lt;omsorg&gt;")
	require.NotContains(t, page, "<omsorg>")
	require.Contains(t, page, "Nord &amp; Sør")
	require.Contains(t, page, "<td>75.0%</td>")
	require.Contains(t, page, "<td>none</td>", "students without a class")
	require.Contains(t, page, "<dt>Algorithm</dt><dd>deferred-acceptance</dd>")
	require.NotContains(t, page, "Gini", "no season charts for one round")
}

func TestWriteReportSeason(t *testing.T) {
	t.Parallel()
	round := func(placed int, hist []int, f simulation.Fairness) simulation.RoundReport {
		return simulation.RoundReport{Metrics: allocation.Metrics{
			Students: 10, Placed: placed, Unplaced: 10 - placed, RankHistogram: hist, MeanRank: meanRank(hist),
			Places:  []allocation.PlaceFill{{Seats: 10, Used: placed}},
			ByClass: []allocation.Rate{{Name: "", Students: 10, Placed: placed, Rate: float64(placed) / 10}},
		}, Fairness: f}
	}
	sr := &simulation.SeasonReport{Rounds: []simulation.RoundReport{
		round(9, []int{6, 3}, simulation.Fairness{MeanRank: 1.33, WorstDecile: 2, Gini: 0.125, StdDev: 0.47, NeverPlaced: 1}),
		round(10, []int{7, 2, 1}, simulation.Fairness{MeanRank: 1.4, WorstDecile: 2.5, Gini: 0.15, StdDev: 0.5, Repeats: 3}),
	}}
	sr.Rounds[0].Year, sr.Rounds[0].Period = 1, 1
	sr.Rounds[1].Year, sr.Rounds[1].Period = 1, 2

	var b bytes.Buffer
	require.NoError(t, writeReport(&b, seasonReport(nil, sr)))
	page := b.String()
	svgs := requireSelfContained(t, page)
	require.Len(t, svgs, 7, "four charts of the rounds together, placed share, rank fairness, Gini")

	// The rank histogram adds up the rounds: 13, 5, 1.
	require.Contains(t, page, "<td>1</td><td>13</td>")
	require.Contains(t, page, "<td>2</td><td>5</td>")
	require.Contains(t, page, "<td>3</td><td>1</td>")
	require.Contains(t, page, "All 2 rounds together")
	// One line per round in the summary, with the fairness measures.
	require.Contains(t, page, "<td>Y1 P1</td><td>10</td><td>0</td><td>90.0%</td>")
	require.Contains(t, page, "<td>Y1 P2</td><td>10</td><td>0</td><td>100.0%</td>")
	require.Contains(t, page, "<td>All</td><td>20</td><td>0</td><td>95.0%</td>", "the rounds together")
	require.Contains(t, page, "<td>0.125</td>")
	// The fairness charts: two lines over two rounds, and one.
	fairness, gini := svgs[5], svgs[6]
	require.Equal(t, 2, strings.Count(fairness, "<polyline"))
	require.Equal(t, 4, strings.Count(fairness, "<circle"))
	require.Contains(t, fairness, "Y1 P2, worst decile: 2.50")
	require.Equal(t, 1, strings.Count(gini, "<polyline"))
	require.Contains(t, gini, "Y1 P2, Gini: 0.15")

}

func TestNiceStep(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want float64 }{
		{0, 1}, {0.3, 0.5}, {1, 1}, {1.2, 2}, {3, 5}, {7, 10}, {40, 50}, {101, 200}, {0.02, 0.02},
	} {
		require.InDelta(t, tc.want, niceStep(tc.in), 1e-12, "niceStep(%g)", tc.in)
	}
}

func TestAggregate(t *testing.T) {
	t.Parallel()
	a := allocation.Metrics{Students: 10, Placed: 8, RankHistogram: []int{6, 2}, FirstChoiceShare: 0.6,
		ByRegion: []allocation.Rate{{Name: "b", Students: 10, Placed: 8}}}
	b := allocation.Metrics{Students: 10, Placed: 10, RankHistogram: []int{4, 4, 2}, FirstChoiceShare: 0.4,
		ByRegion: []allocation.Rate{{Name: "a", Students: 4, Placed: 4}, {Name: "b", Students: 6, Placed: 6}}}
	all := aggregate([]allocation.Metrics{a, b})
	require.Equal(t, 20, all.Students)
	require.Equal(t, 18, all.Placed)
	require.Equal(t, []int{10, 6, 2}, all.RankHistogram)
	require.InDelta(t, (10+12+6)/18.0, all.MeanRank, 1e-12)
	require.InDelta(t, 0.5, all.FirstChoiceShare, 1e-12)
	require.Equal(t, []allocation.Rate{{Name: "a", Students: 4, Placed: 4, Rate: 1}, {Name: "b", Students: 16, Placed: 14, Rate: 14.0 / 16}}, all.ByRegion)
}
