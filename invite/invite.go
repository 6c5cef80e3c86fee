// Package invite runs the invitations by which a practice site gets its
// users: a study site invites an organisation's first administrator, who
// invites coordinators and supervisors with admin, write or read right. An
// invitation is sent by e-mail with a link that must be used within days,
// and is accepted by logging in through ID-porten, whose national identity
// number binds the invitation to a person.
//
// The package is pure: it declares the [Store] it consumes and runs the use
// cases in a [Service]. E-mails and reminders leave through the outbox
// ([practice.Publisher]) as events of the kinds below, in the transaction of
// the change; the delivery code turns them into mails.
//
// # Errors
//
// The service returns the errors of package practice: *practice.Error with
// ErrNotFound, ErrConflict or ErrForbidden, and *practice.ValidationError.
package invite

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/praksis/praksis/practice"
)

// State is where an invitation is in its life: pending, then accepted,
// expired, revoked, or replaced by a re-send.
type State string

// The states of an invitation.
const (
	// Pending: sent and not yet used; its link works until ExpiresAt.
	Pending State = "pending"
	// Accepted: used; the person has the right it granted.
	Accepted State = "accepted"
	// Expired: not used in time. It can be re-sent.
	Expired State = "expired"
	// Revoked: withdrawn by an administrator, or dead after too many logins
	// with another national identity number.
	Revoked State = "revoked"
	// Replaced: re-sent; ReplacedBy is the new invitation.
	Replaced State = "replaced"
)

// Valid reports whether s is a state.
func (s State) Valid() bool {
	switch s {
	case Pending, Accepted, Expired, Revoked, Replaced:
		return true
	}
	return false
}

