package practice

import "context"

// Store is the storage the practice use cases consume. The adapters in
// storage/ implement it, and storage/storagetest checks that they do so alike.
//
// Every method takes ctx first. A method called with a context passed to
// an InTx callback runs in that transaction.
//
// Lists are returned in a stable order, named per method; names compare by
// their UTF-8 bytes (SQL's "C" collation), IDs by their bytes, so every
// adapter orders alike. A method that finds nothing to list returns an empty
// slice and no error.
type Store interface {
	// InTx runs fn in one transaction: every store call made with the context
	// fn receives is committed when fn returns nil and rolled back, leaving
	// nothing behind, when fn returns an error or panics. InTx returns fn's
	// error unchanged. InTx called with a context that already carries a
	// transaction joins it. Store calls inside fn must use fn's context.
	// When a store call inside fn fails, fn must return an error: a database
	// may refuse to go on with a transaction after a failed statement.
	InTx(ctx context.Context, fn func(ctx context.Context) error) error

	// CreateInstitution stores a new institution as given. It returns
	// ErrConflict if the ID or the Code is taken.
	CreateInstitution(ctx context.Context, in Institution) error
	// UpdateInstitution stores in if the stored version equals in.Version,
	// and stores it with version in.Version+1. It returns ErrNotFound if
	// there is no institution in.ID, ErrConflict if the stored version
	// differs or the Code is taken.
	UpdateInstitution(ctx context.Context, in Institution) error
	// Institution returns the institution id, or ErrNotFound.
	Institution(ctx context.Context, id ID) (Institution, error)
	// Institutions returns all institutions ordered by name, then ID.
	Institutions(ctx context.Context) ([]Institution, error)

	// CreateOrganisation stores a new organisation. It returns ErrConflict
	// if the ID or the OrgNumber is taken.
	CreateOrganisation(ctx context.Context, o Organisation) error
	// UpdateOrganisation works as UpdateInstitution; a taken OrgNumber is
	// ErrConflict.
	UpdateOrganisation(ctx context.Context, o Organisation) error
	// Organisation returns the organisation id, or ErrNotFound.
	Organisation(ctx context.Context, id ID) (Organisation, error)
	// LockOrganisation takes a lock on an organisation's place structure
	// until the transaction of ctx ends: another transaction's
	// LockOrganisation of the same organisation waits until then. It must be
	// called in a transaction. It returns ErrNotFound if there is no such
	// organisation.
	LockOrganisation(ctx context.Context, id ID) error
	// Organisations returns the organisations f selects, ordered by name,
	// then ID.
	Organisations(ctx context.Context, f OrganisationFilter) ([]Organisation, error)

	// CreatePlace stores a new place. It returns ErrConflict if the ID is
	// taken and ErrNotFound if the organisation does not exist.
	CreatePlace(ctx context.Context, p Place) error
	// UpdatePlace stores p's presentation under the rules of
	// UpdateInstitution. It never changes p's organisation.
	UpdatePlace(ctx context.Context, p Place) error
	// Place returns the place id, or ErrNotFound.
	Place(ctx context.Context, id ID) (Place, error)
	// Places returns the places of an organisation ordered by ID.
	Places(ctx context.Context, organisationID ID) ([]Place, error)
	// AddPlaceVersion stores a new version of a place's structure. It
	// returns ErrNotFound if the place (or a non-nil parent) does not exist,
	// and ErrConflict if the place already has a version from v.ValidFrom.
	AddPlaceVersion(ctx context.Context, v PlaceVersion) error
	// PlaceVersions returns every version of every place of an organisation,
	// ordered by place ID, then ValidFrom.
	PlaceVersions(ctx context.Context, organisationID ID) ([]PlaceVersion, error)

	// CreatePerson stores a new person. It returns ErrConflict if the ID,
	// the Email or a non-zero NationalID is taken.
	CreatePerson(ctx context.Context, p Person) error
	// UpdatePerson stores p under the rules of UpdateInstitution; a taken
	// Email or NationalID is ErrConflict.
	UpdatePerson(ctx context.Context, p Person) error
	// Person returns the person id, or ErrNotFound.
	Person(ctx context.Context, id ID) (Person, error)
	// PersonByNationalID returns the person with that national identity
	// number, or ErrNotFound.
	PersonByNationalID(ctx context.Context, n NationalID) (Person, error)
	// People returns the people f selects, ordered by name, then ID.
	People(ctx context.Context, f PeopleFilter) ([]Person, error)

	// PutMembership gives a person a right at an organisation, replacing the
	// right they had there. It returns ErrNotFound if the organisation or the
	// person does not exist.
	PutMembership(ctx context.Context, m Membership) error
	// DeleteMembership removes a person's right at an organisation, or
	// returns ErrNotFound if they had none.
	DeleteMembership(ctx context.Context, organisationID, personID ID) error
	// Memberships returns the memberships f selects, ordered by
	// organisation ID, then person ID.
	Memberships(ctx context.Context, f MembershipFilter) ([]Membership, error)

	// PutStaffRole gives a person a role at an institution; giving a role
	// the person already has changes nothing. It returns ErrNotFound if the
	// institution or the person does not exist.
	PutStaffRole(ctx context.Context, s StaffMembership) error
	// DeleteStaffRole removes the role, or returns ErrNotFound if the person
	// did not have it.
	DeleteStaffRole(ctx context.Context, s StaffMembership) error
	// StaffRoles returns the staff memberships f selects, ordered by
	// institution ID, person ID, then role.
	StaffRoles(ctx context.Context, f StaffFilter) ([]StaffMembership, error)
}
