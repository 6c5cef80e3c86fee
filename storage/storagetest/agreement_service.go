package storagetest

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/agreement"
	"github.com/praksis/praksis/practice"
)

// The cases of this file run agreement.Service over the adapter: coverage
// as of dates, across renewals, consecutive agreements and a
// restructuring; documents; the consistency report on a restructured tree;
// the preview, which must leave nothing behind; and the reminder, once.

// serviceWorld is a study site with its practice administrator, a
// hospital with a clinic holding two wards and a second clinic, and the
// services over the store.
type serviceWorld struct {
	kernel                        *practice.Service
	svc                           *agreement.Service
	admin                         practice.Actor
	inst                          practice.Institution
	org                           practice.Organisation
	clinic, clinic2, wardA, wardB practice.ID
}

func newServiceWorld(t *testing.T, b agreementBundle) serviceWorld {
	t.Helper()
	ctx, sys := b.ctx, practice.SystemActor()
	w := serviceWorld{kernel: practice.NewService(b.ag)}
	var err error
	w.svc, err = agreement.NewService(b.ag)
	require.NoError(t, err)
	w.inst, err = w.kernel.CreateInstitution(ctx, sys, practice.InstitutionInput{Name: "Høgskolen", Code: newInstitution("x").Code})
	require.NoError(t, err)
	admin, err := w.kernel.CreatePerson(ctx, sys, practice.PersonInput{Name: "Studieadministrator", Email: newPerson("x").Email})
	require.NoError(t, err)
	_, err = w.kernel.AssignRole(ctx, sys, w.inst.ID, admin.ID, practice.Administrator)
	require.NoError(t, err)
	w.admin, err = w.kernel.Actor(ctx, admin.ID)
	require.NoError(t, err)
	w.org, err = w.kernel.CreateOrganisation(ctx, sys, practice.OrganisationInput{Name: "Sykehuset HF", OrgNumber: newOrgNumber()})
	require.NoError(t, err)
	place := func(parent practice.ID, name string) practice.ID {
		p, err := w.kernel.CreatePlace(ctx, sys, practice.NewPlace{OrganisationID: w.org.ID, ParentID: parent, Name: name, From: date(t, "2020-01-01")})
		require.NoError(t, err)
		return p.ID
	}
	w.clinic = place(practice.NilID, "Klinikk 1")
	w.clinic2 = place(practice.NilID, "Klinikk 2")
	w.wardA = place(w.clinic, "Post A")
	w.wardB = place(w.clinic, "Post B")
	return w
}

func (w serviceWorld) create(t *testing.T, b agreementBundle, in agreement.Input) agreement.Agreement {
	t.Helper()
	in.OrganisationID, in.Status = w.org.ID, agreement.Active
	if in.Name == "" {
		in.Name = "Samarbeidsavtale"
	}
	ag, err := w.svc.Create(b.ctx, w.admin, w.inst.ID, in)
	require.NoError(t, err, "rule: the service creates an agreement on the store")
	return ag
}

func span(t *testing.T, start, end string) practice.Period {
	p := practice.Period{Start: date(t, start)}
	if end != "" {
		p.End = date(t, end)
	}
	return p
}

