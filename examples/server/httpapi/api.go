package httpapi

import (
	"context"
	"net/http"
	"reflect"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/praksis/praksis/practice"
)

// The handlers below only translate: path, query and body in; the service
// call with the request's actor; JSON or a problem out.

// PathID is the parameter {id} of an operation's path: the ID of the
// resource it reads or changes. An ID that is not a UUID names nothing: 404.
type PathID struct {
	ID practice.ID `path:"id" doc:"The ID of the resource."`
}

// MemberPath is the parameters {id} and {personId} of the path of a
// person's right at an organisation.
type MemberPath struct {
	PathID
	PersonID practice.ID `path:"personId" doc:"The person."`
}

// PageQuery is the query parameters of every list: one page of at most
// limit items, after the cursor of the previous page.
type PageQuery struct {
	Limit  int    `query:"limit" minimum:"1" maximum:"500" default:"50" doc:"The most items to answer, from 1 to 500."`
	Cursor string `query:"cursor" maxLength:"4096" doc:"The next cursor of the previous page, as it was given; absent for the first page."`
}

// ListQuery is the parameters of a list of the resource {id}.
type ListQuery struct {
	PathID
	PageQuery
}

// AsOfQuery is the query parameter of a read as of a date.
type AsOfQuery struct {
	AsOf string `query:"asOf" format:"date" doc:"The date to read as of, YYYY-MM-DD; by default today in the server's time zone."`
}

// The inputs and outputs the operations share.
type (
	// noInput is the input of an operation that takes nothing.
	noInput struct{}
	// body is a JSON response.
	body[T any] struct {
		Body T
	}
	// created is the answer of an operation that creates a resource.
	created[T any] struct {
		Location string `header:"Location" doc:"The path of the new resource."`
		Body     T
	}
	// noContent is the answer of an operation that answers nothing.
	noContent struct{}
)

// page returns the page the query asks for.
func (q PageQuery) page() practice.PageRequest {
	return practice.PageRequest{Limit: q.Limit, After: practice.Cursor(q.Cursor)}
}

// asOf returns the date the query asks for, today when none.
func (s *Server) asOf(q AsOfQuery) practice.Date {
	if d, err := practice.ParseDate(q.AsOf); err == nil {
		return d
	}
	return s.today() // the document's format checked any date given
}

func reply[T any](v T, err error) (*body[T], error) {
	if err != nil {
		return nil, err
	}
	return &body[T]{Body: v}, nil
}

// HealthResponse is the body of GET /healthz.
type HealthResponse struct {
	// Status is "ok".
	Status string `json:"status" enum:"ok" doc:"ok: the server and its store answer."`
}

// MeResponse is the body of GET /api/me.
type MeResponse struct {
	// Person is the logged-in person.
	Person practice.Person `json:"person"`
	// Memberships are the person's rights, with the organisations' names.
	Memberships []MembershipView `json:"memberships"`
	// StaffRoles are the person's staff roles, with the study sites' names.
	StaffRoles []StaffRoleView `json:"staffRoles"`
}

// MembershipView is a right at an organisation, with the organisation's name.
type MembershipView struct {
	OrganisationID   practice.ID    `json:"organisationId"`
	OrganisationName string         `json:"organisationName"`
	Right            practice.Right `json:"right"`
}

// StaffRoleView is a staff role at a study site, with the site's name.
type StaffRoleView struct {
	InstitutionID   practice.ID        `json:"institutionId"`
	InstitutionName string             `json:"institutionName"`
	Role            practice.StaffRole `json:"role"`
}

// PersonResponse is the body of GET and PUT /api/people/{id}: the person as
// the reader may see them, and the rights the reader may see.
type PersonResponse struct {
	Person      practice.Person       `json:"person"`
	Memberships []practice.Membership `json:"memberships"`
}

// PlaceOn is the body of GET /api/places/{id}: a place as it stands on a
// date, as practice.PlaceOn encodes it.
type PlaceOn struct {
	practice.PlaceOn
}

