package sqlite

import (
	"context"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/praksis/praksis/practice"
)

// CreateInstitution stores a new institution as given. It returns
// practice.ErrConflict if the ID or the Code is taken.
func (s *Store) CreateInstitution(ctx context.Context, in practice.Institution) error {
	row := institutionToRow(in)
	_, err := s.db(ctx).NewInsert().Model(&row).Exec(ctx)
	return interpretError(err)
}

// UpdateInstitution stores in's name, code and UpdatedAt if the stored
// version equals in.Version, and stores the version in.Version+1. It returns
// practice.ErrNotFound if there is no institution in.ID, and
// practice.ErrConflict if the stored version differs or the Code is taken.
func (s *Store) UpdateInstitution(ctx context.Context, in practice.Institution) error {
	row := institutionToRow(in)
	q := s.db(ctx).NewUpdate().Model(&row).Column("name", "code", "updated_at")
	return s.update(ctx, q, "institutions", row.ID, in.Version)
}

// Institution returns the institution id, or practice.ErrNotFound.
func (s *Store) Institution(ctx context.Context, id practice.ID) (practice.Institution, error) {
	var row institutionRow
	if err := s.db(ctx).NewSelect().Model(&row).Where("id = ?", id.String()).Scan(ctx); err != nil {
		return practice.Institution{}, interpretError(err)
	}
	return row.domain()
}

// Institutions returns all institutions ordered by name, then ID.
func (s *Store) Institutions(ctx context.Context) ([]practice.Institution, error) {
	var rows []institutionRow
	if err := s.db(ctx).NewSelect().Model(&rows).Order("name", "id").Scan(ctx); err != nil {
		return nil, interpretError(err)
	}
	return convertAll(rows, institutionRow.domain)
}

// CreateOrganisation stores a new organisation. It returns
// practice.ErrConflict if the ID or the OrgNumber is taken.
func (s *Store) CreateOrganisation(ctx context.Context, o practice.Organisation) error {
	row := organisationToRow(o)
	_, err := s.db(ctx).NewInsert().Model(&row).Exec(ctx)
	return interpretError(err)
}

// UpdateOrganisation stores o's name, number and UpdatedAt under the rules
// of [Store.UpdateInstitution]; a taken OrgNumber is practice.ErrConflict.
func (s *Store) UpdateOrganisation(ctx context.Context, o practice.Organisation) error {
	row := organisationToRow(o)
	q := s.db(ctx).NewUpdate().Model(&row).Column("name", "org_number", "updated_at")
	return s.update(ctx, q, "organisations", row.ID, o.Version)
}

// Organisation returns the organisation id, or practice.ErrNotFound.
func (s *Store) Organisation(ctx context.Context, id practice.ID) (practice.Organisation, error) {
	var row organisationRow
	if err := s.db(ctx).NewSelect().Model(&row).Where("id = ?", id.String()).Scan(ctx); err != nil {
		return practice.Organisation{}, interpretError(err)
	}
	return row.domain()
}

// errLockOutsideTx is returned by LockOrganisation called outside a
// transaction.
var errLockOutsideTx = errors.New("sqlite: LockOrganisation must be called with the context of an InTx callback")

// LockOrganisation checks that the organisation id exists, or returns
// practice.ErrNotFound. It must be called in a transaction.
//
// That is all it has to do to lock the organisation's place structure until
// the transaction ends: every transaction of this store began with BEGIN
// IMMEDIATE and so already holds SQLite's single write lock, for the whole
// database, until it ends. No other transaction can begin, let alone lock
// the same organisation, before then, and nothing it reads can change under
// it: the lock is coarser than a row lock, never weaker.
func (s *Store) LockOrganisation(ctx context.Context, id practice.ID) error {
	tx, ok := s.tx(ctx)
	if !ok {
		return errLockOutsideTx
	}
	exists, err := tx.NewSelect().Model((*organisationRow)(nil)).Where("id = ?", id.String()).Exists(ctx)
	if err != nil {
		return interpretError(err)
	}
	if !exists {
		return fmt.Errorf("sqlite: organisation %s: %w", id, practice.ErrNotFound)
	}
	return nil
}

// Organisations returns the organisations f selects, ordered by name, then
// ID.
func (s *Store) Organisations(ctx context.Context, f practice.OrganisationFilter) ([]practice.Organisation, error) {
	var rows []organisationRow
	q := s.db(ctx).NewSelect().Model(&rows).Order("name", "id")
	if f.OrgNumber != "" {
		q = q.Where("org_number = ?", f.OrgNumber)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, interpretError(err)
	}
	return convertAll(rows, organisationRow.domain)
}

// CreatePlace stores a new place. It returns practice.ErrConflict if the ID
// is taken and practice.ErrNotFound if the organisation does not exist.
func (s *Store) CreatePlace(ctx context.Context, p practice.Place) error {
	row := placeToRow(p)
	_, err := s.db(ctx).NewInsert().Model(&row).Exec(ctx)
	return interpretError(err)
}

