package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/praksis/praksis/allocation"
	"github.com/praksis/praksis/allocation/simulation"
	"github.com/praksis/praksis/practice"
)

// Config is what one invocation of the command does. ParseConfig fills it
// from the command line.
type Config struct {
	// Scenario is a scenario file to read instead of generating one; with
	// it, one round runs unless Season is set.
	Scenario string
	// Save is a file to write the generated scenario to.
	Save string
	// Generator configures the generated scenario.
	Generator simulation.Config
	// Options choose the algorithm and its parameters.
	Options allocation.Options
	// Season runs Years × Periods rounds instead of one.
	Season bool
	// Years and Periods are the size of a season.
	Years, Periods int
	// Fairness gives students who fared badly in a season's earlier
	// rounds credit in later ones (simulation.SeasonConfig.Fairness).
	Fairness bool
	// Report is the HTML report to write; "" writes none.
	Report string
	// JSON is a file to write the metrics to as JSON; "" writes none.
	JSON string
	// Explain prints the explanations of the first Explain unplaced
	// students of a single round.
	Explain int
	// Lang is the language of the explanations.
	Lang allocation.Language
	// Quiet suppresses progress on stderr.
	Quiet bool

	seedGiven bool // -seed was on the command line
}

// The defaults of a run without arguments: a mid-sized season.
const (
	defaultStudents = 2000
	defaultPlaces   = 200
	defaultSkew     = 0.8
	defaultList     = 10
	defaultRegions  = 4
	defaultClasses  = "tilrettelegging:0.03,omsorg:0.05"
	defaultYears    = 3
	defaultPeriods  = 2
	defaultReport   = "simulation-report.html"
)

// usageError is a bad command line: the command exits with status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// generatorFlags are the flags that shape a generated scenario; they do
// not apply to a scenario read from a file.
var generatorFlags = []string{"students", "places", "min-seats", "max-seats", "skew", "list", "regions", "classes",
	"earlier", "pins", "place-priorities", "groups"}

// newFlagSet returns the command's flags, bound to c.
func newFlagSet(c *Config) *flag.FlagSet {
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	g := &c.Generator

	fs.StringVar(&c.Scenario, "scenario", "", "read the scenario from this JSON `file` (written by -save) instead of generating one; a season regenerates its rounds from the file's config")
	fs.StringVar(&c.Save, "save", "", "write the generated scenario to this JSON `file`")

	fs.IntVar(&g.Students, "students", defaultStudents, "number of students")
	fs.IntVar(&g.Places, "places", defaultPlaces, "number of places")
	fs.Uint64Var(&g.Seed, "seed", 1, "seed of the generator and of the lottery; with -scenario, of the lottery only")
	fs.Float64Var(&g.Skew, "skew", defaultSkew, "how strongly students agree on the popular places (0 = uniform)")
	fs.IntVar(&g.MinSeats, "min-seats", simulation.DefaultMinSeats, "fewest seats at a place")
	fs.IntVar(&g.MaxSeats, "max-seats", simulation.DefaultMaxSeats, "most seats at a place")
	fs.IntVar(&g.ListLength, "list", defaultList, "length of each student's preference list")
	fs.IntVar(&g.Regions, "regions", defaultRegions, "number of regions")
	fs.Func("classes", "priority classes as `name:share,...`, highest priority first; \"\" for none (default \""+defaultClasses+"\")",
		func(s string) error {
			cs, err := parseClasses(s)
			g.Classes = cs
			return err
		})
	fs.IntVar(&g.Earlier, "earlier", 0, "number of earlier periods whose places a student may not get again")
	fs.Float64Var(&g.Pins, "pins", 0, "share of students placed by hand before the round (0 to 1)")
	fs.Float64Var(&g.PlacePriorities, "place-priorities", 0, "share of places with their own priority list (0 to 1)")
	fs.IntVar(&g.Groups, "groups", 0, "number of student groups (cohorts); 0 for none")

	fs.Func("algorithm", "`algorithm`: deferred-acceptance, serial-dictatorship or optimal (default deferred-acceptance)",
		func(s string) error {
			a, err := allocation.ParseAlgorithm(s)
			if err != nil {
				return errors.New("use deferred-acceptance, serial-dictatorship or optimal")
			}
			c.Options.Algorithm = a
			return nil
		})
	fs.Func("groups-policy", "`policy`: soft constraint on groups in the optimal mode: ignored, spread or together (default ignored)",
		func(s string) error {
			p, err := allocation.ParseGroupPolicy(s)
			if err != nil {
				return errors.New("use ignored, spread or together")
			}
			c.Options.Groups = p
			return nil
		})
	fs.BoolVar(&c.Options.FillEmpty, "fill-empty", false, "give students who listed no place a seat left over")

	fs.BoolVar(&c.Season, "season", true, "run a season of -years × -periods rounds; with -scenario, only when given")
	fs.IntVar(&c.Years, "years", defaultYears, "years in a season")
	fs.IntVar(&c.Periods, "periods", defaultPeriods, "practice periods per year")
	fs.BoolVar(&c.Fairness, "fairness", true, "give students who fared badly in a season's earlier rounds credit in later ones")

	fs.StringVar(&c.Report, "report", defaultReport, "write the HTML report to this `file`; -report= for none")
	fs.StringVar(&c.JSON, "json", "", "write the metrics (of the round, or the season report) as JSON to this `file`")
	fs.IntVar(&c.Explain, "explain", 0, "print the explanations of the first `N` unplaced students (single round only)")
	fs.Func("lang", "`language` of the explanations: nb or en (default nb)", func(s string) error {
		switch allocation.Language(s) {
		case allocation.Norwegian, allocation.English:
			c.Lang = allocation.Language(s)
			return nil
		}
		return errors.New("use nb or en")
	})
	fs.BoolVar(&c.Quiet, "quiet", false, "print no progress on stderr")
	return fs
}

