package invite_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/invite"
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

// world is a study site with its staff, two organisations (a without an
// administrator yet, b with one) and a person known by a national identity
// number at b.
type world struct {
	ctx                 context.Context
	clock               *clock
	store               *memory.Store
	kernel              *practice.Service
	svc                 *invite.Service
	a, b                practice.Organisation
	studyAdmin, planner practice.Actor
	bAdmin, bWriter     practice.Actor
	known               practice.Person // at b, with knownNID
}

func nid(t *testing.T, s string) practice.NationalID {
	t.Helper()
	n, err := practice.ParseNationalID(s)
	require.NoError(t, err)
	return n
}

const (
	knownNID = "01010750160"
	otherNID = "01810750126"
	thirdNID = "20036914700"
)

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	c := &clock{now: time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)}
	store := memory.New()
	kernel := practice.NewService(store, practice.WithClock(c))
	svc, err := invite.NewService(store, make([]byte, invite.KeySize), invite.WithClock(c))
	require.NoError(t, err)
	sys := practice.SystemActor()
	w := &world{ctx: ctx, clock: c, store: store, kernel: kernel, svc: svc}
	inst, err := kernel.CreateInstitution(ctx, sys, practice.InstitutionInput{Name: "Politihøgskolen", Code: "PHS"})
	require.NoError(t, err)
	w.a, err = kernel.CreateOrganisation(ctx, sys, practice.OrganisationInput{Name: "Oslo politidistrikt", OrgNumber: "974760673"})
	require.NoError(t, err)
	w.b, err = kernel.CreateOrganisation(ctx, sys, practice.OrganisationInput{Name: "Oslo universitetssykehus HF", OrgNumber: "993467049"})
	require.NoError(t, err)
	actor := func(id practice.ID) practice.Actor {
		a, err := kernel.Actor(ctx, id)
		require.NoError(t, err)
		return a
	}
	staff := func(name string, role practice.StaffRole) practice.Actor {
		p, err := kernel.CreatePerson(ctx, sys, practice.PersonInput{Name: name, Email: name + "@phs.no"})
		require.NoError(t, err)
		_, err = kernel.AssignRole(ctx, sys, inst.ID, p.ID, role)
		require.NoError(t, err)
		return actor(p.ID)
	}
	w.studyAdmin = staff("omar", practice.Administrator)
	w.planner = staff("linn", practice.Planner)
	m, err := kernel.AddMember(ctx, sys, w.b.ID, practice.PersonInput{Name: "Berit", Email: "berit@ous.no"}, practice.Admin)
	require.NoError(t, err)
	w.bAdmin = actor(m.Person.ID)
	m, err = kernel.AddMember(ctx, sys, w.b.ID, practice.PersonInput{Name: "Kari", Email: "kari@ous.no"}, practice.Write)
	require.NoError(t, err)
	w.bWriter = actor(m.Person.ID)
	m, err = kernel.AddMember(ctx, sys, w.b.ID, practice.PersonInput{Name: "Known Person", Email: "known@ous.no",
		NationalID: nid(t, knownNID)}, practice.Read)
	require.NoError(t, err)
	w.known = m.Person
	return w
}

// token returns the secret of the link an invitation's mail carries.
func (w *world) token(t *testing.T, id practice.ID) string {
	t.Helper()
	m, ok, err := w.svc.Mail(w.ctx, invite.EventRef{InvitationID: id, Mail: invite.MailInvitation})
	require.NoError(t, err)
	require.True(t, ok, "a pending invitation has a mail")
	require.NotEmpty(t, m.Token)
	return m.Token
}

func (w *world) invite(t *testing.T, a practice.Actor, org practice.ID, in invite.Input) invite.Invitation {
	t.Helper()
	inv, err := w.svc.Invite(w.ctx, a, org, in)
	require.NoError(t, err)
	return inv
}

func (w *world) audit(t *testing.T, org practice.ID) []practice.AuditEntry {
	t.Helper()
	p, err := w.kernel.Audit(w.ctx, practice.SystemActor(), org, practice.PageRequest{Limit: practice.MaxLimit})
	require.NoError(t, err)
	return p.Items
}

func requireCode(t *testing.T, err error, code error, msgAndArgs ...any) {
	t.Helper()
	require.Error(t, err, msgAndArgs...)
	require.ErrorIs(t, err, code, msgAndArgs...)
}

