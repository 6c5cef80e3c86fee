package demo_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/agreement"
	"github.com/praksis/praksis/examples/demo"
	"github.com/praksis/praksis/invite"
	"github.com/praksis/praksis/practice"
	"github.com/praksis/praksis/storage/memory"
)

func setup(t *testing.T) (*practice.Service, context.Context) {
	t.Helper()
	return practice.NewService(memory.New()), t.Context()
}

func TestLoad(t *testing.T) {
	t.Parallel()
	svc, ctx := setup(t)
	system := practice.SystemActor()

	loaded, err := demo.Load(ctx, svc)
	require.NoError(t, err)
	require.True(t, loaded)

	instPage, err := svc.Institutions(ctx, system, practice.InstitutionFilter{})
	require.NoError(t, err)
	insts := instPage.Items
	require.Len(t, insts, 2)
	require.Equal(t, demo.InstitutionCode, insts[0].Code, "ordered by name: Norges idrettshøgskole, Politihøgskolen")
	require.Equal(t, demo.OtherInstitutionCode, insts[1].Code)

	orgs, err := svc.Organisations(ctx, system, practice.OrganisationFilter{})
	require.NoError(t, err)
	require.Len(t, orgs.Items, 2)
	for _, o := range orgs.Items {
		require.True(t, practice.ValidOrgNumber(o.OrgNumber), o.OrgNumber)
	}

	t.Run("people hold every right", func(t *testing.T) {
		t.Parallel()
		want := map[string]practice.Right{
			demo.OUSAdmin.Email: practice.Admin, demo.OUSWriter.Email: practice.Write, demo.OUSReader.Email: practice.Read,
		}
		ous := orgByNumber(t, svc, demo.OUSOrgNumber)
		ms, err := svc.Members(ctx, system, ous.ID, practice.PageRequest{})
		require.NoError(t, err)
		got := map[string]practice.Right{}
		for _, m := range ms.Items {
			got[m.Person.Email] = m.Right
		}
		require.Equal(t, want, got)

		oslo := orgByNumber(t, svc, demo.OsloOrgNumber)
		ms, err = svc.Members(ctx, system, oslo.ID, practice.PageRequest{})
		require.NoError(t, err)
		require.Len(t, ms.Items, 4, "three members and the hospital's coordinator as reader")
	})

	t.Run("study site staff", func(t *testing.T) {
		t.Parallel()
		staff, err := svc.Staff(ctx, system, insts[0].ID, practice.PageRequest{})
		require.NoError(t, err)
		roles := map[practice.StaffRole]int{}
		for _, s := range staff.Items {
			roles[s.Role]++
		}
		require.Equal(t, map[practice.StaffRole]int{practice.Administrator: 1, practice.Planner: 1, practice.Teacher: 1}, roles)
	})

	t.Run("national IDs are valid synthetic numbers and find their person", func(t *testing.T) {
		t.Parallel()
		for _, u := range demo.Users {
			if u.NationalID == "" {
				continue
			}
			n, err := practice.ParseNationalID(u.NationalID)
			require.NoError(t, err, u.Email)
			require.True(t, n.Synthetic(), "%s: demo numbers must be synthetic", u.Email)
			a, err := svc.ActorByNationalID(ctx, n)
			require.NoError(t, err, u.Email)
			p, err := svc.Person(ctx, a, a.PersonID)
			require.NoError(t, err)
			require.Equal(t, u.Email, p.Email)
		}
	})

	t.Run("trees are three levels deep and change in the future", func(t *testing.T) {
		t.Parallel()
		today := practice.DateOf(time.Now())
		later := today.AddDays(demo.ChangesAfter)
		for _, number := range []string{demo.OUSOrgNumber, demo.OsloOrgNumber} {
			o := orgByNumber(t, svc, number)
			tree, err := svc.Tree(ctx, practice.Actor{}, o.ID, today)
			require.NoError(t, err)
			depth := 0
			tree.Walk(func(_ *practice.PlaceNode, d int) bool { depth = max(depth, d); return true })
			require.GreaterOrEqual(t, depth, 2, number)

			future, err := svc.Tree(ctx, practice.Actor{}, o.ID, later)
			require.NoError(t, err)
			require.NotEqual(t, names(tree), names(future), "the tree of %s should change on %s", number, later)
		}
	})
}

