package sqlite

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/praksis/praksis/practice"
)

// placeRow is a row of the table places.
type placeRow struct {
	bun.BaseModel `bun:"table:places"`

	ID             string `bun:"id,pk"`
	OrganisationID string `bun:"organisation_id"`
	Description    string `bun:"description"`
	Address        string `bun:"address"`
	Email          string `bun:"email"`
	Phone          string `bun:"phone"`
	PictureRef     string `bun:"picture_ref"`
	Version        int    `bun:"version"`
	CreatedAt      string `bun:"created_at"`
	UpdatedAt      string `bun:"updated_at"`
}

func placeToRow(p practice.Place) placeRow {
	pr := p.Presentation
	return placeRow{
		ID: p.ID.String(), OrganisationID: p.OrganisationID.String(),
		Description: pr.Description, Address: pr.Address, Email: pr.Email, Phone: pr.Phone, PictureRef: pr.PictureRef,
		Version: p.Version, CreatedAt: formatTime(p.CreatedAt), UpdatedAt: formatTime(p.UpdatedAt),
	}
}

func (r placeRow) domain() (practice.Place, error) {
	var c converter
	p := practice.Place{
		ID: c.id(r.ID), OrganisationID: c.id(r.OrganisationID),
		Presentation: practice.Presentation{
			Description: r.Description, Address: r.Address, Email: r.Email, Phone: r.Phone, PictureRef: r.PictureRef,
		},
		Version: r.Version, CreatedAt: c.time(r.CreatedAt), UpdatedAt: c.time(r.UpdatedAt),
	}
	return p, c.err("place", r.ID)
}

// placeVersionRow is a row of the table place_versions. Its column
// valid_from holds the version's From.
type placeVersionRow struct {
	bun.BaseModel `bun:"table:place_versions"`

	PlaceID   string `bun:"place_id,pk"`
	From      string `bun:"valid_from,pk"`
	Name      string `bun:"name"`
	ParentID  string `bun:"parent_id,nullzero"` // NULL for NilID
	Closed    bool   `bun:"closed"`
	CreatedAt string `bun:"created_at"`
}

func placeVersionToRow(v practice.PlaceVersion) placeVersionRow {
	return placeVersionRow{
		PlaceID: v.PlaceID.String(), From: v.From.String(), Name: v.Name,
		ParentID: nullID(v.ParentID), Closed: v.Closed, CreatedAt: formatTime(v.CreatedAt),
	}
}

func (r placeVersionRow) domain() (practice.PlaceVersion, error) {
	var c converter
	v := practice.PlaceVersion{
		PlaceID: c.id(r.PlaceID), From: c.date(r.From), Name: r.Name,
		ParentID: c.nullID(r.ParentID), Closed: r.Closed, CreatedAt: c.time(r.CreatedAt),
	}
	return v, c.err("version of the place", r.PlaceID)
}

// placeOrder is the order of Places, by column; placeKey gives the same
// key of a place.
var placeOrder = []string{"id"}

func placeKey(p practice.Place) []string { return []string{p.ID.String()} }

// placeVersionOrder is the order of PlaceVersions, by column;
// placeVersionKey gives the same key of a version.
var placeVersionOrder = []string{"place_id", "valid_from"}

func placeVersionKey(v practice.PlaceVersion) []string {
	return []string{v.PlaceID.String(), v.From.String()}
}

// CreatePlace implements practice.PlaceStore.
func (s *Store) CreatePlace(ctx context.Context, p practice.Place) error {
	row := placeToRow(p)
	return s.insert(ctx, &row, "there is no organisation %s", p.OrganisationID)
}

// UpdatePlace implements practice.PlaceStore.
func (s *Store) UpdatePlace(ctx context.Context, p practice.Place) error {
	db, err := s.writer(ctx)
	if err != nil {
		return err
	}
	row := placeToRow(p)
	q := db.NewUpdate().Model(&row).
		Column("description", "address", "email", "phone", "picture_ref", "updated_at")
	return s.update(ctx, q, "places", "place", p.ID, p.Version)
}

// Place implements practice.PlaceStore.
func (s *Store) Place(ctx context.Context, id practice.ID) (practice.Place, error) {
	var row placeRow
	if err := s.reader(ctx).NewSelect().Model(&row).Where("id = ?", id.String()).Scan(ctx); err != nil {
		return practice.Place{}, interpretError(err, "there is no place %s", id)
	}
	return row.domain()
}

// Places implements practice.PlaceStore.
func (s *Store) Places(ctx context.Context, f practice.PlaceFilter) (practice.Page[practice.Place], error) {
	q := s.reader(ctx).NewSelect()
	if f.OrganisationID != practice.NilID {
		q = q.Where("organisation_id = ?", f.OrganisationID.String())
	}
	return list(ctx, q, f.Page, placeOrder, placeRow.domain, placeKey)
}

// AddPlaceVersion implements practice.PlaceStore.
func (s *Store) AddPlaceVersion(ctx context.Context, v practice.PlaceVersion) error {
	db, err := s.writer(ctx)
	if err != nil {
		return err
	}
	row := placeVersionToRow(v)
	_, err = db.NewInsert().Model(&row).Returning("NULL").Exec(ctx)
	if v.ParentID == practice.NilID {
		return interpretError(err, "there is no place %s", v.PlaceID)
	}
	return interpretError(err, "there is no place %s or no parent place %s", v.PlaceID, v.ParentID)
}

// PlaceVersions implements practice.PlaceStore.
func (s *Store) PlaceVersions(ctx context.Context, f practice.PlaceVersionFilter) (practice.Page[practice.PlaceVersion], error) {
	q := s.reader(ctx).NewSelect()
	if f.OrganisationID != practice.NilID {
		q = q.Where("place_id IN (SELECT id FROM places WHERE organisation_id = ?)", f.OrganisationID.String())
	}
	if f.PlaceID != practice.NilID {
		q = q.Where("place_id = ?", f.PlaceID.String())
	}
	return list(ctx, q, f.Page, placeVersionOrder, placeVersionRow.domain, placeVersionKey)
}
