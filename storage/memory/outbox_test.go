package memory_test

import (
	"testing"

	"github.com/praksis/praksis/storage/memory"
	"github.com/praksis/praksis/storage/storagetest"
)

// TestOutbox runs the outbox's cases. Both deliverers of a case run on its
// one store: a store in memory has no second process.
func TestOutbox(t *testing.T) {
	t.Parallel()
	storagetest.RunOutbox(t, storagetest.OutboxHarness{
		NewStore: func(*testing.T) storagetest.OutboxStore { return memory.New() },
	})
}
