package notify_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/invite"
	"github.com/praksis/praksis/notify"
	"github.com/praksis/praksis/practice"
)

// The invite service is the source of the mails.
var _ notify.MailSource = (*invite.Service)(nil)

type handlerBundle struct {
	source *source
	sender *sender
}

func setupHandler(t *testing.T) (*notify.InviteHandler, *handlerBundle) {
	t.Helper()
	b := &handlerBundle{
		source: &source{pending: true, mail: func(invite.EventRef) invite.Mail { return sampleMail() }},
		sender: &sender{},
	}
	return &notify.InviteHandler{Mails: b.source, Renderer: newRenderer(t), Sender: b.sender}, b
}

func TestInviteHandlerSends(t *testing.T) {
	t.Parallel()
	h, b := setupHandler(t)
	d := delivery(t, invite.MailReminder)
	require.NoError(t, h.Handle(t.Context(), d))

	var ref invite.EventRef
	require.NoError(t, json.Unmarshal(d.Event.Payload, &ref))
	require.Equal(t, []invite.EventRef{ref}, b.source.refs)
	require.Len(t, b.sender.sent, 1)
	m := b.sender.sent[0]
	require.Equal(t, d.ID, m.ID, "the delivery's ID is the message's")
	require.Equal(t, "Påminnelse: invitasjon til Sykehuset Østfold & Blåbærlia i praksisportalen", m.Subject)
	require.Contains(t, m.Text, theLink)

	// A repeated delivery sends the same message again, with the same ID.
	d.Attempt = 2
	require.NoError(t, h.Handle(t.Context(), d))
	require.Len(t, b.sender.sent, 2)
	require.Equal(t, b.sender.sent[0], b.sender.sent[1])
}

// An invitation no longer pending gets no mail, and the event is done.
func TestInviteHandlerSkipsNotPending(t *testing.T) {
	t.Parallel()
	h, b := setupHandler(t)
	b.source.pending = false
	require.NoError(t, h.Handle(t.Context(), delivery(t, invite.MailInvitation)))
	require.Len(t, b.source.refs, 1)
	require.Empty(t, b.sender.sent)
}

func TestInviteHandlerBadPayload(t *testing.T) {
	t.Parallel()
	h, b := setupHandler(t)
	for _, payload := range []string{
		``,
		`"secret-token-in-a-string"`,
		`{"invitationId":"secret-not-an-id","mail":"invitation"}`,
		`{"invitationId":12345678901,"mail":"invitation"}`,
		`{"mail":"invitation"}`,
		`{"invitationId":"0190f5a2-7b3c-7d4e-8f5a-1b2c3d4e5f60"}`,
		`[1,2,3]`,
		`{"invitationId":"0190f5a2-7b3c-7d4e-8f5a-1b2c3d4e5f60","mail":"invitation"} trailing`,
	} {
		d := delivery(t, invite.MailInvitation)
		d.Event.Payload = json.RawMessage(payload)
		err := h.Handle(t.Context(), d)
		require.ErrorContains(t, err, "the payload is not", payload)
		for _, secret := range []string{"secret", "12345678901", "0190f5a2", "trailing"} {
			require.NotContains(t, err.Error(), secret, "the error does not quote the payload")
		}
	}
	require.Empty(t, b.source.refs)
	require.Empty(t, b.sender.sent)
}

func TestInviteHandlerOtherKind(t *testing.T) {
	t.Parallel()
	h, b := setupHandler(t)
	d := delivery(t, invite.MailInvitation)
	d.Event.Kind = invite.EventRemind
	require.Error(t, h.Handle(t.Context(), d))
	require.Empty(t, b.source.refs)
}

// The errors of the source, the renderer and the sender fail the attempt,
// so that the outbox tries again.
func TestInviteHandlerFails(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")

	h, b := setupHandler(t)
	b.source.err = boom
	require.ErrorIs(t, h.Handle(t.Context(), delivery(t, invite.MailInvitation)), boom)
	require.Empty(t, b.sender.sent)

	h, b = setupHandler(t)
	b.source.mail = func(invite.EventRef) invite.Mail {
		m := sampleMail()
		m.Right = practice.Right("owner")
		return m
	}
	require.Error(t, h.Handle(t.Context(), delivery(t, invite.MailInvitation)))
	require.Empty(t, b.sender.sent)

	h, b = setupHandler(t)
	b.sender.err = boom
	require.ErrorIs(t, h.Handle(t.Context(), delivery(t, invite.MailInvitation)), boom)
}
