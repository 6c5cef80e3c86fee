package agreement

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/praksis/praksis/practice"
)

// checkQuery checks a query's period (a start, an end not before it, dates
// in range) and the programme it names, all in one *ValidationError.
func checkQuery(p practice.Period, programme string) error {
	var v practice.ValidationError
	if p.Start.IsZero() {
		v.Add("start", "required", "is required")
	}
	for _, f := range []struct {
		name string
		d    practice.Date
	}{{"start", p.Start}, {"end", p.End}} {
		if !f.d.IsZero() && !f.d.InRange() {
			v.Add(f.name, "range", "must be a date from "+practice.FirstDate.String()+" to "+practice.LastDate.String())
		}
	}
	if !p.End.IsZero() && p.End.Before(p.Start) {
		v.Add("end", "gtefield", "the end date must not be before the start date")
	}
	err := practice.Validate(struct {
		Programme string `json:"programme" validate:"max=50"`
	}{programme})
	var pv *practice.ValidationError
	if errors.As(err, &pv) {
		v.Fields = append(v.Fields, pv.Fields...)
	} else if err != nil {
		return err
	}
	return v.Err()
}

// Covers tells whether an institution's agreements cover a place for the
// whole of a period (for a programme, if one is given), which agreements
// do, and when and why not. Consecutive agreements cover together; a
// renewing agreement covers until it is terminated; a place moved out from
// under the places an agreement covers is not covered from the day it
// moved. The institution's practice administrators and planners may ask.
func (s *Service) Covers(ctx context.Context, a practice.Actor, q CoverageQuery) (Coverage, error) {
	if err := canPlan(a, q.InstitutionID); err != nil {
		return Coverage{}, err
	}
	q.Programme = strings.TrimSpace(q.Programme)
	if err := checkQuery(q.Period, q.Programme); err != nil {
		return Coverage{}, err
	}
	if q.PlaceID.IsZero() {
		return Coverage{}, practice.Invalid("placeId", "required", "is required")
	}
	set, err := s.store.Coverage(ctx, CoverageFilter{InstitutionID: q.InstitutionID, PlaceID: q.PlaceID})
	if err != nil {
		return Coverage{}, err
	}
	st := NewStructure(set.Versions)
	if !st.Has(q.PlaceID) {
		return Coverage{}, practice.NotFound("there is no place %s", q.PlaceID)
	}
	out := Coverage{PlaceID: q.PlaceID, Period: q.Period, Programme: q.Programme, Agreements: []practice.ID{}, Gaps: []Gap{}}
	covered, by, gaps := st.coverageOf(inScope(set.Agreements, q.Programme), q.PlaceID, q.Period)
	out.Covered = covered
	if by != nil {
		out.Agreements = by
	}
	if gaps != nil {
		out.Gaps = gaps
	}
	return out, nil
}

// Orderable returns the places of an organisation that an institution's
// agreements cover for the whole of a period (for a programme, if one is
// given): the places it may order from. They are ordered by ID. The
// institution's practice administrators and planners may ask.
func (s *Service) Orderable(ctx context.Context, a practice.Actor, q OrderableQuery) ([]Orderable, error) {
	if err := canPlan(a, q.InstitutionID); err != nil {
		return nil, err
	}
	q.Programme = strings.TrimSpace(q.Programme)
	if err := checkQuery(q.Period, q.Programme); err != nil {
		return nil, err
	}
	if q.OrganisationID.IsZero() {
		return nil, practice.Invalid("organisationId", "required", "is required")
	}
	set, err := s.store.Coverage(ctx, CoverageFilter{InstitutionID: q.InstitutionID, OrganisationID: q.OrganisationID})
	if err != nil {
		return nil, err
	}
	as := inScope(set.Agreements, q.Programme)
	out := []Orderable{}
	if len(as) == 0 {
		if len(set.Versions) == 0 {
			if _, err := s.store.Organisation(ctx, q.OrganisationID); errors.Is(err, practice.ErrNotFound) {
				return nil, practice.NotFound("there is no organisation %s", q.OrganisationID)
			} else if err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	st := NewStructure(set.Versions)
	// Only the places under the places the agreements name, on some date,
	// can be covered: the others need no look.
	candidates := map[int32]bool{}
	for _, ag := range as {
		for _, c := range ag.Places {
			if n, ok := st.index[c.PlaceID]; ok {
				for _, m := range st.places[st.comp[n]] {
					candidates[m] = true
				}
			}
		}
	}
	ids := make([]practice.ID, 0, len(candidates))
	for n := range candidates {
		ids = append(ids, st.ids[n])
	}
	slices.SortFunc(ids, practice.ID.Compare)
	for _, id := range ids {
		covered, by, _ := st.coverageOf(as, id, q.Period)
		if !covered {
			continue
		}
		v, _ := st.Version(id, q.Period.Start)
		out = append(out, Orderable{PlaceID: id, Name: v.Name, ParentID: v.ParentID, Agreements: by})
	}
	return out, nil
}
