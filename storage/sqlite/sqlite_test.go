package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
	"github.com/praksis/praksis/storage/storagetest"
)

// open returns a migrated store on a new file in t.TempDir(), closed in
// t.Cleanup.
func open(t *testing.T) *Store {
	t.Helper()
	return openAt(t, filepath.Join(t.TempDir(), "praksis.db"))
}

func openAt(t *testing.T, path string) *Store {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, path)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	require.NoError(t, s.Migrate(ctx))
	return s
}

func TestConformance(t *testing.T) {
	t.Parallel()
	storagetest.Run(t, func(t *testing.T) practice.Store { return open(t) })
}

func TestOpen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("CreatesDirectory", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "var", "lib", "praksis.db")
		openAt(t, path)
		_, err := os.Stat(path)
		require.NoError(t, err, "Open creates the file and its parent directories")
	})

	t.Run("AwkwardPath", func(t *testing.T) {
		t.Parallel()
		// A '?', '#' or '%' in the path must not be read as part of the URI.
		path := filepath.Join(t.TempDir(), "a b?c#d%20e.db")
		openAt(t, path)
		_, err := os.Stat(path)
		require.NoError(t, err, "the database file has exactly the name given")
	})

	t.Run("Pragmas", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		var fk, busy int
		var journal string
		// Read on one pinned connection; each setting is per connection.
		conn, err := s.DB().Conn(ctx)
		require.NoError(t, err)
		defer conn.Close()
		require.NoError(t, conn.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk))
		require.NoError(t, conn.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy))
		require.NoError(t, conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&journal))
		require.Equal(t, 1, fk, "foreign keys are on")
		require.Equal(t, busyTimeout, busy)
		require.Equal(t, "wal", journal)
	})

	t.Run("EmptyPath", func(t *testing.T) {
		t.Parallel()
		_, err := Open(ctx, "")
		require.Error(t, err)
	})
}

func TestPersistsAcrossReopen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "praksis.db")

	s, err := Open(ctx, path)
	require.NoError(t, err)
	require.NoError(t, s.Migrate(ctx))
	at := time.Date(2026, 3, 1, 12, 30, 45, 123456000, time.UTC)
	o := practice.Organisation{ID: practice.NewID(), Name: "Oslo kommune", OrgNumber: "974770482", Version: 1, CreatedAt: at, UpdatedAt: at}
	require.NoError(t, s.CreateOrganisation(ctx, o))
	n, err := practice.ParseNationalID("01010750160")
	require.NoError(t, err)
	p := practice.Person{ID: practice.NewID(), Name: "Kari", Email: "kari@example.no", NationalID: n, Version: 1, CreatedAt: at, UpdatedAt: at}
	require.NoError(t, s.CreatePerson(ctx, p))
	require.NoError(t, s.Close())

	s = openAt(t, path)
	got, err := s.Organisation(ctx, o.ID)
	require.NoError(t, err)
	require.Equal(t, o, got, "what was stored before Close is there after Open")
	gotP, err := s.PersonByNationalID(ctx, n)
	require.NoError(t, err)
	require.Equal(t, p, gotP)
}

func TestMigrate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("Twice", func(t *testing.T) {
		t.Parallel()
		s := open(t) // migrated once
		schema := func() []string {
			var sqls []string
			require.NoError(t, s.DB().NewSelect().ColumnExpr("sql").TableExpr("sqlite_schema").
				Where("sql IS NOT NULL").OrderExpr("name").Scan(ctx, &sqls))
			return sqls
		}
		before := schema()
		var applied []string
		require.NoError(t, s.DB().NewSelect().ColumnExpr("version").TableExpr("praksis_migration").
			OrderExpr("version").Scan(ctx, &applied))

		require.NoError(t, s.Migrate(ctx), "Migrate on a migrated database succeeds")
		require.Equal(t, before, schema(), "a second Migrate changes no schema")
		var again []string
		require.NoError(t, s.DB().NewSelect().ColumnExpr("version").TableExpr("praksis_migration").
			OrderExpr("version").Scan(ctx, &again))
		require.Equal(t, applied, again, "a second Migrate records nothing")
		require.Equal(t, []string{"0001_kernel"}, again)
	})

	t.Run("Concurrent", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "praksis.db")
		// Two stores on one file stand for two processes starting at once.
		a, err := Open(ctx, path)
		require.NoError(t, err)
		t.Cleanup(func() { _ = a.Close() })
		b, err := Open(ctx, path)
		require.NoError(t, err)
		t.Cleanup(func() { _ = b.Close() })
		errs := make(chan error, 2)
		go func() { errs <- a.Migrate(ctx) }()
		go func() { errs <- b.Migrate(ctx) }()
		require.NoError(t, <-errs)
		require.NoError(t, <-errs)
		var n int
		require.NoError(t, a.DB().QueryRowContext(ctx, "SELECT count(*) FROM praksis_migration").Scan(&n))
		require.Equal(t, 1, n, "each migration is applied and recorded once")
	})
}

