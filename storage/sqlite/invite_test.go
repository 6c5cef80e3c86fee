package sqlite

import (
	"testing"

	"github.com/praksis/praksis/storage/storagetest"
)

// BenchmarkInvite measures what the outbox adds to an invitation (see
// storagetest.BenchInvite).
func BenchmarkInvite(b *testing.B) { storagetest.BenchInvite(b, openBench(b)) }
