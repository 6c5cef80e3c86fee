package storagetest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/agreement"
	"github.com/praksis/praksis/practice"
)

// newAgreement returns an active agreement of inst with org, not yet
// stored, that names places, each with the places under it: from 1 August
// 2026 to 31 July 2029, not renewing, for all programmes, without terms,
// reviewed on 1 June 2026 by the system. Its Places are ordered by place
// ID, as a store returns them.
func newAgreement(inst, org practice.ID, places ...practice.ID) agreement.Agreement {
	at := now()
	a := agreement.Agreement{ID: practice.NewID(), InstitutionID: inst, OrganisationID: org,
		Name:       fmt.Sprintf("Samarbeidsavtale %d", next()),
		Period:     practice.Period{Start: practice.NewDate(2026, time.August, 1), End: practice.NewDate(2029, time.July, 31)},
		Status:     agreement.Active,
		ReviewedOn: practice.NewDate(2026, time.June, 1),
		Version:    1, CreatedAt: at, UpdatedAt: at}
	for _, p := range places {
		a.Places = append(a.Places, agreement.Covered{PlaceID: p})
	}
	slices.SortFunc(a.Places, func(x, y agreement.Covered) int { return x.PlaceID.Compare(y.PlaceID) })
	return a
}

func createAgreement(t *testing.T, b agreementBundle, a agreement.Agreement) agreement.Agreement {
	t.Helper()
	require.NoError(t, b.ag.CreateAgreement(b.ctx, a), "rule: CreateAgreement stores a new agreement")
	return agreementStoredAs(a)
}

// agreementStoredAs returns a as a store returns it: its Places ordered by
// place ID, its Scope in code order and its Terms by programme, then
// academic year (codes and programmes compared by their bytes), nil for
// none of them, and its times in UTC at microsecond precision.
func agreementStoredAs(a agreement.Agreement) agreement.Agreement {
	a.Places = slices.SortedFunc(slices.Values(a.Places), func(x, y agreement.Covered) int { return x.PlaceID.Compare(y.PlaceID) })
	a.Scope = slices.Sorted(slices.Values(a.Scope))
	a.Terms = slices.SortedFunc(slices.Values(a.Terms), func(x, y agreement.Term) int {
		return cmp.Or(cmp.Compare(x.Programme, y.Programme), cmp.Compare(x.AcademicYear, y.AcademicYear))
	})
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC().Truncate(time.Microsecond), a.UpdatedAt.UTC().Truncate(time.Microsecond)
	return a
}

// parties are an institution and an organisation with places, each at the
// top of the organisation's tree from 1 January 2026, ordered by ID.
type parties struct {
	inst   practice.Institution
	org    practice.Organisation
	places []practice.ID
}

func createParties(t *testing.T, b agreementBundle, places int) parties {
	t.Helper()
	p := parties{inst: createInstitution(t, b.bundle, "Universitetet i Sørøst"), org: createOrg(t, b.bundle, "Sykehuset i Vestfold HF")}
	for i := range places {
		p.places = append(p.places, createPlace(t, b.bundle, p.org.ID, fmt.Sprintf("Avdeling %d", i), practice.NilID, date(t, "2026-01-01")).ID)
	}
	return p
}

func (b agreementBundle) agreement(t *testing.T, id practice.ID) agreement.Agreement {
	t.Helper()
	got, err := b.ag.Agreement(b.ctx, id)
	require.NoError(t, err, "rule: Agreement returns a stored agreement")
	return got
}

func (b agreementBundle) agreements(t *testing.T, f agreement.Filter) []agreement.Agreement {
	t.Helper()
	return listed(b.ag.Agreements(b.ctx, f)).items(t)
}

// agreementIDs returns the IDs of the agreements f selects, in order.
func (b agreementBundle) agreementIDs(t *testing.T, f agreement.Filter) []practice.ID {
	t.Helper()
	out := []practice.ID{}
	for _, a := range b.agreements(t, f) {
		out = append(out, a.ID)
	}
	return out
}

// isAbsent fails the test unless the agreement id is not stored.
func (b agreementBundle) isAbsent(t *testing.T, id practice.ID, rule string) {
	t.Helper()
	_, err := b.ag.Agreement(b.ctx, id)
	isRule(t, err, practice.ErrNotFound, rule)
}

