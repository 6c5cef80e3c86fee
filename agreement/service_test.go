package agreement_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/agreement"
	"github.com/praksis/praksis/practice"
	"github.com/praksis/praksis/storage/memory"
)

// clock is a fake clock that tests move on.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

const day = 24 * time.Hour

// recording is a store that records what is published.
type recording struct {
	*memory.Store
	mu     sync.Mutex
	events []practice.Event
}

func (r *recording) Publish(ctx context.Context, events ...practice.Event) error {
	if err := r.Store.Publish(ctx, events...); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, events...)
	return nil
}

func (r *recording) published() []practice.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.events)
}

// world is a study site with an administrator, a planner and a teacher; a
// second study site with an administrator; a hospital with an
// administrator and a tree (clinic → wards A and B, clinic 2), and a
// municipality with an administrator and one place.
type world struct {
	ctx                                    context.Context
	clock                                  *clock
	store                                  *recording
	kernel                                 *practice.Service
	svc                                    *agreement.Service
	inst, other                            practice.Institution
	hospital, town                         practice.Organisation
	clinic, wardA, wardB, clinic2, school  practice.ID
	admin, planner, teacher, otherAdmin    practice.Actor
	hospitalAdmin, hospitalWriter, townAdm practice.Actor
}

func date(s string) practice.Date {
	d, err := practice.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func newWorld(t *testing.T, opts ...agreement.Option) *world {
	t.Helper()
	ctx := context.Background()
	c := &clock{now: time.Date(2027, 1, 10, 9, 0, 0, 0, time.UTC)}
	store := &recording{Store: memory.New()}
	kernel := practice.NewService(store, practice.WithClock(c))
	svc, err := agreement.NewService(store, append([]agreement.Option{agreement.WithClock(c)}, opts...)...)
	require.NoError(t, err)
	w := &world{ctx: ctx, clock: c, store: store, kernel: kernel, svc: svc}
	sys := practice.SystemActor()
	w.inst, err = kernel.CreateInstitution(ctx, sys, practice.InstitutionInput{Name: "Høgskolen", Code: "HS"})
	require.NoError(t, err)
	w.other, err = kernel.CreateInstitution(ctx, sys, practice.InstitutionInput{Name: "Universitetet", Code: "UNI"})
	require.NoError(t, err)
	w.hospital, err = kernel.CreateOrganisation(ctx, sys, practice.OrganisationInput{Name: "Sykehuset HF", OrgNumber: "993467049"})
	require.NoError(t, err)
	w.town, err = kernel.CreateOrganisation(ctx, sys, practice.OrganisationInput{Name: "Kommunen", OrgNumber: "974760673"})
	require.NoError(t, err)
	n := 0
	person := func(name string) practice.Person {
		n++
		p, err := kernel.CreatePerson(ctx, sys, practice.PersonInput{Name: name, Email: strings.ToLower(name) + "@example.no"})
		require.NoError(t, err)
		return p
	}
	actor := func(p practice.Person) practice.Actor {
		a, err := kernel.Actor(ctx, p.ID)
		require.NoError(t, err)
		return a
	}
	staff := func(name string, inst practice.ID, role practice.StaffRole) practice.Actor {
		p := person(name)
		_, err := kernel.AssignRole(ctx, sys, inst, p.ID, role)
		require.NoError(t, err)
		return actor(p)
	}
	member := func(name string, org practice.ID, r practice.Right) practice.Actor {
		p := person(name)
		_, err := kernel.Grant(ctx, sys, org, p.ID, r)
		require.NoError(t, err)
		return actor(p)
	}
	w.admin = staff("Admin", w.inst.ID, practice.Administrator)
	w.planner = staff("Planner", w.inst.ID, practice.Planner)
	w.teacher = staff("Teacher", w.inst.ID, practice.Teacher)
	w.otherAdmin = staff("Other", w.other.ID, practice.Administrator)
	w.hospitalAdmin = member("HospitalAdmin", w.hospital.ID, practice.Admin)
	w.hospitalWriter = member("HospitalWriter", w.hospital.ID, practice.Write)
	w.townAdm = member("TownAdmin", w.town.ID, practice.Admin)
	place := func(org, parent practice.ID, name string) practice.ID {
		p, err := kernel.CreatePlace(ctx, sys, practice.NewPlace{OrganisationID: org, ParentID: parent, Name: name, From: date("2020-01-01")})
		require.NoError(t, err)
		return p.ID
	}
	w.clinic = place(w.hospital.ID, practice.NilID, "Klinikk 1")
	w.wardA = place(w.hospital.ID, w.clinic, "Post A")
	w.wardB = place(w.hospital.ID, w.clinic, "Post B")
	w.clinic2 = place(w.hospital.ID, practice.NilID, "Klinikk 2")
	w.school = place(w.town.ID, practice.NilID, "Skolen")
	return w
}

func (w *world) input(places ...practice.ID) agreement.Input {
	in := agreement.Input{OrganisationID: w.hospital.ID, Name: "Samarbeidsavtale", Period: practice.Period{Start: date("2027-01-01"), End: date("2028-12-31")}}
	for _, p := range places {
		in.Places = append(in.Places, agreement.Covered{PlaceID: p})
	}
	return in
}

func (w *world) create(t *testing.T, in agreement.Input) agreement.Agreement {
	t.Helper()
	if in.Status == "" {
		in.Status = agreement.Active
	}
	ag, err := w.svc.Create(w.ctx, w.admin, w.inst.ID, in)
	require.NoError(t, err)
	return ag
}

func (w *world) restructure(t *testing.T, ch practice.StructureChange) {
	t.Helper()
	_, err := w.kernel.Restructure(w.ctx, practice.SystemActor(), ch)
	require.NoError(t, err)
}

func requireCode(t *testing.T, err error, code error, msg string) {
	t.Helper()
	require.ErrorIs(t, err, code, msg)
}

func requireField(t *testing.T, err error, field, rule string) {
	t.Helper()
	var v *practice.ValidationError
	require.ErrorAs(t, err, &v)
	for _, f := range v.Fields {
		if f.Field == field && f.Rule == rule {
			return
		}
	}
	t.Fatalf("want a field error %s/%s, got %v", field, rule, v.Fields)
}

func (w *world) count(t *testing.T) int {
	t.Helper()
	all, err := practice.All(func(p practice.PageRequest) (agreement.Page, error) {
		return w.store.Agreements(w.ctx, agreement.Filter{Page: p})
	})
	require.NoError(t, err)
	return len(all)
}

func TestCreateRefusesAndStoresNothing(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	tests := []struct {
		name        string
		in          func() agreement.Input
		field, rule string
	}{
		{"an end before the start", func() agreement.Input {
			in := w.input(w.clinic)
			in.Period.End = date("2026-12-31")
			return in
		}, "period.end", "gtefield"},
		{"a place of another organisation", func() agreement.Input { return w.input(w.clinic, w.school) }, "places[1].placeId", "same-organisation"},
		{"an unknown place", func() agreement.Input { return w.input(practice.NewID()) }, "places[0].placeId", "exists"},
		{"an unknown organisation", func() agreement.Input {
			in := w.input(w.clinic)
			in.OrganisationID = practice.NewID()
			return in
		}, "organisationId", "exists"},
	}
	for _, tt := range tests {
		_, err := w.svc.Create(w.ctx, w.admin, w.inst.ID, tt.in())
		requireField(t, err, tt.field, tt.rule)
	}
	require.Zero(t, w.count(t), "a refused create stores nothing")
}

func TestPermissions(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	for _, a := range []practice.Actor{w.planner, w.teacher, w.otherAdmin, w.hospitalAdmin} {
		_, err := w.svc.Create(w.ctx, a, w.inst.ID, w.input(w.clinic))
		requireCode(t, err, practice.ErrForbidden, "only the institution's practice administrators create its agreements")
	}
	_, err := w.svc.Create(w.ctx, practice.Actor{}, w.inst.ID, w.input(w.clinic))
	requireCode(t, err, practice.ErrForbidden, "nobody creates nothing")
	draft, err := w.svc.Create(w.ctx, w.admin, w.inst.ID, w.input(w.clinic))
	require.NoError(t, err)
	require.Equal(t, agreement.Draft, draft.Status, "a new agreement is a draft unless it says otherwise")

	read := func(a practice.Actor) error { _, err := w.svc.Agreement(w.ctx, a, draft.ID); return err }
	require.NoError(t, read(w.admin))
	require.NoError(t, read(w.planner))
	requireCode(t, read(w.hospitalAdmin), practice.ErrNotFound, "the organisation does not see a draft")
	requireCode(t, read(w.teacher), practice.ErrNotFound, "a teacher does not see agreements")
	requireCode(t, read(w.otherAdmin), practice.ErrNotFound, "another institution does not see them")
	requireCode(t, read(practice.Actor{}), practice.ErrForbidden, "nobody sees nothing")

	active, err := w.svc.Activate(w.ctx, w.admin, draft.ID, draft.Version)
	require.NoError(t, err)
	require.Equal(t, agreement.Active, active.Status)
	require.NoError(t, read(w.hospitalAdmin), "the organisation's administrators read its agreements")
	requireCode(t, read(w.hospitalWriter), practice.ErrNotFound, "a site user without admin right does not")
	requireCode(t, read(w.townAdm), practice.ErrNotFound, "another organisation's administrators do not")

	for _, a := range []practice.Actor{w.planner, w.hospitalAdmin} {
		_, err := w.svc.Review(w.ctx, a, active.ID, active.Version, practice.Date{})
		requireCode(t, err, practice.ErrForbidden, "only the institution's administrators review")
		_, err = w.svc.Terminate(w.ctx, a, active.ID, active.Version, agreement.Termination{})
		requireCode(t, err, practice.ErrForbidden, "only the institution's administrators terminate")
	}

	page, err := w.svc.Agreements(w.ctx, w.hospitalAdmin, agreement.ListFilter{OrganisationID: w.hospital.ID})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	_, err = w.svc.Agreements(w.ctx, w.townAdm, agreement.ListFilter{OrganisationID: w.hospital.ID})
	requireCode(t, err, practice.ErrForbidden, "another organisation's administrators do not list them")
	_, err = w.svc.Agreements(w.ctx, w.otherAdmin, agreement.ListFilter{InstitutionID: w.inst.ID})
	requireCode(t, err, practice.ErrForbidden, "another institution does not list them")
	_, err = w.svc.Report(w.ctx, w.teacher, w.inst.ID, date("2027-01-10"))
	requireCode(t, err, practice.ErrForbidden, "a teacher does not read the report")
	_, err = w.svc.Covers(w.ctx, w.hospitalAdmin, agreement.CoverageQuery{InstitutionID: w.inst.ID, PlaceID: w.wardA, Period: practice.Period{Start: date("2027-02-01")}})
	requireCode(t, err, practice.ErrForbidden, "coverage is the institution's")
}

func TestUpdate(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ag := w.create(t, w.input(w.clinic))
	w.clock.add(3 * day)
	in := w.input(w.clinic, w.clinic2)
	in.Name = "  Ny avtale "
	got, err := w.svc.Update(w.ctx, w.admin, ag.ID, ag.Version, in)
	require.NoError(t, err)
	require.Equal(t, "Ny avtale", got.Name)
	require.Equal(t, ag.Version+1, got.Version)
	require.Equal(t, date("2027-01-13"), got.ReviewedOn, "a change of places counts as a review")
	stored, err := w.svc.Agreement(w.ctx, w.admin, ag.ID)
	require.NoError(t, err)
	require.Equal(t, got, stored)

	_, err = w.svc.Update(w.ctx, w.admin, ag.ID, ag.Version, in)
	requireCode(t, err, practice.ErrConflict, "a stale version is a conflict")
	in.OrganisationID = w.town.ID
	in.Places = []agreement.Covered{{PlaceID: w.school}}
	_, err = w.svc.Update(w.ctx, w.admin, ag.ID, got.Version, in)
	requireField(t, err, "organisationId", "unchanged")
	in = w.input(w.clinic)
	in.Status = agreement.Terminated
	_, err = w.svc.Update(w.ctx, w.admin, ag.ID, got.Version, in)
	requireField(t, err, "status", "oneof")
}

func TestTerminate(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	in := w.input(w.clinic)
	in.Period = practice.Period{Start: date("2025-01-01"), End: date("2025-12-31")}
	in.Renewal = agreement.Renewal{Months: 12, NoticeDays: 90}
	ag := w.create(t, in)
	require.True(t, ag.EndsOn().IsZero())
	ended, err := w.svc.Terminate(w.ctx, w.admin, ag.ID, ag.Version, agreement.Termination{})
	require.NoError(t, err)
	require.Equal(t, agreement.Terminated, ended.Status)
	require.Equal(t, date("2027-12-31"), ended.EndsOn(), "the end of the term that ends at least 90 days after today")
	require.Equal(t, date("2027-01-10"), ended.NoticeGiven)
	_, err = w.svc.Terminate(w.ctx, w.admin, ag.ID, ended.Version, agreement.Termination{})
	requireField(t, err, "status", "active")
	_, err = w.svc.Update(w.ctx, w.admin, ag.ID, ended.Version, in)
	requireField(t, err, "status", "not-terminated")

	b := w.create(t, w.input(w.clinic2))
	_, err = w.svc.Terminate(w.ctx, w.admin, b.ID, b.Version, agreement.Termination{EndsOn: date("2029-01-01")})
	requireField(t, err, "endsOn", "within")
	got, err := w.svc.Terminate(w.ctx, w.admin, b.ID, b.Version, agreement.Termination{EndsOn: date("2027-06-30")})
	require.NoError(t, err)
	require.Equal(t, date("2027-06-30"), got.EndsOn())
}

func TestCoversAcrossARestructuring(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ag := w.create(t, w.input(w.clinic))
	w.create(t, agreement.Input{OrganisationID: w.hospital.ID, Name: "Neste", Places: []agreement.Covered{{PlaceID: w.clinic}},
		Period: practice.Period{Start: date("2029-01-01")}, Status: agreement.Active})
	w.restructure(t, practice.StructureChange{PlaceID: w.wardB, From: date("2027-05-01"), ParentID: &w.clinic2})
	q := agreement.CoverageQuery{InstitutionID: w.inst.ID, PlaceID: w.wardA, Period: practice.Period{Start: date("2027-03-01"), End: date("2030-06-30")}}
	got, err := w.svc.Covers(w.ctx, w.planner, q)
	require.NoError(t, err)
	require.True(t, got.Covered, "consecutive agreements cover together")
	require.Len(t, got.Agreements, 2)
	q.PlaceID = w.wardB
	got, err = w.svc.Covers(w.ctx, w.planner, q)
	require.NoError(t, err)
	require.False(t, got.Covered)
	require.Equal(t, []agreement.Gap{{Period: practice.Period{Start: date("2027-05-01"), End: date("2030-06-30")}, Reason: agreement.NotCovered}}, got.Gaps)
	require.Equal(t, []practice.ID{ag.ID}, got.Agreements)

	q.PlaceID = practice.NewID()
	_, err = w.svc.Covers(w.ctx, w.planner, q)
	requireCode(t, err, practice.ErrNotFound, "an unknown place")
	q.PlaceID, q.Period.End = w.wardA, date("2027-01-01")
	_, err = w.svc.Covers(w.ctx, w.planner, q)
	requireField(t, err, "end", "gtefield")

	places, err := w.svc.Orderable(w.ctx, w.planner, agreement.OrderableQuery{InstitutionID: w.inst.ID, OrganisationID: w.hospital.ID,
		Period: practice.Period{Start: date("2027-06-01"), End: date("2027-06-30")}})
	require.NoError(t, err)
	var names []string
	for _, p := range places {
		names = append(names, p.Name)
	}
	slices.Sort(names)
	require.Equal(t, []string{"Klinikk 1", "Post A"}, names, "ward B left the clinic in May")

	scoped := w.input(w.clinic2)
	scoped.Scope = []string{"SYK"}
	w.create(t, scoped)
	q = agreement.CoverageQuery{InstitutionID: w.inst.ID, PlaceID: w.clinic2, Period: practice.Period{Start: date("2027-03-01"), End: date("2027-03-31")}, Programme: "LÆR"}
	got, err = w.svc.Covers(w.ctx, w.planner, q)
	require.NoError(t, err)
	require.False(t, got.Covered, "an agreement for other programmes does not cover")
	q.Programme = "SYK"
	got, err = w.svc.Covers(w.ctx, w.planner, q)
	require.NoError(t, err)
	require.True(t, got.Covered)
}

func kinds(r agreement.Report) map[agreement.FindingKind]int {
	out := map[agreement.FindingKind]int{}
	for _, f := range r.Findings {
		out[f.Kind]++
		if f.Text.NB == "" || f.Text.EN == "" || len(f.Objects) == 0 || f.Objects[0].Type != "agreement" {
			panic("a finding says itself in both languages and names its agreement first")
		}
	}
	return out
}

func TestReport(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	clinic := w.create(t, w.input(w.clinic))
	ward := w.create(t, w.input(w.wardA))
	ending := w.input(w.clinic2)
	ending.Period.End = date("2027-03-01")
	w.create(t, ending)
	asOf := date("2027-01-10")
	r, err := w.svc.Report(w.ctx, w.planner, w.inst.ID, asOf)
	require.NoError(t, err)
	require.Equal(t, map[agreement.FindingKind]int{agreement.FindingExpiring: 1}, kinds(r), "before any change, only the ending agreement")

	// Ward B moves to clinic 2 and ward A closes; a new ward opens under
	// the clinic.
	w.restructure(t, practice.StructureChange{PlaceID: w.wardB, From: date("2027-02-01"), ParentID: &w.clinic2})
	w.restructure(t, practice.StructureChange{PlaceID: w.wardA, From: date("2027-02-15"), Close: true})
	_, err = w.kernel.CreatePlace(w.ctx, practice.SystemActor(), practice.NewPlace{OrganisationID: w.hospital.ID, ParentID: w.clinic, Name: "Post C", From: date("2027-02-20")})
	require.NoError(t, err)
	r, err = w.svc.Report(w.ctx, w.admin, w.inst.ID, date("2027-02-25"))
	require.NoError(t, err)
	require.Equal(t, map[agreement.FindingKind]int{
		agreement.FindingPlaceClosed: 2, // ward A, named by one and covered by the other
		agreement.FindingPlaceMoved:  1, // ward B
		agreement.FindingNoOpenPlace: 1, // the ward's agreement
		agreement.FindingChanged:     2, // post C joined the clinic's, ward B joined clinic 2's
		agreement.FindingExpiring:    1,
	}, kinds(r), "%v", r.Findings)
	for _, f := range r.Findings {
		if f.Kind == agreement.FindingPlaceMoved {
			require.Equal(t, date("2027-02-01"), f.On)
			require.Equal(t, clinic.ID, f.Objects[0].ID)
			require.Equal(t, w.wardB, f.Objects[1].ID)
		}
		if f.Kind == agreement.FindingNoOpenPlace {
			require.Equal(t, ward.ID, f.Objects[0].ID)
		}
	}
	require.True(t, slices.IsSortedFunc(r.Findings, func(a, b agreement.Finding) int { return strings.Compare(string(a.Kind), string(b.Kind)) }))

	// A review acknowledges the changes up to its date.
	w.clock.add(46 * day) // 2027-02-25
	cur, err := w.svc.Agreement(w.ctx, w.admin, clinic.ID)
	require.NoError(t, err)
	_, err = w.svc.Review(w.ctx, w.admin, clinic.ID, cur.Version, date("2027-02-25"))
	require.NoError(t, err)
	r, err = w.svc.Report(w.ctx, w.admin, w.inst.ID, date("2027-02-25"))
	require.NoError(t, err)
	k := kinds(r)
	require.Equal(t, 1, k[agreement.FindingChanged], "the clinic's review acknowledged post C and ward B's move")
	require.Equal(t, 1, k[agreement.FindingPlaceClosed], "the ward's agreement still names a closed place")
	require.Zero(t, k[agreement.FindingPlaceMoved])

	_, err = w.svc.Report(w.ctx, w.admin, w.inst.ID, practice.Date{})
	requireField(t, err, "asOf", "required")
}

func TestPreviewChangesNothing(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	mine := w.create(t, w.input(w.clinic))
	theirs, err := w.svc.Create(w.ctx, w.otherAdmin, w.other.ID, agreement.Input{OrganisationID: w.hospital.ID, Name: "Deres",
		Places: []agreement.Covered{{PlaceID: w.clinic}}, Period: practice.Period{Start: date("2027-01-01")}, Status: agreement.Active})
	require.NoError(t, err)
	before, err := w.kernel.PlaceHistory(w.ctx, w.admin, w.wardB, practice.PageRequest{})
	require.NoError(t, err)

	imp, err := w.svc.Preview(w.ctx, w.admin, practice.StructureChange{PlaceID: w.wardB, From: date("2027-03-01"), ParentID: &w.clinic2})
	require.NoError(t, err)
	require.Equal(t, w.clinic2, imp.Result.ParentID)
	require.Len(t, imp.Agreements, 1, "the caller sees their own institution's agreement")
	require.Equal(t, mine.ID, imp.Agreements[0].AgreementID)
	require.Equal(t, []agreement.Effect{{Kind: agreement.Leaves, PlaceID: w.wardB, Name: "Post B", On: date("2027-03-01")}}, imp.Agreements[0].Effects)
	require.Equal(t, 1, imp.Hidden, "the other institution's agreement is counted, not shown")
	_ = theirs

	after, err := w.kernel.PlaceHistory(w.ctx, w.admin, w.wardB, practice.PageRequest{})
	require.NoError(t, err)
	require.Equal(t, before, after, "a preview changes nothing")

	imp, err = w.svc.Preview(w.ctx, w.admin, practice.StructureChange{PlaceID: w.wardA, From: date("2027-03-01"), Name: "Post Alfa"})
	require.NoError(t, err)
	require.Equal(t, agreement.Renamed, imp.Agreements[0].Effects[0].Kind)

	_, err = w.svc.Preview(w.ctx, w.hospitalAdmin, practice.StructureChange{PlaceID: w.wardA, From: date("2027-03-01"), Close: true})
	requireCode(t, err, practice.ErrForbidden, "a preview needs the right to restructure")
	_, err = w.svc.Preview(w.ctx, w.admin, practice.StructureChange{PlaceID: w.clinic, From: date("2027-03-01"), Close: true})
	requireField(t, err, "close", "no-open-children")
}

// pdf is the start of a PDF file.
var pdf = []byte("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")

func TestDocuments(t *testing.T) {
	t.Parallel()
	w := newWorld(t, agreement.WithMaxDocumentSize(1024))
	ag := w.create(t, w.input(w.clinic))
	doc, err := w.svc.AddDocument(w.ctx, w.admin, ag.ID, `C:\Users\kari\Avtale æøå.pdf`, bytes.NewReader(pdf))
	require.NoError(t, err)
	require.Equal(t, "Avtale æøå.pdf", doc.Name, "a path is cut to its base name")
	require.Equal(t, "application/pdf", doc.ContentType)
	require.EqualValues(t, len(pdf), doc.Size)

	for _, a := range []practice.Actor{w.admin, w.planner, w.hospitalAdmin} {
		d, r, err := w.svc.OpenDocument(w.ctx, a, doc.ID)
		require.NoError(t, err)
		b, err := io.ReadAll(r)
		require.NoError(t, err)
		require.NoError(t, r.Close())
		require.Equal(t, pdf, b)
		require.Equal(t, doc, d)
	}
	_, _, err = w.svc.OpenDocument(w.ctx, w.otherAdmin, doc.ID)
	requireCode(t, err, practice.ErrNotFound, "another institution does not see the document")
	_, err = w.svc.AddDocument(w.ctx, w.hospitalAdmin, ag.ID, "x.pdf", bytes.NewReader(pdf))
	requireCode(t, err, practice.ErrForbidden, "the organisation reads documents, it does not add them")

	elf := append([]byte("\x7fELF\x02\x01\x01\x00"), make([]byte, 64)...)
	_, err = w.svc.AddDocument(w.ctx, w.admin, ag.ID, "avtale.pdf", bytes.NewReader(elf))
	requireField(t, err, "file", "content-type")
	_, err = w.svc.AddDocument(w.ctx, w.admin, ag.ID, "avtale.pdf", bytes.NewReader(append(slices.Clone(pdf), make([]byte, 1024)...)))
	requireField(t, err, "file", "max-size")
	_, err = w.svc.AddDocument(w.ctx, w.admin, ag.ID, "avtale\r\n.pdf", bytes.NewReader(pdf))
	requireField(t, err, "name", "control")
	_, err = w.svc.AddDocument(w.ctx, w.admin, ag.ID, "..", bytes.NewReader(pdf))
	require.Error(t, err)
	page, err := w.svc.Documents(w.ctx, w.admin, ag.ID, practice.PageRequest{})
	require.NoError(t, err)
	require.Equal(t, []agreement.Document{doc}, page.Items, "refused documents store nothing")

	require.NoError(t, w.svc.RemoveDocument(w.ctx, w.admin, doc.ID))
	_, _, err = w.svc.OpenDocument(w.ctx, w.admin, doc.ID)
	requireCode(t, err, practice.ErrNotFound, "a removed document is gone")
	_, err = w.store.OpenBlob(w.ctx, doc.ID)
	requireCode(t, err, practice.ErrNotFound, "and so are its bytes")
}

func TestSweepRemindsOnce(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	in := w.input(w.clinic)
	in.Period.End = date("2027-03-01") // 50 days after the world's today
	ag := w.create(t, in)
	renewing := w.input(w.clinic2)
	renewing.Period.End, renewing.Renewal = date("2027-02-01"), agreement.Renewal{Months: 12}
	w.create(t, renewing)
	far := w.input(w.wardA)
	far.Period.End = date("2027-06-01")
	w.create(t, far)

	n, err := w.svc.Sweep(w.ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n, "only the agreement ending within 90 days without renewal")
	events := w.store.published()
	require.Len(t, events, 1, "one reminder per practice administrator: the institution has one")
	require.Equal(t, agreement.EventExpiring, events[0].Kind)
	ref, err := agreement.ExpiryRefOf(practice.Delivery{ID: "1", Event: events[0]})
	require.NoError(t, err)
	require.Equal(t, ag.ID, ref.AgreementID)
	require.Equal(t, w.admin.PersonID, ref.PersonID)

	n, err = w.svc.Sweep(w.ctx)
	require.NoError(t, err)
	require.Zero(t, n, "a second sweep reminds nobody again")
	require.Len(t, w.store.published(), 1)

	m, ok, err := w.svc.ExpiryMail(w.ctx, ref)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "admin@example.no", m.To)
	require.Equal(t, 50, m.DaysLeft)
	require.Equal(t, "Sykehuset HF", m.OrganisationName)

	// Extended, the old reminder is void; ending again, it is reminded
	// again.
	cur, err := w.svc.Agreement(w.ctx, w.admin, ag.ID)
	require.NoError(t, err)
	in.Period.End = date("2027-04-01")
	_, err = w.svc.Update(w.ctx, w.admin, ag.ID, cur.Version, in)
	require.NoError(t, err)
	_, ok, err = w.svc.ExpiryMail(w.ctx, ref)
	require.NoError(t, err)
	require.False(t, ok, "a reminder of an end that changed is not sent")
	n, err = w.svc.Sweep(w.ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)

	_, err = agreement.ExpiryRefOf(practice.Delivery{Event: practice.Event{Payload: []byte(`{"agreementId":"01010750160"}`)}})
	require.Error(t, err)
	require.NotContains(t, err.Error(), "01010750160", "the error quotes nothing of the payload")
}

