package practice

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Service runs the use cases of the kernel: institutions, organisations,
// their place trees, people and their rights. Every method takes the acting
// [Actor], checks its rights first and validates the input next; a refused
// or invalid call changes nothing.
//
// Every refusal is an *[Error] or a *[ValidationError] told in the domain's
// words; any other error comes from the store and is for logs.
type Service struct {
	store Store
	clock Clock
	newID func() ID
}

// Option configures a [Service].
type Option func(*Service)

// WithClock sets the clock the service stamps records with (default
// [SystemClock]).
func WithClock(c Clock) Option { return func(s *Service) { s.clock = c } }

// WithIDs sets the source of new IDs (default [NewID]).
func WithIDs(newID func() ID) Option { return func(s *Service) { s.newID = newID } }

// NewService returns a Service over store.
func NewService(store Store, opts ...Option) *Service {
	s := &Service{store: store, clock: SystemClock, newID: NewID}
	for _, o := range opts {
		o(s)
	}
	return s
}

// now returns the time at the precision every store keeps (microseconds, UTC).
func (s *Service) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }

func checkVersion(version int) error {
	if version < 1 {
		return Invalid("version", "required", "is required: give the version you read")
	}
	return nil
}

// notFound tells a store's ErrNotFound as "there is no <what> <id>"; other
// errors are returned as they are.
func notFound(err error, what string, id ID) error {
	if errors.Is(err, ErrNotFound) {
		return &Error{Code: ErrNotFound, Message: fmt.Sprintf("there is no %s %s", what, id), Err: err}
	}
	return err
}

// saveError tells the error of a store's create or update of a <what> in
// the domain's words: a stale version (the caller read version), a taken
// unique value (taken[field] says whose, else a general message), or a
// missing record. Other errors are returned as they are.
func saveError(err error, what string, id ID, version int, taken map[string]string) error {
	var e *Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &e) && e.Code == ErrConflict && e.Stale:
		return &Error{Code: ErrConflict, Stale: true, Err: err,
			Message: fmt.Sprintf("the %s changed since version %d was read; read it again", what, version)}
	case errors.As(err, &e) && e.Code == ErrConflict:
		msg := taken[e.Field]
		if msg == "" {
			msg = fmt.Sprintf("the %s's %s is taken", what, e.Field)
		}
		return &Error{Code: ErrConflict, Field: e.Field, Message: msg, Err: err}
	case errors.Is(err, ErrConflict):
		return &Error{Code: ErrConflict, Message: fmt.Sprintf("the %s conflicts with another record", what), Err: err}
	}
	return notFound(err, what, id)
}

// Actor returns the actor for a person, with the rights and roles stored for
// them. It returns ErrNotFound if there is no such person.
func (s *Service) Actor(ctx context.Context, personID ID) (Actor, error) {
	var a Actor
	err := s.store.InSnapshot(ctx, func(ctx context.Context) error {
		if _, err := s.store.Person(ctx, personID); err != nil {
			return notFound(err, "person", personID)
		}
		var err error
		a, err = s.actorOf(ctx, personID)
		return err
	})
	return a, err
}

// ActorByNationalID returns the actor for the person with a national identity
// number, as a login through ID-porten finds them. It returns ErrNotFound if
// nobody has that number.
func (s *Service) ActorByNationalID(ctx context.Context, n NationalID) (Actor, error) {
	var a Actor
	err := s.store.InSnapshot(ctx, func(ctx context.Context) error {
		p, err := s.store.PersonByNationalID(ctx, n)
		if errors.Is(err, ErrNotFound) {
			return &Error{Code: ErrNotFound, Message: "nobody has that national identity number", Err: err}
		}
		if err != nil {
			return err
		}
		a, err = s.actorOf(ctx, p.ID)
		return err
	})
	return a, err
}

// ActorByEmail returns the actor for the person with an e-mail address
// (compared by [EmailKey]), as a development login finds them. It returns
// ErrNotFound if nobody has that address. Like ActorByNationalID it is for
// authentication, which must decide itself whether to trust the address.
func (s *Service) ActorByEmail(ctx context.Context, email string) (Actor, error) {
	var v ValidationError
	if checkLookup(&v, "email", email, 254); v.Err() != nil {
		return Actor{}, &v
	}
	var a Actor
	err := s.store.InSnapshot(ctx, func(ctx context.Context) error {
		page, err := s.store.People(ctx, PeopleFilter{Email: email, Page: PageRequest{Limit: 1}})
		if err != nil {
			return err
		}
		if len(page.Items) == 0 {
			return NotFound("nobody has that e-mail address")
		}
		a, err = s.actorOf(ctx, page.Items[0].ID)
		return err
	})
	return a, err
}

func (s *Service) actorOf(ctx context.Context, personID ID) (Actor, error) {
	ms, staff, err := s.rightsOf(ctx, personID)
	if err != nil {
		return Actor{}, err
	}
	return NewActor(personID, ms, staff), nil
}

// rightsOf returns all of a person's memberships and staff roles.
func (s *Service) rightsOf(ctx context.Context, personID ID) ([]Membership, []StaffMembership, error) {
	ms, err := All(func(p PageRequest) (Page[Membership], error) {
		return s.store.Memberships(ctx, MembershipFilter{PersonID: personID, Page: p})
	})
	if err != nil {
		return nil, nil, err
	}
	staff, err := All(func(p PageRequest) (Page[StaffMembership], error) {
		return s.store.StaffRoles(ctx, StaffFilter{PersonID: personID, Page: p})
	})
	if err != nil {
		return nil, nil, err
	}
	return ms, staff, nil
}

