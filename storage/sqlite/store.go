package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/praksis/praksis/practice"
)

// busyTimeout is how long, in milliseconds, a connection waits for a lock
// another connection (or process) holds before it fails with SQLITE_BUSY.
const busyTimeout = 10_000

// Store is a [practice.Store] on an SQLite database. It is safe for
// concurrent use.
type Store struct {
	bun *bun.DB
	// writer queues the transactions of this Store in process: a goroutine
	// waits here, honouring its context, instead of holding a pooled
	// connection while SQLite's busy handler polls for the write lock.
	writer chan struct{}
}

var _ practice.Store = (*Store)(nil)

// Open opens the SQLite database file at path, creating the file and its
// parent directory if they are missing, and returns a store on it. It does
// not migrate: call [Store.Migrate] next.
//
// Every connection has foreign keys on, a busy timeout of 10 seconds and
// immediate transactions; the database is switched to WAL mode.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("sqlite: open: empty path")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("sqlite: open: %w", err)
		}
	}
	sqldb, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	// WAL lets readers run beside the one writer, so the pool holds a few
	// connections; more than the CPUs would only queue inside the driver.
	n := max(4, runtime.GOMAXPROCS(0))
	sqldb.SetMaxOpenConns(n)
	sqldb.SetMaxIdleConns(n)
	if err := sqldb.PingContext(ctx); err != nil {
		_ = sqldb.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	return New(bun.NewDB(sqldb, sqlitedialect.New())), nil
}

// dsn returns the modernc.org/sqlite data source name for the file at path:
// a file: URI with the path escaped, so a '?' or '#' in it cannot be taken
// for the query, and the parameters every connection needs. The _pragma
// values run on each new connection (foreign_keys and busy_timeout are
// per-connection settings; journal_mode=WAL is stored in the file), and
// _txlock=immediate makes every BEGIN a BEGIN IMMEDIATE.
func dsn(path string) string {
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "busy_timeout("+strconv.Itoa(busyTimeout)+")")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Set("_txlock", "immediate")
	u := url.URL{Scheme: "file", OmitHost: true, Path: filepath.ToSlash(path), RawQuery: q.Encode()}
	return u.String()
}

// New returns a store on db, an SQLite database opened with the
// modernc.org/sqlite driver. db must have foreign keys on and immediate
// transactions (_pragma=foreign_keys(1) and _txlock=immediate in the DSN);
// [Open] sets both. [Store.Close] closes db.
func New(db *bun.DB) *Store {
	return &Store{bun: db, writer: make(chan struct{}, 1)}
}

// Close closes the database. Calls made after Close fail.
func (s *Store) Close() error {
	return s.bun.Close()
}

// DB returns the database, for queries of the embedding application. Writes
// made through it outside [Store.InTx] do not queue with the store's
// transactions and may wait for the write lock up to the busy timeout.
func (s *Store) DB() *bun.DB { return s.bun }

// txKey is the context key of a transaction of one Store: a transaction of
// another Store, even on the same file, is never joined.
type txKey struct{ s *Store }

// WithTx returns a copy of ctx that carries tx, a transaction the caller
// began on [Store.DB] and commits or rolls back itself: store calls made with
// the returned context run in tx, and [Store.InTx] joins it. This is how an
// embedding application makes the store's writes part of its own
// transaction.
func (s *Store) WithTx(ctx context.Context, tx bun.Tx) context.Context {
	return context.WithValue(ctx, txKey{s}, tx)
}

// tx returns the transaction ctx carries for s, if any.
func (s *Store) tx(ctx context.Context) (bun.Tx, bool) {
	tx, ok := ctx.Value(txKey{s}).(bun.Tx)
	return tx, ok
}

// db returns the transaction ctx carries, or else the database.
func (s *Store) db(ctx context.Context) bun.IDB {
	if tx, ok := s.tx(ctx); ok {
		return tx
	}
	return s.bun
}

// InTx runs fn in one transaction: every store call made with the context fn
// receives is committed when fn returns nil, and rolled back when fn returns
// an error or panics (the panic goes on after the rollback). InTx returns
// fn's error unchanged. Called with a context that already carries a
// transaction of s, InTx runs fn in it; the outermost InTx commits.
//
// The transaction begins immediately, holding SQLite's write lock until it
// ends; another transaction waits for it, as long as its context allows.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := s.tx(ctx); ok {
		return fn(ctx)
	}
	select {
	case s.writer <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("sqlite: begin: %w", context.Cause(ctx))
	}
	defer func() { <-s.writer }()

	tx, err := s.bun.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", interpretError(err))
	}
	done := false
	defer func() {
		if !done {
			_ = tx.Rollback() // on an error or a panic of fn; a panic goes on
		}
	}()
	if err := fn(s.WithTx(ctx, tx)); err != nil {
		return err
	}
	done = true
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", interpretError(err))
	}
	return nil
}
