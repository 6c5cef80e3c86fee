package memory_test

import (
	"fmt"
	"testing"

	"github.com/praksis/praksis/storage/memory"
	"github.com/praksis/praksis/storage/storagetest"
)

// BenchmarkReport measures the consistency report at half, once and twice
// national scale (storagetest.NationalScale: 2,000 organisations, 100,000
// places, 20,000 agreements, 10,000 restructurings in a year), to show how
// it grows with the data.
func BenchmarkReport(b *testing.B) {
	for _, f := range []float64{0.5, 1, 2} {
		b.Run(fmt.Sprintf("x%g", f), func(b *testing.B) {
			storagetest.BenchReport(b, memory.New(), storagetest.NationalScale.Times(f))
		})
	}
}

// BenchmarkCovers measures whether one place is covered for one period, at
// national scale.
func BenchmarkCovers(b *testing.B) {
	storagetest.BenchCovers(b, memory.New(), storagetest.NationalScale)
}
