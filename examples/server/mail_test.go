package main

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/examples/demo"
	"github.com/praksis/praksis/examples/server/httpapi"
	"github.com/praksis/praksis/practice"
)

// lockedBuffer is a log the server writes from several goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestInvitationMail runs the server as main wires it: an administrator's
// invitation leaves through the store's outbox as a mail with a link to
// the public address, into the development mailbox; the link's secret is
// accepted once; and the server's whole log holds no secret and no national
// identity number.
func TestInvitationMail(t *testing.T) {
	t.Parallel()
	t.Run("SQLite", func(t *testing.T) {
		t.Parallel()
		invitationMail(t, "-sqlite", filepath.Join(t.TempDir(), "praksis.db"))
	})
	t.Run("PostgreSQL", func(t *testing.T) {
		t.Parallel()
		invitationMail(t, "-postgres", postgresURL(t), "-invite-key-file", filepath.Join(t.TempDir(), "invite.key"))
	})
}

func invitationMail(t *testing.T, store ...string) {
	box := filepath.Join(t.TempDir(), "mailbox")
	const public = "https://praksis.example.no"
	cfg, err := ParseConfig(append([]string{"-addr", "127.0.0.1:0", "-dev-login", "-mailbox", box, "-public-url", public}, store...),
		func(string) string { return "" }, io.Discard)
	require.NoError(t, err)
	log := &lockedBuffer{}
	m := NewMain(cfg, log)
	t.Cleanup(func() { _ = m.Close() })
	require.NoError(t, m.Run(t.Context()))

	status, body := call(t, "POST", m.URL()+"/auth/dev-login", "", map[string]string{"email": demo.OUSAdmin.Email})
	require.Equal(t, 200, status, string(body))
	var login httpapi.DevLoginResponse
	require.NoError(t, json.Unmarshal(body, &login))
	token := login.Token
	status, body = call(t, "GET", m.URL()+"/api/organisations?orgNumber="+demo.OUSOrgNumber, token, nil)
	require.Equal(t, 200, status, string(body))
	var orgs practice.Page[practice.Organisation]
	require.NoError(t, json.Unmarshal(body, &orgs))
	require.Len(t, orgs.Items, 1)
	org := orgs.Items[0].ID.String()
	status, body = call(t, "POST", m.URL()+"/api/organisations/"+org+"/invitations", token,
		map[string]string{"name": "Siri Dahl", "email": "siri.dahl@ous.example.org", "right": "read"})
	require.Equal(t, 201, status, string(body))

	// The demo's two invitations and this one arrive, each once, and so
	// does the reminder of the demo's agreement that ends within 90 days,
	// once, to the study site's practice administrator: the server sweeps
	// at start.
	var links, others map[string]string // by recipient
	require.Eventually(t, func() bool {
		links, others = readMailbox(t, box)
		return len(links) == len(demo.Invitees)+1 && len(others) == 1
	}, 30*time.Second, 50*time.Millisecond, "the invitations' mails and the agreement's reminder arrive in the mailbox")
	require.Contains(t, others[demo.StudySiteAdmin.Email], demo.OsloAgreementName, "the reminder names the agreement")
	link := links["siri.dahl@ous.example.org"]
	require.True(t, strings.HasPrefix(link, public+"/auth/invitation/"), "the link goes to the public address's acceptance: %s", link)
	secret := strings.TrimPrefix(link, public+"/auth/invitation/")

	const pid = "15839210040"
	status, body = call(t, "POST", m.URL()+"/auth/dev-accept", "", map[string]string{"token": secret, "nationalId": pid})
	require.Equal(t, 200, status, string(body))
	status, _ = call(t, "POST", m.URL()+"/auth/dev-accept", "", map[string]string{"token": secret, "nationalId": pid})
	require.Equal(t, 409, status, "the link works once")

	logged := log.String()
	require.Contains(t, logged, "praksis is running", "the log is the server's")
	for _, l := range links {
		require.NotContains(t, logged, l[strings.LastIndex(l, "/")+1:], "no link's secret is logged")
	}
	for _, n := range []string{pid, demo.ExpiringInvitee.NationalID, demo.OUSAdmin.NationalID} {
		require.NotRegexp(t, regexp.MustCompile(strings.Join(strings.Split(n, ""), `\D{0,3}`)), logged, "no national identity number is logged")
	}
}

// readMailbox returns the link of each invitation in the mailbox, and the
// text of each other mail, by recipient; a recipient with two mails of a
// kind fails the test.
func readMailbox(t *testing.T, dir string) (links, others map[string]string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	out := map[string]string{}
	others = map[string]string{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		msg, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			continue // being written
		}
		to, err := mail.ParseAddress(msg.Header.Get("To"))
		require.NoError(t, err)
		text := strings.ReplaceAll(string(raw), "=\r\n", "")
		text = strings.ReplaceAll(text, "=\n", "")
		link := regexp.MustCompile(`https://praksis\.example\.no/auth/invitation/[A-Za-z0-9_-]{43}`).FindString(text)
		if link == "" {
			_, dup := others[to.Address]
			require.False(t, dup, "one reminder for %s", to.Address)
			body, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(string(raw))))
			require.NoError(t, err)
			others[to.Address] = string(body)
			continue
		}
		_, dup := out[to.Address]
		require.False(t, dup, "one invitation for %s", to.Address)
		out[to.Address] = link
	}
	return out, others
}