func testAgreementService(t *testing.T, h AgreementHarness) {
	t.Run("Coverage", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		w := newServiceWorld(t, b)
		// A renewing agreement over the clinic, then an agreement from
		// 2030 without end; ward B moves to clinic 2 on 2027-05-01.
		w.create(t, b, agreement.Input{Places: []agreement.Covered{{PlaceID: w.clinic}}, Period: span(t, "2025-01-01", "2025-12-31"),
			Renewal: agreement.Renewal{Months: 12, NoticeDays: 90}})
		_, err := w.kernel.Restructure(b.ctx, practice.SystemActor(), practice.StructureChange{PlaceID: w.wardB, From: date(t, "2027-05-01"), ParentID: &w.clinic2})
		require.NoError(t, err)
		covers := func(place practice.ID, p practice.Period) agreement.Coverage {
			c, err := w.svc.Covers(b.ctx, w.admin, agreement.CoverageQuery{InstitutionID: w.inst.ID, PlaceID: place, Period: p})
			require.NoError(t, err)
			return c
		}
		require.True(t, covers(w.wardA, span(t, "2028-01-01", "2029-06-30")).Covered, "rule: a renewing agreement covers its renewed terms")
		got := covers(w.wardB, span(t, "2027-04-01", "2027-06-30"))
		require.False(t, got.Covered)
		require.Equal(t, []agreement.Gap{{Period: span(t, "2027-05-01", "2027-06-30"), Reason: agreement.NotCovered}}, got.Gaps,
			"rule: a place moved out of the covered subtree is not covered from the day it moved")

		other := w.create(t, b, agreement.Input{Name: "Klinikk 2", Places: []agreement.Covered{{PlaceID: w.clinic2}}, Period: span(t, "2027-01-01", "2027-06-30")})
		w.create(t, b, agreement.Input{Name: "Klinikk 2 videre", Places: []agreement.Covered{{PlaceID: w.clinic2}}, Period: span(t, "2027-07-01", "")})
		got = covers(w.wardB, span(t, "2027-05-01", "2028-06-30"))
		require.True(t, got.Covered, "rule: consecutive agreements without a gap cover together: %v", got.Gaps)
		require.Len(t, got.Agreements, 2)
		require.Contains(t, got.Agreements, other.ID)

		places, err := w.svc.Orderable(b.ctx, w.admin, agreement.OrderableQuery{InstitutionID: w.inst.ID, OrganisationID: w.org.ID, Period: span(t, "2027-06-01", "2027-06-30")})
		require.NoError(t, err)
		require.Len(t, places, 4, "rule: every place of the organisation is covered in June by one agreement or another")
	})
	t.Run("Report", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		w := newServiceWorld(t, b)
		clinic := w.create(t, b, agreement.Input{Places: []agreement.Covered{{PlaceID: w.clinic}}, Period: span(t, "2025-01-01", "2029-12-31")})
		sys := practice.SystemActor()
		_, err := w.kernel.Restructure(b.ctx, sys, practice.StructureChange{PlaceID: w.wardB, From: date(t, "2099-02-01"), ParentID: &w.clinic2})
		require.NoError(t, err)
		_, err = w.kernel.Restructure(b.ctx, sys, practice.StructureChange{PlaceID: w.wardA, From: date(t, "2099-03-01"), Close: true})
		require.NoError(t, err)
		_, err = w.svc.Terminate(b.ctx, w.admin, clinic.ID, clinic.Version, agreement.Termination{EndsOn: date(t, "2099-06-30")})
		require.ErrorAs(t, err, new(*practice.ValidationError), "an end after the agreement's own is refused")
		r, err := w.svc.Report(b.ctx, w.admin, w.inst.ID, date(t, "2029-12-01"))
		require.NoError(t, err)
		kinds := map[agreement.FindingKind]int{}
		for _, f := range r.Findings {
			kinds[f.Kind]++
		}
		require.Equal(t, map[agreement.FindingKind]int{agreement.FindingExpiring: 1}, kinds, "rule: before the restructurings, only the end")

		extended, err := w.svc.Agreement(b.ctx, w.admin, clinic.ID)
		require.NoError(t, err)
		in := agreement.Input{OrganisationID: w.org.ID, Name: extended.Name, Places: extended.Places, Period: span(t, "2025-01-01", "")}
		_, err = w.svc.Update(b.ctx, w.admin, clinic.ID, extended.Version, in)
		require.NoError(t, err)
		r, err = w.svc.Report(b.ctx, w.admin, w.inst.ID, date(t, "2099-03-15"))
		require.NoError(t, err)
		kinds = map[agreement.FindingKind]int{}
		for _, f := range r.Findings {
			kinds[f.Kind]++
		}
		require.Equal(t, map[agreement.FindingKind]int{agreement.FindingPlaceClosed: 1, agreement.FindingPlaceMoved: 1}, kinds,
			"rule: the report on a restructured tree finds the closed and the moved ward: %v", r.Findings)
	})
	t.Run("Preview", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		w := newServiceWorld(t, b)
		ag := w.create(t, b, agreement.Input{Places: []agreement.Covered{{PlaceID: w.clinic}}, Period: span(t, "2027-01-01", "")})
		imp, err := w.svc.Preview(b.ctx, w.admin, practice.StructureChange{PlaceID: w.wardB, From: date(t, "2027-03-01"), ParentID: &w.clinic2})
		require.NoError(t, err)
		require.Len(t, imp.Agreements, 1)
		require.Equal(t, ag.ID, imp.Agreements[0].AgreementID)
		require.Equal(t, agreement.Leaves, imp.Agreements[0].Effects[0].Kind, "rule: the preview tells that the ward would leave the agreement")
		history, err := w.kernel.PlaceHistory(b.ctx, w.admin, w.wardB, practice.PageRequest{})
		require.NoError(t, err)
		require.Len(t, history.Items, 1, "rule: a preview changes nothing")
		_, err = w.kernel.Restructure(b.ctx, w.admin, practice.StructureChange{PlaceID: w.wardB, From: date(t, "2027-03-01"), ParentID: &w.clinic2})
		require.NoError(t, err, "rule: after a preview, the change itself can be made")
	})
	t.Run("Documents", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		w := newServiceWorld(t, b)
		ag := w.create(t, b, agreement.Input{Places: []agreement.Covered{{PlaceID: w.clinic}}, Period: span(t, "2027-01-01", "")})
		pdf := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte{0, 0xff, '\n'}, 100_000)...)
		doc, err := w.svc.AddDocument(b.ctx, w.admin, ag.ID, "avtale.pdf", bytes.NewReader(pdf))
		require.NoError(t, err)
		_, err = w.svc.AddDocument(b.ctx, w.admin, ag.ID, "avtale.pdf", bytes.NewReader([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff")))
		require.ErrorAs(t, err, new(*practice.ValidationError), "rule: a renamed executable is refused")
		_, r, err := w.svc.OpenDocument(b.ctx, w.admin, doc.ID)
		require.NoError(t, err)
		got, err := io.ReadAll(r)
		require.NoError(t, err)
		require.NoError(t, r.Close())
		require.Equal(t, pdf, got, "rule: a document's bytes come back exactly")
		page, err := w.svc.Documents(b.ctx, w.admin, ag.ID, practice.PageRequest{})
		require.NoError(t, err)
		require.Equal(t, []agreement.Document{doc}, page.Items, "rule: a refused document stores nothing")
		require.NoError(t, w.svc.RemoveDocument(b.ctx, w.admin, doc.ID))
		_, _, err = w.svc.OpenDocument(b.ctx, w.admin, doc.ID)
		require.ErrorIs(t, err, practice.ErrNotFound)
	})
	t.Run("RemindOnce", func(t *testing.T) {
		t.Parallel()
		b := h.fresh(t)
		w := newServiceWorld(t, b)
		today := practice.DateOf(now())
		w.create(t, b, agreement.Input{Places: []agreement.Covered{{PlaceID: w.clinic}}, Period: practice.Period{Start: today.AddDays(-10), End: today.AddDays(20)}})
		for want := 1; want >= 0; want-- {
			n, err := w.svc.Sweep(context.Background())
			require.NoError(t, err)
			require.Equal(t, want, n, "rule: an agreement ending within the horizon is reminded once")
		}
	})
}
