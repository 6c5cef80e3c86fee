// Package riverbox is the outbox of the SQL adapters (practice.Publisher
// and practice.Deliverer) on River, the job queue: what the PostgreSQL and
// the SQLite adapter share, generic over the transaction type of River's
// driver (pgx.Tx, *sql.Tx). Each adapter brings the driver and finds the
// transaction of a context; this package turns events into River jobs and
// back, configures the clients and runs River's migrations.
//
// An event is a job of the kind [JobKind] in the queue [Queue], so that it
// keeps out of the way of any River jobs the embedding application keeps in
// the same tables. Its args hold the event's Kind, Key, At and Payload (the
// payload as JSON text, which the database keeps byte for byte). An event
// with a Key is a unique job, unique by its Kind and Key in every state
// River keeps; River deletes the jobs of events delivered or given up a
// day later (its retention of completed and cancelled jobs), and from then
// on the Key may be published again. The Delivery.ID is the job's ID in
// decimal.
//
// The deliverer gives an event up after DeliveryOptions.MaxAttempts: the
// jobs are stored with a limit far above any such value, because the
// publisher does not know the deliverer's options, and the worker cancels
// the job once its attempts are spent.
//
// River logs through slog.Default's handler at warning level and above
// only, and never a job's args: payloads may name people.
package riverbox

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/praksis/praksis/practice"
)

// JobKind is the River job kind of every event.
const JobKind = "praksis.event"

// Queue is the River queue of every event.
const Queue = "praksis"

// MigrationVersion is the version of River's schema that the adapters
// migrate to: 8 (008_job_id_autoincrement), the last migration of the main
// line that River v0.51.2 ships, for PostgreSQL and SQLite alike. Raise it
// with the River version in go.mod, after reading River's changelog.
const MigrationVersion = 8

// storedMaxAttempts is the max_attempts of every job: far above any
// DeliveryOptions.MaxAttempts (see the package documentation), and within
// PostgreSQL's smallint column.
const storedMaxAttempts = 10_000

const (
	// maxFetchCooldown bounds how often River fetches jobs however many
	// notifications and finished jobs call for it (River's default is
	// 100 ms). A fetch takes as many jobs as there are idle workers, so
	// under load the cooldown caps throughput at Workers per cooldown:
	// with River's default and 4 workers, 40 mails a second. A shorter
	// Poll makes it shorter too, as River requires.
	maxFetchCooldown = 5 * time.Millisecond
)

// Args is an event as the args of a River job.
type Args struct {
	// EventKind is the event's Kind; the job's kind is always JobKind.
	EventKind string `json:"kind" river:"unique"`
	// Key is the event's Key.
	Key string `json:"key,omitempty" river:"unique"`
	// At is the event's At, in UTC.
	At time.Time `json:"at,omitzero"`
	// Payload is the event's Payload as text, so that a database that
	// stores args as jsonb keeps it as published.
	Payload string `json:"payload,omitempty"`
}

// Kind implements river.JobArgs.
func (Args) Kind() string { return JobKind }

// event returns the event a's job carries.
func (a Args) event() practice.Event {
	e := practice.Event{Kind: a.EventKind, Key: a.Key, At: a.At}
	if a.Payload != "" {
		e.Payload = json.RawMessage(a.Payload)
	}
	return e
}

// Job returns the args and insert options of e's job. It does not check
// e: call e.Check first.
func Job(e practice.Event) (Args, *river.InsertOpts) {
	args := Args{EventKind: e.Kind, Key: e.Key, Payload: string(e.Payload)}
	opts := &river.InsertOpts{Queue: Queue, MaxAttempts: storedMaxAttempts}
	if !e.At.IsZero() {
		args.At = e.At.UTC()
		// River keeps times to the millisecond on SQLite (the microsecond
		// on PostgreSQL): rounded up, never down, so that the event is
		// never due before At.
		opts.ScheduledAt = args.At.Truncate(time.Millisecond)
		if opts.ScheduledAt.Before(args.At) {
			opts.ScheduledAt = opts.ScheduledAt.Add(time.Millisecond)
		}
	}
	if e.Key != "" {
		opts.UniqueOpts = river.UniqueOpts{ByArgs: true, ByState: rivertype.JobStates()}
	}
	return args, opts
}