// CreateInstitution adds a study site. Only the system may.
func (s *Service) CreateInstitution(ctx context.Context, a Actor, in InstitutionInput) (Institution, error) {
	if err := a.CanCreateInstitution(); err != nil {
		return Institution{}, err
	}
	in.Name, in.Code = strings.TrimSpace(in.Name), strings.TrimSpace(in.Code)
	if err := Validate(in); err != nil {
		return Institution{}, err
	}
	now := s.now()
	inst := Institution{ID: s.newID(), Name: in.Name, Code: in.Code, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := s.store.CreateInstitution(ctx, inst); err != nil {
		return Institution{}, saveError(err, "institution", inst.ID, 0, institutionTaken(in))
	}
	return inst, nil
}

// institutionTaken and its siblings say whose a taken unique value is.
// They never quote the value: it came from the request, and could be
// anything, even a national identity number.
func institutionTaken(InstitutionInput) map[string]string {
	return map[string]string{"code": "the code belongs to another institution"}
}

// UpdateInstitution edits a study site. version is the version the caller
// read; if the institution changed since, it returns ErrConflict.
func (s *Service) UpdateInstitution(ctx context.Context, a Actor, id ID, version int, in InstitutionInput) (Institution, error) {
	if err := a.CanManageInstitution(id); err != nil {
		return Institution{}, err
	}
	in.Name, in.Code = strings.TrimSpace(in.Name), strings.TrimSpace(in.Code)
	if err := validateAll(Validate(in), checkVersion(version)); err != nil {
		return Institution{}, err
	}
	inst, err := s.store.Institution(ctx, id)
	if err != nil {
		return Institution{}, notFound(err, "institution", id)
	}
	inst.Name, inst.Code, inst.Version, inst.UpdatedAt = in.Name, in.Code, version, s.now()
	if err := s.store.UpdateInstitution(ctx, inst); err != nil {
		return Institution{}, saveError(err, "institution", id, version, institutionTaken(in))
	}
	inst.Version++
	return inst, nil
}

// Institution returns a study site to anyone: place information is public.
func (s *Service) Institution(ctx context.Context, a Actor, id ID) (Institution, error) {
	inst, err := s.store.Institution(ctx, id)
	if err != nil {
		return Institution{}, notFound(err, "institution", id)
	}
	return inst, nil
}

// Institutions lists the study sites to anyone: place information is public.
func (s *Service) Institutions(ctx context.Context, a Actor, f InstitutionFilter) (Page[Institution], error) {
	if err := f.Page.Check(); err != nil {
		return Page[Institution]{}, err
	}
	return s.store.Institutions(ctx, f)
}

// CreateOrganisation adds a practice organisation. Study site practice
// administrators may.
func (s *Service) CreateOrganisation(ctx context.Context, a Actor, in OrganisationInput) (Organisation, error) {
	if err := a.CanManageStructure(); err != nil {
		return Organisation{}, err
	}
	in = normaliseOrganisation(in)
	if err := Validate(in); err != nil {
		return Organisation{}, err
	}
	now := s.now()
	o := Organisation{ID: s.newID(), Name: in.Name, OrgNumber: in.OrgNumber, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := s.store.CreateOrganisation(ctx, o); err != nil {
		return Organisation{}, saveError(err, "organisation", o.ID, 0, organisationTaken(in))
	}
	return o, nil
}

func organisationTaken(OrganisationInput) map[string]string {
	return map[string]string{"orgNumber": "the organisation number belongs to another organisation"}
}

// normaliseOrgNumber removes the spaces of an organisation number written
// in groups ("974 760 673").
func normaliseOrgNumber(n string) string { return strings.Join(strings.Fields(n), "") }

func normaliseOrganisation(in OrganisationInput) OrganisationInput {
	in.Name = strings.TrimSpace(in.Name)
	in.OrgNumber = normaliseOrgNumber(in.OrgNumber)
	return in
}

// UpdateOrganisation edits an organisation's name and number; version is the
// version the caller read.
func (s *Service) UpdateOrganisation(ctx context.Context, a Actor, id ID, version int, in OrganisationInput) (Organisation, error) {
	if err := a.CanManageStructure(); err != nil {
		return Organisation{}, err
	}
	in = normaliseOrganisation(in)
	if err := validateAll(Validate(in), checkVersion(version)); err != nil {
		return Organisation{}, err
	}
	o, err := s.store.Organisation(ctx, id)
	if err != nil {
		return Organisation{}, notFound(err, "organisation", id)
	}
	o.Name, o.OrgNumber, o.Version, o.UpdatedAt = in.Name, in.OrgNumber, version, s.now()
	if err := s.store.UpdateOrganisation(ctx, o); err != nil {
		return Organisation{}, saveError(err, "organisation", id, version, organisationTaken(in))
	}
	o.Version++
	return o, nil
}

// Organisation returns an organisation to anyone: place information is public.
func (s *Service) Organisation(ctx context.Context, a Actor, id ID) (Organisation, error) {
	o, err := s.store.Organisation(ctx, id)
	if err != nil {
		return Organisation{}, notFound(err, "organisation", id)
	}
	return o, nil
}

// Organisations lists organisations to anyone: place information is public.
// A given OrgNumber must be a valid organisation number (spaces aside).
func (s *Service) Organisations(ctx context.Context, a Actor, f OrganisationFilter) (Page[Organisation], error) {
	f.OrgNumber = normaliseOrgNumber(f.OrgNumber)
	var v ValidationError
	if f.OrgNumber != "" && !ValidOrgNumber(f.OrgNumber) {
		v.Add("orgNumber", "orgnr", msgOrgNumber)
	}
	if err := validateAll(v.Err(), f.Page.Check()); err != nil {
		return Page[Organisation]{}, err
	}
	return s.store.Organisations(ctx, f)
}
