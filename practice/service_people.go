package practice

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

func normalisePerson(name, email, phone string, pr Profile) (string, string, string, Profile) {
	trim := func(xs []string) []string {
		for i := range xs {
			xs[i] = strings.TrimSpace(xs[i])
		}
		return xs
	}
	pr.Teaches, pr.Supervises = trim(pr.Teaches), trim(pr.Supervises)
	return strings.TrimSpace(name), strings.ToLower(strings.TrimSpace(email)), strings.TrimSpace(phone), pr
}

// CreatePerson adds a person. Study site practice administrators and site
// administrators may. A taken e-mail or national identity number is
// ErrConflict.
func (s *Service) CreatePerson(ctx context.Context, a Actor, in PersonInput) (Person, error) {
	if err := a.CanAddPerson(); err != nil {
		return Person{}, err
	}
	p, err := s.newPerson(in)
	if err != nil {
		return Person{}, err
	}
	if err := s.store.CreatePerson(ctx, p); err != nil {
		return Person{}, s.personConflict(ctx, fmt.Errorf("create person: %w", err), p)
	}
	return p, nil
}

// personConflict explains a store's ErrConflict on saving p by the domain's
// own words (a store's message may name tables and constraints): a stale
// version, a taken e-mail or a taken national identity number. The number
// itself is never named. Other errors are returned as they are.
func (s *Service) personConflict(ctx context.Context, err error, p Person) error {
	if !errors.Is(err, ErrConflict) {
		return err
	}
	if p.Version > 1 {
		if cur, gerr := s.store.Person(ctx, p.ID); gerr == nil && cur.Version != p.Version-1 {
			return explainConflict(err, true, p.Version-1, "")
		}
	}
	if others, lerr := s.store.People(ctx, PeopleFilter{Email: p.Email}); lerr == nil {
		for _, o := range others {
			if o.ID != p.ID {
				return explainConflict(err, false, 0, "the e-mail "+p.Email+" belongs to another person")
			}
		}
	}
	return explainConflict(err, false, 0, "the national identity number belongs to another person")
}

func (s *Service) newPerson(in PersonInput) (Person, error) {
	in.Name, in.Email, in.Phone, in.Profile = normalisePerson(in.Name, in.Email, in.Phone, in.Profile)
	if err := Validate(in); err != nil {
		return Person{}, err
	}
	now := s.now()
	return Person{ID: s.newID(), Name: in.Name, Email: in.Email, Phone: in.Phone, NationalID: in.NationalID,
		Profile: in.Profile, Version: 1, CreatedAt: now, UpdatedAt: now}, nil
}

// AddMember adds a new person with a right at an organisation, in one
// transaction. The organisation's site administrators and study site
// practice administrators may.
func (s *Service) AddMember(ctx context.Context, a Actor, organisationID ID, in PersonInput, r Right) (Member, error) {
	if err := a.CanManageMembers(organisationID); err != nil {
		return Member{}, err
	}
	p, err := s.newPerson(in)
	if err := validateAll(err, checkRight(r)); err != nil {
		return Member{}, err
	}
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		if _, err := s.store.Organisation(ctx, organisationID); err != nil {
			return fmt.Errorf("organisation %s: %w", organisationID, err)
		}
		if err := s.store.CreatePerson(ctx, p); err != nil {
			return fmt.Errorf("create person: %w", err)
		}
		return s.store.PutMembership(ctx, Membership{OrganisationID: organisationID, PersonID: p.ID, Right: r})
	})
	if err != nil {
		return Member{}, s.personConflict(ctx, err, p)
	}
	return Member{Person: p, Right: r}, nil
}

func checkRole(role StaffRole) error {
	if !role.Valid() {
		return Invalid("role", "oneof", "must be one of: administrator, teacher")
	}
	return nil
}

func checkRight(r Right) error {
	if !r.Valid() {
		return Invalid("right", "oneof", "must be one of: admin, write, read")
	}
	return nil
}