// ParseConfig reads the configuration from command-line arguments. It
// returns flag.ErrHelp after printing the usage to usage for -h, and a
// usageError that names the flag for a bad one.
func ParseConfig(args []string, usage io.Writer) (Config, error) {
	c := Config{Lang: allocation.Norwegian}
	c.Generator.Classes, _ = parseClasses(defaultClasses)
	fs := newFlagSet(&c)
	// The flag package prints the whole usage on every error; print only
	// the error (the caller does), and the usage for -h.
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(usage)
			fmt.Fprintf(usage, "Usage: simulate [flags]\n\n"+
				"Simulates allocation rounds or a season on generated (or saved) data,\n"+
				"prints the metrics and writes an HTML report.\n\nFlags:\n")
			fs.PrintDefaults()
			return Config{}, err
		}
		return Config{}, usageError{err}
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	var errs []error
	bad := func(name, format string, args ...any) {
		errs = append(errs, fmt.Errorf("-%s: %s", name, fmt.Sprintf(format, args...)))
	}
	if fs.NArg() > 0 {
		errs = append(errs, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " ")))
	}
	if c.Scenario != "" {
		if !set["season"] {
			c.Season = false
		}
		for _, name := range generatorFlags {
			if set[name] {
				bad(name, "does not apply to a scenario read with -scenario")
			}
		}
		if c.Save != "" {
			bad("save", "does not apply to a scenario read with -scenario")
		}
	}
	g := c.Generator
	for _, f := range []struct {
		name string
		v    int
	}{{"students", g.Students}, {"places", g.Places}, {"min-seats", g.MinSeats}, {"max-seats", g.MaxSeats},
		{"list", g.ListLength}, {"regions", g.Regions}, {"years", c.Years}, {"periods", c.Periods}} {
		// The generator reads 0 as its default; here 0 is a mistake.
		if f.v < 1 {
			bad(f.name, "must be at least 1, not %d", f.v)
		}
	}
	if g.Skew < 0 {
		bad("skew", "must be 0 or more, not %g", g.Skew)
	}
	if len(errs) == 0 {
		// The kit's own checks, in its words, by flag.
		var err error
		switch {
		case c.Season:
			sc := g
			if c.Scenario != "" {
				sc = simulation.Config{} // checked when read
			}
			err = simulation.SeasonConfig{Scenario: sc, Years: c.Years, PeriodsPerYear: c.Periods}.Validate()
		case c.Scenario == "":
			err = g.Validate()
		}
		var v *practice.ValidationError
		if errors.As(err, &v) {
			for _, f := range v.Fields {
				bad(flagOf(f.Field), "%s", f.Message)
			}
		}
	}
	if c.Explain < 0 {
		bad("explain", "must be 0 or more, not %d", c.Explain)
	}
	if c.Explain > 0 && c.Season {
		bad("explain", "explains a single round; add -season=false")
	}
	if c.Options.Groups != allocation.GroupsIgnored && c.Options.Algorithm != allocation.Optimal {
		bad("groups-policy", "applies to -algorithm optimal only")
	}
	if err := errors.Join(errs...); err != nil {
		return Config{}, usageError{err}
	}
	c.Options.Seed = g.Seed
	c.seedGiven = set["seed"]
	return c, nil
}

// flagOf returns the flag of a generator or season field as a
// validation error names it: "scenario.classes[0].share" is -classes.
func flagOf(field string) string {
	field = strings.TrimPrefix(field, "scenario.")
	if i := strings.IndexAny(field, "[."); i >= 0 {
		field = field[:i]
	}
	switch field {
	case "minSeats":
		return "min-seats"
	case "maxSeats":
		return "max-seats"
	case "listLength":
		return "list"
	case "placePriorities":
		return "place-priorities"
	case "periodsPerYear":
		return "periods"
	}
	return field
}

// parseClasses parses "name:share,name:share". Shares are fractions of
// the students, together at most 1.
func parseClasses(s string) ([]simulation.ClassShare, error) {
	var out []simulation.ClassShare
	seen := map[string]bool{}
	total := 0.0
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		name, v, ok := strings.Cut(item, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, fmt.Errorf("%q is not name:share, such as omsorg:0.05", item)
		}
		if seen[name] {
			return nil, fmt.Errorf("class %q appears twice", name)
		}
		seen[name] = true
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || f <= 0 || f > 1 {
			return nil, fmt.Errorf("the share of class %q is %s; use a fraction of the students above 0 and at most 1, such as 0.05", name, v)
		}
		total += f
		out = append(out, simulation.ClassShare{Name: name, Share: f})
	}
	if total > 1+1e-9 {
		return nil, fmt.Errorf("the shares add up to %g, more than all the students (1)", total)
	}
	return out, nil
}

// String describes the classes as -classes takes them.
func classesString(cs []simulation.ClassShare) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.Name + ":" + strconv.FormatFloat(c.Share, 'g', -1, 64)
	}
	return strings.Join(parts, ",")
}
