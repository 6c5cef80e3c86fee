package storagetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

func testLocks(t *testing.T, h Harness) {
	t.Run("InTxOnly", func(t *testing.T) {
		t.Parallel()
		b := h.fresh(t)
		id := practice.NewID()
		require.Error(t, b.s.Lock(b.ctx, practice.LockStructure, id), "rule: Lock outside a transaction returns an error")
		require.NoError(t, b.s.InTx(b.ctx, func(ctx context.Context) error {
			require.NoError(t, b.s.Lock(ctx, practice.LockStructure, id), "rule: Lock in a transaction succeeds")
			require.NoError(t, b.s.Lock(ctx, practice.LockStructure, id), "rule: a transaction may take its own lock again")
			require.NoError(t, b.s.Lock(ctx, practice.LockRights, id), "rule: Lock does not check that the record exists")
			return nil
		}))
	})
	t.Run("Serialises", func(t *testing.T) {
		t.Parallel()
		b := h.fresh(t)
		o := createOrg(t, b, "A")
		const writers = 8
		var wg sync.WaitGroup
		errs := make([]error, writers)
		for i := range writers {
			wg.Go(func() {
				errs[i] = b.s.InTx(b.ctx, func(ctx context.Context) error {
					if err := b.s.Lock(ctx, practice.LockStructure, o.ID); err != nil {
						return err
					}
					cur, err := b.s.Organisation(ctx, o.ID)
					if err != nil {
						return err
					}
					return b.s.UpdateOrganisation(ctx, cur)
				})
			})
		}
		wg.Wait()
		for _, err := range errs {
			require.NoError(t, err, "rule: transactions that take the same lock first never see each other's stale versions")
		}
		got, err := b.s.Organisation(b.ctx, o.ID)
		require.NoError(t, err)
		require.Equal(t, 1+writers, got.Version, "rule: every locked read-modify-write is kept")
	})
	t.Run("WaitsForTheHolder", func(t *testing.T) {
		t.Parallel()
		b := h.fresh(t)
		id := practice.NewID()
		locked, release := make(chan struct{}), make(chan struct{})
		var order []string
		var mu sync.Mutex
		note := func(s string) { mu.Lock(); order = append(order, s); mu.Unlock() }
		first := make(chan error, 1)
		go func() {
			first <- b.s.InTx(b.ctx, func(ctx context.Context) error {
				if err := b.s.Lock(ctx, practice.LockRights, id); err != nil {
					close(locked)
					return err
				}
				close(locked)
				<-release
				note("first ends")
				return nil
			})
		}()
		<-locked
		second := make(chan error, 1)
		go func() {
			second <- b.s.InTx(b.ctx, func(ctx context.Context) error {
				if err := b.s.Lock(ctx, practice.LockRights, id); err != nil {
					return err
				}
				note("second locked")
				return nil
			})
		}()
		select {
		case err := <-second:
			t.Fatalf("rule: a second Lock of the same scope and ID waits for the first transaction; it returned %v", err)
		case <-time.After(150 * time.Millisecond):
		}
		close(release)
		require.NoError(t, <-first)
		require.NoError(t, <-second, "rule: the second lock is taken when the first transaction ends")
		require.Equal(t, []string{"first ends", "second locked"}, order)
	})
}
