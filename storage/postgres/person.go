package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/praksis/praksis/practice"
)

const personColumns = `id, name, email, phone, national_id, profile, version, created_at, updated_at`

// profileRow is a [practice.Profile] as stored in people.profile. It has
// its own JSON names, so the stored form does not follow the API's, and no
// omitempty, so an empty list and a nil list come back as they were given.
type profileRow struct {
	Teaches    []string `json:"teaches"`
	Supervises []string `json:"supervises"`
}

// nullNationalID returns the digits of n, or nil (SQL NULL) for the zero
// NationalID.
func nullNationalID(n practice.NationalID) any {
	if n.IsZero() {
		return nil
	}
	return n.Reveal()
}

func scanPerson(row pgx.Row) (practice.Person, error) {
	var (
		p          practice.Person
		nationalID *string
		profile    profileRow
	)
	// pgx decodes jsonb into profile with encoding/json.
	if err := row.Scan(&p.ID, &p.Name, &p.Email, &p.Phone, &nationalID, &profile, &p.Version, &p.CreatedAt, &p.UpdatedAt); err != nil {
		return practice.Person{}, err
	}
	if nationalID != nil {
		_ = p.NationalID.UnmarshalText([]byte(*nationalID)) // never fails
	}
	p.Profile = practice.Profile(profile)
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return p, nil
}

// profileJSON returns p as stored in people.profile.
func profileJSON(p practice.Profile) ([]byte, error) {
	b, err := json.Marshal(profileRow(p))
	if err != nil {
		return nil, fmt.Errorf("postgres: encode profile: %w", err)
	}
	return b, nil
}

// CreatePerson stores a new person. It returns ErrConflict if the ID, the
// Email (compared in lower case) or a non-zero NationalID is taken.
func (s *Store) CreatePerson(ctx context.Context, p practice.Person) error {
	profile, err := profileJSON(p.Profile)
	if err != nil {
		return err
	}
	_, err = s.db(ctx).Exec(ctx, `INSERT INTO people (`+personColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		p.ID, p.Name, p.Email, p.Phone, nullNationalID(p.NationalID), profile, p.Version, p.CreatedAt, p.UpdatedAt)
	return interpretError(err)
}

// UpdatePerson stores p (all but CreatedAt) under the rules of
// [Store.UpdateInstitution]; a taken Email or NationalID is ErrConflict.
func (s *Store) UpdatePerson(ctx context.Context, p practice.Person) error {
	profile, err := profileJSON(p.Profile)
	if err != nil {
		return err
	}
	tag, err := s.db(ctx).Exec(ctx, `UPDATE people SET name = $3, email = $4, phone = $5, national_id = $6, profile = $7,
		updated_at = $8, version = version + 1
		WHERE id = $1 AND version = $2`,
		p.ID, p.Version, p.Name, p.Email, p.Phone, nullNationalID(p.NationalID), profile, p.UpdatedAt)
	return s.updated(ctx, tag, err, "people", p.ID, p.Version)
}

// Person returns the person id, or ErrNotFound.
func (s *Store) Person(ctx context.Context, id practice.ID) (practice.Person, error) {
	p, err := scanPerson(s.db(ctx).QueryRow(ctx, `SELECT `+personColumns+` FROM people WHERE id = $1`, id))
	return p, interpretError(err)
}

// PersonByNationalID returns the person with that national identity number,
// or ErrNotFound; nobody has the zero NationalID.
func (s *Store) PersonByNationalID(ctx context.Context, n practice.NationalID) (practice.Person, error) {
	if n.IsZero() {
		return practice.Person{}, practice.ErrNotFound
	}
	p, err := scanPerson(s.db(ctx).QueryRow(ctx, `SELECT `+personColumns+` FROM people WHERE national_id = $1`, n.Reveal()))
	return p, interpretError(err)
}

// People returns the people f selects, ordered by name, then ID. The e-mail
// of PeopleFilter is compared in lower case.
func (s *Store) People(ctx context.Context, f practice.PeopleFilter) ([]practice.Person, error) {
	q := psql.Select(personColumns).From("people").OrderBy(`name COLLATE "C"`, "id")
	if f.OrganisationID != practice.NilID {
		q = q.Where("EXISTS (SELECT 1 FROM memberships m WHERE m.person_id = people.id AND m.organisation_id = ?)", f.OrganisationID)
	}
	if f.Email != "" {
		q = q.Where("lower(email) = lower(?)", f.Email)
	}
	return selectAll(ctx, s.db(ctx), scanPerson, q)
}
