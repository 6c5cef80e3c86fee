package httpapi

import (
	"context"
	"net/http"

	"github.com/praksis/praksis/practice"
)

// The handlers below only translate: path, query and body in; the service
// call with the request's actor; JSON or a problem out.

// one answers GET of the resource that get finds by the path's {id}.
func one[T any](get func(context.Context, practice.Actor, practice.ID) (T, error)) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		v, err := get(r.Context(), actorOf(r.Context()), id)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, v)
	}
}

// many answers GET of the list that find finds by the path's {id}.
func many[T any](find func(context.Context, practice.Actor, practice.ID) ([]T, error)) apiFunc {
	return one(func(ctx context.Context, a practice.Actor, id practice.ID) (list[T], error) {
		items, err := find(ctx, a, id)
		return listOf(items), err
	})
}

// versioned is the body of a PUT that edits a resource: the new input and
// the version of the resource the client read.
type versioned[In any] interface {
	parts() (in In, version int)
}

// update answers PUT of the resource by the path's {id}: it decodes a body
// B and passes its input and version to apply.
func update[B versioned[In], In, Out any](apply func(context.Context, practice.Actor, practice.ID, int, In) (Out, error)) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		var body B
		if err := decode(w, r, &body); err != nil {
			return err
		}
		in, version := body.parts()
		v, err := apply(r.Context(), actorOf(r.Context()), id, version, in)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, v)
	}
}

// MeResponse is the body of GET /api/me.
type MeResponse struct {
	Person      practice.Person  `json:"person"`
	Memberships []MembershipView `json:"memberships"`
	StaffRoles  []StaffRoleView  `json:"staffRoles"`
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

// PersonResponse is the body of GET and PUT /api/people/{id}.
type PersonResponse struct {
	Person      practice.Person       `json:"person"`
	Memberships []practice.Membership `json:"memberships"`
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	ctx, a := r.Context(), actorOf(r.Context())
	if a.PersonID == practice.NilID {
		return newProblem(http.StatusUnauthorized, typeUnauthenticated, "nobody is logged in")
	}
	p, err := s.svc.Person(ctx, a, a.PersonID)
	if err != nil {
		return err
	}
	ms, err := s.svc.PersonMemberships(ctx, a, a.PersonID)
	if err != nil {
		return err
	}
	out := MeResponse{Person: p, Memberships: []MembershipView{}, StaffRoles: []StaffRoleView{}}
	for _, m := range ms {
		o, err := s.svc.Organisation(ctx, a, m.OrganisationID)
		if err != nil {
			return err
		}
		out.Memberships = append(out.Memberships, MembershipView{OrganisationID: o.ID, OrganisationName: o.Name, Right: m.Right})
	}
	for _, sm := range a.StaffRoles() {
		inst, err := s.svc.Institution(ctx, a, sm.InstitutionID)
		if err != nil {
			return err
		}
		out.StaffRoles = append(out.StaffRoles, StaffRoleView{InstitutionID: inst.ID, InstitutionName: inst.Name, Role: sm.Role})
	}
	return writeJSON(w, http.StatusOK, out)
}

// Institutions.

func (s *Server) listInstitutions(w http.ResponseWriter, r *http.Request) error {
	insts, err := s.svc.Institutions(r.Context(), actorOf(r.Context()))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listOf(insts))
}

// InstitutionUpdate is the body of PUT /api/institutions/{id}.
type InstitutionUpdate struct {
	practice.InstitutionInput
	// Version is the version the client read.
	Version int `json:"version"`
}

func (u InstitutionUpdate) parts() (practice.InstitutionInput, int) {
	return u.InstitutionInput, u.Version
}

// Organisations.

func (s *Server) listOrganisations(w http.ResponseWriter, r *http.Request) error {
	f := practice.OrganisationFilter{OrgNumber: r.URL.Query().Get("orgNumber")}
	orgs, err := s.svc.Organisations(r.Context(), actorOf(r.Context()), f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listOf(orgs))
}

func (s *Server) createOrganisation(w http.ResponseWriter, r *http.Request) error {
	var in practice.OrganisationInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	o, err := s.svc.CreateOrganisation(r.Context(), actorOf(r.Context()), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/organisations/"+o.ID.String())
	return writeJSON(w, http.StatusCreated, o)
}

// OrganisationUpdate is the body of PUT /api/organisations/{id}.
type OrganisationUpdate struct {
	practice.OrganisationInput
	// Version is the version the client read.
	Version int `json:"version"`
}

func (u OrganisationUpdate) parts() (practice.OrganisationInput, int) {
	return u.OrganisationInput, u.Version
}

// Places.

func (s *Server) tree(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	asOf := s.today()
	if q := r.URL.Query().Get("asOf"); q != "" {
		if asOf, err = practice.ParseDate(q); err != nil {
			// The value is not quoted: it could be anything, even a
			// national identity number.
			p := newProblem(http.StatusBadRequest, typeBadRequest,
				"query parameter asOf must be a date in the form YYYY-MM-DD")
			p.Errors = []practice.FieldError{{Field: "asOf", Rule: "date", Message: "must be a date in the form YYYY-MM-DD"}}
			return p
		}
	}
	t, err := s.svc.Tree(r.Context(), actorOf(r.Context()), id, asOf)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, t)
}

