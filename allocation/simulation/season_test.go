package simulation_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/allocation"
	"github.com/praksis/praksis/allocation/simulation"
	"github.com/praksis/praksis/practice"
)

// scarce is a cohort with fewer seats than students and popular places.
var scarce = simulation.Config{Seed: 4, Students: 300, Places: 30, MinSeats: 1, MaxSeats: 10, Skew: 1}

func runSeason(t *testing.T, c simulation.SeasonConfig) *simulation.SeasonReport {
	t.Helper()
	rep, err := simulation.RunSeason(context.Background(), c)
	require.NoError(t, err)
	return rep
}

func TestRunSeason(t *testing.T) {
	t.Parallel()
	for _, alg := range algorithms {
		t.Run(alg.name, func(t *testing.T) {
			t.Parallel()
			var calls [][2]int
			c := simulation.SeasonConfig{
				Scenario:       simulation.Config{Seed: 8, Students: 120, Places: 15, MinSeats: 1, MaxSeats: 8, ListLength: 5, Earlier: 1, Pins: 0.05, PlacePriorities: 0.3, Groups: 4, Classes: []simulation.ClassShare{{Name: "health", Share: 0.1}}},
				Years:          2,
				PeriodsPerYear: 3,
				Options:        alg.o,
				Fairness:       true,
				Progress:       func(done, total int) { calls = append(calls, [2]int{done, total}) },
			}
			rep := runSeason(t, c)
			require.Equal(t, [][2]int{{1, 6}, {2, 6}, {3, 6}, {4, 6}, {5, 6}, {6, 6}}, calls)
			require.Len(t, rep.Rounds, 6)
			for i, rr := range rep.Rounds {
				require.Equal(t, i/3+1, rr.Year)
				require.Equal(t, i%3+1, rr.Period)
				require.Equal(t, 120, rr.Metrics.Students)
				require.Equal(t, alg.o.Algorithm, rr.Metrics.Algorithm)
				require.Zero(t, rr.Fairness.Repeats)
				require.Positive(t, rr.Metrics.Pinned)
				if alg.o.Algorithm == allocation.DeferredAcceptance {
					require.Zero(t, rr.Metrics.BlockingPairs)
				}
				require.GreaterOrEqual(t, rr.Fairness.MeanRank, 1.0)
				require.LessOrEqual(t, rr.Fairness.MeanRank, rr.Fairness.WorstDecile)
				require.GreaterOrEqual(t, rr.Fairness.Gini, 0.0)
				require.Less(t, rr.Fairness.Gini, 1.0)
			}
			// The config comes back with its defaults.
			require.Equal(t, 15, rep.Config.Scenario.Places)
			require.Equal(t, 4, rep.Config.Scenario.Regions)

			// Deterministic: the same config, the same report.
			again := runSeason(t, c)
			a, err := json.Marshal(rep)
			require.NoError(t, err)
			b, err := json.Marshal(again)
			require.NoError(t, err)
			require.JSONEq(t, string(a), string(b))

			// Another seed changes the season.
			c.Options.Seed++
			other, err := json.Marshal(runSeason(t, c))
			require.NoError(t, err)
			require.NotEqual(t, string(a), string(other))
		})
	}
}

func TestSeasonNeverRepeatsAPlace(t *testing.T) {
	t.Parallel()
	// Few places, many rounds: without the constraint students would
	// return to the same popular places.
	c := simulation.SeasonConfig{
		Scenario:       simulation.Config{Seed: 3, Students: 40, Places: 8, MinSeats: 4, MaxSeats: 8, ListLength: 8, Skew: 2, Earlier: 1},
		Years:          3,
		PeriodsPerYear: 2,
	}
	rep := runSeason(t, c)
	last := rep.Rounds[len(rep.Rounds)-1]
	require.Zero(t, last.Fairness.Repeats)
	// After 6 rounds plus one earlier placement, each placed student has
	// only 1 of 8 places left, so many are unplaced by the end.
	require.Greater(t, last.Metrics.Unplaced, rep.Rounds[0].Metrics.Unplaced)
}

func TestSeasonFairnessEvensOutTheLottery(t *testing.T) {
	t.Parallel()
	off := runSeason(t, simulation.SeasonConfig{Scenario: scarce})
	on := runSeason(t, simulation.SeasonConfig{Scenario: scarce, Fairness: true})
	require.Len(t, on.Rounds, 6)
	// The first round is the same: nobody has credit yet.
	require.Equal(t, off.Rounds[0], on.Rounds[0])
	fOff, fOn := off.Rounds[5].Fairness, on.Rounds[5].Fairness
	t.Logf("fairness off: %+v", fOff)
	t.Logf("fairness on:  %+v", fOn)
	require.Less(t, fOn.StdDev, fOff.StdDev/2)
	require.Less(t, fOn.Gini, fOff.Gini/2)
	require.Less(t, fOn.WorstDecile, fOff.WorstDecile)
	require.LessOrEqual(t, fOn.NeverPlaced, fOff.NeverPlaced)
	require.Zero(t, fOn.NeverPlaced)
}

func TestSeasonCancellation(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	c := simulation.SeasonConfig{
		Scenario: simulation.Config{Seed: 1, Students: 50, Places: 10},
		Progress: func(done, total int) {
			if done == 2 {
				cancel()
			}
		},
	}
	rep, err := simulation.RunSeason(ctx, c)
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, ctx.Err(), err)
	require.Len(t, rep.Rounds, 2, "the rounds done before the cancellation")

	rep, err = simulation.RunSeason(ctx, c)
	require.ErrorIs(t, err, context.Canceled)
	require.Empty(t, rep.Rounds)
}

func TestSeasonConfigErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		c     simulation.SeasonConfig
		field string
	}{
		{"years", simulation.SeasonConfig{Years: -1}, "years"},
		{"periods", simulation.SeasonConfig{PeriodsPerYear: -2}, "periodsPerYear"},
		{"too many rounds", simulation.SeasonConfig{Years: 10, PeriodsPerYear: 10}, "periodsPerYear"},
		{"scenario", simulation.SeasonConfig{Scenario: simulation.Config{Students: -1}}, "scenario.students"},
		{"options", simulation.SeasonConfig{Scenario: simulation.Config{Students: 5, Places: 2}, Options: allocation.Options{RankWeight: -1}}, "rankWeight"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := simulation.RunSeason(context.Background(), tt.c)
			var ve *practice.ValidationError
			require.True(t, errors.As(err, &ve), "%v", err)
			require.Equal(t, tt.field, ve.Fields[0].Field)
		})
	}
	require.NoError(t, simulation.SeasonConfig{}.Validate())
	d := simulation.SeasonConfig{}.WithDefaults()
	require.Equal(t, 3, d.Years)
	require.Equal(t, 2, d.PeriodsPerYear)
	require.Equal(t, 1000, d.Scenario.Students)
}

func TestSeasonConfigJSON(t *testing.T) {
	t.Parallel()
	c := simulation.SeasonConfig{Scenario: scarce, Years: 2, Options: allocation.Options{Algorithm: allocation.Optimal, Groups: allocation.GroupsSpread}, Fairness: true, Progress: func(int, int) {}}
	data, err := json.Marshal(c)
	require.NoError(t, err)
	require.Contains(t, string(data), `"algorithm":"optimal"`)
	require.NotContains(t, string(data), "rogress")
	var back simulation.SeasonConfig
	require.NoError(t, json.Unmarshal(data, &back))
	c.Progress = nil
	require.Equal(t, c, back)
}
