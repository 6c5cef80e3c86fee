// Command simulate runs the allocation engine on generated students and
// places, or on a saved scenario, prints the metrics and writes a
// self-contained HTML report with charts.
//
// Without arguments it runs a season: 2,000 students and 200 places, three
// years of two practice periods, deferred acceptance, two priority classes
// and credit for students who fared badly in earlier rounds, with the
// fairness of the season measured after every round:
//
//	go run ./examples/simulate
//	go run ./examples/simulate -students 500 -places 40 -algorithm optimal -season=false -explain 3
//	go run ./examples/simulate -season=false -save round.json
//	go run ./examples/simulate -scenario round.json -json metrics.json
//
// See -h for every flag. Progress goes to stderr, the metrics to stdout
// and the report to simulation-report.html unless -report says otherwise.
// A bad flag exits with status 2, any other failure with status 1.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/praksis/praksis/allocation"
	"github.com/praksis/praksis/allocation/simulation"
	"github.com/praksis/praksis/practice"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// The first interrupt ends a season after the round under way
		// (a round cannot be stopped); the next one ends the command.
		<-ctx.Done()
		stop()
	}()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return
	}
	fmt.Fprintln(os.Stderr, "simulate:", err)
	if errors.As(err, new(usageError)) {
		fmt.Fprintln(os.Stderr, "Run simulate -h for the flags.")
		os.Exit(2)
	}
	os.Exit(1)
}

// run is the command: it parses args, runs the round or season, and
// writes the metrics to stdout, progress to stderr and the files the flags
// ask for. Bad flags give a usageError.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := ParseConfig(args, stderr)
	if err != nil {
		return err
	}
	p := &progress{w: stderr, quiet: c.Quiet, now: time.Now}
	var (
		rep     report
		metrics any
	)
	if c.Season {
		rep, metrics, err = runSeason(ctx, c, stdout, p)
	} else {
		rep, metrics, err = runRound(c, stdout, p)
	}
	if err != nil {
		return err
	}
	if c.JSON != "" {
		if err := writeFile(c.JSON, func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(metrics)
		}); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "\nmetrics: %s\n", c.JSON)
	}
	if c.Report != "" {
		if err := writeFile(c.Report, func(w io.Writer) error { return writeReport(w, rep) }); err != nil {
			return err
		}
		path, err := filepath.Abs(c.Report)
		if err != nil {
			path = c.Report
		}
		fmt.Fprintf(stdout, "\nreport: %s\n", path)
	}
	return nil
}

// scenario reads the scenario file, or generates the scenario and saves it
// if asked to.
func scenario(c Config, p *progress) (*simulation.Scenario, error) {
	if c.Scenario != "" {
		f, err := os.Open(c.Scenario)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		sc, err := simulation.Load(f)
		if err != nil {
			return nil, fmt.Errorf("read scenario %s: %w", c.Scenario, err)
		}
		return sc, nil
	}
	start := p.now()
	sc, err := simulation.Generate(c.Generator)
	if err != nil {
		return nil, fmt.Errorf("generate the scenario: %w", err)
	}
	p.printf("generated %s in %s\n", sc, p.since(start))
	if c.Save != "" {
		if err := writeFile(c.Save, sc.Save); err != nil {
			return nil, err
		}
		p.printf("saved the scenario to %s\n", c.Save)
	}
	return sc, nil
}

// runRound runs one round and prints its metrics and explanations.
func runRound(c Config, stdout io.Writer, p *progress) (report, any, error) {
	sc, err := scenario(c, p)
	if err != nil {
		return report{}, nil, err
	}
	if c.Scenario != "" && !c.seedGiven {
		c.Options.Seed = sc.Config.Seed
	}
	round := sc.Round()
	seats := 0
	for _, pl := range round.Places {
		seats += pl.Seats
	}
	p.printf("allocating %d students over %d places (%d seats) with %s …\n",
		len(round.Students), len(round.Places), seats, c.Options.Algorithm)
	start := p.now()
	res, err := allocation.Allocate(round, c.Options)
	if err != nil {
		return report{}, nil, fmt.Errorf("allocate: %w", err)
	}
	m := res.Metrics()
	p.printf("allocated in %s: placed %s\n", p.since(start), percent1(share(m.Placed, m.Students)))
	start = p.now()
	if err := simulation.Check(round, res); err != nil {
		return report{}, nil, fmt.Errorf("the result breaks a rule: %w", err)
	}
	p.printf("checked the result against the engine's rules in %s\n", p.since(start))

	rep := roundReport(settings(c, sc.Config, seats), m)
	fmt.Fprintf(stdout, "One round: %d students, %d places, %s, seed %d\n\n",
		m.Students, len(round.Places), c.Options.Algorithm, c.Options.Seed)
	printTable(stdout, roundTable(m))
	printDetails(stdout, m)
	if c.Explain > 0 {
		explain(stdout, res, c.Explain, c.Lang)
	}
	return rep, m, nil
}

