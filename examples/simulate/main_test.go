package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/allocation"
	"github.com/praksis/praksis/allocation/simulation"
)

// runArgs runs the command and returns its stdout and stderr.
func runArgs(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(t.Context(), args, &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

func TestDefaultConfig(t *testing.T) {
	t.Parallel()
	c, err := ParseConfig(nil, io.Discard)
	require.NoError(t, err)
	require.Equal(t, 2000, c.Generator.Students)
	require.Equal(t, 200, c.Generator.Places)
	require.InDelta(t, 0.8, c.Generator.Skew, 1e-12)
	require.Equal(t, 4, c.Generator.Regions)
	require.Equal(t, []simulation.ClassShare{{Name: "tilrettelegging", Share: 0.03}, {Name: "omsorg", Share: 0.05}}, c.Generator.Classes)
	require.Equal(t, allocation.DeferredAcceptance, c.Options.Algorithm)
	require.True(t, c.Season, "a season without -scenario")
	require.Equal(t, 3, c.Years)
	require.Equal(t, 2, c.Periods)
	require.True(t, c.Fairness)
	require.Equal(t, "simulation-report.html", c.Report)
	require.Equal(t, allocation.Norwegian, c.Lang)
	require.NoError(t, c.Generator.Validate())

	c, err = ParseConfig([]string{"-scenario", "x.json"}, io.Discard)
	require.NoError(t, err)
	require.False(t, c.Season, "one round with -scenario")
	c, err = ParseConfig([]string{"-scenario", "x.json", "-season"}, io.Discard)
	require.NoError(t, err)
	require.True(t, c.Season)
}

// TestDefaultRun runs a small season as the default run does, and checks
// the report it writes.
func TestDefaultRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	reportPath, jsonPath := filepath.Join(dir, "report.html"), filepath.Join(dir, "season.json")
	stdout, stderr, err := runArgs(t, "-students", "300", "-places", "30", "-years", "2", "-periods", "2",
		"-report", reportPath, "-json", jsonPath)
	require.NoError(t, err)

	require.Contains(t, stderr, "round 4/4", "progress per round")
	require.Contains(t, stdout, "Season: 2 years × 2 periods, 300 students, 30 places, deferred-acceptance")
	for _, round := range []string{"Y1 P1", "Y1 P2", "Y2 P1", "Y2 P2"} {
		require.Contains(t, stdout, round, "a line per round")
	}
	require.Contains(t, stdout, "Worst decile")
	require.Contains(t, stdout, "tilrettelegging")
	require.Contains(t, stdout, "report: "+reportPath)

	var season simulation.SeasonReport
	b, err := os.ReadFile(jsonPath)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &season))
	require.Len(t, season.Rounds, 4)
	ms := make([]allocation.Metrics, len(season.Rounds))
	for i, r := range season.Rounds {
		ms[i] = r.Metrics
		require.Equal(t, 300, r.Metrics.Students)
		require.Zero(t, r.Metrics.BlockingPairs, "deferred acceptance is stable")
	}
	all := aggregate(ms)

	b, err = os.ReadFile(reportPath)
	require.NoError(t, err)
	page := string(b)
	svgs := requireSelfContained(t, page)
	require.Len(t, svgs, 7, "rank, fill, class, region, placed share, rank fairness, Gini")
	for rank, n := range all.RankHistogram {
		require.Contains(t, page, fmt.Sprintf("<td>%d</td><td>%d</td>", rank+1, n), "the rank histogram's data")
		require.Contains(t, svgs[0], fmt.Sprintf(">%d</text>", n), "the bar of rank %d", rank+1)
	}
	require.Contains(t, page, "<dt>Students</dt><dd>300</dd>")
	require.Contains(t, page, "<dt>Algorithm</dt><dd>deferred-acceptance</dd>")
	require.Contains(t, page, "<dt>Seed</dt><dd>1</dd>")
}

