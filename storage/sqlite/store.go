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
	"strings"
	"time"

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
	// queue lines up the transactions of this Store in process: a goroutine
	// waits here, honouring its context, instead of holding a pooled
	// connection while SQLite's busy handler polls for the write lock.
	queue chan struct{}
	// outbox is what Publish and Deliver keep (outbox.go).
	outbox outbox
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
// _txlock=immediate makes every BEGIN that is not read-only a BEGIN
// IMMEDIATE.
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
	return &Store{bun: db, queue: make(chan struct{}, 1)}
}

// Close closes the database, and the connection of the outbox's
// deliverers if [Store.Deliver] opened it: stop delivery first. Calls made
// after Close fail.
func (s *Store) Close() error {
	return errors.Join(s.closeOutbox(), s.bun.Close())
}

// DB returns the database, for queries of the embedding application. Writes
// made through it outside [Store.InTx] do not queue with the store's
// transactions and may wait for the write lock up to the busy timeout.
func (s *Store) DB() *bun.DB { return s.bun }

// txKey is the context key of a transaction of one Store: a transaction of
// another Store, even on the same file, is never joined.
type txKey struct{ s *Store }

// txState is what a context carries of a transaction: the transaction (or
// the savepoint of a nested InTx) and whether it is InSnapshot's, which
// may not write.
type txState struct {
	tx       bun.Tx
	readOnly bool
}

// The errors of a call made with the wrong context.
var (
	errReadOnly = errors.New("sqlite: a snapshot is read-only: write in InTx")
	errNoTx     = errors.New("sqlite: Lock must be called with the context of an InTx callback")
)

// WithTx returns a copy of ctx that carries tx, a transaction the caller
// began on [Store.DB] and commits or rolls back itself: store calls made with
// the returned context run in tx, and [Store.InTx] runs in a savepoint of
// it. This is how an embedding application makes the store's writes part of
// its own transaction. Begin tx without sql.TxOptions.ReadOnly, so that it
// is immediate and holds the write lock, as [Store.Lock] expects.
func (s *Store) WithTx(ctx context.Context, tx bun.Tx) context.Context {
	return s.with(ctx, tx, false)
}

func (s *Store) with(ctx context.Context, tx bun.Tx, readOnly bool) context.Context {
	return context.WithValue(ctx, txKey{s}, txState{tx: tx, readOnly: readOnly})
}

// txOf returns the transaction of s that ctx carries, if any.
func (s *Store) txOf(ctx context.Context) (txState, bool) {
	t, ok := ctx.Value(txKey{s}).(txState)
	return t, ok
}

// reader returns what a read made with ctx runs on: the transaction ctx
// carries, or else the database.
func (s *Store) reader(ctx context.Context) bun.IDB {
	if t, ok := s.txOf(ctx); ok {
		return t.tx
	}
	return s.bun
}

// writer returns what a write made with ctx runs on, as reader does. Every
// write goes through it, so that it refuses, in one place, a write with the
// context of a snapshot: SQLite would otherwise turn the snapshot's read
// transaction into a write transaction.
func (s *Store) writer(ctx context.Context) (bun.IDB, error) {
	t, ok := s.txOf(ctx)
	switch {
	case !ok:
		return s.bun, nil
	case t.readOnly:
		return nil, errReadOnly
	}
	return t.tx, nil
}

// InTx implements practice.Transactor. The transaction begins immediately,
// holding SQLite's write lock until it ends; another transaction of s waits
// in process for it, as long as its context allows, and one of another
// process waits up to the busy timeout. Nested, fn runs in a savepoint of
// the transaction ctx carries (also one given to [Store.WithTx]).
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if t, ok := s.txOf(ctx); ok {
		if t.readOnly {
			return errReadOnly
		}
		return s.savepoint(ctx, t.tx, fn)
	}
	select {
	case s.queue <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("sqlite: begin: %w", context.Cause(ctx))
	}
	defer func() { <-s.queue }()

	tx, err := s.bun.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	done := false
	defer func() {
		if !done {
			_ = tx.Rollback() // on an error or a panic of fn; a panic goes on
		}
	}()
	if err := fn(s.with(ctx, tx, false)); err != nil {
		return err
	}
	done = true
	return interpretError(tx.Commit(), "")
}

