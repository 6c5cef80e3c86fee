package memory

import (
	"cmp"
	"context"
	"slices"

	"github.com/praksis/praksis/agreement"
	"github.com/praksis/praksis/practice"
)

var _ agreement.Store = (*Store)(nil)

// agreementData is the agreements. Its zero value holds none: the first
// agreement created makes its maps.
type agreementData struct {
	byID   map[practice.ID]agreement.Agreement
	byInst map[practice.ID]map[practice.ID]struct{} // institution → agreements
	// byInstSorted caches each institution's agreements that are not
	// drafts, ordered by ID, for Coverage; a create or an update drops the
	// institution's, and so does its undo.
	byInstSorted cache[[]agreement.Agreement]
	byOrg        map[practice.ID]map[practice.ID]struct{} // organisation → agreements
	byPlace      map[practice.ID]map[practice.ID]struct{} // place → agreements that name it
}

// init makes the maps of an empty agreementData; it runs under the write
// lock. The empty maps stay when a transaction that made them rolls back.
func (v *agreementData) init() {
	if v.byID != nil {
		return
	}
	v.byID = map[practice.ID]agreement.Agreement{}
	v.byInst = map[practice.ID]map[practice.ID]struct{}{}
	v.byOrg = map[practice.ID]map[practice.ID]struct{}{}
	v.byPlace = map[practice.ID]map[practice.ID]struct{}{}
}

func agreementKey(a agreement.Agreement) []string { return []string{a.ID.String()} }

// cloneAgreement returns a with slices of its own, so that neither the
// caller's slices nor the store's are shared; an empty slice is nil.
func cloneAgreement(a agreement.Agreement) agreement.Agreement {
	a.Places = cloneSlice(a.Places)
	a.Scope = cloneSlice(a.Scope)
	a.Terms = cloneSlice(a.Terms)
	return a
}

// selectAgreements returns the agreements of from that are not drafts, of
// the institution if one is given, ordered by ID: a new slice, sharing the
// stored agreements' lists.
func selectAgreements(v *agreementData, from map[practice.ID]struct{}, inst practice.ID) []agreement.Agreement {
	ids := make([]practice.ID, 0, len(from))
	for id := range from {
		if a := v.byID[id]; a.Status != agreement.Draft && (inst == practice.NilID || a.InstitutionID == inst) {
			ids = append(ids, id)
		}
	}
	slices.SortFunc(ids, practice.ID.Compare)
	out := make([]agreement.Agreement, len(ids))
	for i, id := range ids {
		out[i] = v.byID[id]
	}
	return out
}

// cut appends s to into, whose capacity holds it, and returns the copy (nil
// for an empty s) and the rest of into. The copy's capacity ends where it
// does, so appending to it never writes into the next copy.
func cut[T any](into, s []T) (cp, rest []T) {
	if len(s) == 0 {
		return nil, into
	}
	n := len(into)
	into = append(into, s...)
	return into[n:len(into):len(into)], into
}

func cloneSlice[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return slices.Clone(s)
}

// storedAgreement returns a as the store keeps it: its own slices, its
// places ordered by place ID, its scope in code order, its terms by
// programme, then year, and its times in UTC at microsecond precision.
func storedAgreement(a agreement.Agreement) agreement.Agreement {
	a = cloneAgreement(a)
	slices.SortStableFunc(a.Places, func(x, y agreement.Covered) int { return x.PlaceID.Compare(y.PlaceID) })
	slices.Sort(a.Scope)
	slices.SortStableFunc(a.Terms, func(x, y agreement.Term) int {
		return cmp.Or(cmp.Compare(x.Programme, y.Programme), cmp.Compare(x.AcademicYear, y.AcademicYear))
	})
	a.CreatedAt, a.UpdatedAt = utc(a.CreatedAt), utc(a.UpdatedAt)
	return a
}

// agreementRefs checks that the places and the reviewer a refers to
// exist.
func agreementRefs(d *data, a agreement.Agreement) error {
	for _, p := range a.Places {
		if _, ok := d.places[p.PlaceID]; !ok {
			return practice.NotFound("there is no place %s", p.PlaceID)
		}
	}
	if _, ok := d.people[a.ReviewedBy]; !ok && a.ReviewedBy != practice.NilID {
		return practice.NotFound("there is no person %s", a.ReviewedBy)
	}
	return nil
}

