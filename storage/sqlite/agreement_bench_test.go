package sqlite

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/praksis/praksis/agreement"
	"github.com/praksis/praksis/practice"
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
	inst, places := coveragePlace(b, s)
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

// coveragePlace stores, through the store, an institution and an
// organisation with 50 places (5 at the top, 9 under each; 5 of them moved
// to another parent in 2027) and 10 active agreements of the institution
// with it, each naming 1 to 5 places, one of them with Only, and with 2
// terms. It returns the institution and the places.
func coveragePlace(b *testing.B, s *Store) (practice.ID, []practice.ID) {
	b.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	inst := practice.Institution{ID: practice.NewID(), Name: "Universitetet i Sørøst", Code: "USN", Version: 1, CreatedAt: now, UpdatedAt: now}
	org := practice.Organisation{ID: practice.NewID(), Name: "Sykehuset i Vestfold HF", OrgNumber: "974760673", Version: 1, CreatedAt: now, UpdatedAt: now}
	start := practice.NewDate(2026, time.January, 1)
	var places, tops []practice.ID
	require.NoError(b, s.InTx(ctx, func(ctx context.Context) error {
		require.NoError(b, s.CreateInstitution(ctx, inst))
		require.NoError(b, s.CreateOrganisation(ctx, org))
		add := func(name string, parent practice.ID) practice.ID {
			p := practice.Place{ID: practice.NewID(), OrganisationID: org.ID, Version: 1, CreatedAt: now, UpdatedAt: now}
			require.NoError(b, s.CreatePlace(ctx, p))
			require.NoError(b, s.AddPlaceVersion(ctx, practice.PlaceVersion{PlaceID: p.ID, From: start, Name: name, ParentID: parent, CreatedAt: now}))
			places = append(places, p.ID)
			return p.ID
		}
		for i := range 5 {
			top := add(fmt.Sprintf("Klinikk %d", i), practice.NilID)
			tops = append(tops, top)
			for j := range 9 {
				add(fmt.Sprintf("Avdeling %d.%d", i, j), top)
			}
		}
		for i := range 5 { // a restructuring: a place of each clinic moves to the next
			v := practice.PlaceVersion{PlaceID: places[i*10+1], From: practice.NewDate(2027, time.January, 1),
				Name: fmt.Sprintf("Avdeling %d.0", i), ParentID: tops[(i+1)%5], CreatedAt: now}
			require.NoError(b, s.AddPlaceVersion(ctx, v))
		}
		for i := range 10 {
			a := agreement.Agreement{ID: practice.NewID(), InstitutionID: inst.ID, OrganisationID: org.ID,
				Name:       fmt.Sprintf("Samarbeidsavtale %d", i),
				Period:     practice.Period{Start: practice.NewDate(2026, time.August, 1), End: practice.NewDate(2029, time.July, 31)},
				Status:     agreement.Active,
				ReviewedOn: practice.NewDate(2026, time.June, 1),
				Terms: []agreement.Term{{Programme: "SYKEPLEIE", AcademicYear: 2026, Students: 8, AtOnce: 4},
					{Programme: "SYKEPLEIE", AcademicYear: 2027, Students: 8, AtOnce: 4}},
				Version: 1, CreatedAt: now, UpdatedAt: now}
			for j := range i%5 + 1 {
				a.Places = append(a.Places, agreement.Covered{PlaceID: places[(i*5+j*7)%len(places)], Only: j == 1})
			}
			require.NoError(b, s.CreateAgreement(ctx, a))
		}
		return nil
	}))
	return inst.ID, places
}
