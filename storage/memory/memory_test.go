package memory_test

import (
	"testing"

	"github.com/praksis/praksis/practice"
	"github.com/praksis/praksis/storage/memory"
	"github.com/praksis/praksis/storage/storagetest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	storagetest.Run(t, func(*testing.T) practice.Store { return memory.New() })
}
