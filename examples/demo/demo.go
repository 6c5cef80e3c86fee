// Package demo loads a small, realistic data set into a practice service, so
// that a developer who starts the example server has something to look at:
// a study site (Norges idrettshøgskole) with a practice administrator, a
// planner and a teacher, a second study site (Politihøgskolen) with staff
// of its own, two practice organisations with their real organisation numbers
// (Oslo universitetssykehus HF and Oslo kommune), a place tree three levels
// deep under each, people holding each right, and structure changes dated
// in the future, so that reading a tree with ?asOf= shows a difference.
// [LoadInvitations] adds pending invitations, and [LoadAgreements] the
// study sites' agreements, one of which a reorganisation on the day of
// loading breaks, so that the consistency report has findings.
//
// Every national identity number in the set is a synthetic test number (the
// kind Skatteetaten's test data uses, month + 80), never a real person's.
//
// Load is idempotent: it loads nothing when any institution exists. To make
// the load all-or-nothing, call it with a context that carries a store
// transaction (practice.Store.InTx); the service's calls join it.
package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/praksis/praksis/practice"
)

// InstitutionCode is the code of the demo study site whose staff the demo
// people are.
const InstitutionCode = "NIH"

// OtherInstitutionCode is the code of the second demo study site, a tenant
// of its own.
const OtherInstitutionCode = "PHS"

// The organisation numbers of the demo organisations, as registered in
// Enhetsregisteret.
const (
	// OUSOrgNumber is Oslo universitetssykehus HF.
	OUSOrgNumber = "993467049"
	// OsloOrgNumber is Oslo kommune.
	OsloOrgNumber = "958935420"
)

// User describes one demo person, so the server can tell a developer whom
// to log in as.
type User struct {
	// Name is the person's name.
	Name string
	// Email identifies the person at the development login.
	Email string
	// Role says what the person may do, in a few words.
	Role string
	// NationalID is the synthetic national identity number, or "".
	NationalID string
}

// The demo people, by what they may do.
var (
	// StudySiteAdmin is the practice administrator at the study site.
	StudySiteAdmin = User{"Sigrid Haugen", "sigrid.haugen@nih.example.org",
		"practice administrator at NIH", "12897810032"}
	// Planner plans the study site's practice.
	Planner = User{"Marte Lie", "marte.lie@nih.example.org", "planner at NIH", "27849210004"}
	// Teacher is a teacher at the study site.
	Teacher = User{"Nils Berg", "nils.berg@nih.example.org", "teacher at NIH", "03918510094"}
	// OtherStudySiteAdmin is the practice administrator of the second study
	// site.
	OtherStudySiteAdmin = User{"Omar Aziz", "omar.aziz@phs.example.org",
		"practice administrator at PHS", "14837910006"}
	// OtherPlanner plans the second study site's practice.
	OtherPlanner = User{"Linn Strand", "linn.strand@phs.example.org", "planner at PHS", "05818610035"}
	// OtherTeacher is a teacher at the second study site.
	OtherTeacher = User{"Tor Bakke", "tor.bakke@phs.example.org", "teacher at PHS", "19919010013"}
	// OUSAdmin is the site administrator of Oslo universitetssykehus.
	OUSAdmin = User{"Ingrid Lund", "ingrid.lund@ous.example.org",
		"admin at Oslo universitetssykehus HF", "21848210037"}
	// OUSWriter is a coordinator with write right at Oslo universitetssykehus.
	OUSWriter = User{"Per Hansen", "per.hansen@ous.example.org",
		"write at Oslo universitetssykehus HF, read at Oslo kommune", ""}
	// OUSReader is a supervisor with read right at Oslo universitetssykehus.
	OUSReader = User{"Aisha Rahman", "aisha.rahman@ous.example.org",
		"read at Oslo universitetssykehus HF", "05887510026"}
	// OsloAdmin is the site administrator of Oslo kommune.
	OsloAdmin = User{"Kari Nordmann", "kari.nordmann@oslo.example.org",
		"admin at Oslo kommune", "24928810018"}
	// OsloWriter is a coordinator with write right at Oslo kommune.
	OsloWriter = User{"Jonas Dahl", "jonas.dahl@oslo.example.org", "write at Oslo kommune", "30859310008"}
	// OsloReader is a supervisor with read right at Oslo kommune.
	OsloReader = User{"Emma Solberg", "emma.solberg@oslo.example.org", "read at Oslo kommune", ""}
)

// Users lists every demo person.
var Users = []User{StudySiteAdmin, Planner, Teacher, OtherStudySiteAdmin, OtherPlanner, OtherTeacher, OUSAdmin, OUSWriter, OUSReader, OsloAdmin, OsloWriter, OsloReader}

// Since is the date the demo place trees exist from.
var Since = practice.NewDate(2020, time.January, 1)

// ChangesAfter is how many days after the day of loading the demo's future
// structure changes take effect.
const ChangesAfter = 90

// place is one node of a demo tree.
type place struct {
	name     string
	pr       practice.Presentation
	children []place
}