// TransformSchema documents that structure is null when the place did not
// exist yet on the date.
func (PlaceOn) TransformSchema(r huma.Registry, s *huma.Schema) *huma.Schema {
	version := r.Schema(reflect.TypeFor[practice.PlaceVersion](), true, "PlaceVersion")
	s.Properties["structure"] = &huma.Schema{
		AnyOf:       []*huma.Schema{version, {Type: "null"}},
		Description: "The version of the place's structure in force on asOf, or null if the place did not exist yet.",
	}
	return s
}

// InstitutionUpdate is the body of PUT /api/institutions/{id}.
type InstitutionUpdate struct {
	Name string `json:"name" doc:"The study site's name."`
	Code string `json:"code" doc:"A short unique code, such as NIH."`
	// Version is the version the client read.
	Version int `json:"version" maximum:"2147483647" doc:"The version the client read; a stale one is 409."`
}

// StaffRoleAssign is the body of POST /api/institutions/{id}/staff.
type StaffRoleAssign struct {
	PersonID practice.ID        `json:"personId" doc:"The person to give the role."`
	Role     practice.StaffRole `json:"role"`
}

// OrganisationCreate is the body of POST /api/organisations.
type OrganisationCreate struct {
	Name      string `json:"name" doc:"The organisation's name."`
	OrgNumber string `json:"orgNumber" doc:"The Norwegian organisation number: nine digits, spaces allowed."`
}

// OrganisationUpdate is the body of PUT /api/organisations/{id}.
type OrganisationUpdate struct {
	Name      string `json:"name" doc:"The organisation's name."`
	OrgNumber string `json:"orgNumber" doc:"The Norwegian organisation number: nine digits, spaces allowed."`
	// Version is the version the client read.
	Version int `json:"version" maximum:"2147483647" doc:"The version the client read; a stale one is 409."`
}

// PlaceCreate is the body of POST /api/organisations/{id}/places.
type PlaceCreate struct {
	// ParentID is the parent place; absent for a place at the top.
	ParentID practice.ID `json:"parentId,omitzero" doc:"The parent place; absent for a place at the top of the tree."`
	// Name is the place's name.
	Name string `json:"name" doc:"The place's name."`
	// From is the date the place exists from.
	From practice.Date `json:"from" doc:"The date the place exists from."`
	// Presentation is what the place shows of itself.
	Presentation practice.Presentation `json:"presentation,omitzero"`
}

// PlaceChange is the body of POST /api/places/{id}/changes: a rename, a
// move or a closing from a date on.
type PlaceChange struct {
	// From is the date the change takes effect.
	From practice.Date `json:"from" doc:"The date the change takes effect; after the place's latest change."`
	// Name, if not empty, is the new name.
	Name string `json:"name,omitempty" doc:"The new name."`
	// ParentID, if given, is the new parent; the nil UUID moves the place
	// to the top.
	ParentID *practice.ID `json:"parentId,omitempty" doc:"The new parent; the nil UUID 00000000-0000-0000-0000-000000000000 moves the place to the top."`
	// Close closes the place.
	Close bool `json:"close,omitempty" doc:"Close the place; not together with a rename or a move."`
}

// PresentationUpdate is the body of PUT /api/places/{id}/presentation.
type PresentationUpdate struct {
	Description string `json:"description,omitempty" doc:"What the place does; may span lines."`
	Address     string `json:"address,omitempty" doc:"The place's address; may span lines."`
	Email       string `json:"email,omitempty" doc:"The place's e-mail address."`
	Phone       string `json:"phone,omitempty" doc:"The place's phone number."`
	PictureRef  string `json:"pictureRef,omitempty" doc:"An https URL of a picture, or a file under /media/ on the server, such as /media/akutt.jpg."`
	// Version is the version of the place the client read.
	Version int `json:"version" maximum:"2147483647" doc:"The version of the place the client read; a stale one is 409."`
}

