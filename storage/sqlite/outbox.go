package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"github.com/praksis/praksis/internal/riverbox"
	"github.com/praksis/praksis/practice"
)

// The outbox is River's, in the tables River's migrations make in the same
// file (see [Store.Migrate]): an event is a River job (package
// internal/riverbox says how). Publish inserts it in the store's
// transaction. The deliverers of a store share a pool of one connection to
// the file, their own, as River's SQLite driver asks: River runs its work
// side by side, and SQLite lets one connection at a time write.

var (
	_ practice.Publisher = (*Store)(nil)
	_ practice.Deliverer = (*Store)(nil)
)

// errPublishNoTx is the error of Publish outside a transaction.
var errPublishNoTx = errors.New("sqlite: Publish must be called with the context of an InTx callback or of WithTx, whose transaction stores the event")

// outbox is what a Store keeps for its outbox, each made on first use: the
// River client that inserts its events, and the deliverers' pool.
type outbox struct {
	once     sync.Once
	inserter *river.Client[*sql.Tx]
	err      error

	mu     sync.Mutex
	pool   *sql.DB // the deliverers' one connection, or nil
	closed bool
}

// inserter returns the store's River client that inserts jobs in
// transactions, without a pool of its own.
func (s *Store) inserter() (*river.Client[*sql.Tx], error) {
	s.outbox.once.Do(func() {
		s.outbox.inserter, s.outbox.err = riverbox.NewInserter(riversqlite.New(nil))
	})
	return s.outbox.inserter, s.outbox.err
}

// Publish implements practice.Publisher: it inserts the events' River
// jobs, in one statement, in the transaction ctx carries (from InTx or [Store.WithTx]), or in the
// savepoint of a nested InTx, which rolls it back if it fails.
func (s *Store) Publish(ctx context.Context, events ...practice.Event) error {
	t, ok := s.txOf(ctx)
	switch {
	case !ok:
		return errPublishNoTx
	case t.readOnly:
		return errReadOnly
	}
	c, err := s.inserter()
	if err != nil {
		return err
	}
	return interpretError(riverbox.Publish(ctx, c, t.tx.Tx, events), "")
}

// Deliver implements practice.Deliverer with a River client on the
// deliverers' connection, opened by the first Deliver on the file of the
// store's database (PRAGMA database_list names it, also for a store made
// by [New]) with the settings [Open] gives every connection. A database
// that is not a file, such as one in memory, cannot deliver: a second
// connection would open another database. [Store.Close] closes the
// connection; stop delivery first.
func (s *Store) Deliver(ctx context.Context, h practice.Handler, o practice.DeliveryOptions) (stop func(context.Context) error, err error) {
	pool, err := s.deliveryPool(ctx)
	if err != nil {
		return nil, err
	}
	return riverbox.Deliver(ctx, riversqlite.New(pool), h, o)
}

// deliveryPool returns the deliverers' pool of one connection, opening it
// on first use.
func (s *Store) deliveryPool(ctx context.Context) (*sql.DB, error) {
	s.outbox.mu.Lock()
	defer s.outbox.mu.Unlock()
	switch {
	case s.outbox.closed:
		return nil, errors.New("sqlite: deliver: the store is closed")
	case s.outbox.pool != nil:
		return s.outbox.pool, nil
	}
	var path string
	err := s.bun.QueryRowContext(ctx, `SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: deliver: find the database file: %w", err)
	}
	if path == "" {
		return nil, errors.New("sqlite: deliver: the database is not a file, which the deliverers' connection could open too")
	}
	pool, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("sqlite: deliver: open %s: %w", path, err)
	}
	pool.SetMaxOpenConns(1)
	pool.SetMaxIdleConns(1)
	if err := pool.PingContext(ctx); err != nil {
		_ = pool.Close()
		return nil, fmt.Errorf("sqlite: deliver: open %s: %w", path, err)
	}
	s.outbox.pool = pool
	return pool, nil
}

// closeOutbox closes the deliverers' pool, if Deliver opened it; a later
// Deliver fails.
func (s *Store) closeOutbox() error {
	s.outbox.mu.Lock()
	defer s.outbox.mu.Unlock()
	s.outbox.closed = true
	if s.outbox.pool == nil {
		return nil
	}
	err := s.outbox.pool.Close()
	s.outbox.pool = nil
	return err
}

// migrateOutbox brings River's tables up to date, each of River's
// migrations in a locked transaction of its own, as migrator runs ours.
func (s *Store) migrateOutbox(ctx context.Context) error {
	return riverbox.Migrate(ctx, riversqlite.New(nil), func(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
		return s.InTx(ctx, func(ctx context.Context) error {
			t, _ := s.txOf(ctx)
			return fn(ctx, t.tx.Tx)
		})
	})
}
