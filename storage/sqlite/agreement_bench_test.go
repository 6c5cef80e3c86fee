package sqlite

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/praksis/praksis/agreement"
	"github.com/praksis/praksis/storage/storagetest"
)

// statementCounter is a bun.QueryHook that counts the statements run,
// BEGIN and ROLLBACK among them.
type statementCounter struct{ n atomic.Int64 }

func (c *statementCounter) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	c.n.Add(1)
	return ctx
}

func (c *statementCounter) AfterQuery(context.Context, *bun.QueryEvent) {}

// BenchmarkCoverage measures what a coverage check of one place reads
// (CoverageFilter with InstitutionID and PlaceID) of an organisation with
// 50 places, some moved, and 10 agreements with the institution, in
// statements and microseconds per call. The statements are Coverage's
// four reads and those of its snapshot: BEGIN, a first read and ROLLBACK.
func BenchmarkCoverage(b *testing.B) {
	ctx := context.Background()
	s := openBench(b)
	inst, places := storagetest.LoadOrganisation(b, s)
	f := agreement.CoverageFilter{InstitutionID: inst, PlaceID: places[len(places)-1]}
	set, err := s.Coverage(ctx, f)
	require.NoError(b, err)
	require.Len(b, set.Agreements, 10)
	require.Len(b, set.Versions, 55)

	var c statementCounter
	//lint:ignore SA1019 the store's own handle must count its statements; WithQueryHook would make a copy the store does not use
	s.DB().AddQueryHook(&c)
	b.ReportAllocs()
	start := time.Now()
	n := 0
	for b.Loop() {
		if _, err := s.Coverage(ctx, f); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(c.n.Load())/float64(n), "statements/op")
	b.ReportMetric(float64(time.Since(start).Microseconds())/float64(n), "us/op")
}
