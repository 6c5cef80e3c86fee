package invite_test

import (
	"context"
	"fmt"
	"time"

	"github.com/praksis/praksis/invite"
	"github.com/praksis/praksis/practice"
	"github.com/praksis/praksis/storage/memory"
)

// A study site invites a practice site's first administrator; the link in
// the mail is used with an ID-porten login whose number is bound to the
// new person at that moment.
func Example() {
	ctx := context.Background()
	store := memory.New()
	now := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
	clock := practice.ClockFunc(func() time.Time { return now })
	kernel := practice.NewService(store, practice.WithClock(clock))
	invites, err := invite.NewService(store, make([]byte, invite.KeySize), invite.WithClock(clock))
	if err != nil {
		panic(err)
	}
	org, err := kernel.CreateOrganisation(ctx, practice.SystemActor(),
		practice.OrganisationInput{Name: "Oslo kommune", OrgNumber: "958935420"})
	if err != nil {
		panic(err)
	}

	inv, err := invites.Invite(ctx, practice.SystemActor(), org.ID,
		invite.Input{Name: "Kari Nordmann", Email: "kari@oslo.example.org", Right: practice.Admin})
	if err != nil {
		panic(err)
	}
	fmt.Println(inv.State, "until", inv.ExpiresAt.Format(time.DateOnly), "reminder", inv.RemindAt.Format(time.DateOnly))

	// The delivery code asks for the mail, which carries the link's secret.
	mail, _, err := invites.Mail(ctx, invite.EventRef{InvitationID: inv.ID, Mail: invite.MailInvitation})
	if err != nil {
		panic(err)
	}
	pid, _ := practice.ParseNationalID("24928810018") // a synthetic test number
	acc, err := invites.Accept(ctx, mail.Token, invite.Login{NationalID: pid})
	if err != nil {
		panic(err)
	}
	kari, _ := kernel.Actor(ctx, acc.PersonID)
	fmt.Println(acc.Invitation.State, kari.Right(org.ID))

	_, err = invites.Accept(ctx, mail.Token, invite.Login{NationalID: pid})
	fmt.Println(practice.Message(err))
	// Output:
	// pending until 2026-11-16 reminder 2026-11-09
	// accepted admin
	// conflict: the invitation can no longer be used: it was used, withdrawn or replaced; ask for a new one
}