func testAgreements(t *testing.T, h AgreementHarness) {
	t.Run("RoundTrip", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		p := createParties(t, b, 3)
		reviewer := createPerson(t, b.bundle, "Revisor")
		oslo, err := time.LoadLocation("Europe/Oslo")
		if err != nil {
			oslo = time.FixedZone("CET", 3600)
		}
		given := time.Date(2026, 11, 29, 7, 30, 15, 123456789, oslo)
		full := newAgreement(p.inst.ID, p.org.ID)
		// Places, Scope and Terms are given out of order: a store returns
		// them in the order the type documents.
		full.Places = []agreement.Covered{{PlaceID: p.places[2], Only: true}, {PlaceID: p.places[0]}, {PlaceID: p.places[1], Only: true}}
		full.Scope = []string{"barnehage", "ÅRSSTUDIUM", "VERNEPLEIE", "SYKEPLEIE"}
		full.Terms = []agreement.Term{
			{Programme: "VERNEPLEIE", AcademicYear: 2027, Students: 4, AtOnce: 2},
			{Programme: "SYKEPLEIE", AcademicYear: 2028, Students: 12, AtOnce: 6},
			{Programme: "barnehage", AcademicYear: 2027, Students: 3, AtOnce: 1},
			{Programme: "SYKEPLEIE", AcademicYear: 2027, Students: 10, AtOnce: 5},
			{Programme: "ÅRSSTUDIUM", AcademicYear: 2026, Students: 2, AtOnce: 2},
		}
		full.Period = practice.Period{Start: date(t, "2026-08-01"), End: date(t, "2027-07-31")}
		full.Renewal = agreement.Renewal{Months: 12, NoticeDays: 90}
		full.Status, full.NoticeGiven = agreement.Terminated, date(t, "2027-03-15")
		full.ReviewedOn, full.ReviewedBy, full.ExpiryNotified = date(t, "2027-02-28"), reviewer.ID, date(t, "2028-07-31")
		full.Version, full.CreatedAt, full.UpdatedAt = 3, given, given.Add(time.Hour)
		want := full
		want.Places = []agreement.Covered{{PlaceID: p.places[0]}, {PlaceID: p.places[1], Only: true}, {PlaceID: p.places[2], Only: true}}
		want.Scope = []string{"SYKEPLEIE", "VERNEPLEIE", "barnehage", "ÅRSSTUDIUM"}
		want.Terms = []agreement.Term{
			{Programme: "SYKEPLEIE", AcademicYear: 2027, Students: 10, AtOnce: 5},
			{Programme: "SYKEPLEIE", AcademicYear: 2028, Students: 12, AtOnce: 6},
			{Programme: "VERNEPLEIE", AcademicYear: 2027, Students: 4, AtOnce: 2},
			{Programme: "barnehage", AcademicYear: 2027, Students: 3, AtOnce: 1},
			{Programme: "ÅRSSTUDIUM", AcademicYear: 2026, Students: 2, AtOnce: 2},
		}
		want.CreatedAt, want.UpdatedAt = given.UTC().Truncate(time.Microsecond), given.Add(time.Hour).UTC().Truncate(time.Microsecond)

		bare := newAgreement(p.inst.ID, p.org.ID, p.places[1])
		bare.Period = practice.Period{Start: date(t, "2026-01-01")}
		bare.Status, bare.Scope, bare.Terms = agreement.Draft, []string{}, []agreement.Term{}
		wantBare := bare
		wantBare.Scope, wantBare.Terms = nil, nil

		createAgreement(t, b, full)
		createAgreement(t, b, bare)
		const rule = "an agreement round-trips every field: its Places (with Only) ordered by place ID, its Scope in code order and its Terms " +
			"by programme, then academic year, whatever order they were given in (text compared by its bytes); a Period with or without End; " +
			"Renewal, NoticeGiven, ReviewedOn, ReviewedBy, ExpiryNotified and Version as given; times in UTC at microsecond precision"
		require.Equal(t, want, b.agreement(t, full.ID), "rule: Agreement: %s", rule)
		require.Equal(t, wantBare, b.agreement(t, bare.ID),
			"rule: Agreement: an agreement without end, renewal, notice, reviewer or expiry reminder comes back with them zero, "+
				"and one without scope or terms with a nil Scope and nil Terms, however empty they were given")
		got := b.agreement(t, full.ID)
		require.Equal(t, time.UTC, got.CreatedAt.Location(), "rule: a time is returned in UTC")
		require.Equal(t, time.UTC, got.UpdatedAt.Location(), "rule: a time is returned in UTC")
		require.Equal(t, []agreement.Agreement{want, wantBare}, b.agreements(t, agreement.Filter{OrganisationID: p.org.ID}),
			"rule: Agreements: %s", rule)
		set, err := b.ag.Coverage(b.ctx, agreement.CoverageFilter{OrganisationID: p.org.ID})
		require.NoError(t, err)
		require.Equal(t, []agreement.Agreement{want}, set.Agreements, "rule: Coverage: %s", rule)
	})
	t.Run("OwnSlices", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		p := createParties(t, b, 2)
		a := newAgreement(p.inst.ID, p.org.ID, p.places...)
		a.Scope = []string{"SYKEPLEIE", "VERNEPLEIE"}
		a.Terms = []agreement.Term{{Programme: "SYKEPLEIE", AcademicYear: 2027, Students: 10, AtOnce: 5}}
		want := createAgreement(t, b, a)
		want.Places, want.Scope, want.Terms = slices.Clone(want.Places), slices.Clone(want.Scope), slices.Clone(want.Terms)
		a.Places[0].Only, a.Scope[0], a.Terms[0].Students = true, "ANNET", 99
		got := b.agreement(t, a.ID)
		require.Equal(t, want, got, "rule: a store keeps its own copy of the places, scope and terms it was given")
		got.Places[0].Only, got.Scope[0], got.Terms[0].Students = true, "ANNET", 99
		require.Equal(t, want, b.agreement(t, a.ID), "rule: a store returns its own copy of the places, scope and terms it keeps")
		list := b.agreements(t, agreement.Filter{OrganisationID: p.org.ID})
		list[0].Places[0].Only, list[0].Scope[0], list[0].Terms[0].Students = true, "ANNET", 99
		set, err := b.ag.Coverage(b.ctx, agreement.CoverageFilter{OrganisationID: p.org.ID})
		require.NoError(t, err)
		set.Agreements[0].Places[0].Only, set.Agreements[0].Scope[0], set.Agreements[0].Terms[0].Students = true, "ANNET", 99
		require.Equal(t, want, b.agreement(t, a.ID), "rule: Agreements and Coverage return their own copies of what a store keeps")
	})
	t.Run("NotFound", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		p := createParties(t, b, 1)
		createAgreement(t, b, newAgreement(p.inst.ID, p.org.ID, p.places...))
		_, err := b.ag.Agreement(b.ctx, practice.NewID())
		isRule(t, err, practice.ErrNotFound, "Agreement of an unknown ID returns ErrNotFound")
		inDomainWords(t, err, "Agreement of an unknown ID")
	})
	t.Run("Taken", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		p := createParties(t, b, 2)
		a := createAgreement(t, b, newAgreement(p.inst.ID, p.org.ID, p.places[0]))
		create := func(v agreement.Agreement) error {
			return b.try(func(ctx context.Context) error { return b.ag.CreateAgreement(ctx, v) })
		}
		dup := newAgreement(p.inst.ID, p.org.ID, p.places[1])
		dup.ID = a.ID
		isConflict(t, create(dup), "id", "CreateAgreement with a taken ID is a conflict on id")
		dup = newAgreement(practice.NewID(), practice.NewID(), practice.NewID())
		dup.ID, dup.ReviewedBy = a.ID, practice.NewID()
		isConflict(t, create(dup), "id", "CreateAgreement checks the ID before the records it refers to")
		require.Equal(t, []agreement.Agreement{a}, b.agreements(t, agreement.Filter{OrganisationID: p.org.ID}),
			"rule: a refused CreateAgreement stores nothing")
		require.Empty(t, b.agreements(t, agreement.Filter{PlaceID: p.places[1]}), "rule: a refused CreateAgreement stores none of its places")
	})
	t.Run("InvalidStatus", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		p := createParties(t, b, 1)
		a := newAgreement(p.inst.ID, p.org.ID, p.places...)
		a.Status = "expired"
		err := b.try(func(ctx context.Context) error { return b.ag.CreateAgreement(ctx, a) })
		var v *practice.ValidationError
		require.ErrorAs(t, err, &v, "rule: CreateAgreement refuses a status that is not valid with a *ValidationError")
		require.Equal(t, "status", v.Fields[0].Field, "rule: the refusal of a status names the field \"status\"")
		b.isAbsent(t, a.ID, "a refused CreateAgreement stores nothing")
		a = createAgreement(t, b, newAgreement(p.inst.ID, p.org.ID, p.places...))
		bad := a
		bad.Status = ""
		err = b.try(func(ctx context.Context) error { return b.ag.UpdateAgreement(ctx, bad) })
		require.ErrorAs(t, err, &v, "rule: UpdateAgreement refuses a status that is not valid with a *ValidationError")
		got, err := b.ag.Agreement(b.ctx, a.ID)
		require.NoError(t, err)
		require.Equal(t, a.Version, got.Version, "rule: a refused UpdateAgreement changes nothing")
	})
	t.Run("UnknownReference", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		p := createParties(t, b, 2)
		create := func(v agreement.Agreement) error {
			return b.try(func(ctx context.Context) error { return b.ag.CreateAgreement(ctx, v) })
		}
		for _, ref := range []struct {
			what string
			set  func(a *agreement.Agreement)
		}{
			{"institution", func(a *agreement.Agreement) { a.InstitutionID = practice.NewID() }},
			{"organisation", func(a *agreement.Agreement) { a.OrganisationID = practice.NewID() }},
			{"place", func(a *agreement.Agreement) {
				a.Places = append(a.Places, agreement.Covered{PlaceID: practice.NewID(), Only: true})
			}},
			{"reviewer (ReviewedBy)", func(a *agreement.Agreement) { a.ReviewedBy = practice.NewID() }},
		} {
			a := newAgreement(p.inst.ID, p.org.ID, p.places...)
			ref.set(&a)
			err := create(a)
			isRule(t, err, practice.ErrNotFound, "CreateAgreement that refers to an unknown "+ref.what+" returns ErrNotFound")
			inDomainWords(t, err, "CreateAgreement that refers to an unknown "+ref.what)
			b.isAbsent(t, a.ID, "a refused CreateAgreement stores nothing")
		}
		require.Empty(t, b.agreements(t, agreement.Filter{InstitutionID: p.inst.ID}), "rule: a refused CreateAgreement stores nothing")
		require.Empty(t, b.agreements(t, agreement.Filter{PlaceID: p.places[0]}), "rule: a refused CreateAgreement stores none of its places")
	})
	t.Run("Update", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		p := createParties(t, b, 4)
		other := createParties(t, b, 0)
		first, second := createPerson(t, b.bundle, "Revisor"), createPerson(t, b.bundle, "Revisor 2")
		a := newAgreement(p.inst.ID, p.org.ID, p.places[:3]...)
		a.Scope = []string{"SYKEPLEIE"}
		a.Terms = []agreement.Term{
			{Programme: "SYKEPLEIE", AcademicYear: 2026, Students: 8, AtOnce: 4},
			{Programme: "SYKEPLEIE", AcademicYear: 2027, Students: 8, AtOnce: 4},
			{Programme: "VERNEPLEIE", AcademicYear: 2026, Students: 2, AtOnce: 1},
		}
		a.Renewal, a.ReviewedBy, a.Version = agreement.Renewal{Months: 12, NoticeDays: 180}, first.ID, 4
		stored := createAgreement(t, b, a)

		// What UpdateAgreement stores: fewer places, one of them new, and
		// every other field changed ...
		changed := stored
		changed.Name = "Samarbeidsavtale, revidert"
		changed.Places = []agreement.Covered{{PlaceID: p.places[3], Only: true}, {PlaceID: p.places[0]}}
		changed.Period = practice.Period{Start: date(t, "2026-09-01"), End: date(t, "2028-08-31")}
		changed.Renewal = agreement.Renewal{Months: 24, NoticeDays: 30}
		changed.Scope = []string{"VERNEPLEIE", "ERGOTERAPI"}
		changed.Terms = []agreement.Term{{Programme: "VERNEPLEIE", AcademicYear: 2027, Students: 3, AtOnce: 3}}
		changed.Status, changed.NoticeGiven = agreement.Terminated, date(t, "2027-01-10")
		changed.ReviewedOn, changed.ReviewedBy, changed.ExpiryNotified = date(t, "2026-12-01"), second.ID, date(t, "2028-08-31")
		changed.UpdatedAt = time.Date(2026, 12, 1, 9, 0, 0, 999, time.FixedZone("UTC+1", 3600))
		want := agreementStoredAs(changed)
		want.Version = 5
		// ... and what it keeps.
		changed.InstitutionID, changed.OrganisationID = other.inst.ID, other.org.ID
		changed.CreatedAt = now().Add(time.Hour)
		require.NoError(t, b.ag.UpdateAgreement(b.ctx, changed), "rule: UpdateAgreement with the stored version succeeds")
		require.Equal(t, want, b.agreement(t, a.ID),
			"rule: UpdateAgreement stores everything but the ID, InstitutionID, OrganisationID and CreatedAt, with the version plus one; "+
				"its places and terms replace the stored ones")
		require.Equal(t, time.UTC, b.agreement(t, a.ID).UpdatedAt.Location(), "rule: a time is returned in UTC")
		require.Empty(t, b.agreements(t, agreement.Filter{PlaceID: p.places[1]}), "rule: a place an update leaves out is no longer named")
		require.Equal(t, []agreement.Agreement{want}, b.agreements(t, agreement.Filter{PlaceID: p.places[3]}),
			"rule: a place an update adds is named")
		require.Equal(t, []agreement.Agreement{want}, b.agreements(t, agreement.Filter{InstitutionID: p.inst.ID, OrganisationID: p.org.ID}),
			"rule: UpdateAgreement never changes the institution or the organisation")
		require.Empty(t, b.agreements(t, agreement.Filter{InstitutionID: other.inst.ID}), "rule: UpdateAgreement never changes the institution")
		require.Empty(t, b.agreements(t, agreement.Filter{OrganisationID: other.org.ID}), "rule: UpdateAgreement never changes the organisation")

		// More places, no terms, no scope, and the optional fields zero.
		back := want
		back.Places = []agreement.Covered{{PlaceID: p.places[2]}, {PlaceID: p.places[1], Only: true}, {PlaceID: p.places[3]}, {PlaceID: p.places[0], Only: true}}
		back.Period, back.Renewal = practice.Period{Start: date(t, "2026-09-01")}, agreement.Renewal{}
		back.Scope, back.Terms = nil, []agreement.Term{}
		back.Status, back.NoticeGiven, back.ReviewedBy, back.ExpiryNotified = agreement.Active, practice.Date{}, practice.NilID, practice.Date{}
		back.UpdatedAt = now().Add(2 * time.Hour)
		require.NoError(t, b.ag.UpdateAgreement(b.ctx, back))
		wantBack := agreementStoredAs(back)
		wantBack.Terms, wantBack.Version = nil, 6
		require.Equal(t, wantBack, b.agreement(t, a.ID),
			"rule: UpdateAgreement stores more places than before, no terms (returned as nil) and zero values: no End, no renewal, "+
				"NoticeGiven, ExpiryNotified zero and ReviewedBy NilID")
		for _, place := range p.places {
			require.Equal(t, []practice.ID{a.ID}, b.agreementIDs(t, agreement.Filter{PlaceID: place}), "rule: every place an update names is named")
		}
	})
	t.Run("StaleVersion", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		p := createParties(t, b, 2)
		a := createAgreement(t, b, newAgreement(p.inst.ID, p.org.ID, p.places[0]))
		first := a
		first.Name, first.UpdatedAt = "Ny avtale", now().Add(time.Minute)
		require.NoError(t, b.ag.UpdateAgreement(b.ctx, first))
		update := func(v agreement.Agreement) error {
			return b.try(func(ctx context.Context) error { return b.ag.UpdateAgreement(ctx, v) })
		}
		stale := a
		stale.Name, stale.Places = "Gammel", []agreement.Covered{{PlaceID: p.places[1]}}
		isConflict(t, update(stale), "", "UpdateAgreement with a stale version is a conflict on the version")
		stale.Places = append(stale.Places, agreement.Covered{PlaceID: practice.NewID()})
		stale.ReviewedBy = practice.NewID()
		isConflict(t, update(stale), "", "UpdateAgreement checks the version before the records it refers to")
		ahead := first
		ahead.Version += 5
		isConflict(t, update(ahead), "", "UpdateAgreement with a version other than the stored one, even a later one, is a conflict on the version")
		first.Version++
		require.Equal(t, first, b.agreement(t, a.ID), "rule: a refused UpdateAgreement changes nothing")
		require.Empty(t, b.agreements(t, agreement.Filter{PlaceID: p.places[1]}), "rule: a refused UpdateAgreement changes no place")
	})
	t.Run("UpdateUnknown", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		p := createParties(t, b, 2)
		update := func(v agreement.Agreement) error {
			return b.try(func(ctx context.Context) error { return b.ag.UpdateAgreement(ctx, v) })
		}
		v := newAgreement(p.inst.ID, p.org.ID, p.places[0])
		err := update(v)
		isRule(t, err, practice.ErrNotFound, "UpdateAgreement of an unknown ID returns ErrNotFound")
		inDomainWords(t, err, "UpdateAgreement of an unknown ID")
		b.isAbsent(t, v.ID, "UpdateAgreement of an unknown ID stores nothing")
		v.Version, v.ReviewedBy = 7, practice.NewID()
		isRule(t, update(v), practice.ErrNotFound, "UpdateAgreement checks that the record exists first")

		a := createAgreement(t, b, newAgreement(p.inst.ID, p.org.ID, p.places[0]))
		for _, ref := range []struct {
			what string
			set  func(a *agreement.Agreement)
		}{
			{"place", func(a *agreement.Agreement) {
				a.Places = []agreement.Covered{{PlaceID: p.places[1]}, {PlaceID: practice.NewID()}}
			}},
			{"reviewer (ReviewedBy)", func(a *agreement.Agreement) { a.ReviewedBy = practice.NewID() }},
		} {
			v := a
			v.Name = "Endret"
			ref.set(&v)
			err := update(v)
			isRule(t, err, practice.ErrNotFound, "UpdateAgreement that refers to an unknown "+ref.what+" returns ErrNotFound")
			inDomainWords(t, err, "UpdateAgreement that refers to an unknown "+ref.what)
		}
		require.Equal(t, a, b.agreement(t, a.ID), "rule: a refused UpdateAgreement changes nothing")
		require.Empty(t, b.agreements(t, agreement.Filter{PlaceID: p.places[1]}), "rule: a refused UpdateAgreement changes no place")
	})
	t.Run("List", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		w := createAgreementWorld(t, b)
		for _, c := range []struct {
			f    agreement.Filter
			want []agreement.Agreement
			rule string
		}{
			{agreement.Filter{InstitutionID: w.i.ID}, []agreement.Agreement{w.iaActive, w.iaTerminated, w.iaDraft, w.ibActive, w.icDraft},
				"Filter.InstitutionID selects the institution's agreements, drafts too, ordered by ID"},
			{agreement.Filter{OrganisationID: w.a.ID}, []agreement.Agreement{w.iaActive, w.iaTerminated, w.iaDraft, w.jaActive},
				"Filter.OrganisationID selects the agreements with the organisation, of every institution"},
			{agreement.Filter{PlaceID: w.a2}, []agreement.Agreement{w.iaDraft, w.jaActive},
				"Filter.PlaceID selects the agreements that name the place, not those that cover it as under a place they name"},
			{agreement.Filter{PlaceID: w.a3}, []agreement.Agreement{w.iaTerminated},
				"Filter.PlaceID selects the agreements that name the place, with Only or not"},
			{agreement.Filter{PlaceID: w.b2}, []agreement.Agreement{},
				"Filter.PlaceID of a place no agreement names selects nothing"},
			{agreement.Filter{Status: agreement.Draft}, []agreement.Agreement{w.iaDraft, w.icDraft},
				"Filter.Status selects the agreements with that status"},
			{agreement.Filter{Status: agreement.Terminated}, []agreement.Agreement{w.iaTerminated},
				"Filter.Status selects the agreements with that status"},
			{agreement.Filter{InstitutionID: w.i.ID, OrganisationID: w.a.ID}, []agreement.Agreement{w.iaActive, w.iaTerminated, w.iaDraft},
				"the filter's fields combine: institution and organisation"},
			{agreement.Filter{InstitutionID: w.i.ID, Status: agreement.Active}, []agreement.Agreement{w.iaActive, w.ibActive},
				"the filter's fields combine: institution and status"},
			{agreement.Filter{InstitutionID: w.j.ID, PlaceID: w.a2}, []agreement.Agreement{w.jaActive},
				"the filter's fields combine: institution and place"},
			{agreement.Filter{InstitutionID: w.i.ID, OrganisationID: w.a.ID, PlaceID: w.a2, Status: agreement.Active}, []agreement.Agreement{},
				"the filter's fields combine: institution, organisation, place and status"},
			{agreement.Filter{OrganisationID: w.b.ID, PlaceID: w.a2}, []agreement.Agreement{},
				"the filter's fields combine: organisation and place"},
			{agreement.Filter{InstitutionID: createInstitution(t, b.bundle, "Uten avtaler").ID}, []agreement.Agreement{},
				"Filter.InstitutionID of an institution without agreements selects nothing"},
			{agreement.Filter{}, w.all, "the zero Filter selects every agreement, ordered by ID"},
		} {
			require.Equal(t, c.want, b.agreements(t, c.f), "rule: %s", c.rule)
		}
	})
	t.Run("EndsWithin", func(t *testing.T) { t.Parallel(); testEndsWithin(t, h) })
	t.Run("Page", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		p := createParties(t, b, 1)
		for i := range 7 {
			a := newAgreement(p.inst.ID, p.org.ID, p.places...)
			if i%3 == 2 {
				a.Status = agreement.Draft
			}
			createAgreement(t, b, a)
		}
		other := createParties(t, b, 1)
		createAgreement(t, b, newAgreement(other.inst.ID, other.org.ID, other.places...))
		for _, c := range []struct {
			f agreement.Filter
			n int
		}{
			{agreement.Filter{OrganisationID: p.org.ID}, 7},
			{agreement.Filter{InstitutionID: p.inst.ID, Status: agreement.Active}, 5},
			{agreement.Filter{PlaceID: p.places[0]}, 7},
			{agreement.Filter{}, 8},
		} {
			all := pageThrough(t, "Agreements", 3, func(req practice.PageRequest) (agreement.Page, error) {
				f := c.f
				f.Page = req
				return b.ag.Agreements(b.ctx, f)
			})
			require.Len(t, all, c.n, "rule: Agreements: the pages hold every agreement the filter selects once")
			require.True(t, slices.IsSortedFunc(all, func(x, y agreement.Agreement) int { return x.ID.Compare(y.ID) }),
				"rule: Agreements: the pages in turn are ordered by ID")
		}
		for _, c := range []practice.Cursor{"not a cursor", "%%%", practice.NewCursor("a", "b")} {
			err := b.try(func(ctx context.Context) error {
				_, err := b.ag.Agreements(ctx, agreement.Filter{OrganisationID: p.org.ID, Page: practice.PageRequest{After: c}})
				return err
			})
			isValidation(t, err, "cursor", "a cursor that Agreements did not give is a *ValidationError on cursor")
		}
	})
	t.Run("Coverage", func(t *testing.T) { t.Parallel(); testCoverage(t, h) })
	t.Run("RefusedAlone", func(t *testing.T) {
		t.Parallel()
		b := h.fresh(t)
		p := createParties(t, b, 3)
		bad := newAgreement(p.inst.ID, p.org.ID, p.places[0], p.places[1])
		bad.Places = append(bad.Places, agreement.Covered{PlaceID: practice.NewID()})
		bad.Terms = []agreement.Term{{Programme: "SYKEPLEIE", AcademicYear: 2027, Students: 1, AtOnce: 1}}
		isRule(t, b.ag.CreateAgreement(b.ctx, bad), practice.ErrNotFound, "CreateAgreement that names an unknown place returns ErrNotFound")
		const rule = "a CreateAgreement refused outside a transaction stores nothing, not even part of the agreement"
		b.isAbsent(t, bad.ID, rule)
		require.Empty(t, b.agreements(t, agreement.Filter{PlaceID: p.places[0]}), "rule: %s", rule)
		require.Empty(t, b.agreements(t, agreement.Filter{InstitutionID: p.inst.ID}), "rule: %s", rule)
		good := bad
		good.Places = good.Places[:2]
		want := createAgreement(t, b, good)
		require.Equal(t, want, b.agreement(t, good.ID), "rule: %s: its ID is free, and no place or term of it is left over", rule)

		changed := want
		changed.Name, changed.Terms = "Endret", nil
		changed.Places = []agreement.Covered{{PlaceID: p.places[2]}, {PlaceID: practice.NewID()}}
		isRule(t, b.ag.UpdateAgreement(b.ctx, changed), practice.ErrNotFound, "UpdateAgreement that names an unknown place returns ErrNotFound")
		require.Equal(t, want, b.agreement(t, good.ID),
			"rule: an UpdateAgreement refused outside a transaction changes nothing: not the fields, places or terms")
		require.Equal(t, []agreement.Agreement{want}, b.agreements(t, agreement.Filter{PlaceID: p.places[0]}),
			"rule: an UpdateAgreement refused outside a transaction changes nothing")
		require.Empty(t, b.agreements(t, agreement.Filter{PlaceID: p.places[2]}),
			"rule: an UpdateAgreement refused outside a transaction names no new place")
	})
	t.Run("RefusedInTx", func(t *testing.T) {
		t.Parallel()
		b := h.fresh(t)
		p := createParties(t, b, 3)
		var kept, bad agreement.Agreement
		require.NoError(t, b.s.InTx(b.ctx, func(ctx context.Context) error {
			in := agreementBundle{bundle{s: b.s, ctx: ctx}, b.ag}
			kept = createAgreement(t, in, newAgreement(p.inst.ID, p.org.ID, p.places[0]))
			bad = newAgreement(p.inst.ID, p.org.ID, p.places[1], practice.NewID())
			err := b.s.InTx(ctx, func(ctx context.Context) error { return b.ag.CreateAgreement(ctx, bad) })
			isRule(t, err, practice.ErrNotFound, "CreateAgreement that names an unknown place returns ErrNotFound in a transaction")
			changed := kept
			changed.Name, changed.Places = "Endret", []agreement.Covered{{PlaceID: p.places[2]}, {PlaceID: practice.NewID()}}
			err = b.s.InTx(ctx, func(ctx context.Context) error { return b.ag.UpdateAgreement(ctx, changed) })
			isRule(t, err, practice.ErrNotFound, "UpdateAgreement that names an unknown place returns ErrNotFound in a transaction")
			return nil
		}), "rule: after a write refused in a nested InTx, the outer transaction goes on and commits")
		const rule = "a write refused for an unknown reference in a transaction that commits leaves nothing of it behind"
		require.Equal(t, kept, b.agreement(t, kept.ID), "rule: %s: the agreement the transaction created is kept, unchanged", rule)
		b.isAbsent(t, bad.ID, rule)
		require.Empty(t, b.agreements(t, agreement.Filter{PlaceID: p.places[1]}), "rule: %s", rule)
		require.Empty(t, b.agreements(t, agreement.Filter{PlaceID: p.places[2]}), "rule: %s", rule)
		require.Equal(t, []agreement.Agreement{kept}, b.agreements(t, agreement.Filter{InstitutionID: p.inst.ID}), "rule: %s", rule)
	})
	t.Run("Rollback", func(t *testing.T) {
		t.Parallel()
		b := h.fresh(t)
		p := createParties(t, b, 2)
		kept := createAgreement(t, b, newAgreement(p.inst.ID, p.org.ID, p.places[0]))
		a := newAgreement(p.inst.ID, p.org.ID, p.places[1])
		a.Terms = []agreement.Term{{Programme: "SYKEPLEIE", AcademicYear: 2027, Students: 1, AtOnce: 1}}
		boom := errors.New("boom")
		err := b.s.InTx(b.ctx, func(ctx context.Context) error {
			require.NoError(t, b.ag.CreateAgreement(ctx, a))
			changed := kept
			changed.Name, changed.Places = "Endret", []agreement.Covered{{PlaceID: p.places[1]}}
			changed.Terms = []agreement.Term{{Programme: "VERNEPLEIE", AcademicYear: 2027, Students: 1, AtOnce: 1}}
			require.NoError(t, b.ag.UpdateAgreement(ctx, changed))
			return boom
		})
		require.Same(t, boom, err, "rule: InTx returns fn's error unchanged")
		const rule = "a rolled-back transaction leaves no agreement behind"
		b.isAbsent(t, a.ID, rule)
		require.Equal(t, kept, b.agreement(t, kept.ID), "rule: %s, and leaves an updated agreement as it was", rule)
		require.Equal(t, []agreement.Agreement{kept}, b.agreements(t, agreement.Filter{OrganisationID: p.org.ID}), "rule: %s", rule)
		require.Empty(t, b.agreements(t, agreement.Filter{PlaceID: p.places[1]}), "rule: %s", rule)
		require.Equal(t, agreementStoredAs(a), createAgreement(t, b, a), "rule: a rolled-back agreement's ID is free again")
		require.Equal(t, agreementStoredAs(a), b.agreement(t, a.ID), "rule: a rolled-back agreement leaves no place or term behind")
	})
}

