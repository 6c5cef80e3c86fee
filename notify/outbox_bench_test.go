package notify_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/invite"
	"github.com/praksis/praksis/notify"
	"github.com/praksis/praksis/practice"
	"github.com/praksis/praksis/storage/memory"
	"github.com/praksis/praksis/storage/postgres"
	"github.com/praksis/praksis/storage/sqlite"
)

// outboxStore is a store with an outbox.
type outboxStore interface {
	practice.Transactor
	practice.Publisher
	practice.Deliverer
}

// BenchmarkOutbox10k queues 10,000 invitation mails in a store's outbox,
// then delivers them, with 8 workers, to an SMTP server in the process,
// and checks that each arrived exactly once. It reports the delivery's
// mails/s (the queueing is not timed):
//
//	PRAKSIS_REQUIRE_POSTGRES=1 go test -run '^$' -bench Outbox10k -benchtime 2x ./notify
func BenchmarkOutbox10k(b *testing.B) {
	b.Run("memory", func(b *testing.B) { benchOutbox(b, func(testing.TB) outboxStore { return memory.New() }) })
	b.Run("sqlite", func(b *testing.B) {
		benchOutbox(b, func(t testing.TB) outboxStore {
			ctx := context.Background()
			s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "praksis.db"))
			require.NoError(t, err)
			t.Cleanup(func() { _ = s.Close() })
			require.NoError(t, s.Migrate(ctx))
			return s
		})
	})
	b.Run("postgres", func(b *testing.B) { benchOutbox(b, postgresStore) })
}

// postgresStore returns a store on a schema of its own, dropped at the
// end, in the database PRAKSIS_POSTGRES_URL names (or the local one); it
// skips when PostgreSQL does not answer, unless PRAKSIS_REQUIRE_POSTGRES
// is set.
func postgresStore(t testing.TB) outboxStore {
	ctx := context.Background()
	url := os.Getenv("PRAKSIS_POSTGRES_URL")
	if url == "" {
		url = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	admin, err := pgx.Connect(ctx, url)
	if err != nil {
		if os.Getenv("PRAKSIS_REQUIRE_POSTGRES") != "" {
			t.Fatalf("PostgreSQL is required: %v", err)
		}
		t.Skipf("PostgreSQL does not answer: %v", err)
	}
	raw := make([]byte, 6)
	_, _ = rand.Read(raw)
	schema := "bench_outbox_" + hex.EncodeToString(raw)
	_, err = admin.Exec(ctx, "CREATE SCHEMA "+schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		_, _ = admin.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		_ = admin.Close(context.Background())
	})
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	s, err := postgres.Open(ctx, url+sep+"search_path="+schema)
	require.NoError(t, err)
	t.Cleanup(s.Close)
	require.NoError(t, s.Migrate(ctx))
	return s
}

func benchOutbox(b *testing.B, open func(testing.TB) outboxStore) {
	const mails, workers, batch = 10_000, 8, 500
	ctx := context.Background()
	r := newRenderer(b)
	src := &source{pending: true, mail: func(ref invite.EventRef) invite.Mail {
		m := sampleMail()
		m.To = "veileder@example.no"
		m.Token = ref.InvitationID.String()
		return m
	}}
	for b.Loop() {
		b.StopTimer()
		s := open(b)
		for i := 0; i < mails; i += batch {
			events := make([]practice.Event, batch)
			for j := range events {
				e, err := practice.NewEvent(invite.EventMail, invite.EventRef{InvitationID: practice.NewID(), Mail: invite.MailInvitation})
				require.NoError(b, err)
				events[j] = e
			}
			require.NoError(b, s.InTx(ctx, func(ctx context.Context) error { return s.Publish(ctx, events...) }))
		}
		srv := startServer(b, 0)
		sender := newSMTP(b, srv, workers)
		var sent atomic.Int64
		done := make(chan struct{})
		h := &notify.InviteHandler{Mails: src, Renderer: r, Sender: sender}
		counted := practice.HandlerFunc(func(ctx context.Context, d practice.Delivery) error {
			if err := h.Handle(ctx, d); err != nil {
				return err
			}
			if sent.Add(1) == mails {
				close(done)
			}
			return nil
		})
		b.StartTimer()

		stop, err := s.Deliver(ctx, counted, practice.DeliveryOptions{Workers: workers, Poll: 20 * time.Millisecond})
		require.NoError(b, err)
		select {
		case <-done:
		case <-time.After(5 * time.Minute):
			b.Fatalf("only %d of %d mails were delivered", sent.Load(), mails)
		}

		b.StopTimer()
		require.NoError(b, stop(ctx))
		require.NoError(b, sender.Close()) // the test server records a connection's mails at QUIT
		got, err := srv.WaitForMessages(mails, 10*time.Second)
		require.NoError(b, err)
		seen := map[string]int{}
		for _, m := range got {
			if !m.Msg() {
				continue
			}
			msg, err := mail.ReadMessage(strings.NewReader(m.MsgRequest()))
			require.NoError(b, err)
			seen[msg.Header.Get("Message-Id")]++
		}
		require.Len(b, seen, mails, "every queued mail arrived")
		for id, n := range seen {
			require.Equal(b, 1, n, "mail %s arrived once", id)
		}
		_ = srv.Stop()
		b.StartTimer()
	}
	b.ReportMetric(float64(mails*b.N)/b.Elapsed().Seconds(), "mails/s")
}