// savepoint runs fn in a savepoint of tx: what fn did is kept if fn
// returns nil, and rolled back, leaving tx usable, if fn returns an error
// or panics.
func (s *Store) savepoint(ctx context.Context, tx bun.Tx, fn func(ctx context.Context) error) error {
	sp, err := tx.BeginTx(ctx, nil)
	if err != nil {
		return interpretError(err, "")
	}
	done := false
	defer func() {
		if !done {
			// ROLLBACK TO undoes fn's changes but leaves the savepoint
			// open; RELEASE then ends it without undoing more.
			_ = sp.Rollback()
			_ = sp.Commit()
		}
	}()
	if err := fn(s.with(ctx, sp, false)); err != nil {
		return err
	}
	done = true
	return interpretError(sp.Commit(), "")
}

// InSnapshot implements practice.Transactor. The transaction is read-only,
// so the driver begins it deferred, not immediately: it takes no write lock
// and does not queue with InTx. In WAL mode it reads the snapshot of its
// first read, which InSnapshot makes before fn runs. It ends with a
// rollback.
func (s *Store) InSnapshot(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := s.txOf(ctx); ok {
		return fn(ctx)
	}
	tx, err := s.bun.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }() // also on a panic of fn, which goes on
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&n); err != nil {
		return interpretError(err, "")
	}
	return fn(s.with(ctx, tx, true))
}

// Lock implements practice.Locker. It only checks that ctx carries a
// transaction that may write, and that is all it has to do to serialise
// what the lock protects: every such transaction began with BEGIN
// IMMEDIATE and so already holds SQLite's single write lock, for the whole
// database, until it ends. No other transaction can begin, let alone take
// a lock, before then, and nothing it reads can change under it: the lock
// is coarser than a lock of one scope and ID, never weaker.
func (s *Store) Lock(ctx context.Context, _ practice.LockScope, _ practice.ID) error {
	t, ok := s.txOf(ctx)
	switch {
	case !ok:
		return errNoTx
	case t.readOnly:
		return errReadOnly
	}
	return nil
}

// insert stores row, the row of a new record with a column id, through
// the writer of ctx. A taken ID is a conflict on "id" even when another
// unique value is taken too, as the contract orders: SQLite checks the
// unique indexes of a row in an order of its own, but the target of ON
// CONFLICT first, and leaves the row out if its ID is taken. A reference
// to a missing record is practice.ErrNotFound with the message missing and
// args make.
func (s *Store) insert(ctx context.Context, row any, missing string, args ...any) error {
	db, err := s.writer(ctx)
	if err != nil {
		return err
	}
	res, err := db.NewInsert().Model(row).On("CONFLICT (id) DO NOTHING").Returning("NULL").Exec(ctx)
	if err != nil {
		return interpretError(err, missing, args...)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return interpretError(err, "")
	}
	if n == 0 {
		return practice.Taken("id", nil)
	}
	return nil
}

// update runs q, an UPDATE of the record id of table (a what, in the
// domain's words), as an optimistic update: only if the stored version is
// version, and bumping it by one. It checks as the contract orders: when
// no row matches, there is no record id (practice.ErrNotFound) or its
// version differs (a stale conflict); only a row that matches can break a
// unique value.
func (s *Store) update(ctx context.Context, q *bun.UpdateQuery, table, what string, id practice.ID, version int) error {
	res, err := q.Set("version = version + 1").
		Where("id = ?", id.String()).
		Where("version = ?", version).
		Exec(ctx)
	if err != nil {
		return interpretError(err, "")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return interpretError(err, "")
	}
	if n > 0 {
		return nil
	}
	exists, err := s.reader(ctx).NewSelect().Table(table).Where("id = ?", id.String()).Exists(ctx)
	if err != nil {
		return interpretError(err, "")
	}
	if !exists {
		return practice.NotFound("there is no %s %s", what, id)
	}
	return practice.Stale(nil)
}

