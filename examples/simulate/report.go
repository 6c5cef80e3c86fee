package main

import (
	"cmp"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"slices"

	"github.com/praksis/praksis/allocation"
	"github.com/praksis/praksis/allocation/simulation"
)

// report is what the HTML report shows: one round, or the rounds of a
// season.
type report struct {
	// Settings describe the run: sizes, algorithm, seed.
	Settings []setting
	// Rounds are the rounds run, in order; one for a single round.
	Rounds []reportRound
	// Season is true for a season, even of one round; its rounds carry
	// fairness measures.
	Season bool
}

type setting struct{ Name, Value string }

type reportRound struct {
	Label    string
	Metrics  allocation.Metrics
	Fairness simulation.Fairness
}

// roundReport is the report of a single round.
func roundReport(settings []setting, m allocation.Metrics) report {
	return report{Settings: settings, Rounds: []reportRound{{Label: "round", Metrics: m}}}
}

// seasonReport is the report of a season.
func seasonReport(settings []setting, s *simulation.SeasonReport) report {
	r := report{Settings: settings, Season: true}
	for _, rr := range s.Rounds {
		r.Rounds = append(r.Rounds, reportRound{Label: roundLabel(rr), Metrics: rr.Metrics, Fairness: rr.Fairness})
	}
	return r
}

// roundLabel names a round of a season, as "Y1 P2".
func roundLabel(r simulation.RoundReport) string {
	return fmt.Sprintf("Y%d P%d", r.Year, r.Period)
}

//go:embed report.html.tmpl
var reportSource string

var reportTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"f1":   func(v float64) string { return fmt.Sprintf("%.1f", v) },
	"half": func(x, w float64) float64 { return x + w/2 },
}).Parse(reportSource))

// page is the data of the report template.
type page struct {
	Title    string
	Subtitle string
	Settings []setting
	Summary  table
	Charts   []*chart
}

type table struct {
	Head []string
	Rows [][]string
}

// writeReport writes the report as one self-contained HTML page: inline
// CSS and SVG, nothing fetched from the network.
func writeReport(w io.Writer, r report) error {
	if len(r.Rounds) == 0 {
		return fmt.Errorf("no rounds to report")
	}
	p := page{Title: "Allocation simulation", Subtitle: "Simulering av fordeling", Settings: r.Settings}
	ms := make([]allocation.Metrics, len(r.Rounds))
	for i, rr := range r.Rounds {
		ms[i] = rr.Metrics
	}
	all := aggregate(ms)
	if r.Season {
		p.Title = "Allocation season simulation"
		p.Subtitle = "Simulering av en sesong med fordelinger"
		p.Summary = seasonTable(r)
	} else {
		p.Summary = roundTable(all)
	}
	scope := ""
	if len(r.Rounds) > 1 {
		scope = fmt.Sprintf(" All %d rounds together.", len(r.Rounds))
	}
	p.Charts = append(p.Charts,
		rankChart(all, scope),
		fillChart(all, scope),
		rateChart("class", "Placement rate per priority class", "Plassering per prioritetsklasse",
			"The share of each priority class's students who got a place, classes in priority order; \"none\" is students without a class. Higher classes are placed first, so their rate should be close to 100%."+scope,
			all.ByClass, "none"),
		rateChart("region", "Placement rate per region", "Plassering per region",
			"The share of the students living in each region who got a place. A low rate shows a region with too few seats for its students, or students who list places elsewhere."+scope,
			all.ByRegion, "unknown"),
	)
	if r.Season {
		p.Charts = append(p.Charts, placedChart(r), fairnessChart(r), giniChart(r))
	}
	return reportTemplate.Execute(w, p)
}

