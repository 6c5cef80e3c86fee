package storagetest

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/praksis/praksis/invite"
	"github.com/praksis/praksis/practice"
)

// The benchmarks every store with an outbox runs from a benchmark of its
// own, such as
//
//	func BenchmarkPublish(b *testing.B) { storagetest.BenchPublish(b, newStore(b)) }
//
// Each measures what the outbox adds to a transaction by running it with
// and without the outbox in alternating batches, so that a store that grows
// or a machine that slows down weighs on both alike. They report
// outbox-us/op and outbox-allocs/op, the difference, and the time of the
// transaction without the outbox.

// PublishStore is a store with an outbox.
type PublishStore interface {
	practice.Store
	practice.Publisher
}

// BenchPublish measures what one Publish adds to a transaction that creates
// a person on s, an empty store; tx-us/op is the transaction without it.
func BenchPublish(b *testing.B, s PublishStore) {
	ctx := context.Background()
	e := practice.Event{Kind: "bench.mail", Payload: json.RawMessage(`{"to":"kari@example.no","invitation":"4b1f6a52-32c1-4a5e-9b6c-4f2d3f1d2e3a"}`)}
	n := 0
	tx := func(publish bool) error {
		n++
		now := time.Now()
		p := practice.Person{ID: practice.NewID(), Name: fmt.Sprintf("Kari %d", n), Email: fmt.Sprintf("kari%d@example.no", n),
			Version: 1, CreatedAt: now, UpdatedAt: now}
		return s.InTx(ctx, func(ctx context.Context) error {
			if err := s.CreatePerson(ctx, p); err != nil {
				return err
			}
			if publish {
				return s.Publish(ctx, e)
			}
			return nil
		})
	}
	measureOutbox(b, "tx-us/op", tx)
}

// BenchInvite measures what the outbox adds to an invitation on s, an empty
// store: the invitation's transaction publishes three events (its mail,
// reminder and expiry) in one Publish. invite-us/op is the invitation
// without them.
func BenchInvite(b *testing.B, s invite.Store) {
	ctx := context.Background()
	org, err := practice.NewService(s).CreateOrganisation(ctx, practice.SystemActor(),
		practice.OrganisationInput{Name: "Oslo kommune", OrgNumber: "958935420"})
	if err != nil {
		b.Fatal(err)
	}
	key := make([]byte, invite.KeySize)
	withJobs, err := invite.NewService(s, key)
	if err != nil {
		b.Fatal(err)
	}
	without, err := invite.NewService(noOutbox{s}, key)
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	measureOutbox(b, "invite-us/op", func(publish bool) error {
		n++
		svc := without
		if publish {
			svc = withJobs
		}
		_, err := svc.Invite(ctx, practice.SystemActor(), org.ID, invite.Input{
			Name: "Veileder", Email: fmt.Sprintf("v%d@oslo.example.org", n), Right: practice.Read})
		return err
	})
}

// noOutbox is a store whose events go nowhere.
type noOutbox struct{ invite.Store }

func (noOutbox) Publish(context.Context, ...practice.Event) error { return nil }

// measureOutbox runs op(false) and op(true) b.N times each, in alternating
// batches, and reports what the outbox (op(true)) adds, and what op(false)
// takes as bare.
func measureOutbox(b *testing.B, bare string, op func(outbox bool) error) {
	b.Helper()
	if err := op(true); err != nil { // makes what the store makes at the first Publish
		b.Fatal(err)
	}
	type cost struct {
		d      time.Duration
		allocs uint64
	}
	batch := func(outbox bool, n int) cost {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		allocs, start := ms.Mallocs, time.Now()
		for range n {
			if err := op(outbox); err != nil {
				b.Fatal(err)
			}
		}
		d := time.Since(start)
		runtime.ReadMemStats(&ms)
		return cost{d, ms.Mallocs - allocs}
	}
	var with, without cost
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; {
		n := min(50, b.N-done)
		c := batch(false, n)
		without.d, without.allocs = without.d+c.d, without.allocs+c.allocs
		c = batch(true, n)
		with.d, with.allocs = with.d+c.d, with.allocs+c.allocs
		done += n
	}
	per := func(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) / float64(b.N) }
	b.ReportMetric(per(with.d-without.d), "outbox-us/op")
	b.ReportMetric(float64(int64(with.allocs)-int64(without.allocs))/float64(b.N), "outbox-allocs/op")
	b.ReportMetric(per(without.d), bare)
}