// runSeason runs a season and prints a line per round.
func runSeason(ctx context.Context, c Config, stdout io.Writer, p *progress) (report, any, error) {
	gen := c.Generator
	if c.Scenario != "" || c.Save != "" {
		sc, err := scenario(c, p)
		if err != nil {
			return report{}, nil, err
		}
		gen = sc.Config
		if c.Scenario != "" && !c.seedGiven {
			c.Options.Seed = gen.Seed
		}
	}
	total := c.Years * c.Periods
	p.printf("season of %s × %s: %d rounds of %d students over %d places with %s\n",
		plural(c.Years, "year"), plural(c.Periods, "period"), total, gen.Students, gen.Places, c.Options.Algorithm)
	start := p.now()
	sr, err := simulation.RunSeason(ctx, simulation.SeasonConfig{
		Scenario: gen, Years: c.Years, PeriodsPerYear: c.Periods, Options: c.Options, Fairness: c.Fairness,
		Progress: func(done, total int) { p.printf("round %d/%d done, %s\n", done, total, p.since(start)) },
	})
	if err != nil {
		return report{}, nil, fmt.Errorf("run the season: %w", err)
	}
	p.printf("season done in %s\n", p.since(start))

	rep := seasonReport(settings(c, gen, 0), sr) // seats differ by round
	fmt.Fprintf(stdout, "Season: %s × %s, %d students, %d places, %s, seed %d\n\n",
		plural(c.Years, "year"), plural(c.Periods, "period"), gen.Students, gen.Places, c.Options.Algorithm, c.Options.Seed)
	printTable(stdout, seasonTable(rep))
	ms := make([]allocation.Metrics, len(sr.Rounds))
	for i, r := range sr.Rounds {
		ms[i] = r.Metrics
	}
	if len(ms) > 0 {
		fmt.Fprintf(stdout, "\nAll %d rounds together:\n\n", len(ms))
		all := aggregate(ms)
		printTable(stdout, roundTable(all))
		printDetails(stdout, all)
	}
	return rep, sr, nil
}

// settings describes the run for the report.
func settings(c Config, g simulation.Config, seats int) []setting {
	s := []setting{}
	add := func(name, format string, args ...any) {
		s = append(s, setting{name, fmt.Sprintf(format, args...)})
	}
	if c.Scenario != "" {
		add("Scenario file", "%s", c.Scenario)
	}
	add("Students", "%d", g.Students)
	add("Places", "%d", g.Places)
	if seats > 0 {
		add("Seats", "%d", seats)
	}
	if g.MinSeats > 0 || g.MaxSeats > 0 {
		add("Seats per place", "%d–%d", g.MinSeats, g.MaxSeats)
	}
	add("List length", "%d", g.ListLength)
	add("Popularity skew", "%g", g.Skew)
	add("Regions", "%d", g.Regions)
	classes := classesString(g.Classes)
	if classes == "" {
		classes = "none"
	}
	add("Priority classes", "%s", strings.ReplaceAll(classes, ",", ", "))
	if g.Earlier > 0 {
		add("Earlier periods excluded", "%d", g.Earlier)
	}
	if g.Pins > 0 {
		add("Pinned by hand", "%s", percent1(g.Pins))
	}
	if g.PlacePriorities > 0 {
		add("Places with own priorities", "%s", percent1(g.PlacePriorities))
	}
	if g.Groups > 0 {
		add("Groups", "%d", g.Groups)
	}
	add("Algorithm", "%s", c.Options.Algorithm)
	if c.Options.Groups != allocation.GroupsIgnored {
		add("Group policy", "%s", c.Options.Groups)
	}
	if c.Options.FillEmpty {
		add("Fill students without a list", "yes")
	}
	add("Seed", "%d", c.Options.Seed)
	if c.Season {
		add("Season", "%s × %s", plural(c.Years, "year"), plural(c.Periods, "period"))
		credit := "off"
		if c.Fairness {
			credit = "on: students who fared badly in earlier rounds come first later"
		}
		add("Fairness credit", "%s", credit)
	}
	return s
}

// explain prints why the first n unplaced students were not placed.
func explain(w io.Writer, res *allocation.Result, n int, lang allocation.Language) {
	round := res.Problem().Round()
	names := make(map[practice.ID]string, len(round.Places))
	for i, pl := range round.Places {
		names[pl.ID] = fmt.Sprintf("place %d", i+1)
	}
	name := func(id practice.ID) string { return names[id] }
	fmt.Fprintf(w, "\nUnplaced students (at most %d):\n", n)
	shown := 0
	for i, a := range res.Assignments() {
		if a.Placed() {
			continue
		}
		if shown == n {
			break
		}
		shown++
		fmt.Fprintf(w, "\nstudent %d (%s):\n%s\n", i+1, a.Student, res.Explain(i).Text(lang, name))
	}
	if shown == 0 {
		fmt.Fprintln(w, "none: every student was placed.")
	}
}

// plural returns "1 year" or "3 years".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// writeFile creates path and writes it with write.
func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

// progress prints progress to stderr unless quiet.
type progress struct {
	w     io.Writer
	quiet bool
	now   func() time.Time
}

func (p *progress) printf(format string, args ...any) {
	if !p.quiet {
		fmt.Fprintf(p.w, format, args...)
	}
}

func (p *progress) since(t time.Time) time.Duration {
	d := p.now().Sub(t)
	switch {
	case d > time.Second:
		return d.Round(10 * time.Millisecond)
	case d > time.Millisecond:
		return d.Round(100 * time.Microsecond)
	}
	return d
}