func TestLoadTwice(t *testing.T) {
	t.Parallel()
	svc, ctx := setup(t)

	loaded, err := demo.Load(ctx, svc)
	require.NoError(t, err)
	require.True(t, loaded)

	loaded, err = demo.Load(ctx, svc)
	require.NoError(t, err)
	require.False(t, loaded, "a second load must load nothing")

	orgs, err := svc.Organisations(ctx, practice.SystemActor(), practice.OrganisationFilter{})
	require.NoError(t, err)
	require.Len(t, orgs.Items, 2)
}

// failingStore is a memory store whose PutMembership fails, part-way
// through the demo data.
type failingStore struct{ *memory.Store }

var errMembership = errors.New("membership refused")

func (failingStore) PutMembership(context.Context, practice.Membership) error { return errMembership }

func TestLoadInTransaction(t *testing.T) {
	t.Parallel()

	t.Run("commits", func(t *testing.T) {
		t.Parallel()
		store := memory.New()
		svc := practice.NewService(store)
		var loaded bool
		err := store.InTx(t.Context(), func(ctx context.Context) error {
			var err error
			loaded, err = demo.Load(ctx, svc)
			return err
		})
		require.NoError(t, err)
		require.True(t, loaded)
		insts, err := svc.Institutions(t.Context(), practice.Actor{}, practice.InstitutionFilter{})
		require.NoError(t, err)
		require.Len(t, insts.Items, 2)
	})

	t.Run("a failed load leaves nothing behind", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		store := memory.New()
		svc := practice.NewService(failingStore{store})
		err := store.InTx(ctx, func(ctx context.Context) error {
			loaded, err := demo.Load(ctx, svc)
			require.ErrorIs(t, err, errMembership)
			require.False(t, loaded)
			orgs, err2 := store.Organisations(ctx, practice.OrganisationFilter{})
			require.NoError(t, err2)
			require.NotEmpty(t, orgs.Items, "the load failed part-way, after it wrote")
			return err
		})
		require.ErrorIs(t, err, errMembership, "InTx returns the load's error")

		insts, err := store.Institutions(ctx, practice.InstitutionFilter{})
		require.NoError(t, err)
		require.Empty(t, insts.Items, "no institution")
		orgs, err := store.Organisations(ctx, practice.OrganisationFilter{})
		require.NoError(t, err)
		require.Empty(t, orgs.Items, "no organisation")
		people, err := store.People(ctx, practice.PeopleFilter{})
		require.NoError(t, err)
		require.Empty(t, people.Items, "no person")

		// The store is as good as new: a later load succeeds.
		loaded, err := demo.Load(ctx, practice.NewService(store))
		require.NoError(t, err)
		require.True(t, loaded)
	})
}

func orgByNumber(t *testing.T, svc *practice.Service, number string) practice.Organisation {
	t.Helper()
	os, err := svc.Organisations(t.Context(), practice.Actor{}, practice.OrganisationFilter{OrgNumber: number})
	require.NoError(t, err)
	require.Len(t, os.Items, 1)
	return os.Items[0]
}

// names returns "parent/child" paths of every node, depth first.
func names(tree practice.Tree) []string {
	var out []string
	var walk func(prefix string, ns []*practice.PlaceNode)
	walk = func(prefix string, ns []*practice.PlaceNode) {
		for _, n := range ns {
			out = append(out, prefix+n.Name)
			walk(prefix+n.Name+"/", n.Children)
		}
	}
	walk("", tree.Roots)
	return out
}

func TestLoadInvitations(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	store := memory.New()
	svc := practice.NewService(store)
	key := make([]byte, invite.KeySize)
	now := time.Now()
	require.NoError(t, store.InTx(ctx, func(ctx context.Context) error {
		loaded, err := demo.Load(ctx, svc)
		require.True(t, loaded)
		if err != nil {
			return err
		}
		return demo.LoadInvitations(ctx, svc, store, key, now)
	}))
	invites, err := invite.NewService(store, key)
	require.NoError(t, err)
	var pending []invite.Invitation
	for _, number := range []string{demo.OUSOrgNumber, demo.OsloOrgNumber} {
		org := orgByNumber(t, svc, number)
		page, err := invites.Invitations(ctx, practice.SystemActor(), org.ID, invite.InvitationFilter{State: invite.Pending})
		require.NoError(t, err)
		pending = append(pending, page.Items...)
	}
	require.Len(t, pending, len(demo.Invitees), "every demo invitation is pending")
	soon := 0
	for _, inv := range pending {
		if left := inv.ExpiresAt.Sub(now); left > 0 && left <= time.Hour+time.Second {
			soon++
		}
	}
	require.Equal(t, 1, soon, "one demo invitation expires within the hour")
}