func TestDeadlinesWithNationalID(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	inv := w.invite(t, w.studyAdmin, w.a.ID, invite.Input{Name: "Ada", Email: "ada@politiet.no", NationalID: nid(t, otherNID), Right: practice.Admin})
	require.Equal(t, w.clock.Now().Add(7*day), inv.ExpiresAt, "an invitation naming a number lives 7 days")
	require.True(t, inv.RemindAt.IsZero(), "an invitation naming a number sends no reminder")
	require.True(t, inv.HasNationalID)
	tok := w.token(t, inv.ID)

	w.clock.add(7*day - time.Second)
	require.NoError(t, w.svc.Expire(w.ctx, inv.ID))
	got, err := w.svc.Invitation(w.ctx, w.studyAdmin, inv.ID)
	require.NoError(t, err)
	require.Equal(t, invite.Pending, got.State, "an invitation does not expire before its deadline")

	w.clock.add(time.Second)
	_, err = w.svc.Accept(w.ctx, tok, invite.Login{NationalID: nid(t, otherNID)})
	requireCode(t, err, practice.ErrConflict, "a link is refused at its deadline")
	require.Contains(t, err.Error(), "expired")
	got, err = w.svc.Invitation(w.ctx, w.studyAdmin, inv.ID)
	require.NoError(t, err)
	require.Equal(t, invite.Expired, got.State, "a link used after the deadline marks the invitation expired")
}

func TestDeadlinesWithoutNationalIDAndReminder(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sent := w.clock.Now()
	inv := w.invite(t, w.studyAdmin, w.a.ID, invite.Input{Name: "Ada", Email: "ada@politiet.no", Right: practice.Admin, Language: "en"})
	require.Equal(t, sent.Add(14*day), inv.ExpiresAt, "an invitation naming no number lives 14 days")
	require.Equal(t, sent.Add(7*day), inv.RemindAt, "and reminds after 7")

	reminded := func() bool {
		_, ok, err := w.svc.Mail(w.ctx, invite.EventRef{InvitationID: inv.ID, Mail: invite.MailReminder})
		require.NoError(t, err)
		return ok
	}
	w.clock.add(7*day - time.Minute)
	n, err := w.svc.Sweep(w.ctx)
	require.NoError(t, err)
	require.Zero(t, n, "nothing is due before the reminder")
	require.NoError(t, w.svc.Remind(w.ctx, inv.ID))
	require.False(t, reminded(), "no reminder before it is due")

	w.clock.add(time.Minute)
	n, err = w.svc.Sweep(w.ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n, "the sweep finds the due reminder")
	require.True(t, reminded(), "the reminder is sent when due")
	got, err := w.svc.Invitation(w.ctx, w.studyAdmin, inv.ID)
	require.NoError(t, err)
	require.Equal(t, w.clock.Now(), got.RemindedAt)
	require.NoError(t, w.svc.Remind(w.ctx, inv.ID))
	n, err = w.svc.Sweep(w.ctx)
	require.NoError(t, err)
	require.Zero(t, n, "a sent reminder is not due again")
	var reminders int
	for _, e := range w.audit(t, w.a.ID) {
		if e.Action == invite.AuditReminded {
			reminders++
		}
	}
	require.Equal(t, 1, reminders, "each reminder is sent once")

	m, ok, err := w.svc.Mail(w.ctx, invite.EventRef{InvitationID: inv.ID, Mail: invite.MailReminder})
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, w.token(t, inv.ID), m.Token, "the reminder repeats the link")
	require.Equal(t, "en", m.Language)

	w.clock.add(7 * day)
	n, err = w.svc.Sweep(w.ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	got, err = w.svc.Invitation(w.ctx, w.studyAdmin, inv.ID)
	require.NoError(t, err)
	require.Equal(t, invite.Expired, got.State, "the sweep expires it after 14 days")
	_, ok, err = w.svc.Mail(w.ctx, invite.EventRef{InvitationID: inv.ID, Mail: invite.MailInvitation})
	require.NoError(t, err)
	require.False(t, ok, "no mail is sent for an expired invitation")
}

func TestFirstAdministratorRule(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	in := invite.Input{Name: "Ada", Email: "ada@politiet.no", Right: practice.Admin}
	_, err := w.svc.Invite(w.ctx, w.planner, w.a.ID, in)
	requireCode(t, err, practice.ErrForbidden, "a planner may not invite a first administrator")
	_, err = w.svc.Invite(w.ctx, w.bAdmin, w.a.ID, in)
	requireCode(t, err, practice.ErrForbidden, "another organisation's administrator may not invite")
	inv := w.invite(t, w.studyAdmin, w.a.ID, in)
	acc, err := w.svc.Accept(w.ctx, w.token(t, inv.ID), invite.Login{NationalID: nid(t, otherNID)})
	require.NoError(t, err)
	ada, err := w.kernel.Actor(w.ctx, acc.PersonID)
	require.NoError(t, err)
	require.Equal(t, practice.Admin, ada.Right(w.a.ID))

	// From now on the organisation's administrator invites colleagues,
	// and the study site still may.
	w.invite(t, ada, w.a.ID, invite.Input{Name: "Bo", Email: "bo@politiet.no", Right: practice.Read})
	w.invite(t, w.studyAdmin, w.a.ID, invite.Input{Name: "Cy", Email: "cy@politiet.no", Right: practice.Write})
}

