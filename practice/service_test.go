package practice_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
	"github.com/praksis/praksis/storage/memory"
)

// world is a study site, two organisations with a place each, and a person
// for every kind of right.
type world struct {
	svc                          *practice.Service
	store                        *memory.Store
	nih                          practice.Institution
	a, b                         practice.Organisation
	placeA                       practice.PlaceNode
	system                       practice.Actor
	studyAdmin, planner, teacher practice.Actor
	aAdmin, aWriter, aReader     practice.Actor
	bAdmin, outsider, anonymous  practice.Actor
	writerID, readerID, outsideP practice.ID
}

var fixedNow = time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	store := memory.New()
	svc := practice.NewService(store, practice.WithClock(practice.ClockFunc(func() time.Time { return fixedNow })))
	sys := practice.SystemActor()
	w := &world{svc: svc, store: store, system: sys}
	var err error
	w.nih, err = svc.CreateInstitution(ctx, sys, practice.InstitutionInput{Name: "Norges idrettshøgskole", Code: "NIH"})
	require.NoError(t, err)
	w.a, err = svc.CreateOrganisation(ctx, sys, practice.OrganisationInput{Name: "Oslo universitetssykehus HF", OrgNumber: "993467049"})
	require.NoError(t, err)
	w.b, err = svc.CreateOrganisation(ctx, sys, practice.OrganisationInput{Name: "Oslo kommune", OrgNumber: "974760673"})
	require.NoError(t, err)
	w.placeA, err = svc.CreatePlace(ctx, sys, practice.NewPlace{OrganisationID: w.a.ID, Name: "Akuttklinikken", From: d("2026-01-01")})
	require.NoError(t, err)

	person := func(name string) practice.ID {
		p, err := svc.CreatePerson(ctx, sys, practice.PersonInput{Name: name, Email: name + "@example.no"})
		require.NoError(t, err)
		return p.ID
	}
	member := func(name string, org practice.ID, r practice.Right) practice.Actor {
		m, err := svc.AddMember(ctx, sys, org, practice.PersonInput{Name: name, Email: name + "@example.no"}, r)
		require.NoError(t, err)
		a, err := svc.Actor(ctx, m.Person.ID)
		require.NoError(t, err)
		return a
	}
	staff := func(name string, role practice.StaffRole) practice.Actor {
		id := person(name)
		_, err := svc.AssignRole(ctx, sys, w.nih.ID, id, role)
		require.NoError(t, err)
		a, err := svc.Actor(ctx, id)
		require.NoError(t, err)
		return a
	}
	w.studyAdmin = staff("studieadmin", practice.Administrator)
	w.planner = staff("planlegger", practice.Planner)
	w.teacher = staff("underviser", practice.Teacher)
	w.aAdmin = member("a-admin", w.a.ID, practice.Admin)
	w.aWriter = member("a-koordinator", w.a.ID, practice.Write)
	w.aReader = member("a-veileder", w.a.ID, practice.Read)
	w.bAdmin = member("b-admin", w.b.ID, practice.Admin)
	w.outsideP = person("utenforstaende")
	w.outsider, err = svc.Actor(ctx, w.outsideP)
	require.NoError(t, err)
	w.writerID, w.readerID = w.aWriter.PersonID, w.aReader.PersonID
	return w
}

