package sqlite

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/praksis/praksis/practice"
)

// The row types mirror the tables of the migrations. They are the only types
// with bun tags; each converts to and from its domain type. IDs, dates and
// timestamps are held as text in the forms the migrations describe.

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

type organisationRow struct {
	bun.BaseModel `bun:"table:organisations"`

	ID        string `bun:"id,pk"`
	Name      string `bun:"name"`
	OrgNumber string `bun:"org_number"`
	Version   int    `bun:"version"`
	CreatedAt string `bun:"created_at"`
	UpdatedAt string `bun:"updated_at"`
}

func organisationToRow(o practice.Organisation) organisationRow {
	return organisationRow{
		ID: o.ID.String(), Name: o.Name, OrgNumber: o.OrgNumber, Version: o.Version,
		CreatedAt: formatTime(o.CreatedAt), UpdatedAt: formatTime(o.UpdatedAt),
	}
}

func (r organisationRow) domain() (practice.Organisation, error) {
	var c converter
	o := practice.Organisation{
		ID: c.id(r.ID), Name: r.Name, OrgNumber: r.OrgNumber, Version: r.Version,
		CreatedAt: c.time(r.CreatedAt), UpdatedAt: c.time(r.UpdatedAt),
	}
	return o, c.err("organisation", r.ID)
}

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

type placeVersionRow struct {
	bun.BaseModel `bun:"table:place_versions"`

	PlaceID   string `bun:"place_id,pk"`
	ValidFrom string `bun:"valid_from,pk"`
	Name      string `bun:"name"`
	ParentID  string `bun:"parent_id,nullzero"` // NULL for NilID
	Closed    bool   `bun:"closed"`
	CreatedAt string `bun:"created_at"`
}

func placeVersionToRow(v practice.PlaceVersion) placeVersionRow {
	return placeVersionRow{
		PlaceID: v.PlaceID.String(), ValidFrom: v.ValidFrom.String(), Name: v.Name,
		ParentID: nullID(v.ParentID), Closed: v.Closed, CreatedAt: formatTime(v.CreatedAt),
	}
}

func (r placeVersionRow) domain() (practice.PlaceVersion, error) {
	var c converter
	v := practice.PlaceVersion{
		PlaceID: c.id(r.PlaceID), ValidFrom: c.date(r.ValidFrom), Name: r.Name,
		ParentID: c.nullID(r.ParentID), Closed: r.Closed, CreatedAt: c.time(r.CreatedAt),
	}
	return v, c.err("place version of", r.PlaceID)
}

type personRow struct {
	bun.BaseModel `bun:"table:people"`

	ID         string `bun:"id,pk"`
	Name       string `bun:"name"`
	Email      string `bun:"email"`
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
		ID: p.ID.String(), Name: p.Name, Email: p.Email, Phone: p.Phone,
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

type membershipRow struct {
	bun.BaseModel `bun:"table:memberships"`

	OrganisationID string `bun:"organisation_id,pk"`
	PersonID       string `bun:"person_id,pk"`
	Right          string `bun:"right"`
}

func membershipToRow(m practice.Membership) membershipRow {
	return membershipRow{OrganisationID: m.OrganisationID.String(), PersonID: m.PersonID.String(), Right: string(m.Right)}
}

func (r membershipRow) domain() (practice.Membership, error) {
	var c converter
	m := practice.Membership{OrganisationID: c.id(r.OrganisationID), PersonID: c.id(r.PersonID), Right: practice.Right(r.Right)}
	return m, c.err("membership of", r.PersonID)
}

type staffRoleRow struct {
	bun.BaseModel `bun:"table:staff_roles"`

	InstitutionID string `bun:"institution_id,pk"`
	PersonID      string `bun:"person_id,pk"`
	Role          string `bun:"role,pk"`
}

func staffRoleToRow(s practice.StaffMembership) staffRoleRow {
	return staffRoleRow{InstitutionID: s.InstitutionID.String(), PersonID: s.PersonID.String(), Role: string(s.Role)}
}

func (r staffRoleRow) domain() (practice.StaffMembership, error) {
	var c converter
	s := practice.StaffMembership{InstitutionID: c.id(r.InstitutionID), PersonID: c.id(r.PersonID), Role: practice.StaffRole(r.Role)}
	return s, c.err("staff role of", r.PersonID)
}

// timeLayout is the stored form of a timestamp: UTC with exactly six
// fractional digits. Fixed width, so text order is time order.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// formatTime returns t in UTC in timeLayout, truncated to the microsecond,
// the precision every store keeps.
func formatTime(t time.Time) string {
	return t.UTC().Truncate(time.Microsecond).Format(timeLayout)
}

// nullID returns id as text, or "" (stored as NULL) for NilID.
func nullID(id practice.ID) string {
	if id == practice.NilID {
		return ""
	}
	return id.String()
}

// converter parses the text columns of one row, keeping the first error so
// a conversion reads as a plain struct literal. A stored value that does not
// parse means the database was written by something else than this adapter.
type converter struct{ first error }

func (c *converter) fail(err error) {
	if c.first == nil {
		c.first = err
	}
}

func (c *converter) id(s string) practice.ID {
	id, err := practice.ParseID(s)
	if err != nil {
		c.fail(fmt.Errorf("id %q: %w", s, err))
	}
	return id
}

// nullID parses an ID column that may be NULL (read as ""): NULL is NilID.
func (c *converter) nullID(s string) practice.ID {
	if s == "" {
		return practice.NilID
	}
	return c.id(s)
}

func (c *converter) date(s string) practice.Date {
	var d practice.Date
	if err := d.UnmarshalText([]byte(s)); err != nil {
		c.fail(err)
	}
	return d
}

func (c *converter) time(s string) time.Time {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		c.fail(fmt.Errorf("timestamp %q: %w", s, err))
	}
	return t.UTC()
}

// err returns the first conversion error, naming the row.
func (c *converter) err(what, id string) error {
	if c.first == nil {
		return nil
	}
	return fmt.Errorf("sqlite: stored %s %s: %w", what, id, c.first)
}
