package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/praksis/praksis/practice"
)

const placeColumns = `id, organisation_id, description, address, email, phone, picture_ref, version, created_at, updated_at`

func scanPlace(row pgx.Row) (practice.Place, error) {
	var p practice.Place
	pr := &p.Presentation
	if err := row.Scan(&p.ID, &p.OrganisationID, &pr.Description, &pr.Address, &pr.Email, &pr.Phone, &pr.PictureRef,
		&p.Version, &p.CreatedAt, &p.UpdatedAt); err != nil {
		return practice.Place{}, err
	}
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return p, nil
}

// CreatePlace stores a new place. It returns ErrConflict if the ID is taken
// and ErrNotFound if the organisation does not exist.
func (s *Store) CreatePlace(ctx context.Context, p practice.Place) error {
	pr := p.Presentation
	_, err := s.db(ctx).Exec(ctx, `INSERT INTO places (`+placeColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		p.ID, p.OrganisationID, pr.Description, pr.Address, pr.Email, pr.Phone, pr.PictureRef, p.Version, p.CreatedAt, p.UpdatedAt)
	return interpretError(err)
}

// UpdatePlace stores p's presentation and UpdatedAt under the rules of
// [Store.UpdateInstitution]. It never changes p's organisation.
func (s *Store) UpdatePlace(ctx context.Context, p practice.Place) error {
	pr := p.Presentation
	tag, err := s.db(ctx).Exec(ctx, `UPDATE places SET description = $3, address = $4, email = $5, phone = $6, picture_ref = $7,
		updated_at = $8, version = version + 1
		WHERE id = $1 AND version = $2`, p.ID, p.Version, pr.Description, pr.Address, pr.Email, pr.Phone, pr.PictureRef, p.UpdatedAt)
	return s.updated(ctx, tag, err, "places", p.ID, p.Version)
}

// Place returns the place id, or ErrNotFound.
func (s *Store) Place(ctx context.Context, id practice.ID) (practice.Place, error) {
	p, err := scanPlace(s.db(ctx).QueryRow(ctx, `SELECT `+placeColumns+` FROM places WHERE id = $1`, id))
	return p, interpretError(err)
}

// Places returns the places of an organisation ordered by ID.
func (s *Store) Places(ctx context.Context, organisationID practice.ID) ([]practice.Place, error) {
	return queryAll(ctx, s.db(ctx), scanPlace,
		`SELECT `+placeColumns+` FROM places WHERE organisation_id = $1 ORDER BY id`, organisationID)
}

// nullID returns id, or nil (SQL NULL) for NilID.
func nullID(id practice.ID) any {
	if id == practice.NilID {
		return nil
	}
	return id
}

func scanPlaceVersion(row pgx.Row) (practice.PlaceVersion, error) {
	var (
		v         practice.PlaceVersion
		validFrom time.Time
		parent    *practice.ID
	)
	if err := row.Scan(&v.PlaceID, &validFrom, &v.Name, &parent, &v.Closed, &v.CreatedAt); err != nil {
		return practice.PlaceVersion{}, err
	}
	v.ValidFrom = practice.DateOf(validFrom)
	if parent != nil {
		v.ParentID = *parent
	}
	v.CreatedAt = v.CreatedAt.UTC()
	return v, nil
}

// AddPlaceVersion stores a new version of a place's structure. It returns
// ErrNotFound if the place (or a non-nil parent) does not exist, and
// ErrConflict if the place already has a version from v.ValidFrom.
func (s *Store) AddPlaceVersion(ctx context.Context, v practice.PlaceVersion) error {
	_, err := s.db(ctx).Exec(ctx, `INSERT INTO place_versions (place_id, valid_from, name, parent_id, closed, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, v.PlaceID, v.ValidFrom.Time(), v.Name, nullID(v.ParentID), v.Closed, v.CreatedAt)
	return interpretError(err)
}

// PlaceVersions returns every version of every place of an organisation,
// ordered by place ID, then ValidFrom.
func (s *Store) PlaceVersions(ctx context.Context, organisationID practice.ID) ([]practice.PlaceVersion, error) {
	return queryAll(ctx, s.db(ctx), scanPlaceVersion, `SELECT v.place_id, v.valid_from, v.name, v.parent_id, v.closed, v.created_at
		FROM place_versions v JOIN places p ON p.id = v.place_id
		WHERE p.organisation_id = $1
		ORDER BY v.place_id, v.valid_from`, organisationID)
}