func TestWithBlobs(t *testing.T) {
	t.Parallel()
	blobs := &mapBlobs{m: map[practice.ID][]byte{}}
	w := newWorld(t, agreement.WithBlobs(blobs))
	ag := w.create(t, w.input(w.clinic))
	doc, err := w.svc.AddDocument(w.ctx, w.admin, ag.ID, "a.pdf", bytes.NewReader(pdf))
	require.NoError(t, err)
	require.Equal(t, pdf, blobs.m[doc.ID], "the bytes go to the blobs given")
	_, err = w.store.OpenBlob(w.ctx, doc.ID)
	requireCode(t, err, practice.ErrNotFound, "not to the store")
	require.NoError(t, w.svc.RemoveDocument(w.ctx, w.admin, doc.ID))
	require.Empty(t, blobs.m)
}

type mapBlobs struct {
	mu sync.Mutex
	m  map[practice.ID][]byte
}

func (b *mapBlobs) PutBlob(_ context.Context, key practice.ID, r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.m[key] = data
	return nil
}

func (b *mapBlobs) OpenBlob(_ context.Context, key practice.ID) (io.ReadCloser, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	data, ok := b.m[key]
	if !ok {
		return nil, practice.NotFound("no blob")
	}
	return io.NopCloser(bytes.NewReader(data)), nil
}

func (b *mapBlobs) DeleteBlob(_ context.Context, key practice.ID) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.m[key]; !ok {
		return errors.New("no blob")
	}
	delete(b.m, key)
	return nil
}
