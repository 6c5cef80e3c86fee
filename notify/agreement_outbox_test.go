package notify_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/agreement"
	"github.com/praksis/praksis/notify"
	"github.com/praksis/praksis/practice"
	"github.com/praksis/praksis/storage/memory"
	"github.com/praksis/praksis/storage/sqlite"
)

// TestExpiryReminderArrivesOnce runs the reminder of an agreement about to
// end from end to end: the agreement service's sweep publishes it to the
// store's outbox, the outbox delivers it (sweeping again itself, every
// second) to the handler, which sends it to an SMTP server in the process.
// Each of the institution's two practice administrators gets it once,
// however often the sweep runs, and nobody else does.
func TestExpiryReminderArrivesOnce(t *testing.T) {
	t.Parallel()
	t.Run("memory", func(t *testing.T) {
		t.Parallel()
		expiryOnce(t, memory.New())
	})
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "praksis.db"))
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		require.NoError(t, s.Migrate(ctx))
		expiryOnce(t, s)
	})
}

type expiryStore interface {
	agreement.Store
	practice.Deliverer
}

func expiryOnce(t *testing.T, s expiryStore) {
	ctx := context.Background()
	sys := practice.SystemActor()
	kernel := practice.NewService(s)
	agreements, err := agreement.NewService(s)
	require.NoError(t, err)
	inst, err := kernel.CreateInstitution(ctx, sys, practice.InstitutionInput{Name: "Norges idrettshøgskole", Code: "NIH"})
	require.NoError(t, err)
	org, err := kernel.CreateOrganisation(ctx, sys, practice.OrganisationInput{Name: "Oslo kommune", OrgNumber: "958935420"})
	require.NoError(t, err)
	for _, st := range []struct {
		email string
		role  practice.StaffRole
	}{{"sigrid@nih.example.org", practice.Administrator}, {"per@nih.example.org", practice.Administrator}, {"pia@nih.example.org", practice.Planner}} {
		p, err := kernel.CreatePerson(ctx, sys, practice.PersonInput{Name: strings.Split(st.email, "@")[0], Email: st.email})
		require.NoError(t, err)
		_, err = kernel.AssignRole(ctx, sys, inst.ID, p.ID, st.role)
		require.NoError(t, err)
	}
	today := practice.DateOf(time.Now().UTC())
	school, err := kernel.CreatePlace(ctx, sys, practice.NewPlace{OrganisationID: org.ID, Name: "Ullern videregående skole", From: today.AddDays(-400)})
	require.NoError(t, err)
	ag, err := agreements.Create(ctx, sys, inst.ID, agreement.Input{OrganisationID: org.ID, Name: "Praksisavtale Ullern",
		Places: []agreement.Covered{{PlaceID: school.ID}}, Period: practice.Period{Start: today.AddDays(-365), End: today.AddDays(30)},
		Status: agreement.Active})
	require.NoError(t, err)

	srv := startServer(t, 0)
	smtp := newSMTP(t, srv, 0)
	handlers := agreements.Handlers()
	handlers[agreement.EventExpiring] = &notify.AgreementHandler{Mails: agreements, Renderer: newRenderer(t), Sender: smtp}
	stop, err := s.Deliver(ctx, handlers, practice.DeliveryOptions{Poll: 50 * time.Millisecond,
		Periodic: []practice.Periodic{agreement.SweepEvery(time.Second)}})
	require.NoError(t, err)
	for range 3 {
		_, err := agreements.Sweep(ctx)
		require.NoError(t, err)
	}
	// Let the periodic sweep run twice more, then stop.
	time.Sleep(2500 * time.Millisecond)
	require.NoError(t, stop(ctx))
	require.NoError(t, smtp.Close())

	got := received(t, srv, 2)
	var to []string
	for _, m := range got {
		to = append(to, m.RcpttoRequestResponse()[0][0])
		p := parse(t, m.MsgRequest())
		require.Contains(t, p.Text, "Praksisavtale Ullern")
		require.Contains(t, p.Text, "om 30 dager")
	}
	require.Len(t, to, 2)
	require.True(t, strings.Contains(strings.Join(to, " "), "<sigrid@nih.example.org>") && strings.Contains(strings.Join(to, " "), "<per@nih.example.org>"),
		"each practice administrator gets it: %v", to)
	stored, err := s.Agreement(ctx, ag.ID)
	require.NoError(t, err)
	require.Equal(t, today.AddDays(30), stored.ExpiryNotified)
}
