package agreement_test

import (
	"context"
	"fmt"
	"time"

	"github.com/praksis/praksis/agreement"
	"github.com/praksis/praksis/practice"
	"github.com/praksis/praksis/storage/memory"
)

// A study site's agreement with a hospital covers a clinic and the wards
// under it. When a ward moves to another clinic, it is no longer covered
// from that day, and the consistency report says so.
func Example() {
	ctx := context.Background()
	store := memory.New()
	now := time.Date(2027, 1, 10, 9, 0, 0, 0, time.UTC)
	clock := practice.ClockFunc(func() time.Time { return now })
	kernel := practice.NewService(store, practice.WithClock(clock))
	agreements, err := agreement.NewService(store, agreement.WithClock(clock))
	if err != nil {
		panic(err)
	}
	sys := practice.SystemActor()
	inst, _ := kernel.CreateInstitution(ctx, sys, practice.InstitutionInput{Name: "Høgskolen", Code: "HS"})
	org, _ := kernel.CreateOrganisation(ctx, sys, practice.OrganisationInput{Name: "Sykehuset HF", OrgNumber: "993467049"})
	opened, _ := practice.ParseDate("2020-01-01")
	place := func(parent practice.ID, name string) practice.ID {
		p, err := kernel.CreatePlace(ctx, sys, practice.NewPlace{OrganisationID: org.ID, ParentID: parent, Name: name, From: opened})
		if err != nil {
			panic(err)
		}
		return p.ID
	}
	medicine := place(practice.NilID, "Medisinsk klinikk")
	surgery := place(practice.NilID, "Kirurgisk klinikk")
	ward := place(medicine, "Sengepost 3")

	start, _ := practice.ParseDate("2027-01-01")
	ag, err := agreements.Create(ctx, sys, inst.ID, agreement.Input{
		OrganisationID: org.ID, Name: "Samarbeidsavtale", Status: agreement.Active,
		Places: []agreement.Covered{{PlaceID: medicine}},
		Period: practice.Period{Start: start, End: start.AddDays(364)}, Renewal: agreement.Renewal{Months: 12, NoticeDays: 90},
		Terms: []agreement.Term{{Programme: "SYKEPLEIE", AcademicYear: 2027, Students: 24, AtOnce: 8}},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(ag.Status, "renews, so it has no end:", ag.EndsOn().IsZero())

	moved, _ := practice.ParseDate("2027-03-01")
	if _, err := kernel.Restructure(ctx, sys, practice.StructureChange{PlaceID: ward, From: moved, ParentID: &surgery}); err != nil {
		panic(err)
	}
	spring, _ := practice.ParseDate("2027-02-01")
	c, _ := agreements.Covers(ctx, sys, agreement.CoverageQuery{InstitutionID: inst.ID, PlaceID: ward,
		Period: practice.Period{Start: spring, End: spring.AddDays(59)}})
	fmt.Println("covered:", c.Covered, "gap:", c.Gaps[0].Period, c.Gaps[0].Reason)

	r, _ := agreements.Report(ctx, sys, inst.ID, moved)
	for _, f := range r.Findings {
		fmt.Println(f.Kind, f.On, f.Text.EN)
	}
	// Output:
	// active renews, so it has no end: true
	// covered: false gap: 2027-03-01/2027-04-01 not-covered
	// place-moved 2027-03-01 “Sengepost 3” was moved out of what the agreement “Samarbeidsavtale” covers on 1 March 2027 and is no longer covered.
}
