package memory_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/praksis/praksis/practice"
	"github.com/praksis/praksis/storage/memory"
)

// populated returns a store holding people and as many organisations, each
// with one member, as a national simulation does.
func populated(b *testing.B, people int) (*memory.Store, []practice.ID) {
	b.Helper()
	ctx := context.Background()
	s := memory.New()
	now := time.Now().UTC()
	orgs := make([]practice.ID, 0, people)
	for i := range people {
		o := practice.Organisation{ID: practice.NewID(), Name: fmt.Sprintf("Org %d", i), OrgNumber: fmt.Sprintf("9%08d", i), Version: 1, CreatedAt: now, UpdatedAt: now}
		p := practice.Person{ID: practice.NewID(), Name: fmt.Sprintf("Person %d", i), Email: fmt.Sprintf("p%d@example.no", i), Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := s.CreateOrganisation(ctx, o); err != nil {
			b.Fatal(err)
		}
		if err := s.CreatePerson(ctx, p); err != nil {
			b.Fatal(err)
		}
		if err := s.PutMembership(ctx, practice.Membership{OrganisationID: o.ID, PersonID: p.ID, Right: practice.Read}); err != nil {
			b.Fatal(err)
		}
		orgs = append(orgs, o.ID)
	}
	return s, orgs
}

// BenchmarkTx measures a transaction that adds a person with a right and
// reads the organisation's members back, on stores of growing size. The
// time per transaction stays flat: a transaction logs what it changes
// instead of copying the store, and unique values and members are found
// through indexes.
func BenchmarkTx(b *testing.B) {
	for _, size := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("people=%d", size), func(b *testing.B) {
			s, orgs := populated(b, size)
			ctx := context.Background()
			now := time.Now().UTC()
			b.ResetTimer()
			for i := range b.N {
				org := orgs[i%len(orgs)]
				err := s.InTx(ctx, func(ctx context.Context) error {
					p := practice.Person{ID: practice.NewID(), Name: "Ny", Email: fmt.Sprintf("ny%d@example.no", i), Version: 1, CreatedAt: now, UpdatedAt: now}
					if err := s.CreatePerson(ctx, p); err != nil {
						return err
					}
					if err := s.PutMembership(ctx, practice.Membership{OrganisationID: org, PersonID: p.ID, Right: practice.Write}); err != nil {
						return err
					}
					_, err := s.People(ctx, practice.PeopleFilter{OrganisationID: org})
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tx/s")
		})
	}
}

// BenchmarkRollback measures a transaction that writes and fails: the undo
// log restores what it changed, whatever the size of the store.
func BenchmarkRollback(b *testing.B) {
	for _, size := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("people=%d", size), func(b *testing.B) {
			s, orgs := populated(b, size)
			ctx := context.Background()
			now := time.Now().UTC()
			failed := fmt.Errorf("roll back")
			b.ResetTimer()
			for i := range b.N {
				err := s.InTx(ctx, func(ctx context.Context) error {
					p := practice.Person{ID: practice.NewID(), Name: "Ny", Email: "ny@example.no", Version: 1, CreatedAt: now, UpdatedAt: now}
					if err := s.CreatePerson(ctx, p); err != nil {
						return err
					}
					if err := s.PutMembership(ctx, practice.Membership{OrganisationID: orgs[i%len(orgs)], PersonID: p.ID, Right: practice.Write}); err != nil {
						return err
					}
					return failed
				})
				if err != failed {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tx/s")
		})
	}
}

// BenchmarkPeoplePages measures paging through every person of a store
// of growing size, a page of practice.DefaultLimit at a time, as a search
// of everybody does: a page is read from an ordered index, so the time per
// page stays flat and the time through the list grows with its length
// only.
func BenchmarkPeoplePages(b *testing.B) {
	for _, size := range []int{1_000, 200_000} {
		b.Run(fmt.Sprintf("people=%d", size), func(b *testing.B) {
			s, _ := populated(b, size)
			ctx := context.Background()
			pages := 0
			b.ResetTimer()
			for range b.N {
				req := practice.PageRequest{}
				for {
					page, err := s.People(ctx, practice.PeopleFilter{Page: req})
					if err != nil {
						b.Fatal(err)
					}
					pages++
					if page.Next == "" {
						break
					}
					req.After = page.Next
				}
			}
			b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(pages), "ns/page")
		})
	}
}
