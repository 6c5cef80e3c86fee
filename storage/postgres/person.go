package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/praksis/praksis/practice"
)

const personColumns = `id, name, email, phone, national_id, profile, version, created_at, updated_at`

// personOrder is the order of People, and personKey a person's place in
// it.
var personOrder = []keyColumn{textKey("name"), idKey("id")}

func personKey(p practice.Person) []string { return []string{p.Name, p.ID.String()} }

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

// CreatePerson implements practice.PersonStore. Besides the person, it
// stores practice.EmailKey of the e-mail in email_key, which is unique, and
// practice.SearchKey in search_key, both computed here, so they never
// depend on the database's locale.
func (s *Store) CreatePerson(ctx context.Context, p practice.Person) error {
	profile, err := profileJSON(p.Profile)
	if err != nil {
		return err
	}
	_, err = s.exec(ctx, `INSERT INTO people (`+personColumns+`, email_key, search_key)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		p.ID, p.Name, p.Email, p.Phone, nullNationalID(p.NationalID), profile, p.Version, p.CreatedAt, p.UpdatedAt,
		practice.EmailKey(p.Email), practice.SearchKey(p))
	return err
}

// UpdatePerson implements practice.PersonStore, keeping email_key and
// search_key as CreatePerson does.
func (s *Store) UpdatePerson(ctx context.Context, p practice.Person) error {
	profile, err := profileJSON(p.Profile)
	if err != nil {
		return err
	}
	return s.update(ctx, "person", "people",
		`name = $3, email = $4, phone = $5, national_id = $6, profile = $7, updated_at = $8, email_key = $9, search_key = $10`,
		p.ID, p.Version, p.Name, p.Email, p.Phone, nullNationalID(p.NationalID), profile, p.UpdatedAt,
		practice.EmailKey(p.Email), practice.SearchKey(p))
}

// Person implements practice.PersonStore.
func (s *Store) Person(ctx context.Context, id practice.ID) (practice.Person, error) {
	return get(ctx, s.reader(ctx), scanPerson, "there is no person "+id.String(),
		`SELECT `+personColumns+` FROM people WHERE id = $1`, id)
}

// PersonByNationalID implements practice.PersonStore.
func (s *Store) PersonByNationalID(ctx context.Context, n practice.NationalID) (practice.Person, error) {
	const missing = "nobody has that national identity number"
	if n.IsZero() {
		return practice.Person{}, practice.NotFound(missing)
	}
	return get(ctx, s.reader(ctx), scanPerson, missing,
		`SELECT `+personColumns+` FROM people WHERE national_id = $1`, n.Reveal())
}

// likeEscaper escapes the characters that LIKE gives a meaning, with the
// escape character '\'.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// People implements practice.PersonStore. The e-mail of the filter is
// compared by email_key, and the query is found in search_key with LIKE.
func (s *Store) People(ctx context.Context, f practice.PeopleFilter) (practice.Page[practice.Person], error) {
	q := psql.Select(personColumns).From("people")
	if f.OrganisationID != practice.NilID {
		q = q.Where("EXISTS (SELECT 1 FROM memberships m WHERE m.person_id = people.id AND m.organisation_id = ?)", f.OrganisationID)
	}
	if f.Email != "" {
		q = q.Where("email_key = ?", practice.EmailKey(f.Email))
	}
	if query := practice.QueryKey(f.Query); query != "" {
		q = q.Where(`search_key LIKE ? ESCAPE E'\\'`, "%"+likeEscaper.Replace(query)+"%")
	}
	return list(ctx, s.reader(ctx), q, personOrder, f.Page, scanPerson, personKey)
}