// NewInserter returns a River client that only inserts jobs, in the
// transactions of driver's kind; driver may have no pool. A store keeps one
// for its Publish.
func NewInserter[TTx any](driver riverdriver.Driver[TTx]) (*river.Client[TTx], error) {
	c, err := river.NewClient(driver, &river.Config{Logger: logger()})
	if err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	return c, nil
}

// Publish stores the events in tx with c, a client from [NewInserter], in
// one statement, after checking each with Event.Check. An event whose Kind
// and Key are taken stores nothing and is no error. An error of the
// database is wrapped, for the adapter to translate.
func Publish[TTx any](ctx context.Context, c *river.Client[TTx], tx TTx, events []practice.Event) error {
	params := make([]river.InsertManyParams, 0, len(events))
	type key struct{ kind, key string }
	seen := map[key]bool{}
	for _, e := range events {
		if err := e.Check(); err != nil {
			return err
		}
		if e.Key != "" {
			// A second event with a Kind and Key of the batch is dropped
			// here: one statement cannot insert and skip the same row.
			k := key{e.Kind, e.Key}
			if seen[k] {
				continue
			}
			seen[k] = true
		}
		args, opts := Job(e)
		params = append(params, river.InsertManyParams{Args: args, InsertOpts: opts})
	}
	if len(params) == 0 {
		return nil
	}
	if _, err := c.InsertManyTx(ctx, tx, params); err != nil {
		return fmt.Errorf("outbox: publish %s: %w", events[0].Kind, err)
	}
	return nil
}

// Deliver starts a River client on driver (which must have a pool) that
// delivers the events to h, with o (see practice.DeliveryOptions), and
// returns the function that stops it. The client runs until stopped, not
// until ctx is done. Periodic events are River's periodic jobs, which only
// the leader among the clients on the database enqueues, the first an
// interval after it began to lead; their At is ignored.
func Deliver[TTx any](ctx context.Context, driver riverdriver.Driver[TTx], h practice.Handler, o practice.DeliveryOptions) (stop func(context.Context) error, err error) {
	// Every event is stored with more attempts (storedMaxAttempts) than
	// WithDefaults lets a deliverer ask for.
	o, err = o.WithDefaults()
	if err != nil {
		return nil, err
	}
	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, &worker{h: h, maxAttempts: o.MaxAttempts}); err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	periodic := make([]*river.PeriodicJob, len(o.Periodic))
	for i, p := range o.Periodic {
		args, opts := Job(practice.Event{Kind: p.Event.Kind, Key: p.Event.Key, Payload: p.Event.Payload})
		periodic[i] = river.NewPeriodicJob(river.PeriodicInterval(p.Every),
			func() (river.JobArgs, *river.InsertOpts) { return args, opts }, nil)
	}
	c, err := river.NewClient(driver, &river.Config{
		FetchCooldown:        min(o.Poll, maxFetchCooldown),
		FetchPollInterval:    o.Poll,
		JobTimeout:           o.Timeout,
		Logger:               logger(),
		MaxAttempts:          storedMaxAttempts,
		PeriodicJobs:         periodic,
		Queues:               map[string]river.QueueConfig{Queue: {MaxWorkers: o.Workers}},
		RescueStuckJobsAfter: o.RescueAfter,
		Workers:              workers,
	})
	if err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	if err := c.Start(context.WithoutCancel(ctx)); err != nil {
		return nil, fmt.Errorf("outbox: start delivery: %w", err)
	}
	return func(ctx context.Context) error {
		if err := c.Stop(ctx); err != nil {
			// ctx is done: cancel the attempts under way, and do not
			// wait for them any longer.
			_ = c.StopAndCancel(ctx)
			return fmt.Errorf("outbox: stop delivery: %w", err)
		}
		return nil
	}, nil
}

