package sqlite

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/internal/riverbox"
	"github.com/praksis/praksis/practice"
	"github.com/praksis/praksis/storage/storagetest"
)

// TestOutbox runs the outbox's cases, each on a file of its own; a case's
// second deliverer runs on a second store on the file, as a second process
// would.
func TestOutbox(t *testing.T) {
	t.Parallel()
	storagetest.RunOutbox(t, storagetest.OutboxHarness{
		NewStore: func(t *testing.T) storagetest.OutboxStore { return openMigrated(t) },
		Peer: func(t *testing.T, s storagetest.OutboxStore) storagetest.OutboxStore {
			return openAt(t, fileOf(t, s.(*Store)))
		},
	})
}

// openMigrated returns a store on a copy, in t.TempDir(), of a database
// file that Migrate made once for the test binary, closed in t.Cleanup. It
// is open's result without the cost of the migrations, which is that of
// River's mostly, and which the race detector makes some 30 times higher
// in the SQLite library (modernc.org/sqlite, C translated to Go).
func openMigrated(t *testing.T) *Store {
	t.Helper()
	b, err := migratedFile()
	require.NoError(t, err, "make the migrated database file")
	path := filepath.Join(t.TempDir(), "praksis.db")
	require.NoError(t, os.WriteFile(path, b, 0o600))
	return openAt(t, path)
}