// agreementWorld is a store's agreements between two institutions, i and
// j, and five organisations:
//
//   - a, with places a1, a2 under a1, and a3, and agreements of i (active
//     naming a1, terminated naming a3 with Only, draft naming a2) and of j
//     (active naming a2);
//   - b, with places b1 and b2, and an active agreement of i naming b1;
//   - c, with place c1, and only a draft agreement of i;
//   - d, with place d1, and no agreement;
//   - e, with place e1, and an active agreement of j.
//
// Places of a and b were created in turn, so that ordered by ID they
// alternate; a1 and a2 have versions from several dates.
type agreementWorld struct {
	i, j                                      practice.Institution
	a, b, c, d, e                             practice.Organisation
	a1, a2, a3, b1, b2, c1, d1, e1            practice.ID
	iaActive, iaTerminated, iaDraft, jaActive agreement.Agreement
	ibActive, icDraft, jeActive               agreement.Agreement
	// all are the agreements, ordered by ID.
	all []agreement.Agreement
}

func createAgreementWorld(t *testing.T, b agreementBundle) agreementWorld {
	t.Helper()
	var w agreementWorld
	w.i, w.j = createInstitution(t, b.bundle, "Universitetet i Oslo"), createInstitution(t, b.bundle, "OsloMet")
	w.a, w.b, w.c = createOrg(t, b.bundle, "Akershus universitetssykehus HF"), createOrg(t, b.bundle, "Bærum kommune"), createOrg(t, b.bundle, "Cathinkas hjem")
	w.d, w.e = createOrg(t, b.bundle, "Diakonhjemmet"), createOrg(t, b.bundle, "Enebakk kommune")
	start := date(t, "2026-01-01")
	place := func(org practice.ID, name string, parent practice.ID) practice.ID {
		return createPlace(t, b.bundle, org, name, parent, start).ID
	}
	w.a1 = place(w.a.ID, "Medisinsk klinikk", practice.NilID)
	w.b1 = place(w.b.ID, "Helsehuset", practice.NilID)
	w.a2 = place(w.a.ID, "Hjertemedisin", w.a1)
	w.b2 = place(w.b.ID, "Hjemmetjenesten", practice.NilID)
	w.a3 = place(w.a.ID, "Akuttmottaket", practice.NilID)
	w.c1, w.d1, w.e1 = place(w.c.ID, "Sykehjemmet", practice.NilID), place(w.d.ID, "Geriatri", practice.NilID), place(w.e.ID, "Legevakten", practice.NilID)
	for _, v := range []practice.PlaceVersion{
		{PlaceID: w.a2, From: date(t, "2027-01-01"), Name: "Hjerteavdelingen", ParentID: w.a1},
		{PlaceID: w.a1, From: date(t, "2025-06-01"), Name: "Medisinsk avdeling"}, // before its first, added after it
		{PlaceID: w.a2, From: date(t, "2026-08-01"), Name: "Hjertemedisinsk avdeling", ParentID: w.a1},
	} {
		v.CreatedAt = now()
		require.NoError(t, b.s.AddPlaceVersion(b.ctx, v))
	}
	made := func(inst practice.Institution, org practice.Organisation, status agreement.Status, places ...agreement.Covered) agreement.Agreement {
		a := newAgreement(inst.ID, org.ID)
		a.Places, a.Status = places, status
		return a
	}
	w.iaActive = made(w.i, w.a, agreement.Active, agreement.Covered{PlaceID: w.a1})
	w.iaActive.Scope = []string{"SYKEPLEIE"}
	w.iaActive.Terms = []agreement.Term{
		{Programme: "SYKEPLEIE", AcademicYear: 2026, Students: 6, AtOnce: 3},
		{Programme: "SYKEPLEIE", AcademicYear: 2027, Students: 8, AtOnce: 4},
	}
	w.iaTerminated = made(w.i, w.a, agreement.Terminated, agreement.Covered{PlaceID: w.a3, Only: true})
	w.iaTerminated.NoticeGiven = date(t, "2027-01-15")
	w.iaDraft = made(w.i, w.a, agreement.Draft, agreement.Covered{PlaceID: w.a2})
	w.jaActive = made(w.j, w.a, agreement.Active, agreement.Covered{PlaceID: w.a2})
	w.ibActive = made(w.i, w.b, agreement.Active, agreement.Covered{PlaceID: w.b1})
	w.icDraft = made(w.i, w.c, agreement.Draft, agreement.Covered{PlaceID: w.c1})
	w.jeActive = made(w.j, w.e, agreement.Active, agreement.Covered{PlaceID: w.e1})
	w.all = []agreement.Agreement{w.iaActive, w.iaTerminated, w.iaDraft, w.jaActive, w.ibActive, w.icDraft, w.jeActive}
	for _, i := range []int{4, 1, 6, 0, 3, 5, 2} { // against the order of their IDs
		createAgreement(t, b, w.all[i])
	}
	for _, a := range []*agreement.Agreement{&w.iaActive, &w.iaTerminated, &w.iaDraft, &w.jaActive, &w.ibActive, &w.icDraft, &w.jeActive} {
		*a = agreementStoredAs(*a)
	}
	for i := range w.all {
		w.all[i] = agreementStoredAs(w.all[i])
	}
	return w
}

