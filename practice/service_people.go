package practice

import (
	"context"
	"errors"
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
	return strings.TrimSpace(name), EmailKey(email), strings.TrimSpace(phone), pr
}

// personTaken says whose a person's taken unique values are, without
// quoting them.
func personTaken(Person) map[string]string {
	return map[string]string{
		"email":      "the e-mail belongs to another person",
		"nationalId": "the national identity number belongs to another person",
	}
}

// CreatePerson adds a person. Study site practice administrators (and the
// system) may; a site's administrators invite people instead. A taken e-mail or national identity number is
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
		return Person{}, saveError(err, "person", p.ID, 0, personTaken(p))
	}
	return shown(p, true), nil
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

// shown returns p as a reader sees it: with HasNationalID set, and the
// national identity number itself only if visible.
func shown(p Person, visible bool) Person {
	p.HasNationalID = !p.NationalID.IsZero()
	if !visible {
		p.NationalID = NationalID{}
	}
	return p
}

// AddMember adds a new person with a right at an organisation, in one
// transaction. Only study site practice administrators (and the system) may:
// a site's administrators add their colleagues by invitation (package
// invite), which never tells them whether someone is registered elsewhere.
func (s *Service) AddMember(ctx context.Context, a Actor, organisationID ID, in PersonInput, r Right) (Member, error) {
	if err := a.CanAddPerson(); err != nil {
		return Member{}, err
	}
	p, err := s.newPerson(in)
	if err := validateAll(err, r.Check()); err != nil {
		return Member{}, err
	}
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.lockRights(ctx, organisationID); err != nil {
			return err
		}
		if err := s.store.CreatePerson(ctx, p); err != nil {
			return saveError(err, "person", p.ID, 0, personTaken(p))
		}
		m := Membership{OrganisationID: organisationID, PersonID: p.ID, Right: r}
		if err := s.store.PutMembership(ctx, m); err != nil {
			return err
		}
		return s.auditRight(ctx, a, m, "")
	})
	if err != nil {
		return Member{}, err
	}
	return Member{Person: shown(p, true), Right: r}, nil
}

// UpdatePerson edits a person's contact details and profile; version is the
// version the caller read. A person with write right may edit their own
// profile; an administrator of one of their organisations, or a study site
// practice administrator, may edit it too.
func (s *Service) UpdatePerson(ctx context.Context, a Actor, id ID, version int, in PersonUpdate) (Person, error) {
	var p Person
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		ms, staff, err := s.rightsOf(ctx, id)
		if err != nil {
			return err
		}
		if err := a.CanEditPerson(id, ms, staff); err != nil {
			return err
		}
		in.Name, in.Email, in.Phone, in.Profile = normalisePerson(in.Name, in.Email, in.Phone, in.Profile)
		if err := validateAll(Validate(in), checkVersion(version)); err != nil {
			return err
		}
		if p, err = s.store.Person(ctx, id); err != nil {
			return notFound(err, "person", id)
		}
		p.Name, p.Email, p.Phone, p.Profile = in.Name, in.Email, in.Phone, in.Profile
		p.Version, p.UpdatedAt = version, s.now()
		if err := s.store.UpdatePerson(ctx, p); err != nil {
			return saveError(err, "person", id, version, personTaken(p))
		}
		p.Version++
		p = shown(p, a.CanSeeNationalID(id, ms, staff))
		return nil
	})
	if err != nil {
		return Person{}, err
	}
	return p, nil
}

// Person returns a person to themselves, to the people of their
// organisations and to study site staff. The national identity number is
// shown only to those [Actor.CanSeeNationalID] allows; the others learn
// only whether one is registered.
func (s *Service) Person(ctx context.Context, a Actor, id ID) (Person, error) {
	var p Person
	err := s.store.InSnapshot(ctx, func(ctx context.Context) error {
		ms, staff, err := s.rightsOf(ctx, id)
		if err != nil {
			return err
		}
		if err := a.CanSeePerson(id, ms); err != nil {
			return err
		}
		if p, err = s.store.Person(ctx, id); err != nil {
			return notFound(err, "person", id)
		}
		p = shown(p, a.CanSeeNationalID(id, ms, staff))
		return nil
	})
	return p, err
}

// PersonMemberships returns a person's rights, ordered by organisation ID,
// to those who may see the person: only the rights at organisations whose
// people the reader may see (see [Actor.CanSeeMembers]).
func (s *Service) PersonMemberships(ctx context.Context, a Actor, id ID) ([]Membership, error) {
	ms, err := All(func(p PageRequest) (Page[Membership], error) {
		return s.store.Memberships(ctx, MembershipFilter{PersonID: id, Page: p})
	})
	if err != nil {
		return nil, err
	}
	if err := a.CanSeePerson(id, ms); err != nil {
		return nil, err
	}
	out := []Membership{}
	for _, m := range ms {
		if a.PersonID == id && id != NilID || a.CanSeeMembers(m.OrganisationID) == nil {
			out = append(out, m)
		}
	}
	return out, nil
}

