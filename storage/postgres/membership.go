package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/praksis/praksis/practice"
)

// membershipOrder is the order of Memberships, and membershipKey a
// membership's place in it.
var membershipOrder = []keyColumn{idKey("organisation_id"), idKey("person_id")}

func membershipKey(m practice.Membership) []string {
	return []string{m.OrganisationID.String(), m.PersonID.String()}
}

func scanMembership(row pgx.Row) (practice.Membership, error) {
	var m practice.Membership
	err := row.Scan(&m.OrganisationID, &m.PersonID, &m.Right)
	return m, err
}

// PutMembership implements practice.MembershipStore.
func (s *Store) PutMembership(ctx context.Context, m practice.Membership) error {
	if err := m.Right.Check(); err != nil {
		return err
	}
	_, err := s.exec(ctx, `INSERT INTO memberships (organisation_id, person_id, access_right) VALUES ($1, $2, $3)
		ON CONFLICT (organisation_id, person_id) DO UPDATE SET access_right = excluded.access_right`,
		m.OrganisationID, m.PersonID, string(m.Right))
	return err
}

// DeleteMembership implements practice.MembershipStore.
func (s *Store) DeleteMembership(ctx context.Context, organisationID, personID practice.ID) error {
	return s.execOne(ctx, "the person "+personID.String()+" has no right at the organisation "+organisationID.String(),
		`DELETE FROM memberships WHERE organisation_id = $1 AND person_id = $2`, organisationID, personID)
}

// Memberships implements practice.MembershipStore.
func (s *Store) Memberships(ctx context.Context, f practice.MembershipFilter) (practice.Page[practice.Membership], error) {
	q := psql.Select("organisation_id", "person_id", "access_right").From("memberships")
	if f.OrganisationID != practice.NilID {
		q = q.Where("organisation_id = ?", f.OrganisationID)
	}
	if f.PersonID != practice.NilID {
		q = q.Where("person_id = ?", f.PersonID)
	}
	if f.Right != "" {
		q = q.Where("access_right = ?", string(f.Right))
	}
	return list(ctx, s.reader(ctx), q, membershipOrder, f.Page, scanMembership, membershipKey)
}