// MemberCreate is the body of POST /api/organisations/{id}/members: a new
// person and their right there.
type MemberCreate struct {
	Name       string              `json:"name" doc:"The person's name."`
	Email      string              `json:"email" doc:"The person's e-mail address, unique."`
	Phone      string              `json:"phone,omitempty" doc:"The person's phone number."`
	NationalID practice.NationalID `json:"nationalId,omitzero"`
	Profile    practice.Profile    `json:"profile,omitzero"`
	// Right is the person's right at the organisation.
	Right practice.Right `json:"right"`
}

// RightGrant is the body of PUT /api/organisations/{id}/members/{personId}.
type RightGrant struct {
	// Right is the right to give, replacing the one the person had there.
	Right practice.Right `json:"right"`
}

// PersonUpdate is the body of PUT /api/people/{id}.
type PersonUpdate struct {
	Name    string           `json:"name" doc:"The person's name."`
	Email   string           `json:"email" doc:"The person's e-mail address, unique."`
	Phone   string           `json:"phone,omitempty" doc:"The person's phone number."`
	Profile practice.Profile `json:"profile,omitzero"`
	// Version is the version the client read.
	Version int `json:"version" maximum:"2147483647" doc:"The version the client read; a stale one is 409."`
}

// The tags of the operations in the document.
var (
	tagInstitutions  = []string{"Institutions"}
	tagOrganisations = []string{"Organisations"}
	tagPlaces        = []string{"Places"}
	tagPeople        = []string{"People"}
	tagInvitations   = []string{"Invitations"}
	tagAuth          = []string{"Authentication"}
	tagServer        = []string{"Server"}
)

// register adds every operation of the API.
func (s *Server) register(devLogin bool) {
	s.registerServer()
	s.registerInstitutions()
	s.registerOrganisations()
	s.registerPlaces()
	s.registerPeople()
	s.registerInvitations()
	s.registerAuth(devLogin)
}

func (s *Server) registerServer() {
	register(s, operation{method: http.MethodGet, path: "/healthz", id: "health", tags: tagServer,
		summary: "Tell whether the server and its store answer", errors: []int{http.StatusServiceUnavailable}},
		func(ctx context.Context, _ *noInput) (*body[HealthResponse], error) {
			ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
			defer cancel()
			if _, err := s.svc.Institutions(ctx, practice.Actor{}, practice.InstitutionFilter{Page: practice.PageRequest{Limit: 1}}); err != nil {
				s.log.ErrorContext(ctx, "health check failed", "requestId", requestInfoOf(ctx).id,
					"error", practice.MaskNationalIDs(err.Error()))
				return nil, newProblem(typeUnavailable, "the store does not answer")
			}
			return &body[HealthResponse]{Body: HealthResponse{Status: "ok"}}, nil
		})

	register(s, operation{method: http.MethodGet, path: "/api/me", id: "me", tags: tagPeople,
		summary: "Who is logged in: the person, their rights and staff roles"},
		func(ctx context.Context, _ *noInput) (*body[MeResponse], error) {
			return reply(s.me(ctx))
		})
}

func (s *Server) me(ctx context.Context) (MeResponse, error) {
	a := actorOf(ctx)
	if a.PersonID == practice.NilID {
		return MeResponse{}, newProblem(typeUnauthenticated, "nobody is logged in")
	}
	p, err := s.svc.Person(ctx, a, a.PersonID)
	if err != nil {
		return MeResponse{}, err
	}
	ms, err := s.svc.PersonMemberships(ctx, a, a.PersonID)
	if err != nil {
		return MeResponse{}, err
	}
	out := MeResponse{Person: p, Memberships: []MembershipView{}, StaffRoles: []StaffRoleView{}}
	for _, m := range ms {
		o, err := s.svc.Organisation(ctx, a, m.OrganisationID)
		if err != nil {
			return MeResponse{}, err
		}
		out.Memberships = append(out.Memberships, MembershipView{OrganisationID: o.ID, OrganisationName: o.Name, Right: m.Right})
	}
	for _, sm := range a.StaffRoles() {
		inst, err := s.svc.Institution(ctx, a, sm.InstitutionID)
		if err != nil {
			return MeResponse{}, err
		}
		out.StaffRoles = append(out.StaffRoles, StaffRoleView{InstitutionID: inst.ID, InstitutionName: inst.Name, Role: sm.Role})
	}
	return out, nil
}

