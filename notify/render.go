package notify

import (
	"embed"
	"fmt"
	htmltemplate "html/template"
	"net/url"
	"strings"
	texttemplate "text/template"
	"time"
	_ "time/tzdata" // Europe/Oslo, also where the system has no time zone database

	"github.com/praksis/praksis/invite"
	"github.com/praksis/praksis/practice"
)

// The templates: for each language, <lang>.txt defines for each mail kind
// (invite.MailKind) "<kind>.subject" and "<kind>.text", and <lang>.html
// defines "<kind>". Their data is a [mailData]. The mails about agreements,
// in bokmål and English at once, are in agreement.txt and agreement.html
// (see [Renderer.RenderExpiry]).
//
//go:embed templates/*.txt templates/*.html
var templateFS embed.FS

// DefaultLanguage is the language of a mail whose language is unknown:
// Norwegian bokmål.
const DefaultLanguage = "nb"

// language is what a mail needs in one language.
type language struct {
	text   *texttemplate.Template
	html   *htmltemplate.Template
	rights map[practice.Right]string
	date   func(time.Time) string
}

var monthsNB = [...]string{"januar", "februar", "mars", "april", "mai", "juni",
	"juli", "august", "september", "oktober", "november", "desember"}

// languages are the languages of the mails, by code.
var languages = map[string]*language{
	"nb": {
		rights: map[practice.Right]string{practice.Admin: "administrator", practice.Write: "skrivetilgang", practice.Read: "lesetilgang"},
		date: func(t time.Time) string {
			return fmt.Sprintf("%d. %s %d kl. %02d.%02d", t.Day(), monthsNB[t.Month()-1], t.Year(), t.Hour(), t.Minute())
		},
	},
	"en": {
		rights: map[practice.Right]string{practice.Admin: "administrator", practice.Write: "write access", practice.Read: "read access"},
		date: func(t time.Time) string {
			return fmt.Sprintf("%d %s %d at %02d:%02d (Norwegian time)", t.Day(), t.Month(), t.Year(), t.Hour(), t.Minute())
		},
	},
}

// oslo is the time zone of the dates in the mails.
var oslo *time.Location

func init() {
	var err error
	if oslo, err = time.LoadLocation("Europe/Oslo"); err != nil {
		panic("notify: " + err.Error())
	}
	for code, l := range languages {
		l.text = texttemplate.Must(texttemplate.ParseFS(templateFS, "templates/"+code+".txt"))
		l.html = htmltemplate.Must(htmltemplate.ParseFS(templateFS, "templates/"+code+".html"))
	}
}

// mailData is what the templates read. The texts from users (names) are
// one line each.
type mailData struct {
	Name         string // the invitee
	Organisation string
	Inviter      string // empty for an invitation the system made
	Right        string // in the mail's language
	Link         string
	Days         int    // whole days left, 0 if less than one
	Until        string // when the link stops working, in Oslo time
	// NeedsNationalID: the login must have the number the invitation names.
	NeedsNationalID bool
}

// RenderConfig configures a [Renderer].
type RenderConfig struct {
	// AcceptURL is the address where an invitation is accepted: the link in
	// a mail is AcceptURL + "/" + the token, escaped. It must be an http or
	// https URL with a host and no query or fragment, such as
	// "https://praksis.example.no/auth/invitation". Required.
	AcceptURL string
	// Now returns the current time (default time.Now), from which the days
	// left are counted.
	Now func() time.Time
}

// Renderer makes the messages about invitations, in Norwegian bokmål
// ("nb") or English ("en"), and the reminders of agreements' ends, in both,
// from templates embedded in the package. Names are escaped in the HTML,
// and can start no new line in a subject. It is safe for concurrent use.
type Renderer struct {
	acceptURL string
	now       func() time.Time
}

// NewRenderer returns a renderer with configuration c. A configuration
// that is not valid is a *practice.ValidationError.
func NewRenderer(c RenderConfig) (*Renderer, error) {
	u, err := url.Parse(c.AcceptURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
		u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return nil, practice.Invalid("acceptUrl", "url",
			"the acceptance address must be an http or https URL with a host and no query, such as https://praksis.example.no/auth/invitation")
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return &Renderer{acceptURL: strings.TrimRight(c.AcceptURL, "/"), now: c.Now}, nil
}

// Render returns the message m says, to be sent once it has an ID. Its
// language is m.Language if the renderer knows it, and [DefaultLanguage]
// if not. It returns an error for a kind of mail or a right it does not
// know, or a mail without a token.
func (r *Renderer) Render(m invite.Mail) (Message, error) {
	code := strings.ToLower(m.Language)
	if i := strings.IndexAny(code, "-_"); i >= 0 {
		code = code[:i] // "nb-NO" is "nb"
	}
	lang, ok := languages[code]
	if !ok {
		code, lang = DefaultLanguage, languages[DefaultLanguage]
	}
	right, ok := lang.rights[m.Right]
	if !ok {
		return Message{}, fmt.Errorf("notify: invitation %s: the mail has no valid right", m.InvitationID)
	}
	if m.Token == "" {
		return Message{}, fmt.Errorf("notify: invitation %s: the mail has no token", m.InvitationID)
	}
	kind := string(m.Kind)
	subject, text := lang.text.Lookup(kind+".subject"), lang.text.Lookup(kind+".text")
	html := lang.html.Lookup(kind)
	if subject == nil || text == nil || html == nil {
		return Message{}, fmt.Errorf("notify: invitation %s: no template for a mail of kind %q", m.InvitationID, kind)
	}

	d := mailData{
		Name:         oneLine(m.Name),
		Organisation: oneLine(m.OrganisationName),
		Inviter:      oneLine(m.InviterName),
		Right:        right,
		Link:         r.acceptURL + "/" + url.PathEscape(m.Token),
		// Whole days left, with an hour's grace for the time between the
		// invitation and its mail: a 14-day invitation says 14, not 13.
		Days:            max(0, int((m.ExpiresAt.Sub(r.now())+time.Hour)/(24*time.Hour))),
		Until:           lang.date(m.ExpiresAt.In(oslo)),
		NeedsNationalID: m.NeedsNationalID,
	}
	var s, t, h strings.Builder
	for _, err := range []error{subject.Execute(&s, d), text.Execute(&t, d), html.Execute(&h, d)} {
		if err != nil {
			return Message{}, fmt.Errorf("notify: invitation %s: %w", m.InvitationID, err)
		}
	}
	return Message{
		To:       m.To,
		ToName:   d.Name,
		Subject:  oneLine(s.String()),
		Text:     t.String(),
		HTML:     h.String(),
		Language: code,
	}, nil
}