// SearchPeople lists the people f selects (by organisation, e-mail or a
// query matched against name and e-mail, see [SearchKey]), ordered by name,
// to study site staff. A search never shows national identity numbers, only
// whether one is registered; read the person for more.
func (s *Service) SearchPeople(ctx context.Context, a Actor, f PeopleFilter) (Page[Person], error) {
	if err := a.CanSearchPeople(); err != nil {
		return Page[Person]{}, err
	}
	f.Email = strings.TrimSpace(f.Email)
	var v ValidationError
	checkLookup(&v, "q", f.Query, 200)
	checkLookup(&v, "email", f.Email, 254)
	if err := validateAll(v.Err(), f.Page.Check()); err != nil {
		return Page[Person]{}, err
	}
	page, err := s.store.People(ctx, f)
	if err != nil {
		return Page[Person]{}, err
	}
	for i, p := range page.Items {
		page.Items[i] = shown(p, a.IsSystem() || a.PersonID == p.ID)
	}
	return page, nil
}

// Members returns one page of the people with a right at an organisation,
// ordered by name, to the organisation's own users and to study site staff.
// The organisation's administrators see members' national identity
// numbers; others see only whether one is registered.
func (s *Service) Members(ctx context.Context, a Actor, organisationID ID, page PageRequest) (Page[Member], error) {
	if err := a.CanSeeMembers(organisationID); err != nil {
		return Page[Member]{}, err
	}
	if err := page.Check(); err != nil {
		return Page[Member]{}, err
	}
	var out Page[Member]
	err := s.store.InSnapshot(ctx, func(ctx context.Context) error {
		if _, err := s.store.Organisation(ctx, organisationID); err != nil {
			return notFound(err, "organisation", organisationID)
		}
		people, err := s.store.People(ctx, PeopleFilter{OrganisationID: organisationID, Page: page})
		if err != nil {
			return err
		}
		ms, err := All(func(p PageRequest) (Page[Membership], error) {
			return s.store.Memberships(ctx, MembershipFilter{OrganisationID: organisationID, Page: p})
		})
		if err != nil {
			return err
		}
		rights := make(map[ID]Right, len(ms))
		for _, m := range ms {
			rights[m.PersonID] = m.Right
		}
		here := []Membership{{OrganisationID: organisationID}}
		out = Page[Member]{Items: make([]Member, 0, len(people.Items)), Next: people.Next}
		for _, p := range people.Items {
			out.Items = append(out.Items, Member{Person: shown(p, a.CanSeeNationalID(p.ID, here, nil)), Right: rights[p.ID]})
		}
		return nil
	})
	return out, err
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
	if err := r.Check(); err != nil {
		return Membership{}, err
	}
	m := Membership{OrganisationID: organisationID, PersonID: personID, Right: r}
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.lockRights(ctx, organisationID); err != nil {
			return err
		}
		cur, err := s.store.Memberships(ctx, MembershipFilter{OrganisationID: organisationID, PersonID: personID})
		if err != nil {
			return err
		}
		var current Right
		if len(cur.Items) > 0 {
			current = cur.Items[0].Right
		}
		if err := a.CanGrant(organisationID, current); err != nil {
			return err
		}
		if current == "" {
			if _, err := s.store.Person(ctx, personID); err != nil {
				return notFound(err, "person", personID)
			}
		}
		if r != Admin {
			if err := s.keepAnAdmin(ctx, organisationID, personID, "right"); err != nil {
				return err
			}
		}
		if r == current {
			return nil
		}
		if err := s.store.PutMembership(ctx, m); err != nil {
			return err
		}
		return s.auditRight(ctx, a, m, current)
	})
	if err != nil {
		return Membership{}, err
	}
	return m, nil
}

// Revoke deactivates a person at an organisation: it removes their right
// there, and the audit trail keeps what it was. The organisation's site
// administrators and study site practice administrators may; the last site
// administrator cannot be removed.
func (s *Service) Revoke(ctx context.Context, a Actor, organisationID, personID ID) error {
	if err := a.CanManageMembers(organisationID); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.lockRights(ctx, organisationID); err != nil {
			return err
		}
		cur, err := s.store.Memberships(ctx, MembershipFilter{OrganisationID: organisationID, PersonID: personID})
		if err != nil {
			return err
		}
		if len(cur.Items) == 0 {
			return &Error{Code: ErrNotFound, Message: "the person " + personID.String() + " has no right at the organisation"}
		}
		if err := s.keepAnAdmin(ctx, organisationID, personID, "personId"); err != nil {
			return err
		}
		if err := s.store.DeleteMembership(ctx, organisationID, personID); err != nil {
			return err
		}
		return s.auditRight(ctx, a, Membership{OrganisationID: organisationID, PersonID: personID}, cur.Items[0].Right)
	})
}

