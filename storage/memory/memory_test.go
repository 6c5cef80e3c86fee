package memory_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
	"github.com/praksis/praksis/storage/memory"
	"github.com/praksis/praksis/storage/storagetest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	storagetest.RunPractice(t, storagetest.Harness{
		NewStore: func(*testing.T) practice.Store { return memory.New() },
	})
	storagetest.RunInvite(t, storagetest.InviteHarness{
		NewStore: func(*testing.T) storagetest.InviteStore { return memory.New() },
	})
	storagetest.RunAgreement(t, storagetest.AgreementHarness{
		NewStore: func(*testing.T) storagetest.AgreementStore { return memory.New() },
	})
}

// TestEndedTransaction checks that a context kept after its transaction
// ended cannot write without the store's lock: every call with it fails.
func TestEndedTransaction(t *testing.T) {
	t.Parallel()
	s := memory.New()
	var kept context.Context
	require.NoError(t, s.InTx(context.Background(), func(ctx context.Context) error {
		kept = ctx
		return nil
	}))
	o := practice.Organisation{ID: practice.NewID(), Name: "A", OrgNumber: "974760673", Version: 1}
	require.Error(t, s.CreateOrganisation(kept, o), "a write with an ended transaction's context fails")
	_, err := s.Organisation(kept, o.ID)
	require.Error(t, err)
	require.Error(t, s.InTx(kept, func(context.Context) error { return nil }))
	require.Error(t, s.Lock(kept, practice.LockStructure, o.ID))
	page, err := s.Organisations(context.Background(), practice.OrganisationFilter{})
	require.NoError(t, err)
	require.Empty(t, page.Items)
}
