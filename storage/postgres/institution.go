package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/praksis/praksis/practice"
)

const institutionColumns = `id, name, code, version, created_at, updated_at`

// institutionOrder is the order of Institutions, and institutionKey an
// institution's place in it.
var institutionOrder = []keyColumn{textKey("name"), idKey("id")}

func institutionKey(in practice.Institution) []string { return []string{in.Name, in.ID.String()} }

func scanInstitution(row pgx.Row) (practice.Institution, error) {
	var in practice.Institution
	if err := row.Scan(&in.ID, &in.Name, &in.Code, &in.Version, &in.CreatedAt, &in.UpdatedAt); err != nil {
		return practice.Institution{}, err
	}
	in.CreatedAt, in.UpdatedAt = in.CreatedAt.UTC(), in.UpdatedAt.UTC()
	return in, nil
}

// CreateInstitution implements practice.InstitutionStore.
func (s *Store) CreateInstitution(ctx context.Context, in practice.Institution) error {
	_, err := s.exec(ctx, `INSERT INTO institutions (`+institutionColumns+`) VALUES ($1, $2, $3, $4, $5, $6)`,
		in.ID, in.Name, in.Code, in.Version, in.CreatedAt, in.UpdatedAt)
	return err
}

// UpdateInstitution implements practice.InstitutionStore.
func (s *Store) UpdateInstitution(ctx context.Context, in practice.Institution) error {
	return s.update(ctx, "institution", "institutions", `name = $3, code = $4, updated_at = $5`, in.ID, in.Version,
		in.Name, in.Code, in.UpdatedAt)
}

// Institution implements practice.InstitutionStore.
func (s *Store) Institution(ctx context.Context, id practice.ID) (practice.Institution, error) {
	return get(ctx, s.reader(ctx), scanInstitution, "there is no institution "+id.String(),
		`SELECT `+institutionColumns+` FROM institutions WHERE id = $1`, id)
}

// Institutions implements practice.InstitutionStore.
func (s *Store) Institutions(ctx context.Context, f practice.InstitutionFilter) (practice.Page[practice.Institution], error) {
	q := psql.Select(institutionColumns).From("institutions")
	return list(ctx, s.reader(ctx), q, institutionOrder, f.Page, scanInstitution, institutionKey)
}
