package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/praksis/praksis/practice"
)

const institutionColumns = `id, name, code, version, created_at, updated_at`

func scanInstitution(row pgx.Row) (practice.Institution, error) {
	var in practice.Institution
	if err := row.Scan(&in.ID, &in.Name, &in.Code, &in.Version, &in.CreatedAt, &in.UpdatedAt); err != nil {
		return practice.Institution{}, err
	}
	in.CreatedAt, in.UpdatedAt = in.CreatedAt.UTC(), in.UpdatedAt.UTC()
	return in, nil
}

// CreateInstitution stores a new institution as given. It returns
// ErrConflict if the ID or the Code is taken.
func (s *Store) CreateInstitution(ctx context.Context, in practice.Institution) error {
	_, err := s.db(ctx).Exec(ctx, `INSERT INTO institutions (`+institutionColumns+`) VALUES ($1, $2, $3, $4, $5, $6)`,
		in.ID, in.Name, in.Code, in.Version, in.CreatedAt, in.UpdatedAt)
	return interpretError(err)
}

// UpdateInstitution stores in's name, code and UpdatedAt with version
// in.Version+1 if the stored version is in.Version. It returns ErrNotFound
// if there is no institution in.ID, ErrConflict if the stored version
// differs or the Code is taken. CreatedAt is never changed.
func (s *Store) UpdateInstitution(ctx context.Context, in practice.Institution) error {
	tag, err := s.db(ctx).Exec(ctx, `UPDATE institutions SET name = $3, code = $4, updated_at = $5, version = version + 1
		WHERE id = $1 AND version = $2`, in.ID, in.Version, in.Name, in.Code, in.UpdatedAt)
	return s.updated(ctx, tag, err, "institutions", in.ID, in.Version)
}

// Institution returns the institution id, or ErrNotFound.
func (s *Store) Institution(ctx context.Context, id practice.ID) (practice.Institution, error) {
	in, err := scanInstitution(s.db(ctx).QueryRow(ctx, `SELECT `+institutionColumns+` FROM institutions WHERE id = $1`, id))
	return in, interpretError(err)
}

// Institutions returns all institutions ordered by name, then ID.
func (s *Store) Institutions(ctx context.Context) ([]practice.Institution, error) {
	return queryAll(ctx, s.db(ctx), scanInstitution,
		`SELECT `+institutionColumns+` FROM institutions ORDER BY name COLLATE "C", id`)
}
