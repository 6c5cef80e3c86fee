package httpapi_test

import (
	"context"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	smtpmock "github.com/mocktools/go-smtp-mock/v2"
	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/examples/demo"
	"github.com/praksis/praksis/examples/server/httpapi"
	"github.com/praksis/praksis/invite"
	"github.com/praksis/praksis/notify"
	"github.com/praksis/praksis/practice"
)

// The national identity numbers of the people the end-to-end test
// invites, and of an impostor. They are synthetic, and no demo person's.
const (
	firstAdminNID = "03859010120"
	supervisorNID = "17859010067"
	impostorNID   = "22859010052"
)

// TestInvitationEndToEnd runs a site's invitations the whole way, as in
// production but in process: a study site's practice administrator logs
// in through the OpenID Connect provider, creates an organisation and
// invites its first administrator; the mail leaves through the outbox and
// the notify package's SMTP sender, and arrives at a real SMTP server; the
// administrator follows the link in it, logs in and accepts, and invites a
// supervisor with read right, who accepts the same way after an impostor
// was refused. The supervisor may read and change nothing. The log of the
// whole run holds no token and no national identity number.
func TestInvitationEndToEnd(t *testing.T) {
	t.Parallel()
	p := newTestProvider(t)
	b := setup(t, func(c *httpapi.Config) {
		c.DevLogin = false
		c.OIDC = &httpapi.OIDCConfig{IssuerURL: p.srv.URL, ClientID: p.clientID, ClientSecret: p.secret}
	})
	log := slog.New(slog.NewTextHandler(b.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	smtp := startSMTP(t)
	stop := deliver(t, b, smtp, log)
	defer stop()

	// A study site's practice administrator logs in, and makes an
	// organisation with a place.
	p.as(demo.StudySiteAdmin.NationalID, "idporten-loa-high")
	siteAdmin := b.browser()
	ok[httpapi.MeResponse](t, b.doWith(siteAdmin, "GET", b.url+"/auth/login", "", nil), http.StatusOK)
	org := ok[practice.Organisation](t, b.doWith(siteAdmin, "POST", b.url+"/api/organisations", "",
		map[string]any{"name": "Brønnøysundregistrene", "orgNumber": "974760673"}), http.StatusCreated)
	orgPath := b.url + "/api/organisations/" + org.ID.String()
	place := ok[practice.PlaceNode](t, b.doWith(siteAdmin, "POST", orgPath+"/places", "",
		map[string]any{"name": "Registerforvaltning", "from": "2020-01-01"}), http.StatusCreated)

	// It invites the organisation's first administrator, with the number
	// the login must have.
	first := ok[invite.Invitation](t, b.doWith(siteAdmin, "POST", orgPath+"/invitations", "", map[string]any{
		"name": "Berit Brønn", "email": "berit.bronn@brreg.example.org", "nationalId": firstAdminNID, "right": "admin", "language": "en",
	}), http.StatusCreated)
	require.Equal(t, invite.Pending, first.State)

	// The mail arrives at the SMTP server, with the link.
	firstMail := smtp.mailTo(t, "berit.bronn@brreg.example.org")
	require.Contains(t, firstMail.subject, "Brønnøysundregistrene")
	firstToken := linkToken(t, b, firstMail)
	tokens := []string{firstToken}

	// The administrator follows the link: the provider logs her in, and the
	// callback accepts the invitation and starts her session.
	p.as(firstAdminNID, "idporten-loa-high")
	firstAdmin := b.browser()
	me := ok[httpapi.MeResponse](t, b.doWith(firstAdmin, "GET", firstMail.link, "", nil), http.StatusOK)
	require.Equal(t, "berit.bronn@brreg.example.org", me.Person.Email)
	require.Equal(t, []httpapi.MembershipView{{OrganisationID: org.ID, OrganisationName: org.Name, Right: practice.Admin}}, me.Memberships)
	firstAdminID := me.Person.ID

	// She invites a supervisor with read right.
	second := ok[invite.Invitation](t, b.doWith(firstAdmin, "POST", orgPath+"/invitations", "", map[string]any{
		"name": "Sindre Veileder", "email": "sindre@brreg.example.org", "nationalId": supervisorNID, "right": "read",
	}), http.StatusCreated)
	require.Equal(t, firstAdminID, second.InvitedBy)
	secondMail := smtp.mailTo(t, "sindre@brreg.example.org")
	require.Contains(t, secondMail.text, "Berit Brønn", "the mail names who invited")
	secondToken := linkToken(t, b, secondMail)
	tokens = append(tokens, secondToken)

	// Someone else who got hold of the link is refused; the link still works.
	p.as(impostorNID, "idporten-loa-high")
	impostor := b.browser()
	res := b.doWith(impostor, "GET", secondMail.link, "", nil)
	pr := problem(t, res, http.StatusForbidden)
	require.Contains(t, pr.Detail, "another national identity number")
	problem(t, b.doWith(impostor, "GET", b.url+"/api/me", "", nil), http.StatusUnauthorized)

	// The supervisor accepts.
	p.as(supervisorNID, "idporten-loa-high")
	supervisor := b.browser()
	me = ok[httpapi.MeResponse](t, b.doWith(supervisor, "GET", secondMail.link, "", nil), http.StatusOK)
	require.Equal(t, "sindre@brreg.example.org", me.Person.Email)
	require.Equal(t, []httpapi.MembershipView{{OrganisationID: org.ID, OrganisationName: org.Name, Right: practice.Read}}, me.Memberships)

	// The supervisor reads the organisation, its tree and its people ...
	ok[practice.Organisation](t, b.doWith(supervisor, "GET", orgPath, "", nil), http.StatusOK)
	tree := ok[practice.Tree](t, b.doWith(supervisor, "GET", orgPath+"/tree", "", nil), http.StatusOK)
	require.Len(t, tree.Roots, 1)
	members := ok[practice.Page[practice.Member]](t, b.doWith(supervisor, "GET", orgPath+"/members", "", nil), http.StatusOK)
	require.Len(t, members.Items, 2)
	for _, m := range members.Items {
		if m.Person.ID == firstAdminID {
			require.True(t, m.Person.NationalID.IsZero(), "a supervisor sees no colleague's number")
			require.True(t, m.Person.HasNationalID)
		}
	}

	// ... and changes nothing.
	before := b.state()
	problem(t, b.doWith(supervisor, "PUT", b.url+"/api/places/"+place.ID.String()+"/presentation", "",
		map[string]any{"description": "Ny tekst", "version": 1}), http.StatusForbidden)
	problem(t, b.doWith(supervisor, "POST", orgPath+"/invitations", "",
		map[string]any{"name": "Ny", "email": "ny@brreg.example.org", "right": "read"}), http.StatusForbidden)
	problem(t, b.doWith(supervisor, "PUT", orgPath+"/members/"+firstAdminID.String(), "",
		map[string]any{"right": "read"}), http.StatusForbidden)
	problem(t, b.doWith(supervisor, "GET", orgPath+"/audit", "", nil), http.StatusForbidden)
	problem(t, b.doWith(supervisor, "GET", orgPath+"/colleagues", "", nil), http.StatusForbidden)
	require.Equal(t, before, b.state(), "the supervisor changed nothing")

	// The administrator reads what happened in the audit trail.
	trail := ok[practice.Page[practice.AuditEntry]](t, b.doWith(firstAdmin, "GET", orgPath+"/audit", "", nil), http.StatusOK)
	var actions []string
	for _, e := range trail.Items {
		actions = append(actions, string(e.Action)+" "+e.Before+">"+e.After)
	}
	require.ElementsMatch(t, []string{
		"invitation.sent >pending", "right.granted >admin", "invitation.accepted pending>accepted",
		"invitation.sent >pending", "invitation.login-refused pending>pending",
		"right.granted >read", "invitation.accepted pending>accepted",
	}, actions)

	// Both links are used up.
	for _, link := range []string{firstMail.link, secondMail.link} {
		problem(t, b.doWith(b.browser(), "GET", link, "", nil), http.StatusConflict)
	}

	// The whole log of the run: no token, and no national identity number
	// in any spelling.
	stop()
	logs := b.logs.String()
	require.Contains(t, logs, "path=/auth/invitation/…")
	for _, tok := range tokens {
		require.NotContains(t, logs, tok)
		require.NotContains(t, logs, url.PathEscape(tok))
	}
	for _, n := range []string{demo.StudySiteAdmin.NationalID, firstAdminNID, supervisorNID, impostorNID} {
		require.NotRegexp(t, anySpelling(n), logs, "a national identity number in the log")
	}
}

// anySpelling matches the digits of n in any spelling: joined by up to
// three characters that are neither letters nor digits.
func anySpelling(n string) *regexp.Regexp {
	var b strings.Builder
	for i, d := range n {
		if i > 0 {
			b.WriteString(`[^\pL\pN]{0,3}`)
		}
		b.WriteRune(d)
	}
	return regexp.MustCompile(b.String())
}

// smtpServer is an in-process SMTP server that keeps the mails it gets.
type smtpServer struct{ srv *smtpmock.Server }

func startSMTP(t *testing.T) *smtpServer {
	t.Helper()
	srv := smtpmock.New(smtpmock.ConfigurationAttr{HostAddress: "127.0.0.1", MultipleMessageReceiving: true})
	require.NoError(t, srv.Start())
	t.Cleanup(func() { _ = srv.Stop() })
	return &smtpServer{srv: srv}
}

// receivedMail is a mail the SMTP server got, taken apart.
type receivedMail struct {
	subject, text string
	link          string // the link of the text part
}

// mailTo waits for the mail to an address and returns it.
func (s *smtpServer) mailTo(t *testing.T, to string) receivedMail {
	t.Helper()
	var raw string
	require.Eventually(t, func() bool {
		for _, m := range s.srv.Messages() {
			if !m.Msg() {
				continue
			}
			for _, rr := range m.RcpttoRequestResponse() {
				if strings.Contains(strings.ToLower(rr[0]), "<"+to+">") {
					raw = m.MsgRequest()
					return true
				}
			}
		}
		return false
	}, 10*time.Second, 20*time.Millisecond, "no mail to %s arrived", to)

	msg, err := mail.ReadMessage(strings.NewReader(raw))
	require.NoError(t, err)
	var dec mime.WordDecoder
	out := receivedMail{}
	out.subject, err = dec.DecodeHeader(msg.Header.Get("Subject"))
	require.NoError(t, err)
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	require.NoError(t, err)
	parts := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := parts.NextPart() // decodes quoted-printable
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		body, err := io.ReadAll(part)
		require.NoError(t, err)
		if strings.HasPrefix(part.Header.Get("Content-Type"), "text/plain") {
			out.text = string(body)
		}
	}
	require.NotEmpty(t, out.text, "the mail has a text part")
	out.link = mailLink.FindString(out.text)
	require.NotEmpty(t, out.link, "the mail has a link:\n%s", out.text)
	return out
}

// mailLink matches the link of an invitation's mail.
var mailLink = regexp.MustCompile(`https?://[^\s<>"]+/auth/invitation/[A-Za-z0-9_%.~-]+`)

// linkToken returns the token of a mail's link, which must point at b.
func linkToken(t *testing.T, b *testBundle, m receivedMail) string {
	t.Helper()
	escaped, ok := strings.CutPrefix(m.link, b.url+"/auth/invitation/")
	require.True(t, ok, "the link points at the server: %s", m.link)
	token, err := url.PathUnescape(escaped)
	require.NoError(t, err)
	require.Len(t, token, 43)
	return token
}

// deliver delivers the outbox of b's store as the server's process would:
// the invite service's handlers, and its mails through notify's SMTP
// sender to the server smtp. Every failed delivery is logged to log. The
// returned function stops delivery; calling it again does nothing.
func deliver(t *testing.T, b *testBundle, smtp *smtpServer, log *slog.Logger) func() {
	t.Helper()
	renderer, err := notify.NewRenderer(notify.RenderConfig{AcceptURL: b.url + "/auth/invitation"})
	require.NoError(t, err)
	handlers := b.invites.Handlers()
	handlers[invite.EventMail] = &notify.InviteHandler{Mails: b.invites, Renderer: renderer, Sender: &closingSender{port: smtp.srv.PortNumber()}}
	stop, err := b.store.Deliver(context.Background(), loggingHandler{next: handlers, log: log}, practice.DeliveryOptions{Poll: 20 * time.Millisecond})
	require.NoError(t, err)
	stopped := false
	return func() {
		if !stopped {
			stopped = true
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			require.NoError(t, stop(ctx))
		}
	}
}

// closingSender sends each message with a notify.SMTP of its own, closed
// after it: the SMTP server records a mail when its connection ends.
type closingSender struct{ port int }

func (s *closingSender) Send(ctx context.Context, m notify.Message) error {
	sender, err := notify.NewSMTP(notify.SMTPConfig{
		Host: "127.0.0.1", Port: s.port, TLS: notify.TLSNone, HELO: "localhost",
		From: mail.Address{Name: "Praksisportalen", Address: "praksis@example.no"},
	})
	if err != nil {
		return err
	}
	err = sender.Send(ctx, m)
	if cerr := sender.Close(); err == nil {
		err = cerr
	}
	return err
}

// loggingHandler logs every delivery that fails, with its error, as a
// process's deliverer does.
type loggingHandler struct {
	next practice.Handler
	log  *slog.Logger
}

func (h loggingHandler) Handle(ctx context.Context, d practice.Delivery) error {
	err := h.next.Handle(ctx, d)
	if err != nil {
		h.log.WarnContext(ctx, "delivery failed", slog.String("id", d.ID), slog.String("kind", d.Event.Kind),
			slog.Int("attempt", d.Attempt), slog.String("error", err.Error()))
	} else {
		h.log.InfoContext(ctx, "delivered", slog.String("id", d.ID), slog.String("kind", d.Event.Kind))
	}
	return err
}
