package notify_test

import (
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	smtpmock "github.com/mocktools/go-smtp-mock/v2"
	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/invite"
	"github.com/praksis/praksis/notify"
	"github.com/praksis/praksis/practice"
)

// The fixed clock: an invitation made now expires in 14 days, at noon in
// Oslo.
var (
	expires = time.Date(2026, 3, 15, 11, 0, 0, 0, time.UTC)
	now     = expires.Add(-14 * 24 * time.Hour)
)

const acceptURL = "https://praksis.example.no/auth/invitation"

func newRenderer(t testing.TB) *notify.Renderer {
	t.Helper()
	r, err := notify.NewRenderer(notify.RenderConfig{AcceptURL: acceptURL, Now: func() time.Time { return now }})
	require.NoError(t, err)
	return r
}

// sampleMail is an invitation with text that needs escaping and the
// Norwegian letters.
func sampleMail() invite.Mail {
	return invite.Mail{
		Kind:             invite.MailInvitation,
		InvitationID:     practice.NewID(),
		To:               "ase@example.no",
		Name:             "Åse Øvrebø <script>alert(1)</script>",
		Language:         "nb",
		OrganisationName: "Sykehuset Østfold & Blåbærlia",
		InviterName:      "Kari Nordmann",
		Right:            practice.Write,
		Token:            "tok_abc-123.XYZ/9",
		ExpiresAt:        expires,
	}
}

// theLink is the link of sampleMail: the token is escaped.
const theLink = acceptURL + "/tok_abc-123.XYZ%2F9"

// startServer starts an SMTP server that keeps every message, however many
// a connection sends.
func startServer(t testing.TB, sessionTimeout int) *smtpmock.Server {
	t.Helper()
	srv := smtpmock.New(smtpmock.ConfigurationAttr{
		HostAddress:              "127.0.0.1",
		MultipleMessageReceiving: true,
		SessionTimeout:           sessionTimeout, // seconds; 0: 30
	})
	require.NoError(t, srv.Start())
	t.Cleanup(func() { _ = srv.Stop() })
	return srv
}

func newSMTP(t testing.TB, srv *smtpmock.Server, idle int) *notify.SMTP {
	t.Helper()
	s, err := notify.NewSMTP(notify.SMTPConfig{
		Host:            "127.0.0.1",
		Port:            srv.PortNumber(),
		From:            mail.Address{Name: "Praksisportalen", Address: "praksis@example.no"},
		TLS:             notify.TLSNone, // the test server has no TLS
		MessageIDDomain: "praksis.example.no",
		HELO:            "localhost",
		IdleConns:       idle,
	})
	require.NoError(t, err)
	return s
}

// received returns the n messages the server got, after the sender closed
// its connections (the server records a connection's last message when it
// ends).
func received(t testing.TB, srv *smtpmock.Server, n int) []smtpmock.Message {
	t.Helper()
	got, err := srv.WaitForMessages(n, 5*time.Second)
	require.NoError(t, err)
	var out []smtpmock.Message
	for _, m := range got {
		if m.Msg() {
			out = append(out, m)
		}
	}
	require.Len(t, out, n)
	return out
}

// parsed is an e-mail taken apart.
type parsed struct {
	Header     mail.Header
	Text, HTML string
}

// parse parses an RFC 5322 message whose body is multipart/alternative
// with a text and an HTML part in UTF-8, and decodes the parts.
func parse(t testing.TB, raw string) parsed {
	t.Helper()
	m, err := mail.ReadMessage(strings.NewReader(raw))
	require.NoError(t, err)
	mediaType, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	require.NoError(t, err)
	require.Equal(t, "multipart/alternative", mediaType)
	p := parsed{Header: m.Header}
	r := multipart.NewReader(m.Body, params["boundary"])
	for {
		part, err := r.NextPart() // decodes quoted-printable
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		mediaType, params, err := mime.ParseMediaType(part.Header.Get("Content-Type"))
		require.NoError(t, err)
		require.Equal(t, "utf-8", strings.ToLower(params["charset"]))
		body, err := io.ReadAll(part)
		require.NoError(t, err)
		switch mediaType {
		case "text/plain":
			p.Text = string(body)
		case "text/html":
			p.HTML = string(body)
		default:
			t.Fatalf("unexpected part %s", mediaType)
		}
	}
	require.NotEmpty(t, p.Text, "the text part")
	require.NotEmpty(t, p.HTML, "the HTML part")
	return p
}

// subject returns the decoded Subject header.
func subject(t testing.TB, h mail.Header) string {
	t.Helper()
	var dec mime.WordDecoder
	s, err := dec.DecodeHeader(h.Get("Subject"))
	require.NoError(t, err)
	return s
}

// source is a MailSource of one mail per invitation, from mail.
type source struct {
	mail    func(ref invite.EventRef) invite.Mail
	pending bool
	err     error

	mu   sync.Mutex
	refs []invite.EventRef
}

func (s *source) Mail(_ context.Context, ref invite.EventRef) (invite.Mail, bool, error) {
	s.mu.Lock()
	s.refs = append(s.refs, ref)
	s.mu.Unlock()
	if s.err != nil || !s.pending {
		return invite.Mail{}, false, s.err
	}
	m := s.mail(ref)
	m.InvitationID, m.Kind = ref.InvitationID, ref.Mail
	return m, true, nil
}

// sender is a Sender that keeps the messages.
type sender struct {
	err  error
	mu   sync.Mutex
	sent []notify.Message
}

func (s *sender) Send(_ context.Context, m notify.Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, m)
	return s.err
}

// delivery returns the delivery of an invite.EventMail for a new
// invitation.
func delivery(t testing.TB, kind invite.MailKind) practice.Delivery {
	t.Helper()
	e, err := practice.NewEvent(invite.EventMail, invite.EventRef{InvitationID: practice.NewID(), Mail: kind})
	require.NoError(t, err)
	return practice.Delivery{ID: practice.NewID().String(), Event: e, Attempt: 1}
}
