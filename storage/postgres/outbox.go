package postgres

import (
	"context"
	"errors"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/praksis/praksis/internal/riverbox"
	"github.com/praksis/praksis/practice"
)

// The outbox is River's, in the tables River's migrations make beside the
// store's (see [Store.Migrate]), in the first schema of the search_path:
// an event is a River job (package internal/riverbox says how).

var (
	_ practice.Publisher = (*Store)(nil)
	_ practice.Deliverer = (*Store)(nil)
)

// errPublishNoTx is the error of Publish outside a transaction.
var errPublishNoTx = errors.New("postgres: Publish must be called with the context of an InTx callback or of WithTx, whose transaction stores the event")

// outbox is what a Store keeps for its outbox: the River client that
// inserts its events, made on first use.
type outbox struct {
	once     sync.Once
	inserter *river.Client[pgx.Tx]
	err      error
}

// inserter returns the store's River client that inserts jobs in
// transactions, without a pool of its own.
func (s *Store) inserter() (*river.Client[pgx.Tx], error) {
	s.outbox.once.Do(func() {
		s.outbox.inserter, s.outbox.err = riverbox.NewInserter(riverpgxv5.New(nil))
	})
	return s.outbox.inserter, s.outbox.err
}

// Publish implements practice.Publisher: it inserts the events' River
// jobs, in one statement, in the transaction ctx carries (from InTx or [Store.WithTx]), or in the
// savepoint of a nested InTx, which rolls it back if it fails.
func (s *Store) Publish(ctx context.Context, events ...practice.Event) error {
	v, ok := s.txOf(ctx)
	switch {
	case !ok:
		return errPublishNoTx
	case v.snapshot:
		return errSnapshot
	}
	c, err := s.inserter()
	if err != nil {
		return err
	}
	return interpretError(riverbox.Publish(ctx, c, v.tx, events), "")
}

// Deliver implements practice.Deliverer with a River client on the store's
// pool, which takes a connection of it for River's notifications while it
// runs. Stop delivery before closing the pool.
func (s *Store) Deliver(ctx context.Context, h practice.Handler, o practice.DeliveryOptions) (stop func(context.Context) error, err error) {
	return riverbox.Deliver(ctx, riverpgxv5.New(s.pool), h, o)
}

// migrateOutbox brings River's tables up to date, each of River's
// migrations in a transaction of inTx's.
func migrateOutbox(ctx context.Context, inTx func(ctx context.Context, fn func(ctx context.Context, tx pgx.Tx) error) error) error {
	return riverbox.Migrate(ctx, riverpgxv5.New(nil), inTx)
}