// TestOnlyAdministratorsInvite: a site's administrators hold its highest
// right, so "nobody grants a right they do not hold" leaves only them (and
// the study site) inviting; TestRemovedInviterGrantsNothing checks the
// rule at acceptance.
func TestOnlyAdministratorsInvite(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	for _, r := range []practice.Right{practice.Read, practice.Write, practice.Admin} {
		_, err := w.svc.Invite(w.ctx, w.bWriter, w.b.ID, invite.Input{Name: "Bo", Email: "bo@ous.no", Right: r})
		requireCode(t, err, practice.ErrForbidden, "a user with write right invites nobody (%s)", r)
	}
	_, err := w.svc.Invite(w.ctx, w.bAdmin, w.b.ID, invite.Input{Name: "Bo", Email: "bo@ous.no", Right: "owner"})
	var ve *practice.ValidationError
	require.ErrorAs(t, err, &ve, "an unknown right is invalid")
	require.Equal(t, "right", ve.Fields[0].Field)
	w.invite(t, w.bAdmin, w.b.ID, invite.Input{Name: "Bo", Email: "bo@ous.no", Right: practice.Admin})
}

func TestNumberMustMatch(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	inv := w.invite(t, w.bAdmin, w.b.ID, invite.Input{Name: "Dag", Email: "dag@ous.no", NationalID: nid(t, otherNID), Right: practice.Read})
	tok := w.token(t, inv.ID)
	for i := 1; i <= 2; i++ {
		_, err := w.svc.Accept(w.ctx, tok, invite.Login{NationalID: nid(t, thirdNID)})
		requireCode(t, err, practice.ErrForbidden, "a login with another number is refused")
		require.NotContains(t, err.Error(), thirdNID)
		require.NotContains(t, err.Error(), otherNID)
		got, err := w.svc.Invitation(w.ctx, w.bAdmin, inv.ID)
		require.NoError(t, err)
		require.Equal(t, invite.Pending, got.State, "a refused login uses nothing")
		require.Equal(t, i, got.FailedLogins, "the refused login is recorded")
	}
	acc, err := w.svc.Accept(w.ctx, tok, invite.Login{NationalID: nid(t, otherNID)})
	require.NoError(t, err, "the invited number is accepted after refused ones")
	p, err := w.kernel.Person(w.ctx, practice.SystemActor(), acc.PersonID)
	require.NoError(t, err)
	require.Equal(t, otherNID, p.NationalID.Reveal())
	require.Equal(t, "dag@ous.no", p.Email)
}

func TestTooManyFailedLoginsKill(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	inv := w.invite(t, w.bAdmin, w.b.ID, invite.Input{Name: "Dag", Email: "dag@ous.no", NationalID: nid(t, otherNID), Right: practice.Read})
	tok := w.token(t, inv.ID)
	for range 3 {
		_, err := w.svc.Accept(w.ctx, tok, invite.Login{NationalID: nid(t, thirdNID)})
		requireCode(t, err, practice.ErrForbidden)
	}
	got, err := w.svc.Invitation(w.ctx, w.bAdmin, inv.ID)
	require.NoError(t, err)
	require.Equal(t, invite.Revoked, got.State, "three refused logins kill the invitation")
	_, err = w.svc.Accept(w.ctx, tok, invite.Login{NationalID: nid(t, otherNID)})
	requireCode(t, err, practice.ErrConflict, "a dead invitation cannot be used even with the right number")
	var refused int
	for _, e := range w.audit(t, w.b.ID) {
		if e.Action == invite.AuditLoginRefused && e.InvitationID == inv.ID {
			refused++
		}
	}
	require.Equal(t, 3, refused, "every refused login is in the audit trail")
}