func (s *Server) registerInstitutions() {
	register(s, operation{method: http.MethodGet, path: "/api/institutions", id: "listInstitutions", tags: tagInstitutions,
		summary: "List the study sites"},
		func(ctx context.Context, in *PageQuery) (*body[practice.Page[practice.Institution]], error) {
			return reply(s.svc.Institutions(ctx, actorOf(ctx), practice.InstitutionFilter{Page: in.page()}))
		})

	register(s, operation{method: http.MethodGet, path: "/api/institutions/{id}", id: "getInstitution", tags: tagInstitutions,
		summary: "Read a study site"},
		func(ctx context.Context, in *PathID) (*body[practice.Institution], error) {
			return reply(s.svc.Institution(ctx, actorOf(ctx), in.ID))
		})

	register(s, operation{method: http.MethodPut, path: "/api/institutions/{id}", id: "updateInstitution", tags: tagInstitutions,
		summary: "Edit a study site", description: "The study site's practice administrators may.",
		errors: []int{http.StatusConflict}},
		func(ctx context.Context, in *struct {
			PathID
			Body InstitutionUpdate
		}) (*body[practice.Institution], error) {
			b := in.Body
			return reply(s.svc.UpdateInstitution(ctx, actorOf(ctx), in.ID, b.Version, practice.InstitutionInput{Name: b.Name, Code: b.Code}))
		})

	register(s, operation{method: http.MethodGet, path: "/api/institutions/{id}/staff", id: "listStaff", tags: tagInstitutions,
		summary: "List a study site's staff roles", description: "The study site's own staff may.", errors: []int{http.StatusForbidden}},
		func(ctx context.Context, in *ListQuery) (*body[practice.Page[practice.StaffMembership]], error) {
			return reply(s.svc.Staff(ctx, actorOf(ctx), in.ID, in.page()))
		})

	register(s, operation{method: http.MethodPost, path: "/api/institutions/{id}/staff", id: "assignStaffRole", tags: tagInstitutions,
		summary: "Give a person a staff role", description: "The study site's practice administrators may.",
		status: http.StatusCreated},
		func(ctx context.Context, in *struct {
			PathID
			Body StaffRoleAssign
		}) (*body[practice.StaffMembership], error) {
			return reply(s.svc.AssignRole(ctx, actorOf(ctx), in.ID, in.Body.PersonID, in.Body.Role))
		})

	register(s, operation{method: http.MethodDelete, path: "/api/institutions/{id}/staff/{personId}/{role}", id: "removeStaffRole",
		tags: tagInstitutions, summary: "Take a staff role from a person",
		description: "The study site's practice administrators may; a study site keeps a practice administrator.",
		status:      http.StatusNoContent, errors: []int{http.StatusUnprocessableEntity}},
		func(ctx context.Context, in *struct {
			PathID
			PersonID practice.ID        `path:"personId" doc:"The person."`
			Role     practice.StaffRole `path:"role" enum:"administrator,planner,teacher" doc:"The role."`
		}) (*noContent, error) {
			return &noContent{}, s.svc.RemoveRole(ctx, actorOf(ctx), in.ID, in.PersonID, in.Role)
		})
}

