package postgres

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
	"github.com/praksis/praksis/storage/memory"
)

// errRollback ends a transaction of a test without committing it.
var errRollback = errors.New("roll back")

func newInstitution(name, code string) practice.Institution {
	now := time.Now().UTC().Truncate(time.Microsecond)
	return practice.Institution{ID: practice.NewID(), Name: name, Code: code, Version: 1, CreatedAt: now, UpdatedAt: now}
}

func TestOpen(t *testing.T) {
	t.Parallel()
	dbURL := requirePostgres(t)
	ctx := context.Background()
	s, err := Open(ctx, dbURL)
	require.NoError(t, err)
	require.NoError(t, s.pool.Ping(ctx))
	s.Close()
	require.Error(t, s.pool.Ping(ctx), "Close closes the pool Open made")

	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, err = Open(ctx, "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	require.Error(t, err, "Open checks that the server answers")
}

func TestNewLeavesPoolOpen(t *testing.T) {
	t.Parallel()
	s, b := setup(t)
	s.Close()
	require.NoError(t, b.pool.Ping(context.Background()), "Close leaves a pool given to New open")
}

func TestWithTx(t *testing.T) {
	t.Parallel()
	s, b := setup(t)
	ctx := context.Background()
	tx, err := b.pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	txCtx := s.WithTx(ctx, tx)

	in := newInstitution("NIH", "NIH")
	require.NoError(t, s.InTx(txCtx, func(ctx context.Context) error {
		return s.CreateInstitution(ctx, in)
	}), "InTx runs in the caller's transaction")
	_, err = s.Institution(ctx, in.ID)
	require.ErrorIs(t, err, practice.ErrNotFound, "InTx in the caller's transaction does not commit it")

	err = s.InTx(txCtx, func(ctx context.Context) error { return s.CreateInstitution(ctx, in) })
	require.ErrorIs(t, err, practice.ErrConflict)
	got, err := s.Institution(txCtx, in.ID)
	require.NoError(t, err, "InTx runs in a savepoint: its failure leaves the caller's transaction usable")
	require.Equal(t, in, got)

	require.NoError(t, tx.Commit(ctx))
	got, err = s.Institution(ctx, in.ID)
	require.NoError(t, err, "the caller's commit stores the store's writes")
	require.Equal(t, in, got)
}

func TestTxOfAnotherStoreIsIgnored(t *testing.T) {
	t.Parallel()
	s1, b := setup(t)
	s2 := New(b.pool) // another store on the same database
	ctx := context.Background()
	in := newInstitution("NIH", "NIH")
	err := s1.InTx(ctx, func(ctx context.Context) error {
		require.NoError(t, s1.CreateInstitution(ctx, in))
		_, err := s2.Institution(ctx, in.ID)
		require.ErrorIs(t, err, practice.ErrNotFound, "s2 does not run in s1's transaction, so it does not see its write")
		require.ErrorIs(t, s2.Lock(ctx, practice.LockRights, in.ID), errNoTx, "for s2 the context carries no transaction")
		return errRollback
	})
	require.ErrorIs(t, err, errRollback)
}

// TestLockWaitsAcrossStores checks that Lock serialises the transactions of
// two stores, as of two processes, on one database, and watches the second
// wait on the server.
func TestLockWaitsAcrossStores(t *testing.T) {
	t.Parallel()
	s1, b := setup(t)
	s2 := New(b.pool)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	id := practice.NewID()

	locked, release := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- s1.InTx(ctx, func(ctx context.Context) error {
			err := s1.Lock(ctx, practice.LockRights, id)
			close(locked)
			if err != nil {
				return err
			}
			<-release
			return nil
		})
	}()
	<-locked

	pid := make(chan int, 1)
	second := make(chan error, 1)
	go func() {
		second <- s2.InTx(ctx, func(ctx context.Context) error {
			var p int
			if err := s2.reader(ctx).QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&p); err != nil {
				close(pid)
				return err
			}
			pid <- p
			return s2.Lock(ctx, practice.LockRights, id)
		})
	}()
	p, ok := <-pid
	require.True(t, ok, "the second transaction begins")
	require.Eventually(t, func() bool {
		var waiting bool
		err := b.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = $1 AND locktype = 'advisory' AND NOT granted)`,
			p).Scan(&waiting)
		return err == nil && waiting
	}, 10*time.Second, 2*time.Millisecond, "the second Lock of the same scope and ID waits for the first transaction")

	require.NoError(t, s2.InTx(ctx, func(ctx context.Context) error {
		return s2.Lock(ctx, practice.LockStructure, id)
	}), "a lock of another scope does not wait")
	select {
	case err := <-second:
		t.Fatalf("the second Lock returned (%v) while the first transaction holds the lock", err)
	default:
	}
	close(release)
	require.NoError(t, <-first)
	require.NoError(t, <-second, "the second lock is taken when the first transaction ends")
}

func TestLockKey(t *testing.T) {
	t.Parallel()
	id, err := practice.ParseID("0190f5a2-7b3c-7d4e-8f5a-1b2c3d4e5f60")
	require.NoError(t, err)
	// Every version of the store must derive the same key, or processes of
	// two versions running side by side would not exclude each other.
	require.Equal(t, int64(0x6a010d8c0b529d2e), lockKey(practice.LockStructure, id), "the key of (scope, ID) never changes")
	require.NotEqual(t, lockKey(practice.LockStructure, id), lockKey(practice.LockRights, id), "scopes have keys of their own")
	require.NotEqual(t, lockKey(practice.LockStructure, id), lockKey(practice.LockStructure, practice.NewID()), "IDs have keys of their own")
	require.NotEqual(t, migrationLockID, lockKey(practice.LockStructure, id))
}

func TestInTxSwallowedFailure(t *testing.T) {
	t.Parallel()
	s, _ := setup(t)
	ctx := context.Background()
	in := newInstitution("NIH", "NIH")

	// A failed statement aborts the transaction; a callback that swallows
	// the error gets the failed commit.
	err := s.InTx(ctx, func(ctx context.Context) error {
		require.NoError(t, s.CreateInstitution(ctx, in))
		require.ErrorIs(t, s.CreateInstitution(ctx, in), practice.ErrConflict)
		return nil
	})
	require.Error(t, err, "the commit of an aborted transaction fails")
	require.NotErrorIs(t, err, practice.ErrConflict)
	_, err = s.Institution(ctx, in.ID)
	require.ErrorIs(t, err, practice.ErrNotFound, "nothing of the failed transaction is stored")

	// In a nested InTx, the savepoint is rolled back and the outer
	// transaction goes on.
	err = s.InTx(ctx, func(ctx context.Context) error {
		require.NoError(t, s.CreateInstitution(ctx, in))
		err := s.InTx(ctx, func(ctx context.Context) error {
			_ = s.CreateInstitution(ctx, in)
			return nil
		})
		require.ErrorIs(t, err, errAborted, "a nested InTx whose statement failed returns an error")
		_, err = s.Institution(ctx, in.ID)
		require.NoError(t, err, "the outer transaction goes on after the nested one was rolled back")
		return errRollback
	})
	require.ErrorIs(t, err, errRollback)
}

func TestSnapshotEndsWithRollback(t *testing.T) {
	t.Parallel()
	s, _ := setup(t)
	ctx := context.Background()
	err := s.InSnapshot(ctx, func(ctx context.Context) error {
		require.ErrorIs(t, s.CreateInstitution(ctx, newInstitution("NIH", "NIH")), errSnapshot,
			"a write in a snapshot is refused before it reaches the server")
		_, err := s.Institutions(ctx, practice.InstitutionFilter{})
		require.NoError(t, err, "so the snapshot goes on")
		_, err = s.reader(ctx).Exec(ctx, `SELECT 1 / 0`)
		require.Error(t, err)
		return nil
	})
	require.NoError(t, err, "a snapshot ends with a rollback: a failed statement in it is no commit error")
}

// TestCursorInAnyForm pages with cursors whose parts are not in the form
// the lists give (an ID in upper case, a part that is no ID or date):
// every one pages as the reference store does.
func TestCursorInAnyForm(t *testing.T) {
	t.Parallel()
	s, _ := setup(t)
	ref := memory.New()
	ctx := context.Background()
	both := func(create func(practice.Store) error) {
		t.Helper()
		require.NoError(t, create(s))
		require.NoError(t, create(ref))
	}
	var insts []practice.Institution
	for i, name := range []string{"B", "A", "B", "b", "Å", "B"} {
		in := newInstitution(name, "I"+string(rune('0'+i)))
		insts = append(insts, in)
		both(func(st practice.Store) error { return st.CreateInstitution(ctx, in) })
	}
	o := practice.Organisation{ID: practice.NewID(), Name: "O", OrgNumber: "974760673", Version: 1}
	both(func(st practice.Store) error { return st.CreateOrganisation(ctx, o) })
	place := practice.Place{ID: practice.NewID(), OrganisationID: o.ID, Version: 1}
	both(func(st practice.Store) error { return st.CreatePlace(ctx, place) })
	for _, d := range []practice.Date{practice.NewDate(2026, 1, 1), practice.NewDate(2026, 2, 1), practice.NewDate(2027, 1, 1)} {
		both(func(st practice.Store) error {
			return st.AddPlaceVersion(ctx, practice.PlaceVersion{PlaceID: place.ID, From: d, Name: "P"})
		})
	}

	id := insts[0].ID.String()
	for _, c := range []practice.Cursor{
		practice.NewCursor("B", id), practice.NewCursor("B", strings.ToUpper(id)), practice.NewCursor("B", "x"),
		practice.NewCursor("B", ""), practice.NewCursor("", ""), practice.NewCursor("a", "b"), practice.NewCursor("Å", id[:8]),
	} {
		req := practice.PageRequest{Limit: 2, After: c}
		want, err := ref.Institutions(ctx, practice.InstitutionFilter{Page: req})
		require.NoError(t, err)
		got, err := s.Institutions(ctx, practice.InstitutionFilter{Page: req})
		require.NoError(t, err)
		require.Equal(t, want, got, "Institutions after %v", req.After)
	}
	pid := place.ID.String()
	for _, c := range []practice.Cursor{
		practice.NewCursor(pid, "2026-01-01"), practice.NewCursor(pid, "2026-1-1"), practice.NewCursor(pid, "2026-01"),
		practice.NewCursor(strings.ToUpper(pid), "2026-01-01"), practice.NewCursor(pid, "x"), practice.NewCursor("", "2099-01-01"),
	} {
		req := practice.PageRequest{Limit: 1, After: c}
		want, err := ref.PlaceVersions(ctx, practice.PlaceVersionFilter{PlaceID: place.ID, Page: req})
		require.NoError(t, err)
		got, err := s.PlaceVersions(ctx, practice.PlaceVersionFilter{PlaceID: place.ID, Page: req})
		require.NoError(t, err)
		require.Equal(t, want, got, "PlaceVersions after %v", req.After)
	}
}
