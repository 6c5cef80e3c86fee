package notify

import (
	"context"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"

	"github.com/praksis/praksis/agreement"
	"github.com/praksis/praksis/practice"
)

// The templates of the mails about agreements: templates/agreement.txt
// defines "expiring.subject" and "expiring.text", templates/agreement.html
// defines "expiring". Their data is an [expiryData]. Each mail is in
// bokmål with an English version below it: an institution's staff have no
// language of their own.
var (
	agreementText = texttemplate.Must(texttemplate.ParseFS(templateFS, "templates/agreement.txt"))
	agreementHTML = htmltemplate.Must(htmltemplate.ParseFS(templateFS, "templates/agreement.html"))
)

// expiryLanguage is the Language of a reminder of an agreement's end:
// bokmål, then English.
const expiryLanguage = "nb, en"

// expiryData is what the templates of a reminder of an agreement's end
// read. The texts from users (names) are one line each.
type expiryData struct {
	Name         string // the practice administrator
	Agreement    string
	Institution  string
	Organisation string
	EndsNB       string // "31. desember 2027"
	EndsEN       string // "31 December 2027"
	DaysLeft     int    // from the sweep's date, 0 if none
}

// RenderExpiry returns the reminder m says, that an agreement ends soon, to
// be sent once it has an ID. The mail is in bokmål with an English version
// below it, its Language "nb, en". It returns an error for a mail without
// a recipient or an end date; no error quotes the mail.
func (r *Renderer) RenderExpiry(m agreement.ExpiryMail) (Message, error) {
	switch {
	case strings.TrimSpace(m.To) == "":
		return Message{}, fmt.Errorf("notify: the reminder of an agreement's end has no recipient")
	case m.EndsOn.IsZero():
		return Message{}, fmt.Errorf("notify: the reminder of an agreement's end has no end date")
	}
	d := expiryData{
		Name:         oneLine(m.Name),
		Agreement:    oneLine(m.AgreementName),
		Institution:  oneLine(m.InstitutionName),
		Organisation: oneLine(m.OrganisationName),
		EndsNB:       dateNB(m.EndsOn),
		EndsEN:       dateEN(m.EndsOn),
		DaysLeft:     max(0, m.DaysLeft),
	}
	var s, t, h strings.Builder
	for _, err := range []error{
		agreementText.ExecuteTemplate(&s, "expiring.subject", d),
		agreementText.ExecuteTemplate(&t, "expiring.text", d),
		agreementHTML.ExecuteTemplate(&h, "expiring", d),
	} {
		if err != nil {
			// A template's error may quote the data: it is not wrapped.
			return Message{}, fmt.Errorf("notify: the reminder of an agreement's end could not be rendered")
		}
	}
	return Message{
		To:       m.To,
		ToName:   d.Name,
		Subject:  oneLine(s.String()),
		Text:     t.String(),
		HTML:     h.String(),
		Language: expiryLanguage,
	}, nil
}

// dateNB returns d as bokmål writes it: "31. desember 2027".
func dateNB(d practice.Date) string {
	return fmt.Sprintf("%d. %s %d", d.Day(), monthsNB[d.Month()-1], d.Year())
}

// dateEN returns d as British English writes it: "31 December 2027".
func dateEN(d practice.Date) string {
	return fmt.Sprintf("%d %s %d", d.Day(), d.Month(), d.Year())
}

// ExpirySource tells what a reminder of an agreement's end says. The
// agreement service implements it.
type ExpirySource interface {
	// ExpiryMail returns the mail ref asks for, with ok true; or ok false
	// if there is nothing to send any more (the agreement was extended,
	// the person is no longer a practice administrator ...).
	ExpiryMail(ctx context.Context, ref agreement.ExpiryRef) (m agreement.ExpiryMail, ok bool, err error)
}

// AgreementHandler is the [practice.Handler] for events of kind
// [agreement.EventExpiring]: it sends the reminder the event asks for,
// that an agreement ends soon, to one of the institution's practice
// administrators, with the delivery's ID as the message's ID, so that a
// repeated delivery repeats the Message-ID. A reminder the source no
// longer wants sent is not sent, and the event is done.
//
// An error means the event is to be tried again: a payload that is not an
// [agreement.ExpiryRef], an error of the source or the renderer, or the
// sender's. The error names the delivery, and never quotes the payload or
// the mail.
type AgreementHandler struct {
	Mails    ExpirySource
	Renderer *Renderer
	Sender   Sender
}

var _ practice.Handler = (*AgreementHandler)(nil)

// Handle sends the reminder d asks for. It implements [practice.Handler].
func (h *AgreementHandler) Handle(ctx context.Context, d practice.Delivery) error {
	if d.Event.Kind != agreement.EventExpiring {
		return fmt.Errorf("notify: delivery %s: events of kind %q are not reminders of an agreement's end", d.ID, d.Event.Kind)
	}
	ref, err := agreement.ExpiryRefOf(d)
	if err != nil || ref.AgreementID.IsZero() || ref.PersonID.IsZero() || ref.EndsOn.IsZero() {
		// The decoder's error quotes nothing, but is not wrapped either.
		return fmt.Errorf("notify: delivery %s: the payload is not an agreement, a person and an end date (agreement.ExpiryRef)", d.ID)
	}
	m, ok, err := h.Mails.ExpiryMail(ctx, ref)
	if err != nil {
		return fmt.Errorf("notify: delivery %s: %w", d.ID, err)
	}
	if !ok {
		return nil
	}
	msg, err := h.Renderer.RenderExpiry(m)
	if err != nil {
		return fmt.Errorf("notify: delivery %s: %w", d.ID, err)
	}
	msg.ID = d.ID
	return h.Sender.Send(ctx, msg)
}
