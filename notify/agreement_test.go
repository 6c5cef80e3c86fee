package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/agreement"
	"github.com/praksis/praksis/notify"
	"github.com/praksis/praksis/practice"
)

// The agreement service is the source of the reminders.
var _ notify.ExpirySource = (*agreement.Service)(nil)

// sampleExpiry is a reminder with names that need escaping and the
// Norwegian letters.
func sampleExpiry() agreement.ExpiryMail {
	return agreement.ExpiryMail{
		AgreementID:      practice.NewID(),
		To:               "sigrid.haugen@nih.example.org",
		Name:             "Sigrid Haugen",
		AgreementName:    "Samarbeidsavtale <script>alert(1)</script> 2027",
		InstitutionName:  "Norges idrettshøgskole",
		OrganisationName: "Oslo kommune & Bydel Grünerløkka",
		EndsOn:           practice.NewDate(2027, time.December, 31),
		DaysLeft:         60,
	}
}

const expirySubject = "Påminnelse: avtalen «Samarbeidsavtale <script>alert(1)</script> 2027» med Oslo kommune & Bydel Grünerløkka " +
	"utløper 31. desember 2027 (Reminder: agreement ends 31 December 2027)"

func TestRenderExpiry(t *testing.T) {
	t.Parallel()
	r := newRenderer(t)
	for _, tt := range []struct {
		name string
		edit func(*agreement.ExpiryMail)
		// text and html are in the parts, bokmål before English.
		subject string
		nb, en  []string
		ends    [2]string // in bokmål and English
	}{
		{
			name:    "60 days left",
			edit:    func(*agreement.ExpiryMail) {},
			subject: expirySubject,
			nb: []string{"Hei Sigrid Haugen,",
				"Avtalen «Samarbeidsavtale <script>alert(1)</script> 2027» mellom Norges idrettshøgskole og Oslo kommune & Bydel Grünerløkka utløper 31. desember 2027, om 60 dager. Den fornyes ikke.",
				"praksisadministrator ved Norges idrettshøgskole"},
			en: []string{"Hello Sigrid Haugen,",
				"The agreement “Samarbeidsavtale <script>alert(1)</script> 2027” between Norges idrettshøgskole and Oslo kommune & Bydel Grünerløkka ends on 31 December 2027, in 60 days. It does not renew.",
				"practice administrator at Norges idrettshøgskole"},
			ends: [2]string{"31. desember 2027", "31 December 2027"},
		},
		{
			name: "a day left, early in the year",
			edit: func(m *agreement.ExpiryMail) {
				m.EndsOn, m.DaysLeft = practice.NewDate(2028, time.February, 1), 1
			},
			subject: strings.NewReplacer("31. desember 2027", "1. februar 2028", "31 December 2027", "1 February 2028").Replace(expirySubject),
			nb:      []string{"utløper 1. februar 2028, altså i morgen."},
			en:      []string{"ends on 1 February 2028, that is tomorrow."},
			ends:    [2]string{"1. februar 2028", "1 February 2028"},
		},
		{
			name:    "the last day",
			edit:    func(m *agreement.ExpiryMail) { m.DaysLeft = 0 },
			subject: expirySubject,
			nb:      []string{"utløper 31. desember 2027, altså i dag."},
			en:      []string{"ends on 31 December 2027, that is today."},
			ends:    [2]string{"31. desember 2027", "31 December 2027"},
		},
		{
			name: "names cannot break lines",
			edit: func(m *agreement.ExpiryMail) {
				m.AgreementName = "Avtale\r\nBcc: victim@example.no"
				m.OrganisationName = "Org\nhttps://evil.example/"
			},
			subject: "Påminnelse: avtalen «Avtale  Bcc: victim@example.no» med Org https://evil.example/ utløper 31. desember 2027 (Reminder: agreement ends 31 December 2027)",
			nb:      []string{"Avtalen «Avtale  Bcc: victim@example.no» mellom Norges idrettshøgskole og Org https://evil.example/ utløper"},
			en:      []string{"The agreement “Avtale  Bcc: victim@example.no” between Norges idrettshøgskole and Org https://evil.example/ ends"},
			ends:    [2]string{"31. desember 2027", "31 December 2027"},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mail := sampleExpiry()
			tt.edit(&mail)
			m, err := r.RenderExpiry(mail)
			require.NoError(t, err)
			require.Empty(t, m.ID, "the handler gives the ID")
			require.Equal(t, "sigrid.haugen@nih.example.org", m.To)
			require.Equal(t, "Sigrid Haugen", m.ToName)
			require.Equal(t, "nb, en", m.Language)
			require.Equal(t, tt.subject, m.Subject)

			// The text: bokmål, then English.
			english := strings.Index(m.Text, "Hello ")
			require.Positive(t, english, "the English version is below")
			for _, s := range tt.nb {
				require.Contains(t, m.Text[:english], s)
			}
			for _, s := range tt.en {
				require.Contains(t, m.Text[english:], s)
			}
			for _, line := range strings.Split(m.Text, "\n") {
				require.False(t, strings.HasPrefix(line, "Bcc:") || strings.HasPrefix(line, "https://evil"), line)
			}

			// The HTML: the same, escaped, the English part marked as such.
			require.Contains(t, m.HTML, `<html lang="nb">`)
			english = strings.Index(m.HTML, `<div lang="en">`)
			require.Positive(t, english, "the English version is below")
			require.Contains(t, m.HTML[:english], "utløper <strong>"+tt.ends[0]+"</strong>")
			require.Contains(t, m.HTML[english:], "ends on <strong>"+tt.ends[1]+"</strong>")
			require.NotContains(t, m.HTML, "<script>")
		})
	}
}

