package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/praksis/praksis/invite"
	"github.com/praksis/praksis/practice"
)

// The routes of a site's administration: invitations, colleagues and the
// audit trail. Accepting an invitation is a login: see auth.go.

// InvitationCreate is the body of POST /api/organisations/{id}/invitations.
type InvitationCreate struct {
	Name  string `json:"name" doc:"The invitee's name."`
	Email string `json:"email" doc:"The e-mail address the invitation is sent to."`
	// NationalID, if given, is the number the invitee's login must have.
	NationalID practice.NationalID `json:"nationalId,omitzero"`
	// Right is the right the invitation grants.
	Right practice.Right `json:"right"`
	// Language is the language of the mails.
	Language string `json:"language,omitempty" doc:"The language of the mails: nb (Norwegian bokmål, the default) or en."`
}

// InvitationsQuery is the parameters of GET
// /api/organisations/{id}/invitations.
type InvitationsQuery struct {
	PathID
	State string `query:"state" maxLength:"20" doc:"Only the invitations in this state: pending, accepted, expired, revoked or replaced."`
	PageQuery
}

// stateSchema documents invite.State.
type stateSchema struct{}

// Schema returns the state of an invitation.
func (stateSchema) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: huma.TypeString, Enum: []any{"pending", "accepted", "expired", "revoked", "replaced"},
		Description: "Where an invitation is in its life: pending (its link works until expiresAt), then accepted, " +
			"expired, revoked (withdrawn, or dead after too many logins with another national identity number) " +
			"or replaced (re-sent: replacedBy is the new one)."}
}

// auditActionSchema documents practice.AuditAction.
type auditActionSchema struct{}

// Schema returns what an audit entry records. Packages may add actions, so
// the values are documented, not enumerated.
func (auditActionSchema) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: huma.TypeString, Examples: []any{"right.changed"},
		Description: "What was done, as noun.verb: right.granted, right.changed, right.removed (a person deactivated), " +
			"invitation.sent, invitation.resent, invitation.revoked, invitation.expired, invitation.reminded, " +
			"invitation.accepted, invitation.login-refused (a login with another national identity number)."}
}

// The descriptions of the fields of the schemas of invite.Invitation and
// practice.AuditEntry, whose types carry none.
var (
	invitationFields = map[string]string{
		"id":             "The invitation's ID.",
		"organisationId": "The organisation it invites to.",
		"name":           "The invitee's name.",
		"email":          "The address it was sent to, in lower case.",
		"right":          "The right it grants.",
		"nationalId":     "The national identity number the login must have, masked; absent if it names none.",
		"hasNationalId":  "Whether it names a national identity number.",
		"language":       "The language of its mails: nb or en.",
		"invitedBy":      "Who invited; absent if the system did.",
		"expiresAt":      "When its link stops working.",
		"remindAt":       "When a reminder is due if it is still pending; absent if none is.",
		"remindedAt":     "When the reminder was sent.",
		"failedLogins":   "How many logins with another national identity number were refused.",
		"personId":       "Who accepted it, once accepted.",
		"replacedBy":     "The invitation a re-send made, once replaced.",
		"version":        "The version of the record.",
		"createdAt":      "When it was sent.",
		"updatedAt":      "When it last changed.",
	}
	auditFields = map[string]string{
		"id":             "The entry's ID.",
		"at":             "When it happened.",
		"organisationId": "Where it happened.",
		"actorId":        "Who did it; absent when the system did (an expiry, a reminder, a refused login).",
		"subjectId":      "The person it was done to; absent for an invitation not yet accepted.",
		"invitationId":   "The invitation concerned, if any.",
		"before":         "The state before, such as a right or an invitation's state; absent where there was none.",
		"after":          "The state after; absent where there is none, such as a right removed.",
	}
)

// describeFields sets the descriptions of the properties of the schema
// name that have none.
func (s *Server) describeFields(name, summary string, fields map[string]string) {
	schema := s.api.OpenAPI().Components.Schemas.Map()[name]
	if schema == nil {
		return
	}
	schema.Description = summary
	for field, doc := range fields {
		if p := schema.Properties[field]; p != nil && p.Description == "" {
			p.Description = doc
		}
	}
}

