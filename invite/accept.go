package invite

import (
	"context"
	"crypto/sha256"
	"errors"
	"time"

	"github.com/praksis/praksis/practice"
)

// Login is what an ID-porten login proves: the national identity number
// (the "pid" claim).
type Login struct {
	NationalID practice.NationalID
}

// Acceptance is the outcome of a used invitation.
type Acceptance struct {
	Invitation Invitation `json:"invitation"`
	// PersonID is the person who now has the right: one already known by
	// the login's number, or one made at this moment.
	PersonID practice.ID `json:"personId"`
}

// The refusals of a link.
var (
	errBadLink = &practice.Error{Code: practice.ErrNotFound, Message: "the invitation link is not valid: use the latest link you were sent"}
	errNoLogin = practice.Invalid("nationalId", "required", "the login gave no national identity number: log in through ID-porten")
)

// Accept uses the invitation whose link carries token, for the person who
// logged in. The link works once, while the invitation is pending and not
// expired. If the invitation names a national identity number, the login's
// must be it: otherwise nothing is used, the attempt is recorded, and after
// Policy.MaxFailedLogins such logins the invitation dies. If it names none,
// the login's number is bound to the person now. A person already known by
// that number keeps their one identity and gains the right (keeping a
// higher one they had there); someone unknown is registered with the
// invitation's name and e-mail. The error never tells the number.
func (s *Service) Accept(ctx context.Context, token string, login Login) (Acceptance, error) {
	if !wellFormed(token) {
		return Acceptance{}, errBadLink
	}
	if login.NationalID.IsZero() {
		return Acceptance{}, errNoLogin
	}
	hash := hashToken(token)
	var (
		out     Acceptance
		refusal error // a refusal whose record is committed
	)
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		found, err := s.store.InvitationByToken(ctx, hash)
		if errors.Is(err, practice.ErrNotFound) || err == nil && !sameHash(found.TokenHash, hash) {
			return errBadLink
		}
		if err != nil {
			return err
		}
		if err := s.lockOrganisation(ctx, found.OrganisationID); err != nil {
			return err
		}
		inv, err := s.load(ctx, found.ID)
		if err != nil {
			return err
		}
		switch {
		case inv.State != Pending:
			return &practice.Error{Code: practice.ErrConflict, Field: "token",
				Message: "the invitation can no longer be used: it was used, withdrawn or replaced; ask for a new one"}
		case !s.now().Before(inv.ExpiresAt):
			inv.State = Expired
			if err := s.update(ctx, practice.NilID, &inv, AuditExpired, Pending); err != nil {
				return err
			}
			refusal = &practice.Error{Code: practice.ErrConflict, Field: "token",
				Message: "the invitation has expired: ask for it to be sent again"}
			return nil
		case !s.inviterMayGrant(ctx, inv):
			inv.State = Revoked
			if err := s.update(ctx, practice.NilID, &inv, AuditRevoked, Pending); err != nil {
				return err
			}
			refusal = &practice.Error{Code: practice.ErrConflict, Field: "token",
				Message: "the invitation is withdrawn: its sender may no longer grant the right; ask for a new one"}
			return nil
		case !inv.NationalID.IsZero() && inv.NationalID.Reveal() != login.NationalID.Reveal():
			inv.FailedLogins++
			before := inv.State
			if inv.FailedLogins >= s.policy.MaxFailedLogins {
				inv.State = Revoked
			}
			if err := s.update(ctx, practice.NilID, &inv, AuditLoginRefused, before); err != nil {
				return err
			}
			refusal = &practice.Error{Code: practice.ErrForbidden,
				Message: "the invitation was made for another national identity number: log in as the person invited"}
			return nil
		}
		personID, err := s.join(ctx, inv, login.NationalID)
		var e *practice.Error
		if errors.As(err, &e) && e.Code == practice.ErrConflict && e.Field == "email" {
			// Nothing was written: the refusal is recorded, so that an
			// administrator can see why the invitation is not used.
			refusal = err
			return s.audit(ctx, practice.NilID, inv, AuditLoginRefused, Pending, Pending)
		}
		if err != nil {
			return err
		}
		inv.State, inv.PersonID = Accepted, personID
		if err := s.update(ctx, personID, &inv, AuditAccepted, Pending); err != nil {
			return err
		}
		out = Acceptance{Invitation: shown(inv), PersonID: personID}
		return nil
	})
	if err != nil {
		return Acceptance{}, err
	}
	if refusal != nil {
		return Acceptance{}, refusal
	}
	return out, nil
}

// inviterMayGrant reports whether whoever sent inv may still grant its
// right: the system, a study site's practice administrator, or an
// administrator of the organisation. A site administrator removed since
// sending grants nothing.
func (s *Service) inviterMayGrant(ctx context.Context, inv Invitation) bool {
	if inv.InvitedBy.IsZero() {
		return true
	}
	a, err := s.kernel.Actor(ctx, inv.InvitedBy)
	return err == nil && (a.StudySiteAdministrator() || a.Has(inv.OrganisationID, practice.Admin) && a.Right(inv.OrganisationID).Includes(inv.Right))
}

