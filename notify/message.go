package notify

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Message is an e-mail to one recipient, with a text and an HTML part.
type Message struct {
	// ID identifies the message: the Message-ID is <ID@domain>, with the
	// bytes other than ASCII letters, digits, '-' and '_' escaped as %XX.
	// Sending the same ID twice sends the same Message-ID, by which the
	// receiver can drop the duplicate. It is required.
	ID string
	// To is the recipient's address, and ToName their name (may be empty).
	To     string
	ToName string
	// Subject is the subject line; line breaks in it are sent as spaces.
	Subject string
	// Text and HTML are the two forms of the body, sent as
	// multipart/alternative. An empty HTML sends the text alone.
	Text string
	HTML string
	// Language is the language of the body, such as "nb" or "en", sent as
	// the Content-Language header if not empty.
	Language string
}

// Sender sends messages.
type Sender interface {
	// Send sends m, or returns why it could not. An error may leave it
	// unknown whether m arrived; sending m again is then safe, because the
	// receiver can drop a duplicate by its Message-ID.
	Send(ctx context.Context, m Message) error
}

// compose makes the go-mail message for m, from from, with its Message-ID
// in domain and sent at now.
func compose(m Message, from *mail.Address, domain string, now time.Time) (*gomail.Msg, error) {
	if m.ID == "" {
		return nil, errors.New("notify: a message needs an ID")
	}
	msg := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(from)
	if err := msg.AddToFormat(oneLine(m.ToName), m.To); err != nil {
		return nil, fmt.Errorf("notify: message %s: the recipient's address: %w", m.ID, err)
	}
	msg.Subject(oneLine(m.Subject))
	msg.SetMessageIDWithValue(escapeID(m.ID) + "@" + domain)
	msg.SetDateWithValue(now)
	// RFC 3834: keeps out-of-office replies away from the sender.
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	if lang := oneLine(m.Language); lang != "" {
		msg.SetGenHeader(gomail.HeaderContentLang, lang)
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

// escapeID returns id with every byte other than an ASCII letter, a digit,
// '-' or '_' written as %XX. The result is a valid left part of a
// Message-ID and a safe file name, and different IDs stay different.
func escapeID(id string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_':
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// oneLine returns s with its control characters, line breaks among them,
// as spaces, and trimmed: text from users cannot start a new header line.
func oneLine(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029' || (r >= 0x80 && r < 0xa0) {
			return ' '
		}
		return r
	}, s))
}

// domainSyntax matches a domain name or an address literal in brackets.
var domainSyntax = regexp.MustCompile(`^([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])$`)

// parseFrom parses the sender's address: a bare address, as
// from.Address, with from.Name for its name.
func parseFrom(from mail.Address) (*mail.Address, error) {
	a, err := mail.ParseAddress(from.Address)
	if err != nil || a.Name != "" || a.Address != strings.TrimSpace(from.Address) {
		return nil, errors.New("must be an e-mail address such as praksis@example.no")
	}
	a.Name = oneLine(from.Name)
	return a, nil
}

// idDomain returns domain, or if it is empty the domain of the address a,
// as the domain of Message-IDs, or an error if it is not a domain name.
func idDomain(domain string, a *mail.Address) (string, error) {
	if domain == "" {
		domain = a.Address[strings.LastIndexByte(a.Address, '@')+1:]
	}
	if !domainSyntax.MatchString(domain) {
		return "", errors.New("must be a domain name such as praksis.example.no")
	}
	return domain, nil
}