// UpdatePerson edits a person's contact details and profile; version is the
// version the caller read. A person with write right may edit their own
// profile; an administrator of one of their organisations, or a study site
// practice administrator, may edit it too.
func (s *Service) UpdatePerson(ctx context.Context, a Actor, id ID, version int, in PersonUpdate) (Person, error) {
	ms, err := s.store.Memberships(ctx, MembershipFilter{PersonID: id})
	if err != nil {
		return Person{}, fmt.Errorf("memberships: %w", err)
	}
	staff, err := s.store.StaffRoles(ctx, StaffFilter{PersonID: id})
	if err != nil {
		return Person{}, fmt.Errorf("staff roles: %w", err)
	}
	if err := a.CanEditPerson(id, ms, staff); err != nil {
		return Person{}, err
	}
	in.Name, in.Email, in.Phone, in.Profile = normalisePerson(in.Name, in.Email, in.Phone, in.Profile)
	if err := validateAll(Validate(in), checkVersion(version)); err != nil {
		return Person{}, err
	}
	p, err := s.store.Person(ctx, id)
	if err != nil {
		return Person{}, fmt.Errorf("person %s: %w", id, err)
	}
	p.Name, p.Email, p.Phone, p.Profile = in.Name, in.Email, in.Phone, in.Profile
	p.Version, p.UpdatedAt = version, s.now()
	if err := s.store.UpdatePerson(ctx, p); err != nil {
		p.Version++
		return Person{}, s.personConflict(ctx, fmt.Errorf("update person %s: %w", id, err), p)
	}
	p.Version++
	return p, nil
}

// Person returns a person to themselves, to the people of their
// organisations and to study site staff.
func (s *Service) Person(ctx context.Context, a Actor, id ID) (Person, error) {
	ms, err := s.store.Memberships(ctx, MembershipFilter{PersonID: id})
	if err != nil {
		return Person{}, fmt.Errorf("memberships: %w", err)
	}
	if err := a.CanSeePerson(id, ms); err != nil {
		return Person{}, err
	}
	p, err := s.store.Person(ctx, id)
	if err != nil {
		return Person{}, fmt.Errorf("person %s: %w", id, err)
	}
	return p, nil
}

// PersonMemberships returns a person's rights, to those who may see the
// person.
func (s *Service) PersonMemberships(ctx context.Context, a Actor, id ID) ([]Membership, error) {
	ms, err := s.store.Memberships(ctx, MembershipFilter{PersonID: id})
	if err != nil {
		return nil, fmt.Errorf("memberships: %w", err)
	}
	if err := a.CanSeePerson(id, ms); err != nil {
		return nil, err
	}
	return ms, nil
}

// Members returns the people with a right at an organisation, ordered by
// name, to the organisation's own users and to study site staff.
func (s *Service) Members(ctx context.Context, a Actor, organisationID ID) ([]Member, error) {
	if err := a.CanSeeMembers(organisationID); err != nil {
		return nil, err
	}
	if _, err := s.store.Organisation(ctx, organisationID); err != nil {
		return nil, fmt.Errorf("organisation %s: %w", organisationID, err)
	}
	people, err := s.store.People(ctx, PeopleFilter{OrganisationID: organisationID})
	if err != nil {
		return nil, fmt.Errorf("people: %w", err)
	}
	ms, err := s.store.Memberships(ctx, MembershipFilter{OrganisationID: organisationID})
	if err != nil {
		return nil, fmt.Errorf("memberships: %w", err)
	}
	rights := make(map[ID]Right, len(ms))
	for _, m := range ms {
		rights[m.PersonID] = m.Right
	}
	out := make([]Member, 0, len(people))
	for _, p := range people {
		if r, ok := rights[p.ID]; ok { // not revoked between the two reads
			out = append(out, Member{Person: p, Right: r})
		}
	}
	return out, nil
}

