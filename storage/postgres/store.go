package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"

	sq "github.com/Masterminds/squirrel"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/praksis/praksis/practice"
)

// Store is a practice.Store in a PostgreSQL database. It is safe for
// concurrent use.
type Store struct {
	pool *pgxpool.Pool
	// owned is true when Open made the pool, so Close closes it.
	owned bool
	// outbox is what Publish and Deliver keep (outbox.go).
	outbox outbox
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
// statements through one, chosen by [Store.reader] or [Store.writer].
type dbtx interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// txKey is the context key of the transaction that InTx, InSnapshot and
// WithTx put in a context.
type txKey struct{}

// txValue is the value under txKey: a transaction, the store it belongs to
// (so that a context's transaction is used only by its own store), and
// whether it is a snapshot, which may not write.
type txValue struct {
	store    *Store
	tx       pgx.Tx
	snapshot bool
}

// The errors of calls made with the wrong context.
var (
	errSnapshot = errors.New("postgres: a snapshot is read-only: write, lock and nest transactions in InTx")
	errNoTx     = errors.New("postgres: Lock must be called with the context of an InTx callback or of WithTx: a lock outside a transaction would end at once")
	errAborted  = errors.New("postgres: a statement failed in a nested transaction whose callback returned nil; its changes were rolled back")
)

// txOf returns the transaction of s that ctx carries.
func (s *Store) txOf(ctx context.Context) (txValue, bool) {
	v, ok := ctx.Value(txKey{}).(txValue)
	return v, ok && v.store == s
}

// reader returns what a read runs on: the transaction ctx carries, or else
// the pool.
func (s *Store) reader(ctx context.Context) dbtx {
	if v, ok := s.txOf(ctx); ok {
		return v.tx
	}
	return s.pool
}

// writer returns what a write runs on, as reader does, or an error if ctx
// carries a snapshot.
func (s *Store) writer(ctx context.Context) (dbtx, error) {
	if v, ok := s.txOf(ctx); ok {
		if v.snapshot {
			return nil, errSnapshot
		}
		return v.tx, nil
	}
	return s.pool, nil
}

// WithTx returns a context that carries tx, a transaction you began on the
// store's database yourself: every Store method called with it runs in tx,
// and [Store.InTx] runs in a savepoint of it. You commit or roll back tx.
func (s *Store) WithTx(ctx context.Context, tx pgx.Tx) context.Context {
	return context.WithValue(ctx, txKey{}, txValue{store: s, tx: tx})
}

// InTx implements practice.Transactor with a transaction begun on the
// pool. Called with a context that carries a transaction of s (from InTx
// or [Store.WithTx]), it runs fn in a savepoint of that transaction
// instead; if fn returns nil after one of its statements failed, the
// savepoint is rolled back, so that the transaction goes on, and InTx
// returns an error. An error beginning or committing is returned
// translated, as every driver error is.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	var (
		tx     pgx.Tx
		err    error
		nested bool
	)
	if v, ok := s.txOf(ctx); ok {
		if v.snapshot {
			return errSnapshot
		}
		tx, err = v.tx.Begin(ctx) // a savepoint
		nested = true
	} else {
		tx, err = s.pool.Begin(ctx)
	}
	if err != nil {
		return fmt.Errorf("begin transaction: %w", interpretError(err, ""))
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
	if nested && failed(tx) {
		return errAborted // the deferred rollback makes the outer transaction usable again
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit transaction: %w", interpretError(err, ""))
	}
	done = true
	return nil
}

// failed reports whether a statement failed in tx's transaction, so that
// the server ignores every statement until a rollback.
func failed(tx pgx.Tx) bool {
	conn := tx.Conn()
	return conn != nil && conn.PgConn().TxStatus() == 'E'
}

// InSnapshot implements practice.Transactor with a read-only transaction at
// the repeatable read level, which reads one snapshot of the database. The
// transaction is always rolled back, as there is nothing to commit.
func (s *Store) InSnapshot(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := s.txOf(ctx); ok {
		return fn(ctx)
	}
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return fmt.Errorf("begin snapshot: %w", interpretError(err, ""))
	}
	// A failed rollback closes the connection, which ends the snapshot too.
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	return fn(context.WithValue(ctx, txKey{}, txValue{store: s, tx: tx, snapshot: true}))
}

// Lock implements practice.Locker with a transaction-level advisory lock
// (pg_advisory_xact_lock) on a key derived from scope and id, so it locks
// across every process that uses the database.
func (s *Store) Lock(ctx context.Context, scope practice.LockScope, id practice.ID) error {
	v, ok := s.txOf(ctx)
	switch {
	case !ok:
		return errNoTx
	case v.snapshot:
		return errSnapshot
	}
	if _, err := v.tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockKey(scope, id)); err != nil {
		return fmt.Errorf("lock: %w", interpretError(err, ""))
	}
	return nil
}

// lockKey returns the advisory lock key of (scope, id): the first eight
// bytes of SHA-256(scope, a zero byte, id's bytes), read as a big-endian
// integer.
func lockKey(scope practice.LockScope, id practice.ID) int64 {
	h := sha256.New()
	h.Write([]byte(scope))
	h.Write([]byte{0})
	h.Write(id[:])
	return int64(binary.BigEndian.Uint64(h.Sum(nil)))
}

// exec runs a write statement in the transaction of ctx, or on the pool.
func (s *Store) exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	db, err := s.writer(ctx)
	if err != nil {
		return pgconn.CommandTag{}, err
	}
	tag, err := db.Exec(ctx, sql, args...)
	return tag, interpretError(err, "")
}