// LockNationalID serialises the acceptances by one national identity
// number, so that two at once make one person. Its ID is derived from the
// number (see [numberLock]).
const LockNationalID practice.LockScope = "invite.nationalid"

// numberLock returns the ID that LockNationalID locks for n: a hash, so
// that no lock table holds the number.
func numberLock(n practice.NationalID) practice.ID {
	h := sha256.Sum256([]byte("praksis national id lock\x00" + n.Reveal()))
	var id practice.ID
	copy(id[:], h[:])
	return id
}

// join finds or makes the person the login is, and gives them the
// invitation's right.
func (s *Service) join(ctx context.Context, inv Invitation, n practice.NationalID) (practice.ID, error) {
	now := s.now()
	if err := s.store.Lock(ctx, LockNationalID, numberLock(n)); err != nil {
		return practice.NilID, err
	}
	p, err := s.store.PersonByNationalID(ctx, n)
	switch {
	case err == nil: // known by the number: one identity
	case !errors.Is(err, practice.ErrNotFound):
		return practice.NilID, err
	default:
		byEmail, err := s.store.People(ctx, practice.PeopleFilter{Email: inv.Email, Page: practice.PageRequest{Limit: 1}})
		if err != nil {
			return practice.NilID, err
		}
		if len(byEmail.Items) > 0 {
			// Registered by the address the link went to. Holding the link
			// proves the mailbox, not the person: the login's number is
			// bound to them only if they have no number and no right or
			// role anywhere, so that nobody takes over an identity that
			// others rely on by a forwarded mail.
			p = byEmail.Items[0]
			holds, err := s.hasRights(ctx, p.ID)
			if err != nil {
				return practice.NilID, err
			}
			if !p.NationalID.IsZero() || holds {
				return practice.NilID, &practice.Error{Code: practice.ErrConflict, Field: "email",
					Message: "the invitation's e-mail address belongs to a registered user who logs in with their own number: " +
						"ask for an invitation to another address, or ask a study site's practice administrator"}
			}
			p.NationalID, p.UpdatedAt = n, now
			if err := s.store.UpdatePerson(ctx, p); err != nil {
				return practice.NilID, err
			}
		} else {
			p = practice.Person{ID: s.newID(), Name: inv.Name, Email: inv.Email, NationalID: n,
				Version: 1, CreatedAt: now, UpdatedAt: now}
			if err := s.store.CreatePerson(ctx, p); err != nil {
				return practice.NilID, err
			}
		}
	}
	ms, err := s.store.Memberships(ctx, practice.MembershipFilter{OrganisationID: inv.OrganisationID, PersonID: p.ID})
	if err != nil {
		return practice.NilID, err
	}
	var current practice.Right
	if len(ms.Items) > 0 {
		current = ms.Items[0].Right
	}
	if current.Includes(inv.Right) {
		return p.ID, nil
	}
	m := practice.Membership{OrganisationID: inv.OrganisationID, PersonID: p.ID, Right: inv.Right}
	if err := s.store.PutMembership(ctx, m); err != nil {
		return practice.NilID, err
	}
	// The right is the inviter's grant.
	return p.ID, s.store.AddAudit(ctx, practice.RightChange(s.newID(), now, inv.InvitedBy, m, current))
}

// Remind sends the reminder of a pending invitation whose reminder is due,
// once: called again, or for an invitation used, withdrawn or not yet due,
// it does nothing. It is the handler of EventRemind, and Sweep calls it.
func (s *Service) Remind(ctx context.Context, id practice.ID) error {
	return s.onPending(ctx, id, func(ctx context.Context, inv Invitation) error {
		now := s.now()
		if inv.RemindAt.IsZero() || !inv.RemindedAt.IsZero() || now.Before(inv.RemindAt) || !now.Before(inv.ExpiresAt) {
			return nil
		}
		inv.RemindedAt = now
		if err := s.update(ctx, practice.NilID, &inv, AuditReminded, Pending); err != nil {
			return err
		}
		e, err := event(EventMail, EventRef{InvitationID: id, Mail: MailReminder}, time.Time{})
		if err != nil {
			return err
		}
		return s.store.Publish(ctx, e)
	})
}

// Expire marks a pending invitation that is past its deadline expired;
// otherwise it does nothing. It is the handler of EventExpire, and Sweep
// calls it. A link is refused after the deadline whether or not this ran.
func (s *Service) Expire(ctx context.Context, id practice.ID) error {
	return s.onPending(ctx, id, func(ctx context.Context, inv Invitation) error {
		if s.now().Before(inv.ExpiresAt) {
			return nil
		}
		inv.State = Expired
		return s.update(ctx, practice.NilID, &inv, AuditExpired, Pending)
	})
}

