package practice

import (
	"cmp"
	"slices"
)

// Actor is who is acting: a person with the rights and staff roles they hold,
// or the system itself. Every service method takes an Actor and checks it.
// Build one with [Service.Actor] (which reads the rights from the store), or
// with [NewActor] where the caller already has them. The zero Actor may do
// nothing.
type Actor struct {
	// PersonID is the acting person, or NilID for the system and for
	// nobody (an anonymous request).
	PersonID ID
	system   bool
	rights   map[ID]Right
	staff    map[ID][]StaffRole
}

// SystemActor returns the actor for the system itself: start-up tasks such as
// loading demo data, and operators' tools. It may do everything; never hand
// it to a request from a user.
func SystemActor() Actor { return Actor{system: true} }

// NewActor returns the actor for a person holding the given memberships and
// staff roles. Memberships and roles of other people are ignored.
func NewActor(personID ID, ms []Membership, staff []StaffMembership) Actor {
	a := Actor{PersonID: personID, rights: map[ID]Right{}, staff: map[ID][]StaffRole{}}
	for _, m := range ms {
		if m.PersonID == personID {
			a.rights[m.OrganisationID] = m.Right
		}
	}
	for _, s := range staff {
		if s.PersonID == personID {
			a.staff[s.InstitutionID] = append(a.staff[s.InstitutionID], s.Role)
		}
	}
	return a
}

// IsSystem reports whether a is the system actor.
func (a Actor) IsSystem() bool { return a.system }

// Memberships returns a's rights, ordered by organisation ID.
func (a Actor) Memberships() []Membership {
	out := make([]Membership, 0, len(a.rights))
	for org, r := range a.rights {
		out = append(out, Membership{OrganisationID: org, PersonID: a.PersonID, Right: r})
	}
	slices.SortFunc(out, func(x, y Membership) int { return compareIDs(x.OrganisationID, y.OrganisationID) })
	return out
}

// StaffRoles returns a's staff roles, ordered by institution ID, then role.
func (a Actor) StaffRoles() []StaffMembership {
	var out []StaffMembership
	for inst, roles := range a.staff {
		for _, r := range roles {
			out = append(out, StaffMembership{InstitutionID: inst, PersonID: a.PersonID, Role: r})
		}
	}
	slices.SortFunc(out, func(x, y StaffMembership) int {
		return cmp.Or(compareIDs(x.InstitutionID, y.InstitutionID), cmp.Compare(x.Role, y.Role))
	})
	return out
}

// Right returns a's right at an organisation, or "" if a has none.
func (a Actor) Right(organisationID ID) Right { return a.rights[organisationID] }

// Has reports whether a holds at least right r at an organisation.
func (a Actor) Has(organisationID ID, r Right) bool {
	return a.system || a.rights[organisationID].Includes(r)
}

// HasRole reports whether a holds a staff role at an institution.
func (a Actor) HasRole(institutionID ID, role StaffRole) bool {
	if a.system {
		return true
	}
	for _, r := range a.staff[institutionID] {
		if r == role {
			return true
		}
	}
	return false
}

// StudySiteAdministrator reports whether a is a practice administrator at any
// study site (or the system).
func (a Actor) StudySiteAdministrator() bool {
	if a.system {
		return true
	}
	for inst := range a.staff {
		if a.HasRole(inst, Administrator) {
			return true
		}
	}
	return false
}

// studySiteStaff reports whether a holds any staff role anywhere.
func (a Actor) studySiteStaff() bool { return a.system || len(a.staff) > 0 }

// sharesOrganisation reports whether a holds a right at one of the
// organisations of ms.
func (a Actor) sharesOrganisation(ms []Membership) bool {
	for _, m := range ms {
		if a.Has(m.OrganisationID, Read) {
			return true
		}
	}
	return false
}

// adminOfAll reports whether a is Admin at every organisation of ms.
func (a Actor) adminOfAll(ms []Membership) bool {
	for _, m := range ms {
		if !a.Has(m.OrganisationID, Admin) {
			return false
		}
	}
	return true
}

// The permission checks. Each returns nil or an *Error with code
// ErrForbidden that says what was refused.

// CanCreateInstitution allows only the system to create study sites.
func (a Actor) CanCreateInstitution() error {
	if a.system {
		return nil
	}
	return forbidden("only the system may create institutions")
}

// CanManageInstitution allows the study site's practice administrators to
// edit it and its staff.
func (a Actor) CanManageInstitution(institutionID ID) error {
	if a.HasRole(institutionID, Administrator) {
		return nil
	}
	return forbidden("only the institution's practice administrators may change it or its staff")
}

// CanManageStructure allows any study site's practice administrator to
// maintain organisations and their place structures, as study sites do.
func (a Actor) CanManageStructure() error {
	if a.StudySiteAdministrator() {
		return nil
	}
	return forbidden("only a study site's practice administrator may change organisations and place structures")
}