// Invitation is an invitation to a right at an organisation.
type Invitation struct {
	ID             practice.ID    `json:"id"`
	OrganisationID practice.ID    `json:"organisationId"`
	Name           string         `json:"name"`
	Email          string         `json:"email"` // in lower case
	Right          practice.Right `json:"right"`
	// NationalID, if not zero, is the number the login must have. It is
	// shown masked to the birth date, as always, and only to those who
	// manage the organisation's invitations; HasNationalID tells whether
	// there is one.
	NationalID    practice.NationalID `json:"nationalId,omitzero"`
	HasNationalID bool                `json:"hasNationalId"`
	// Language is the language of the mails: "nb" (bokmål) or "en".
	Language  string      `json:"language"`
	InvitedBy practice.ID `json:"invitedBy,omitzero"` // NilID: the system
	State     State       `json:"state"`
	// ExpiresAt is when the link stops working.
	ExpiresAt time.Time `json:"expiresAt"`
	// RemindAt, if not zero, is when a reminder is due if the invitation
	// is still pending; RemindedAt is when it was sent.
	RemindAt   time.Time `json:"remindAt,omitzero"`
	RemindedAt time.Time `json:"remindedAt,omitzero"`
	// FailedLogins counts the logins with another national identity number.
	FailedLogins int `json:"failedLogins"`
	// PersonID is who accepted it, once accepted.
	PersonID practice.ID `json:"personId,omitzero"`
	// ReplacedBy is the invitation a re-send made, once replaced.
	ReplacedBy practice.ID `json:"replacedBy,omitzero"`
	// TokenHash is the SHA-256 hash of the link's secret, by which the
	// link finds the invitation; the secret itself is not stored.
	TokenHash []byte `json:"-"`
	// SealedToken is the link's secret encrypted with the service's key,
	// which the store never holds, so that a reminder can repeat the link.
	SealedToken []byte    `json:"-"`
	Version     int       `json:"version"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
}

// Store is what the [Service] consumes: the invitations, the kernel's
// people, organisations, rights and audit trail, and the outbox, all in one
// transaction.
type Store interface {
	practice.Store
	practice.Publisher
	InvitationStore
}

// InvitationStore stores invitations.
type InvitationStore interface {
	// CreateInvitation stores a new invitation. A taken ID is a conflict on
	// "id", a taken TokenHash on "token"; an unknown organisation, or a
	// non-nil InvitedBy, PersonID or ReplacedBy that names no record, is
	// ErrNotFound. HasNationalID is not stored.
	CreateInvitation(ctx context.Context, in Invitation) error
	// UpdateInvitation stores in's State, RemindedAt, FailedLogins,
	// PersonID, ReplacedBy and UpdatedAt if the stored version is
	// in.Version; a non-nil PersonID or ReplacedBy that names no record is
	// ErrNotFound.
	UpdateInvitation(ctx context.Context, in Invitation) error
	// Invitation returns the invitation id, or ErrNotFound.
	Invitation(ctx context.Context, id practice.ID) (Invitation, error)
	// InvitationByToken returns the invitation whose TokenHash is hash, or
	// ErrNotFound.
	InvitationByToken(ctx context.Context, hash []byte) (Invitation, error)
	// Invitations returns the invitations f selects, ordered by ID.
	Invitations(ctx context.Context, f InvitationFilter) (Page, error)
}

// Page is a page of invitations.
type Page = practice.Page[Invitation]

// InvitationFilter selects invitations; its zero value selects the first
// page of all. Its fields combine.
type InvitationFilter struct {
	// OrganisationID, if set, selects the invitations to that organisation.
	OrganisationID practice.ID
	// State, if set, selects the invitations in that state.
	State State
	// Email, if set, selects the invitations to that address, compared by
	// practice.EmailKey.
	Email string
	// DueBy, if not zero, selects the invitations that something is due
	// for by then: those that expire at or before it, and those whose
	// reminder is due at or before it and not yet sent.
	DueBy time.Time
	// Page is the page asked for.
	Page practice.PageRequest
}

// The kinds of event the package publishes. Each payload is an [EventRef].
const (
	// EventMail asks for a mail about an invitation (see [Service.Mail]).
	EventMail = "invite.mail"
	// EventRemind is due when an invitation's reminder is (see
	// [Service.Remind]).
	EventRemind = "invite.remind"
	// EventExpire is due when an invitation expires (see [Service.Expire]).
	EventExpire = "invite.expire"
	// EventSweep asks for a sweep of what is due (see [Service.Sweep]); a
	// deliverer publishes it periodically.
	EventSweep = "invite.sweep"
)

// EventRef is the payload of the package's events.
type EventRef struct {
	InvitationID practice.ID `json:"invitationId,omitzero"`
	// Mail is the mail an EventMail asks for.
	Mail MailKind `json:"mail,omitempty"`
}

// RefOf returns the EventRef of a delivery of one of the package's events,
// or an error, which quotes nothing of the payload, if its payload is not
// one that names an invitation.
func RefOf(d practice.Delivery) (EventRef, error) {
	var r EventRef
	if err := json.Unmarshal(d.Event.Payload, &r); err != nil || r.InvitationID.IsZero() {
		return EventRef{}, fmt.Errorf("invite: event %s: the payload is not an invitation reference", d.ID)
	}
	return r, nil
}

// MailKind is which mail about an invitation is sent.
type MailKind string

// The mails.
const (
	// MailInvitation is the invitation itself, with its link.
	MailInvitation MailKind = "invitation"
	// MailReminder reminds of a pending invitation, with the same link.
	MailReminder MailKind = "reminder"
)

// Mail is what a mail about an invitation says, for the delivery code to
// render and send.
type Mail struct {
	Kind         MailKind    `json:"kind"`
	InvitationID practice.ID `json:"invitationId"`
	// To and Name are the invitee's address and name.
	To   string `json:"to"`
	Name string `json:"name"`
	// Language is "nb" or "en".
	Language         string         `json:"language"`
	OrganisationName string         `json:"organisationName"`
	InviterName      string         `json:"inviterName"`
	Right            practice.Right `json:"right"`
	// Token is the link's secret: the link is the server's acceptance
	// address with it. Never log it.
	Token     string    `json:"-"`
	ExpiresAt time.Time `json:"expiresAt"`
	// NeedsNationalID tells that the login must have the number the
	// invitation names.
	NeedsNationalID bool `json:"needsNationalId"`
}