func TestRenderExpiryEscapes(t *testing.T) {
	t.Parallel()
	m, err := newRenderer(t).RenderExpiry(sampleExpiry())
	require.NoError(t, err)
	require.Contains(t, m.HTML, "Avtalen <strong>Samarbeidsavtale &lt;script&gt;alert(1)&lt;/script&gt; 2027</strong> mellom Norges idrettshøgskole og <strong>Oslo kommune &amp; Bydel Grünerløkka</strong> utløper <strong>31. desember 2027</strong>, om 60 dager.")
	require.Contains(t, m.HTML, "The agreement <strong>Samarbeidsavtale &lt;script&gt;alert(1)&lt;/script&gt; 2027</strong> between Norges idrettshøgskole and <strong>Oslo kommune &amp; Bydel Grünerløkka</strong> ends on <strong>31 December 2027</strong>, in 60 days.")
	require.NotContains(t, m.HTML, "<script>")
}

func TestRenderExpiryRefuses(t *testing.T) {
	t.Parallel()
	r := newRenderer(t)
	for name, edit := range map[string]func(*agreement.ExpiryMail){
		"no recipient": func(m *agreement.ExpiryMail) { m.To = " " },
		"no end":       func(m *agreement.ExpiryMail) { m.EndsOn = practice.Date{} },
	} {
		mail := sampleExpiry()
		edit(&mail)
		_, err := r.RenderExpiry(mail)
		require.Error(t, err, name)
		for _, secret := range []string{"Sigrid", "Samarbeidsavtale", "Oslo kommune", mail.AgreementID.String()} {
			require.NotContains(t, err.Error(), secret, name)
		}
	}
}

// expirySource is an ExpirySource of one reminder per reference, from mail.
type expirySource struct {
	mail func(ref agreement.ExpiryRef) agreement.ExpiryMail
	ok   bool
	err  error

	mu   sync.Mutex
	refs []agreement.ExpiryRef
}

func (s *expirySource) ExpiryMail(_ context.Context, ref agreement.ExpiryRef) (agreement.ExpiryMail, bool, error) {
	s.mu.Lock()
	s.refs = append(s.refs, ref)
	s.mu.Unlock()
	if s.err != nil || !s.ok {
		return agreement.ExpiryMail{}, false, s.err
	}
	m := s.mail(ref)
	m.AgreementID, m.EndsOn = ref.AgreementID, ref.EndsOn
	return m, true, nil
}

// expiryDelivery returns the delivery of an agreement.EventExpiring for a
// new agreement that ends on 31 December 2027.
func expiryDelivery(t testing.TB) practice.Delivery {
	t.Helper()
	e, err := practice.NewEvent(agreement.EventExpiring, agreement.ExpiryRef{
		AgreementID: practice.NewID(), PersonID: practice.NewID(), EndsOn: practice.NewDate(2027, time.December, 31),
	})
	require.NoError(t, err)
	return practice.Delivery{ID: practice.NewID().String(), Event: e, Attempt: 1}
}

type agreementBundle struct {
	source *expirySource
	sender *sender
}

func setupAgreementHandler(t *testing.T) (*notify.AgreementHandler, *agreementBundle) {
	t.Helper()
	b := &agreementBundle{
		source: &expirySource{ok: true, mail: func(agreement.ExpiryRef) agreement.ExpiryMail { return sampleExpiry() }},
		sender: &sender{},
	}
	return &notify.AgreementHandler{Mails: b.source, Renderer: newRenderer(t), Sender: b.sender}, b
}