// CreateAgreement implements agreement.AgreementStore.
func (s *Store) CreateAgreement(ctx context.Context, a agreement.Agreement) error {
	if err := a.Status.Check(); err != nil {
		return err
	}
	return s.write(ctx, func(d *data, c change) error {
		v := &d.agreements
		if _, ok := v.byID[a.ID]; ok {
			return practice.Taken("id", nil)
		}
		if _, ok := d.institutions[a.InstitutionID]; !ok {
			return practice.NotFound("there is no institution %s", a.InstitutionID)
		}
		if _, ok := d.organisations[a.OrganisationID]; !ok {
			return practice.NotFound("there is no organisation %s", a.OrganisationID)
		}
		if err := agreementRefs(d, a); err != nil {
			return err
		}
		v.init()
		a = storedAgreement(a)
		put(c, v.byID, a.ID, a)
		v.byInstSorted.forget(c, a.InstitutionID)
		addTo(c, v.byInst, a.InstitutionID, a.ID)
		addTo(c, v.byOrg, a.OrganisationID, a.ID)
		for _, p := range a.Places {
			addTo(c, v.byPlace, p.PlaceID, a.ID)
		}
		return nil
	})
}

// UpdateAgreement implements agreement.AgreementStore.
func (s *Store) UpdateAgreement(ctx context.Context, a agreement.Agreement) error {
	if err := a.Status.Check(); err != nil {
		return err
	}
	return s.write(ctx, func(d *data, c change) error {
		v := &d.agreements
		old, err := update(v.byID, a.ID, func(x agreement.Agreement) int { return x.Version }, a.Version, "agreement")
		if err != nil {
			return err
		}
		if err := agreementRefs(d, a); err != nil {
			return err
		}
		next := storedAgreement(a)
		next.InstitutionID, next.OrganisationID, next.CreatedAt = old.InstitutionID, old.OrganisationID, old.CreatedAt
		next.Version = old.Version + 1
		put(c, v.byID, a.ID, next)
		v.byInstSorted.forget(c, next.InstitutionID)
		for _, p := range old.Places {
			removeFrom(c, v.byPlace, p.PlaceID, a.ID)
		}
		for _, p := range next.Places {
			addTo(c, v.byPlace, p.PlaceID, a.ID)
		}
		return nil
	})
}

// Agreement implements agreement.AgreementStore.
func (s *Store) Agreement(ctx context.Context, id practice.ID) (out agreement.Agreement, err error) {
	err = s.read(ctx, func(d *data) error {
		a, ok := d.agreements.byID[id]
		if !ok {
			return practice.NotFound("there is no agreement %s", id)
		}
		out = cloneAgreement(a)
		return nil
	})
	return out, err
}

// Agreements implements agreement.AgreementStore. It starts from the
// agreements that name the place, or the narrower of the institution's
// and the organisation's, or all, and sorts those the filter selects.
func (s *Store) Agreements(ctx context.Context, f agreement.Filter) (out agreement.Page, err error) {
	err = s.read(ctx, func(d *data) error {
		v := &d.agreements
		var some []agreement.Agreement
		switch inst, org := v.byInst[f.InstitutionID], v.byOrg[f.OrganisationID]; {
		case f.PlaceID != practice.NilID:
			some = valuesOf(v.byID, v.byPlace[f.PlaceID])
		case f.InstitutionID != practice.NilID && (f.OrganisationID == practice.NilID || len(inst) <= len(org)):
			some = valuesOf(v.byID, inst)
		case f.OrganisationID != practice.NilID:
			some = valuesOf(v.byID, org)
		default:
			some = allValues(v.byID)
		}
		some = slices.DeleteFunc(some, func(a agreement.Agreement) bool { return !agreementMatches(a, f) })
		out, err = list(some, agreementKey, f.Page)
		for i := range out.Items {
			out.Items[i] = cloneAgreement(out.Items[i])
		}
		return err
	})
	return out, err
}

