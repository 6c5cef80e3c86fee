package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/internal/migrate"
)

// defaultTestURL is the database the tests use unless PRAKSIS_POSTGRES_URL
// names another.
const defaultTestURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

func testURL() string {
	if u := os.Getenv("PRAKSIS_POSTGRES_URL"); u != "" {
		return u
	}
	return defaultTestURL
}

// shownURL is the test URL without its password, for messages.
func shownURL() string {
	u, err := url.Parse(testURL())
	if err != nil || u.Scheme == "" {
		return "the server PRAKSIS_POSTGRES_URL names"
	}
	return u.Redacted()
}

// reachable tries the test database once per test binary.
var reachable = sync.OnceValue(func() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, testURL())
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	return conn.Ping(ctx)
})

// requirePostgres returns the test database's URL. If the server cannot be
// reached it fails the test in CI (CI or PRAKSIS_REQUIRE_POSTGRES set), so
// CI never passes by skipping, and skips it elsewhere.
func requirePostgres(t testing.TB) string {
	t.Helper()
	err := reachable()
	if err == nil {
		return testURL()
	}
	msg := fmt.Sprintf("PostgreSQL at %s cannot be reached: %v", shownURL(), err)
	if os.Getenv("CI") != "" || os.Getenv("PRAKSIS_REQUIRE_POSTGRES") != "" {
		t.Fatalf("%s\nCI (or PRAKSIS_REQUIRE_POSTGRES) requires these tests to run: start PostgreSQL or set PRAKSIS_POSTGRES_URL", msg)
	}
	t.Skipf("%s\nTo run these tests, start PostgreSQL (trust auth for user postgres on 127.0.0.1:5432) "+
		"or set PRAKSIS_POSTGRES_URL to a database the tests may create schemas in; "+
		"set PRAKSIS_REQUIRE_POSTGRES=1 to fail instead of skipping", msg)
	return ""
}

// TestMain runs the tests, then drops the schemas they ran in (see
// schemaPool).
func TestMain(m *testing.M) {
	code := m.Run()
	if err := schemas.dropAll(); err != nil {
		fmt.Fprintln(os.Stderr, "drop the test schemas:", err)
		code = 1
	}
	os.Exit(code)
}

// testBundle is what a test gets besides the store.
type testBundle struct {
	pool   *pgxpool.Pool
	schema string
}

// setup returns a Store over a migrated, empty schema that is the test's
// alone until it ends: see [schemaPool].
func setup(t testing.TB) (*Store, *testBundle) {
	t.Helper()
	sc := schemas.take(t)
	return New(sc.pool), &testBundle{pool: sc.pool, schema: sc.name}
}

// schemas is the test binary's schemaPool.
var schemas = newSchemaPool()

// schemaPool hands out the schemas of the test database that the tests
// run in. Creating and dropping tables is by far the slowest thing a test
// asks of PostgreSQL (tens of milliseconds for a schema, most of it
// catalogue work and, for a drop, a commit that waits for the disk), so
// the schemas are recycled: take gives a test a migrated, empty schema
// with a pool of its own, and when the test ends the schema is emptied (one
// DELETE of every table, a millisecond) and handed to the next test.
// The binary makes only as many schemas as tests hold at once: at the
// start, side by side, one for each test that may run at once and one for
// the cases of the conformance suite to share; later, one more whenever a
// test finds none free and none on its way. Each is made by the
// migrations in one transaction, and River's in one transaction each (see
// riverbox.Migrate), without the migration lock, and all are dropped in
// one statement when the tests end (TestMain).
type schemaPool struct {
	mu      sync.Mutex
	made    sync.Cond     // signalled when a schema is made or given back
	free    []*testSchema // migrated, empty and nobody's
	pending int           // schemas being made for takers
	waiting int           // takers waiting for a schema
	started bool          // whether take has made schemas
	err     error         // why a schema could not be made
	admin   *pgxpool.Pool // for creating and dropping schemas
	all     []*testSchema // every schema made, dropped by dropAll
	emptied string        // the statement that empties a schema
	layout  []string      // the description of a migrated schema, once asked for
}

func newSchemaPool() *schemaPool {
	p := &schemaPool{}
	p.made.L = &p.mu
	return p
}

// testSchema is a schema of the test database and a pool whose
// connections work in it.
type testSchema struct {
	name string
	pool *pgxpool.Pool
}

