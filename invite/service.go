package invite

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/praksis/praksis/practice"
)

// LockInvitation serialises the changes to one invitation: its reminder, its
// expiry and its acceptance.
const LockInvitation practice.LockScope = "invite.invitation"

// Service runs the use cases of invitations. Every method that takes an
// actor checks it first and validates the input next; a refused or invalid
// call changes nothing. The methods without an actor are the system's:
// the acceptance, which the link's secret and the login authorise, and the
// handlers of the package's events.
type Service struct {
	store  Store
	kernel *practice.Service
	clock  practice.Clock
	newID  func() practice.ID
	policy Policy
	tokens tokens
}

// Option configures a [Service].
type Option func(*Service)

// WithClock sets the clock (default practice.SystemClock).
func WithClock(c practice.Clock) Option { return func(s *Service) { s.clock = c } }

// WithIDs sets the source of new IDs (default practice.NewID).
func WithIDs(newID func() practice.ID) Option { return func(s *Service) { s.newID = newID } }

// WithPolicy sets the deadlines (default [DefaultPolicy]).
func WithPolicy(p Policy) Option { return func(s *Service) { s.policy = p } }

// NewService returns a Service over store. key, of [KeySize] bytes, seals
// the links' secrets, which the store keeps only sealed (to repeat them in
// a reminder) and hashed (to find an invitation by its link): keep it out
// of the database, and the same across the processes and restarts that
// send mails from one store.
func NewService(store Store, key []byte, opts ...Option) (*Service, error) {
	t, err := newTokens(key)
	if err != nil {
		return nil, err
	}
	s := &Service{store: store, clock: practice.SystemClock, newID: practice.NewID, policy: DefaultPolicy(), tokens: t}
	for _, o := range opts {
		o(s)
	}
	if err := s.policy.Check(); err != nil {
		return nil, err
	}
	s.kernel = practice.NewService(store, practice.WithClock(s.clock), practice.WithIDs(s.newID))
	return s, nil
}

func (s *Service) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }

// Input is what an administrator gives to invite someone.
type Input struct {
	Name  string `json:"name" validate:"required,max=200,visible"`
	Email string `json:"email" validate:"required,email,max=254"`
	// NationalID, if given, is the number the invitee's login must have.
	NationalID practice.NationalID `json:"nationalId,omitzero" validate:"omitempty,natid"`
	Right      practice.Right      `json:"right"`
	// Language is the language of the mails: "nb" (the default) or "en".
	Language string `json:"language,omitempty" validate:"omitempty,oneof=nb en"`
}

// The audit actions of invitations.
const (
	AuditSent     practice.AuditAction = "invitation.sent"
	AuditResent   practice.AuditAction = "invitation.resent"
	AuditRevoked  practice.AuditAction = "invitation.revoked"
	AuditExpired  practice.AuditAction = "invitation.expired"
	AuditReminded practice.AuditAction = "invitation.reminded"
	AuditAccepted practice.AuditAction = "invitation.accepted"
	// AuditLoginRefused: a login with another national identity number
	// than the invitation's.
	AuditLoginRefused practice.AuditAction = "invitation.login-refused"
)

func forbidden(msg string) error { return &practice.Error{Code: practice.ErrForbidden, Message: msg} }

// loggedIn refuses nobody (the zero actor) before anything is read, as
// every other use case does; to someone who is logged in, an invitation
// they may not manage does not exist.
func loggedIn(a practice.Actor) error {
	if a.PersonID.IsZero() && !a.IsSystem() {
		return forbidden("log in to manage invitations")
	}
	return nil
}

// canInvite is who may invite: a study site's practice administrator at
// any time (they appoint a site's first administrator), and the
// organisation's administrators. The guide's two further rules hold by
// construction: an organisation's administrators exist only once it has a
// first one, and they hold its highest right, so nobody grants a right
// they do not hold there. The acceptance checks again that the sender
// still may (see Accept).
func canInvite(a practice.Actor, organisationID practice.ID) error {
	if a.StudySiteAdministrator() || a.Has(organisationID, practice.Admin) {
		return nil
	}
	return forbidden("only the site's administrators and study site practice administrators may invite")
}