func TestBindingAndSingleUse(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	inv := w.invite(t, w.bAdmin, w.b.ID, invite.Input{Name: "Eli", Email: "Eli@OUS.no", Right: practice.Read})
	require.Equal(t, "eli@ous.no", inv.Email)
	tok := w.token(t, inv.ID)
	people, err := w.kernel.SearchPeople(w.ctx, w.studyAdmin, practice.PeopleFilter{Email: "eli@ous.no"})
	require.NoError(t, err)
	require.Empty(t, people.Items, "nobody is created at invitation")

	acc, err := w.svc.Accept(w.ctx, tok, invite.Login{NationalID: nid(t, otherNID)})
	require.NoError(t, err)
	p, err := w.kernel.Person(w.ctx, practice.SystemActor(), acc.PersonID)
	require.NoError(t, err)
	require.Equal(t, otherNID, p.NationalID.Reveal(), "the login's number is bound to the person at acceptance")
	require.Equal(t, invite.Accepted, acc.Invitation.State)

	_, err = w.svc.Accept(w.ctx, tok, invite.Login{NationalID: nid(t, otherNID)})
	requireCode(t, err, practice.ErrConflict, "a link works once")
	_, err = w.svc.Accept(w.ctx, "not-a-token", invite.Login{NationalID: nid(t, otherNID)})
	requireCode(t, err, practice.ErrNotFound, "garbage is not a link")
	_, err = w.svc.Accept(w.ctx, strings.Repeat("A", 43), invite.Login{NationalID: nid(t, otherNID)})
	requireCode(t, err, practice.ErrNotFound, "an unknown secret is not a link")
	_, err = w.svc.Accept(w.ctx, tok, invite.Login{})
	var ve *practice.ValidationError
	require.ErrorAs(t, err, &ve, "a login without a number is refused")
}

func TestKnownPersonJoins(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	// The known person is invited to a, under another address.
	inv := w.invite(t, w.studyAdmin, w.a.ID, invite.Input{Name: "K. Person", Email: "k.person@politiet.no", Right: practice.Admin})
	acc, err := w.svc.Accept(w.ctx, w.token(t, inv.ID), invite.Login{NationalID: nid(t, knownNID)})
	require.NoError(t, err)
	require.Equal(t, w.known.ID, acc.PersonID, "a person known by the number keeps one identity")
	a, err := w.kernel.Actor(w.ctx, w.known.ID)
	require.NoError(t, err)
	require.Equal(t, practice.Admin, a.Right(w.a.ID), "and gains the membership")
	require.Equal(t, practice.Read, a.Right(w.b.ID), "and keeps the others")
	people, err := w.kernel.SearchPeople(w.ctx, w.studyAdmin, practice.PeopleFilter{Email: "k.person@politiet.no"})
	require.NoError(t, err)
	require.Empty(t, people.Items, "no second person is made")
}

func TestResendKillsOldLink(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	inv := w.invite(t, w.bAdmin, w.b.ID, invite.Input{Name: "Fia", Email: "fia@ous.no", Right: practice.Write})
	old := w.token(t, inv.ID)
	w.clock.add(15 * day)
	require.NoError(t, w.svc.Expire(w.ctx, inv.ID))
	next, err := w.svc.Resend(w.ctx, w.bAdmin, inv.ID)
	require.NoError(t, err)
	require.NotEqual(t, inv.ID, next.ID)
	require.Equal(t, w.clock.Now().Add(14*day), next.ExpiresAt, "a re-send has new deadlines")
	got, err := w.svc.Invitation(w.ctx, w.bAdmin, inv.ID)
	require.NoError(t, err)
	require.Equal(t, invite.Replaced, got.State)
	require.Equal(t, next.ID, got.ReplacedBy)
	tok := w.token(t, next.ID)
	require.NotEqual(t, old, tok, "a re-send makes a new link")

	// Re-sending a pending one kills its link at once too.
	again, err := w.svc.Resend(w.ctx, w.bAdmin, next.ID)
	require.NoError(t, err)
	_, err = w.svc.Accept(w.ctx, tok, invite.Login{NationalID: nid(t, otherNID)})
	requireCode(t, err, practice.ErrConflict, "the replaced link is dead")
	_, err = w.svc.Accept(w.ctx, old, invite.Login{NationalID: nid(t, otherNID)})
	requireCode(t, err, practice.ErrConflict, "the first link is dead")
	_, err = w.svc.Accept(w.ctx, w.token(t, again.ID), invite.Login{NationalID: nid(t, otherNID)})
	require.NoError(t, err)
	_, err = w.svc.Resend(w.ctx, w.bAdmin, again.ID)
	requireCode(t, err, practice.ErrConflict, "an accepted invitation is not re-sent")
}