// take returns a migrated, empty schema for t, given back when t ends.
func (p *schemaPool) take(t testing.TB) *testSchema {
	t.Helper()
	dbURL := requirePostgres(t)
	p.mu.Lock()
	switch {
	case !p.started:
		// At the start, make a schema for each test that may run at once
		// and one to share: side by side, that takes no longer than one.
		p.started = true
		p.makeLocked(dbURL, parallelism()+1)
	case len(p.free) == 0 && p.pending <= p.waiting:
		p.makeLocked(dbURL, 1) // nothing is on its way for this taker
	}
	p.waiting++
	for len(p.free) == 0 && p.err == nil {
		p.made.Wait()
	}
	p.waiting--
	if len(p.free) == 0 {
		err := p.err
		p.mu.Unlock()
		t.Fatalf("make a test schema: %v", err)
	}
	sc := p.free[len(p.free)-1]
	p.free = p.free[:len(p.free)-1]
	p.mu.Unlock()

	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		p.mu.Lock()
		emptied := p.emptied
		p.mu.Unlock()
		if _, err := sc.pool.Exec(ctx, emptied); err != nil {
			t.Errorf("empty the test schema %s: %v", sc.name, err)
			return // dropped with the others, never handed out again
		}
		p.mu.Lock()
		p.free = append(p.free, sc)
		p.made.Broadcast()
		p.mu.Unlock()
	})
	return sc
}

// makeLocked makes n schemas in the background, for the free list. p.mu
// is held.
func (p *schemaPool) makeLocked(dbURL string, n int) {
	p.pending += n
	for range n {
		go func() {
			sc, err := p.create(dbURL, true)
			p.mu.Lock()
			defer p.mu.Unlock()
			p.pending--
			if err != nil {
				p.err = err
			} else {
				p.free = append(p.free, sc)
			}
			p.made.Broadcast()
		}()
	}
}

// bare returns a schema without tables for t, to migrate; it is dropped
// when the tests end and never handed out again.
func (p *schemaPool) bare(t testing.TB) *testSchema {
	t.Helper()
	sc, err := p.create(requirePostgres(t), false)
	if err != nil {
		t.Fatalf("make a test schema: %v", err)
	}
	return sc
}

// create makes a schema and its pool, with the tables of the migrations if
// migrated is true.
func (p *schemaPool) create(dbURL string, migrated bool) (*testSchema, error) {
	ctx := context.Background()
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	sc := &testSchema{name: "praksis_test_" + hex.EncodeToString(b)}

	config, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		return nil, fmt.Errorf("parse PRAKSIS_POSTGRES_URL: %w", err)
	}
	// A commit of a test need not wait for the disk: nothing a test
	// checks survives the test binary, let alone a crash of the server.
	config.ConnConfig.RuntimeParams["synchronous_commit"] = "off"
	config.ConnConfig.RuntimeParams["search_path"] = sc.name
	config.MaxConns = connsPerSchema()
	if sc.pool, err = pgxpool.NewWithConfig(ctx, config); err != nil {
		return nil, err
	}
	adminConfig := config.Copy()
	delete(adminConfig.ConnConfig.RuntimeParams, "search_path")

	p.mu.Lock()
	if p.admin == nil {
		if p.admin, err = pgxpool.NewWithConfig(ctx, adminConfig); err != nil {
			p.mu.Unlock()
			sc.pool.Close()
			return nil, err
		}
	}
	p.all = append(p.all, sc)
	admin := p.admin
	p.mu.Unlock()

	err = pgx.BeginFunc(ctx, admin, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "CREATE SCHEMA "+sc.ident()+"; SET LOCAL search_path TO "+sc.ident()); err != nil {
			return err
		}
		if !migrated {
			return nil
		}
		ms, err := migrate.Load(Migrations)
		if err != nil {
			return err
		}
		_, err = migrate.Up(ctx, unlocked{tx}, ms)
		return err
	})
	if err != nil || !migrated {
		return sc, err
	}
	// River's migrations cannot share one transaction (see
	// riverbox.Migrate): each commits on its own, on the schema's pool,
	// whose search_path is the schema.
	err = migrateOutbox(ctx, func(ctx context.Context, fn func(ctx context.Context, tx pgx.Tx) error) error {
		return pgx.BeginFunc(ctx, sc.pool, func(tx pgx.Tx) error { return fn(ctx, tx) })
	})
	if err != nil {
		return sc, err
	}
	return sc, p.learn(ctx, sc.pool, sc.name)
}

