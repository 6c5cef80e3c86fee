package storagetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/agreement"
	"github.com/praksis/praksis/practice"
)

// Scale is the size of the agreements' data that [LoadNational] loads.
type Scale struct {
	// Organisations is the number of organisations.
	Organisations int
	// PlacesPerOrganisation is the places of each, in a tree of up to six
	// levels.
	PlacesPerOrganisation int
	// AgreementsPerOrganisation is the agreements of the one institution
	// with each.
	AgreementsPerOrganisation int
	// ChangesPerOrganisation is the restructurings of each in the year
	// before ReportDate: renames, moves and closures.
	ChangesPerOrganisation int
}

// NationalScale is the size of the country: 2,000 organisations, 100,000
// places, 20,000 agreements, and 10,000 restructurings in a year.
var NationalScale = Scale{Organisations: 2000, PlacesPerOrganisation: 50, AgreementsPerOrganisation: 10, ChangesPerOrganisation: 5}

// Times returns s with f times the organisations.
func (s Scale) Times(f float64) Scale {
	s.Organisations = max(1, int(float64(s.Organisations)*f))
	return s
}

// ReportDate is the date LoadNational's data is reported on.
var ReportDate = practice.NewDate(2027, time.June, 1)

// LoadNational loads into s, an empty store, one institution and sc's
// organisations, places, restructurings and agreements, writing to the
// store directly (the service's checks would dominate the load), in one
// transaction per organisation. Its trees keep the kernel's rules on every
// date. It returns the institution. The data is the same for the same
// scale.
func LoadNational(tb testing.TB, s agreement.Store, sc Scale) practice.ID {
	tb.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, uint64(sc.Organisations)))
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	inst := practice.Institution{ID: practice.NewID(), Name: "Landets høgskole", Code: "LAND", Version: 1, CreatedAt: at, UpdatedAt: at}
	if err := s.CreateInstitution(ctx, inst); err != nil {
		tb.Fatal(err)
	}
	opened := practice.NewDate(2020, time.January, 1)
	yearBefore := ReportDate.AddDays(-365)
	for o := range sc.Organisations {
		err := s.InTx(ctx, func(ctx context.Context) error {
			org := practice.Organisation{ID: practice.NewID(), Name: fmt.Sprintf("Organisasjon %d", o),
				OrgNumber: fmt.Sprintf("9%08d", o), Version: 1, CreatedAt: at, UpdatedAt: at}
			if err := s.CreateOrganisation(ctx, org); err != nil {
				return err
			}
			// A tree: each place under one of the places before it that is
			// at most five levels deep.
			ids := make([]practice.ID, sc.PlacesPerOrganisation)
			parent := make([]int, sc.PlacesPerOrganisation)
			depth := make([]int, sc.PlacesPerOrganisation)
			children := make([]int, sc.PlacesPerOrganisation)
			for i := range ids {
				ids[i], parent[i] = practice.NewID(), -1
				if i > 0 {
					for {
						p := rng.IntN(i)
						if depth[p] < 5 {
							parent[i], depth[i] = p, depth[p]+1
							children[p]++
							break
						}
					}
				}
				if err := s.CreatePlace(ctx, practice.Place{ID: ids[i], OrganisationID: org.ID, Version: 1, CreatedAt: at, UpdatedAt: at}); err != nil {
					return err
				}
				v := practice.PlaceVersion{PlaceID: ids[i], From: opened, Name: fmt.Sprintf("Sted %d.%d", o, i), CreatedAt: at}
				if parent[i] >= 0 {
					v.ParentID = ids[parent[i]]
				}
				if err := s.AddPlaceVersion(ctx, v); err != nil {
					return err
				}
			}
			// The year's changes: each to a place of its own, on a date of
			// its own. A leaf moves under a place that has children (so it
			// never moves under itself nor under a leaf that closes), or
			// closes; any other place is renamed.
			var leaves, inner []int
			for i := 1; i < len(ids); i++ {
				if children[i] == 0 {
					leaves = append(leaves, i)
				} else {
					inner = append(inner, i)
				}
			}
			rng.Shuffle(len(leaves), func(a, b int) { leaves[a], leaves[b] = leaves[b], leaves[a] })
			for c := range min(sc.ChangesPerOrganisation, len(leaves)) {
				i := leaves[c]
				v := practice.PlaceVersion{PlaceID: ids[i], From: yearBefore.AddDays(1 + rng.IntN(364)),
					Name: fmt.Sprintf("Sted %d.%d", o, i), ParentID: ids[parent[i]], CreatedAt: at}
				switch c % 3 {
				case 0:
					if len(inner) > 0 {
						v.ParentID = ids[inner[rng.IntN(len(inner))]]
					} else {
						v.ParentID = ids[0]
					}
				case 1:
					v.Closed = true
				default:
					v.Name += " (nytt navn)"
				}
				if err := s.AddPlaceVersion(ctx, v); err != nil {
					return err
				}
			}
			for k := range sc.AgreementsPerOrganisation {
				ag := agreement.Agreement{ID: practice.NewID(), InstitutionID: inst.ID, OrganisationID: org.ID,
					Name: fmt.Sprintf("Avtale %d.%d", o, k), Status: agreement.Active,
					Period:     practice.Period{Start: practice.NewDate(2024+rng.IntN(3), time.January, 1)},
					ReviewedOn: practice.NewDate(2026, time.Month(1+rng.IntN(12)), 1), Scope: []string{},
					Terms:   []agreement.Term{{Programme: "SYKEPLEIE", AcademicYear: 2027, Students: 20, AtOnce: 5}},
					Version: 1, CreatedAt: at, UpdatedAt: at}
				switch k % 4 {
				case 0: // ends within the horizon
					ag.Period.End = ReportDate.AddDays(rng.IntN(120))
				case 1: // renews
					ag.Period.End, ag.Renewal = practice.NewDate(2026, time.December, 31), agreement.Renewal{Months: 12, NoticeDays: 90}
				case 2: // no end
				default:
					ag.Period.End = practice.NewDate(2029, time.July, 31)
				}
				seen := map[practice.ID]bool{}
				for range 1 + rng.IntN(3) {
					p := ids[rng.IntN(len(ids))]
					if !seen[p] {
						seen[p] = true
						ag.Places = append(ag.Places, agreement.Covered{PlaceID: p, Only: rng.IntN(4) == 0})
					}
				}
				sortCovered(ag.Places)
				if err := s.CreateAgreement(ctx, ag); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatalf("load organisation %d: %v", o, err)
		}
	}
	return inst.ID
}

func sortCovered(cs []agreement.Covered) {
	slices.SortFunc(cs, func(a, b agreement.Covered) int { return a.PlaceID.Compare(b.PlaceID) })
}

// LoadOrganisation stores into s, through the store, an institution and an
// organisation with 50 places (5 at the top, 9 under each; 5 of them moved
// to another parent in 2027) and 10 active agreements of the institution
// with it, each naming 1 to 5 places, one of them with Only, and with 2
// terms. It returns the institution and the places.
func LoadOrganisation(b testing.TB, s agreement.Store) (practice.ID, []practice.ID) {
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

// BenchReport measures the consistency report of the institution
// LoadNational loaded on s at scale sc: report-ms/op, and the findings it
// finds.
func BenchReport(b *testing.B, s agreement.Store, sc Scale) {
	BenchLoadedReport(b, s, LoadNational(b, s, sc), sc)
}

// BenchLoadedReport is BenchReport on data LoadNational loaded at scale sc
// for institution inst, for a store that prepares itself after the load
// (a database analyses its tables).
func BenchLoadedReport(b *testing.B, s agreement.Store, inst practice.ID, sc Scale) {
	svc, err := agreement.NewService(s)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var findings int
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		r, err := svc.Report(ctx, practice.SystemActor(), inst, ReportDate)
		if err != nil {
			b.Fatal(err)
		}
		findings = len(r.Findings)
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "report-ms/op")
	b.ReportMetric(float64(findings), "findings")
	b.ReportMetric(float64(sc.Organisations*sc.PlacesPerOrganisation), "places")
}

// BenchCovers measures whether one place is covered for one period by the
// agreements of the institution LoadNational loaded on s at scale sc:
// covers-us/op.
func BenchCovers(b *testing.B, s agreement.Store, sc Scale) {
	inst := LoadNational(b, s, sc)
	svc, err := agreement.NewService(s)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	page, err := s.Agreements(ctx, agreement.Filter{InstitutionID: inst, Page: practice.PageRequest{Limit: 1}})
	if err != nil || len(page.Items) == 0 {
		b.Fatal("no agreement", err)
	}
	q := agreement.CoverageQuery{InstitutionID: inst, PlaceID: page.Items[0].Places[0].PlaceID,
		Period: practice.Period{Start: practice.NewDate(2027, time.January, 4), End: practice.NewDate(2027, time.March, 26)}}
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		if _, err := svc.Covers(ctx, practice.SystemActor(), q); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/float64(b.N), "covers-us/op")
}
