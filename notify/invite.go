package notify

import (
	"context"
	"fmt"

	"github.com/praksis/praksis/invite"
	"github.com/praksis/praksis/practice"
)

// MailSource tells what a mail about an invitation says. The invite
// service implements it.
type MailSource interface {
	// Mail returns the mail ref asks for, with ok true; or ok false if the
	// invitation is no longer pending, and no mail is to be sent.
	Mail(ctx context.Context, ref invite.EventRef) (m invite.Mail, ok bool, err error)
}

// InviteHandler is the [practice.Handler] for events of kind
// [invite.EventMail]: it sends the mail the event asks for, with the
// delivery's ID as the message's ID, so that a repeated delivery repeats
// the Message-ID. A mail about an invitation no longer pending is not
// sent, and the event is done.
//
// An error means the event is to be tried again: a payload that is not an
// [invite.EventRef], an error of the source or the renderer, or the
// sender's. The error never quotes the payload or the mail.
type InviteHandler struct {
	Mails    MailSource
	Renderer *Renderer
	Sender   Sender
}

var _ practice.Handler = (*InviteHandler)(nil)

// Handle sends the mail d asks for. It implements [practice.Handler].
func (h *InviteHandler) Handle(ctx context.Context, d practice.Delivery) error {
	if d.Event.Kind != invite.EventMail {
		return fmt.Errorf("notify: delivery %s: events of kind %q are not mails about invitations", d.ID, d.Event.Kind)
	}
	ref, err := invite.RefOf(d)
	if err != nil || ref.Mail == "" {
		// The decoder's error may quote the payload: it is not wrapped.
		return fmt.Errorf("notify: delivery %s: the payload is not an invitation and a mail kind (invite.EventRef)", d.ID)
	}
	m, ok, err := h.Mails.Mail(ctx, ref)
	if err != nil {
		return fmt.Errorf("notify: delivery %s: invitation %s: %w", d.ID, ref.InvitationID, err)
	}
	if !ok {
		return nil
	}
	msg, err := h.Renderer.Render(m)
	if err != nil {
		return fmt.Errorf("notify: delivery %s: %w", d.ID, err)
	}
	msg.ID = d.ID
	return h.Sender.Send(ctx, msg)
}