// TestScenarioRoundTrip saves a generated round, runs it again from the
// file, and gets the same metrics.
func TestScenarioRoundTrip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "round.json")
	first, second := filepath.Join(dir, "first.json"), filepath.Join(dir, "second.json")
	stdout, _, err := runArgs(t, "-season=false", "-students", "200", "-places", "12", "-seed", "7", "-pins", "0.02",
		"-algorithm", "serial-dictatorship", "-save", file, "-json", first, "-report=", "-quiet")
	require.NoError(t, err)
	require.Contains(t, stdout, "One round: 200 students, 12 places, serial-dictatorship, seed 7")
	require.NotContains(t, stdout, "report:", "-report= writes no report")

	report := filepath.Join(dir, "round.html")
	stdout, stderr, err := runArgs(t, "-scenario", file, "-algorithm", "serial-dictatorship", "-json", second,
		"-report", report, "-explain", "2", "-lang", "en")
	require.NoError(t, err)
	require.Contains(t, stderr, "allocated in", "progress of the round")
	require.Contains(t, stdout, "seed 7", "the lottery seed comes from the scenario")
	require.Contains(t, stdout, "Unplaced students (at most 2)")

	decode := func(path string) allocation.Metrics {
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		var m allocation.Metrics
		require.NoError(t, json.Unmarshal(b, &m))
		return m
	}
	m1, m2 := decode(first), decode(second)
	require.Equal(t, 200, m1.Students)
	require.Equal(t, m1, m2, "the saved scenario gives the same round")
	if m1.Unplaced > 0 {
		require.Contains(t, stdout, "Not placed")
	}

	b, err := os.ReadFile(report)
	require.NoError(t, err)
	require.Len(t, requireSelfContained(t, string(b)), 4, "no season charts for one round")
	require.Contains(t, string(b), "<dt>Scenario file</dt>")
}

func TestBadFlags(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		flag string
	}{
		{[]string{"-algorithm", "bogus"}, "-algorithm"},
		{[]string{"-classes", "x:2"}, "-classes"},
		{[]string{"-classes", "x"}, "-classes"},
		{[]string{"-classes", "a:0.6,b:0.6"}, "-classes"},
		{[]string{"-groups-policy", "apart"}, "-groups-policy"},
		{[]string{"-groups-policy", "spread"}, "-groups-policy"}, // not the optimal mode
		{[]string{"-lang", "de"}, "-lang"},
		{[]string{"-students", "0"}, "-students"},
		{[]string{"-students", "many"}, "-students"},
		{[]string{"-skew", "9"}, "-skew"},
		{[]string{"-pins", "1.5"}, "-pins"},
		{[]string{"-earlier", "300"}, "-earlier"},
		{[]string{"-years", "0"}, "-years"},
		{[]string{"-explain", "3"}, "-explain"}, // a season
		{[]string{"-scenario", "x.json", "-students", "10"}, "-students"},
		{[]string{"-nonesuch"}, "-nonesuch"},
		{[]string{"extra"}, "extra"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			_, _, err := runArgs(t, tc.args...)
			require.Error(t, err)
			require.True(t, errors.As(err, new(usageError)), "a usage error, exit status 2: %v", err)
			require.Contains(t, err.Error(), tc.flag)
		})
	}
}

func TestHelp(t *testing.T) {
	t.Parallel()
	_, stderr, err := runArgs(t, "-h")
	require.ErrorIs(t, err, flag.ErrHelp)
	for _, f := range []string{"-algorithm", "-classes", "-scenario", "-report", "-explain"} {
		require.Contains(t, stderr, f)
	}
}

func TestMissingScenario(t *testing.T) {
	t.Parallel()
	_, _, err := runArgs(t, "-scenario", filepath.Join(t.TempDir(), "none.json"), "-report=")
	require.Error(t, err)
	require.False(t, errors.As(err, new(usageError)), "a failure, exit status 1")
}