func (s *Server) registerOrganisations() {
	register(s, operation{method: http.MethodGet, path: "/api/organisations", id: "listOrganisations", tags: tagOrganisations,
		summary: "List the practice organisations"},
		func(ctx context.Context, in *struct {
			OrgNumber string `query:"orgNumber" doc:"Only the organisation with this organisation number."`
			PageQuery
		}) (*body[practice.Page[practice.Organisation]], error) {
			f := practice.OrganisationFilter{OrgNumber: in.OrgNumber, Page: in.page()}
			return reply(s.svc.Organisations(ctx, actorOf(ctx), f))
		})

	register(s, operation{method: http.MethodPost, path: "/api/organisations", id: "createOrganisation", tags: tagOrganisations,
		summary: "Create a practice organisation", description: "A study site's practice administrator may.",
		status: http.StatusCreated, errors: []int{http.StatusConflict}},
		func(ctx context.Context, in *struct{ Body OrganisationCreate }) (*created[practice.Organisation], error) {
			o, err := s.svc.CreateOrganisation(ctx, actorOf(ctx), practice.OrganisationInput{Name: in.Body.Name, OrgNumber: in.Body.OrgNumber})
			if err != nil {
				return nil, err
			}
			return &created[practice.Organisation]{Location: "/api/organisations/" + o.ID.String(), Body: o}, nil
		})

	register(s, operation{method: http.MethodGet, path: "/api/organisations/{id}", id: "getOrganisation", tags: tagOrganisations,
		summary: "Read a practice organisation"},
		func(ctx context.Context, in *PathID) (*body[practice.Organisation], error) {
			return reply(s.svc.Organisation(ctx, actorOf(ctx), in.ID))
		})

	register(s, operation{method: http.MethodPut, path: "/api/organisations/{id}", id: "updateOrganisation", tags: tagOrganisations,
		summary: "Edit a practice organisation", description: "A study site's practice administrator may.",
		errors: []int{http.StatusConflict}},
		func(ctx context.Context, in *struct {
			PathID
			Body OrganisationUpdate
		}) (*body[practice.Organisation], error) {
			b := in.Body
			return reply(s.svc.UpdateOrganisation(ctx, actorOf(ctx), in.ID, b.Version, practice.OrganisationInput{Name: b.Name, OrgNumber: b.OrgNumber}))
		})

	register(s, operation{method: http.MethodGet, path: "/api/organisations/{id}/tree", id: "getTree", tags: tagPlaces,
		summary: "Read an organisation's place tree as of a date"},
		func(ctx context.Context, in *struct {
			PathID
			AsOfQuery
		}) (*body[practice.Tree], error) {
			return reply(s.svc.Tree(ctx, actorOf(ctx), in.ID, s.asOf(in.AsOfQuery)))
		})

	register(s, operation{method: http.MethodPost, path: "/api/organisations/{id}/places", id: "createPlace", tags: tagPlaces,
		summary: "Add a place to an organisation's tree", description: "A study site's practice administrator may.",
		status: http.StatusCreated, errors: []int{http.StatusConflict}},
		func(ctx context.Context, in *struct {
			PathID
			Body PlaceCreate
		}) (*created[practice.PlaceNode], error) {
			b := in.Body
			n, err := s.svc.CreatePlace(ctx, actorOf(ctx), practice.NewPlace{
				OrganisationID: in.ID, ParentID: b.ParentID, Name: b.Name, From: b.From, Presentation: b.Presentation,
			})
			if err != nil {
				return nil, err
			}
			return &created[practice.PlaceNode]{Location: "/api/places/" + n.ID.String(), Body: n}, nil
		})

	register(s, operation{method: http.MethodGet, path: "/api/organisations/{id}/members", id: "listMembers", tags: tagOrganisations,
		summary:     "List the people with a right at an organisation",
		description: "The organisation's own users and study site staff may; only its administrators see national identity numbers.", errors: []int{http.StatusForbidden}},
		func(ctx context.Context, in *ListQuery) (*body[practice.Page[practice.Member]], error) {
			return reply(s.svc.Members(ctx, actorOf(ctx), in.ID, in.page()))
		})

	register(s, operation{method: http.MethodPost, path: "/api/organisations/{id}/members", id: "addMember", tags: tagOrganisations,
		summary: "Add a new person with a right at an organisation",
		description: "A study site's practice administrator may. A site's administrators invite their colleagues instead " +
			"(POST /api/organisations/{id}/invitations), which never tells them whether someone is registered elsewhere.",
		status: http.StatusCreated, errors: []int{http.StatusConflict}},
		func(ctx context.Context, in *struct {
			PathID
			Body MemberCreate
		}) (*created[practice.Member], error) {
			b := in.Body
			m, err := s.svc.AddMember(ctx, actorOf(ctx), in.ID, practice.PersonInput{
				Name: b.Name, Email: b.Email, Phone: b.Phone, NationalID: b.NationalID, Profile: b.Profile,
			}, b.Right)
			if err != nil {
				return nil, err
			}
			return &created[practice.Member]{Location: "/api/people/" + m.Person.ID.String(), Body: m}, nil
		})

	register(s, operation{method: http.MethodPut, path: "/api/organisations/{id}/members/{personId}", id: "grantRight",
		tags: tagOrganisations, summary: "Give an existing person a right at an organisation",
		description: "A study site's practice administrator may give anyone a right; the site's administrators may change the rights of its own people."},
		func(ctx context.Context, in *struct {
			MemberPath
			Body RightGrant
		}) (*body[practice.Membership], error) {
			return reply(s.svc.Grant(ctx, actorOf(ctx), in.ID, in.PersonID, in.Body.Right))
		})

	register(s, operation{method: http.MethodDelete, path: "/api/organisations/{id}/members/{personId}", id: "revokeRight",
		tags: tagOrganisations, summary: "Deactivate a person at an organisation: take their right there",
		description: "The organisation's site administrators and study site practice administrators may; the organisation keeps a site administrator. " +
			"The audit trail keeps the right the person had.",
		status: http.StatusNoContent, errors: []int{http.StatusUnprocessableEntity}},
		func(ctx context.Context, in *MemberPath) (*noContent, error) {
			return &noContent{}, s.svc.Revoke(ctx, actorOf(ctx), in.ID, in.PersonID)
		})
}