// auditRight records in the audit trail, in the transaction of ctx, that a
// changed a person's right (see [RightChange]).
func (s *Service) auditRight(ctx context.Context, a Actor, m Membership, before Right) error {
	return s.store.AddAudit(ctx, RightChange(s.newID(), s.now(), a.PersonID, m, before))
}

// Audit returns the audit trail of an organisation, oldest first: every
// change of rights and every invitation event there. The organisation's
// site administrators and study site practice administrators may read it.
func (s *Service) Audit(ctx context.Context, a Actor, organisationID ID, page PageRequest) (Page[AuditEntry], error) {
	if err := a.CanReadAudit(organisationID); err != nil {
		return Page[AuditEntry]{}, err
	}
	if err := page.Check(); err != nil {
		return Page[AuditEntry]{}, err
	}
	var out Page[AuditEntry]
	err := s.store.InSnapshot(ctx, func(ctx context.Context) error {
		if _, err := s.store.Organisation(ctx, organisationID); err != nil {
			return notFound(err, "organisation", organisationID)
		}
		var err error
		out, err = s.store.AuditEntries(ctx, AuditFilter{OrganisationID: organisationID, Page: page})
		return err
	})
	return out, err
}

// lockRights locks the rights at an organisation for the transaction of
// ctx, so that two administrators cannot demote each other at once, and
// checks that the organisation exists.
func (s *Service) lockRights(ctx context.Context, organisationID ID) error {
	if err := s.store.Lock(ctx, LockRights, organisationID); err != nil {
		return err
	}
	if _, err := s.store.Organisation(ctx, organisationID); err != nil {
		return notFound(err, "organisation", organisationID)
	}
	return nil
}

// keepAnAdmin refuses, as an error on field, to take Admin from the
// organisation's last site administrator. Call it under lockRights.
func (s *Service) keepAnAdmin(ctx context.Context, organisationID, personID ID, field string) error {
	admins, err := s.store.Memberships(ctx, MembershipFilter{OrganisationID: organisationID, Right: Admin, Page: PageRequest{Limit: 2}})
	if err != nil {
		return err
	}
	if len(admins.Items) == 1 && admins.Items[0].PersonID == personID {
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
	if err := role.Check(); err != nil {
		return StaffMembership{}, err
	}
	sm := StaffMembership{InstitutionID: institutionID, PersonID: personID, Role: role}
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		if _, err := s.store.Institution(ctx, institutionID); err != nil {
			return notFound(err, "institution", institutionID)
		}
		if _, err := s.store.Person(ctx, personID); err != nil {
			return notFound(err, "person", personID)
		}
		return s.store.PutStaffRole(ctx, sm)
	})
	if err != nil {
		return StaffMembership{}, err
	}
	return sm, nil
}

// RemoveRole takes a staff role from a person. The site's practice
// administrators may; a study site keeps at least one practice
// administrator.
func (s *Service) RemoveRole(ctx context.Context, a Actor, institutionID, personID ID, role StaffRole) error {
	if err := a.CanManageInstitution(institutionID); err != nil {
		return err
	}
	if err := role.Check(); err != nil {
		return err
	}
	sm := StaffMembership{InstitutionID: institutionID, PersonID: personID, Role: role}
	return s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.Lock(ctx, LockRights, institutionID); err != nil {
			return err
		}
		if role == Administrator {
			admins, err := s.store.StaffRoles(ctx, StaffFilter{InstitutionID: institutionID, Role: Administrator, Page: PageRequest{Limit: 2}})
			if err != nil {
				return err
			}
			if len(admins.Items) == 1 && admins.Items[0].PersonID == personID {
				return Invalid("role", "last-admin", "the institution must keep a practice administrator: make someone else administrator first")
			}
		}
		err := s.store.DeleteStaffRole(ctx, sm)
		if errors.Is(err, ErrNotFound) {
			return &Error{Code: ErrNotFound, Message: "the person " + personID.String() + " is not " + string(role) + " at the institution", Err: err}
		}
		return err
	})
}

// Staff returns one page of a study site's staff roles, ordered by person
// ID and role, to its own staff.
func (s *Service) Staff(ctx context.Context, a Actor, institutionID ID, page PageRequest) (Page[StaffMembership], error) {
	if err := a.CanSeeStaff(institutionID); err != nil {
		return Page[StaffMembership]{}, err
	}
	if err := page.Check(); err != nil {
		return Page[StaffMembership]{}, err
	}
	return s.store.StaffRoles(ctx, StaffFilter{InstitutionID: institutionID, Page: page})
}
