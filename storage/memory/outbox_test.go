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

// BenchmarkPublish and BenchmarkInvite measure what the outbox adds to a
// transaction and to an invitation (see storagetest.BenchPublish and
// BenchInvite).
func BenchmarkPublish(b *testing.B) { storagetest.BenchPublish(b, memory.New()) }
func BenchmarkInvite(b *testing.B)  { storagetest.BenchInvite(b, memory.New()) }
