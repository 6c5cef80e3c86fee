package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/praksis/praksis/agreement"
	"github.com/praksis/praksis/practice"
)

// The names of the demo agreements.
const (
	// OUSAgreementName is the agreement of Norges idrettshøgskole with Oslo
	// universitetssykehus: active, renewing yearly with 90 days' notice,
	// for [Programme] with capacity terms. It covers the clinic
	// "Klinikk for fysisk medisin og rehabilitering" and everything under
	// it, and the unit [ClosedPlace] alone. [MovedPlace] leaves its
	// coverage when it moves [ChangesAfter] days after loading.
	OUSAgreementName = "Samarbeidsavtale OUS – idrettsmedisin og rehabilitering"
	// OsloAgreementName is the agreement of Norges idrettshøgskole with
	// Oslo kommune: active, covering "Ullern videregående skole" and
	// everything under it, not renewing, and ending [OsloEndsAfter] days
	// after loading, within the reminder horizon.
	OsloAgreementName = "Praksisavtale Oslo kommune – idrettsfag ved Ullern vgs"
	// DraftAgreementName is the draft of the agreement with Oslo kommune
	// that is to follow OsloAgreementName, from the day after it ends: it
	// covers "Utdanningsetaten" and "Helse og mestring" in Bydel
	// Grünerløkka, but, a draft, it is never in force.
	DraftAgreementName = "Ny praksisavtale Oslo kommune (utkast)"
	// OtherAgreementName is the agreement of Politihøgskolen with Oslo
	// kommune: active from 1 August of the year before loading, without
	// end, covering "Bydel Grünerløkka" and everything under it.
	OtherAgreementName = "Samarbeidsavtale PHS – Bydel Grünerløkka"
	// BrokenAgreementName is the agreement that [LoadAgreements] breaks:
	// the place [ClosedPlace] it names is closed from the day of loading,
	// which the consistency report shows as a place-closed finding.
	BrokenAgreementName = OUSAgreementName
)

// OsloEndsAfter is how many days after the day of loading the agreement
// [OsloAgreementName] ends.
const OsloEndsAfter = 60

// Programme is the programme of the capacity terms of [OUSAgreementName],
// the bachelor's programme in sport science.
const Programme = "IDR-BACH"

// The demo places the agreements are about, as paths from the top of their
// organisation's tree as loaded.
const (
	// ClosedPlace, at Oslo universitetssykehus, is named by
	// [BrokenAgreementName] and closed from the day of loading.
	ClosedPlace = "Hjerte-, lunge- og karklinikken/Avdeling for kardiologi/Enhet for fysisk aktivitet og helse"
	// MovedPlace, at Oslo universitetssykehus, is covered by
	// [OUSAgreementName] until it moves to "Hjerte-, lunge- og
	// karklinikken" [ChangesAfter] days after loading.
	MovedPlace = "Klinikk for fysisk medisin og rehabilitering/Avdeling for rehabilitering/Poliklinikk for idrettsmedisin"
	// CoveredPlace, at Oslo kommune, is covered by [OsloAgreementName]
	// until it ends.
	CoveredPlace = "Utdanningsetaten/Ullern videregående skole/Idrettsfag"
	// UncoveredPlace, at Oslo kommune, is covered by none of Norges
	// idrettshøgskole's agreements in force.
	UncoveredPlace = "Utdanningsetaten/Bjerke videregående skole/Idrettsfag"
)

// demoAgreement is one demo agreement.
type demoAgreement struct {
	by          User   // the practice administrator who makes it
	institution string // its code
	org         string // the organisation's number
	places      []covered
	in          agreement.Input // without the organisation and places
	activate    bool
}

// covered is a place an agreement names, by its path.
type covered struct {
	path string
	only bool
}

// demoAgreements returns the demo agreements as of today.
func demoAgreements(today practice.Date) []demoAgreement {
	year := today.Year()
	academic := year // the academic year of today
	if today.Month() < time.August {
		academic--
	}
	osloEnd := today.AddDays(OsloEndsAfter)
	draftStart := osloEnd.AddDays(1)
	return []demoAgreement{
		{by: StudySiteAdmin, institution: InstitutionCode, org: OUSOrgNumber, activate: true,
			places: []covered{{path: "Klinikk for fysisk medisin og rehabilitering"}, {path: ClosedPlace, only: true}},
			in: agreement.Input{
				Name: OUSAgreementName,
				// Signed for last calendar year, renewing a year at a time.
				Period:  practice.Period{Start: practice.NewDate(year-1, time.January, 1), End: practice.NewDate(year-1, time.December, 31)},
				Renewal: agreement.Renewal{Months: 12, NoticeDays: 90},
				Scope:   []string{Programme},
				Terms: []agreement.Term{
					{Programme: Programme, AcademicYear: academic, Students: 12, AtOnce: 4},
					{Programme: Programme, AcademicYear: academic + 1, Students: 14, AtOnce: 5},
				},
			}},
		{by: StudySiteAdmin, institution: InstitutionCode, org: OsloOrgNumber, activate: true,
			places: []covered{{path: "Utdanningsetaten/Ullern videregående skole"}},
			in: agreement.Input{
				Name: OsloAgreementName,
				// Two years, ending soon.
				Period: practice.Period{Start: practice.NewDate(osloEnd.Year()-2, osloEnd.Month(), osloEnd.Day()+1), End: osloEnd},
				Terms:  []agreement.Term{{Programme: Programme, AcademicYear: academic, Students: 6, AtOnce: 2}},
			}},
		{by: StudySiteAdmin, institution: InstitutionCode, org: OsloOrgNumber,
			places: []covered{{path: "Utdanningsetaten"}, {path: "Bydel Grünerløkka/Helse og mestring"}},
			in: agreement.Input{
				Name: DraftAgreementName,
				// Three years from the day after the agreement it follows.
				Period: practice.Period{Start: draftStart,
					End: practice.NewDate(draftStart.Year()+3, draftStart.Month(), draftStart.Day()-1)},
			}},
		{by: OtherStudySiteAdmin, institution: OtherInstitutionCode, org: OsloOrgNumber, activate: true,
			places: []covered{{path: "Bydel Grünerløkka"}},
			in: agreement.Input{
				Name:   OtherAgreementName,
				Period: practice.Period{Start: practice.NewDate(year-1, time.August, 1)},
			}},
	}
}

