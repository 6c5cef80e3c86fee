package notify_test

import (
	"context"
	"errors"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/invite"
	"github.com/praksis/praksis/notify"
	"github.com/praksis/praksis/practice"
)

func TestSMTPSendsInvitation(t *testing.T) {
	t.Parallel()
	srv := startServer(t, 0)
	s := newSMTP(t, srv, 0)
	h := &notify.InviteHandler{
		Mails:    &source{pending: true, mail: func(invite.EventRef) invite.Mail { return sampleMail() }},
		Renderer: newRenderer(t),
		Sender:   s,
	}
	d := delivery(t, invite.MailInvitation)
	require.NoError(t, h.Handle(t.Context(), d))
	require.NoError(t, s.Close())

	got := received(t, srv, 1)[0]
	require.Contains(t, got.MailfromRequest(), "<praksis@example.no>")
	require.Len(t, got.RcpttoRequestResponse(), 1)
	require.Contains(t, got.RcpttoRequestResponse()[0][0], "<ase@example.no>")

	m := parse(t, got.MsgRequest())
	require.Equal(t, "<"+d.ID+"@praksis.example.no>", m.Header.Get("Message-ID"))
	from, err := m.Header.AddressList("From")
	require.NoError(t, err)
	require.Equal(t, []*mail.Address{{Name: "Praksisportalen", Address: "praksis@example.no"}}, from)
	to, err := m.Header.AddressList("To")
	require.NoError(t, err)
	require.Equal(t, []*mail.Address{{Name: "Åse Øvrebø <script>alert(1)</script>", Address: "ase@example.no"}}, to)
	date, err := m.Header.Date()
	require.NoError(t, err)
	require.WithinDuration(t, time.Now(), date, time.Minute)
	require.Equal(t, "nb", m.Header.Get("Content-Language"))
	require.Equal(t, "Kari Nordmann inviterer deg til Sykehuset Østfold & Blåbærlia i praksisportalen", subject(t, m.Header))

	// The letters æøå survive, the link with its token is in both parts,
	// and the HTML escapes the names.
	require.Contains(t, m.Text, "Hei Åse Øvrebø <script>alert(1)</script>,")
	require.Contains(t, m.Text, "Sykehuset Østfold & Blåbærlia")
	require.Contains(t, m.Text, theLink)
	require.Contains(t, m.HTML, `href="`+theLink+`"`)
	require.Contains(t, m.HTML, "Åse Øvrebø &lt;script&gt;alert(1)&lt;/script&gt;")
	require.Contains(t, m.HTML, "Sykehuset Østfold &amp; Blåbærlia")
	require.NotContains(t, m.HTML, "<script>")
}

// The language of the mail chooses the templates; one the package does not
// know falls back to bokmål.
func TestSMTPLanguages(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		language, want, subject string
	}{
		{"nb", "nb", "Kari Nordmann inviterer deg til"},
		{"en", "en", "Kari Nordmann invites you to"},
		{"en-GB", "en", "Kari Nordmann invites you to"},
		{"", "nb", "Kari Nordmann inviterer deg til"},
		{"de", "nb", "Kari Nordmann inviterer deg til"},
	} {
		t.Run(tt.language, func(t *testing.T) {
			t.Parallel()
			srv := startServer(t, 0)
			s := newSMTP(t, srv, 0)
			mail := sampleMail()
			mail.Language = tt.language
			msg, err := newRenderer(t).Render(mail)
			require.NoError(t, err)
			msg.ID = "1"
			require.NoError(t, s.Send(t.Context(), msg))
			require.NoError(t, s.Close())

			m := parse(t, received(t, srv, 1)[0].MsgRequest())
			require.Equal(t, tt.want, m.Header.Get("Content-Language"))
			require.True(t, strings.HasPrefix(subject(t, m.Header), tt.subject), subject(t, m.Header))
			require.Contains(t, m.Text, theLink)
		})
	}
}

// Many messages share a few connections, and each arrives once with its
// own Message-ID, even when the server has closed an idle connection in
// between.
func TestSMTPReusesAndReconnects(t *testing.T) {
	t.Parallel()
	srv := startServer(t, 1) // the server ends a connection idle for a second
	s := newSMTP(t, srv, 2)
	msg, err := newRenderer(t).Render(sampleMail())
	require.NoError(t, err)

	send := func(ids ...string) {
		errs := make(chan error, len(ids))
		for _, id := range ids {
			go func() {
				m := msg
				m.ID = id
				errs <- s.Send(t.Context(), m)
			}()
		}
		for range ids {
			require.NoError(t, <-errs)
		}
	}
	send("a", "b", "c", "d")
	time.Sleep(1500 * time.Millisecond)
	send("e", "f")
	require.NoError(t, s.Close())

	var ids []string
	for _, got := range received(t, srv, 6) {
		ids = append(ids, parse(t, got.MsgRequest()).Header.Get("Message-ID"))
	}
	require.ElementsMatch(t, []string{
		"<a@praksis.example.no>", "<b@praksis.example.no>", "<c@praksis.example.no>",
		"<d@praksis.example.no>", "<e@praksis.example.no>", "<f@praksis.example.no>",
	}, ids)
}