// Grant gives an existing person a right at an organisation, replacing the
// right they had there. Study site practice administrators may grant anyone;
// the organisation's site administrators may change the rights of the
// site's own people (see [Actor.CanGrant]). An organisation that has a site
// administrator keeps at least one: taking Admin from the last is refused.
func (s *Service) Grant(ctx context.Context, a Actor, organisationID, personID ID, r Right) (Membership, error) {
	if err := a.CanManageMembers(organisationID); err != nil {
		return Membership{}, err
	}
	if err := checkRight(r); err != nil {
		return Membership{}, err
	}
	m := Membership{OrganisationID: organisationID, PersonID: personID, Right: r}
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		cur, err := s.store.Memberships(ctx, MembershipFilter{OrganisationID: organisationID, PersonID: personID})
		if err != nil {
			return fmt.Errorf("memberships: %w", err)
		}
		var current Right
		if len(cur) > 0 {
			current = cur[0].Right
		}
		if err := a.CanGrant(organisationID, current); err != nil {
			return err
		}
		if r != Admin {
			if err := s.keepAnAdmin(ctx, organisationID, personID, "right"); err != nil {
				return err
			}
		}
		return s.store.PutMembership(ctx, m)
	})
	if err != nil {
		return Membership{}, fmt.Errorf("grant %s at organisation %s to person %s: %w", r, organisationID, personID, err)
	}
	return m, nil
}

// Revoke removes a person's right at an organisation. The organisation's
// site administrators and study site practice administrators may; the last
// site administrator cannot be removed.
func (s *Service) Revoke(ctx context.Context, a Actor, organisationID, personID ID) error {
	if err := a.CanManageMembers(organisationID); err != nil {
		return err
	}
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.keepAnAdmin(ctx, organisationID, personID, "personId"); err != nil {
			return err
		}
		return s.store.DeleteMembership(ctx, organisationID, personID)
	})
	if err != nil {
		return fmt.Errorf("revoke right at organisation %s from person %s: %w", organisationID, personID, err)
	}
	return nil
}

// keepAnAdmin refuses, as an error on field, to take Admin from the
// organisation's last site administrator. It locks the organisation so that
// two administrators cannot demote each other at once.
func (s *Service) keepAnAdmin(ctx context.Context, organisationID, personID ID, field string) error {
	if err := s.store.LockOrganisation(ctx, organisationID); err != nil {
		return fmt.Errorf("organisation %s: %w", organisationID, err)
	}
	ms, err := s.store.Memberships(ctx, MembershipFilter{OrganisationID: organisationID})
	if err != nil {
		return fmt.Errorf("memberships: %w", err)
	}
	lastAdmin := false
	for _, m := range ms {
		if m.Right == Admin {
			if m.PersonID != personID {
				return nil
			}
			lastAdmin = true
		}
	}
	if lastAdmin {
		return Invalid(field, "last-admin", "the organisation must keep a site administrator: make someone else admin first")
	}
	return nil
}

// AssignRole gives a person a staff role at a study site. The site's
// practice administrators may.
func (s *Service) AssignRole(ctx context.Context, a Actor, institutionID, personID ID, role StaffRole) (StaffMembership, error) {
	if err := a.CanManageInstitution(institutionID); err != nil {
		return StaffMembership{}, err
	}
	if err := checkRole(role); err != nil {
		return StaffMembership{}, err
	}
	sm := StaffMembership{InstitutionID: institutionID, PersonID: personID, Role: role}
	if err := s.store.PutStaffRole(ctx, sm); err != nil {
		return StaffMembership{}, fmt.Errorf("assign %s at institution %s to person %s: %w", role, institutionID, personID, err)
	}
	return sm, nil
}

// RemoveRole takes a staff role from a person. The site's practice
// administrators may.
func (s *Service) RemoveRole(ctx context.Context, a Actor, institutionID, personID ID, role StaffRole) error {
	if err := a.CanManageInstitution(institutionID); err != nil {
		return err
	}
	if err := checkRole(role); err != nil {
		return err
	}
	sm := StaffMembership{InstitutionID: institutionID, PersonID: personID, Role: role}
	if err := s.store.DeleteStaffRole(ctx, sm); err != nil {
		return fmt.Errorf("remove %s at institution %s from person %s: %w", role, institutionID, personID, err)
	}
	return nil
}

// Staff returns a study site's staff roles to its own staff.
func (s *Service) Staff(ctx context.Context, a Actor, institutionID ID) ([]StaffMembership, error) {
	if err := a.CanSeeStaff(institutionID); err != nil {
		return nil, err
	}
	return s.store.StaffRoles(ctx, StaffFilter{InstitutionID: institutionID})
}