func (s *Server) registerInvitations() {
	const managers = "The organisation's site administrators and study site practice administrators may. "
	const numbers = "An invitation never shows its link's token; a national identity number it names shows masked to its birth date."

	register(s, operation{method: http.MethodPost, path: "/api/organisations/{id}/invitations", id: "invite", tags: tagInvitations,
		summary: "Invite someone to a right at an organisation, by e-mail",
		description: "A study site's practice administrator may invite anyone, such as a site's first administrator; the " +
			"organisation's site administrators may invite colleagues, up to their own right, once it has one. The invitation " +
			"is sent by e-mail with a link to /auth/invitation/{token}, which works once, within days. Inviting a member of the " +
			"organisation, or an address with a pending invitation there, is 409. " + numbers,
		status: http.StatusCreated, errors: []int{http.StatusConflict}},
		func(ctx context.Context, in *struct {
			PathID
			Body InvitationCreate
		}) (*created[invite.Invitation], error) {
			b := in.Body
			inv, err := s.invites.Invite(ctx, actorOf(ctx), in.ID, invite.Input{
				Name: b.Name, Email: b.Email, NationalID: b.NationalID, Right: b.Right, Language: b.Language,
			})
			if err != nil {
				return nil, err
			}
			return &created[invite.Invitation]{Location: "/api/invitations/" + inv.ID.String(), Body: inv}, nil
		})

	register(s, operation{method: http.MethodGet, path: "/api/organisations/{id}/invitations", id: "listInvitations", tags: tagInvitations,
		summary: "List an organisation's invitations", description: managers + numbers, errors: []int{http.StatusForbidden}},
		func(ctx context.Context, in *InvitationsQuery) (*body[invite.Page], error) {
			f := invite.InvitationFilter{State: invite.State(in.State), Page: in.page()}
			return reply(s.invites.Invitations(ctx, actorOf(ctx), in.ID, f))
		})

	register(s, operation{method: http.MethodGet, path: "/api/invitations/{id}", id: "getInvitation", tags: tagInvitations,
		summary: "Read an invitation", description: managers + "To anyone else it does not exist. " + numbers},
		func(ctx context.Context, in *PathID) (*body[invite.Invitation], error) {
			return reply(s.invites.Invitation(ctx, actorOf(ctx), in.ID))
		})

	register(s, operation{method: http.MethodPost, path: "/api/invitations/{id}/resend", id: "resendInvitation", tags: tagInvitations,
		summary: "Send a pending or expired invitation again, with a new link",
		description: "Replaces the invitation with a new one to the same person and right, with a new link and new deadlines, " +
			"and sends it; the old link is dead at once. Whoever may invite to the right may. An invitation that is accepted, " +
			"revoked or replaced is 409. " + numbers,
		status: http.StatusCreated, errors: []int{http.StatusConflict}},
		func(ctx context.Context, in *PathID) (*created[invite.Invitation], error) {
			inv, err := s.invites.Resend(ctx, actorOf(ctx), in.ID)
			if err != nil {
				return nil, err
			}
			return &created[invite.Invitation]{Location: "/api/invitations/" + inv.ID.String(), Body: inv}, nil
		})

	register(s, operation{method: http.MethodPost, path: "/api/invitations/{id}/revoke", id: "revokeInvitation", tags: tagInvitations,
		summary:     "Withdraw a pending invitation",
		description: managers + "Its link is dead at once. An invitation that is not pending is 409. " + numbers,
		errors:      []int{http.StatusConflict}},
		func(ctx context.Context, in *PathID) (*body[invite.Invitation], error) {
			return reply(s.invites.Revoke(ctx, actorOf(ctx), in.ID))
		})

	register(s, operation{method: http.MethodGet, path: "/api/organisations/{id}/colleagues", id: "listColleagues", tags: tagInvitations,
		summary: "List an organisation's members, with their rights, and its pending invitations",
		description: managers + "The members are paged by limit and cursor; the pending invitations come all at once. " +
			"Members' national identity numbers show to the organisation's administrators only. " + numbers,
		errors: []int{http.StatusForbidden}},
		func(ctx context.Context, in *ListQuery) (*body[invite.Colleagues], error) {
			return reply(s.invites.Colleagues(ctx, actorOf(ctx), in.ID, in.page()))
		})

	register(s, operation{method: http.MethodGet, path: "/api/organisations/{id}/audit", id: "listAudit", tags: tagOrganisations,
		summary: "Read an organisation's audit trail, oldest first",
		description: managers + "Every change of rights and every invitation event there: who did what, when, to whom, and " +
			"the state before and after. An entry holds no personal data but IDs.",
		errors: []int{http.StatusForbidden}},
		func(ctx context.Context, in *ListQuery) (*body[practice.Page[practice.AuditEntry]], error) {
			return reply(s.svc.Audit(ctx, actorOf(ctx), in.ID, in.page()))
		})

	s.describeFields("Invitation", "An invitation to a right at an organisation. It never shows its link's token.", invitationFields)
	s.describeFields("AuditEntry", "A change of rights or an invitation event at an organisation. It holds no personal data but IDs.", auditFields)
}