// An ID that is not a valid Message-ID part is escaped, the same way every
// time.
func TestSMTPEscapesID(t *testing.T) {
	t.Parallel()
	srv := startServer(t, 0)
	s := newSMTP(t, srv, 0)
	require.NoError(t, s.Send(t.Context(), notify.Message{ID: "job 42/a.b", To: "ola@example.no", Subject: "x", Text: "x", HTML: "<p>x</p>"}))
	require.NoError(t, s.Close())
	m := parse(t, received(t, srv, 1)[0].MsgRequest())
	require.Equal(t, "<job%2042%2Fa%2Eb@praksis.example.no>", m.Header.Get("Message-ID"))
}

func TestSMTPRefuses(t *testing.T) {
	t.Parallel()
	srv := startServer(t, 0)
	s := newSMTP(t, srv, 0)
	ok := notify.Message{ID: "1", To: "ola@example.no", Subject: "x", Text: "x"}

	noID := ok
	noID.ID = ""
	require.Error(t, s.Send(t.Context(), noID))

	badTo := ok
	badTo.To = "not an address"
	require.Error(t, s.Send(t.Context(), badTo))

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	require.ErrorIs(t, s.Send(ctx, ok), context.Canceled)

	require.NoError(t, s.Close())
	require.ErrorIs(t, s.Send(t.Context(), ok), notify.ErrClosed)
}

// A server that cannot be reached is an error, which the outbox retries.
func TestSMTPUnreachable(t *testing.T) {
	t.Parallel()
	srv := startServer(t, 0)
	port := srv.PortNumber()
	require.NoError(t, srv.Stop())
	s, err := notify.NewSMTP(notify.SMTPConfig{Host: "127.0.0.1", Port: port, TLS: notify.TLSNone,
		From: mail.Address{Address: "praksis@example.no"}, Timeout: time.Second})
	require.NoError(t, err)
	err = s.Send(t.Context(), notify.Message{ID: "1", To: "ola@example.no", Subject: "x", Text: "x"})
	require.Error(t, err)
	require.Contains(t, err.Error(), "message 1")
}

// The default insists on TLS: a server that does not offer STARTTLS gets
// no mail.
func TestSMTPMandatoryTLS(t *testing.T) {
	t.Parallel()
	srv := startServer(t, 1)
	s, err := notify.NewSMTP(notify.SMTPConfig{Host: "127.0.0.1", Port: srv.PortNumber(), HELO: "localhost",
		From: mail.Address{Address: "praksis@example.no"}})
	require.NoError(t, err)
	err = s.Send(t.Context(), notify.Message{ID: "1", To: "ola@example.no", Subject: "x", Text: "x"})
	require.ErrorContains(t, err, "STARTTLS")
}

func TestNewSMTPValidates(t *testing.T) {
	t.Parallel()
	valid := notify.SMTPConfig{Host: "smtp.example.no", From: mail.Address{Name: "Praksis", Address: "praksis@example.no"}}
	for _, tt := range []struct {
		name  string
		edit  func(*notify.SMTPConfig)
		field string // "" if valid
	}{
		{"valid", func(*notify.SMTPConfig) {}, ""},
		{"implicit TLS", func(c *notify.SMTPConfig) { c.TLS = notify.TLSImplicit }, ""},
		{"login", func(c *notify.SMTPConfig) { c.Username, c.Password = "u", "p" }, ""},
		{"no host", func(c *notify.SMTPConfig) { c.Host = " " }, "host"},
		{"no from", func(c *notify.SMTPConfig) { c.From = mail.Address{} }, "from"},
		{"from not an address", func(c *notify.SMTPConfig) { c.From.Address = "praksis" }, "from"},
		{"from with a name inside", func(c *notify.SMTPConfig) { c.From.Address = "P <p@example.no>" }, "from"},
		{"bad port", func(c *notify.SMTPConfig) { c.Port = 70000 }, "port"},
		{"unknown TLS policy", func(c *notify.SMTPConfig) { c.TLS = "ssl" }, "tls"},
		{"negative timeout", func(c *notify.SMTPConfig) { c.Timeout = -time.Second }, "timeout"},
		{"negative idle connections", func(c *notify.SMTPConfig) { c.IdleConns = -1 }, "idleConns"},
		{"password without user", func(c *notify.SMTPConfig) { c.Password = "p" }, "username"},
		{"bad Message-ID domain", func(c *notify.SMTPConfig) { c.MessageIDDomain = "a>b" }, "messageIdDomain"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := valid
			tt.edit(&c)
			s, err := notify.NewSMTP(c)
			if tt.field == "" {
				require.NoError(t, err)
				require.NoError(t, s.Close())
				return
			}
			var v *practice.ValidationError
			require.True(t, errors.As(err, &v), "%v", err)
			require.Len(t, v.Fields, 1, "%v", err)
			require.Equal(t, tt.field, v.Fields[0].Field)
		})
	}
}