// Invite invites someone to a right at an organisation, and sends the
// invitation by e-mail through the outbox, all in one transaction. A study
// site's practice administrators may invite anyone, such as a site's first
// administrator; the organisation's administrators may invite colleagues
// once it has one. Inviting someone who is a member there already, or who
// has a pending invitation there, is a conflict; whether the e-mail or the
// number is registered anywhere else is never told.
func (s *Service) Invite(ctx context.Context, a practice.Actor, organisationID practice.ID, in Input) (Invitation, error) {
	if err := canInvite(a, organisationID); err != nil {
		return Invitation{}, err
	}
	in.Name, in.Email = strings.TrimSpace(in.Name), practice.EmailKey(in.Email)
	if in.Language == "" {
		in.Language = "nb"
	}
	if err := practice.Validate(in); err != nil {
		return Invitation{}, err
	}
	if err := in.Right.Check(); err != nil {
		return Invitation{}, err
	}
	var inv Invitation
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.lockOrganisation(ctx, organisationID); err != nil {
			return err
		}
		if err := s.checkNotMember(ctx, organisationID, in.Email); err != nil {
			return err
		}
		inv = Invitation{ID: s.newID(), OrganisationID: organisationID, Name: in.Name, Email: in.Email,
			NationalID: in.NationalID, Right: in.Right, Language: in.Language, InvitedBy: a.PersonID}
		return s.send(ctx, a, &inv, AuditSent, "")
	})
	if err != nil {
		return Invitation{}, err
	}
	return shown(inv), nil
}

// lockOrganisation locks the rights at an organisation for the transaction
// of ctx and checks that it exists.
func (s *Service) lockOrganisation(ctx context.Context, organisationID practice.ID) error {
	if err := s.store.Lock(ctx, practice.LockRights, organisationID); err != nil {
		return err
	}
	if _, err := s.store.Organisation(ctx, organisationID); err != nil {
		if errors.Is(err, practice.ErrNotFound) {
			return practice.NotFound("there is no organisation %s", organisationID)
		}
		return err
	}
	return nil
}

// checkNotMember refuses an invitation to an address that is a member's at
// the organisation already, or has a pending invitation there. It looks
// only at that organisation, so it tells the inviter nothing they could
// not see. It never looks a national identity number up: a refusal would
// confirm a colleague's full number, which an administrator sees only
// masked. (A member invited by number under another address keeps one
// identity at acceptance and the higher of the two rights.)
func (s *Service) checkNotMember(ctx context.Context, organisationID practice.ID, email string) error {
	people, err := s.store.People(ctx, practice.PeopleFilter{Email: email, Page: practice.PageRequest{Limit: 1}})
	if err != nil {
		return err
	}
	for _, p := range people.Items {
		ms, err := s.store.Memberships(ctx, practice.MembershipFilter{OrganisationID: organisationID, PersonID: p.ID})
		if err != nil {
			return err
		}
		if len(ms.Items) > 0 {
			return &practice.Error{Code: practice.ErrConflict, Field: "email",
				Message: "the person is a member of the organisation already: change their right instead"}
		}
	}
	pending, err := s.store.Invitations(ctx, InvitationFilter{OrganisationID: organisationID, State: Pending, Email: email,
		Page: practice.PageRequest{Limit: 1}})
	if err != nil {
		return err
	}
	if len(pending.Items) > 0 {
		return &practice.Error{Code: practice.ErrConflict, Field: "email",
			Message: "the address has a pending invitation to the organisation: re-send or revoke it"}
	}
	return nil
}

// send completes a new invitation inv (its ID, organisation, invitee and
// right set), stores it with a new link, records action, and publishes its
// mail, its reminder and its expiry.
func (s *Service) send(ctx context.Context, a practice.Actor, inv *Invitation, action practice.AuditAction, before State) error {
	now := s.now()
	inv.State, inv.Version, inv.CreatedAt, inv.UpdatedAt = Pending, 1, now, now
	inv.ExpiresAt, inv.RemindAt = s.policy.deadlines(now, !inv.NationalID.IsZero())
	inv.RemindedAt, inv.FailedLogins, inv.PersonID, inv.ReplacedBy = time.Time{}, 0, practice.NilID, practice.NilID
	_, inv.TokenHash, inv.SealedToken = s.tokens.newToken(inv.ID)
	if err := s.store.CreateInvitation(ctx, *inv); err != nil {
		return err
	}
	if err := s.audit(ctx, a.PersonID, *inv, action, before, Pending); err != nil {
		return err
	}
	mail, err := event(EventMail, EventRef{InvitationID: inv.ID, Mail: MailInvitation}, time.Time{})
	if err != nil {
		return err
	}
	expire, err := event(EventExpire, EventRef{InvitationID: inv.ID}, inv.ExpiresAt)
	if err != nil {
		return err
	}
	events := []practice.Event{mail, expire}
	if !inv.RemindAt.IsZero() {
		remind, err := event(EventRemind, EventRef{InvitationID: inv.ID}, inv.RemindAt)
		if err != nil {
			return err
		}
		events = append(events, remind)
	}
	return s.store.Publish(ctx, events...)
}

