package practice

import "time"

// Institution is a study site: a university or college that sends students
// into practice.
type Institution struct {
	ID        ID        `json:"id"`
	Name      string    `json:"name"`
	Code      string    `json:"code"` // a short unique code, e.g. "NIH"
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// InstitutionInput is what a caller gives to create or edit an [Institution].
type InstitutionInput struct {
	Name string `json:"name" validate:"required,max=200,visible"`
	Code string `json:"code" validate:"required,max=20,printascii"`
}

// Organisation is a practice organisation (agreement partner): a hospital
// trust, a municipality, a school owner. It owns a tree of places.
type Organisation struct {
	ID        ID        `json:"id"`
	Name      string    `json:"name"`
	OrgNumber string    `json:"orgNumber"` // the Norwegian organisation number, unique
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// OrganisationInput is what a caller gives to create or edit an [Organisation].
type OrganisationInput struct {
	Name      string `json:"name" validate:"required,max=200,visible"`
	OrgNumber string `json:"orgNumber" validate:"required,orgnr"`
}

// Presentation is what a place shows of itself to the study site's staff and
// students. A site administrator may edit it. Description and Address may
// span lines; the other fields are single lines.
type Presentation struct {
	Description string `json:"description,omitempty" validate:"max=4000,multiline"`
	Address     string `json:"address,omitempty" validate:"max=500,multiline"`
	Email       string `json:"email,omitempty" validate:"omitempty,email,max=254"`
	Phone       string `json:"phone,omitempty" validate:"max=30"`
	// PictureRef is an https URL of a picture, or a file under /media/ on
	// the server, such as /media/akutt.jpg (see [ValidPictureRef]).
	PictureRef string `json:"pictureRef,omitempty" validate:"omitempty,max=500,pictureref"`
}

// Place is a node of an organisation's place tree: a department, a ward, a
// school, a unit. Its identity and presentation live here; its structure (name,
// parent, closed) lives in its effective-dated [PlaceVersion]s.
type Place struct {
	ID             ID           `json:"id"`
	OrganisationID ID           `json:"organisationId"`
	Presentation   Presentation `json:"presentation"`
	Version        int          `json:"version"`
	CreatedAt      time.Time    `json:"createdAt"`
	UpdatedAt      time.Time    `json:"updatedAt"`
}

// PlaceVersion is the structure of a place from the date From until the
// place's next version. Versions are only ever added.
type PlaceVersion struct {
	PlaceID   ID        `json:"placeId"`
	From      Date      `json:"from"` // the date this version takes effect
	Name      string    `json:"name"`
	ParentID  ID        `json:"parentId,omitzero"` // NilID: at the top of the organisation
	Closed    bool      `json:"closed,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
}

// NewPlace is what a caller gives to add a place to an organisation's tree.
type NewPlace struct {
	OrganisationID ID           `json:"organisationId" validate:"required"`
	ParentID       ID           `json:"parentId,omitzero"` // NilID: at the top of the organisation
	Name           string       `json:"name" validate:"required,max=200,visible"`
	From           Date         `json:"from" validate:"required"` // the place exists from this date
	Presentation   Presentation `json:"presentation"`
}

// StructureChange renames, moves or closes a place from a date on. The
// change is recorded as a new [PlaceVersion]; the tree before From is
// unchanged.
type StructureChange struct {
	PlaceID ID   `json:"placeId" validate:"required"`
	From    Date `json:"from" validate:"required"`
	// Name, if not empty, is the place's new name.
	Name string `json:"name,omitempty" validate:"omitempty,max=200,visible"`
	// ParentID, if not nil, is the place's new parent; a pointer to NilID
	// moves the place to the top of its organisation.
	ParentID *ID `json:"parentId,omitempty"`
	// Close closes the place; it cannot be combined with a rename or move.
	Close bool `json:"close,omitempty"`
}

// Profile is what a person teaches and supervises.
type Profile struct {
	Teaches    []string `json:"teaches,omitempty" validate:"max=50,dive,required,max=100,visible"`
	Supervises []string `json:"supervises,omitempty" validate:"max=50,dive,required,max=100,visible"`
}

// Person is a user: a site's coordinator or supervisor, a study site's staff
// member. The national identity number is optional and always masked when
// printed.
type Person struct {
	ID    ID     `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"` // unique by EmailKey; the service stores it in lower case
	Phone string `json:"phone,omitempty"`
	// NationalID is the national identity number, or the zero value when
	// the person has none or the reader may not see it (see
	// [Actor.CanSeeNationalID]).
	NationalID NationalID `json:"nationalId,omitzero"`
	// HasNationalID tells whether a national identity number is registered
	// for the person, also to a reader who may not see it. The [Service]
	// sets it; stores neither keep nor fill it.
	HasNationalID bool      `json:"hasNationalId"`
	Profile       Profile   `json:"profile"`
	Version       int       `json:"version"`
	CreatedAt     time.Time `json:"createdAt"`
	UpdatedAt     time.Time `json:"updatedAt"`
}

// PersonInput is what a caller gives to add a person.
type PersonInput struct {
	Name       string     `json:"name" validate:"required,max=200,visible"`
	Email      string     `json:"email" validate:"required,email,max=254"`
	Phone      string     `json:"phone,omitempty" validate:"max=30"`
	NationalID NationalID `json:"nationalId,omitzero" validate:"omitempty,natid"`
	Profile    Profile    `json:"profile"`
}

// PersonUpdate is what a caller gives to edit a person's contact details and
// profile. The national identity number is not edited here.
type PersonUpdate struct {
	Name    string  `json:"name" validate:"required,max=200,visible"`
	Email   string  `json:"email" validate:"required,email,max=254"`
	Phone   string  `json:"phone,omitempty" validate:"max=30"`
	Profile Profile `json:"profile"`
}

// Right is what a person may do at a practice organisation. Each right
// includes the ones below it: Admin includes Write, Write includes Read.
type Right string

// The rights, from the least to the most.
const (
	// Read sees the students allocated to the site.
	Read Right = "read"
	// Write also receives orders, returns capacity and adds supervisors to
	// activities.
	Write Right = "write"
	// Admin also invites and manages the site's users and edits place
	// information.
	Admin Right = "admin"
)

func (r Right) rank() int {
	switch r {
	case Read:
		return 1
	case Write:
		return 2
	case Admin:
		return 3
	}
	return 0
}

// Valid reports whether r is one of Read, Write and Admin.
func (r Right) Valid() bool { return r.rank() > 0 }

// Check returns nil if r is valid, and else a *ValidationError on the field
// "right".
func (r Right) Check() error {
	if !r.Valid() {
		return Invalid("right", "oneof", "must be one of: admin, write, read")
	}
	return nil
}

// Includes reports whether r grants at least s.
func (r Right) Includes(s Right) bool { return r.Valid() && r.rank() >= s.rank() }

// Membership is a person's right at an organisation.
type Membership struct {
	OrganisationID ID    `json:"organisationId"`
	PersonID       ID    `json:"personId"`
	Right          Right `json:"right"`
}

// StaffRole is a person's role at a study site.
type StaffRole string

// The staff roles.
const (
	// Administrator is the study site's practice administrator: maintains
	// organisations, place structures and agreements, manages the study
	// site's staff, and appoints the first site administrator.
	Administrator StaffRole = "administrator"
	// Planner plans the study site's practice: its activities, orders and
	// allocation rounds. In the kernel a planner sees what study site staff
	// see (the sites' people, the study site's staff) and changes nothing.
	Planner StaffRole = "planner"
	// Teacher is the students' academic contact at the study site.
	Teacher StaffRole = "teacher"
)

// Valid reports whether r is a known staff role.
func (r StaffRole) Valid() bool { return r == Administrator || r == Planner || r == Teacher }

// Check returns nil if r is valid, and else a *ValidationError on the field
// "role".
func (r StaffRole) Check() error {
	if !r.Valid() {
		return Invalid("role", "oneof", "must be one of: administrator, planner, teacher")
	}
	return nil
}

// StaffMembership is a person's staff role at an institution.
type StaffMembership struct {
	InstitutionID ID        `json:"institutionId"`
	PersonID      ID        `json:"personId"`
	Role          StaffRole `json:"role"`
}

// Member is a person with their right at one organisation.
type Member struct {
	Person Person `json:"person"`
	Right  Right  `json:"right"`
}
