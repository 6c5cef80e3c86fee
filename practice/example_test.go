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
	// invalid input: orgNumber: must be a 9-digit Norwegian organisation number, starting with 8 or 9, with a valid check digit
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

// An empty store has no study site and nobody to act: the system actor,
// for start-up tasks only, makes the first study site and its practice
// administrator. From then on people act as themselves, with the rights the
// store holds for them.
func Example_emptyStore() {
	ctx := context.Background()
	svc := practice.NewService(memory.New()) // or sqlite.Open / postgres.Open, then Migrate
	sys := practice.SystemActor()

	nih, _ := svc.CreateInstitution(ctx, sys, practice.InstitutionInput{Name: "Norges idrettshøgskole", Code: "NIH"})
	sigrid, _ := svc.CreatePerson(ctx, sys, practice.PersonInput{Name: "Sigrid Haugen", Email: "sigrid.haugen@nih.no"})
	if _, err := svc.AssignRole(ctx, sys, nih.ID, sigrid.ID, practice.Administrator); err != nil {
		fmt.Println(err)
	}

	// A request acts as the logged-in person, never as the system.
	admin, _ := svc.Actor(ctx, sigrid.ID)
	ous, err := svc.CreateOrganisation(ctx, admin, practice.OrganisationInput{Name: "Oslo universitetssykehus HF", OrgNumber: "993467049"})
	fmt.Println(ous.Name, err)
	ingrid, _ := svc.AddMember(ctx, admin, ous.ID, practice.PersonInput{Name: "Ingrid Lund", Email: "Ingrid.Lund@OUS.no"}, practice.Admin)
	fmt.Println(ingrid.Person.Email, ingrid.Right)

	// The site administrator manages the site, but not the study site.
	siteAdmin, _ := svc.Actor(ctx, ingrid.Person.ID)
	_, err = svc.CreateOrganisation(ctx, siteAdmin, practice.OrganisationInput{Name: "Oslo kommune", OrgNumber: "958935420"})
	fmt.Println(err)
	// Output:
	// Oslo universitetssykehus HF <nil>
	// ingrid.lund@ous.no admin
	// forbidden: only a study site's practice administrator may change organisations and place structures
}

// Every list is paged: pass the Next cursor of a page on to get the next.
func ExamplePage() {
	ctx := context.Background()
	svc := practice.NewService(memory.New())
	sys := practice.SystemActor()
	for _, o := range []practice.OrganisationInput{
		{Name: "Oslo kommune", OrgNumber: "958935420"},
		{Name: "Oslo universitetssykehus HF", OrgNumber: "993467049"},
		{Name: "Bærum kommune", OrgNumber: "974796880"},
	} {
		if _, err := svc.CreateOrganisation(ctx, sys, o); err != nil {
			fmt.Println(err)
		}
	}
	f := practice.OrganisationFilter{Page: practice.PageRequest{Limit: 2}}
	for {
		page, err := svc.Organisations(ctx, practice.Actor{}, f)
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, o := range page.Items {
			fmt.Println(o.Name)
		}
		if page.Next == "" {
			break
		}
		fmt.Println("--")
		f.Page.After = page.Next
	}
	// Output:
	// Bærum kommune
	// Oslo kommune
	// --
	// Oslo universitetssykehus HF
}

// Rights include the ones below them.
func ExampleRight_Includes() {
	fmt.Println(practice.Admin.Includes(practice.Write), practice.Read.Includes(practice.Write))
	// Output: true false
}