// event returns an event about an invitation, due at at, unique by its
// kind, the invitation and the mail.
func event(kind string, ref EventRef, at time.Time) (practice.Event, error) {
	e, err := practice.NewEvent(kind, ref)
	e.Key, e.At = ref.InvitationID.String(), at
	if ref.Mail != "" {
		e.Key += "/" + string(ref.Mail)
	}
	return e, err
}

func (s *Service) audit(ctx context.Context, actor practice.ID, inv Invitation, action practice.AuditAction, before, after State) error {
	return s.store.AddAudit(ctx, practice.AuditEntry{ID: s.newID(), At: s.now(), OrganisationID: inv.OrganisationID,
		ActorID: actor, Action: action, SubjectID: inv.PersonID, InvitationID: inv.ID, Before: string(before), After: string(after)})
}

// shown returns inv as a caller sees it: with HasNationalID set.
func shown(inv Invitation) Invitation {
	inv.HasNationalID = !inv.NationalID.IsZero()
	return inv
}

// load locks an invitation for the transaction of ctx and reads it.
func (s *Service) load(ctx context.Context, id practice.ID) (Invitation, error) {
	if err := s.store.Lock(ctx, LockInvitation, id); err != nil {
		return Invitation{}, err
	}
	inv, err := s.store.Invitation(ctx, id)
	if errors.Is(err, practice.ErrNotFound) {
		return Invitation{}, practice.NotFound("there is no invitation %s", id)
	}
	return inv, err
}

// update stores inv's new state, recording action.
func (s *Service) update(ctx context.Context, actor practice.ID, inv *Invitation, action practice.AuditAction, before State) error {
	inv.UpdatedAt = s.now()
	if err := s.store.UpdateInvitation(ctx, *inv); err != nil {
		return err
	}
	inv.Version++
	return s.audit(ctx, actor, *inv, action, before, inv.State)
}

// managed locks and loads an invitation, and checks that a may manage the
// invitations of its organisation. With lockRights, it first locks the
// rights at the organisation, as Invite and Accept do: every use case that
// takes both locks takes the organisation's first, so that none waits for
// another in a cycle.
func (s *Service) managed(ctx context.Context, a practice.Actor, id practice.ID, lockRights bool) (Invitation, error) {
	if err := loggedIn(a); err != nil {
		return Invitation{}, err
	}
	peek, err := s.store.Invitation(ctx, id)
	if errors.Is(err, practice.ErrNotFound) || err == nil && a.CanManageMembers(peek.OrganisationID) != nil {
		// Tell a stranger nothing about the invitation.
		return Invitation{}, practice.NotFound("there is no invitation %s", id)
	}
	if err != nil {
		return Invitation{}, err
	}
	if lockRights {
		if err := s.lockOrganisation(ctx, peek.OrganisationID); err != nil {
			return Invitation{}, err
		}
	}
	return s.load(ctx, id)
}

// Resend replaces a pending or expired invitation with a new one to the
// same person and right, with a new link and new deadlines: the old link
// is dead at once. Whoever may invite to the right may re-send.
func (s *Service) Resend(ctx context.Context, a practice.Actor, id practice.ID) (Invitation, error) {
	var next Invitation
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		old, err := s.managed(ctx, a, id, true)
		if err != nil {
			return err
		}
		if old.State != Pending && old.State != Expired {
			return &practice.Error{Code: practice.ErrConflict, Field: "state",
				Message: fmt.Sprintf("an invitation that is %s cannot be re-sent; invite again", old.State)}
		}
		others, err := s.store.Invitations(ctx, InvitationFilter{OrganisationID: old.OrganisationID, State: Pending,
			Email: old.Email, Page: practice.PageRequest{Limit: 2}})
		if err != nil {
			return err
		}
		for _, o := range others.Items {
			if o.ID != old.ID {
				return &practice.Error{Code: practice.ErrConflict, Field: "email",
					Message: "the address has another pending invitation to the organisation: re-send or revoke that one"}
			}
		}
		next = Invitation{ID: s.newID(), OrganisationID: old.OrganisationID, Name: old.Name, Email: old.Email,
			NationalID: old.NationalID, Right: old.Right, Language: old.Language, InvitedBy: a.PersonID}
		if err := s.send(ctx, a, &next, AuditSent, ""); err != nil {
			return err
		}
		before := old.State
		old.State, old.ReplacedBy = Replaced, next.ID
		return s.update(ctx, a.PersonID, &old, AuditResent, before)
	})
	if err != nil {
		return Invitation{}, err
	}
	return shown(next), nil
}

