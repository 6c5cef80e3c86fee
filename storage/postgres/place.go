package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/praksis/praksis/practice"
)

const placeColumns = `id, organisation_id, description, address, email, phone, picture_ref, version, created_at, updated_at`

// placeOrder is the order of Places, and placeKey a place's place in it.
var placeOrder = []keyColumn{idKey("id")}

func placeKey(p practice.Place) []string { return []string{p.ID.String()} }

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

// CreatePlace implements practice.PlaceStore.
func (s *Store) CreatePlace(ctx context.Context, p practice.Place) error {
	pr := p.Presentation
	_, err := s.exec(ctx, `INSERT INTO places (`+placeColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		p.ID, p.OrganisationID, pr.Description, pr.Address, pr.Email, pr.Phone, pr.PictureRef, p.Version, p.CreatedAt, p.UpdatedAt)
	return err
}

// UpdatePlace implements practice.PlaceStore.
func (s *Store) UpdatePlace(ctx context.Context, p practice.Place) error {
	pr := p.Presentation
	return s.update(ctx, "place", "places",
		`description = $3, address = $4, email = $5, phone = $6, picture_ref = $7, updated_at = $8`, p.ID, p.Version,
		pr.Description, pr.Address, pr.Email, pr.Phone, pr.PictureRef, p.UpdatedAt)
}

// Place implements practice.PlaceStore.
func (s *Store) Place(ctx context.Context, id practice.ID) (practice.Place, error) {
	return get(ctx, s.reader(ctx), scanPlace, "there is no place "+id.String(),
		`SELECT `+placeColumns+` FROM places WHERE id = $1`, id)
}

// Places implements practice.PlaceStore.
func (s *Store) Places(ctx context.Context, f practice.PlaceFilter) (practice.Page[practice.Place], error) {
	q := psql.Select(placeColumns).From("places")
	if f.OrganisationID != practice.NilID {
		q = q.Where("organisation_id = ?", f.OrganisationID)
	}
	return list(ctx, s.reader(ctx), q, placeOrder, f.Page, scanPlace, placeKey)
}

const placeVersionColumns = `place_id, valid_from, name, parent_id, closed, created_at`

// placeVersionOrder is the order of PlaceVersions, and placeVersionKey a
// version's place in it.
var placeVersionOrder = []keyColumn{idKey("place_id"), dateKey("valid_from")}

func placeVersionKey(v practice.PlaceVersion) []string {
	return []string{v.PlaceID.String(), v.From.String()}
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
		v      practice.PlaceVersion
		from   time.Time
		parent *practice.ID
	)
	if err := row.Scan(&v.PlaceID, &from, &v.Name, &parent, &v.Closed, &v.CreatedAt); err != nil {
		return practice.PlaceVersion{}, err
	}
	v.From = practice.DateOf(from)
	if parent != nil {
		v.ParentID = *parent
	}
	v.CreatedAt = v.CreatedAt.UTC()
	return v, nil
}

// AddPlaceVersion implements practice.PlaceStore. The date is stored in
// the column valid_from.
func (s *Store) AddPlaceVersion(ctx context.Context, v practice.PlaceVersion) error {
	_, err := s.exec(ctx, `INSERT INTO place_versions (`+placeVersionColumns+`) VALUES ($1, $2, $3, $4, $5, $6)`,
		v.PlaceID, v.From.Time(), v.Name, nullID(v.ParentID), v.Closed, v.CreatedAt)
	return err
}

// PlaceVersions implements practice.PlaceStore.
func (s *Store) PlaceVersions(ctx context.Context, f practice.PlaceVersionFilter) (practice.Page[practice.PlaceVersion], error) {
	q := psql.Select(placeVersionColumns).From("place_versions")
	if f.OrganisationID != practice.NilID {
		q = q.Where("place_id IN (SELECT id FROM places WHERE organisation_id = ?)", f.OrganisationID)
	}
	if f.PlaceID != practice.NilID {
		q = q.Where("place_id = ?", f.PlaceID)
	}
	return list(ctx, s.reader(ctx), q, placeVersionOrder, f.Page, scanPlaceVersion, placeVersionKey)
}