// execOne runs a statement that must change one row; none changed is the
// ErrNotFound *practice.Error with the message missing.
func (s *Store) execOne(ctx context.Context, missing string, sql string, args ...any) error {
	tag, err := s.exec(ctx, sql, args...)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return practice.NotFound("%s", missing)
	}
	return nil
}

// update runs an optimistic update of the row id of table, setting the
// columns of set (an SQL list of assignments to $3 onward, args in order)
// and version = version + 1, if the stored version is version. It checks,
// in one statement, that the row exists (else the ErrNotFound
// *practice.Error "there is no <what> <id>"), then the version (else a
// stale conflict); a unique value taken by the new row is a conflict on its
// field. table and set are constants of this package, never input.
func (s *Store) update(ctx context.Context, what, table, set string, id practice.ID, version int, args ...any) error {
	db, err := s.writer(ctx)
	if err != nil {
		return err
	}
	sql := `WITH updated AS (
		UPDATE ` + table + ` SET ` + set + `, version = version + 1 WHERE id = $1 AND version = $2 RETURNING 1
	) SELECT EXISTS (SELECT 1 FROM updated), EXISTS (SELECT 1 FROM ` + table + ` WHERE id = $1)`
	var changed, exists bool
	if err := db.QueryRow(ctx, sql, append([]any{id, version}, args...)...).Scan(&changed, &exists); err != nil {
		return interpretError(err, "")
	}
	switch {
	case changed:
		return nil
	case !exists:
		return practice.NotFound("there is no %s %s", what, id)
	}
	return practice.Stale(nil)
}

// get reads one row with scan; no row is the ErrNotFound *practice.Error
// with the message missing.
func get[T any](ctx context.Context, db dbtx, scan func(pgx.Row) (T, error), missing string, sql string, args ...any) (T, error) {
	v, err := scan(db.QueryRow(ctx, sql, args...))
	if err != nil {
		return v, interpretError(err, missing)
	}
	return v, nil
}

// keyColumn is one part of a list's sort key: how the list orders by it,
// and how a cursor's text of it compares.
type keyColumn struct {
	// order is the SQL the list orders by.
	order string
	// cast is the type of a cursor's value of the column, as SQL.
	cast string
	// text is the column as text that sorts as order does, for a cursor
	// whose value is not in the form the list gives (see parse).
	text string
	// parse returns a cursor's text of the column as a value of cast, and
	// false if the text is not in the form the list gives it.
	parse func(string) (any, bool)
}

// textKey, idKey and dateKey return the key columns of text compared by
// its bytes, of an ID and of a date.
func textKey(column string) keyColumn {
	return keyColumn{order: column + ` COLLATE "C"`, cast: "text", text: column + ` COLLATE "C"`,
		parse: func(s string) (any, bool) { return s, true }}
}

func idKey(column string) keyColumn {
	return keyColumn{order: column, cast: "uuid", text: column + `::text COLLATE "C"`, parse: func(s string) (any, bool) {
		id, err := practice.ParseID(s)
		return id, err == nil && id.String() == s
	}}
}

func dateKey(column string) keyColumn {
	return keyColumn{order: column, cast: "date", text: `to_char(` + column + `, 'YYYY-MM-DD') COLLATE "C"`, parse: func(s string) (any, bool) {
		d, err := practice.ParseDate(s)
		return d.Time(), err == nil && d.String() == s
	}}
}

// after returns the condition that a row's key comes after the key a
// cursor holds: a row-value comparison, (name COLLATE "C", id) >
// ($1::text, $2::uuid), which an index on the key serves. A cursor part
// that is not in the form the list gives (no list gives it, but it is not
// malformed either) is compared as text, as every store orders alike.
func after(keys []keyColumn, key []string) sq.Sqlizer {
	var left, right string
	args := make([]any, len(keys))
	typed := true
	for i, k := range keys {
		if args[i], typed = k.parse(key[i]); !typed {
			break
		}
	}
	for i, k := range keys {
		if i > 0 {
			left, right = left+", ", right+", "
		}
		if typed {
			left, right = left+k.order, right+"?::"+k.cast
		} else {
			left, right, args[i] = left+k.text, right+"?::text", key[i]
		}
	}
	return sq.Expr("("+left+") > ("+right+")", args...)
}

// list returns the page req asks for of the rows q selects (a SELECT with
// its columns, tables and filters), ordered by keys: it fetches at most
// req.Size()+1 rows after the cursor, and key gives an item's cursor.
func list[T any](ctx context.Context, db dbtx, q sq.SelectBuilder, keys []keyColumn, req practice.PageRequest,
	scan func(pgx.Row) (T, error), key func(T) []string) (practice.Page[T], error) {
	cursor, err := req.After.Key(len(keys))
	if err != nil {
		return practice.Page[T]{}, err
	}
	if cursor != nil {
		q = q.Where(after(keys, cursor))
	}
	for _, k := range keys {
		q = q.OrderBy(k.order)
	}
	size := req.Size()
	sql, args, err := q.Limit(uint64(size + 1)).ToSql()
	if err != nil {
		return practice.Page[T]{}, fmt.Errorf("postgres: build query: %w", err)
	}
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return practice.Page[T]{}, interpretError(err, "")
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (T, error) { return scan(r) })
	if err != nil {
		return practice.Page[T]{}, interpretError(err, "")
	}
	return practice.PageOf(items, size, key), nil
}