// deleted returns the outcome of a DELETE of one row: practice.ErrNotFound,
// with the message missing and args make, if there was none.
func deleted(res sql.Result, err error, missing string, args ...any) error {
	if err != nil {
		return interpretError(err, missing, args...)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return interpretError(err, "")
	}
	if n == 0 {
		return practice.NotFound(missing, args...)
	}
	return nil
}

// list returns the page req asks for of the rows q selects: keyset paging
// over the columns cols, the list's order, which key gives of a domain
// value. It reads the rows after the cursor's key, one more than the page
// holds to learn whether another page follows, and converts them with
// conv. The columns hold text whose byte order is the domain's order (IDs
// in canonical lower case, dates as YYYY-MM-DD, names compared with
// SQLite's default BINARY collation), so the cursor's key compares with
// them as text.
func list[R, T any](ctx context.Context, q *bun.SelectQuery, req practice.PageRequest, cols []string,
	conv func(R) (T, error), key func(T) []string) (practice.Page[T], error) {
	after, err := req.After.Key(len(cols))
	if err != nil {
		return practice.Page[T]{}, err
	}
	var rows []R
	q = q.Model(&rows)
	order := strings.Join(cols, ", ")
	if after != nil {
		args := make([]any, len(after))
		for i, k := range after {
			args[i] = k
		}
		q = q.Where("("+order+") > ("+strings.Repeat("?, ", len(cols)-1)+"?)", args...)
	}
	size := req.Size()
	if err := q.OrderExpr(order).Limit(int64(size) + 1).Scan(ctx); err != nil {
		return practice.Page[T]{}, interpretError(err, "")
	}
	items := make([]T, 0, len(rows))
	for _, r := range rows {
		item, err := conv(r)
		if err != nil {
			return practice.Page[T]{}, err
		}
		items = append(items, item)
	}
	return practice.PageOf(items, size, key), nil
}

// timeLayout is the stored form of a timestamp: UTC with exactly six
// fractional digits. Fixed width, so text order is time order.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// formatTime returns t in UTC in timeLayout, truncated to the microsecond,
// the precision every store keeps.
func formatTime(t time.Time) string {
	return t.UTC().Truncate(time.Microsecond).Format(timeLayout)
}

// nullID returns id as text, or "" (stored as NULL) for NilID.
func nullID(id practice.ID) string {
	if id == practice.NilID {
		return ""
	}
	return id.String()
}

// converter parses the text columns of one row, keeping the first error so
// a conversion reads as a plain struct literal. A stored value that does not
// parse means the database was written by something else than this adapter.
type converter struct{ first error }

func (c *converter) fail(err error) {
	if c.first == nil {
		c.first = err
	}
}

func (c *converter) id(s string) practice.ID {
	id, err := practice.ParseID(s)
	if err != nil {
		c.fail(fmt.Errorf("id %q: %w", s, err))
	}
	return id
}

// nullID parses an ID column that may be NULL (read as ""): NULL is NilID.
func (c *converter) nullID(s string) practice.ID {
	if s == "" {
		return practice.NilID
	}
	return c.id(s)
}

func (c *converter) date(s string) practice.Date {
	d, err := practice.ParseDate(s)
	if err != nil {
		c.fail(err)
	}
	return d
}

func (c *converter) time(s string) time.Time {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		c.fail(fmt.Errorf("timestamp %q: %w", s, err))
	}
	return t.UTC()
}

// err returns the first conversion error, naming the row.
func (c *converter) err(what, id string) error {
	if c.first == nil {
		return nil
	}
	return fmt.Errorf("sqlite: stored %s %s: %w", what, id, c.first)
}