func (s *Server) registerPlaces() {
	register(s, operation{method: http.MethodGet, path: "/api/places/{id}", id: "getPlace", tags: tagPlaces,
		summary: "Read a place as it stands on a date"},
		func(ctx context.Context, in *struct {
			PathID
			AsOfQuery
		}) (*body[PlaceOn], error) {
			p, err := s.svc.Place(ctx, actorOf(ctx), in.ID, s.asOf(in.AsOfQuery))
			return reply(PlaceOn{p}, err)
		})

	register(s, operation{method: http.MethodGet, path: "/api/places/{id}/history", id: "listPlaceHistory", tags: tagPlaces,
		summary: "List the versions of a place's structure, in date order"},
		func(ctx context.Context, in *ListQuery) (*body[practice.Page[practice.PlaceVersion]], error) {
			return reply(s.svc.PlaceHistory(ctx, actorOf(ctx), in.ID, in.page()))
		})

	register(s, operation{method: http.MethodPost, path: "/api/places/{id}/changes", id: "changePlace", tags: tagPlaces,
		summary: "Rename, move or close a place from a date on", description: "A study site's practice administrator may.",
		status: http.StatusCreated, errors: []int{http.StatusConflict}},
		func(ctx context.Context, in *struct {
			PathID
			Body PlaceChange
		}) (*created[practice.PlaceVersion], error) {
			b := in.Body
			v, err := s.svc.Restructure(ctx, actorOf(ctx), practice.StructureChange{
				PlaceID: in.ID, From: b.From, Name: b.Name, ParentID: b.ParentID, Close: b.Close,
			})
			if err != nil {
				return nil, err
			}
			return &created[practice.PlaceVersion]{Location: "/api/places/" + in.ID.String() + "/history", Body: v}, nil
		})

	register(s, operation{method: http.MethodPut, path: "/api/places/{id}/presentation", id: "updatePresentation", tags: tagPlaces,
		summary:     "Edit what a place shows of itself",
		description: "The organisation's site administrators and study site practice administrators may.",
		errors:      []int{http.StatusConflict}},
		func(ctx context.Context, in *struct {
			PathID
			Body PresentationUpdate
		}) (*body[practice.Place], error) {
			b := in.Body
			return reply(s.svc.UpdatePresentation(ctx, actorOf(ctx), in.ID, b.Version, practice.Presentation{
				Description: b.Description, Address: b.Address, Email: b.Email, Phone: b.Phone, PictureRef: b.PictureRef,
			}))
		})
}

