package practice_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/praksis/praksis/practice"
	"github.com/praksis/praksis/storage/memory"
)

// A study site keeps a hospital's place structure, reorganises it from a date,
// and reads the tree as it stands before and after.
func Example() {
	ctx := context.Background()
	svc := practice.NewService(memory.New())
	sys := practice.SystemActor() // start-up tasks only; requests act as people

	ous, _ := svc.CreateOrganisation(ctx, sys, practice.OrganisationInput{
		Name: "Oslo universitetssykehus HF", OrgNumber: "993467049"})
	from, _ := practice.ParseDate("2026-08-01")
	clinic, _ := svc.CreatePlace(ctx, sys, practice.NewPlace{OrganisationID: ous.ID, Name: "Akuttklinikken", From: from})
	ward, _ := svc.CreatePlace(ctx, sys, practice.NewPlace{OrganisationID: ous.ID, ParentID: clinic.ID, Name: "Legevakten", From: from})

	// From 2027 the emergency ward is its own clinic under a new name.
	reorg, _ := practice.ParseDate("2027-01-01")
	top := practice.NilID
	if _, err := svc.Restructure(ctx, sys, practice.StructureChange{PlaceID: ward.ID, From: reorg, ParentID: &top, Name: "Oslo legevakt"}); err != nil {
		fmt.Println(err)
	}

	for _, on := range []string{"2026-12-31", "2027-01-01"} {
		asOf, _ := practice.ParseDate(on)
		tree, _ := svc.Tree(ctx, practice.Actor{}, ous.ID, asOf)
		fmt.Println(on)
		tree.Walk(func(n *practice.PlaceNode, depth int) bool {
			fmt.Printf("%s%s\n", strings.Repeat("  ", depth+1), n.Name)
			return true
		})
	}

	// Bad input is refused with the field and the rule, and changes nothing.
	_, err := svc.CreateOrganisation(ctx, sys, practice.OrganisationInput{Name: "Feil", OrgNumber: "993467048"})
	fmt.Println(err)
	// Output:
	// 2026-12-31
	//   Akuttklinikken
	//     Legevakten
	// 2027-01-01
	//   Akuttklinikken
	//   Oslo legevakt
	// invalid input: orgNumber: must be a 9-digit Norwegian organisation number with a valid check digit
}

// A national identity number is masked whenever it is printed; only Reveal
// gives the digits.
func ExampleNationalID() {
	n, err := practice.ParseNationalID("15076500565")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(n)
	fmt.Printf("%v %s %q\n", n, n, n)
	fmt.Println(n.Kind())
	// Output:
	// 150765*****
	// 150765***** 150765***** "150765*****"
	// fødselsnummer
}

// Rights include the ones below them.
func ExampleRight_Includes() {
	fmt.Println(practice.Admin.Includes(practice.Write), practice.Read.Includes(practice.Write))
	// Output: true false
}
