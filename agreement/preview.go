package agreement

import (
	"context"
	"errors"
	"slices"

	"github.com/praksis/praksis/practice"
)

// errPreview rolls back the restructuring a preview made.
var errPreview = errors.New("agreement: preview")

// Preview tells what a restructuring of the place tree would do to the
// agreements with the place's organisation, of every institution, before
// it is made: which places would leave or join their coverage, close or be
// renamed, from which date, and which agreements would cover no open place.
// It makes the change as the kernel's Restructure does, with its rules and
// its rights (study site practice administrators), reads the agreements'
// coverage before and after, and rolls the change back: it changes
// nothing. The agreements of institutions whose agreements the caller may
// not read are only counted.
func (s *Service) Preview(ctx context.Context, a practice.Actor, ch practice.StructureChange) (Impact, error) {
	var out Impact
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		p, err := s.store.Place(ctx, ch.PlaceID)
		if err != nil && !errors.Is(err, practice.ErrNotFound) {
			return err
		}
		// An unknown place is the kernel's to tell, after its checks.
		var before CoverageSet
		if err == nil && a.StudySiteAdministrator() {
			// The kernel's lock, taken first, so that no other change to
			// the tree comes between the two reads.
			if err := s.store.Lock(ctx, practice.LockStructure, p.OrganisationID); err != nil {
				return err
			}
			if before, err = s.store.Coverage(ctx, CoverageFilter{OrganisationID: p.OrganisationID}); err != nil {
				return err
			}
		}
		v, err := s.kernel.Restructure(ctx, a, ch)
		if err != nil {
			return err
		}
		after, err := s.store.Coverage(ctx, CoverageFilter{OrganisationID: p.OrganisationID})
		if err != nil {
			return err
		}
		out = impact(a, before, after, v)
		return errPreview
	})
	if errors.Is(err, errPreview) {
		return out, nil
	}
	return Impact{}, err
}

// impact compares the agreements' coverage before and after a change that
// added version v, on v's date and each later date the tree changes.
func impact(a practice.Actor, before, after CoverageSet, v practice.PlaceVersion) Impact {
	out := Impact{Result: v, Agreements: []Affected{}}
	was, is := NewStructure(before.Versions), NewStructure(after.Versions)
	dates := append([]practice.Date{v.From}, is.Changes(v.PlaceID, v.From, practice.LastDate)...)
	for _, ag := range after.Agreements {
		var effects []Effect
		seen := map[Effect]bool{}
		note := func(e Effect) {
			key := Effect{Kind: e.Kind, PlaceID: e.PlaceID}
			if !seen[key] {
				seen[key] = true
				effects = append(effects, e)
			}
		}
		days := dates
		if ag.Period.Start.After(v.From) {
			// It starts after the change: it meets the changed tree then.
			days = append([]practice.Date{ag.Period.Start}, dates...)
		}
		for _, d := range days {
			if !ag.InForce(d) {
				continue
			}
			old, cur := was.CoveredOn(ag, d), is.CoveredOn(ag, d)
			for _, id := range old {
				if slices.Contains(cur, id) {
					if is.Name(id, d) != was.Name(id, d) {
						note(Effect{Kind: Renamed, PlaceID: id, Name: was.Name(id, d), On: d})
					}
					continue
				}
				kind := Leaves
				if !is.Open(id, d) {
					kind = Closes
				}
				note(Effect{Kind: kind, PlaceID: id, Name: was.Name(id, d), On: d})
			}
			for _, id := range cur {
				if !slices.Contains(old, id) {
					note(Effect{Kind: Joins, PlaceID: id, Name: was.Name(id, d), On: d})
				}
			}
			if len(cur) == 0 && len(old) > 0 {
				note(Effect{Kind: NoOpenPlace, On: d})
			}
		}
		if len(effects) == 0 {
			continue
		}
		if !mayRead(a, ag) {
			out.Hidden++
			continue
		}
		out.Agreements = append(out.Agreements, Affected{AgreementID: ag.ID, InstitutionID: ag.InstitutionID, Name: ag.Name, Effects: effects})
	}
	return out
}