func TestRevoke(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	inv := w.invite(t, w.bAdmin, w.b.ID, invite.Input{Name: "Gro", Email: "gro@ous.no", Right: practice.Read})
	tok := w.token(t, inv.ID)
	_, err := w.svc.Revoke(w.ctx, w.bWriter, inv.ID)
	requireCode(t, err, practice.ErrNotFound, "a user without admin right cannot see the invitation to revoke it")
	got, err := w.svc.Revoke(w.ctx, w.bAdmin, inv.ID)
	require.NoError(t, err)
	require.Equal(t, invite.Revoked, got.State)
	_, err = w.svc.Accept(w.ctx, tok, invite.Login{NationalID: nid(t, otherNID)})
	requireCode(t, err, practice.ErrConflict, "a revoked link is dead")
	_, err = w.svc.Revoke(w.ctx, w.bAdmin, inv.ID)
	requireCode(t, err, practice.ErrConflict, "only a pending invitation is revoked")
	_, ok, err := w.svc.Mail(w.ctx, invite.EventRef{InvitationID: inv.ID, Mail: invite.MailInvitation})
	require.NoError(t, err)
	require.False(t, ok, "a revoked invitation's mail is not sent")
}

func TestLastAdministrator(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	err := w.kernel.Revoke(w.ctx, w.bAdmin, w.b.ID, w.bAdmin.PersonID)
	var ve *practice.ValidationError
	require.ErrorAs(t, err, &ve, "the last administrator cannot be deactivated")
	_, err = w.kernel.Grant(w.ctx, w.bAdmin, w.b.ID, w.bAdmin.PersonID, practice.Write)
	require.ErrorAs(t, err, &ve, "nor demoted")
	_, err = w.kernel.Grant(w.ctx, w.bAdmin, w.b.ID, w.bWriter.PersonID, practice.Admin)
	require.NoError(t, err)
	promoted, err := w.kernel.Actor(w.ctx, w.bWriter.PersonID)
	require.NoError(t, err)
	require.NoError(t, w.kernel.Revoke(w.ctx, promoted, w.b.ID, w.bAdmin.PersonID), "with another administrator, one may go")
	trail := w.audit(t, w.b.ID)
	last := trail[len(trail)-1]
	require.Equal(t, practice.AuditRightRemoved, last.Action)
	require.Equal(t, w.bWriter.PersonID, last.ActorID, "the trail says who")
	require.Equal(t, w.bAdmin.PersonID, last.SubjectID, "to whom")
	require.Equal(t, "admin", last.Before, "the right before")
	require.Empty(t, last.After, "and after")
	prev := trail[len(trail)-2]
	require.Equal(t, practice.AuditRightChanged, prev.Action)
	require.Equal(t, "write", prev.Before)
	require.Equal(t, "admin", prev.After)
}

func TestInvitingRevealsNothing(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	// a's first administrator, who knows nobody at b.
	inv := w.invite(t, w.studyAdmin, w.a.ID, invite.Input{Name: "Ada", Email: "ada@politiet.no", Right: practice.Admin})
	acc, err := w.svc.Accept(w.ctx, w.token(t, inv.ID), invite.Login{NationalID: nid(t, otherNID)})
	require.NoError(t, err)
	ada, err := w.kernel.Actor(w.ctx, acc.PersonID)
	require.NoError(t, err)

	// Inviting b's known person, by their address or number, answers as
	// inviting a stranger does.
	for _, in := range []invite.Input{
		{Name: "X", Email: "known@ous.no", Right: practice.Read},
		{Name: "X", Email: "x1@example.no", NationalID: nid(t, knownNID), Right: practice.Read},
		{Name: "X", Email: "nobody@example.no", Right: practice.Read},
		{Name: "X", Email: "x2@example.no", NationalID: nid(t, thirdNID), Right: practice.Read},
	} {
		got, err := w.svc.Invite(w.ctx, ada, w.a.ID, in)
		require.NoError(t, err, "inviting %s reveals nothing", in.Email)
		require.Equal(t, invite.Pending, got.State)
		require.True(t, got.PersonID.IsZero(), "an invitation names no person before acceptance")
	}
	// A site administrator cannot add people directly, which would tell.
	_, err = w.kernel.AddMember(w.ctx, ada, w.a.ID, practice.PersonInput{Name: "X", Email: "known@ous.no"}, practice.Read)
	requireCode(t, err, practice.ErrForbidden, "site administrators add people only by invitation")
	_, err = w.kernel.CreatePerson(w.ctx, ada, practice.PersonInput{Name: "X", Email: "known@ous.no"})
	requireCode(t, err, practice.ErrForbidden)

	// Inviting a member of one's own organisation is refused, clearly.
	_, err = w.svc.Invite(w.ctx, w.bAdmin, w.b.ID, invite.Input{Name: "K", Email: "KNOWN@ous.no", Right: practice.Write})
	requireCode(t, err, practice.ErrConflict, "a member is not invited again")
	require.Contains(t, err.Error(), "member")
	// But a number is never looked up: a refusal would confirm a
	// colleague's full number, which an administrator sees masked.
	byNumber, err := w.svc.Invite(w.ctx, w.bAdmin, w.b.ID, invite.Input{Name: "K", Email: "k2@ous.no", NationalID: nid(t, knownNID), Right: practice.Write})
	require.NoError(t, err, "inviting by a member's number answers as inviting anyone")
	acc, err = w.svc.Accept(w.ctx, w.token(t, byNumber.ID), invite.Login{NationalID: nid(t, knownNID)})
	require.NoError(t, err)
	require.Equal(t, w.known.ID, acc.PersonID, "the member keeps one identity")
	known, err := w.kernel.Actor(w.ctx, w.known.ID)
	require.NoError(t, err)
	require.Equal(t, practice.Write, known.Right(w.b.ID), "and the higher of the two rights")
	// And a second pending invitation to the same address.
	_, err = w.svc.Invite(w.ctx, ada, w.a.ID, invite.Input{Name: "X", Email: "nobody@example.no", Right: practice.Read})
	requireCode(t, err, practice.ErrConflict, "one pending invitation per address")
}