// PlaceCreate is the body of POST /api/organisations/{id}/places.
type PlaceCreate struct {
	// ParentID is the parent place; absent for a place at the top.
	ParentID practice.ID `json:"parentId,omitzero"`
	// Name is the place's name.
	Name string `json:"name"`
	// From is the date the place exists from.
	From practice.Date `json:"from"`
	// Presentation is what the place shows of itself.
	Presentation practice.Presentation `json:"presentation"`
}

func (s *Server) createPlace(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in PlaceCreate
	if err := decode(w, r, &in); err != nil {
		return err
	}
	n, err := s.svc.CreatePlace(r.Context(), actorOf(r.Context()), practice.NewPlace{
		OrganisationID: id, ParentID: in.ParentID, Name: in.Name, From: in.From, Presentation: in.Presentation,
	})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/places/"+n.ID.String()+"/history")
	return writeJSON(w, http.StatusCreated, n)
}

// PlaceChange is the body of POST /api/places/{id}/changes: a rename, a
// move or a closing from a date on.
type PlaceChange struct {
	// From is the date the change takes effect.
	From practice.Date `json:"from"`
	// Name, if not empty, is the new name.
	Name string `json:"name,omitempty"`
	// ParentID, if given, is the new parent; the nil UUID moves the place
	// to the top.
	ParentID *practice.ID `json:"parentId,omitempty"`
	// Close closes the place.
	Close bool `json:"close,omitempty"`
}

func (s *Server) restructure(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in PlaceChange
	if err := decode(w, r, &in); err != nil {
		return err
	}
	v, err := s.svc.Restructure(r.Context(), actorOf(r.Context()), practice.StructureChange{
		PlaceID: id, From: in.From, Name: in.Name, ParentID: in.ParentID, Close: in.Close,
	})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/places/"+id.String()+"/history")
	return writeJSON(w, http.StatusCreated, v)
}

// PresentationUpdate is the body of PUT /api/places/{id}/presentation.
type PresentationUpdate struct {
	practice.Presentation
	// Version is the version of the place the client read.
	Version int `json:"version"`
}

func (u PresentationUpdate) parts() (practice.Presentation, int) { return u.Presentation, u.Version }

// Members and people.

// MemberCreate is the body of POST /api/organisations/{id}/members: a new
// person and their right there.
type MemberCreate struct {
	practice.PersonInput
	// Right is the person's right at the organisation.
	Right practice.Right `json:"right"`
}

func (s *Server) addMember(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in MemberCreate
	if err := decode(w, r, &in); err != nil {
		return err
	}
	m, err := s.svc.AddMember(r.Context(), actorOf(r.Context()), id, in.PersonInput, in.Right)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/people/"+m.Person.ID.String())
	return writeJSON(w, http.StatusCreated, m)
}

// RightGrant is the body of PUT /api/organisations/{id}/members/{personId}.
type RightGrant struct {
	// Right is the right to give, replacing the one the person had there.
	Right practice.Right `json:"right"`
}

func (s *Server) grant(w http.ResponseWriter, r *http.Request) error {
	orgID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	personID, err := pathID(r, "personId")
	if err != nil {
		return err
	}
	var in RightGrant
	if err := decode(w, r, &in); err != nil {
		return err
	}
	m, err := s.svc.Grant(r.Context(), actorOf(r.Context()), orgID, personID, in.Right)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, m)
}

func (s *Server) revoke(w http.ResponseWriter, r *http.Request) error {
	orgID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	personID, err := pathID(r, "personId")
	if err != nil {
		return err
	}
	if err := s.svc.Revoke(r.Context(), actorOf(r.Context()), orgID, personID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// person answers a person and their memberships.
func (s *Server) person(ctx context.Context, a practice.Actor, id practice.ID) (PersonResponse, error) {
	p, err := s.svc.Person(ctx, a, id)
	if err != nil {
		return PersonResponse{}, err
	}
	ms, err := s.svc.PersonMemberships(ctx, a, id)
	if err != nil {
		return PersonResponse{}, err
	}
	if ms == nil {
		ms = []practice.Membership{}
	}
	return PersonResponse{Person: p, Memberships: ms}, nil
}

// PersonUpdate is the body of PUT /api/people/{id}.
type PersonUpdate struct {
	practice.PersonUpdate
	// Version is the version the client read.
	Version int `json:"version"`
}

func (u PersonUpdate) parts() (practice.PersonUpdate, int) { return u.PersonUpdate, u.Version }

// updatePerson edits a person and answers them as GET does.
func (s *Server) updatePerson(ctx context.Context, a practice.Actor, id practice.ID, version int, in practice.PersonUpdate) (PersonResponse, error) {
	if _, err := s.svc.UpdatePerson(ctx, a, id, version, in); err != nil {
		return PersonResponse{}, err
	}
	return s.person(ctx, a, id)
}