// worker delivers the events of its client's jobs to h.
type worker struct {
	river.WorkerDefaults[Args]
	h           practice.Handler
	maxAttempts int
}

// Work implements river.Worker: it hands the job's event to the handler,
// and cancels the job, so that it is not tried again, once the attempts
// that the options allow are spent. An attempt beyond them (after a crash)
// is not handed over.
func (w *worker) Work(ctx context.Context, job *river.Job[Args]) error {
	if job.Attempt > w.maxAttempts {
		return river.JobCancel(fmt.Errorf("outbox: event %s given up after %d attempts", job.Args.EventKind, w.maxAttempts))
	}
	d := practice.Delivery{ID: strconv.FormatInt(job.ID, 10), Event: job.Args.event(), Attempt: job.Attempt}
	err := w.h.Handle(ctx, d)
	if err != nil && job.Attempt >= w.maxAttempts {
		return river.JobCancel(err)
	}
	return err
}

// Migrate brings River's tables up to [MigrationVersion], one migration
// per transaction: inTx runs fn in a transaction of its own, committed if
// fn returns nil, and holding the adapter's migration lock so that
// processes migrating at once take turns. (Some migrations cannot share a
// transaction: PostgreSQL uses a value added to an enum only after the
// transaction that added it commits.) driver may have no pool.
func Migrate[TTx any](ctx context.Context, driver riverdriver.Driver[TTx], inTx func(ctx context.Context, fn func(ctx context.Context, tx TTx) error) error) error {
	m, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: logger()})
	if err != nil {
		return fmt.Errorf("outbox: migrate: %w", err)
	}
	applied := 0
	err = inTx(ctx, func(ctx context.Context, tx TTx) error {
		versions, err := m.ExistingVersionsTx(ctx, tx)
		for _, v := range versions {
			applied = max(applied, v.Version)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("outbox: migrate: %w", err)
	}
	for v := applied + 1; v <= MigrationVersion; v++ {
		err := inTx(ctx, func(ctx context.Context, tx TTx) error {
			// The target's migration, unless another process applied it
			// first. MigrateTx is deprecated because it would batch
			// migrations in one transaction; here it runs one, in the
			// adapter's locked transaction.
			//lint:ignore SA1019 one migration per transaction, as Migrate would run it
			_, err := m.MigrateTx(ctx, tx, rivermigrate.DirectionUp, &rivermigrate.MigrateOpts{TargetVersion: v})
			return err
		})
		if err != nil {
			return fmt.Errorf("outbox: migrate River to version %d: %w", v, err)
		}
	}
	return nil
}

// logger returns the logger of River's clients and migrator: slog.Default's
// handler, from warnings up, without the args of any job.
func logger() *slog.Logger {
	return slog.New(quiet{slog.Default().Handler()})
}

// quiet passes the records of warning level and above to its handler,
// without the attributes that may hold a job's args.
type quiet struct{ h slog.Handler }

func (q quiet) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && q.h.Enabled(ctx, l)
}

func (q quiet) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
	r.Attrs(func(a slog.Attr) bool {
		if !secret(a.Key) {
			out.AddAttrs(a)
		}
		return true
	})
	return q.h.Handle(ctx, out)
}

func (q quiet) WithAttrs(as []slog.Attr) slog.Handler {
	kept := make([]slog.Attr, 0, len(as))
	for _, a := range as {
		if !secret(a.Key) {
			kept = append(kept, a)
		}
	}
	return quiet{q.h.WithAttrs(kept)}
}

func (q quiet) WithGroup(name string) slog.Handler { return quiet{q.h.WithGroup(name)} }

// secret reports whether an attribute of River's logs may hold a job's
// args.
func secret(key string) bool {
	switch key {
	case "args", "encoded_args", "job_args", "metadata", "job":
		return true
	}
	return false
}