func TestColleaguesAndAudit(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	inv := w.invite(t, w.bAdmin, w.b.ID, invite.Input{Name: "Hege", Email: "hege@ous.no", Right: practice.Read})
	c, err := w.svc.Colleagues(w.ctx, w.bAdmin, w.b.ID, practice.PageRequest{})
	require.NoError(t, err)
	require.Len(t, c.Members.Items, 3)
	require.Len(t, c.Pending, 1)
	require.Equal(t, inv.ID, c.Pending[0].ID)
	_, err = w.svc.Colleagues(w.ctx, w.bWriter, w.b.ID, practice.PageRequest{})
	requireCode(t, err, practice.ErrForbidden, "only administrators list colleagues with invitations")
	_, err = w.kernel.Audit(w.ctx, w.bWriter, w.b.ID, practice.PageRequest{})
	requireCode(t, err, practice.ErrForbidden, "a user with write right does not read the audit trail")
	_, err = w.kernel.Audit(w.ctx, w.planner, w.b.ID, practice.PageRequest{})
	requireCode(t, err, practice.ErrForbidden, "a planner does not read it")
	trail, err := w.kernel.Audit(w.ctx, w.studyAdmin, w.b.ID, practice.PageRequest{})
	require.NoError(t, err, "the study site reads it")
	last := trail.Items[len(trail.Items)-1]
	require.Equal(t, invite.AuditSent, last.Action)
	require.Equal(t, w.bAdmin.PersonID, last.ActorID)
	require.Equal(t, inv.ID, last.InvitationID)
	require.Equal(t, "pending", last.After)
}

func TestInputIsValidated(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	for _, in := range []invite.Input{
		{Name: "", Email: "a@b.no", Right: practice.Read},
		{Name: "A\x00B", Email: "a@b.no", Right: practice.Read},
		{Name: "A", Email: "not an address", Right: practice.Read},
		{Name: "A", Email: "a@b.no", Right: practice.Read, Language: "de"},
	} {
		_, err := w.svc.Invite(w.ctx, w.bAdmin, w.b.ID, in)
		var ve *practice.ValidationError
		require.ErrorAs(t, err, &ve, "%+v is invalid", in)
	}
	page, err := w.svc.Invitations(w.ctx, w.bAdmin, w.b.ID, invite.InvitationFilter{})
	require.NoError(t, err)
	require.Empty(t, page.Items, "invalid input stores nothing")
}

func TestRemovedInviterGrantsNothing(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	// The writer is made an administrator, invites an administrator, and
	// is demoted before the invitation is used.
	_, err := w.kernel.Grant(w.ctx, w.bAdmin, w.b.ID, w.bWriter.PersonID, practice.Admin)
	require.NoError(t, err)
	promoted, err := w.kernel.Actor(w.ctx, w.bWriter.PersonID)
	require.NoError(t, err)
	inv := w.invite(t, promoted, w.b.ID, invite.Input{Name: "Ivar", Email: "ivar@ous.no", Right: practice.Admin})
	_, err = w.kernel.Grant(w.ctx, w.bAdmin, w.b.ID, w.bWriter.PersonID, practice.Read)
	require.NoError(t, err)
	_, err = w.svc.Accept(w.ctx, w.token(t, inv.ID), invite.Login{NationalID: nid(t, otherNID)})
	requireCode(t, err, practice.ErrConflict, "an invitation whose sender may no longer grant its right is refused")
	got, err := w.svc.Invitation(w.ctx, w.bAdmin, inv.ID)
	require.NoError(t, err)
	require.Equal(t, invite.Revoked, got.State, "and withdrawn")
}

