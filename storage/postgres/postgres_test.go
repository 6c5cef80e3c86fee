package postgres

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
	"github.com/praksis/praksis/storage/storagetest"
)

// TestConformance runs the shared storage suite. The cases that commit or
// run transactions side by side each get a migrated, empty schema of their
// own; the others share one schema, each in a transaction of its own that
// is rolled back when the case ends.
func TestConformance(t *testing.T) {
	t.Parallel()
	shared, _ := setup(t)
	storagetest.RunPractice(t, storagetest.Harness{
		NewStore: func(t *testing.T) practice.Store {
			s, _ := setup(t)
			return s
		},
		Begin:  begin,
		Shared: shared,
	})
	storagetest.RunInvite(t, storagetest.InviteHarness{
		NewStore: func(t *testing.T) storagetest.InviteStore {
			s, _ := setup(t)
			return s
		},
		Begin:  begin,
		Shared: shared,
	})
	storagetest.RunAgreement(t, storagetest.AgreementHarness{
		NewStore: func(t *testing.T) storagetest.AgreementStore {
			s, _ := setup(t)
			return s
		},
		Begin:  begin,
		Shared: shared,
	})
}

// begin begins a transaction on the store's pool, as an application that
// joins the store's writes to its own transaction does, and returns the
// context WithTx makes of it.
func begin(t *testing.T, st practice.Store) (context.Context, func(commit bool) error) {
	t.Helper()
	s := st.(*Store)
	ctx := context.Background()
	tx, err := s.pool.Begin(ctx)
	require.NoError(t, err)
	return s.WithTx(ctx, tx), func(commit bool) error {
		if commit {
			return tx.Commit(ctx)
		}
		return tx.Rollback(ctx)
	}
}