// The handler sends the reminder through an SMTP server, with the
// delivery's ID as its Message-ID.
func TestAgreementHandlerSends(t *testing.T) {
	t.Parallel()
	srv := startServer(t, 0)
	s := newSMTP(t, srv, 0)
	source := &expirySource{ok: true, mail: func(agreement.ExpiryRef) agreement.ExpiryMail { return sampleExpiry() }}
	h := &notify.AgreementHandler{Mails: source, Renderer: newRenderer(t), Sender: s}
	d := expiryDelivery(t)
	require.NoError(t, h.Handle(t.Context(), d))
	require.NoError(t, s.Close())

	var ref agreement.ExpiryRef
	require.NoError(t, json.Unmarshal(d.Event.Payload, &ref))
	require.Equal(t, []agreement.ExpiryRef{ref}, source.refs, "the source is asked for the reminder of the payload")

	got := received(t, srv, 1)[0]
	require.Len(t, got.RcpttoRequestResponse(), 1)
	require.Contains(t, got.RcpttoRequestResponse()[0][0], "<sigrid.haugen@nih.example.org>")
	m := parse(t, got.MsgRequest())
	require.Equal(t, "<"+d.ID+"@praksis.example.no>", m.Header.Get("Message-ID"))
	require.Equal(t, "nb, en", m.Header.Get("Content-Language"))
	require.Equal(t, expirySubject, subject(t, m.Header))
	require.Contains(t, m.Text, "utløper 31. desember 2027, om 60 dager.")
	require.Contains(t, m.Text, "ends on 31 December 2027, in 60 days.")
	require.Contains(t, m.HTML, "<strong>Samarbeidsavtale &lt;script&gt;alert(1)&lt;/script&gt; 2027</strong>")
	require.NotContains(t, m.HTML, "<script>")
}

// A repeated delivery sends the same message again, with the same ID.
func TestAgreementHandlerRepeats(t *testing.T) {
	t.Parallel()
	h, b := setupAgreementHandler(t)
	d := expiryDelivery(t)
	require.NoError(t, h.Handle(t.Context(), d))
	d.Attempt = 2
	require.NoError(t, h.Handle(t.Context(), d))
	require.Len(t, b.sender.sent, 2)
	require.Equal(t, d.ID, b.sender.sent[0].ID, "the delivery's ID is the message's")
	require.Equal(t, b.sender.sent[0], b.sender.sent[1])
}

// A reminder the source no longer wants sent is not sent, and the event is
// done.
func TestAgreementHandlerSkips(t *testing.T) {
	t.Parallel()
	h, b := setupAgreementHandler(t)
	b.source.ok = false
	require.NoError(t, h.Handle(t.Context(), expiryDelivery(t)))
	require.Len(t, b.source.refs, 1)
	require.Empty(t, b.sender.sent)
}

func TestAgreementHandlerBadPayload(t *testing.T) {
	t.Parallel()
	h, b := setupAgreementHandler(t)
	const id = "0190f5a2-7b3c-7d4e-8f5a-1b2c3d4e5f60"
	for _, payload := range []string{
		``,
		`"secret-in-a-string"`,
		`{"agreementId":"secret-not-an-id","personId":"` + id + `","endsOn":"2027-12-31"}`,
		`{"agreementId":"` + id + `","personId":"` + id + `","endsOn":"31.12.2027-secret"}`,
		`{"agreementId":12345678901,"personId":"` + id + `","endsOn":"2027-12-31"}`,
		`{"personId":"` + id + `","endsOn":"2027-12-31"}`,
		`{"agreementId":"` + id + `","endsOn":"2027-12-31"}`,
		`{"agreementId":"` + id + `","personId":"` + id + `"}`,
		`[1,2,3]`,
		`{"agreementId":"` + id + `","personId":"` + id + `","endsOn":"2027-12-31"} trailing`,
	} {
		d := expiryDelivery(t)
		d.Event.Payload = json.RawMessage(payload)
		err := h.Handle(t.Context(), d)
		require.ErrorContains(t, err, "the payload is not", payload)
		require.Contains(t, err.Error(), d.ID, "the error names the delivery")
		for _, secret := range []string{"secret", "12345678901", "0190f5a2", "2027", "trailing"} {
			require.NotContains(t, err.Error(), secret, "the error does not quote the payload %s", payload)
		}
	}
	require.Empty(t, b.source.refs)
	require.Empty(t, b.sender.sent)
}

func TestAgreementHandlerOtherKind(t *testing.T) {
	t.Parallel()
	h, b := setupAgreementHandler(t)
	d := expiryDelivery(t)
	d.Event.Kind = agreement.EventSweep
	require.Error(t, h.Handle(t.Context(), d))
	require.Empty(t, b.source.refs)
	require.Empty(t, b.sender.sent)
}

// The errors of the source, the renderer and the sender fail the attempt,
// so that the outbox tries again; none quotes the mail.
func TestAgreementHandlerFails(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")

	h, b := setupAgreementHandler(t)
	b.source.err = boom
	require.ErrorIs(t, h.Handle(t.Context(), expiryDelivery(t)), boom)
	require.Empty(t, b.sender.sent)

	h, b = setupAgreementHandler(t)
	b.source.mail = func(agreement.ExpiryRef) agreement.ExpiryMail {
		m := sampleExpiry()
		m.To = ""
		return m
	}
	err := h.Handle(t.Context(), expiryDelivery(t))
	require.Error(t, err)
	require.NotContains(t, err.Error(), "Sigrid")
	require.NotContains(t, err.Error(), "Samarbeidsavtale")
	require.Empty(t, b.sender.sent)

	h, b = setupAgreementHandler(t)
	b.sender.err = boom
	require.ErrorIs(t, h.Handle(t.Context(), expiryDelivery(t)), boom)
}
