package notify_test

import (
	"context"
	"fmt"
	"net/mail"
	"os"
	"time"

	"github.com/praksis/praksis/invite"
	"github.com/praksis/praksis/notify"
	"github.com/praksis/praksis/practice"
)

// invitations stands in for the invite service.
type invitations struct{}

func (invitations) Mail(_ context.Context, ref invite.EventRef) (invite.Mail, bool, error) {
	return invite.Mail{
		Kind: ref.Mail, InvitationID: ref.InvitationID,
		To: "ingrid@example.no", Name: "Ingrid Hansen", Language: "nb",
		OrganisationName: "Sykehuset Innlandet", InviterName: "Kari Nordmann", Right: practice.Admin,
		Token: "c2VjcmV0", ExpiresAt: time.Now().Add(7 * 24 * time.Hour),
	}, true, nil
}

// A server in development writes the invitations into a mailbox; in
// production the Sender is an SMTP server (notify.NewSMTP). The handler
// goes into the outbox's practice.Handlers under invite.EventMail.
func ExampleInviteHandler() {
	dir, _ := os.MkdirTemp("", "mailbox")
	defer os.RemoveAll(dir)
	box, _ := notify.OpenMailbox(dir, mail.Address{Name: "Praksisportalen", Address: "praksis@localhost"})
	render, _ := notify.NewRenderer(notify.RenderConfig{AcceptURL: "https://praksis.example.no/auth/invitation"})
	handlers := practice.Handlers{
		invite.EventMail: &notify.InviteHandler{Mails: invitations{}, Renderer: render, Sender: box},
	}

	// What the outbox does with an event that invite.Service published.
	e, _ := practice.NewEvent(invite.EventMail, invite.EventRef{InvitationID: practice.NewID(), Mail: invite.MailInvitation})
	if err := handlers.Handle(context.Background(), practice.Delivery{ID: "1", Event: e, Attempt: 1}); err != nil {
		fmt.Println(err)
	}

	list, _ := box.List()
	for _, m := range list {
		fmt.Printf("%s <%s>: %s\n", m.ToName, m.To, m.Subject)
	}
	// Output:
	// Ingrid Hansen <ingrid@example.no>: Kari Nordmann inviterer deg til Sykehuset Innlandet i praksisportalen
}
