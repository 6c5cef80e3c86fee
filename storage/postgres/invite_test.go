package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/invite"
	"github.com/praksis/praksis/practice"
	"github.com/praksis/praksis/storage/storagetest"
)

// inviteWorld is an organisation on a store, with a service that invites
// as the system.
func inviteWorld(t testing.TB, s *Store, clock practice.Clock) (practice.Organisation, *invite.Service) {
	t.Helper()
	ctx := context.Background()
	kernel := practice.NewService(s, practice.WithClock(clock))
	org, err := kernel.CreateOrganisation(ctx, practice.SystemActor(), practice.OrganisationInput{Name: "Oslo kommune", OrgNumber: "958935420"})
	require.NoError(t, err)
	invites, err := invite.NewService(s, make([]byte, invite.KeySize), invite.WithClock(clock))
	require.NoError(t, err)
	return org, invites
}

// TestTwoSchedulersRemindOnce runs two deliverers, each with its own
// service and periodic sweep, on one PostgreSQL schema, as two server
// processes would, while both also sweep by hand, and checks that every
// due reminder is sent once, as is every invitation.
func TestTwoSchedulersRemindOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s1, _ := setup(t)
	s2 := New(s1.pool)
	// The invitations were sent 7 days and a minute ago: every reminder is
	// due now, and River finds the reminder events due too.
	sentAt := time.Now().Add(-7*24*time.Hour - time.Minute)
	org, sender := inviteWorld(t, s1, practice.ClockFunc(func() time.Time { return sentAt }))
	const n = 20
	for i := range n {
		_, err := sender.Invite(ctx, practice.SystemActor(), org.ID, invite.Input{
			Name: fmt.Sprintf("Veileder %d", i), Email: fmt.Sprintf("veileder%d@oslo.example.org", i), Right: practice.Read})
		require.NoError(t, err)
	}

	var (
		mu    sync.Mutex
		mails = map[invite.EventRef]int{}
	)
	start := func(s *Store) (*invite.Service, func(context.Context) error) {
		invites, err := invite.NewService(s, make([]byte, invite.KeySize))
		require.NoError(t, err)
		h := invites.Handlers()
		h[invite.EventMail] = practice.HandlerFunc(func(ctx context.Context, d practice.Delivery) error {
			var ref invite.EventRef
			if err := json.Unmarshal(d.Event.Payload, &ref); err != nil {
				return err
			}
			if _, ok, err := invites.Mail(ctx, ref); err != nil || !ok {
				return err
			}
			mu.Lock()
			mails[ref]++
			mu.Unlock()
			return nil
		})
		stop, err := s.Deliver(ctx, h, practice.DeliveryOptions{Poll: 50 * time.Millisecond,
			Periodic: []practice.Periodic{invite.SweepEvery(time.Second)}})
		require.NoError(t, err)
		return invites, stop
	}
	inv1, stop1 := start(s1)
	inv2, stop2 := start(s2)
	defer func() {
		require.NoError(t, stop1(ctx))
		require.NoError(t, stop2(ctx))
	}()
	var wg sync.WaitGroup
	for _, inv := range []*invite.Service{inv1, inv2, inv1, inv2} {
		wg.Go(func() {
			_, err := inv.Sweep(ctx)
			// Two sweeps may reach one invitation at once: the one that
			// loses the race finds it reminded, or fails on the lock,
			// and repeats nothing.
			if err != nil {
				t.Log("sweep:", err)
			}
		})
	}
	wg.Wait()

	count := func(kind invite.MailKind) (events, sent int) {
		mu.Lock()
		defer mu.Unlock()
		for ref, c := range mails {
			if ref.Mail == kind {
				events++
				sent += c
			}
		}
		return events, sent
	}
	require.Eventually(t, func() bool {
		r, _ := count(invite.MailReminder)
		i, _ := count(invite.MailInvitation)
		return r == n && i == n
	}, 30*time.Second, 50*time.Millisecond, "every invitation and its reminder are mailed")
	time.Sleep(1500 * time.Millisecond) // another sweep of each scheduler
	events, sent := count(invite.MailReminder)
	require.Equal(t, n, events)
	require.Equal(t, n, sent, "each reminder is sent once")
	events, sent = count(invite.MailInvitation)
	require.Equal(t, n, events)
	require.Equal(t, n, sent, "each invitation is sent once")

	trail, err := practice.All(func(p practice.PageRequest) (practice.Page[practice.AuditEntry], error) {
		return s1.AuditEntries(ctx, practice.AuditFilter{OrganisationID: org.ID, Page: p})
	})
	require.NoError(t, err)
	var reminded int
	for _, e := range trail {
		if e.Action == invite.AuditReminded {
			reminded++
		}
	}
	require.Equal(t, n, reminded, "each reminder is recorded once")
}

// BenchmarkInvite measures what the outbox adds to an invitation (see
// storagetest.BenchInvite).
func BenchmarkInvite(b *testing.B) {
	s, _ := setup(b)
	storagetest.BenchInvite(b, s)
}

// TestAcceptRacesResend accepts invitations while they are re-sent, on
// PostgreSQL, whose locks wait for each other: every call either succeeds
// or is refused in the domain's words, never with a deadlock.
func TestAcceptRacesResend(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := setup(t)
	org, invites := inviteWorld(t, s, practice.SystemClock)
	pid, err := practice.ParseNationalID("15839210040")
	require.NoError(t, err)
	domain := func(err error) bool {
		var e *practice.Error
		return err == nil || errors.As(err, &e)
	}
	for i := range 20 {
		inv, err := invites.Invite(ctx, practice.SystemActor(), org.ID, invite.Input{
			Name: "Veileder", Email: fmt.Sprintf("race%d@oslo.example.org", i), Right: practice.Read})
		require.NoError(t, err)
		m, ok, err := invites.Mail(ctx, invite.EventRef{InvitationID: inv.ID, Mail: invite.MailInvitation})
		require.NoError(t, err)
		require.True(t, ok)
		var wg sync.WaitGroup
		var acceptErr, resendErr error
		wg.Go(func() { _, acceptErr = invites.Accept(ctx, m.Token, invite.Login{NationalID: pid}) })
		wg.Go(func() { _, resendErr = invites.Resend(ctx, practice.SystemActor(), inv.ID) })
		wg.Wait()
		require.True(t, domain(acceptErr), "accept: %v", acceptErr)
		require.True(t, domain(resendErr), "re-send: %v", resendErr)
		require.False(t, acceptErr == nil && resendErr == nil, "a link is not used after its invitation was replaced, nor replaced after use")
	}
}