// agreementBundle is the demo loaded with its agreements, and what the
// tests of the agreements read.
type agreementBundle struct {
	store      *memory.Store
	svc        *practice.Service
	agreements *agreement.Service
	today      practice.Date
	nih, phs   practice.ID
	admin      practice.Actor // of NIH
	byName     map[string]agreement.Agreement
	ous, oslo  map[string]practice.ID // places by path
}

func setupAgreements(t *testing.T) *agreementBundle {
	t.Helper()
	ctx := t.Context()
	store := memory.New()
	svc := practice.NewService(store)
	now := time.Now()
	require.NoError(t, store.InTx(ctx, func(ctx context.Context) error {
		loaded, err := demo.Load(ctx, svc)
		require.True(t, loaded)
		if err != nil {
			return err
		}
		return demo.LoadAgreements(ctx, svc, store, now)
	}))
	agreements, err := agreement.NewService(store, agreement.WithClock(practice.ClockFunc(func() time.Time { return now })))
	require.NoError(t, err)
	b := &agreementBundle{store: store, svc: svc, agreements: agreements, today: practice.DateOf(now), byName: map[string]agreement.Agreement{}}

	insts, err := svc.Institutions(ctx, practice.SystemActor(), practice.InstitutionFilter{})
	require.NoError(t, err)
	for _, i := range insts.Items {
		switch i.Code {
		case demo.InstitutionCode:
			b.nih = i.ID
		case demo.OtherInstitutionCode:
			b.phs = i.ID
		}
	}
	b.admin, err = svc.ActorByEmail(ctx, demo.StudySiteAdmin.Email)
	require.NoError(t, err)
	for _, inst := range []practice.ID{b.nih, b.phs} {
		page, err := agreements.Agreements(ctx, practice.SystemActor(), agreement.ListFilter{InstitutionID: inst})
		require.NoError(t, err)
		for _, ag := range page.Items {
			b.byName[ag.Name] = ag
		}
	}
	require.Len(t, b.byName, 4, "three agreements of NIH and one of PHS")
	b.ous = placePaths(t, svc, demo.OUSOrgNumber)
	b.oslo = placePaths(t, svc, demo.OsloOrgNumber)
	return b
}

// placePaths returns the places of an organisation's tree as loaded, by
// their paths from the top.
func placePaths(t *testing.T, svc *practice.Service, number string) map[string]practice.ID {
	t.Helper()
	tree, err := svc.Tree(t.Context(), practice.SystemActor(), orgByNumber(t, svc, number).ID, demo.Since)
	require.NoError(t, err)
	out := map[string]practice.ID{}
	var walk func(prefix string, ns []*practice.PlaceNode)
	walk = func(prefix string, ns []*practice.PlaceNode) {
		for _, n := range ns {
			out[prefix+n.Name] = n.ID
			walk(prefix+n.Name+"/", n.Children)
		}
	}
	walk("", tree.Roots)
	return out
}

// covers asks whether NIH's agreements cover a place from start to end.
func (b *agreementBundle) covers(t *testing.T, place practice.ID, start, end practice.Date, programme string) agreement.Coverage {
	t.Helper()
	c, err := b.agreements.Covers(t.Context(), b.admin, agreement.CoverageQuery{
		InstitutionID: b.nih, PlaceID: place, Period: practice.Period{Start: start, End: end}, Programme: programme,
	})
	require.NoError(t, err)
	return c
}

// finding is what a test says of a finding: its kind, its agreement's
// name, the name of its place (if it has one) and its date.
type finding struct {
	kind      agreement.FindingKind
	agreement string
	place     string
	on        practice.Date
}

func findings(r agreement.Report) []finding {
	var out []finding
	for _, f := range r.Findings {
		got := finding{kind: f.Kind, agreement: f.Objects[0].Name, on: f.On}
		if len(f.Objects) > 1 {
			got.place = f.Objects[1].Name
		}
		out = append(out, got)
	}
	return out
}

