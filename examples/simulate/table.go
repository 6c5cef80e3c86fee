package main

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/praksis/praksis/allocation"
)

// printTable prints t as aligned text columns: the first column, names,
// to the left; the others, numbers, to the right; a column without a
// heading (a text bar) to the left.
func printTable(w io.Writer, t table) {
	width := make([]int, len(t.Head))
	for _, r := range append([][]string{t.Head}, t.Rows...) {
		for i, cell := range r {
			if i < len(width) {
				width[i] = max(width[i], utf8.RuneCountInString(cell))
			}
		}
	}
	line := func(cells []string) {
		var b strings.Builder
		for i, cell := range cells {
			if i >= len(width) {
				break
			}
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(cell))
			if i > 0 {
				b.WriteString("  ")
			}
			if i == 0 || t.Head[i] == "" {
				b.WriteString(cell + pad)
			} else {
				b.WriteString(pad + cell)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	line(t.Head)
	for _, r := range t.Rows {
		line(r)
	}
}

// printDetails prints the rank histogram and the rates per class and
// region: the data of the report's charts.
func printDetails(w io.Writer, m allocation.Metrics) {
	rc := rankChart(m, "")
	rows := make([][]string, len(rc.Rows))
	top := 0
	for _, n := range m.RankHistogram {
		top = max(top, n)
	}
	for i, r := range rc.Rows {
		n := m.RankHistogram[i]
		width := 0
		if top > 0 {
			width = (n*30 + top - 1) / top
		}
		rows[i] = append(r[:len(r):len(r)], strings.Repeat("#", width))
	}
	fmt.Fprintln(w)
	printTable(w, table{Head: append(rc.Head, ""), Rows: rows})
	for _, c := range []*chart{
		rateChart("class", "", "", "", m.ByClass, "none"),
		rateChart("region", "", "", "", m.ByRegion, "unknown"),
	} {
		fmt.Fprintln(w)
		head := append([]string{c.ID}, c.Head[1:]...)
		printTable(w, table{Head: head, Rows: c.Rows})
	}
}
