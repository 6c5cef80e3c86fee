package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/praksis/praksis/invite"
	"github.com/praksis/praksis/practice"
)

// Invitee describes a demo invitation: whom it invites, to which right,
// and who sent it.
type Invitee struct {
	Name       string
	Email      string
	Right      practice.Right
	NationalID string // synthetic, or ""
	Language   string // of the mails: "nb" or "en"
	By         User
	// Age is how long before loading it was sent.
	Age time.Duration
}

// The demo's pending invitations.
var (
	// PendingInvitee is invited by the hospital's administrator to read
	// right, in English, just now: the reminder goes in 7 days, the link
	// dies in 14.
	PendingInvitee = Invitee{Name: "Ola Nilsen", Email: "ola.nilsen@ous.example.org", Right: practice.Read, Language: "en", By: OUSAdmin}
	// ExpiringInvitee was invited by the municipality's administrator to
	// write right, with a national identity number, almost 7 days ago: the
	// invitation expires an hour after loading.
	ExpiringInvitee = Invitee{Name: "Sofie Berg", Email: "sofie.berg@oslo.example.org", Right: practice.Write,
		NationalID: "01810750126", By: OsloAdmin, Age: 7*24*time.Hour - time.Hour}
)

// Invitees lists the demo invitations.
var Invitees = []Invitee{PendingInvitee, ExpiringInvitee}

// LoadInvitations sends the demo invitations, as their senders, through
// services over store sealing links with key. Call it once, after [Load]
// reported that it loaded, with the same context, so that the invitations
// and their mails join the load's transaction.
func LoadInvitations(ctx context.Context, svc *practice.Service, store invite.Store, key []byte, now time.Time) error {
	for i, in := range Invitees {
		sentAt := now.Add(-in.Age)
		invites, err := invite.NewService(store, key, invite.WithClock(practice.ClockFunc(func() time.Time { return sentAt })))
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		by, err := svc.ActorByEmail(ctx, in.By.Email)
		if err != nil {
			return fmt.Errorf("demo: invitation %d: the sender: %w", i, err)
		}
		input := invite.Input{Name: in.Name, Email: in.Email, Right: in.Right, Language: in.Language}
		if in.NationalID != "" {
			if input.NationalID, err = practice.ParseNationalID(in.NationalID); err != nil {
				return fmt.Errorf("demo: invitation %d: %w", i, err)
			}
		}
		org, err := svc.PersonMemberships(ctx, by, by.PersonID)
		if err != nil || len(org) == 0 {
			return fmt.Errorf("demo: invitation %d: the sender's organisation: %w", i, err)
		}
		if _, err := invites.Invite(ctx, by, org[0].OrganisationID, input); err != nil {
			return fmt.Errorf("demo: invite %s: %w", in.Email, err)
		}
	}
	return nil
}