func TestLoadAgreements(t *testing.T) {
	t.Parallel()
	b := setupAgreements(t)
	ctx := t.Context()
	today := b.today
	ous, oslo, draft := b.byName[demo.OUSAgreementName], b.byName[demo.OsloAgreementName], b.byName[demo.DraftAgreementName]

	t.Run("statuses", func(t *testing.T) {
		t.Parallel()
		for name, want := range map[string]agreement.Status{
			demo.OUSAgreementName: agreement.Active, demo.OsloAgreementName: agreement.Active,
			demo.DraftAgreementName: agreement.Draft, demo.OtherAgreementName: agreement.Active,
		} {
			require.Equal(t, want, b.byName[name].Status, name)
		}
		require.Equal(t, b.phs, b.byName[demo.OtherAgreementName].InstitutionID)
		require.True(t, ous.EndsOn().IsZero(), "the hospital's agreement renews")
		require.Equal(t, []agreement.Term{
			{Programme: demo.Programme, AcademicYear: ous.Terms[0].AcademicYear, Students: 12, AtOnce: 4},
			{Programme: demo.Programme, AcademicYear: ous.Terms[0].AcademicYear + 1, Students: 14, AtOnce: 5},
		}, ous.Terms)
		require.True(t, agreement.AcademicYear(ous.Terms[0].AcademicYear).Contains(today), "the terms start with this academic year")
		require.Equal(t, today.AddDays(demo.OsloEndsAfter), oslo.EndsOn())
	})

	t.Run("the report as of today finds the broken and the expiring agreement", func(t *testing.T) {
		t.Parallel()
		r, err := b.agreements.Report(ctx, b.admin, b.nih, today)
		require.NoError(t, err)
		require.Equal(t, []finding{
			{agreement.FindingExpiring, demo.OsloAgreementName, "", today.AddDays(demo.OsloEndsAfter)},
			{agreement.FindingPlaceClosed, demo.BrokenAgreementName, "Enhet for fysisk aktivitet og helse", today},
		}, findings(r))
		require.Equal(t, b.ous[demo.ClosedPlace], r.Findings[1].Objects[1].ID)
	})

	t.Run("the future move takes a place out of the hospital's agreement", func(t *testing.T) {
		t.Parallel()
		moved := today.AddDays(demo.ChangesAfter)
		r, err := b.agreements.Report(ctx, b.admin, b.nih, moved)
		require.NoError(t, err)
		require.Contains(t, findings(r),
			finding{agreement.FindingPlaceMoved, demo.OUSAgreementName, "Poliklinikk for idrettsmedisin", moved})

		poli := b.ous[demo.MovedPlace]
		c := b.covers(t, poli, today, moved.AddDays(-1), demo.Programme)
		require.True(t, c.Covered, "covered until it moves")
		require.Equal(t, []practice.ID{ous.ID}, c.Agreements)
		c = b.covers(t, poli, today, moved, "")
		require.False(t, c.Covered)
		require.Equal(t, []agreement.Gap{{Period: practice.Period{Start: moved, End: moved}, Reason: agreement.NotCovered}}, c.Gaps)
		require.False(t, b.covers(t, poli, today, today, "SYKEPLEIE").Covered, "the agreement is for its programme only")
	})

	t.Run("the municipality's agreement covers one school until it ends", func(t *testing.T) {
		t.Parallel()
		end := oslo.EndsOn()
		ullern, bjerke := b.oslo[demo.CoveredPlace], b.oslo[demo.UncoveredPlace]
		c := b.covers(t, ullern, today, end, demo.Programme)
		require.True(t, c.Covered)
		require.Equal(t, []practice.ID{oslo.ID}, c.Agreements)

		c = b.covers(t, ullern, today, end.AddDays(30), "")
		require.False(t, c.Covered, "the draft that follows is not in force")
		require.Equal(t, []agreement.Gap{{Period: practice.Period{Start: end.AddDays(1), End: end.AddDays(30)}, Reason: agreement.NoAgreement}}, c.Gaps)

		c = b.covers(t, bjerke, today, today.AddDays(7), "")
		require.False(t, c.Covered)
		require.Equal(t, []agreement.Gap{{Period: practice.Period{Start: today, End: today.AddDays(7)}, Reason: agreement.NotCovered}}, c.Gaps)
	})

	t.Run("the draft is not in force", func(t *testing.T) {
		t.Parallel()
		require.Equal(t, oslo.EndsOn().AddDays(1), draft.Period.Start, "it follows the agreement that ends")
		require.False(t, draft.InForce(draft.Period.Start))
		friskliv := b.oslo["Bydel Grünerløkka/Helse og mestring/Frisklivssentralen"]
		c := b.covers(t, friskliv, draft.Period.Start, draft.Period.Start.AddDays(30), "")
		require.False(t, c.Covered)
		require.Empty(t, c.Agreements)
	})

	t.Run("each sees the agreements they may", func(t *testing.T) {
		t.Parallel()
		names := func(who demo.User, f agreement.ListFilter) []string {
			a, err := b.svc.ActorByEmail(ctx, who.Email)
			require.NoError(t, err)
			page, err := b.agreements.Agreements(ctx, a, f)
			require.NoError(t, err)
			var out []string
			for _, ag := range page.Items {
				out = append(out, ag.Name)
			}
			return out
		}
		osloOrg, ousOrg := orgByNumber(t, b.svc, demo.OsloOrgNumber).ID, orgByNumber(t, b.svc, demo.OUSOrgNumber).ID
		require.ElementsMatch(t, []string{demo.OsloAgreementName, demo.OtherAgreementName},
			names(demo.OsloAdmin, agreement.ListFilter{OrganisationID: osloOrg}), "the organisation's administrator sees no draft")
		require.ElementsMatch(t, []string{demo.OUSAgreementName}, names(demo.OUSAdmin, agreement.ListFilter{OrganisationID: ousOrg}))
		require.ElementsMatch(t, []string{demo.OUSAgreementName, demo.OsloAgreementName, demo.DraftAgreementName},
			names(demo.Planner, agreement.ListFilter{InstitutionID: b.nih}))
		require.ElementsMatch(t, []string{demo.OtherAgreementName}, names(demo.OtherStudySiteAdmin, agreement.ListFilter{InstitutionID: b.phs}))

		other, err := b.svc.ActorByEmail(ctx, demo.OtherStudySiteAdmin.Email)
		require.NoError(t, err)
		_, err = b.agreements.Report(ctx, other, b.nih, today)
		require.ErrorIs(t, err, practice.ErrForbidden, "another study site's staff do not see NIH's report")
	})
}