func TestAddressOfARegisteredUser(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	// Kari (write at b) is known by her address; a link sent to it does
	// not let a login with another number become her.
	inv := w.invite(t, w.studyAdmin, w.a.ID, invite.Input{Name: "Kari", Email: "kari@ous.no", Right: practice.Admin})
	_, err := w.svc.Accept(w.ctx, w.token(t, inv.ID), invite.Login{NationalID: nid(t, otherNID)})
	requireCode(t, err, practice.ErrConflict, "the address of a user with rights is not bound to a new number")
	kari, err := w.kernel.Person(w.ctx, practice.SystemActor(), w.bWriter.PersonID)
	require.NoError(t, err)
	require.False(t, kari.HasNationalID, "nothing is bound")

	// Someone registered by a study site without a number and without
	// any right is bound at acceptance.
	p, err := w.kernel.CreatePerson(w.ctx, w.studyAdmin, practice.PersonInput{Name: "Jon", Email: "jon@politiet.no"})
	require.NoError(t, err)
	inv = w.invite(t, w.studyAdmin, w.a.ID, invite.Input{Name: "Jon", Email: "jon@politiet.no", Right: practice.Read})
	acc, err := w.svc.Accept(w.ctx, w.token(t, inv.ID), invite.Login{NationalID: nid(t, otherNID)})
	require.NoError(t, err)
	require.Equal(t, p.ID, acc.PersonID, "the registered person keeps their identity")
}

func TestResendKeepsOnePendingPerAddress(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	old := w.invite(t, w.bAdmin, w.b.ID, invite.Input{Name: "Liv", Email: "liv@ous.no", Right: practice.Read})
	w.clock.add(15 * day)
	require.NoError(t, w.svc.Expire(w.ctx, old.ID))
	w.invite(t, w.bAdmin, w.b.ID, invite.Input{Name: "Liv", Email: "liv@ous.no", Right: practice.Read})
	_, err := w.svc.Resend(w.ctx, w.bAdmin, old.ID)
	requireCode(t, err, practice.ErrConflict, "a re-send does not make a second pending invitation to an address")
}

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

func TestInviteSchedulesItsJobs(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	rec := &recording{Store: w.store}
	svc, err := invite.NewService(rec, make([]byte, invite.KeySize), invite.WithClock(w.clock))
	require.NoError(t, err)
	inv, err := svc.Invite(w.ctx, w.bAdmin, w.b.ID, invite.Input{Name: "Mia", Email: "mia@ous.no", Right: practice.Read})
	require.NoError(t, err)
	withNumber, err := svc.Invite(w.ctx, w.bAdmin, w.b.ID, invite.Input{Name: "Noa", Email: "noa@ous.no", NationalID: nid(t, otherNID), Right: practice.Read})
	require.NoError(t, err)
	type job struct {
		kind string
		ref  invite.EventRef
		at   time.Time
	}
	var got []job
	keys := map[string]bool{}
	for _, e := range rec.events {
		var ref invite.EventRef
		require.NoError(t, json.Unmarshal(e.Payload, &ref))
		got = append(got, job{e.Kind, ref, e.At})
		require.NotEmpty(t, e.Key, "every job is unique")
		require.False(t, keys[e.Kind+" "+e.Key], "keys differ")
		keys[e.Kind+" "+e.Key] = true
	}
	require.ElementsMatch(t, []job{
		{invite.EventMail, invite.EventRef{InvitationID: inv.ID, Mail: invite.MailInvitation}, time.Time{}},
		{invite.EventRemind, invite.EventRef{InvitationID: inv.ID}, inv.RemindAt},
		{invite.EventExpire, invite.EventRef{InvitationID: inv.ID}, inv.ExpiresAt},
		{invite.EventMail, invite.EventRef{InvitationID: withNumber.ID, Mail: invite.MailInvitation}, time.Time{}},
		{invite.EventExpire, invite.EventRef{InvitationID: withNumber.ID}, withNumber.ExpiresAt},
	}, got, "the mail now, the reminder and the expiry when due, in the invitation's transaction")

	rec.events = nil
	w.clock.add(7 * day)
	require.NoError(t, svc.Remind(w.ctx, inv.ID))
	require.Len(t, rec.events, 1, "a due reminder publishes its mail")
	require.Equal(t, invite.EventMail, rec.events[0].Kind)
}

