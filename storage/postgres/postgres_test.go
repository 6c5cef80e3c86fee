package postgres

import (
	"testing"

	"github.com/praksis/praksis/practice"
	"github.com/praksis/praksis/storage/storagetest"
)

// TestConformance runs the shared storage suite, each case against an
// empty schema of its own.
func TestConformance(t *testing.T) {
	t.Parallel()
	requirePostgres(t)
	storagetest.Run(t, func(t *testing.T) practice.Store {
		s, _ := setup(t)
		return s
	})
}