var ousTree = []place{
	{name: "Klinikk for fysisk medisin og rehabilitering",
		pr: practice.Presentation{
			Description: "Rehabilitering etter sykdom og skade, med vekt på fysisk aktivitet.",
			Address:     "Sognsvannsveien 20, 0372 Oslo",
			Email:       "fmr@ous.example.org",
			Phone:       "+47 23 07 00 00",
		},
		children: []place{
			{name: "Avdeling for rehabilitering",
				pr: practice.Presentation{Description: "Tverrfaglig rehabilitering for voksne."},
				children: []place{
					{name: "Seksjon for hjerterehabilitering",
						pr: practice.Presentation{
							Description: "Trening for pasienter etter hjerteinfarkt og hjerteoperasjon.",
							Email:       "hjerterehab@ous.example.org",
						}},
					{name: "Poliklinikk for idrettsmedisin",
						pr: practice.Presentation{
							Description: "Utredning og oppfølging av idrettsskader.",
							PictureRef:  "https://ous.example.org/bilder/idrettsmedisin.jpg",
						}},
				}},
		}},
	{name: "Hjerte-, lunge- og karklinikken",
		pr: practice.Presentation{Address: "Rikshospitalet, Sognsvannsveien 27, 0372 Oslo"},
		children: []place{
			{name: "Avdeling for kardiologi",
				children: []place{
					{name: "Enhet for fysisk aktivitet og helse",
						pr: practice.Presentation{Description: "Testing og treningsveiledning."}},
				}},
		}},
}

var osloTree = []place{
	{name: "Utdanningsetaten",
		pr: practice.Presentation{Address: "Grensesvingen 6, 0663 Oslo", Email: "ude@oslo.example.org"},
		children: []place{
			{name: "Ullern videregående skole",
				pr: practice.Presentation{Address: "Ullernchausseen 62, 0379 Oslo"},
				children: []place{
					{name: "Idrettsfag", pr: practice.Presentation{
						Description: "Programområde for idrettsfag, Vg1–Vg3.",
						Phone:       "+47 23 46 20 00",
					}},
				}},
			{name: "Bjerke videregående skole",
				children: []place{
					{name: "Idrettsfag", pr: practice.Presentation{Description: "Toppidrett og breddeidrett."}},
				}},
		}},
	{name: "Bydel Grünerløkka",
		children: []place{
			{name: "Helse og mestring",
				children: []place{
					{name: "Frisklivssentralen", pr: practice.Presentation{
						Description: "Hjelp til å endre levevaner: fysisk aktivitet, kosthold og søvn.",
						Email:       "frisklivgrunerlokka@oslo.example.org",
					}},
				}},
		}},
}

// loader carries what a load has created, for the later steps.
type loader struct {
	svc    *practice.Service
	system practice.Actor
	places map[string]practice.ID // by organisation number + "/" + path
	orgs   map[string]practice.ID // by organisation number
	people map[string]practice.ID // by e-mail
}

// Load loads the demo data as the system actor the first time it is called
// on an empty store (one without institutions) and reports whether it did.
// A later call loads nothing and returns false.
//
// The future structure changes take effect [ChangesAfter] days after the day
// of loading: "Frisklivssentralen" is renamed, and "Poliklinikk for
// idrettsmedisin" moves to "Hjerte-, lunge- og karklinikken".
func Load(ctx context.Context, svc *practice.Service) (loaded bool, err error) {
	l := &loader{svc: svc, system: practice.SystemActor(),
		places: map[string]practice.ID{}, orgs: map[string]practice.ID{}, people: map[string]practice.ID{}}
	insts, err := svc.Institutions(ctx, l.system, practice.InstitutionFilter{Page: practice.PageRequest{Limit: 1}})
	if err != nil {
		return false, fmt.Errorf("demo: list institutions: %w", err)
	}
	if len(insts.Items) > 0 {
		return false, nil
	}
	if err := l.load(ctx, practice.DateOf(time.Now())); err != nil {
		return false, fmt.Errorf("demo: %w", err)
	}
	return true, nil
}

