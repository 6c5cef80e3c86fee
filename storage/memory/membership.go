package memory

import (
	"context"

	"github.com/praksis/praksis/practice"
)

func membershipOrder(m practice.Membership) []string {
	return []string{m.OrganisationID.String(), m.PersonID.String()}
}

// PutMembership implements practice.MembershipStore.
func (s *Store) PutMembership(ctx context.Context, m practice.Membership) error {
	if err := m.Right.Check(); err != nil {
		return err
	}
	return s.write(ctx, func(d *data, c change) error {
		if _, ok := d.organisations[m.OrganisationID]; !ok {
			return practice.NotFound("there is no organisation %s", m.OrganisationID)
		}
		if _, ok := d.people[m.PersonID]; !ok {
			return practice.NotFound("there is no person %s", m.PersonID)
		}
		put(c, d.memberships, membershipKey{m.OrganisationID, m.PersonID}, m.Right)
		addTo(c, d.membersByOrg, m.OrganisationID, m.PersonID)
		addTo(c, d.orgsByPerson, m.PersonID, m.OrganisationID)
		return nil
	})
}

// DeleteMembership implements practice.MembershipStore.
func (s *Store) DeleteMembership(ctx context.Context, organisationID, personID practice.ID) error {
	return s.write(ctx, func(d *data, c change) error {
		k := membershipKey{organisationID, personID}
		if _, ok := d.memberships[k]; !ok {
			return practice.NotFound("the person %s has no right at the organisation %s", personID, organisationID)
		}
		remove(c, d.memberships, k)
		removeFrom(c, d.membersByOrg, organisationID, personID)
		removeFrom(c, d.orgsByPerson, personID, organisationID)
		return nil
	})
}

// Memberships implements practice.MembershipStore.
func (s *Store) Memberships(ctx context.Context, f practice.MembershipFilter) (out practice.Page[practice.Membership], err error) {
	err = s.read(ctx, func(d *data) error {
		var all []practice.Membership
		add := func(k membershipKey) {
			if r, ok := d.memberships[k]; ok && (f.Right == "" || r == f.Right) {
				all = append(all, practice.Membership{OrganisationID: k.organisation, PersonID: k.person, Right: r})
			}
		}
		switch {
		case f.OrganisationID != practice.NilID && f.PersonID != practice.NilID:
			add(membershipKey{f.OrganisationID, f.PersonID})
		case f.OrganisationID != practice.NilID:
			for p := range d.membersByOrg[f.OrganisationID] {
				add(membershipKey{f.OrganisationID, p})
			}
		case f.PersonID != practice.NilID:
			for o := range d.orgsByPerson[f.PersonID] {
				add(membershipKey{o, f.PersonID})
			}
		default:
			for k := range d.memberships {
				add(k)
			}
		}
		out, err = list(all, membershipOrder, f.Page)
		return err
	})
	return out, err
}
