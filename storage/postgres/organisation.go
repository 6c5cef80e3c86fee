package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/praksis/praksis/practice"
)

const organisationColumns = `id, name, org_number, version, created_at, updated_at`

func scanOrganisation(row pgx.Row) (practice.Organisation, error) {
	var o practice.Organisation
	if err := row.Scan(&o.ID, &o.Name, &o.OrgNumber, &o.Version, &o.CreatedAt, &o.UpdatedAt); err != nil {
		return practice.Organisation{}, err
	}
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	return o, nil
}

// CreateOrganisation stores a new organisation. It returns ErrConflict if
// the ID or the OrgNumber is taken.
func (s *Store) CreateOrganisation(ctx context.Context, o practice.Organisation) error {
	_, err := s.db(ctx).Exec(ctx, `INSERT INTO organisations (`+organisationColumns+`) VALUES ($1, $2, $3, $4, $5, $6)`,
		o.ID, o.Name, o.OrgNumber, o.Version, o.CreatedAt, o.UpdatedAt)
	return interpretError(err)
}

// UpdateOrganisation stores o's name, number and UpdatedAt under the rules
// of [Store.UpdateInstitution]; a taken OrgNumber is ErrConflict.
func (s *Store) UpdateOrganisation(ctx context.Context, o practice.Organisation) error {
	tag, err := s.db(ctx).Exec(ctx, `UPDATE organisations SET name = $3, org_number = $4, updated_at = $5, version = version + 1
		WHERE id = $1 AND version = $2`, o.ID, o.Version, o.Name, o.OrgNumber, o.UpdatedAt)
	return s.updated(ctx, tag, err, "organisations", o.ID, o.Version)
}

// Organisation returns the organisation id, or ErrNotFound.
func (s *Store) Organisation(ctx context.Context, id practice.ID) (practice.Organisation, error) {
	o, err := scanOrganisation(s.db(ctx).QueryRow(ctx, `SELECT `+organisationColumns+` FROM organisations WHERE id = $1`, id))
	return o, interpretError(err)
}

// Organisations returns the organisations f selects, ordered by name, then
// ID.
func (s *Store) Organisations(ctx context.Context, f practice.OrganisationFilter) ([]practice.Organisation, error) {
	q := psql.Select(organisationColumns).From("organisations").OrderBy(`name COLLATE "C"`, "id")
	if f.OrgNumber != "" {
		q = q.Where("org_number = ?", f.OrgNumber)
	}
	return selectAll(ctx, s.db(ctx), scanOrganisation, q)
}
