package storagetest

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

func testConcurrency(t *testing.T, newStore NewStore) {
	t.Run("OneWriterWins", func(t *testing.T) {
		t.Parallel()
		s, ctx := setup(t, newStore)
		const writers = 4
		for round := range 5 {
			o := createOrg(t, ctx, s, "A")
			errs := make([]error, writers)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range writers {
				wg.Go(func() {
					v := o
					v.Name = string(rune('A' + i))
					<-start
					errs[i] = s.UpdateOrganisation(ctx, v)
				})
			}
			close(start)
			wg.Wait()
			won := 0
			for _, err := range errs {
				switch {
				case err == nil:
					won++
				case !errors.Is(err, practice.ErrConflict):
					t.Fatalf("rule: a concurrent writer that loses gets ErrConflict, got (round %d) %v", round, err)
				}
			}
			require.Equal(t, 1, won, "rule: of concurrent writers to one record with the same version, exactly one wins")
			got, err := s.Organisation(ctx, o.ID)
			require.NoError(t, err)
			require.Equal(t, 2, got.Version, "rule: the winner's write is stored once")
		}
	})
	t.Run("LockSerialises", func(t *testing.T) {
		t.Parallel()
		s, ctx := setup(t, newStore)
		o := createOrg(t, ctx, s, "A")
		const writers = 8
		var wg sync.WaitGroup
		errs := make([]error, writers)
		for i := range writers {
			wg.Go(func() {
				errs[i] = s.InTx(ctx, func(ctx context.Context) error {
					if err := s.LockOrganisation(ctx, o.ID); err != nil {
						return err
					}
					cur, err := s.Organisation(ctx, o.ID)
					if err != nil {
						return err
					}
					return s.UpdateOrganisation(ctx, cur)
				})
			})
		}
		wg.Wait()
		for _, err := range errs {
			require.NoError(t, err, "rule: transactions that lock the organisation first never see each other's stale versions")
		}
		got, err := s.Organisation(ctx, o.ID)
		require.NoError(t, err)
		require.Equal(t, 1+writers, got.Version, "rule: every locked read-modify-write is kept")
	})
}
