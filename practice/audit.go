package practice

import (
	"context"
	"time"
)

// AuditEntry records a change of rights or an invitation event at an
// organisation: who did what, when, to whom, and the state before and
// after. Entries are only ever added.
type AuditEntry struct {
	ID ID `json:"id"`
	// At is when it happened.
	At time.Time `json:"at"`
	// OrganisationID is where.
	OrganisationID ID `json:"organisationId"`
	// ActorID is who did it: a person, or NilID for the system (an expiry,
	// a reminder).
	ActorID ID `json:"actorId,omitzero"`
	// Action is what was done.
	Action AuditAction `json:"action"`
	// SubjectID is the person it was done to, or NilID (an invitation not
	// yet accepted has no person).
	SubjectID ID `json:"subjectId,omitzero"`
	// InvitationID is the invitation concerned, or NilID.
	InvitationID ID `json:"invitationId,omitzero"`
	// Before and After are the state before and after, such as a right
	// ("read", "admin") or an invitation's state; empty where there was
	// none. They never hold personal data.
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
}

// AuditAction names what an [AuditEntry] records, as "noun.verb". The kernel
// records rights; the invite package records its invitations' events.
type AuditAction string

// The actions of the kernel.
const (
	// AuditRightGranted: a person got a right at the organisation.
	AuditRightGranted AuditAction = "right.granted"
	// AuditRightChanged: a person's right there changed.
	AuditRightChanged AuditAction = "right.changed"
	// AuditRightRemoved: a person was deactivated there: their right is
	// gone.
	AuditRightRemoved AuditAction = "right.removed"
)

// RightChange returns the audit entry, with id, of actorID's change at at of
// a person's right at an organisation from before to m.Right ("" for none:
// a grant from nothing, or a removal to nothing). Every package that
// changes rights records them so.
func RightChange(id ID, at time.Time, actorID ID, m Membership, before Right) AuditEntry {
	action := AuditRightChanged
	switch {
	case before == "":
		action = AuditRightGranted
	case m.Right == "":
		action = AuditRightRemoved
	}
	return AuditEntry{ID: id, At: at, OrganisationID: m.OrganisationID, ActorID: actorID, Action: action,
		SubjectID: m.PersonID, Before: string(before), After: string(m.Right)}
}

// AuditStore keeps the audit trail.
type AuditStore interface {
	// AddAudit stores an entry. A taken ID is a conflict on "id"; an
	// unknown organisation is ErrNotFound.
	AddAudit(ctx context.Context, e AuditEntry) error
	// AuditEntries returns the entries f selects, ordered by At, then ID.
	AuditEntries(ctx context.Context, f AuditFilter) (Page[AuditEntry], error)
}

// AuditFilter selects audit entries; its zero value selects the first page
// of all. Its fields combine.
type AuditFilter struct {
	// OrganisationID, if set, selects the entries of that organisation.
	OrganisationID ID
	// SubjectID, if set, selects the entries about that person.
	SubjectID ID
	// InvitationID, if set, selects the entries about that invitation.
	InvitationID ID
	// Page is the page asked for.
	Page PageRequest
}