func TestMigrations(t *testing.T) {
	t.Parallel()
	names, err := fs.Glob(Migrations, "*.sql")
	require.NoError(t, err)
	require.Equal(t, []string{"0001_kernel.sql"}, names, "Migrations holds the SQL files at its root")
	require.NoError(t, fstest.TestFS(Migrations, names...))
}

// TestNoCgo builds the package with cgo off: the adapter must not need a C
// compiler.
func TestNoCgo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the package; skipped in -short mode")
	}
	t.Parallel()
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(gobin); err != nil {
		t.Skip("no go command beside the test's GOROOT")
	}
	cmd := exec.Command(gobin, "build", "-o", os.DevNull, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "CGO_ENABLED=0 go build: %s", out)
}

func TestInterpretError(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := open(t)
	db := s.DB()
	// driverError runs a statement that fails on the migrated schema and
	// returns the driver's own error.
	orgID, personID := practice.NewID().String(), practice.NewID().String()
	_, err := db.ExecContext(ctx, `INSERT INTO organisations VALUES (?, 'A', '974770482', 1, '', '')`, orgID)
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, `INSERT INTO people (id, name, email, national_id, version, created_at, updated_at)
		VALUES (?, 'Kari', 'kari@example.no', '01010750160', 1, '', '')`, personID)
	require.NoError(t, err)
	driverError := func(query string, args ...any) error {
		t.Helper()
		_, err := db.DB.ExecContext(ctx, query, args...)
		require.Error(t, err)
		return err
	}
	// canceledError runs a statement with a cancelled context.
	canceledError := func() error {
		t.Helper()
		canceled, cancel := context.WithCancel(ctx)
		cancel()
		_, err := db.DB.ExecContext(canceled, `SELECT 1`)
		require.ErrorIs(t, err, context.Canceled, "the error comes from the cancelled context")
		return err
	}

	for _, tc := range []struct {
		name string
		err  error
		want error // nil: neither ErrNotFound nor ErrConflict
	}{
		{"NoRows", sql.ErrNoRows, practice.ErrNotFound},
		{"WrappedNoRows", fmt.Errorf("scan: %w", sql.ErrNoRows), practice.ErrNotFound},
		{"PrimaryKey", driverError(`INSERT INTO organisations VALUES (?, 'B', '912345678', 1, '', '')`, orgID), practice.ErrConflict},
		{"Unique", driverError(`INSERT INTO organisations VALUES (?, 'B', '974770482', 1, '', '')`, practice.NewID().String()), practice.ErrConflict},
		{"UniqueNationalID", driverError(`INSERT INTO people (id, name, email, national_id, version, created_at, updated_at)
			VALUES (?, 'Ola', 'ola@example.no', '01010750160', 1, '', '')`, practice.NewID().String()), practice.ErrConflict},
		{"ForeignKey", driverError(`INSERT INTO memberships VALUES (?, ?, 'read')`, practice.NewID().String(), personID), practice.ErrNotFound},
		{"Check", driverError(`INSERT INTO memberships VALUES (?, ?, 'owner')`, orgID, personID), nil},
		{"Syntax", driverError(`INSERT INTO nowhere VALUES (1)`), nil},
		{"Canceled", canceledError(), nil},
		{"Other", errors.New("disk on fire"), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := interpretError(tc.err)
			require.Error(t, got)
			if !errors.Is(tc.err, sql.ErrNoRows) { // a missing row is just ErrNotFound
				require.ErrorIs(t, got, tc.err, "the driver's error stays in the chain")
			}
			require.NotContains(t, got.Error(), "01010750160", "no error quotes a national identity number")
			for _, sentinel := range []error{practice.ErrNotFound, practice.ErrConflict} {
				require.Equal(t, sentinel == tc.want, errors.Is(got, sentinel), "errors.Is(%v, %v)", got, sentinel)
			}
		})
	}
	require.ErrorIs(t, interpretError(canceledError()), context.Canceled,
		"a cancelled statement stays context.Canceled, neither not found nor a conflict")
	require.NoError(t, interpretError(nil))
}