// CanEditPresentation allows the organisation's site administrators and the
// study sites' practice administrators to edit place information.
func (a Actor) CanEditPresentation(organisationID ID) error {
	if a.Has(organisationID, Admin) || a.StudySiteAdministrator() {
		return nil
	}
	return forbidden("only the site's administrators may edit place information")
}

// CanManageMembers allows the organisation's site administrators to manage
// their colleagues' rights, and a study site's practice administrator too
// (it appoints the first site administrator).
func (a Actor) CanManageMembers(organisationID ID) error {
	if a.Has(organisationID, Admin) || a.StudySiteAdministrator() {
		return nil
	}
	return forbidden("only the site's administrators may manage its users and rights")
}

// CanSeeMembers allows anyone with a right at the organisation, and study
// site staff, to see its people.
func (a Actor) CanSeeMembers(organisationID ID) error {
	if a.Has(organisationID, Read) || a.studySiteStaff() {
		return nil
	}
	return forbidden("only the site's own users and study site staff may see its people")
}

// CanAddPerson allows study site practice administrators to add people
// directly, with or without a national identity number. A site's
// administrators invite people instead, so that adding someone never
// tells them whether that person is registered elsewhere.
func (a Actor) CanAddPerson() error {
	if a.StudySiteAdministrator() {
		return nil
	}
	return forbidden("only a study site's practice administrators add people directly; a site's administrators invite them")
}

// CanReadAudit allows the organisation's site administrators and study
// site practice administrators to read its audit trail.
func (a Actor) CanReadAudit(organisationID ID) error {
	if a.Has(organisationID, Admin) || a.StudySiteAdministrator() {
		return nil
	}
	return forbidden("only the site's administrators and study site practice administrators may read its audit trail")
}

// CanSeePerson allows the person themselves, anyone sharing an organisation
// with them, and study site staff to see a person. ms are the person's
// memberships.
func (a Actor) CanSeePerson(personID ID, ms []Membership) error {
	if a.PersonID == personID && personID != NilID || a.studySiteStaff() || a.sharesOrganisation(ms) {
		return nil
	}
	return forbidden("you may see only yourself and the people of your own organisations")
}

// CanEditPerson allows a person with write right (or a staff role) to edit
// their own profile, and study site administrators to edit anyone. A site
// administrator may edit a colleague whose every organisation they
// administer and who holds no staff role, so that no site can change the
// contact details another site or a study site relies on. ms and staff are
// the person's memberships and staff roles.
func (a Actor) CanEditPerson(personID ID, ms []Membership, staff []StaffMembership) error {
	if a.StudySiteAdministrator() {
		return nil
	}
	if a.PersonID == personID && personID != NilID {
		for _, r := range a.rights {
			if r.Includes(Write) {
				return nil
			}
		}
		if a.studySiteStaff() {
			return nil
		}
		return forbidden("editing your own profile needs write right")
	}
	if len(ms) > 0 && len(staff) == 0 && a.adminOfAll(ms) {
		return nil
	}
	return forbidden("only the person, with write right, and the administrators of all their organisations may edit a profile")
}

// CanGrant allows a study site's practice administrator to give anyone a
// right at an organisation, and the organisation's site administrators to
// change the right of someone who already has one there; new people join a
// site as members (or through an invitation), not by being picked by ID.
// current is the person's right at the organisation, or "".
func (a Actor) CanGrant(organisationID ID, current Right) error {
	if err := a.CanManageMembers(organisationID); err != nil {
		return err
	}
	if current == "" && !a.StudySiteAdministrator() {
		return forbidden("a site administrator changes the rights of the site's own people; add new people as members")
	}
	return nil
}

// CanSearchPeople allows study site staff to search everybody: they
// appoint site administrators and put their teachers on activities.
func (a Actor) CanSearchPeople() error {
	if a.studySiteStaff() {
		return nil
	}
	return forbidden("only study site staff may search people")
}

// CanSeeNationalID reports whether a may see the national identity number
// of a person (masked as always, to the birth date): the person themselves,
// the system, an administrator of an organisation the person has a right
// at, and a practice administrator of a study site the person is staff at.
// Everyone else learns only whether one is registered. ms and staff are the
// person's memberships and staff roles.
func (a Actor) CanSeeNationalID(personID ID, ms []Membership, staff []StaffMembership) bool {
	if a.system || a.PersonID == personID && personID != NilID {
		return true
	}
	for _, m := range ms {
		if a.rights[m.OrganisationID] == Admin {
			return true
		}
	}
	for _, s := range staff {
		if slices.Contains(a.staff[s.InstitutionID], Administrator) {
			return true
		}
	}
	return false
}

// CanSeeStaff allows a study site's own staff to see its staff roles.
func (a Actor) CanSeeStaff(institutionID ID) error {
	if a.system || len(a.staff[institutionID]) > 0 {
		return nil
	}
	return forbidden("only the institution's staff may see its staff")
}