// agreementMatches reports whether f selects a.
func agreementMatches(a agreement.Agreement, f agreement.Filter) bool {
	switch {
	case f.InstitutionID != practice.NilID && a.InstitutionID != f.InstitutionID,
		f.OrganisationID != practice.NilID && a.OrganisationID != f.OrganisationID,
		f.Status != "" && a.Status != f.Status:
		return false
	case f.PlaceID != practice.NilID && !slices.ContainsFunc(a.Places, func(p agreement.Covered) bool { return p.PlaceID == f.PlaceID }):
		return false
	case f.EndsWithin.Start.IsZero():
		return true
	}
	ends := a.Status == agreement.Active && a.Renewal.Months == 0 || a.Status == agreement.Terminated
	return ends && !a.Period.End.IsZero() && f.EndsWithin.Contains(a.Period.End)
}

// Coverage implements agreement.AgreementStore. It reads the agreements
// through the index of the place's organisation, or of the organisation,
// or of the institution, and the versions through the organisations'
// places, so it costs what it returns, not the size of the store.
func (s *Store) Coverage(ctx context.Context, f agreement.CoverageFilter) (out agreement.CoverageSet, err error) {
	if f == (agreement.CoverageFilter{}) {
		return agreement.CoverageSet{}, practice.Invalid("filter", "required", "give an institution, an organisation or a place")
	}
	err = s.read(ctx, func(d *data) error {
		v := &d.agreements
		// The organisations whose versions it reads: the filter's, the
		// place's, and those of the agreements it selects.
		var orgs []practice.ID
		seen := map[practice.ID]struct{}{}
		addOrg := func(o practice.ID) {
			if _, ok := seen[o]; !ok {
				seen[o] = struct{}{}
				orgs = append(orgs, o)
			}
		}
		if f.OrganisationID != practice.NilID {
			addOrg(f.OrganisationID)
		}
		var from map[practice.ID]struct{} // the agreements to select from
		if f.OrganisationID == practice.NilID && f.PlaceID == practice.NilID {
			// The institution's, from the cache.
			out.Agreements = slices.Clone(v.byInstSorted.get(f.InstitutionID, func() []agreement.Agreement {
				return selectAgreements(v, v.byInst[f.InstitutionID], f.InstitutionID)
			}))
			for _, a := range out.Agreements {
				addOrg(a.OrganisationID)
			}
		}
		switch {
		case f.PlaceID != practice.NilID:
			if p, ok := d.places[f.PlaceID]; ok {
				addOrg(p.OrganisationID)
				if f.OrganisationID == practice.NilID || f.OrganisationID == p.OrganisationID {
					from = v.byOrg[p.OrganisationID]
				}
			}
		case f.OrganisationID != practice.NilID:
			from = v.byOrg[f.OrganisationID]
		}
		if from != nil {
			out.Agreements = selectAgreements(v, from, f.InstitutionID)
			for _, a := range out.Agreements {
				addOrg(a.OrganisationID)
			}
		}
		var nPlaces, nTerms, nScope int
		for _, a := range out.Agreements {
			nPlaces, nTerms, nScope = nPlaces+len(a.Places), nTerms+len(a.Terms), nScope+len(a.Scope)
		}
		// The copies of their lists share three arrays, in one allocation
		// each, not three per agreement.
		places, terms, scope := make([]agreement.Covered, 0, nPlaces), make([]agreement.Term, 0, nTerms), make([]string, 0, nScope)
		for i := range out.Agreements {
			a := &out.Agreements[i]
			a.Places, places = cut(places, a.Places)
			a.Terms, terms = cut(terms, a.Terms)
			a.Scope, scope = cut(scope, a.Scope)
		}
		versions := make([][]practice.PlaceVersion, len(orgs)) // each place's together, in From order
		n := 0
		for i, o := range orgs {
			versions[i] = d.orgVersions.get(o, func() []practice.PlaceVersion {
				var vs []practice.PlaceVersion // each place's together, in From order
				for p := range d.placesByOrg[o] {
					vs = append(vs, d.versions[p]...)
				}
				return vs
			})
			n += len(versions[i])
		}
		out.Versions = make([]practice.PlaceVersion, 0, n)
		for _, vs := range versions {
			out.Versions = append(out.Versions, vs...)
		}
		return nil
	})
	return out, err
}
