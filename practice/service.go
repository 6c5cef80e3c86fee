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

// Actor returns the actor for a person, with the rights and roles stored for
// them. It returns ErrNotFound if there is no such person.
func (s *Service) Actor(ctx context.Context, personID ID) (Actor, error) {
	if _, err := s.store.Person(ctx, personID); err != nil {
		return Actor{}, fmt.Errorf("actor: person %s: %w", personID, err)
	}
	return s.actorOf(ctx, personID)
}

// ActorByNationalID returns the actor for the person with a national identity
// number, as a login through ID-porten finds them. It returns ErrNotFound if
// nobody has that number.
func (s *Service) ActorByNationalID(ctx context.Context, n NationalID) (Actor, error) {
	p, err := s.store.PersonByNationalID(ctx, n)
	if err != nil {
		return Actor{}, fmt.Errorf("actor: person by national identity number: %w", err)
	}
	return s.actorOf(ctx, p.ID)
}

func (s *Service) actorOf(ctx context.Context, personID ID) (Actor, error) {
	ms, err := s.store.Memberships(ctx, MembershipFilter{PersonID: personID})
	if err != nil {
		return Actor{}, fmt.Errorf("actor: memberships: %w", err)
	}
	staff, err := s.store.StaffRoles(ctx, StaffFilter{PersonID: personID})
	if err != nil {
		return Actor{}, fmt.Errorf("actor: staff roles: %w", err)
	}
	return NewActor(personID, ms, staff), nil
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
		return Institution{}, explainConflict(fmt.Errorf("create institution %q: %w", in.Code, err), false, 0,
			"the code "+in.Code+" belongs to another institution")
	}
	return inst, nil
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
		return Institution{}, fmt.Errorf("institution %s: %w", id, err)
	}
	inst.Name, inst.Code, inst.Version, inst.UpdatedAt = in.Name, in.Code, version, s.now()
	if err := s.store.UpdateInstitution(ctx, inst); err != nil {
		cur, _ := s.store.Institution(ctx, id)
		return Institution{}, explainConflict(fmt.Errorf("update institution %s: %w", id, err), cur.Version != version, version,
			"the code "+in.Code+" belongs to another institution")
	}
	inst.Version++
	return inst, nil
}

// Institution returns a study site to anyone: place information is public.
func (s *Service) Institution(ctx context.Context, a Actor, id ID) (Institution, error) {
	inst, err := s.store.Institution(ctx, id)
	if err != nil {
		return Institution{}, fmt.Errorf("institution %s: %w", id, err)
	}
	return inst, nil
}

// Institutions lists the study sites to anyone: place information is public.
func (s *Service) Institutions(ctx context.Context, a Actor) ([]Institution, error) {
	return s.store.Institutions(ctx)
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
		return Organisation{}, explainConflict(fmt.Errorf("create organisation %s: %w", in.OrgNumber, err), false, 0,
			"the organisation number "+in.OrgNumber+" belongs to another organisation")
	}
	return o, nil
}

func normaliseOrganisation(in OrganisationInput) OrganisationInput {
	in.Name = strings.TrimSpace(in.Name)
	in.OrgNumber = strings.Join(strings.Fields(in.OrgNumber), "")
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
		return Organisation{}, fmt.Errorf("organisation %s: %w", id, err)
	}
	o.Name, o.OrgNumber, o.Version, o.UpdatedAt = in.Name, in.OrgNumber, version, s.now()
	if err := s.store.UpdateOrganisation(ctx, o); err != nil {
		cur, _ := s.store.Organisation(ctx, id)
		return Organisation{}, explainConflict(fmt.Errorf("update organisation %s: %w", id, err), cur.Version != version, version,
			"the organisation number "+in.OrgNumber+" belongs to another organisation")
	}
	o.Version++
	return o, nil
}

// Organisation returns an organisation to anyone: place information is public.
func (s *Service) Organisation(ctx context.Context, a Actor, id ID) (Organisation, error) {
	o, err := s.store.Organisation(ctx, id)
	if err != nil {
		return Organisation{}, fmt.Errorf("organisation %s: %w", id, err)
	}
	return o, nil
}

// Organisations lists organisations to anyone: place information is public.
func (s *Service) Organisations(ctx context.Context, a Actor, f OrganisationFilter) ([]Organisation, error) {
	return s.store.Organisations(ctx, f)
}

// explainConflict tells a store's ErrConflict in the domain's words (a
// store's message may name tables and constraints): a stale version if
// stale, else taken. Other errors are returned as they are.
func explainConflict(err error, stale bool, readVersion int, taken string) error {
	switch {
	case !errors.Is(err, ErrConflict):
		return err
	case stale:
		return fmt.Errorf("%w: it changed since version %d was read", ErrConflict, readVersion)
	}
	return fmt.Errorf("%w: %s", ErrConflict, taken)
}

// validateAll joins the validation errors of several checks into one.
func validateAll(errs ...error) error {
	var all ValidationError
	for _, err := range errs {
		if v, ok := err.(*ValidationError); ok {
			all.Fields = append(all.Fields, v.Fields...)
		} else if err != nil {
			return err
		}
	}
	return all.Err()
}