// aggregate adds up the metrics of several rounds: counts add, rates are
// recomputed, and every place of every round counts once in Places.
func aggregate(ms []allocation.Metrics) allocation.Metrics {
	if len(ms) == 1 {
		return ms[0]
	}
	var out allocation.Metrics
	var listed, firstWeighted float64
	classes, regions := map[string]int{}, map[string]int{}
	addRate := func(rates *[]allocation.Rate, idx map[string]int, r allocation.Rate) {
		i, ok := idx[r.Name]
		if !ok {
			i = len(*rates)
			idx[r.Name] = i
			*rates = append(*rates, allocation.Rate{Name: r.Name})
		}
		(*rates)[i].Students += r.Students
		(*rates)[i].Placed += r.Placed
	}
	for _, m := range ms {
		out.Algorithm = m.Algorithm
		out.Students += m.Students
		out.Placed += m.Placed
		out.Unplaced += m.Unplaced
		out.Pinned += m.Pinned
		out.Filled += m.Filled
		out.Seats += m.Seats
		out.SeatsUsed += m.SeatsUsed
		out.BlockingPairs += m.BlockingPairs
		for len(out.RankHistogram) < len(m.RankHistogram) {
			out.RankHistogram = append(out.RankHistogram, 0)
		}
		for i, n := range m.RankHistogram {
			out.RankHistogram[i] += n
		}
		out.Places = append(out.Places, m.Places...)
		for _, r := range m.ByClass {
			addRate(&out.ByClass, classes, r)
		}
		for _, r := range m.ByRegion {
			addRate(&out.ByRegion, regions, r)
		}
		// Metrics do not say how many students had a list; weigh each
		// round's share by its students without a pin.
		w := float64(m.Students - m.Pinned)
		listed += w
		firstWeighted += w * m.FirstChoiceShare
	}
	if listed > 0 {
		out.FirstChoiceShare = firstWeighted / listed
	}
	out.MeanRank = meanRank(out.RankHistogram)
	for _, rates := range [][]allocation.Rate{out.ByClass, out.ByRegion} {
		for i := range rates {
			if rates[i].Students > 0 {
				rates[i].Rate = float64(rates[i].Placed) / float64(rates[i].Students)
			}
		}
	}
	slices.SortFunc(out.ByRegion, func(a, b allocation.Rate) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

func meanRank(h []int) float64 {
	sum, n := 0, 0
	for i, c := range h {
		sum += (i + 1) * c
		n += c
	}
	if n == 0 {
		return 0
	}
	return float64(sum) / float64(n)
}

func share(part, whole int) float64 {
	if whole == 0 {
		return 0
	}
	return float64(part) / float64(whole)
}

func roundTable(m allocation.Metrics) table {
	return table{Head: []string{"Measure", "Value"}, Rows: [][]string{
		{"Students", fmt.Sprint(m.Students)},
		{"Placed", fmt.Sprintf("%d (%s)", m.Placed, percent1(share(m.Placed, m.Students)))},
		{"Unplaced", fmt.Sprint(m.Unplaced)},
		{"Pinned by hand", fmt.Sprint(m.Pinned)},
		{"Filled (listed no place)", fmt.Sprint(m.Filled)},
		{"First choice", percent1(m.FirstChoiceShare)},
		{"Mean rank", fmt.Sprintf("%.2f", m.MeanRank)},
		{"Seats used", fmt.Sprintf("%d of %d (%s)", m.SeatsUsed, m.Seats, percent1(share(m.SeatsUsed, m.Seats)))},
		{"Blocking pairs", fmt.Sprint(m.BlockingPairs)},
	}}
}

func seasonTable(r report) table {
	t := table{Head: []string{"Round", "Students", "Seats", "Placed", "Unplaced", "First choice", "Mean rank", "Blocking pairs",
		"Season mean rank", "Std dev", "Worst decile", "Gini", "Never placed", "Repeats"}}
	row := func(label string, m allocation.Metrics) []string {
		return []string{label, fmt.Sprint(m.Students), fmt.Sprint(m.Seats), percent1(share(m.Placed, m.Students)), fmt.Sprint(m.Unplaced),
			percent1(m.FirstChoiceShare), fmt.Sprintf("%.2f", m.MeanRank), fmt.Sprint(m.BlockingPairs)}
	}
	ms := make([]allocation.Metrics, len(r.Rounds))
	for i, rr := range r.Rounds {
		ms[i] = rr.Metrics
		f := rr.Fairness
		t.Rows = append(t.Rows, append(row(rr.Label, rr.Metrics),
			fmt.Sprintf("%.2f", f.MeanRank), fmt.Sprintf("%.2f", f.StdDev), fmt.Sprintf("%.2f", f.WorstDecile),
			fmt.Sprintf("%.3f", f.Gini), fmt.Sprint(f.NeverPlaced), fmt.Sprint(f.Repeats)))
	}
	if len(ms) > 1 {
		// The season's fairness is the last round's; not repeated.
		t.Rows = append(t.Rows, append(row("All", aggregate(ms)), "", "", "", "", "", ""))
	}
	return t
}

func rankChart(m allocation.Metrics, scope string) *chart {
	c := newChart("ranks", "Rank histogram", "Ønskefordeling",
		"How many placed students got their first, second, … choice. Students pinned by hand or filled without a list are not counted. A tall first bar and a short tail mean most students got what they wanted most."+scope)
	total := 0
	for _, n := range m.RankHistogram {
		total += n
	}
	labels := make([]string, len(m.RankHistogram))
	values := make([]float64, len(m.RankHistogram))
	titles := make([]string, len(m.RankHistogram))
	c.Head = []string{"Choice", "Students", "Share"}
	for i, n := range m.RankHistogram {
		labels[i] = fmt.Sprint(i + 1)
		values[i] = float64(n)
		titles[i] = fmt.Sprintf("choice %d: %d students (%s)", i+1, n, percent1(share(n, total)))
		c.Rows = append(c.Rows, []string{labels[i], fmt.Sprint(n), percent1(share(n, total))})
	}
	c.Desc = fmt.Sprintf("Bar chart of %d placed students by the rank of their place in their list, 1 to %d.", total, len(values))
	c.YLabel, c.XLabel = "students", "choice in the student's list"
	return c.barChart(labels, values, 1, countAxis, count, titles)
}

// fillBuckets are the fill rates of the fill chart: tenths, and full.
var fillBuckets = []string{"<10%", "10–20%", "20–30%", "30–40%", "40–50%", "50–60%", "60–70%", "70–80%", "80–90%", "90–100%", "full"}

func fillChart(m allocation.Metrics, scope string) *chart {
	counts := make([]int, len(fillBuckets))
	noSeats, n := 0, 0
	for _, pf := range m.Places {
		if pf.Seats <= 0 {
			noSeats++
			continue
		}
		n++
		b := len(fillBuckets) - 1
		if pf.Used < pf.Seats {
			b = min(pf.Used*10/pf.Seats, len(fillBuckets)-2)
		}
		counts[b]++
	}
	caption := "How full the places are: the number of places by the share of their seats taken, in steps of 10%, with completely full places apart. Many places far from full next to many full ones mean students crowd the same popular places."
	if noSeats > 0 {
		caption += fmt.Sprintf(" %d places without seats are left out.", noSeats)
	}
	c := newChart("fill", "Fill per place", "Fyllingsgrad per praksissted", caption+scope)
	c.Desc = fmt.Sprintf("Histogram of %d places by the share of their seats taken.", n)
	c.YLabel, c.XLabel = "places", "share of the place's seats taken"
	values := make([]float64, len(counts))
	titles := make([]string, len(counts))
	c.Head = []string{"Seats taken", "Places"}
	for i, k := range counts {
		values[i] = float64(k)
		titles[i] = fmt.Sprintf("%s of the seats taken: %d places", fillBuckets[i], k)
		if i == len(counts)-1 {
			titles[i] = fmt.Sprintf("full: %d places", k)
		}
		c.Rows = append(c.Rows, []string{fillBuckets[i], fmt.Sprint(k)})
	}
	return c.barChart(fillBuckets, values, 1, countAxis, count, titles)
}

// maxBars is the most bars a rate chart draws; beyond it, it draws the
// lowest rates.
const maxBars = 30

func rateChart(id, title, subtitle, caption string, rates []allocation.Rate, empty string) *chart {
	c := newChart(id, title, subtitle, caption)
	c.YLabel, c.XLabel = "placed", id
	name := func(r allocation.Rate) string {
		if r.Name == "" {
			return empty
		}
		return r.Name
	}
	c.Head = []string{"Name", "Students", "Placed", "Rate"}
	for _, r := range rates {
		c.Rows = append(c.Rows, []string{name(r), fmt.Sprint(r.Students), fmt.Sprint(r.Placed), percent1(r.Rate)})
	}
	drawn := rates
	if len(rates) > maxBars {
		drawn = slices.Clone(rates)
		slices.SortStableFunc(drawn, func(a, b allocation.Rate) int { return cmp.Compare(a.Rate, b.Rate) })
		drawn = drawn[:maxBars]
		c.Caption += fmt.Sprintf(" Of %d, the %d with the lowest rates are drawn; the data table has them all.", len(rates), maxBars)
	}
	labels := make([]string, len(drawn))
	values := make([]float64, len(drawn))
	titles := make([]string, len(drawn))
	for i, r := range drawn {
		labels[i], values[i] = name(r), r.Rate
		titles[i] = fmt.Sprintf("%s: %d of %d placed (%s)", labels[i], r.Placed, r.Students, percent1(r.Rate))
	}
	c.Desc = fmt.Sprintf("Bar chart of the placement rate of %d groups of students, from 0 to 100%%.", len(drawn))
	return c.barChart(labels, values, 1, percentAxis, percent1, titles)
}

func roundLabels(r report) []string {
	out := make([]string, len(r.Rounds))
	for i, rr := range r.Rounds {
		out[i] = rr.Label
	}
	return out
}

func placedChart(r report) *chart {
	c := newChart("placed", "Placed share per round", "Andel plassert per runde",
		"The share of each round's students who got a place. The axis starts at 0; read small differences from the numbers above the bars.")
	c.YLabel, c.XLabel = "placed", "round (year, period)"
	labels := roundLabels(r)
	values := make([]float64, len(r.Rounds))
	titles := make([]string, len(r.Rounds))
	c.Head = []string{"Round", "Students", "Placed", "Share"}
	for i, rr := range r.Rounds {
		m := rr.Metrics
		values[i] = share(m.Placed, m.Students)
		titles[i] = fmt.Sprintf("%s: %d of %d placed (%s)", labels[i], m.Placed, m.Students, percent1(values[i]))
		c.Rows = append(c.Rows, []string{labels[i], fmt.Sprint(m.Students), fmt.Sprint(m.Placed), percent1(values[i])})
	}
	c.Desc = fmt.Sprintf("Bar chart of the placed share in each of %d rounds, from 0 to 100%%.", len(values))
	return c.barChart(labels, values, 1, percentAxis, percent1, titles)
}

func fairnessChart(r report) *chart {
	c := newChart("fairness", "Fairness over the season: rank", "Rettferdighet over sesongen: ønskenummer",
		"Each student's mean rank over the season so far (a round without a place counts as the list length + 1, a pin or fill as 1), averaged over all students and over the worst-off tenth of them. A worst decile that stays close to the mean means bad luck in one round is made up for in later ones; one that drifts away means the same students keep losing.")
	c.YLabel, c.XLabel = "rank", "round (year, period)"
	labels := roundLabels(r)
	mean := make([]float64, len(r.Rounds))
	worst := make([]float64, len(r.Rounds))
	c.Head = []string{"Round", "Mean rank", "Std dev", "Worst decile"}
	for i, rr := range r.Rounds {
		f := rr.Fairness
		mean[i], worst[i] = f.MeanRank, f.WorstDecile
		c.Rows = append(c.Rows, []string{labels[i], fmt.Sprintf("%.2f", f.MeanRank), fmt.Sprintf("%.2f", f.StdDev), fmt.Sprintf("%.2f", f.WorstDecile)})
	}
	c.Desc = fmt.Sprintf("Line chart over %d rounds of the students' mean rank and the mean rank of the worst decile.", len(labels))
	return c.lineChart(labels, []string{"mean rank", "worst decile"}, [][]float64{mean, worst}, 1, decimalAxis, decimal)
}

func giniChart(r report) *chart {
	c := newChart("gini", "Fairness over the season: Gini", "Rettferdighet over sesongen: Gini",
		"The Gini coefficient of the students' summed ranks over the season so far: 0 when every student fared the same, higher when outcomes are unequal. The data table also counts the students never placed so far and those sent to a place they had before (always 0: a hard constraint forbids it).")
	c.YLabel, c.XLabel = "Gini", "round (year, period)"
	labels := roundLabels(r)
	gini := make([]float64, len(r.Rounds))
	c.Head = []string{"Round", "Gini", "Never placed", "Repeats"}
	for i, rr := range r.Rounds {
		f := rr.Fairness
		gini[i] = f.Gini
		c.Rows = append(c.Rows, []string{labels[i], fmt.Sprintf("%.3f", f.Gini), fmt.Sprint(f.NeverPlaced), fmt.Sprint(f.Repeats)})
	}
	c.Desc = fmt.Sprintf("Line chart of the Gini coefficient of the students' ranks over %d rounds.", len(labels))
	return c.lineChart(labels, []string{"Gini"}, [][]float64{gini}, 0.1, decimalAxis, decimal)
}
