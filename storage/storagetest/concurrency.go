package storagetest

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

func testConcurrency(t *testing.T, h Harness) {
	t.Run("OneWriterWins", func(t *testing.T) {
		t.Parallel()
		b := h.fresh(t)
		const writers = 4
		for round := range 5 {
			o := createOrg(t, b, "A")
			errs := make([]error, writers)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range writers {
				wg.Go(func() {
					v := o
					v.Name = string(rune('A' + i))
					<-start
					errs[i] = b.s.UpdateOrganisation(context.Background(), v)
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
				default:
					isConflict(t, err, "", "a concurrent writer that loses gets a stale version")
				}
			}
			require.Equal(t, 1, won, "rule: of concurrent writers to one record with the same version, exactly one wins")
			got, err := b.s.Organisation(b.ctx, o.ID)
			require.NoError(t, err)
			require.Equal(t, 2, got.Version, "rule: the winner's write is stored once")
		}
	})
	t.Run("OneCreatorWins", func(t *testing.T) {
		t.Parallel()
		b := h.fresh(t)
		const writers = 4
		email := newPerson("X").Email
		errs := make([]error, writers)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range writers {
			wg.Go(func() {
				p := newPerson("Kari")
				p.Email = email
				<-start
				errs[i] = b.s.InTx(context.Background(), func(ctx context.Context) error { return b.s.CreatePerson(ctx, p) })
			})
		}
		close(start)
		wg.Wait()
		won := 0
		for _, err := range errs {
			if err == nil {
				won++
				continue
			}
			isConflict(t, err, "email", "of concurrent creators of one e-mail, the losers get a conflict on email")
		}
		require.Equal(t, 1, won, "rule: of concurrent creators of one unique value, exactly one wins")
	})
}