func TestOnlyAHashIsStored(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	inv := w.invite(t, w.bAdmin, w.b.ID, invite.Input{Name: "Ole", Email: "ole@ous.no", Right: practice.Read})
	tok := w.token(t, inv.ID)
	stored, err := w.store.Invitation(w.ctx, inv.ID)
	require.NoError(t, err)
	sum := sha256.Sum256([]byte(tok))
	require.Equal(t, sum[:], stored.TokenHash, "the store keeps the SHA-256 of the secret")
	require.NotContains(t, string(stored.SealedToken), tok, "and the secret only sealed")
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	require.NoError(t, err)
	require.Len(t, raw, 32, "a secret is 256 random bits")
	other := w.token(t, w.invite(t, w.bAdmin, w.b.ID, invite.Input{Name: "Pia", Email: "pia@ous.no", Right: practice.Read}).ID)
	require.NotEqual(t, tok, other)
}

func TestDoneInvitationsStayDone(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	accepted := w.invite(t, w.bAdmin, w.b.ID, invite.Input{Name: "Ask", Email: "ask@ous.no", Right: practice.Read})
	_, err := w.svc.Accept(w.ctx, w.token(t, accepted.ID), invite.Login{NationalID: nid(t, otherNID)})
	require.NoError(t, err)
	revoked := w.invite(t, w.bAdmin, w.b.ID, invite.Input{Name: "Bo", Email: "bo@ous.no", Right: practice.Read})
	_, err = w.svc.Revoke(w.ctx, w.bAdmin, revoked.ID)
	require.NoError(t, err)
	replaced := w.invite(t, w.bAdmin, w.b.ID, invite.Input{Name: "Cy", Email: "cy@ous.no", Right: practice.Read})
	_, err = w.svc.Resend(w.ctx, w.bAdmin, replaced.ID)
	require.NoError(t, err)
	late := w.invite(t, w.bAdmin, w.b.ID, invite.Input{Name: "Di", Email: "di@ous.no", Right: practice.Read})

	w.clock.add(15 * day)
	for _, inv := range []invite.Invitation{accepted, revoked, replaced} {
		before, err := w.svc.Invitation(w.ctx, w.bAdmin, inv.ID)
		require.NoError(t, err)
		require.NoError(t, w.svc.Remind(w.ctx, inv.ID))
		require.NoError(t, w.svc.Expire(w.ctx, inv.ID))
		after, err := w.svc.Invitation(w.ctx, w.bAdmin, inv.ID)
		require.NoError(t, err)
		require.Equal(t, before, after, "neither a reminder nor an expiry touches a %s invitation", before.State)
	}
	_, ok, err := w.svc.Mail(w.ctx, invite.EventRef{InvitationID: late.ID, Mail: invite.MailInvitation})
	require.NoError(t, err)
	require.False(t, ok, "no mail goes out for a pending invitation past its deadline")
	require.NoError(t, w.svc.Remind(w.ctx, late.ID))
	got, err := w.svc.Invitation(w.ctx, w.bAdmin, late.ID)
	require.NoError(t, err)
	require.True(t, got.RemindedAt.IsZero(), "no reminder after the deadline")
}

func TestAcceptingALowerRightKeepsTheHigher(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	// b's only administrator is invited to read right by number, under
	// another address, and accepts: she stays administrator.
	admin, err := w.kernel.Person(w.ctx, practice.SystemActor(), w.bAdmin.PersonID)
	require.NoError(t, err)
	admin.NationalID = nid(t, thirdNID)
	require.NoError(t, w.store.UpdatePerson(w.ctx, admin))
	inv := w.invite(t, w.studyAdmin, w.b.ID, invite.Input{Name: "Berit", Email: "berit.privat@example.no", NationalID: nid(t, thirdNID), Right: practice.Read})
	acc, err := w.svc.Accept(w.ctx, w.token(t, inv.ID), invite.Login{NationalID: nid(t, thirdNID)})
	require.NoError(t, err)
	require.Equal(t, w.bAdmin.PersonID, acc.PersonID)
	a, err := w.kernel.Actor(w.ctx, w.bAdmin.PersonID)
	require.NoError(t, err)
	require.Equal(t, practice.Admin, a.Right(w.b.ID), "accepting a lower right never lowers one's right")
}
