package postgres

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

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
	txCtx := s.WithTx(ctx, tx)
	in := practice.Institution{ID: practice.NewID(), Name: "NIH", Code: "NIH", Version: 1,
		CreatedAt: time.Now().UTC().Truncate(time.Microsecond)}
	in.UpdatedAt = in.CreatedAt
	require.NoError(t, s.InTx(txCtx, func(ctx context.Context) error {
		return s.CreateInstitution(ctx, in)
	}), "InTx joins the caller's transaction")
	_, err = s.Institution(ctx, in.ID)
	require.ErrorIs(t, err, practice.ErrNotFound, "InTx in the caller's transaction does not commit it")
	got, err := s.Institution(txCtx, in.ID)
	require.NoError(t, err)
	require.Equal(t, in, got)
	require.NoError(t, tx.Rollback(ctx))
	_, err = s.Institution(ctx, in.ID)
	require.ErrorIs(t, err, practice.ErrNotFound, "the caller's rollback removes the store's writes")
}

func TestTxOfAnotherStoreIsIgnored(t *testing.T) {
	t.Parallel()
	s1, _ := setup(t)
	s2, _ := setup(t)
	ctx := context.Background()
	o := practice.Organisation{ID: practice.NewID(), Name: "A", OrgNumber: "974760673", Version: 1}
	require.NoError(t, s2.CreateOrganisation(ctx, o))
	err := s1.InTx(ctx, func(ctx context.Context) error {
		_, err := s2.Organisation(ctx, o.ID) // s2 does not use s1's transaction
		return err
	})
	require.NoError(t, err)
}

func TestLockOrganisationWaits(t *testing.T) {
	t.Parallel()
	s, _ := setup(t)
	ctx := context.Background()
	o := practice.Organisation{ID: practice.NewID(), Name: "A", OrgNumber: "974760673", Version: 1}
	require.NoError(t, s.CreateOrganisation(ctx, o))
	p := practice.Person{ID: practice.NewID(), Name: "Kari", Email: "kari@example.no", Version: 1}
	require.NoError(t, s.CreatePerson(ctx, p))

	locked, release := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- s.InTx(ctx, func(ctx context.Context) error {
			if err := s.LockOrganisation(ctx, o.ID); err != nil {
				close(locked)
				return err
			}
			close(locked)
			<-release
			return nil
		})
	}()
	<-locked

	// A membership only refers to the organisation: it does not wait.
	require.NoError(t, s.PutMembership(ctx, practice.Membership{OrganisationID: o.ID, PersonID: p.ID, Right: practice.Read}))

	second := make(chan error, 1)
	go func() {
		second <- s.InTx(ctx, func(ctx context.Context) error { return s.LockOrganisation(ctx, o.ID) })
	}()
	select {
	case err := <-second:
		t.Fatalf("a second LockOrganisation returned (%v) while the first transaction holds the lock", err)
	case <-time.After(200 * time.Millisecond):
	}
	close(release)
	require.NoError(t, <-first)
	require.NoError(t, <-second, "the second lock is taken when the first transaction ends")
}

func TestInTxCommitError(t *testing.T) {
	t.Parallel()
	s, _ := setup(t)
	ctx := context.Background()
	in := practice.Institution{ID: practice.NewID(), Name: "NIH", Code: "NIH", Version: 1}
	require.NoError(t, s.CreateInstitution(ctx, in))
	// A failed statement aborts the transaction; a callback that swallows the
	// error gets the failed commit.
	err := s.InTx(ctx, func(ctx context.Context) error {
		require.ErrorIs(t, s.CreateInstitution(ctx, in), practice.ErrConflict)
		return nil
	})
	require.Error(t, err)
	require.False(t, errors.Is(err, practice.ErrConflict))
}