// Revoke withdraws a pending invitation: its link is dead at once. The
// organisation's administrators and study site practice administrators
// may.
func (s *Service) Revoke(ctx context.Context, a practice.Actor, id practice.ID) (Invitation, error) {
	var inv Invitation
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if inv, err = s.managed(ctx, a, id, false); err != nil {
			return err
		}
		if inv.State != Pending {
			return &practice.Error{Code: practice.ErrConflict, Field: "state",
				Message: fmt.Sprintf("only a pending invitation can be revoked; this one is %s", inv.State)}
		}
		inv.State = Revoked
		return s.update(ctx, a.PersonID, &inv, AuditRevoked, Pending)
	})
	if err != nil {
		return Invitation{}, err
	}
	return shown(inv), nil
}

// Invitation returns an invitation, to those who may manage the invitations
// of its organisation.
func (s *Service) Invitation(ctx context.Context, a practice.Actor, id practice.ID) (Invitation, error) {
	if err := loggedIn(a); err != nil {
		return Invitation{}, err
	}
	var inv Invitation
	err := s.store.InSnapshot(ctx, func(ctx context.Context) error {
		var err error
		inv, err = s.store.Invitation(ctx, id)
		if err == nil && a.CanManageMembers(inv.OrganisationID) != nil {
			err = practice.ErrNotFound
		}
		if errors.Is(err, practice.ErrNotFound) {
			return practice.NotFound("there is no invitation %s", id)
		}
		return err
	})
	return shown(inv), err
}

// Invitations returns the invitations to an organisation that f selects
// (its OrganisationID is set to organisationID), to the organisation's
// administrators and study site practice administrators.
func (s *Service) Invitations(ctx context.Context, a practice.Actor, organisationID practice.ID, f InvitationFilter) (Page, error) {
	if err := a.CanManageMembers(organisationID); err != nil {
		return Page{}, err
	}
	if f.State != "" && !f.State.Valid() {
		return Page{}, practice.Invalid("state", "oneof", "must be one of: pending, accepted, expired, revoked, replaced")
	}
	if err := f.Page.Check(); err != nil {
		return Page{}, err
	}
	f.OrganisationID = organisationID
	var out Page
	err := s.store.InSnapshot(ctx, func(ctx context.Context) error {
		if _, err := s.store.Organisation(ctx, organisationID); err != nil {
			if errors.Is(err, practice.ErrNotFound) {
				return practice.NotFound("there is no organisation %s", organisationID)
			}
			return err
		}
		var err error
		out, err = s.store.Invitations(ctx, f)
		return err
	})
	for i := range out.Items {
		out.Items[i] = shown(out.Items[i])
	}
	return out, err
}

// Colleagues is what a site administrator's list of colleagues shows: the
// members, with their rights, and the invitations still pending.
type Colleagues struct {
	Members practice.Page[practice.Member] `json:"members"`
	Pending []Invitation                   `json:"pending"`
}

// Colleagues returns a page of an organisation's members and all its pending
// invitations, to the organisation's administrators and study site
// practice administrators.
func (s *Service) Colleagues(ctx context.Context, a practice.Actor, organisationID practice.ID, page practice.PageRequest) (Colleagues, error) {
	if err := a.CanManageMembers(organisationID); err != nil {
		return Colleagues{}, err
	}
	var (
		members practice.Page[practice.Member]
		pending []Invitation
	)
	err := s.store.InSnapshot(ctx, func(ctx context.Context) error {
		var err error
		if members, err = s.kernel.Members(ctx, a, organisationID, page); err != nil {
			return err
		}
		pending, err = practice.All(func(p practice.PageRequest) (Page, error) {
			return s.store.Invitations(ctx, InvitationFilter{OrganisationID: organisationID, State: Pending, Page: p})
		})
		return err
	})
	if err != nil {
		return Colleagues{}, err
	}
	for i := range pending {
		pending[i] = shown(pending[i])
	}
	return Colleagues{Members: members, Pending: pending}, nil
}