func (l *loader) load(ctx context.Context, today practice.Date) error {
	inst, err := l.svc.CreateInstitution(ctx, l.system, practice.InstitutionInput{
		Name: "Norges idrettshøgskole", Code: InstitutionCode,
	})
	if err != nil {
		return err
	}
	for _, st := range []struct {
		u    User
		role practice.StaffRole
	}{{StudySiteAdmin, practice.Administrator}, {Planner, practice.Planner}, {Teacher, practice.Teacher}} {
		p, err := l.person(ctx, st.u)
		if err != nil {
			return err
		}
		if _, err := l.svc.AssignRole(ctx, l.system, inst.ID, p.ID, st.role); err != nil {
			return fmt.Errorf("assign %s to %s: %w", st.role, st.u.Email, err)
		}
	}
	other, err := l.svc.CreateInstitution(ctx, l.system, practice.InstitutionInput{
		Name: "Politihøgskolen", Code: OtherInstitutionCode,
	})
	if err != nil {
		return err
	}
	for _, st := range []struct {
		u    User
		role practice.StaffRole
	}{{OtherStudySiteAdmin, practice.Administrator}, {OtherPlanner, practice.Planner}, {OtherTeacher, practice.Teacher}} {
		p, err := l.person(ctx, st.u)
		if err != nil {
			return err
		}
		if _, err := l.svc.AssignRole(ctx, l.system, other.ID, p.ID, st.role); err != nil {
			return fmt.Errorf("assign %s to %s: %w", st.role, st.u.Email, err)
		}
	}

	orgs := []struct {
		name, number string
		tree         []place
		members      map[practice.Right]User
	}{
		{"Oslo universitetssykehus HF", OUSOrgNumber, ousTree,
			map[practice.Right]User{practice.Admin: OUSAdmin, practice.Write: OUSWriter, practice.Read: OUSReader}},
		{"Oslo kommune", OsloOrgNumber, osloTree,
			map[practice.Right]User{practice.Admin: OsloAdmin, practice.Write: OsloWriter, practice.Read: OsloReader}},
	}
	for _, o := range orgs {
		org, err := l.svc.CreateOrganisation(ctx, l.system, practice.OrganisationInput{Name: o.name, OrgNumber: o.number})
		if err != nil {
			return fmt.Errorf("create organisation %s: %w", o.name, err)
		}
		l.orgs[o.number] = org.ID
		if err := l.tree(ctx, org, practice.NilID, o.number, o.tree); err != nil {
			return err
		}
		for _, r := range []practice.Right{practice.Admin, practice.Write, practice.Read} {
			u := o.members[r]
			in, err := personInput(u)
			if err != nil {
				return err
			}
			m, err := l.svc.AddMember(ctx, l.system, org.ID, in, r)
			if err != nil {
				return fmt.Errorf("add %s as %s at %s: %w", u.Email, r, o.name, err)
			}
			l.people[u.Email] = m.Person.ID
		}
	}

	// One person may hold rights at several organisations: the hospital's
	// coordinator also supervises at the municipality.
	if _, err := l.svc.Grant(ctx, l.system, l.orgs[OsloOrgNumber], l.people[OUSWriter.Email], practice.Read); err != nil {
		return fmt.Errorf("grant read at Oslo kommune to %s: %w", OUSWriter.Email, err)
	}

	return l.futureChanges(ctx, today.AddDays(ChangesAfter))
}

func (l *loader) futureChanges(ctx context.Context, from practice.Date) error {
	friskliv := l.places[OsloOrgNumber+"/Bydel Grünerløkka/Helse og mestring/Frisklivssentralen"]
	if _, err := l.svc.Restructure(ctx, l.system, practice.StructureChange{
		PlaceID: friskliv, From: from, Name: "Frisklivs- og mestringssenteret",
	}); err != nil {
		return fmt.Errorf("rename Frisklivssentralen: %w", err)
	}
	clinic := l.places[OUSOrgNumber+"/Hjerte-, lunge- og karklinikken"]
	poli := l.places[OUSOrgNumber+"/Klinikk for fysisk medisin og rehabilitering/Avdeling for rehabilitering/Poliklinikk for idrettsmedisin"]
	if _, err := l.svc.Restructure(ctx, l.system, practice.StructureChange{
		PlaceID: poli, From: from, ParentID: &clinic,
	}); err != nil {
		return fmt.Errorf("move Poliklinikk for idrettsmedisin: %w", err)
	}
	return nil
}

// tree creates the places of ps under parent, depth first.
func (l *loader) tree(ctx context.Context, org practice.Organisation, parent practice.ID, path string, ps []place) error {
	for _, p := range ps {
		n, err := l.svc.CreatePlace(ctx, l.system, practice.NewPlace{
			OrganisationID: org.ID, ParentID: parent, Name: p.name, From: Since, Presentation: p.pr,
		})
		if err != nil {
			return fmt.Errorf("create place %s: %w", p.name, err)
		}
		key := path + "/" + p.name
		l.places[key] = n.ID
		if err := l.tree(ctx, org, n.ID, key, p.children); err != nil {
			return err
		}
	}
	return nil
}

func (l *loader) person(ctx context.Context, u User) (practice.Person, error) {
	in, err := personInput(u)
	if err != nil {
		return practice.Person{}, err
	}
	p, err := l.svc.CreatePerson(ctx, l.system, in)
	if err != nil {
		return practice.Person{}, fmt.Errorf("create person %s: %w", u.Email, err)
	}
	l.people[u.Email] = p.ID
	return p, nil
}

func personInput(u User) (practice.PersonInput, error) {
	in := practice.PersonInput{Name: u.Name, Email: u.Email, Phone: "+47 400 00 000"}
	if u.NationalID != "" {
		n, err := practice.ParseNationalID(u.NationalID)
		if err != nil {
			return practice.PersonInput{}, fmt.Errorf("national identity number of %s: %w", u.Email, err)
		}
		in.NationalID = n
	}
	return in, nil
}