// The sweep reminds NIH's practice administrator of the agreement that
// ends, once.
func TestLoadAgreementsRemind(t *testing.T) {
	t.Parallel()
	b := setupAgreements(t)
	ctx := t.Context()
	n, err := b.agreements.Sweep(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n, "one agreement ends within the horizon")
	n, err = b.agreements.Sweep(ctx)
	require.NoError(t, err)
	require.Zero(t, n, "and is reminded once")

	oslo := b.byName[demo.OsloAgreementName]
	m, ok, err := b.agreements.ExpiryMail(ctx, agreement.ExpiryRef{AgreementID: oslo.ID, PersonID: b.admin.PersonID, EndsOn: oslo.EndsOn()})
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, demo.StudySiteAdmin.Email, m.To)
	require.Equal(t, demo.OsloAgreementName, m.AgreementName)
	require.Equal(t, demo.OsloEndsAfter, m.DaysLeft)
}

// failingAgreements is a memory store that refuses the demo's draft.
type failingAgreements struct{ *memory.Store }

var errDraft = errors.New("draft refused")

func (s failingAgreements) CreateAgreement(ctx context.Context, a agreement.Agreement) error {
	if a.Name == demo.DraftAgreementName {
		return errDraft
	}
	return s.Store.CreateAgreement(ctx, a)
}

// The agreements join the load's transaction: a failure leaves nothing
// behind.
func TestLoadAgreementsInTransaction(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	store := memory.New()
	svc := practice.NewService(store)
	err := store.InTx(ctx, func(ctx context.Context) error {
		if _, err := demo.Load(ctx, svc); err != nil {
			return err
		}
		return demo.LoadAgreements(ctx, svc, failingAgreements{store}, time.Now())
	})
	require.ErrorIs(t, err, errDraft)

	insts, err := store.Institutions(ctx, practice.InstitutionFilter{})
	require.NoError(t, err)
	require.Empty(t, insts.Items, "no institution")
	ags, err := store.Agreements(ctx, agreement.Filter{})
	require.NoError(t, err)
	require.Empty(t, ags.Items, "no agreement")
}
