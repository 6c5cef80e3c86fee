package sqlite

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/praksis/praksis/practice"
)

// personRow is a row of the table people. EmailKey and SearchKey are
// computed from the person (practice.EmailKey and practice.SearchKey) so
// that SQL can compare by them; they are not read back.
type personRow struct {
	bun.BaseModel `bun:"table:people"`

	ID         string `bun:"id,pk"`
	Name       string `bun:"name"`
	Email      string `bun:"email"`
	EmailKey   string `bun:"email_key"`
	SearchKey  string `bun:"search_key"`
	Phone      string `bun:"phone"`
	NationalID string `bun:"national_id,nullzero"` // NULL when the person has none
	Profile    string `bun:"profile"`
	Version    int    `bun:"version"`
	CreatedAt  string `bun:"created_at"`
	UpdatedAt  string `bun:"updated_at"`
}

// profileJSON is the stored form of a practice.Profile. Unlike the domain
// type's JSON it keeps nil and empty lists apart (null and []), so a profile
// reads back exactly as it was stored.
type profileJSON struct {
	Teaches    []string `json:"teaches"`
	Supervises []string `json:"supervises"`
}

func personToRow(p practice.Person) (personRow, error) {
	profile, err := json.Marshal(profileJSON(p.Profile))
	if err != nil {
		return personRow{}, fmt.Errorf("sqlite: person %s: profile: %w", p.ID, err)
	}
	return personRow{
		ID: p.ID.String(), Name: p.Name, Email: p.Email,
		EmailKey: practice.EmailKey(p.Email), SearchKey: practice.SearchKey(p),
		Phone:      p.Phone,
		NationalID: p.NationalID.Reveal(), // "" for the zero value: stored as NULL
		Profile:    string(profile), Version: p.Version,
		CreatedAt: formatTime(p.CreatedAt), UpdatedAt: formatTime(p.UpdatedAt),
	}, nil
}

func (r personRow) domain() (practice.Person, error) {
	var c converter
	p := practice.Person{
		ID: c.id(r.ID), Name: r.Name, Email: r.Email, Phone: r.Phone, Version: r.Version,
		CreatedAt: c.time(r.CreatedAt), UpdatedAt: c.time(r.UpdatedAt),
	}
	if r.NationalID != "" {
		_ = p.NationalID.UnmarshalText([]byte(r.NationalID)) // never fails
	}
	var profile profileJSON
	if err := json.Unmarshal([]byte(r.Profile), &profile); err != nil {
		c.fail(fmt.Errorf("profile: %w", err))
	}
	p.Profile = practice.Profile(profile)
	return p, c.err("person", r.ID)
}

// personOrder is the order of People, by column; personKey gives the same
// key of a person.
var personOrder = []string{"name", "id"}

func personKey(p practice.Person) []string { return []string{p.Name, p.ID.String()} }

// CreatePerson implements practice.PersonStore.
func (s *Store) CreatePerson(ctx context.Context, p practice.Person) error {
	row, err := personToRow(p)
	if err != nil {
		return err
	}
	return s.insert(ctx, &row, "")
}

// UpdatePerson implements practice.PersonStore.
func (s *Store) UpdatePerson(ctx context.Context, p practice.Person) error {
	db, err := s.writer(ctx)
	if err != nil {
		return err
	}
	row, err := personToRow(p)
	if err != nil {
		return err
	}
	q := db.NewUpdate().Model(&row).
		Column("name", "email", "email_key", "search_key", "phone", "national_id", "profile", "updated_at")
	return s.update(ctx, q, "people", "person", p.ID, p.Version)
}

// Person implements practice.PersonStore.
func (s *Store) Person(ctx context.Context, id practice.ID) (practice.Person, error) {
	var row personRow
	if err := s.reader(ctx).NewSelect().Model(&row).Where("id = ?", id.String()).Scan(ctx); err != nil {
		return practice.Person{}, interpretError(err, "there is no person %s", id)
	}
	return row.domain()
}

// PersonByNationalID implements practice.PersonStore. The number is in no
// error it returns.
func (s *Store) PersonByNationalID(ctx context.Context, n practice.NationalID) (practice.Person, error) {
	const missing = "nobody has that national identity number"
	if n.IsZero() {
		return practice.Person{}, practice.NotFound(missing)
	}
	var row personRow
	if err := s.reader(ctx).NewSelect().Model(&row).Where("national_id = ?", n.Reveal()).Scan(ctx); err != nil {
		return practice.Person{}, interpretError(err, missing)
	}
	return row.domain()
}

// People implements practice.PersonStore. A query matches by instr(),
// which finds the query's text in the search key as strings.Contains does:
// no character of the query is a wildcard to escape, and no pragma changes
// how it compares (LIKE folds ASCII case unless case_sensitive_like is on).
// Neither can use an index for a text in the middle of the key.
func (s *Store) People(ctx context.Context, f practice.PeopleFilter) (practice.Page[practice.Person], error) {
	q := s.reader(ctx).NewSelect()
	if f.OrganisationID != practice.NilID {
		q = q.Where("id IN (SELECT person_id FROM memberships WHERE organisation_id = ?)", f.OrganisationID.String())
	}
	if f.Email != "" {
		q = q.Where("email_key = ?", practice.EmailKey(f.Email))
	}
	if query := practice.QueryKey(f.Query); query != "" {
		q = q.Where("instr(search_key, ?) > 0", query)
	}
	return list(ctx, q, f.Page, personOrder, personRow.domain, personKey)
}