// TestReadsDuringTx checks that a call made outside a transaction while
// another goroutine holds one neither deadlocks nor fails: a read sees the
// last committed state at once, and a write waits for the transaction.
func TestReadsDuringTx(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := open(t)
	at := time.Now().UTC().Truncate(time.Microsecond)
	o := practice.Organisation{ID: practice.NewID(), Name: "A", OrgNumber: "974770482", Version: 1, CreatedAt: at, UpdatedAt: at}
	require.NoError(t, s.CreateOrganisation(ctx, o))

	inTx, release := make(chan struct{}), make(chan struct{})
	events := make(chan string, 2) // what finished, in order
	txDone := make(chan error, 1)
	go func() {
		txDone <- s.InTx(ctx, func(ctx context.Context) error {
			v := o
			v.Name = "B"
			if err := s.UpdateOrganisation(ctx, v); err != nil {
				return err
			}
			close(inTx)
			<-release
			events <- "tx committing" // InTx commits when fn returns nil
			return nil
		})
	}()
	<-inTx

	readCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	got, err := s.Organisation(readCtx, o.ID)
	require.NoError(t, err, "a read outside the transaction does not wait for it")
	require.Equal(t, o, got, "a read outside the transaction sees the last committed state")

	// The write starts while the transaction holds the write lock; give it
	// time to reach the lock. It must finish only after the transaction
	// commits: events records which came first.
	written := make(chan error, 1)
	other := practice.Organisation{ID: practice.NewID(), Name: "C", OrgNumber: "912345678", Version: 1, CreatedAt: at, UpdatedAt: at}
	go func() {
		err := s.CreateOrganisation(ctx, other)
		events <- "write done"
		written <- err
	}()
	time.Sleep(100 * time.Millisecond)
	close(release)
	require.NoError(t, <-txDone)
	require.NoError(t, <-written, "a write outside the transaction waits for it, then succeeds")
	close(events)
	var order []string
	for e := range events {
		order = append(order, e)
	}
	require.Equal(t, []string{"tx committing", "write done"}, order, "the write outside the transaction waits for it")

	got, err = s.Organisation(ctx, o.ID)
	require.NoError(t, err)
	require.Equal(t, "B", got.Name)
	require.Equal(t, 2, got.Version)
}

// TestLockOrganisationOutsideTx checks the error of LockOrganisation called
// without a transaction, even for an organisation that does not exist.
func TestLockOrganisationOutsideTx(t *testing.T) {
	t.Parallel()
	s := open(t)
	err := s.LockOrganisation(context.Background(), practice.NewID())
	require.ErrorIs(t, err, errLockOutsideTx)
}

// TestWithTx checks that the store's writes join a transaction the caller
// began on DB.
func TestWithTx(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := open(t)
	at := time.Now().UTC().Truncate(time.Microsecond)
	in := practice.Institution{ID: practice.NewID(), Name: "NIH", Code: "NIH", Version: 1, CreatedAt: at, UpdatedAt: at}

	tx, err := s.DB().BeginTx(ctx, nil)
	require.NoError(t, err)
	txCtx := s.WithTx(ctx, tx)
	require.NoError(t, s.CreateInstitution(txCtx, in))
	require.NoError(t, s.InTx(txCtx, func(ctx context.Context) error {
		_, err := s.Institution(ctx, in.ID)
		return err
	}), "InTx joins the caller's transaction")
	require.NoError(t, tx.Rollback())
	_, err = s.Institution(ctx, in.ID)
	require.ErrorIs(t, err, practice.ErrNotFound, "the caller's rollback undoes the store's writes")
}
