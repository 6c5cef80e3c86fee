package postgres

import (
	"context"
	"io/fs"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"
)

func TestMigrations(t *testing.T) {
	t.Parallel()
	names, err := fs.Glob(Migrations, "*.sql")
	require.NoError(t, err)
	require.Equal(t, []string{"001_kernel.down.sql", "001_kernel.up.sql"}, names,
		"Migrations holds the SQL files at its root")
	require.NoError(t, fstest.TestFS(Migrations, "001_kernel.up.sql", "001_kernel.down.sql"))

	ms, err := upMigrations(Migrations)
	require.NoError(t, err)
	require.Len(t, ms, 1)
	require.Equal(t, 1, ms[0].version)
	require.Contains(t, ms[0].sql, "CREATE TABLE institutions")
}

func TestUpMigrationsOrderAndNames(t *testing.T) {
	t.Parallel()
	ms, err := upMigrations(fstest.MapFS{
		"010_c.up.sql":   {Data: []byte("c")},
		"002_b.up.sql":   {Data: []byte("b")},
		"002_b.down.sql": {Data: []byte("not applied")},
		"001_a.up.sql":   {Data: []byte("a")},
	})
	require.NoError(t, err)
	var got []int
	for _, m := range ms {
		got = append(got, m.version)
	}
	require.Equal(t, []int{1, 2, 10}, got, "up migrations apply by version, not by file name order")

	_, err = upMigrations(fstest.MapFS{"kernel.up.sql": {}})
	require.ErrorContains(t, err, "version number")
	_, err = upMigrations(fstest.MapFS{"1_a.up.sql": {}, "001_b.up.sql": {}})
	require.ErrorContains(t, err, "same version")
}

func TestMigrateTwiceIsNoOp(t *testing.T) {
	t.Parallel()
	s, b := setup(t) // migrated once
	ctx := context.Background()

	applied := func() (n int, tables int) {
		t.Helper()
		require.NoError(t, b.pool.QueryRow(ctx, `SELECT count(*) FROM praksis_migration`).Scan(&n))
		require.NoError(t, b.pool.QueryRow(ctx,
			`SELECT count(*) FROM information_schema.tables WHERE table_schema = $1`, b.schema).Scan(&tables))
		return n, tables
	}
	n1, tables1 := applied()
	require.Equal(t, 1, n1, "praksis_migration records each applied migration")

	require.NoError(t, s.Migrate(ctx), "Migrate again")
	n2, tables2 := applied()
	require.Equal(t, n1, n2, "a second Migrate applies nothing")
	require.Equal(t, tables1, tables2)

	var name string
	require.NoError(t, b.pool.QueryRow(ctx, `SELECT name FROM praksis_migration WHERE version = 1`).Scan(&name))
	require.Equal(t, "001_kernel.up.sql", name)
}

func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	_, b := setup(t)
	ctx := context.Background()
	// A fresh schema migrated by several stores at once.
	_, err := b.pool.Exec(ctx, `DROP TABLE staff_roles, memberships, people, place_versions, places, organisations, institutions, praksis_migration`)
	require.NoError(t, err)

	const n = 4
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = New(b.pool).Migrate(ctx) })
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err, "processes migrating at once take turns")
	}
	var count int
	require.NoError(t, b.pool.QueryRow(ctx, `SELECT count(*) FROM praksis_migration`).Scan(&count))
	require.Equal(t, 1, count)
}
