package sqlite

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/praksis/praksis/practice"
)

// institutionRow is a row of the table institutions.
type institutionRow struct {
	bun.BaseModel `bun:"table:institutions"`

	ID        string `bun:"id,pk"`
	Name      string `bun:"name"`
	Code      string `bun:"code"`
	Version   int    `bun:"version"`
	CreatedAt string `bun:"created_at"`
	UpdatedAt string `bun:"updated_at"`
}

func institutionToRow(in practice.Institution) institutionRow {
	return institutionRow{
		ID: in.ID.String(), Name: in.Name, Code: in.Code, Version: in.Version,
		CreatedAt: formatTime(in.CreatedAt), UpdatedAt: formatTime(in.UpdatedAt),
	}
}

func (r institutionRow) domain() (practice.Institution, error) {
	var c converter
	in := practice.Institution{
		ID: c.id(r.ID), Name: r.Name, Code: r.Code, Version: r.Version,
		CreatedAt: c.time(r.CreatedAt), UpdatedAt: c.time(r.UpdatedAt),
	}
	return in, c.err("institution", r.ID)
}

// institutionOrder is the order of Institutions, by column;
// institutionKey gives the same key of an institution.
var institutionOrder = []string{"name", "id"}

func institutionKey(in practice.Institution) []string { return []string{in.Name, in.ID.String()} }

// CreateInstitution implements practice.InstitutionStore.
func (s *Store) CreateInstitution(ctx context.Context, in practice.Institution) error {
	row := institutionToRow(in)
	return s.insert(ctx, &row, "")
}

// UpdateInstitution implements practice.InstitutionStore.
func (s *Store) UpdateInstitution(ctx context.Context, in practice.Institution) error {
	db, err := s.writer(ctx)
	if err != nil {
		return err
	}
	row := institutionToRow(in)
	q := db.NewUpdate().Model(&row).Column("name", "code", "updated_at")
	return s.update(ctx, q, "institutions", "institution", in.ID, in.Version)
}

// Institution implements practice.InstitutionStore.
func (s *Store) Institution(ctx context.Context, id practice.ID) (practice.Institution, error) {
	var row institutionRow
	if err := s.reader(ctx).NewSelect().Model(&row).Where("id = ?", id.String()).Scan(ctx); err != nil {
		return practice.Institution{}, interpretError(err, "there is no institution %s", id)
	}
	return row.domain()
}

// Institutions implements practice.InstitutionStore.
func (s *Store) Institutions(ctx context.Context, f practice.InstitutionFilter) (practice.Page[practice.Institution], error) {
	q := s.reader(ctx).NewSelect()
	return list(ctx, q, f.Page, institutionOrder, institutionRow.domain, institutionKey)
}