// UpdatePlace stores p's presentation and UpdatedAt under the rules of
// [Store.UpdateInstitution]. It never changes p's organisation.
func (s *Store) UpdatePlace(ctx context.Context, p practice.Place) error {
	row := placeToRow(p)
	q := s.db(ctx).NewUpdate().Model(&row).
		Column("description", "address", "email", "phone", "picture_ref", "updated_at")
	return s.update(ctx, q, "places", row.ID, p.Version)
}

// Place returns the place id, or practice.ErrNotFound.
func (s *Store) Place(ctx context.Context, id practice.ID) (practice.Place, error) {
	var row placeRow
	if err := s.db(ctx).NewSelect().Model(&row).Where("id = ?", id.String()).Scan(ctx); err != nil {
		return practice.Place{}, interpretError(err)
	}
	return row.domain()
}

// Places returns the places of an organisation ordered by ID.
func (s *Store) Places(ctx context.Context, organisationID practice.ID) ([]practice.Place, error) {
	var rows []placeRow
	err := s.db(ctx).NewSelect().Model(&rows).
		Where("organisation_id = ?", organisationID.String()).Order("id").Scan(ctx)
	if err != nil {
		return nil, interpretError(err)
	}
	return convertAll(rows, placeRow.domain)
}

// AddPlaceVersion stores a new version of a place's structure. It returns
// practice.ErrNotFound if the place (or a non-nil parent) does not exist,
// and practice.ErrConflict if the place already has a version from
// v.ValidFrom.
func (s *Store) AddPlaceVersion(ctx context.Context, v practice.PlaceVersion) error {
	row := placeVersionToRow(v)
	_, err := s.db(ctx).NewInsert().Model(&row).Exec(ctx)
	return interpretError(err)
}

// PlaceVersions returns every version of every place of an organisation,
// ordered by place ID, then ValidFrom.
func (s *Store) PlaceVersions(ctx context.Context, organisationID practice.ID) ([]practice.PlaceVersion, error) {
	var rows []placeVersionRow
	err := s.db(ctx).NewSelect().Model(&rows).
		Where("place_id IN (SELECT id FROM places WHERE organisation_id = ?)", organisationID.String()).
		Order("place_id", "valid_from").Scan(ctx)
	if err != nil {
		return nil, interpretError(err)
	}
	return convertAll(rows, placeVersionRow.domain)
}

// CreatePerson stores a new person. It returns practice.ErrConflict if the
// ID, the Email or a non-zero NationalID is taken.
func (s *Store) CreatePerson(ctx context.Context, p practice.Person) error {
	row, err := personToRow(p)
	if err != nil {
		return err
	}
	_, err = s.db(ctx).NewInsert().Model(&row).Exec(ctx)
	return interpretError(err)
}

// UpdatePerson stores p's name, e-mail, phone, national identity number,
// profile and UpdatedAt under the rules of [Store.UpdateInstitution]; a
// taken Email or NationalID is practice.ErrConflict.
func (s *Store) UpdatePerson(ctx context.Context, p practice.Person) error {
	row, err := personToRow(p)
	if err != nil {
		return err
	}
	q := s.db(ctx).NewUpdate().Model(&row).
		Column("name", "email", "phone", "national_id", "profile", "updated_at")
	return s.update(ctx, q, "people", row.ID, p.Version)
}

// Person returns the person id, or practice.ErrNotFound.
func (s *Store) Person(ctx context.Context, id practice.ID) (practice.Person, error) {
	var row personRow
	if err := s.db(ctx).NewSelect().Model(&row).Where("id = ?", id.String()).Scan(ctx); err != nil {
		return practice.Person{}, interpretError(err)
	}
	return row.domain()
}

// PersonByNationalID returns the person with that national identity number,
// or practice.ErrNotFound; the zero number is nobody's. The number is in no
// error it returns.
func (s *Store) PersonByNationalID(ctx context.Context, n practice.NationalID) (practice.Person, error) {
	if n.IsZero() {
		return practice.Person{}, fmt.Errorf("sqlite: person by national identity number: %w", practice.ErrNotFound)
	}
	var row personRow
	if err := s.db(ctx).NewSelect().Model(&row).Where("national_id = ?", n.Reveal()).Scan(ctx); err != nil {
		return practice.Person{}, interpretError(err)
	}
	return row.domain()
}

// People returns the people f selects, ordered by name, then ID.
func (s *Store) People(ctx context.Context, f practice.PeopleFilter) ([]practice.Person, error) {
	var rows []personRow
	q := s.db(ctx).NewSelect().Model(&rows).Order("name", "id")
	if f.OrganisationID != practice.NilID {
		q = q.Where("id IN (SELECT person_id FROM memberships WHERE organisation_id = ?)", f.OrganisationID.String())
	}
	if f.Email != "" {
		q = q.Where("email = ?", f.Email)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, interpretError(err)
	}
	return convertAll(rows, personRow.domain)
}