// versionsOf returns every version of the places of orgs, ordered by place
// ID, then From, as the store's PlaceVersions lists them.
func versionsOf(t *testing.T, b agreementBundle, orgs ...practice.Organisation) []practice.PlaceVersion {
	t.Helper()
	var out []practice.PlaceVersion
	for _, o := range orgs {
		f := practice.PlaceVersionFilter{OrganisationID: o.ID, Page: practice.PageRequest{Limit: practice.MaxLimit}}
		out = append(out, listed(b.s.PlaceVersions(b.ctx, f)).items(t)...)
	}
	slices.SortFunc(out, func(x, y practice.PlaceVersion) int {
		return cmp.Or(x.PlaceID.Compare(y.PlaceID), x.From.Compare(y.From))
	})
	return out
}

// testCoverage checks what Coverage reads: the agreements the filter
// selects that are not drafts, and every version of the places of their
// organisations and of the organisations the filter names.
func testCoverage(t *testing.T, h AgreementHarness) {
	b := h.setup(t)
	w := createAgreementWorld(t, b)
	require.Len(t, versionsOf(t, b, w.a), 6, "rule: AddPlaceVersion stores the versions Coverage reads")
	noInst := createInstitution(t, b.bundle, "Uten avtaler")
	_, err := b.ag.Coverage(b.ctx, agreement.CoverageFilter{})
	var v *practice.ValidationError
	require.ErrorAs(t, err, &v, "rule: Coverage with the zero filter is a *ValidationError")
	require.Equal(t, "filter", v.Fields[0].Field, "rule: Coverage with the zero filter is refused on \"filter\"")
	for _, c := range []struct {
		f          agreement.CoverageFilter
		agreements []agreement.Agreement
		versions   []practice.PlaceVersion
		rule       string
	}{
		{agreement.CoverageFilter{InstitutionID: w.i.ID}, []agreement.Agreement{w.iaActive, w.iaTerminated, w.ibActive}, versionsOf(t, b, w.a, w.b),
			"CoverageFilter.InstitutionID selects the institution's agreements that are not drafts, ordered by ID, with every version " +
				"of the places of their organisations, each place's together in From order (not those of an organisation it has only a draft with)"},
		{agreement.CoverageFilter{InstitutionID: w.j.ID}, []agreement.Agreement{w.jaActive, w.jeActive}, versionsOf(t, b, w.a, w.e),
			"CoverageFilter.InstitutionID selects the agreements with every organisation, and the versions of each"},
		{agreement.CoverageFilter{OrganisationID: w.a.ID}, []agreement.Agreement{w.iaActive, w.iaTerminated, w.jaActive}, versionsOf(t, b, w.a),
			"CoverageFilter.OrganisationID selects the agreements with the organisation that are not drafts, of every institution, " +
				"with every version of the organisation's places"},
		{agreement.CoverageFilter{PlaceID: w.a3}, []agreement.Agreement{w.iaActive, w.iaTerminated, w.jaActive}, versionsOf(t, b, w.a),
			"CoverageFilter.PlaceID selects the agreements with the place's organisation that are not drafts, whatever places they name, " +
				"with every version of that organisation's places"},
		{agreement.CoverageFilter{InstitutionID: w.i.ID, OrganisationID: w.a.ID}, []agreement.Agreement{w.iaActive, w.iaTerminated}, versionsOf(t, b, w.a),
			"the filter's fields combine: institution and organisation"},
		{agreement.CoverageFilter{InstitutionID: w.j.ID, PlaceID: w.a1}, []agreement.Agreement{w.jaActive}, versionsOf(t, b, w.a),
			"the filter's fields combine: institution and place"},
		{agreement.CoverageFilter{InstitutionID: w.i.ID, OrganisationID: w.a.ID, PlaceID: w.a2}, []agreement.Agreement{w.iaActive, w.iaTerminated},
			versionsOf(t, b, w.a), "the filter's fields combine: institution, organisation and place"},
		{agreement.CoverageFilter{InstitutionID: w.j.ID, PlaceID: w.b2}, nil, versionsOf(t, b, w.b),
			"CoverageFilter.PlaceID reads the versions of the place's organisation even without agreements"},
		{agreement.CoverageFilter{InstitutionID: w.i.ID, OrganisationID: w.c.ID}, nil, versionsOf(t, b, w.c),
			"Coverage never selects a draft, and reads the versions of CoverageFilter.OrganisationID's places even without agreements"},
		{agreement.CoverageFilter{OrganisationID: w.d.ID}, nil, versionsOf(t, b, w.d),
			"CoverageFilter.OrganisationID reads the versions of the organisation's places even without agreements"},
		{agreement.CoverageFilter{PlaceID: w.d1}, nil, versionsOf(t, b, w.d),
			"CoverageFilter.PlaceID reads the versions of the place's organisation even without agreements"},
		{agreement.CoverageFilter{InstitutionID: noInst.ID}, nil, nil,
			"CoverageFilter.InstitutionID of an institution without agreements reads neither agreements nor versions"},
		{agreement.CoverageFilter{PlaceID: practice.NewID()}, nil, nil,
			"CoverageFilter.PlaceID of an unknown place reads neither agreements nor versions"},
	} {
		got, err := b.ag.Coverage(b.ctx, c.f)
		require.NoError(t, err, "rule: %s", c.rule)
		requireGrouped(t, got.Versions, c.rule)
		slices.SortStableFunc(got.Versions, func(x, y practice.PlaceVersion) int { return x.PlaceID.Compare(y.PlaceID) })
		if len(c.agreements) == 0 {
			require.Empty(t, got.Agreements, "rule: %s", c.rule)
		} else {
			require.Equal(t, c.agreements, got.Agreements, "rule: %s, each with its places and terms", c.rule)
		}
		if len(c.versions) == 0 {
			require.Empty(t, got.Versions, "rule: %s", c.rule)
		} else {
			require.Equal(t, c.versions, got.Versions, "rule: %s", c.rule)
		}
	}
}

