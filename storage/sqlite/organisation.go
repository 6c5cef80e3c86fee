package sqlite

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/praksis/praksis/practice"
)

// organisationRow is a row of the table organisations.
type organisationRow struct {
	bun.BaseModel `bun:"table:organisations"`

	ID        string `bun:"id,pk"`
	Name      string `bun:"name"`
	OrgNumber string `bun:"org_number"`
	Version   int    `bun:"version"`
	CreatedAt string `bun:"created_at"`
	UpdatedAt string `bun:"updated_at"`
}

func organisationToRow(o practice.Organisation) organisationRow {
	return organisationRow{
		ID: o.ID.String(), Name: o.Name, OrgNumber: o.OrgNumber, Version: o.Version,
		CreatedAt: formatTime(o.CreatedAt), UpdatedAt: formatTime(o.UpdatedAt),
	}
}

func (r organisationRow) domain() (practice.Organisation, error) {
	var c converter
	o := practice.Organisation{
		ID: c.id(r.ID), Name: r.Name, OrgNumber: r.OrgNumber, Version: r.Version,
		CreatedAt: c.time(r.CreatedAt), UpdatedAt: c.time(r.UpdatedAt),
	}
	return o, c.err("organisation", r.ID)
}

// organisationOrder is the order of Organisations, by column;
// organisationKey gives the same key of an organisation.
var organisationOrder = []string{"name", "id"}

func organisationKey(o practice.Organisation) []string { return []string{o.Name, o.ID.String()} }

// CreateOrganisation implements practice.OrganisationStore.
func (s *Store) CreateOrganisation(ctx context.Context, o practice.Organisation) error {
	row := organisationToRow(o)
	return s.insert(ctx, &row, "")
}

// UpdateOrganisation implements practice.OrganisationStore.
func (s *Store) UpdateOrganisation(ctx context.Context, o practice.Organisation) error {
	db, err := s.writer(ctx)
	if err != nil {
		return err
	}
	row := organisationToRow(o)
	q := db.NewUpdate().Model(&row).Column("name", "org_number", "updated_at")
	return s.update(ctx, q, "organisations", "organisation", o.ID, o.Version)
}

// Organisation implements practice.OrganisationStore.
func (s *Store) Organisation(ctx context.Context, id practice.ID) (practice.Organisation, error) {
	var row organisationRow
	if err := s.reader(ctx).NewSelect().Model(&row).Where("id = ?", id.String()).Scan(ctx); err != nil {
		return practice.Organisation{}, interpretError(err, "there is no organisation %s", id)
	}
	return row.domain()
}

// Organisations implements practice.OrganisationStore.
func (s *Store) Organisations(ctx context.Context, f practice.OrganisationFilter) (practice.Page[practice.Organisation], error) {
	q := s.reader(ctx).NewSelect()
	if f.OrgNumber != "" {
		q = q.Where("org_number = ?", f.OrgNumber)
	}
	return list(ctx, q, f.Page, organisationOrder, organisationRow.domain, organisationKey)
}
