package postgres

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/agreement"
	"github.com/praksis/praksis/practice"
	"github.com/praksis/praksis/storage/storagetest"
)

// TestReportQueries checks that the consistency report reads the store in a
// fixed number of statements, whatever the number of agreements and places:
// the same on data twice as large, and no statement per place or per
// agreement.
func TestReportQueries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	statements := func(sc storagetest.Scale) (int64, int) {
		s, bundle := setup(t)
		inst := storagetest.LoadNational(t, s, sc)
		counting, c := counted(t, bundle)
		svc, err := agreement.NewService(counting)
		require.NoError(t, err)
		c.n.Store(0)
		r, err := svc.Report(ctx, practice.SystemActor(), inst, storagetest.ReportDate)
		require.NoError(t, err)
		return c.n.Load(), len(r.Findings)
	}
	small := storagetest.Scale{Organisations: 5, PlacesPerOrganisation: 20, AgreementsPerOrganisation: 4, ChangesPerOrganisation: 5}
	large := small
	large.Organisations = 10
	n1, f1 := statements(small)
	n2, f2 := statements(large)
	require.Positive(t, f1, "the data has findings to report")
	require.Greater(t, f2, f1)
	require.Equal(t, n1, n2, "rule: the report reads in a fixed number of statements: %d on %d organisations, %d on %d", n1, small.Organisations, n2, large.Organisations)
	require.LessOrEqual(t, n1, int64(8), "the report reads in a handful of statements (with its transaction's)")
	t.Logf("the report sends %d statements", n1)
}

// benchScale is the scale of BenchmarkReport: PRAKSIS_BENCH_SCALE times
// national scale (storagetest.NationalScale), or a twentieth of it, which
// loads in seconds.
func benchScale(b *testing.B) float64 {
	if v := os.Getenv("PRAKSIS_BENCH_SCALE"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		require.NoError(b, err, "PRAKSIS_BENCH_SCALE")
		return f
	}
	return 0.05
}

// BenchmarkReport measures the consistency report on PostgreSQL. At
// national scale (2,000 organisations, 100,000 places, 20,000 agreements,
// 10,000 restructurings), which takes minutes to load:
//
//	PRAKSIS_BENCH_SCALE=1 go test -run '^$' -bench BenchmarkReport -benchtime 5x ./storage/postgres
//
// The tables are analysed after the load, as autovacuum would.
func BenchmarkReport(b *testing.B) {
	s, bundle := setup(b)
	sc := storagetest.NationalScale.Times(benchScale(b))
	inst := storagetest.LoadNational(b, s, sc)
	// As autovacuum would, after a load of this size.
	_, err := bundle.pool.Exec(context.Background(), "ANALYZE")
	require.NoError(b, err)
	storagetest.BenchLoadedReport(b, s, inst, sc)
}

// TestCoversQueries checks that whether one place is covered for one
// period is one statement.
func TestCoversQueries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, bundle := setup(t)
	inst := storagetest.LoadNational(t, s, storagetest.Scale{Organisations: 3, PlacesPerOrganisation: 20, AgreementsPerOrganisation: 4, ChangesPerOrganisation: 5})
	page, err := s.Agreements(ctx, agreement.Filter{InstitutionID: inst, Page: practice.PageRequest{Limit: 1}})
	require.NoError(t, err)
	counting, c := counted(t, bundle)
	svc, err := agreement.NewService(counting)
	require.NoError(t, err)
	c.n.Store(0)
	_, err = svc.Covers(ctx, practice.SystemActor(), agreement.CoverageQuery{InstitutionID: inst, PlaceID: page.Items[0].Places[0].PlaceID,
		Period: practice.Period{Start: storagetest.ReportDate, End: storagetest.ReportDate.AddDays(60)}})
	require.NoError(t, err)
	require.EqualValues(t, 1, c.n.Load(), "rule: the coverage of one place for one period is one statement")
}
