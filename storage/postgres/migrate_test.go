package postgres

import (
	"context"
	"io/fs"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/internal/migrate"
	"github.com/praksis/praksis/practice"
)

// The migrations as Migrate records them.
var wantApplied = map[int]string{1: "0001_kernel.up.sql", 2: "0002_keys_and_roles.up.sql", 3: "0003_invite.up.sql",
	4: "0004_agreement.up.sql"}

func TestMigrations(t *testing.T) {
	t.Parallel()
	names, err := fs.Glob(Migrations, "*")
	require.NoError(t, err)
	require.Equal(t, []string{"0001_kernel.down.sql", "0001_kernel.up.sql", "0002_keys_and_roles.down.sql", "0002_keys_and_roles.up.sql", "0003_invite.down.sql", "0003_invite.up.sql", "0004_agreement.down.sql", "0004_agreement.up.sql"}, names,
		"Migrations holds the SQL files at its root")
	require.NoError(t, fstest.TestFS(Migrations, names...))

	ms, err := migrate.Load(Migrations)
	require.NoError(t, err)
	require.Len(t, ms, len(wantApplied))
	for _, m := range ms {
		require.Equal(t, wantApplied[m.Version], m.Name)
	}
	require.Contains(t, ms[0].SQL, "CREATE TABLE institutions")
}

// applied returns the versions and names praksis_migration records.
func applied(t *testing.T, pool *pgxpool.Pool) map[int]string {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT version, name FROM praksis_migration`)
	require.NoError(t, err)
	out := map[int]string{}
	var (
		v    int
		name string
	)
	_, err = pgx.ForEachRow(rows, []any{&v, &name}, func() error { out[v] = name; return nil })
	require.NoError(t, err)
	return out
}

func TestMigrateTwiceIsNoOp(t *testing.T) {
	t.Parallel()
	s, b := setup(t) // migrated once
	require.Equal(t, wantApplied, applied(t, b.pool), "praksis_migration records each applied migration")
	require.NoError(t, s.Migrate(context.Background()), "Migrate again")
	require.Equal(t, wantApplied, applied(t, b.pool), "a second Migrate applies nothing")
	require.Equal(t, schemas.migrated(t), schemaOf(t, b.pool, b.schema), "a second Migrate changes no table")
}

func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	sc := schemas.bare(t)
	ctx := context.Background()
	const n = 4
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = New(sc.pool).Migrate(ctx) })
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err, "processes migrating at once take turns")
	}
	require.Equal(t, wantApplied, applied(t, sc.pool), "each migration is applied once")

	require.Equal(t, schemas.migrated(t), schemaOf(t, sc.pool, sc.name), "Migrate makes the schema that the tests' schemas have")
	require.NoError(t, New(sc.pool).Migrate(ctx))
	require.Equal(t, wantApplied, applied(t, sc.pool), "a second Migrate applies nothing")
}

// TestMigrateFromVersion1 migrates a database that the previous version of
// this package made: version 1 applied and recorded under its old name.
func TestMigrateFromVersion1(t *testing.T) {
	t.Parallel()
	sc := schemas.bare(t)
	ctx := context.Background()
	kernel, err := fs.ReadFile(Migrations, "0001_kernel.up.sql")
	require.NoError(t, err)
	_, err = sc.pool.Exec(ctx, string(kernel))
	require.NoError(t, err)
	_, err = sc.pool.Exec(ctx, `
		CREATE TABLE praksis_migration (
			version    integer     PRIMARY KEY,
			name       text        NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now()
		);
		INSERT INTO praksis_migration (version, name) VALUES (1, '001_kernel.up.sql')`)
	require.NoError(t, err)

	// People as the service stored them: names as given, e-mail addresses
	// trimmed and in lower case.
	now := time.Now().UTC().Truncate(time.Microsecond)
	old := []practice.Person{
		{ID: practice.NewID(), Name: "Øystein  Nordmann", Email: "oystein@ous.example.no", Phone: "+4790000000",
			Profile: practice.Profile{Teaches: []string{"Førstehjelp"}}, Version: 3, CreatedAt: now, UpdatedAt: now},
		{ID: practice.NewID(), Name: "Kari Nordmann", Email: "kari@oslo.example.no", NationalID: secretID(t),
			Version: 1, CreatedAt: now, UpdatedAt: now},
	}
	for _, p := range old {
		profile, err := profileJSON(p.Profile)
		require.NoError(t, err)
		_, err = sc.pool.Exec(ctx, `INSERT INTO people (`+personColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			p.ID, p.Name, p.Email, p.Phone, nullNationalID(p.NationalID), profile, p.Version, p.CreatedAt, p.UpdatedAt)
		require.NoError(t, err)
	}

	s := New(sc.pool)
	require.NoError(t, s.Migrate(ctx))
	want := map[int]string{1: "0001_kernel.up.sql", 2: wantApplied[2], 3: wantApplied[3], 4: wantApplied[4]}
	require.Equal(t, want, applied(t, sc.pool), "Migrate goes on from the version the old bookkeeping records, renaming its record")
	require.Equal(t, schemas.migrated(t), schemaOf(t, sc.pool, sc.name), "an old database migrated on has the schema of a new one")

	for _, p := range old {
		got, err := s.Person(ctx, p.ID)
		require.NoError(t, err)
		require.Equal(t, p, got, "Migrate keeps the data")
		found, err := s.People(ctx, practice.PeopleFilter{Email: " " + strings.ToUpper(p.Email) + " "})
		require.NoError(t, err)
		require.Equal(t, []practice.Person{p}, found.Items, "the e-mail keys of the people stored before are filled in")
	}
	// The search keys are computed in Go, so Ø folds whatever the
	// database's locale.
	found, err := s.People(ctx, practice.PeopleFilter{Query: "ØYSTEIN NORD"})
	require.NoError(t, err)
	require.Equal(t, []practice.Person{old[0]}, found.Items, "the search keys of the people stored before are filled in")

	twin := practice.Person{ID: practice.NewID(), Name: "Kari", Email: "KARI@oslo.example.no", Version: 1, CreatedAt: now, UpdatedAt: now}
	var e *practice.Error
	require.ErrorAs(t, s.CreatePerson(ctx, twin), &e, "two people whose e-mails differ only in case cannot exist")
	require.Equal(t, "email", e.Field)

	require.NoError(t, s.Migrate(ctx))
	require.Equal(t, want, applied(t, sc.pool), "a second Migrate applies nothing")
}
