package postgres

import (
	"context"
	"errors"
	"fmt"

	sq "github.com/Masterminds/squirrel"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/praksis/praksis/practice"
)

// Store is a [practice.Store] in a PostgreSQL database. It is safe for
// concurrent use.
type Store struct {
	pool *pgxpool.Pool
	// owned is true when Open made the pool, so Close closes it.
	owned bool
}

var _ practice.Store = (*Store)(nil)

// psql builds the dynamic queries with PostgreSQL's $n placeholders.
var psql = sq.StatementBuilder.PlaceholderFormat(sq.Dollar)

// Open connects to the database at url (a PostgreSQL URL or key=value
// connection string, as pgxpool.ParseConfig reads it), checks that it
// answers, and returns a Store over a new pool. Close the store to close the
// pool. Open does not migrate: call [Store.Migrate].
func Open(ctx context.Context, url string) (*Store, error) {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	return &Store{pool: pool, owned: true}, nil
}

// New returns a Store over a pool the caller made and configured. The pool
// stays the caller's: [Store.Close] does not close it.
func New(pool *pgxpool.Pool) *Store {
	return &Store{pool: pool}
}

// Close closes the pool if [Open] made it, waiting for connections in use
// to be returned. A pool given to [New] is left open for its owner to close.
func (s *Store) Close() {
	if s.owned {
		s.pool.Close()
	}
}

// dbtx is what both a pool and a transaction offer; every method runs its
// statements through one, chosen by [Store.db].
type dbtx interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// txKey is the context key of the transaction InTx and WithTx put in a
// context.
type txKey struct{}

// txValue is the value under txKey: a transaction and the store it belongs
// to, so that a context's transaction is used only by its own store.
type txValue struct {
	store *Store
	tx    pgx.Tx
}

// tx returns the transaction of s that ctx carries, or nil.
func (s *Store) tx(ctx context.Context) pgx.Tx {
	if v, ok := ctx.Value(txKey{}).(txValue); ok && v.store == s {
		return v.tx
	}
	return nil
}

// db returns the transaction ctx carries, or else the pool.
func (s *Store) db(ctx context.Context) dbtx {
	if tx := s.tx(ctx); tx != nil {
		return tx
	}
	return s.pool
}

// WithTx returns a context that carries tx, a transaction you began on the
// store's database yourself: every Store method called with it runs in tx,
// and [Store.InTx] joins it. You commit or roll back tx.
func (s *Store) WithTx(ctx context.Context, tx pgx.Tx) context.Context {
	return context.WithValue(ctx, txKey{}, txValue{store: s, tx: tx})
}

// InTx runs fn in one transaction, as [practice.Store] describes: it commits
// when fn returns nil, and rolls back when fn returns an error, which InTx
// returns unchanged, or panics, after which the panic goes on. Called with a
// context that already carries a transaction of s, InTx joins it and only
// calls fn. An error beginning or committing the transaction is returned
// translated, as every driver error is.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if s.tx(ctx) != nil {
		return fn(ctx)
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", interpretError(err))
	}
	done := false
	defer func() {
		if !done { // fn failed or panicked: the panic goes on after this
			// Roll back even when ctx is cancelled; a failed rollback
			// closes the connection, which ends the transaction too.
			_ = tx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	if err := fn(s.WithTx(ctx, tx)); err != nil {
		return err
	}
	done = true
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit transaction: %w", interpretError(err))
	}
	return nil
}

// errNoTx is returned by LockOrganisation outside a transaction.
var errNoTx = errors.New("postgres: LockOrganisation must be called with a context from InTx: a lock outside a transaction would end at once")

// LockOrganisation locks the organisation's row until the transaction of
// ctx ends. It uses FOR NO KEY UPDATE: it waits for another transaction's
// LockOrganisation and UpdateOrganisation, but not for writes that merely
// refer to the organisation (a new membership), which take a key-share
// lock. It returns an error outside a transaction, and ErrNotFound if there
// is no such organisation.
func (s *Store) LockOrganisation(ctx context.Context, id practice.ID) error {
	tx := s.tx(ctx)
	if tx == nil {
		return errNoTx
	}
	var one int
	err := tx.QueryRow(ctx, `SELECT 1 FROM organisations WHERE id = $1 FOR NO KEY UPDATE`, id).Scan(&one)
	if err != nil {
		return interpretError(err)
	}
	return nil
}

// updated checks the outcome of an optimistic update of the row id of
// table: one row changed is success; none means the row is missing
// (ErrNotFound) or has another version (ErrConflict).
func (s *Store) updated(ctx context.Context, tag pgconn.CommandTag, err error, table string, id practice.ID, version int) error {
	if err != nil {
		return interpretError(err)
	}
	if tag.RowsAffected() > 0 {
		return nil
	}
	var exists bool
	// table is one of this package's constants, never input.
	if err := s.db(ctx).QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+table+` WHERE id = $1)`, id).Scan(&exists); err != nil {
		return interpretError(err)
	}
	if !exists {
		return practice.ErrNotFound
	}
	return fmt.Errorf("%w: the stored version is not %d", practice.ErrConflict, version)
}

// deleted checks the outcome of a DELETE of one row: none deleted is
// ErrNotFound.
func deleted(tag pgconn.CommandTag, err error) error {
	if err != nil {
		return interpretError(err)
	}
	if tag.RowsAffected() == 0 {
		return practice.ErrNotFound
	}
	return nil
}

// queryAll runs a query and scans every row with scan. It returns an empty,
// non-nil slice when there are no rows.
func queryAll[T any](ctx context.Context, db dbtx, scan func(pgx.Row) (T, error), sql string, args ...any) ([]T, error) {
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return nil, interpretError(err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (T, error) { return scan(r) })
	if err != nil {
		return nil, interpretError(err)
	}
	return out, nil
}

// selectAll builds b and runs it as queryAll does.
func selectAll[T any](ctx context.Context, db dbtx, scan func(pgx.Row) (T, error), b sq.SelectBuilder) ([]T, error) {
	sql, args, err := b.ToSql()
	if err != nil {
		return nil, fmt.Errorf("postgres: build query: %w", err)
	}
	return queryAll(ctx, db, scan, sql, args...)
}