// learn makes, once, the statement that empties a schema: a DELETE of
// every table but the records of the migrations, ours and River's, all in
// one statement, whose foreign keys are checked when all the rows are
// gone. River's jobs, leader and clients go too.
func (p *schemaPool) learn(ctx context.Context, db dbtx, schema string) error {
	p.mu.Lock()
	known := p.emptied != ""
	p.mu.Unlock()
	if known {
		return nil
	}
	rows, err := db.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename <> ALL($2) ORDER BY tablename`,
		schema, []string{migrate.Table, "river_migration"})
	if err != nil {
		return err
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	deletes := make([]string, len(tables))
	for i, table := range tables {
		deletes[i] = fmt.Sprintf("d%d AS (DELETE FROM %s)", i, pgx.Identifier{table}.Sanitize())
	}
	p.mu.Lock()
	if p.emptied == "" { // another schema made at the same time may have told it first
		p.emptied = "WITH " + strings.Join(deletes, ", ") + " SELECT 1"
	}
	p.mu.Unlock()
	return nil
}

// migrated returns the description (see describe) of a schema that the
// migrations made in the way of the pool.
func (p *schemaPool) migrated(t *testing.T) []string {
	t.Helper()
	p.mu.Lock()
	layout := p.layout
	p.mu.Unlock()
	if layout != nil {
		return layout
	}
	sc := p.take(t)
	layout = schemaOf(t, sc.pool, sc.name)
	p.mu.Lock()
	p.layout = layout
	p.mu.Unlock()
	return layout
}

// dropAll drops every schema the pool made.
func (p *schemaPool) dropAll() error {
	p.mu.Lock()
	for p.pending > 0 { // schemas made for the first takers may be on their way
		p.made.Wait()
	}
	admin, all := p.admin, p.all
	p.mu.Unlock()
	if admin == nil {
		return nil
	}
	defer admin.Close()
	names := make([]string, len(all))
	for i, sc := range all {
		sc.pool.Close()
		names[i] = sc.ident()
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := admin.Exec(ctx, "DROP SCHEMA IF EXISTS "+strings.Join(names, ", ")+" CASCADE")
	return err
}

func (sc *testSchema) ident() string { return pgx.Identifier{sc.name}.Sanitize() }

// parallelism is the number of tests that run at once (-parallel).
func parallelism() int {
	if f := flag.Lookup("test.parallel"); f != nil {
		if g, ok := f.Value.(flag.Getter); ok {
			if n, ok := g.Get().(int); ok && n > 0 {
				return n
			}
		}
	}
	return 1
}

// connsPerSchema is the size of a test schema's pool: enough for every
// case that may run at once to hold a transaction on the shared schema,
// and for the cases that run several transactions at once.
func connsPerSchema() int32 { return int32(min(max(parallelism()+4, 8), 32)) }

// unlocked runs the migrations of a new test schema in the transaction
// that creates it, without the migration lock: nobody else can see the
// schema yet.
type unlocked struct{ tx pgx.Tx }

func (u unlocked) InLockedTx(ctx context.Context, fn func(ctx context.Context, tx migrate.Tx) error) error {
	return fn(ctx, migrationTx(u))
}

// schemaOf returns the description of a schema (see describe).
func schemaOf(t *testing.T, pool *pgxpool.Pool, schema string) []string {
	t.Helper()
	out, err := describe(context.Background(), pool, schema)
	require.NoError(t, err)
	require.NotEmpty(t, out)
	return out
}

// describe returns a description of the columns, indexes and constraints
// of a schema's tables, without the schema's name, so that two schemas can
// be compared.
func describe(ctx context.Context, db dbtx, schema string) ([]string, error) {
	rows, err := db.Query(ctx, `
		WITH ns AS (SELECT oid FROM pg_namespace WHERE nspname = $1)
		SELECT format('column %s.%s %s %s %s %s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
			a.attnotnull, coalesce(pg_get_expr(d.adbin, d.adrelid), '-'), coalesce(co.collname, '-'))
		FROM ns
		JOIN pg_class c ON c.relnamespace = ns.oid AND c.relkind = 'r'
		JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
		LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
		LEFT JOIN pg_collation co ON co.oid = a.attcollation
		UNION ALL
		SELECT 'index ' || c.relname || ' ' || replace(pg_get_indexdef(c.oid), quote_ident($1) || '.', '')
		FROM ns JOIN pg_class c ON c.relnamespace = ns.oid AND c.relkind = 'i'
		UNION ALL
		SELECT 'constraint ' || co.conname || ' ' || replace(pg_get_constraintdef(co.oid), quote_ident($1) || '.', '')
		FROM ns JOIN pg_constraint co ON co.connamespace = ns.oid
		ORDER BY 1`, schema)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}
