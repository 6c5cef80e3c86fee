package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/internal/riverbox"
	"github.com/praksis/praksis/practice"
	"github.com/praksis/praksis/storage/storagetest"
)

// TestOutbox runs the outbox's cases, each on a schema of its own; a
// case's second deliverer runs on a second Store on the schema.
func TestOutbox(t *testing.T) {
	t.Parallel()
	storagetest.RunOutbox(t, storagetest.OutboxHarness{
		NewStore: func(t *testing.T) storagetest.OutboxStore {
			s, _ := setup(t)
			return s
		},
		Peer: func(_ *testing.T, s storagetest.OutboxStore) storagetest.OutboxStore {
			return New(s.(*Store).pool)
		},
	})
}

// TestOutboxMigrate checks that Migrate brings River's tables, in the
// store's schema, to the pinned version, and back after River's down
// migrations.
func TestOutboxMigrate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sc := schemas.bare(t)
	s := New(sc.pool)
	require.NoError(t, s.Migrate(ctx))
	version := func() int {
		var v int
		require.NoError(t, sc.pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM river_migration`).Scan(&v))
		return v
	}
	require.Equal(t, riverbox.MigrationVersion, version(), "Migrate brings River's tables to the pinned version")
	m, err := rivermigrate.New(riverpgxv5.New(sc.pool), &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	_, err = m.Migrate(ctx, rivermigrate.DirectionDown, &rivermigrate.MigrateOpts{TargetVersion: -1})
	require.NoError(t, err, "River's down migrations")
	var left int
	require.NoError(t, sc.pool.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = $1 AND tablename LIKE 'river%'`, sc.name).Scan(&left))
	require.Zero(t, left, "River's down migrations drop River's tables")
	require.NoError(t, s.Migrate(ctx))
	require.Equal(t, riverbox.MigrationVersion, version(), "Migrate makes River's tables again")
	require.Equal(t, schemas.migrated(t), schemaOf(t, sc.pool, sc.name), "River's tables are made in the store's schema, as the tests' schemas have them")
}

// The crash test: a process delivering the outbox's events dies in a
// handler, after the handler's effect and before River records the
// delivery as done; a process delivering later delivers that event again
// (and every event the first did not reach), so that no effect is lost and
// one is doubled, under the same Delivery.ID.
const (
	// crashEnv, set to a schema's name, makes TestOutboxCrash the process
	// that crashes, delivering from that schema.
	crashEnv = "PRAKSIS_TEST_OUTBOX_CRASH_SCHEMA"
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
	if schema := os.Getenv(crashEnv); schema != "" {
		crashingProcess(t, schema)
		return
	}
	t.Parallel()
	ctx := context.Background()
	sc := schemas.bare(t) // not handed to another test: it gets a table of the test's
	s := New(sc.pool)
	require.NoError(t, s.Migrate(ctx))
	_, err := sc.pool.Exec(ctx, `CREATE TABLE effects (
		delivery_id text NOT NULL, key text NOT NULL, attempt integer NOT NULL, pid integer NOT NULL)`)
	require.NoError(t, err)
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
	cmd.Env = append(os.Environ(), crashEnv+"="+sc.name)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "the crashing process ends with an error\n%s", out)
	require.Equal(t, crashExit, exit.ExitCode(), "the crashing process crashes in its handler\n%s", out)
	var running int
	var attempted time.Time
	require.NoError(t, sc.pool.QueryRow(ctx, `SELECT count(*), max(attempted_at) FROM river_job WHERE state = 'running'`).Scan(&running, &attempted))
	require.Equal(t, 1, running, "the crash came between the handler's effect and the record of its success")

	// The dead process led River's clients on the schema; its lease would
	// keep any other from leading, and so from rescuing the lost attempt,
	// until it runs out (River's leader TTL is 15 s). End it now, as time
	// would.
	_, err = sc.pool.Exec(ctx, `DELETE FROM river_leader`)
	require.NoError(t, err)
	// The rescue runs when a deliverer starts leading, and every 30 s
	// after: start once the lost attempt is old enough to rescue.
	time.Sleep(time.Until(attempted.Add(crashOptions.RescueAfter + 100*time.Millisecond)))
	stop, err := s.Deliver(ctx, practice.HandlerFunc(func(ctx context.Context, d practice.Delivery) error {
		return recordEffect(ctx, sc.pool, d)
	}), crashOptions)
	require.NoError(t, err)
	defer func() { require.NoError(t, stop(ctx)) }()

	deadline := time.Now().Add(20 * time.Second)
	var effects, keys int
	for time.Now().Before(deadline) {
		require.NoError(t, sc.pool.QueryRow(ctx, `SELECT count(*), count(DISTINCT key) FROM effects`).Scan(&effects, &keys))
		if keys == crashEvents && effects > crashEvents {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	require.Equal(t, crashEvents, keys, "rule: a crash loses no event: every event's effect arrived")
	rows, err := sc.pool.Query(ctx, `SELECT delivery_id, attempt, pid FROM effects
		WHERE key IN (SELECT key FROM effects GROUP BY key HAVING count(*) > 1) ORDER BY attempt`)
	require.NoError(t, err)
	type effect struct {
		ID      string
		Attempt int
		PID     int
	}
	doubled, err := pgx.CollectRows(rows, pgx.RowToStructByPos[effect])
	require.NoError(t, err)
	require.Len(t, doubled, 2, "rule: a crash doubles one effect, the one whose handler crashed, at most once: %+v", doubled)
	require.Equal(t, doubled[0].ID, doubled[1].ID, "rule: the doubled effect has the same Delivery.ID, for the receiver to drop")
	require.Equal(t, []int{1, 2}, []int{doubled[0].Attempt, doubled[1].Attempt}, "rule: the delivery after the crash is the next attempt")
	require.NotEqual(t, os.Getpid(), doubled[0].PID, "the first effect came from the process that crashed")
	require.Equal(t, os.Getpid(), doubled[1].PID, "the second effect came from the process delivering after the crash")
	require.Equal(t, crashEvents+1, effects, "rule: a crash doubles one effect at most")
}

// recordEffect is the handlers' effect: a row in the table effects.
func recordEffect(ctx context.Context, pool *pgxpool.Pool, d practice.Delivery) error {
	_, err := pool.Exec(ctx, `INSERT INTO effects (delivery_id, key, attempt, pid) VALUES ($1, $2, $3, $4)`,
		d.ID, d.Event.Key, d.Attempt, os.Getpid())
	return err
}

// crashingProcess delivers from schema until, in the handler of its
// crashAt-th delivery, after the effect, it exits with crashExit.
func crashingProcess(t *testing.T, schema string) {
	ctx := context.Background()
	config, err := pgxpool.ParseConfig(testURL())
	require.NoError(t, err)
	config.ConnConfig.RuntimeParams["search_path"] = schema
	pool, err := pgxpool.NewWithConfig(ctx, config)
	require.NoError(t, err)
	handled := 0
	_, err = New(pool).Deliver(ctx, practice.HandlerFunc(func(ctx context.Context, d practice.Delivery) error {
		handled++ // one worker
		if handled < crashAt {
			return recordEffect(ctx, pool, d)
		}
		// River records the deliveries done in batches: wait until the
		// ones before are recorded, so that only this one is lost.
		for range 100 {
			var running int
			if err := pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE state = 'running'`).Scan(&running); err != nil || running == 1 {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if err := recordEffect(ctx, pool, d); err != nil {
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
func BenchmarkPublish(b *testing.B) {
	s, _ := setup(b)
	storagetest.BenchPublish(b, s)
}