// onPending runs fn in a transaction with the invitation id, locked, if it
// exists and is pending; otherwise it does nothing, as the system's
// handlers do for an invitation used, withdrawn or gone meanwhile.
func (s *Service) onPending(ctx context.Context, id practice.ID, fn func(ctx context.Context, inv Invitation) error) error {
	return s.store.InTx(ctx, func(ctx context.Context) error {
		inv, err := s.load(ctx, id)
		switch {
		case errors.Is(err, practice.ErrNotFound):
			return nil
		case err != nil:
			return err
		case inv.State != Pending:
			return nil
		}
		return fn(ctx, inv)
	})
}

// Sweep reminds and expires every pending invitation that is due, and
// returns how many it looked at, and the errors of those it could not
// finish. It catches what a lost or late event
// missed; as Remind and Expire do each thing once, sweeping again, or in
// two processes at once, repeats nothing.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	now := s.now()
	due, err := practice.All(func(p practice.PageRequest) (Page, error) {
		return s.store.Invitations(ctx, InvitationFilter{State: Pending, DueBy: now, Page: p})
	})
	if err != nil {
		return 0, err
	}
	// One invitation's error (such as a lock lost to another sweep) does
	// not keep the others waiting for the next sweep.
	var errs []error
	for _, inv := range due {
		errs = append(errs, s.Remind(ctx, inv.ID), s.Expire(ctx, inv.ID))
	}
	return len(due), errors.Join(errs...)
}

// Mail returns what the mail an EventMail asks for says, with the link's
// secret. ok is false, and nothing should be sent, when the invitation is
// no longer pending or has expired (or, for a reminder, was not reminded).
func (s *Service) Mail(ctx context.Context, ref EventRef) (m Mail, ok bool, err error) {
	err = s.store.InSnapshot(ctx, func(ctx context.Context) error {
		inv, err := s.store.Invitation(ctx, ref.InvitationID)
		if errors.Is(err, practice.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if inv.State != Pending || !s.now().Before(inv.ExpiresAt) || ref.Mail == MailReminder && inv.RemindedAt.IsZero() ||
			ref.Mail != MailInvitation && ref.Mail != MailReminder {
			return nil
		}
		token, err := s.tokens.open(inv.ID, inv.SealedToken)
		if err != nil {
			return err
		}
		org, err := s.store.Organisation(ctx, inv.OrganisationID)
		if err != nil {
			return err
		}
		var inviter string
		if !inv.InvitedBy.IsZero() {
			p, err := s.store.Person(ctx, inv.InvitedBy)
			if err != nil && !errors.Is(err, practice.ErrNotFound) {
				return err
			}
			inviter = p.Name
		}
		m = Mail{Kind: ref.Mail, InvitationID: inv.ID, To: inv.Email, Name: inv.Name, Language: inv.Language,
			OrganisationName: org.Name, InviterName: inviter, Right: inv.Right, Token: token,
			ExpiresAt: inv.ExpiresAt, NeedsNationalID: !inv.NationalID.IsZero()}
		ok = true
		return nil
	})
	return m, ok, err
}

// Handlers returns the handlers of the package's events but the mails,
// which the delivery code sends (add a handler of EventMail to the map).
func (s *Service) Handlers() practice.Handlers {
	byRef := func(fn func(ctx context.Context, id practice.ID) error) practice.Handler {
		return practice.HandlerFunc(func(ctx context.Context, d practice.Delivery) error {
			r, err := RefOf(d)
			if err != nil {
				return err
			}
			return fn(ctx, r.InvitationID)
		})
	}
	return practice.Handlers{
		EventRemind: byRef(s.Remind),
		EventExpire: byRef(s.Expire),
		EventSweep: practice.HandlerFunc(func(ctx context.Context, _ practice.Delivery) error {
			_, err := s.Sweep(ctx)
			return err
		}),
	}
}

// SweepEvery returns the periodic sweep for a deliverer's options.
func SweepEvery(every time.Duration) practice.Periodic {
	return practice.Periodic{Every: every, Event: practice.Event{Kind: EventSweep}}
}

// hasRights reports whether a person holds a right at an organisation or
// a staff role anywhere.
func (s *Service) hasRights(ctx context.Context, personID practice.ID) (bool, error) {
	ms, err := s.store.Memberships(ctx, practice.MembershipFilter{PersonID: personID, Page: practice.PageRequest{Limit: 1}})
	if err != nil || len(ms.Items) > 0 {
		return len(ms.Items) > 0, err
	}
	staff, err := s.store.StaffRoles(ctx, practice.StaffFilter{PersonID: personID, Page: practice.PageRequest{Limit: 1}})
	return len(staff.Items) > 0, err
}
