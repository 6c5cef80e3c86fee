package notify_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/invite"
	"github.com/praksis/praksis/notify"
	"github.com/praksis/praksis/practice"
)

func TestNewRendererValidates(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"", "praksis.example.no/auth", "/auth/invitation", "ftp://praksis.example.no/x",
		"javascript:alert(1)", "https://", "https://praksis.example.no/auth?x=1", "https://praksis.example.no/auth#x",
		"https://user:pw@praksis.example.no/auth", "https://praksis.example.no/%zz"} {
		_, err := notify.NewRenderer(notify.RenderConfig{AcceptURL: u})
		var v *practice.ValidationError
		require.True(t, errors.As(err, &v), "%q: %v", u, err)
		require.Equal(t, "acceptUrl", v.Fields[0].Field)
	}

	// A trailing slash makes no double slash in the link.
	r, err := notify.NewRenderer(notify.RenderConfig{AcceptURL: "http://localhost:8080/auth/invitation/"})
	require.NoError(t, err)
	m, err := r.Render(sampleMail())
	require.NoError(t, err)
	require.Contains(t, m.Text, "http://localhost:8080/auth/invitation/tok_abc-123.XYZ%2F9\n")
}

func TestRender(t *testing.T) {
	t.Parallel()
	r := newRenderer(t)
	for _, tt := range []struct {
		name string
		edit func(*invite.Mail)
		// subject is the whole subject; text and html are in the parts,
		// notText not in the text.
		subject  string
		text     []string
		html     []string
		notText  []string
		wantLang string
	}{
		{
			name:    "invitation in bokmål",
			edit:    func(*invite.Mail) {},
			subject: "Kari Nordmann inviterer deg til Sykehuset Østfold & Blåbærlia i praksisportalen",
			text: []string{"Kari Nordmann har invitert deg til Sykehuset Østfold & Blåbærlia i praksisportalen.",
				"Tilgang: skrivetilgang", "innen 14 dager, før 15. mars 2026 kl. 12.00:", theLink, "Lenken virker én gang."},
			html:     []string{`<html lang="nb">`, "Tilgang: skrivetilgang", "før 15. mars 2026 kl. 12.00", `href="` + theLink + `"`},
			notText:  []string{"ID-porten"},
			wantLang: "nb",
		},
		{
			name: "invitation in English",
			edit: func(m *invite.Mail) { m.Language = "en" },
			// The subject is made from user text, in one line.
			subject: "Kari Nordmann invites you to Sykehuset Østfold & Blåbærlia in the practice portal",
			text: []string{"Kari Nordmann has invited you to Sykehuset Østfold & Blåbærlia in the practice portal.",
				"Access: write access", "within 14 days, before 15 March 2026 at 12:00 (Norwegian time):", theLink, "The link works once."},
			html:     []string{`<html lang="en">`, "Access: write access", "before 15 March 2026 at 12:00 (Norwegian time)", `href="` + theLink + `"`},
			notText:  []string{"ID-porten"},
			wantLang: "en",
		},
		{
			name: "reminder in bokmål, national identity number, a day left",
			edit: func(m *invite.Mail) {
				m.Kind, m.NeedsNationalID, m.Right = invite.MailReminder, true, practice.Admin
				m.ExpiresAt = now.Add(30 * time.Hour)
			},
			subject: "Påminnelse: invitasjon til Sykehuset Østfold & Blåbærlia i praksisportalen",
			text: []string{"Dette er en påminnelse: Kari Nordmann har invitert deg", "Tilgang: administrator",
				"innen 1 dag, før 2. mars 2026 kl. 18.00:", "Du må logge inn med ID-porten", theLink},
			html:     []string{"Påminnelse", "Du må logge inn med ID-porten", `href="` + theLink + `"`},
			wantLang: "nb",
		},
		{
			name: "reminder in English, less than a day left, read access, made by the system",
			edit: func(m *invite.Mail) {
				m.Kind, m.Language, m.NeedsNationalID, m.Right, m.InviterName = invite.MailReminder, "en", true, practice.Read, ""
				m.ExpiresAt = now.Add(5 * time.Hour)
			},
			subject: "Reminder: invitation to Sykehuset Østfold & Blåbærlia in the practice portal",
			text: []string{"This is a reminder: you are invited to", "Access: read access",
				"Use the link before 1 March 2026 at 17:00 (Norwegian time):", "You must log in with ID-porten", theLink},
			html:     []string{"Reminder", "You must log in with ID-porten"},
			wantLang: "en",
		},
		{
			name: "summer time in Oslo",
			edit: func(m *invite.Mail) {
				m.ExpiresAt = time.Date(2026, 7, 1, 21, 30, 0, 0, time.UTC)
			},
			subject:  "Kari Nordmann inviterer deg til Sykehuset Østfold & Blåbærlia i praksisportalen",
			text:     []string{"før 1. juli 2026 kl. 23.30:"},
			wantLang: "nb",
		},
		{
			name: "an invitation the system made, in an unknown language",
			edit: func(m *invite.Mail) {
				m.InviterName, m.Language = "", "se"
			},
			subject:  "Invitasjon til Sykehuset Østfold & Blåbærlia i praksisportalen",
			text:     []string{"Du er invitert til Sykehuset Østfold & Blåbærlia i praksisportalen."},
			wantLang: "nb",
		},
		{
			name: "names cannot break lines",
			edit: func(m *invite.Mail) {
				m.InviterName = "Eve\r\nBcc: victim@example.no"
				m.OrganisationName = "Org\nhttps://evil.example/"
			},
			subject:  "Eve  Bcc: victim@example.no inviterer deg til Org https://evil.example/ i praksisportalen",
			text:     []string{"Eve  Bcc: victim@example.no har invitert deg til Org https://evil.example/ i praksisportalen."},
			wantLang: "nb",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mail := sampleMail()
			tt.edit(&mail)
			m, err := r.Render(mail)
			require.NoError(t, err)
			require.Empty(t, m.ID, "the handler gives the ID")
			require.Equal(t, "ase@example.no", m.To)
			require.Equal(t, tt.wantLang, m.Language)
			require.Equal(t, tt.subject, m.Subject)
			require.NotContains(t, m.Subject, "\n")
			for _, s := range tt.text {
				require.Contains(t, m.Text, s)
			}
			for _, s := range tt.notText {
				require.NotContains(t, m.Text, s)
			}
			for _, s := range tt.html {
				require.Contains(t, m.HTML, s)
			}
			require.NotContains(t, m.HTML, "<script>")
			for _, line := range strings.Split(m.Text, "\n") {
				require.False(t, strings.HasPrefix(line, "Bcc:") || strings.HasPrefix(line, "https://evil"), line)
			}
		})
	}
}

func TestRenderRefuses(t *testing.T) {
	t.Parallel()
	r := newRenderer(t)
	for name, edit := range map[string]func(*invite.Mail){
		"unknown right": func(m *invite.Mail) { m.Right = "owner" },
		"no token":      func(m *invite.Mail) { m.Token = "" },
		"unknown kind":  func(m *invite.Mail) { m.Kind = "farewell" },
		"no kind":       func(m *invite.Mail) { m.Kind = "" },
	} {
		mail := sampleMail()
		edit(&mail)
		_, err := r.Render(mail)
		require.Error(t, err, name)
		require.NotContains(t, err.Error(), "tok_abc", name)
	}
}

func TestRenderDaysLeft(t *testing.T) {
	t.Parallel()
	r := newRenderer(t)
	mail := sampleMail()
	mail.ExpiresAt = now.Add(14*24*time.Hour - time.Minute) // mailed a minute after the invitation
	m, err := r.Render(mail)
	require.NoError(t, err)
	require.Contains(t, m.Text, "innen 14 dager", "a 14-day invitation says 14 days, however soon it is mailed")
}
