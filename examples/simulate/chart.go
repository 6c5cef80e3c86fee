package main

import (
	"fmt"
	"math"
	"strings"
)

// chart is the geometry of one inline SVG chart, computed here and drawn
// by the report template, which escapes every text. Coordinates are in
// the SVG's user units.
type chart struct {
	ID       string // unique in the page, for aria-labelledby
	Title    string // the SVG's <title>
	Subtitle string // the title in Norwegian
	Desc     string // the SVG's <desc>: what is drawn, in words
	Caption  string // how to read it, below the chart
	W, H     float64
	Plot     box
	YLabel   string
	XLabel   string // centred under the plot, at XMid
	XMid     float64
	YTicks   []tick
	XTicks   []tick
	Bars     []bar
	Lines    []line
	Legend   []legendItem
	// Head and Rows are the chart's data as a table, for people who
	// cannot see the chart and for copying.
	Head []string
	Rows [][]string
}

type box struct{ X0, Y0, X1, Y1 float64 }

type tick struct {
	Pos   float64
	Label string
}

type bar struct {
	X, Y, W, H float64
	Value      string // printed above the bar
	Title      string // the bar's tooltip
}

type line struct {
	Class  string
	Points string
	Dots   []dot
}

type dot struct {
	X, Y  float64
	Title string
}

type legendItem struct {
	X, Y  float64
	Class string
	Label string
}

const (
	chartW = 640
	chartH = 280
)

func newChart(id, title, subtitle, caption string) *chart {
	return &chart{
		ID: id, Title: title, Subtitle: subtitle, Caption: caption,
		W: chartW, H: chartH,
		Plot: box{X0: 56, Y0: 24, X1: chartW - 16, Y1: chartH - 44},
		XMid: (56 + chartW - 16) / 2,
	}
}

// axis labels the ticks of a y axis; min is the smallest step between
// ticks (1 for counts).
type axis struct {
	format func(float64) string
	min    float64
}

var (
	countAxis   = axis{count, 1}
	percentAxis = axis{percent, 0.01}
	decimalAxis = axis{decimal, 0.01}
)

// scale sets the y axis from 0 to top with about five ticks and returns
// the function from a value to its y coordinate.
func (c *chart) scale(top float64, a axis) func(float64) float64 {
	step := math.Max(niceStep(top/5), a.min)
	top = math.Max(step, math.Ceil(top/step-1e-9)*step)
	c.YTicks = nil
	for v := 0.0; v <= top+step/2; v += step {
		c.YTicks = append(c.YTicks, tick{Pos: c.y(v, top), Label: a.format(v)})
	}
	return func(v float64) float64 { return c.y(v, top) }
}

func (c *chart) y(v, top float64) float64 {
	return c.Plot.Y1 - (c.Plot.Y1-c.Plot.Y0)*v/top
}

// niceStep rounds v up to 1, 2 or 5 times a power of ten.
func niceStep(v float64) float64 {
	if v <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v*(1-1e-9) {
			return m * p
		}
	}
	return 10 * p
}

// barChart draws one bar per value, labelled below by labels, with the
// value above it as format prints it and the title as its tooltip. The
// axis reaches at least top.
func (c *chart) barChart(labels []string, values []float64, top float64, a axis, format func(float64) string, titles []string) *chart {
	y := c.scale(math.Max(top, maxOf(values)), a)
	n := float64(max(len(values), 1))
	slot := (c.Plot.X1 - c.Plot.X0) / n
	w := math.Min(slot*0.7, 64)
	for i, v := range values {
		x := c.Plot.X0 + slot*(float64(i)+0.5)
		c.Bars = append(c.Bars, bar{X: x - w/2, Y: y(v), W: w, H: c.Plot.Y1 - y(v), Value: format(v), Title: titles[i]})
		c.XTicks = append(c.XTicks, tick{Pos: x, Label: fitLabel(labels[i], slot)})
	}
	return c
}

// lineChart draws one line per named series over the x labels; the axis
// reaches at least top.
func (c *chart) lineChart(labels []string, names []string, series [][]float64, top float64, a axis, format func(float64) string) *chart {
	for _, s := range series {
		top = math.Max(top, maxOf(s))
	}
	y := c.scale(top, a)
	n := float64(max(len(labels), 1))
	slot := (c.Plot.X1 - c.Plot.X0) / n
	x := func(i int) float64 { return c.Plot.X0 + slot*(float64(i)+0.5) }
	for i, l := range labels {
		c.XTicks = append(c.XTicks, tick{Pos: x(i), Label: fitLabel(l, slot)})
	}
	for k, s := range series {
		ln := line{Class: fmt.Sprintf("s%d", k)}
		var pts []string
		for i, v := range s {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(v)))
			ln.Dots = append(ln.Dots, dot{X: x(i), Y: y(v), Title: fmt.Sprintf("%s, %s: %s", labels[i], names[k], format(v))})
		}
		ln.Points = strings.Join(pts, " ")
		c.Lines = append(c.Lines, ln)
		c.Legend = append(c.Legend, legendItem{X: c.Plot.X0 + 8 + float64(k)*180, Y: 12, Class: ln.Class, Label: names[k]})
	}
	return c
}

// fitLabel shortens a label to fit a slot of the given width, at about
// 7 units a character.
func fitLabel(s string, width float64) string {
	n := max(int(width/7), 3)
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func maxOf(vs []float64) float64 {
	m := 0.0
	for _, v := range vs {
		m = math.Max(m, v)
	}
	return m
}

func percent(v float64) string { return fmt.Sprintf("%.0f%%", 100*v) }

func percent1(v float64) string { return fmt.Sprintf("%.1f%%", 100*v) }

func count(v float64) string { return fmt.Sprintf("%.0f", v) }

func decimal(v float64) string {
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.2f", v)
}
