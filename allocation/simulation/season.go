package simulation

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/praksis/praksis/allocation"
	"github.com/praksis/praksis/practice"
)

// SeasonConfig holds the knobs of a season: several rounds over one cohort
// of students.
type SeasonConfig struct {
	// Scenario is the cohort and the places: the students, places,
	// regions, map, classes, groups, the places' popularity and the
	// earlier placements stay the same all season. Each round draws fresh
	// preferences, seats, place priorities and pins with a seed derived
	// from Scenario.Seed and the round number (round 0 is what Generate
	// makes).
	Scenario Config `json:"scenario"`
	// Years is the number of years; default 3.
	Years int `json:"years"`
	// PeriodsPerYear is the number of practice periods, and so of rounds,
	// in a year; default 2.
	PeriodsPerYear int `json:"periodsPerYear"`
	// Options are the options of every round; each round's seed is
	// derived from Options.Seed and the round number, so that no student
	// wins or loses the lottery every round.
	Options allocation.Options `json:"options"`
	// Fairness gives students who fared badly earlier credit later: a
	// student's Credit is the sum over the earlier rounds of their rank
	// minus 1 (0 for a pin or a fill) or ListLength+1 for a round they were
	// not placed in, at most 255.
	Fairness bool `json:"fairness"`
	// Progress, when set, is called after each round with the rounds done
	// and the rounds in all.
	Progress func(done, total int) `json:"-"`
}

// The defaults and limits of a SeasonConfig.
const (
	DefaultYears          = 3  // SeasonConfig.Years
	DefaultPeriodsPerYear = 2  // SeasonConfig.PeriodsPerYear
	MaxRounds             = 64 // Years × PeriodsPerYear
)

// WithDefaults returns the config with its zero fields, and those of its
// Scenario, set to their defaults.
func (c SeasonConfig) WithDefaults() SeasonConfig {
	c.Scenario = c.Scenario.WithDefaults()
	if c.Years == 0 {
		c.Years = DefaultYears
	}
	if c.PeriodsPerYear == 0 {
		c.PeriodsPerYear = DefaultPeriodsPerYear
	}
	return c
}

// Validate checks the config, defaults filled in: the scenario (fields
// "scenario.*"), and Years and PeriodsPerYear, at least 1 each and at most
// MaxRounds rounds in all. A bad config gives a *practice.ValidationError.
// The options are checked by the first round.
func (c SeasonConfig) Validate() error {
	c = c.WithDefaults()
	v := &practice.ValidationError{}
	if err := c.Scenario.validate("scenario."); err != nil {
		var ve *practice.ValidationError
		if errors.As(err, &ve) {
			v.Fields = append(v.Fields, ve.Fields...)
		}
	}
	if c.Years < 0 || c.Years > MaxRounds {
		v.Add("years", "range", fmt.Sprintf("the number of years must be between 1 and %d (0 for %d)", MaxRounds, DefaultYears))
	}
	if c.PeriodsPerYear < 0 || c.PeriodsPerYear > MaxRounds {
		v.Add("periodsPerYear", "range", fmt.Sprintf("the number of periods a year must be between 1 and %d (0 for %d)", MaxRounds, DefaultPeriodsPerYear))
	} else if c.Years > 0 && c.Years <= MaxRounds && c.Years*c.PeriodsPerYear > MaxRounds {
		v.Add("periodsPerYear", "max", fmt.Sprintf("a season has at most %d rounds, not %d", MaxRounds, c.Years*c.PeriodsPerYear))
	}
	return v.Err()
}

// RoundReport is the outcome of one round of a season.
type RoundReport struct {
	// Year and Period number the round, from 1.
	Year   int `json:"year"`
	Period int `json:"period"`
	// Metrics are the round's metrics.
	Metrics allocation.Metrics `json:"metrics"`
	// Fairness measures the season up to and including this round.
	Fairness Fairness `json:"fairness"`
}

// Fairness measures how evenly the season so far treated the students. A
// student's rank in a round is the rank of their place in their list, 1
// for a pin or a fill, and ListLength+1 for a round they were not placed
// in.
type Fairness struct {
	// MeanRank is the mean over students of their mean rank so far.
	MeanRank float64 `json:"meanRank"`
	// StdDev is the standard deviation of the students' mean rank.
	StdDev float64 `json:"stdDev"`
	// WorstDecile is the mean of the mean ranks of the worst 10% of the
	// students (at least one student).
	WorstDecile float64 `json:"worstDecile"`
	// Gini is the Gini coefficient of the students' summed rank: 0 when
	// all fared alike.
	Gini float64 `json:"gini"`
	// NeverPlaced counts the students unplaced in every round so far.
	NeverPlaced int `json:"neverPlaced"`
	// Repeats counts the students placed at a place they had before, in
	// an earlier period of the season or before it. Never sending a
	// student to the same place twice is a hard constraint, so it must be
	// 0.
	Repeats int `json:"repeats"`
}

