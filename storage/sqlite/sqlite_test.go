package sqlite

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
	"github.com/praksis/praksis/storage/storagetest"
)

// open returns a migrated store on a new file in t.TempDir(), closed in
// t.Cleanup.
func open(t *testing.T) *Store {
	t.Helper()
	return openMigrated(t)
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

// TestConformance runs the store contract's suite. Every case gets a store
// on a file of its own: SQLite serialises writers, so cases sharing one
// file would only queue behind each other (Harness.Shared is nil).
func TestConformance(t *testing.T) {
	t.Parallel()
	begin := func(t *testing.T, ps practice.Store) (context.Context, func(commit bool) error) {
		s := ps.(*Store)
		ctx := context.Background()
		tx, err := s.DB().BeginTx(ctx, nil)
		require.NoError(t, err)
		return s.WithTx(ctx, tx), func(commit bool) error {
			if commit {
				return tx.Commit()
			}
			return tx.Rollback()
		}
	}
	storagetest.RunPractice(t, storagetest.Harness{
		NewStore: func(t *testing.T) practice.Store { return open(t) },
		Begin:    begin,
	})
	storagetest.RunInvite(t, storagetest.InviteHarness{
		NewStore: func(t *testing.T) storagetest.InviteStore { return open(t) },
		Begin:    begin,
	})
	storagetest.RunAgreement(t, storagetest.AgreementHarness{
		NewStore: func(t *testing.T) storagetest.AgreementStore { return open(t) },
		Begin:    begin,
	})
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

// TestNoCgo checks that the package builds without cgo, without building
// it: no package it imports outside the standard library has cgo files
// (with cgo on, go list shows them; the standard library does without),
// and with cgo off its imports resolve without error. go list compiles
// nothing, so this takes about a second; CI builds with CGO_ENABLED=0 too.
func TestNoCgo(t *testing.T) {
	t.Parallel()
	gocmd, err := exec.LookPath("go") // go test puts its own go first in PATH
	require.NoError(t, err, "the go command runs the check")
	golist := func(cgo string, format string) string {
		t.Helper()
		cmd := exec.Command(gocmd, "list", "-deps", "-f", format, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED="+cgo)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "CGO_ENABLED=%s go list -deps: %s", cgo, out)
		return string(out)
	}
	withCgo := golist("1", `{{if and (not .Standard) .CgoFiles}}{{.ImportPath}}: {{.CgoFiles}}{{"\n"}}{{end}}`)
	require.Empty(t, withCgo, "no dependency outside the standard library has cgo files")
	withoutCgo := golist("0", `{{.ImportPath}}{{"\n"}}`)
	require.Contains(t, strings.Fields(withoutCgo), "modernc.org/sqlite", "with cgo off, the imports resolve, the driver among them")
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

// TestLock checks the errors of Lock without a transaction that may write:
// outside any, even for an organisation that does not exist, and in a
// snapshot.
func TestLock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := open(t)
	require.ErrorIs(t, s.Lock(ctx, practice.LockStructure, practice.NewID()), errNoTx)
	require.NoError(t, s.InSnapshot(ctx, func(ctx context.Context) error {
		require.ErrorIs(t, s.Lock(ctx, practice.LockStructure, practice.NewID()), errReadOnly)
		return nil
	}))
}

// TestWithTx checks that the store's writes join a transaction the caller
// began on DB, and that a nested InTx that fails leaves it usable.
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
	err = s.InTx(txCtx, func(ctx context.Context) error { return s.CreateInstitution(ctx, in) })
	require.ErrorIs(t, err, practice.ErrConflict, "InTx runs in a savepoint of the caller's transaction")
	require.NoError(t, s.InTx(txCtx, func(ctx context.Context) error {
		_, err := s.Institution(ctx, in.ID)
		return err
	}), "the caller's transaction goes on after a failed savepoint")
	require.NoError(t, tx.Rollback())
	_, err = s.Institution(ctx, in.ID)
	require.ErrorIs(t, err, practice.ErrNotFound, "the caller's rollback undoes the store's writes")
}