func TestPermissions(t *testing.T) {
	t.Parallel()
	type action func(ctx context.Context, w *world, a practice.Actor) error
	ignore := func(_ any, err error) error { return err }
	actions := map[string]action{
		"create institution": func(ctx context.Context, w *world, a practice.Actor) error {
			return ignore(w.svc.CreateInstitution(ctx, a, practice.InstitutionInput{Name: "OsloMet", Code: "OSLOMET"}))
		},
		"create organisation": func(ctx context.Context, w *world, a practice.Actor) error {
			return ignore(w.svc.CreateOrganisation(ctx, a, practice.OrganisationInput{Name: "UiO", OrgNumber: "971035854"}))
		},
		"create place": func(ctx context.Context, w *world, a practice.Actor) error {
			return ignore(w.svc.CreatePlace(ctx, a, practice.NewPlace{OrganisationID: w.a.ID, ParentID: w.placeA.ID, Name: "Legevakten", From: d("2026-02-01")}))
		},
		"restructure": func(ctx context.Context, w *world, a practice.Actor) error {
			return ignore(w.svc.Restructure(ctx, a, practice.StructureChange{PlaceID: w.placeA.ID, From: d("2027-01-01"), Name: "Akutten"}))
		},
		"edit presentation": func(ctx context.Context, w *world, a practice.Actor) error {
			return ignore(w.svc.UpdatePresentation(ctx, a, w.placeA.ID, 1, practice.Presentation{Description: "Ny tekst"}))
		},
		"see members": func(ctx context.Context, w *world, a practice.Actor) error {
			return ignore(w.svc.Members(ctx, a, w.a.ID, practice.PageRequest{}))
		},
		"grant": func(ctx context.Context, w *world, a practice.Actor) error {
			return ignore(w.svc.Grant(ctx, a, w.a.ID, w.outsideP, practice.Read))
		},
		"change a member's right": func(ctx context.Context, w *world, a practice.Actor) error {
			return ignore(w.svc.Grant(ctx, a, w.a.ID, w.readerID, practice.Write))
		},
		"edit a study site administrator": func(ctx context.Context, w *world, a practice.Actor) error {
			return ignore(w.svc.UpdatePerson(ctx, a, w.studyAdmin.PersonID, 1, practice.PersonUpdate{Name: "Ny", Email: "studieadmin@example.no"}))
		},
		"revoke": func(ctx context.Context, w *world, a practice.Actor) error {
			return w.svc.Revoke(ctx, a, w.a.ID, w.readerID)
		},
		"add member": func(ctx context.Context, w *world, a practice.Actor) error {
			return ignore(w.svc.AddMember(ctx, a, w.a.ID, practice.PersonInput{Name: "Ny", Email: "ny@example.no"}, practice.Read))
		},
		"add person": func(ctx context.Context, w *world, a practice.Actor) error {
			return ignore(w.svc.CreatePerson(ctx, a, practice.PersonInput{Name: "Ny", Email: "ny@example.no"}))
		},
		"see writer": func(ctx context.Context, w *world, a practice.Actor) error {
			return ignore(w.svc.Person(ctx, a, w.writerID))
		},
		"edit writer": func(ctx context.Context, w *world, a practice.Actor) error {
			return ignore(w.svc.UpdatePerson(ctx, a, w.writerID, 1, practice.PersonUpdate{Name: "Ny", Email: "a-koordinator@example.no"}))
		},
		"edit reader": func(ctx context.Context, w *world, a practice.Actor) error {
			return ignore(w.svc.UpdatePerson(ctx, a, w.readerID, 1, practice.PersonUpdate{Name: "Ny", Email: "a-veileder@example.no"}))
		},
		"assign staff role": func(ctx context.Context, w *world, a practice.Actor) error {
			return ignore(w.svc.AssignRole(ctx, a, w.nih.ID, w.outsideP, practice.Teacher))
		},
		"search people": func(ctx context.Context, w *world, a practice.Actor) error {
			return ignore(w.svc.SearchPeople(ctx, a, practice.PeopleFilter{Query: "a-"}))
		},
		"remove staff role": func(ctx context.Context, w *world, a practice.Actor) error {
			return w.svc.RemoveRole(ctx, a, w.nih.ID, w.teacher.PersonID, practice.Teacher)
		},
		"see staff": func(ctx context.Context, w *world, a practice.Actor) error {
			return ignore(w.svc.Staff(ctx, a, w.nih.ID, practice.PageRequest{}))
		},
		"read tree": func(ctx context.Context, w *world, a practice.Actor) error {
			return ignore(w.svc.Tree(ctx, a, w.a.ID, d("2026-06-01")))
		},
	}
	// allowed lists, per action, who may; everyone else must get ErrForbidden.
	allowed := map[string][]string{
		"create institution":              {"system"},
		"create organisation":             {"system", "studyAdmin"},
		"create place":                    {"system", "studyAdmin"},
		"restructure":                     {"system", "studyAdmin"},
		"edit presentation":               {"system", "studyAdmin", "aAdmin"},
		"see members":                     {"system", "studyAdmin", "planner", "teacher", "aAdmin", "aWriter", "aReader"},
		"grant":                           {"system", "studyAdmin"},
		"change a member's right":         {"system", "studyAdmin", "aAdmin"},
		"edit a study site administrator": {"system", "studyAdmin"},
		"revoke":                          {"system", "studyAdmin", "aAdmin"},
		"add member":                      {"system", "studyAdmin"},
		"add person":                      {"system", "studyAdmin"},
		"see writer":                      {"system", "studyAdmin", "planner", "teacher", "aAdmin", "aWriter", "aReader"},
		"edit writer":                     {"system", "studyAdmin", "aAdmin", "aWriter"},
		"edit reader":                     {"system", "studyAdmin", "aAdmin"},
		"assign staff role":               {"system", "studyAdmin"},
		"see staff":                       {"system", "studyAdmin", "planner", "teacher"},
		"search people":                   {"system", "studyAdmin", "planner", "teacher"},
		"remove staff role":               {"system", "studyAdmin"},
		"read tree":                       {"system", "studyAdmin", "planner", "teacher", "aAdmin", "aWriter", "aReader", "bAdmin", "outsider", "anonymous"},
	}
	actors := map[string]func(w *world) practice.Actor{
		"system": func(w *world) practice.Actor { return w.system }, "studyAdmin": func(w *world) practice.Actor { return w.studyAdmin },
		"planner": func(w *world) practice.Actor { return w.planner },
		"teacher": func(w *world) practice.Actor { return w.teacher }, "aAdmin": func(w *world) practice.Actor { return w.aAdmin },
		"aWriter": func(w *world) practice.Actor { return w.aWriter }, "aReader": func(w *world) practice.Actor { return w.aReader },
		"bAdmin": func(w *world) practice.Actor { return w.bAdmin }, "outsider": func(w *world) practice.Actor { return w.outsider },
		"anonymous": func(w *world) practice.Actor { return w.anonymous },
	}
	for name, act := range actions {
		for who, actor := range actors {
			t.Run(name+"/"+who, func(t *testing.T) {
				t.Parallel()
				w := newWorld(t)
				err := act(context.Background(), w, actor(w))
				if slices.Contains(allowed[name], who) {
					require.NoError(t, err)
				} else {
					require.ErrorIs(t, err, practice.ErrForbidden)
				}
			})
		}
	}
}
