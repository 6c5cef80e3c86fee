package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/praksis/praksis/practice"
)

func scanMembership(row pgx.Row) (practice.Membership, error) {
	var m practice.Membership
	err := row.Scan(&m.OrganisationID, &m.PersonID, &m.Right)
	return m, err
}

// PutMembership gives a person a right at an organisation, replacing the
// right they had there. It returns ErrNotFound if the organisation or the
// person does not exist.
func (s *Store) PutMembership(ctx context.Context, m practice.Membership) error {
	_, err := s.db(ctx).Exec(ctx, `INSERT INTO memberships (organisation_id, person_id, access_right) VALUES ($1, $2, $3)
		ON CONFLICT (organisation_id, person_id) DO UPDATE SET access_right = excluded.access_right`,
		m.OrganisationID, m.PersonID, string(m.Right))
	return interpretError(err)
}

// DeleteMembership removes a person's right at an organisation, or returns
// ErrNotFound if they had none.
func (s *Store) DeleteMembership(ctx context.Context, organisationID, personID practice.ID) error {
	return deleted(s.db(ctx).Exec(ctx, `DELETE FROM memberships WHERE organisation_id = $1 AND person_id = $2`, organisationID, personID))
}

// Memberships returns the memberships f selects, ordered by organisation
// ID, then person ID.
func (s *Store) Memberships(ctx context.Context, f practice.MembershipFilter) ([]practice.Membership, error) {
	q := psql.Select("organisation_id", "person_id", "access_right").From("memberships").OrderBy("organisation_id", "person_id")
	if f.OrganisationID != practice.NilID {
		q = q.Where("organisation_id = ?", f.OrganisationID)
	}
	if f.PersonID != practice.NilID {
		q = q.Where("person_id = ?", f.PersonID)
	}
	return selectAll(ctx, s.db(ctx), scanMembership, q)
}

func scanStaffRole(row pgx.Row) (practice.StaffMembership, error) {
	var sm practice.StaffMembership
	err := row.Scan(&sm.InstitutionID, &sm.PersonID, &sm.Role)
	return sm, err
}

// PutStaffRole gives a person a role at an institution; giving a role the
// person already has changes nothing. It returns ErrNotFound if the
// institution or the person does not exist.
func (s *Store) PutStaffRole(ctx context.Context, sm practice.StaffMembership) error {
	_, err := s.db(ctx).Exec(ctx, `INSERT INTO staff_roles (institution_id, person_id, role) VALUES ($1, $2, $3)
		ON CONFLICT DO NOTHING`, sm.InstitutionID, sm.PersonID, string(sm.Role))
	return interpretError(err)
}

// DeleteStaffRole removes the role, or returns ErrNotFound if the person did
// not have it.
func (s *Store) DeleteStaffRole(ctx context.Context, sm practice.StaffMembership) error {
	return deleted(s.db(ctx).Exec(ctx, `DELETE FROM staff_roles WHERE institution_id = $1 AND person_id = $2 AND role = $3`,
		sm.InstitutionID, sm.PersonID, string(sm.Role)))
}

// StaffRoles returns the staff memberships f selects, ordered by
// institution ID, person ID, then role.
func (s *Store) StaffRoles(ctx context.Context, f practice.StaffFilter) ([]practice.StaffMembership, error) {
	q := psql.Select("institution_id", "person_id", "role").From("staff_roles").OrderBy("institution_id", "person_id", `role COLLATE "C"`)
	if f.InstitutionID != practice.NilID {
		q = q.Where("institution_id = ?", f.InstitutionID)
	}
	if f.PersonID != practice.NilID {
		q = q.Where("person_id = ?", f.PersonID)
	}
	return selectAll(ctx, s.db(ctx), scanStaffRole, q)
}
