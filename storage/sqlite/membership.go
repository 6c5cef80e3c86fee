package sqlite

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/praksis/praksis/practice"
)

// membershipRow is a row of the table memberships.
type membershipRow struct {
	bun.BaseModel `bun:"table:memberships"`

	OrganisationID string `bun:"organisation_id,pk"`
	PersonID       string `bun:"person_id,pk"`
	Right          string `bun:"right"`
}

func membershipToRow(m practice.Membership) membershipRow {
	return membershipRow{OrganisationID: m.OrganisationID.String(), PersonID: m.PersonID.String(), Right: string(m.Right)}
}

func (r membershipRow) domain() (practice.Membership, error) {
	var c converter
	m := practice.Membership{OrganisationID: c.id(r.OrganisationID), PersonID: c.id(r.PersonID), Right: practice.Right(r.Right)}
	return m, c.err("membership of", r.PersonID)
}

// membershipOrder is the order of Memberships, by column; membershipKey
// gives the same key of a membership.
var membershipOrder = []string{"organisation_id", "person_id"}

func membershipKey(m practice.Membership) []string {
	return []string{m.OrganisationID.String(), m.PersonID.String()}
}

// PutMembership implements practice.MembershipStore.
func (s *Store) PutMembership(ctx context.Context, m practice.Membership) error {
	if err := m.Right.Check(); err != nil {
		return err
	}
	db, err := s.writer(ctx)
	if err != nil {
		return err
	}
	row := membershipToRow(m)
	_, err = db.NewInsert().Model(&row).
		On("CONFLICT (organisation_id, person_id) DO UPDATE").
		Set(`"right" = EXCLUDED."right"`).
		Exec(ctx)
	return interpretError(err, "there is no organisation %s or no person %s", m.OrganisationID, m.PersonID)
}

// DeleteMembership implements practice.MembershipStore.
func (s *Store) DeleteMembership(ctx context.Context, organisationID, personID practice.ID) error {
	db, err := s.writer(ctx)
	if err != nil {
		return err
	}
	res, err := db.NewDelete().Model((*membershipRow)(nil)).
		Where("organisation_id = ?", organisationID.String()).
		Where("person_id = ?", personID.String()).
		Exec(ctx)
	return deleted(res, err, "the person %s has no right at the organisation %s", personID, organisationID)
}

// Memberships implements practice.MembershipStore.
func (s *Store) Memberships(ctx context.Context, f practice.MembershipFilter) (practice.Page[practice.Membership], error) {
	q := s.reader(ctx).NewSelect()
	if f.OrganisationID != practice.NilID {
		q = q.Where("organisation_id = ?", f.OrganisationID.String())
	}
	if f.PersonID != practice.NilID {
		q = q.Where("person_id = ?", f.PersonID.String())
	}
	if f.Right != "" {
		q = q.Where(`"right" = ?`, string(f.Right))
	}
	return list(ctx, q, f.Page, membershipOrder, membershipRow.domain, membershipKey)
}