// SeasonReport is the outcome of a season.
type SeasonReport struct {
	// Config is the season's config, defaults filled in.
	Config SeasonConfig `json:"config"`
	// Rounds are the rounds in the order they ran.
	Rounds []RoundReport `json:"rounds"`
}

// RunSeason runs Years × PeriodsPerYear rounds over one cohort. A place a
// student had in an earlier round (or before the season) is excluded for
// them by the constraint ConstraintEarlier, and every round's result must
// pass Check; the first round that does not ends the season with an error
// that wraps the violations. ctx is checked before every round; when it is
// done, RunSeason returns ctx.Err(). A config that Validate rejects gives a
// nil report and the *practice.ValidationError; on any later error the
// report holds the rounds completed before it.
func RunSeason(ctx context.Context, c SeasonConfig) (*SeasonReport, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c = c.WithDefaults()
	rep := &SeasonReport{Config: c}
	co := newCohort(c.Scenario)
	nS, L := len(co.students), c.Scenario.ListLength
	history := make([][]int32, nS)
	for s, e := range co.earlier {
		history[s] = slices.Clone(e)
	}
	placeIdx := make(map[practice.ID]int32, len(co.places))
	for i, id := range co.places {
		placeIdx[id] = int32(i)
	}
	credit := make([]int, nS)
	rankSum := make([]int, nS)
	placedEver := make([]bool, nS)
	repeated := make([]bool, nS)
	total := c.Years * c.PeriodsPerYear
	for n := range total {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		year, period := n/c.PeriodsPerYear+1, n%c.PeriodsPerYear+1
		sc := co.draw(co.roundRand(n), history)
		if c.Fairness {
			for s := range sc.Base.Students {
				sc.Base.Students[s].Credit = min(255, credit[s])
			}
		}
		round := sc.Round()
		o := c.Options
		o.Seed = mix(c.Options.Seed ^ mix(uint64(n)+0x5345_4153_4f4e))
		res, err := allocation.Allocate(round, o)
		if err != nil {
			return rep, fmt.Errorf("simulation: year %d, period %d: %w", year, period, err)
		}
		if err := Check(round, res); err != nil {
			return rep, fmt.Errorf("simulation: year %d, period %d: %w", year, period, err)
		}
		for s := range nS {
			a := res.Assignment(s)
			if !a.Placed() {
				rankSum[s] += L + 1
				credit[s] += L + 1
				continue
			}
			placedEver[s] = true
			rank := max(a.Rank, 1) // a pin or a fill counts as a first choice
			rankSum[s] += rank
			credit[s] += rank - 1
			pl := placeIdx[a.Place]
			if slices.Contains(history[s], pl) {
				repeated[s] = true
			}
			history[s] = append(history[s], pl)
		}
		rep.Rounds = append(rep.Rounds, RoundReport{
			Year:     year,
			Period:   period,
			Metrics:  res.Metrics(),
			Fairness: fairness(rankSum, n+1, placedEver, repeated),
		})
		if c.Progress != nil {
			c.Progress(n+1, total)
		}
	}
	return rep, nil
}

// fairness measures the students' summed ranks after rounds rounds.
func fairness(rankSum []int, rounds int, placedEver, repeated []bool) Fairness {
	var f Fairness
	n := len(rankSum)
	if n == 0 {
		return f
	}
	means := make([]float64, n)
	var sum, all float64
	for s, r := range rankSum {
		means[s] = float64(r) / float64(rounds)
		sum += means[s]
		all += float64(r)
		if !placedEver[s] {
			f.NeverPlaced++
		}
		if repeated[s] {
			f.Repeats++
		}
	}
	f.MeanRank = sum / float64(n)
	var sq float64
	for _, m := range means {
		sq += (m - f.MeanRank) * (m - f.MeanRank)
	}
	f.StdDev = math.Sqrt(sq / float64(n))
	slices.Sort(means)
	worst := max(1, (n+9)/10)
	var w float64
	for _, m := range means[n-worst:] {
		w += m
	}
	f.WorstDecile = w / float64(worst)
	// Gini = Σ (2i − n − 1)·x_i / (n·Σx), with x sorted ascending and i
	// from 1; summed ranks sort as mean ranks do.
	if all > 0 {
		var g float64
		for i, m := range means {
			g += float64(2*(i+1)-n-1) * m * float64(rounds)
		}
		f.Gini = g / (float64(n) * all)
	}
	return f
}
