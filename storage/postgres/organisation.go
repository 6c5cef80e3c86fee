package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/praksis/praksis/practice"
)

const organisationColumns = `id, name, org_number, version, created_at, updated_at`

// organisationOrder is the order of Organisations, and organisationKey an
// organisation's place in it.
var organisationOrder = []keyColumn{textKey("name"), idKey("id")}

func organisationKey(o practice.Organisation) []string { return []string{o.Name, o.ID.String()} }

func scanOrganisation(row pgx.Row) (practice.Organisation, error) {
	var o practice.Organisation
	if err := row.Scan(&o.ID, &o.Name, &o.OrgNumber, &o.Version, &o.CreatedAt, &o.UpdatedAt); err != nil {
		return practice.Organisation{}, err
	}
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	return o, nil
}

// CreateOrganisation implements practice.OrganisationStore.
func (s *Store) CreateOrganisation(ctx context.Context, o practice.Organisation) error {
	_, err := s.exec(ctx, `INSERT INTO organisations (`+organisationColumns+`) VALUES ($1, $2, $3, $4, $5, $6)`,
		o.ID, o.Name, o.OrgNumber, o.Version, o.CreatedAt, o.UpdatedAt)
	return err
}

// UpdateOrganisation implements practice.OrganisationStore.
func (s *Store) UpdateOrganisation(ctx context.Context, o practice.Organisation) error {
	return s.update(ctx, "organisation", "organisations", `name = $3, org_number = $4, updated_at = $5`, o.ID, o.Version,
		o.Name, o.OrgNumber, o.UpdatedAt)
}

// Organisation implements practice.OrganisationStore.
func (s *Store) Organisation(ctx context.Context, id practice.ID) (practice.Organisation, error) {
	return get(ctx, s.reader(ctx), scanOrganisation, "there is no organisation "+id.String(),
		`SELECT `+organisationColumns+` FROM organisations WHERE id = $1`, id)
}

// Organisations implements practice.OrganisationStore.
func (s *Store) Organisations(ctx context.Context, f practice.OrganisationFilter) (practice.Page[practice.Organisation], error) {
	q := psql.Select(organisationColumns).From("organisations")
	if f.OrgNumber != "" {
		q = q.Where("org_number = ?", f.OrgNumber)
	}
	return list(ctx, s.reader(ctx), q, organisationOrder, f.Page, scanOrganisation, organisationKey)
}