// requireGrouped checks that each place's versions come together, in From
// order, as Coverage returns them (the places may come in any order).
func requireGrouped(t *testing.T, vs []practice.PlaceVersion, rule string) {
	t.Helper()
	done := map[practice.ID]bool{}
	for i, v := range vs {
		if i > 0 && vs[i-1].PlaceID == v.PlaceID {
			require.True(t, vs[i-1].From.Before(v.From), "rule: Coverage returns each place's versions in From order (%s)", rule)
			continue
		}
		require.False(t, done[v.PlaceID], "rule: Coverage returns each place's versions together (%s)", rule)
		done[v.PlaceID] = true
	}
}

// testEndsWithin checks Filter.EndsWithin: it selects the active
// agreements that do not renew and the terminated ones, whose Period.End
// lies in the period.
func testEndsWithin(t *testing.T, h AgreementHarness) {
	b := h.setup(t)
	p := createParties(t, b, 1)
	within := practice.Period{Start: date(t, "2027-06-01"), End: date(t, "2027-08-31")}
	made := func(status agreement.Status, end string, months int) agreement.Agreement {
		a := newAgreement(p.inst.ID, p.org.ID, p.places...)
		a.Status, a.Renewal.Months = status, months
		a.Period = practice.Period{Start: date(t, "2026-08-01")}
		if end != "" {
			a.Period.End = date(t, end)
		}
		return createAgreement(t, b, a)
	}
	cases := []struct {
		a        agreement.Agreement
		selected bool
		// fromStart is whether an EndsWithin from the period's Start on,
		// without End, selects it.
		fromStart bool
		rule      string
	}{
		{made(agreement.Active, "2027-06-01", 0), true, true, "an active one that does not renew and ends on the period's first day is selected"},
		{made(agreement.Active, "2027-07-15", 0), true, true, "an active one that does not renew and ends in the period is selected"},
		{made(agreement.Active, "2027-08-31", 0), true, true, "an active one that does not renew and ends on the period's last day is selected"},
		{made(agreement.Active, "2027-05-31", 0), false, false, "one that ends the day before the period is not selected"},
		{made(agreement.Active, "2027-09-01", 0), false, true, "one that ends the day after the period is not selected"},
		{made(agreement.Active, "2027-07-31", 12), false, false, "an active one that renews is not selected: it does not end"},
		{made(agreement.Terminated, "2027-07-31", 12), true, true, "a terminated one whose End lies in the period is selected, even if it renewed before"},
		{made(agreement.Terminated, "2027-08-31", 0), true, true, "a terminated one that did not renew is selected"},
		{made(agreement.Terminated, "2027-09-30", 0), false, true, "a terminated one that ends after the period is not selected"},
		{made(agreement.Draft, "2027-07-01", 0), false, false, "a draft is not selected: it never comes in force, so it never ends"},
		{made(agreement.Active, "", 0), false, false, "an active one without End is not selected"},
	}
	var want, terminated, fromStart, all []practice.ID
	for _, c := range cases {
		all = append(all, c.a.ID)
		if c.selected {
			want = append(want, c.a.ID)
			if c.a.Status == agreement.Terminated {
				terminated = append(terminated, c.a.ID)
			}
		}
		if c.fromStart {
			fromStart = append(fromStart, c.a.ID)
		}
	}
	ids := func(f agreement.Filter) []practice.ID {
		f.OrganisationID = p.org.ID
		return b.agreementIDs(t, f)
	}
	got := ids(agreement.Filter{EndsWithin: within})
	for _, c := range cases {
		require.Equal(t, c.selected, slices.Contains(got, c.a.ID), "rule: Filter.EndsWithin: %s", c.rule)
	}
	require.Equal(t, want, got, "rule: Agreements orders what EndsWithin selects by ID")
	require.Equal(t, fromStart, ids(agreement.Filter{EndsWithin: practice.Period{Start: within.Start}}),
		"rule: Filter.EndsWithin without End selects the agreements that end on its Start or later")
	require.Equal(t, terminated, ids(agreement.Filter{EndsWithin: within, Status: agreement.Terminated}),
		"rule: the filter's fields combine: EndsWithin and status")
	require.Empty(t, ids(agreement.Filter{EndsWithin: within, InstitutionID: createInstitution(t, b.bundle, "Annen").ID}),
		"rule: the filter's fields combine: EndsWithin and institution")
	require.Equal(t, all, ids(agreement.Filter{EndsWithin: practice.Period{End: within.End}}),
		"rule: Filter.EndsWithin without Start selects by neither end nor status")
}