// LoadAgreements makes the demo agreements, as the study sites' practice
// administrators, through an agreement service over store whose clock
// stands at now, and then breaks one of them: [ClosedPlace] is closed from
// the day of now, so that the consistency report of Norges idrettshøgskole
// as of that day finds the closed place of [BrokenAgreementName] and the
// coming end of [OsloAgreementName]. Call it once, after [Load] reported
// that it loaded, with the same context, so that the agreements join the
// load's transaction.
func LoadAgreements(ctx context.Context, svc *practice.Service, store agreement.Store, now time.Time) error {
	agreements, err := agreement.NewService(store, agreement.WithClock(practice.ClockFunc(func() time.Time { return now })))
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	today := practice.DateOf(now)
	system := practice.SystemActor()

	insts, err := practice.All(func(p practice.PageRequest) (practice.Page[practice.Institution], error) {
		return svc.Institutions(ctx, system, practice.InstitutionFilter{Page: p})
	})
	if err != nil {
		return fmt.Errorf("demo: list institutions: %w", err)
	}
	instByCode := map[string]practice.ID{}
	for _, i := range insts {
		instByCode[i.Code] = i.ID
	}
	orgs := map[string]practice.ID{}              // by number
	places := map[string]map[string]practice.ID{} // by number, then path
	for _, number := range []string{OUSOrgNumber, OsloOrgNumber} {
		found, err := svc.Organisations(ctx, system, practice.OrganisationFilter{OrgNumber: number})
		if err != nil {
			return fmt.Errorf("demo: the organisation %s: %w", number, err)
		}
		if len(found.Items) != 1 {
			return fmt.Errorf("demo: the organisation %s is not loaded", number)
		}
		orgs[number] = found.Items[0].ID
		tree, err := svc.Tree(ctx, system, found.Items[0].ID, today)
		if err != nil {
			return fmt.Errorf("demo: the places of %s: %w", number, err)
		}
		places[number] = paths(tree)
	}

	for _, d := range demoAgreements(today) {
		inst, ok := instByCode[d.institution]
		if !ok {
			return fmt.Errorf("demo: agreement %q: the institution %s is not loaded", d.in.Name, d.institution)
		}
		by, err := svc.ActorByEmail(ctx, d.by.Email)
		if err != nil {
			return fmt.Errorf("demo: agreement %q: its maker: %w", d.in.Name, err)
		}
		in := d.in
		in.OrganisationID = orgs[d.org]
		for _, c := range d.places {
			id, ok := places[d.org][c.path]
			if !ok {
				return fmt.Errorf("demo: agreement %q: no place %q", d.in.Name, c.path)
			}
			in.Places = append(in.Places, agreement.Covered{PlaceID: id, Only: c.only})
		}
		ag, err := agreements.Create(ctx, by, inst, in)
		if err != nil {
			return fmt.Errorf("demo: create agreement %q: %w", d.in.Name, err)
		}
		if d.activate {
			if _, err := agreements.Activate(ctx, by, ag.ID, ag.Version); err != nil {
				return fmt.Errorf("demo: activate agreement %q: %w", d.in.Name, err)
			}
		}
	}

	// The unit closes today: the agreement that names it no longer covers
	// it.
	if _, err := svc.Restructure(ctx, system, practice.StructureChange{
		PlaceID: places[OUSOrgNumber][ClosedPlace], From: today, Close: true,
	}); err != nil {
		return fmt.Errorf("demo: close %s: %w", ClosedPlace, err)
	}
	return nil
}

// paths returns the places of tree by their paths from the top, such as
// "Utdanningsetaten/Ullern videregående skole".
func paths(tree practice.Tree) map[string]practice.ID {
	out := map[string]practice.ID{}
	var walk func(prefix []string, ns []*practice.PlaceNode)
	walk = func(prefix []string, ns []*practice.PlaceNode) {
		for _, n := range ns {
			path := append(prefix[:len(prefix):len(prefix)], n.Name)
			out[strings.Join(path, "/")] = n.ID
			walk(path, n.Children)
		}
	}
	walk(nil, tree.Roots)
	return out
}
