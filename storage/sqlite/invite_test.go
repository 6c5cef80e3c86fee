package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/invite"
	"github.com/praksis/praksis/practice"
)

// noOutbox is a store whose events go nowhere, to measure what the outbox
// adds to an invitation.
type noOutbox struct{ *Store }

func (noOutbox) Publish(context.Context, ...practice.Event) error { return nil }

// BenchmarkInvite creates invitations, each in its transaction with its
// outbox jobs (the mail, the reminder and the expiry), and without the
// jobs; outbox-ms/op is what the jobs add.
func BenchmarkInvite(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "praksis.db"))
	require.NoError(b, err)
	b.Cleanup(func() { require.NoError(b, s.Close()) })
	require.NoError(b, s.Migrate(ctx))
	org, err := practice.NewService(s).CreateOrganisation(ctx, practice.SystemActor(),
		practice.OrganisationInput{Name: "Oslo kommune", OrgNumber: "958935420"})
	require.NoError(b, err)
	withJobs, err := invite.NewService(s, make([]byte, invite.KeySize))
	require.NoError(b, err)
	without, err := invite.NewService(noOutbox{s}, make([]byte, invite.KeySize))
	require.NoError(b, err)
	var i int
	run := func(b *testing.B, svc *invite.Service) {
		b.ReportAllocs()
		for b.Loop() {
			i++
			_, err := svc.Invite(ctx, practice.SystemActor(), org.ID, invite.Input{
				Name: "Veileder", Email: fmt.Sprintf("v%d@oslo.example.org", i), Right: practice.Read})
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	var bare float64 // µs per invitation without the jobs
	b.Run("bare", func(b *testing.B) {
		run(b, without)
		bare = float64(b.Elapsed().Microseconds()) / float64(b.N)
	})
	b.Run("outbox", func(b *testing.B) {
		run(b, withJobs)
		with := float64(b.Elapsed().Microseconds()) / float64(b.N)
		b.ReportMetric((with-bare)/1000, "outbox-ms/op")
	})
}