func (s *Server) registerPeople() {
	register(s, operation{method: http.MethodGet, path: "/api/people", id: "searchPeople", tags: tagPeople,
		summary: "Search people by name, e-mail or organisation", description: "Study site staff may. National identity numbers are never shown here.", errors: []int{http.StatusForbidden}},
		func(ctx context.Context, in *struct {
			Query          string `query:"q" maxLength:"200" doc:"Words matched against name and e-mail."`
			Email          string `query:"email" maxLength:"254" doc:"Only the person with this e-mail address."`
			OrganisationID string `query:"organisationId" format:"uuid" pattern:"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$" doc:"Only the people with a right at this organisation."`
			PageQuery
		}) (*body[practice.Page[practice.Person]], error) {
			f := practice.PeopleFilter{Query: in.Query, Email: in.Email, Page: in.page()}
			if in.OrganisationID != "" {
				id, err := practice.ParseID(in.OrganisationID)
				if err != nil { // the document's pattern let it through
					return nil, practice.Invalid("organisationId", "uuid", "must be a UUID such as "+uuidExample)
				}
				f.OrganisationID = id
			}
			return reply(s.svc.SearchPeople(ctx, actorOf(ctx), f))
		})

	register(s, operation{method: http.MethodGet, path: "/api/people/{id}", id: "getPerson", tags: tagPeople,
		summary: "Read a person and the rights the reader may see",
		description: "The person, the people of their organisations and study site staff may. " +
			"The national identity number shows only to those who may see it; the others learn hasNationalId.", errors: []int{http.StatusForbidden}},
		func(ctx context.Context, in *PathID) (*body[PersonResponse], error) {
			return reply(s.person(ctx, actorOf(ctx), in.ID))
		})

	register(s, operation{method: http.MethodPut, path: "/api/people/{id}", id: "updatePerson", tags: tagPeople,
		summary:     "Edit a person's contact details and profile",
		description: "The person with write right, the administrators of all their organisations and study site practice administrators may.",
		errors:      []int{http.StatusConflict}},
		func(ctx context.Context, in *struct {
			PathID
			Body PersonUpdate
		}) (*body[PersonResponse], error) {
			b := in.Body
			a := actorOf(ctx)
			if _, err := s.svc.UpdatePerson(ctx, a, in.ID, b.Version, practice.PersonUpdate{
				Name: b.Name, Email: b.Email, Phone: b.Phone, Profile: b.Profile,
			}); err != nil {
				return nil, err
			}
			return reply(s.person(ctx, a, in.ID))
		})
}

// person answers a person and the memberships the reader may see.
func (s *Server) person(ctx context.Context, a practice.Actor, id practice.ID) (PersonResponse, error) {
	p, err := s.svc.Person(ctx, a, id)
	if err != nil {
		return PersonResponse{}, err
	}
	ms, err := s.svc.PersonMemberships(ctx, a, id)
	if err != nil {
		return PersonResponse{}, err
	}
	return PersonResponse{Person: p, Memberships: ms}, nil
}
