package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
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

// testBundle is what a test gets besides the store.
type testBundle struct {
	pool   *pgxpool.Pool
	schema string
}

// setup returns a migrated, empty Store in a schema of its own, dropped when
// the test ends.
func setup(t testing.TB) (*Store, *testBundle) {
	t.Helper()
	dbURL := requirePostgres(t)
	ctx := context.Background()

	b := make([]byte, 8)
	_, _ = rand.Read(b)
	schema := "praksis_test_" + hex.EncodeToString(b)
	admin := func(sql string) {
		t.Helper()
		conn, err := pgx.Connect(ctx, dbURL)
		if err != nil {
			t.Fatalf("connect: %v", err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	admin("CREATE SCHEMA " + pgx.Identifier{schema}.Sanitize())
	t.Cleanup(func() { admin("DROP SCHEMA " + pgx.Identifier{schema}.Sanitize() + " CASCADE") })

	config, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		t.Fatalf("parse PRAKSIS_POSTGRES_URL: %v", err)
	}
	config.ConnConfig.RuntimeParams["search_path"] = schema
	config.MaxConns = 4
	pool, err := pgxpool.NewWithConfig(ctx, config)
	if err != nil {
		t.Fatalf("pool: %v", err)
	}
	t.Cleanup(pool.Close) // runs before the schema is dropped

	s := New(pool)
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return s, &testBundle{pool: pool, schema: schema}
}
