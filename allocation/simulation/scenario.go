package simulation

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/praksis/praksis/allocation"
	"github.com/praksis/praksis/practice"
)

// Point is a location on the scenario's map, in kilometres.
type Point struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// Distance returns the straight-line distance between p and q in
// kilometres.
func (p Point) Distance(q Point) float64 { return math.Hypot(p.X-q.X, p.Y-q.Y) }

// Scenario is a generated or loaded round, serialisable as JSON.
type Scenario struct {
	// Config is the config the scenario was generated from, defaults
	// filled in.
	Config Config `json:"config"`
	// Base is the round as data: its Exclude and Cost are not serialised
	// and not set; Round returns the round with them.
	Base allocation.Round `json:"round"`
	// Homes are the students' points on the map.
	Homes map[practice.ID]Point `json:"homes"`
	// Sites are the places' points on the map.
	Sites map[practice.ID]Point `json:"sites"`
	// Earlier are each student's places of earlier practice periods, which
	// they may not go to again.
	Earlier map[practice.ID][]practice.ID `json:"earlier,omitempty"`
}

// ConstraintEarlier is the name Round's Exclude gives a place the student
// had in an earlier period.
const ConstraintEarlier = "same place as an earlier practice period"

// KilometresPerCost is the travel distance, from a student's home to a
// place's site, that costs one step down a preference list in Round's Cost.
const KilometresPerCost = 25

// Round returns the scenario's round, ready to run: Base with Exclude set to
// forbid each student's earlier places (naming ConstraintEarlier) when there
// are any, and Cost set to the travel distance, one per KilometresPerCost
// whole kilometres and at most allocation.MaxCost, when the scenario has
// homes and sites (a student or place without a point costs 0). The
// functions read the scenario's maps: keep them unchanged while the round
// is in use.
func (s *Scenario) Round() allocation.Round {
	r := s.Base
	if earlier := s.Earlier; len(earlier) > 0 {
		r.Exclude = func(st *allocation.Student, p *allocation.Place) string {
			if slices.Contains(earlier[st.ID], p.ID) {
				return ConstraintEarlier
			}
			return ""
		}
	}
	if homes, sites := s.Homes, s.Sites; len(homes) > 0 && len(sites) > 0 {
		r.Cost = func(st *allocation.Student, p *allocation.Place) int {
			h, ok := homes[st.ID]
			q, ok2 := sites[p.ID]
			if !ok || !ok2 {
				return 0
			}
			return travelCost(h.Distance(q))
		}
	}
	return r
}

// travelCost is the soft cost of a distance in kilometres.
func travelCost(km float64) int {
	c := km / KilometresPerCost
	if !(c < allocation.MaxCost) {
		return allocation.MaxCost
	}
	return int(c)
}

// Save writes the scenario as indented JSON.
func (s *Scenario) Save(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return fmt.Errorf("simulation: save scenario: %w", err)
	}
	return nil
}

// Load reads a scenario saved as JSON. Unknown fields and trailing data are
// errors. It checks that homes and earlier placements belong to students
// of the round, sites to its places, earlier placements name places of the
// round, the config is valid and the round passes allocation.Prepare, with
// its Exclude and Cost set; a broken rule gives a *practice.ValidationError
// naming the field as in JSON ("homes[<id>]", "round.students[3].id").
func Load(r io.Reader) (*Scenario, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	s := &Scenario{}
	if err := dec.Decode(s); err != nil {
		return nil, fmt.Errorf("simulation: load scenario: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("simulation: load scenario: data after the scenario")
	}
	if err := s.validate(); err != nil {
		return nil, err
	}
	return s, nil
}

// validate checks a loaded scenario.
func (s *Scenario) validate() error {
	v := &practice.ValidationError{}
	if err := s.Config.validate("config."); err != nil {
		var ve *practice.ValidationError
		if errors.As(err, &ve) {
			v.Fields = append(v.Fields, ve.Fields...)
		}
	}
	students := make(map[practice.ID]bool, len(s.Base.Students))
	for _, st := range s.Base.Students {
		students[st.ID] = true
	}
	places := make(map[practice.ID]bool, len(s.Base.Places))
	for _, p := range s.Base.Places {
		places[p.ID] = true
	}
	const maxFields = 20
	add := func(field, rule, format string, args ...any) {
		if len(v.Fields) < maxFields {
			v.Add(field, rule, fmt.Sprintf(format, args...))
		}
	}
	for _, id := range sortedKeys(s.Homes) {
		if !students[id] {
			add(fmt.Sprintf("homes[%s]", id), "exists", "the student %s is not a student of the round", id)
		}
	}
	for _, id := range sortedKeys(s.Sites) {
		if !places[id] {
			add(fmt.Sprintf("sites[%s]", id), "exists", "the place %s is not a place of the round", id)
		}
	}
	for _, id := range sortedKeys(s.Earlier) {
		if !students[id] {
			add(fmt.Sprintf("earlier[%s]", id), "exists", "the student %s is not a student of the round", id)
			continue
		}
		for j, pl := range s.Earlier[id] {
			if !places[pl] {
				add(fmt.Sprintf("earlier[%s][%d]", id, j), "exists", "the place %s is not a place of the round", pl)
			}
		}
	}
	if len(v.Fields) > 0 {
		return v
	}
	if _, err := allocation.Prepare(s.Round()); err != nil {
		var ve *practice.ValidationError
		if !errors.As(err, &ve) {
			return fmt.Errorf("simulation: load scenario: %w", err)
		}
		for _, f := range ve.Fields {
			f.Field = "round." + f.Field
			v.Fields = append(v.Fields, f)
		}
	}
	return v.Err()
}

// sortedKeys returns the keys of m in ID order, for stable error messages.
func sortedKeys[V any](m map[practice.ID]V) []practice.ID {
	out := make([]practice.ID, 0, len(m))
	for id := range m {
		out = append(out, id)
	}
	slices.SortFunc(out, practice.ID.Compare)
	return out
}

// String returns a one-line summary of the scenario.
func (s *Scenario) String() string {
	seats := 0
	for _, p := range s.Base.Places {
		seats += p.Seats
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d students, %d places, %d seats", len(s.Base.Students), len(s.Base.Places), seats)
	if len(s.Base.Classes) > 0 {
		fmt.Fprintf(&b, ", %d classes", len(s.Base.Classes))
	}
	if len(s.Base.Pins) > 0 {
		fmt.Fprintf(&b, ", %d pins", len(s.Base.Pins))
	}
	return b.String()
}