// migratedFile returns the content of a migrated database file, made once.
var migratedFile = sync.OnceValues(func() ([]byte, error) {
	dir, err := os.MkdirTemp("", "praksis-sqlite-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	path := filepath.Join(dir, "praksis.db")
	s, err := Open(ctx, path)
	if err != nil {
		return nil, err
	}
	err = s.Migrate(ctx)
	if err == nil { // the whole database in the file, none in the write-ahead log
		_, err = s.DB().ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	}
	if err = errors.Join(err, s.Close()); err != nil {
		return nil, err
	}
	return os.ReadFile(path)
})

// fileOf returns the path of the file of s's database.
func fileOf(t testing.TB, s *Store) string {
	t.Helper()
	var path string
	require.NoError(t, s.DB().QueryRowContext(context.Background(), `SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&path))
	require.NotEmpty(t, path)
	return path
}

// TestOutboxMigrate checks that Migrate brings River's tables to the
// pinned version, and back after River's down migrations.
func TestOutboxMigrate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openMigrated(t)
	version := func() int {
		var v int
		require.NoError(t, s.DB().QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM river_migration`).Scan(&v))
		return v
	}
	require.Equal(t, riverbox.MigrationVersion, version(), "Migrate brings River's tables to the pinned version")
	unmigrateOutbox(t, s)
	var left int
	require.NoError(t, s.DB().QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE name LIKE 'river%'`).Scan(&left))
	require.Zero(t, left, "River's down migrations drop River's tables")
	require.NoError(t, s.Migrate(ctx))
	require.Equal(t, riverbox.MigrationVersion, version(), "Migrate makes River's tables again")
}

// unmigrateOutbox runs River's down migrations, all of them: what an
// application that steps the schema back with the down files of
// Migrations and a tool of its own does for River's tables.
func unmigrateOutbox(t testing.TB, s *Store) {
	t.Helper()
	m, err := rivermigrate.New(riversqlite.New(s.DB().DB), &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	_, err = m.Migrate(context.Background(), rivermigrate.DirectionDown, &rivermigrate.MigrateOpts{TargetVersion: -1})
	require.NoError(t, err, "River's down migrations")
}

func TestOutboxNew(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openMigrated(t)
	other := New(s.DB()) // a store made by New finds the file for its deliverers
	got := make(chan practice.Delivery, 1)
	stop, err := other.Deliver(ctx, practice.HandlerFunc(func(_ context.Context, d practice.Delivery) error {
		got <- d
		return nil
	}), practice.DeliveryOptions{Poll: 20 * time.Millisecond})
	require.NoError(t, err)
	require.NoError(t, s.InTx(ctx, func(ctx context.Context) error { return s.Publish(ctx, practice.Event{Kind: "test.new"}) }))
	select {
	case d := <-got:
		require.Equal(t, "test.new", d.Event.Kind)
	case <-time.After(10 * time.Second):
		t.Fatal("a store made by New delivers")
	}
	require.NoError(t, stop(ctx))
	require.NoError(t, other.closeOutbox())

	mem, err := Open(ctx, ":memory:")
	require.NoError(t, err)
	defer mem.Close()
	_, err = mem.Deliver(ctx, practice.HandlerFunc(func(context.Context, practice.Delivery) error { return nil }), practice.DeliveryOptions{})
	require.Error(t, err, "a database in memory, which a second connection cannot open, cannot deliver")
}

// The crash test: a process delivering the outbox's events dies in a
// handler, after the handler's effect and before River records the
// delivery as done; a process delivering later delivers that event again
// (and every event the first did not reach), so that no effect is lost and
// one is doubled, under the same Delivery.ID.
const (
	// crashEnv, set to a database file, makes TestOutboxCrash the process
	// that crashes, delivering from that file.
	crashEnv = "PRAKSIS_TEST_OUTBOX_CRASH_FILE"
	// crashEvents are published; the process crashes in the handler of
	// its crashAt-th delivery.
	crashEvents = 20
	crashAt     = 5
	// crashExit is the crashing process's exit code.
	crashExit = 3
)

// crashOptions are the options of both processes' deliverers: an attempt
// is taken for lost two seconds after it began.
var crashOptions = practice.DeliveryOptions{Workers: 1, Timeout: time.Second, RescueAfter: 2 * time.Second, Poll: 50 * time.Millisecond}

func TestOutboxCrash(t *testing.T) {
	if path := os.Getenv(crashEnv); path != "" {
		crashingProcess(t, path)
		return
	}
	t.Parallel()
	ctx := context.Background()
	s := openMigrated(t)
	path := fileOf(t, s)
	execRaw(t, s, `CREATE TABLE effects (delivery_id TEXT NOT NULL, key TEXT NOT NULL, attempt INTEGER NOT NULL, pid INTEGER NOT NULL)`)
	require.NoError(t, s.InTx(ctx, func(ctx context.Context) error {
		for i := range crashEvents {
			if err := s.Publish(ctx, practice.Event{Kind: "test.crash", Key: fmt.Sprintf("event-%02d", i)}); err != nil {
				return err
			}
		}
		return nil
	}))

	// The first process delivers until it crashes.
	runCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	cmd := exec.CommandContext(runCtx, os.Args[0], "-test.run=^TestOutboxCrash$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "the crashing process ends with an error\n%s", out)
	require.Equal(t, crashExit, exit.ExitCode(), "the crashing process crashes in its handler\n%s", out)
	var running int
	require.NoError(t, s.DB().QueryRowContext(ctx, `SELECT count(*) FROM river_job WHERE state = 'running'`).Scan(&running))
	require.Equal(t, 1, running, "the crash came between the handler's effect and the record of its success")

	// The dead process led River's clients on the file; its lease would
	// keep any other from leading, and so from rescuing the lost attempt,
	// until it runs out (River's leader TTL is 15 s). End it now, as time
	// would.
	execRaw(t, s, `DELETE FROM river_leader`)
	// The rescue runs when a deliverer starts leading, and every 30 s
	// after: start once the lost attempt, begun before the crash, is old
	// enough to rescue.
	time.Sleep(crashOptions.RescueAfter + 100*time.Millisecond)
	stop, err := s.Deliver(ctx, practice.HandlerFunc(func(ctx context.Context, d practice.Delivery) error {
		return recordEffect(ctx, s, d)
	}), crashOptions)
	require.NoError(t, err)
	defer func() { require.NoError(t, stop(ctx)) }()

	deadline := time.Now().Add(20 * time.Second)
	var effects, keys int
	for time.Now().Before(deadline) {
		require.NoError(t, s.DB().QueryRowContext(ctx, `SELECT count(*), count(DISTINCT key) FROM effects`).Scan(&effects, &keys))
		if keys == crashEvents && effects > crashEvents {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	require.Equal(t, crashEvents, keys, "rule: a crash loses no event: every event's effect arrived")
	type effect struct {
		ID      string
		Attempt int
		PID     int
	}
	rows, err := s.DB().QueryContext(ctx, `SELECT delivery_id, attempt, pid FROM effects
		WHERE key IN (SELECT key FROM effects GROUP BY key HAVING count(*) > 1) ORDER BY attempt`)
	require.NoError(t, err)
	defer rows.Close()
	var doubled []effect
	for rows.Next() {
		var e effect
		require.NoError(t, rows.Scan(&e.ID, &e.Attempt, &e.PID))
		doubled = append(doubled, e)
	}
	require.NoError(t, rows.Err())
	require.Len(t, doubled, 2, "rule: a crash doubles one effect, the one whose handler crashed, at most once: %+v", doubled)
	require.Equal(t, doubled[0].ID, doubled[1].ID, "rule: the doubled effect has the same Delivery.ID, for the receiver to drop")
	require.Equal(t, []int{1, 2}, []int{doubled[0].Attempt, doubled[1].Attempt}, "rule: the delivery after the crash is the next attempt")
	require.NotEqual(t, os.Getpid(), doubled[0].PID, "the first effect came from the process that crashed")
	require.Equal(t, os.Getpid(), doubled[1].PID, "the second effect came from the process delivering after the crash")
	require.Equal(t, crashEvents+1, effects, "rule: a crash doubles one effect at most")
}

// recordEffect is the handlers' effect: a row in the table effects.
func recordEffect(ctx context.Context, s *Store, d practice.Delivery) error {
	_, err := s.DB().DB.ExecContext(ctx, `INSERT INTO effects (delivery_id, key, attempt, pid) VALUES (?, ?, ?, ?)`,
		d.ID, d.Event.Key, d.Attempt, os.Getpid())
	return err
}

// crashingProcess delivers from the file at path until, in the handler of
// its crashAt-th delivery, after the effect, it exits with crashExit.
func crashingProcess(t *testing.T, path string) {
	ctx := context.Background()
	s, err := Open(ctx, path)
	require.NoError(t, err)
	handled := 0
	_, err = s.Deliver(ctx, practice.HandlerFunc(func(ctx context.Context, d practice.Delivery) error {
		handled++ // one worker
		if handled < crashAt {
			return recordEffect(ctx, s, d)
		}
		// River records the deliveries done in batches: wait until the
		// ones before are recorded, so that only this one is lost.
		for range 100 {
			var running int
			if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM river_job WHERE state = 'running'`).Scan(&running); err != nil || running == 1 {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if err := recordEffect(ctx, s, d); err != nil {
			return err
		}
		os.Exit(crashExit) // "sent", and crashed before River heard of it
		return nil
	}), crashOptions)
	require.NoError(t, err)
	time.Sleep(30 * time.Second)
	t.Fatal("the crashing process did not crash")
}

// BenchmarkPublish measures what a Publish adds to a transaction (see
// storagetest.BenchPublish).
func BenchmarkPublish(b *testing.B) { storagetest.BenchPublish(b, openBench(b)) }

// openBench returns a migrated store on a new file, closed when b ends.
func openBench(b *testing.B) *Store {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "praksis.db"))
	require.NoError(b, err)
	b.Cleanup(func() { require.NoError(b, s.Close()) })
	require.NoError(b, s.Migrate(ctx))
	return s
}