// PutMembership gives a person a right at an organisation, replacing the
// right they had there. It returns practice.ErrNotFound if the organisation
// or the person does not exist.
func (s *Store) PutMembership(ctx context.Context, m practice.Membership) error {
	row := membershipToRow(m)
	_, err := s.db(ctx).NewInsert().Model(&row).
		On("CONFLICT (organisation_id, person_id) DO UPDATE").
		Set(`"right" = EXCLUDED."right"`).
		Exec(ctx)
	return interpretError(err)
}

// DeleteMembership removes a person's right at an organisation, or returns
// practice.ErrNotFound if they had none.
func (s *Store) DeleteMembership(ctx context.Context, organisationID, personID practice.ID) error {
	res, err := s.db(ctx).NewDelete().Model((*membershipRow)(nil)).
		Where("organisation_id = ?", organisationID.String()).
		Where("person_id = ?", personID.String()).
		Exec(ctx)
	return deleted(res, err, "membership")
}

// Memberships returns the memberships f selects, ordered by organisation ID,
// then person ID.
func (s *Store) Memberships(ctx context.Context, f practice.MembershipFilter) ([]practice.Membership, error) {
	var rows []membershipRow
	q := s.db(ctx).NewSelect().Model(&rows).Order("organisation_id", "person_id")
	if f.OrganisationID != practice.NilID {
		q = q.Where("organisation_id = ?", f.OrganisationID.String())
	}
	if f.PersonID != practice.NilID {
		q = q.Where("person_id = ?", f.PersonID.String())
	}
	if err := q.Scan(ctx); err != nil {
		return nil, interpretError(err)
	}
	return convertAll(rows, membershipRow.domain)
}

// PutStaffRole gives a person a role at an institution; giving a role the
// person already has changes nothing. It returns practice.ErrNotFound if the
// institution or the person does not exist.
func (s *Store) PutStaffRole(ctx context.Context, sm practice.StaffMembership) error {
	row := staffRoleToRow(sm)
	_, err := s.db(ctx).NewInsert().Model(&row).On("CONFLICT DO NOTHING").Exec(ctx)
	return interpretError(err)
}

// DeleteStaffRole removes the role, or returns practice.ErrNotFound if the
// person did not have it.
func (s *Store) DeleteStaffRole(ctx context.Context, sm practice.StaffMembership) error {
	res, err := s.db(ctx).NewDelete().Model((*staffRoleRow)(nil)).
		Where("institution_id = ?", sm.InstitutionID.String()).
		Where("person_id = ?", sm.PersonID.String()).
		Where("role = ?", string(sm.Role)).
		Exec(ctx)
	return deleted(res, err, "staff role")
}

// StaffRoles returns the staff memberships f selects, ordered by institution
// ID, person ID, then role.
func (s *Store) StaffRoles(ctx context.Context, f practice.StaffFilter) ([]practice.StaffMembership, error) {
	var rows []staffRoleRow
	q := s.db(ctx).NewSelect().Model(&rows).Order("institution_id", "person_id", "role")
	if f.InstitutionID != practice.NilID {
		q = q.Where("institution_id = ?", f.InstitutionID.String())
	}
	if f.PersonID != practice.NilID {
		q = q.Where("person_id = ?", f.PersonID.String())
	}
	if err := q.Scan(ctx); err != nil {
		return nil, interpretError(err)
	}
	return convertAll(rows, staffRoleRow.domain)
}

// update runs q, an UPDATE of the row id of table, as an optimistic update:
// only if the stored version is version, and bumping it by one. When no row
// matches it tells the two reasons apart: practice.ErrNotFound if there is
// no row id, practice.ErrConflict if its version differs.
func (s *Store) update(ctx context.Context, q *bun.UpdateQuery, table, id string, version int) error {
	res, err := q.Set("version = version + 1").
		Where("id = ?", id).
		Where("version = ?", version).
		Exec(ctx)
	if err != nil {
		return interpretError(err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return interpretError(err)
	} else if n > 0 {
		return nil
	}
	exists, err := s.db(ctx).NewSelect().Table(table).Where("id = ?", id).Exists(ctx)
	if err != nil {
		return interpretError(err)
	}
	if !exists {
		return fmt.Errorf("sqlite: %s %s: %w", table, id, practice.ErrNotFound)
	}
	return fmt.Errorf("sqlite: %s %s: version %d is not the stored version: %w", table, id, version, practice.ErrConflict)
}

// deleted returns the outcome of a DELETE of one row: practice.ErrNotFound
// if there was none.
func deleted(res interface{ RowsAffected() (int64, error) }, err error, what string) error {
	if err != nil {
		return interpretError(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return interpretError(err)
	}
	if n == 0 {
		return fmt.Errorf("sqlite: %s: %w", what, practice.ErrNotFound)
	}
	return nil
}

// convertAll converts rows to domain values; it returns an empty, non-nil
// slice for no rows.
func convertAll[R, D any](rows []R, conv func(R) (D, error)) ([]D, error) {
	out := make([]D, 0, len(rows))
	for _, r := range rows {
		d, err := conv(r)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}
