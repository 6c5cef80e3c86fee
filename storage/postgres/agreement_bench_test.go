package postgres

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/agreement"
	"github.com/praksis/praksis/practice"
	"github.com/praksis/praksis/storage/storagetest"
)

// statementCounter is a pgx.QueryTracer that counts the statements sent.
type statementCounter struct{ n atomic.Int64 }

func (c *statementCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.n.Add(1)
	return ctx
}

func (c *statementCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// counted returns a Store on the schema of a test's store whose pool
// counts the statements it sends.
func counted(b testing.TB, bundle *testBundle) (*Store, *statementCounter) {
	b.Helper()
	config, err := pgxpool.ParseConfig(testURL())
	require.NoError(b, err)
	config.ConnConfig.RuntimeParams["search_path"] = bundle.schema
	c := &statementCounter{}
	config.ConnConfig.Tracer = c
	pool, err := pgxpool.NewWithConfig(context.Background(), config)
	require.NoError(b, err)
	b.Cleanup(pool.Close)
	return New(pool), c
}

// BenchmarkCoverage measures Coverage, in statements and microseconds per
// call:
//
//   - place: what a coverage check of one place reads (CoverageFilter with
//     InstitutionID and PlaceID) of an organisation with 50 places, some
//     moved, and 10 agreements with the institution;
//   - report: what the consistency report reads (CoverageFilter with
//     InstitutionID) of an institution with 20,000 agreements with 400
//     organisations, whose 100,000 places have a version each.
func BenchmarkCoverage(b *testing.B) {
	b.Run("place", func(b *testing.B) {
		s, bundle := setup(b)
		inst, places := storagetest.LoadOrganisation(b, s)
		benchCoverage(b, bundle, agreement.CoverageFilter{InstitutionID: inst, PlaceID: places[len(places)-1]}, 10, 55)
	})
	b.Run("report", func(b *testing.B) {
		_, bundle := setup(b)
		inst := coverageReport(b, bundle.pool)
		benchCoverage(b, bundle, agreement.CoverageFilter{InstitutionID: inst}, 20_000, 100_000)
	})
}

// benchCoverage runs Coverage(f) in a loop on a counted store, checks that
// it reads the agreements and versions expected, and reports the
// statements and microseconds per call.
func benchCoverage(b *testing.B, bundle *testBundle, f agreement.CoverageFilter, agreements, versions int) {
	ctx := context.Background()
	s, c := counted(b, bundle)
	set, err := s.Coverage(ctx, f)
	require.NoError(b, err)
	require.Len(b, set.Agreements, agreements)
	require.Len(b, set.Versions, versions)
	c.n.Store(0)
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

// coverageReport stores, in SQL, an institution with 20,000 active
// agreements with 400 organisations (50 each), whose 100,000 places (250
// each, 10 at the top and 24 under each) have one version each; each
// agreement names 3 places, one of them with Only, and has 2 terms. It
// returns the institution. The tables are truncated when b ends, which is
// faster than the DELETE that empties a test's schema.
func coverageReport(b *testing.B, pool *pgxpool.Pool) practice.ID {
	b.Helper()
	ctx := context.Background()
	_, err := pool.Exec(ctx, reportData)
	require.NoError(b, err)
	b.Cleanup(func() {
		_, err := pool.Exec(context.Background(), `TRUNCATE institutions, organisations, places, place_versions CASCADE`)
		require.NoError(b, err)
	})
	var inst practice.ID
	require.NoError(b, pool.QueryRow(ctx, `SELECT id FROM institutions`).Scan(&inst))
	return inst
}

// reportData is the data of coverageReport. Its IDs are numbers in
// hexadecimal, lpad(to_hex(n), 32, '0')::uuid, so the rows refer to each
// other without a lookup, and each table's rows come in the order of its
// primary key, which keeps the load fast.
const reportData = `
INSERT INTO institutions (id, name, code, version, created_at, updated_at)
VALUES (lpad(to_hex(1), 32, '0')::uuid, 'OsloMet', 'OSLOMET', 1, now(), now());

INSERT INTO organisations (id, name, org_number, version, created_at, updated_at)
SELECT lpad(to_hex(1000000 + o), 32, '0')::uuid, 'Kommune ' || o, '9' || lpad(o::text, 8, '0'), 1, now(), now()
FROM generate_series(0, 399) o;

INSERT INTO places (id, organisation_id, version, created_at, updated_at)
SELECT lpad(to_hex(2000000 + o * 250 + p), 32, '0')::uuid, lpad(to_hex(1000000 + o), 32, '0')::uuid, 1, now(), now()
FROM generate_series(0, 399) o, generate_series(0, 249) p ORDER BY o, p;

INSERT INTO place_versions (place_id, valid_from, name, parent_id, closed, created_at)
SELECT lpad(to_hex(2000000 + o * 250 + p), 32, '0')::uuid, '2026-01-01', 'Avdeling ' || p,
	CASE WHEN p % 25 <> 0 THEN lpad(to_hex(2000000 + o * 250 + p - p % 25), 32, '0')::uuid END, false, now()
FROM generate_series(0, 399) o, generate_series(0, 249) p ORDER BY o, p;

INSERT INTO praksis_agreement (id, institution_id, organisation_id, name, period_start, period_end, renew_months,
	notice_days, scope, status, reviewed_on, version, created_at, updated_at)
SELECT lpad(to_hex(3000000 + o * 50 + a), 32, '0')::uuid, lpad(to_hex(1), 32, '0')::uuid, lpad(to_hex(1000000 + o), 32, '0')::uuid,
	'Avtale ' || o || '.' || a, '2026-01-01', '2029-07-31', 0, 90, '{}', 'active', '2026-01-01', 1, now(), now()
FROM generate_series(0, 399) o, generate_series(0, 49) a;

INSERT INTO praksis_agreement_place (agreement_id, place_id, only_place)
SELECT lpad(to_hex(3000000 + o * 50 + a), 32, '0')::uuid, lpad(to_hex(2000000 + o * 250 + (a * 5 + k * 50) % 250), 32, '0')::uuid, k = 1
FROM generate_series(0, 399) o, generate_series(0, 49) a, generate_series(0, 2) k;

INSERT INTO praksis_agreement_term (agreement_id, programme, academic_year, students, at_once)
SELECT lpad(to_hex(3000000 + o * 50 + a), 32, '0')::uuid, 'SYKEPLEIE', y, 8, 4
FROM generate_series(0, 399) o, generate_series(0, 49) a, generate_series(2026, 2027) y;

ANALYZE`
