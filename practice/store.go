package practice

import "context"

// The store contract. The interfaces below are what the use cases of this
// package consume; the adapters in storage/ implement them, and
// storage/storagetest checks that they do so alike. Each area of the kernel
// has a small interface of its own; [Store] joins them. The domain packages
// to come declare theirs the same way and embed [Transactor], so that one
// transaction can span the areas of several packages on one adapter.
//
// The rules every method follows:
//
//   - Every method takes ctx first. A method called with a context that an
//     InTx or InSnapshot callback received runs in that transaction.
//   - A method returns an error for which errors.Is reports ErrNotFound when
//     the record it names (or, for a create, a record it refers to) does not
//     exist, and ErrConflict when a create or update would duplicate a
//     unique value or an update names a stale version. A conflict is an
//     *Error that says which: Stale, or the Field whose value is taken. An
//     update checks, in this order: that the record exists, that its
//     version is the one given, then the unique values; a create checks the
//     ID before the other unique values, and those before the records it
//     refers to. Every such error is told in the domain's words: no driver
//     wording, constraint name or value.
//   - A Right or StaffRole that is not valid is refused with a
//     *ValidationError on "right" or "role", and nothing is stored.
//   - Creates store the record as given. Updates store the record with its
//     version plus one and never change CreatedAt (nor what the method says
//     it keeps).
//   - Times are stored and returned in UTC at microsecond precision: a
//     store returns t.UTC().Truncate(time.Microsecond) of a time t it was
//     given. Text round-trips byte for byte. A store need only take what
//     [Validate] lets through: text that is valid UTF-8 without NUL, and
//     dates from FirstDate to LastDate.
//   - Lists take a filter with a [PageRequest] and return a [Page] of at
//     most PageRequest.Size() items, ordered as each method says, with Next
//     set only if more items follow. Names compare by their UTF-8 bytes
//     (SQL's "C" collation), IDs by their bytes, so every adapter orders
//     alike. A malformed cursor is a *ValidationError on field "cursor".
//   - E-mail addresses are unique and looked up by [EmailKey]: Mixed@x.no
//     and mixed@x.no are the same address.

// Transactor runs functions in transactions.
type Transactor interface {
	// InTx runs fn in one transaction: every store call made with the
	// context fn receives is committed when fn returns nil and rolled back,
	// leaving nothing behind, when fn returns an error or panics (the panic
	// goes on). InTx returns fn's error unchanged.
	//
	// Called with a context that already carries a transaction of the
	// store, InTx runs fn in a nested transaction (a savepoint): what fn
	// did is rolled back if fn fails, and the outer transaction goes on;
	// it commits only with the outer one. So a store call that fails
	// inside InTx leaves the outer transaction usable. Called with a
	// context from InSnapshot, it returns an error.
	//
	// Store calls inside fn must use fn's context. Transactions of one
	// store may be serialised; a call made with another context while fn
	// runs may wait for fn to end. When a store call inside fn fails, fn
	// should return its error (or run the call in a nested InTx): a
	// database may refuse to go on with, or to commit, a transaction after
	// a failed statement, and InTx then returns an error of its own.
	InTx(ctx context.Context, fn func(ctx context.Context) error) error

	// InSnapshot runs fn in a read-only transaction: every read made with
	// the context fn receives sees one state of the store, as of some
	// moment before fn, untouched by writes made meanwhile. A write made
	// with that context returns an error, and so does InTx and Lock. Called
	// with a context that carries a transaction (InTx or InSnapshot),
	// InSnapshot runs fn in it. It returns fn's error unchanged.
	InSnapshot(ctx context.Context, fn func(ctx context.Context) error) error
}

// Locker takes locks that serialise transactions.
type Locker interface {
	// Lock takes an exclusive lock on (scope, id) until the transaction of
	// ctx ends: another transaction's Lock of the same scope and id waits
	// until then. Locks of other scopes or IDs do not wait for each other
	// (a store may lock more coarsely, never less). Lock neither reads nor
	// checks the record id names. It returns an error outside a transaction
	// of the store that may write (InTx's, or one of the caller's own that
	// an adapter was handed, such as with a WithTx of its own).
	Lock(ctx context.Context, scope LockScope, id ID) error
}

// LockScope names what a lock protects, such as an organisation's place
// structure. Each package declares the scopes it locks; a scope is the
// package's name, a dot and a noun.
type LockScope string

// The lock scopes of this package.
const (
	// LockStructure serialises changes to an organisation's place tree.
	LockStructure LockScope = "practice.structure"
	// LockRights serialises changes to the rights at an organisation.
	LockRights LockScope = "practice.rights"
)

// InstitutionStore stores study sites.
type InstitutionStore interface {
	// CreateInstitution stores a new institution. A taken ID is a conflict
	// on "id", a taken Code on "code".
	CreateInstitution(ctx context.Context, in Institution) error
	// UpdateInstitution stores in's Name, Code and UpdatedAt if the stored
	// version is in.Version. A taken Code is a conflict on "code".
	UpdateInstitution(ctx context.Context, in Institution) error
	// Institution returns the institution id, or ErrNotFound.
	Institution(ctx context.Context, id ID) (Institution, error)
	// Institutions returns the institutions f selects, ordered by name,
	// then ID.
	Institutions(ctx context.Context, f InstitutionFilter) (Page[Institution], error)
}

// InstitutionFilter selects institutions; its zero value selects the first
// page of all.
type InstitutionFilter struct {
	// Page is the page asked for.
	Page PageRequest
}

// OrganisationStore stores practice organisations.
type OrganisationStore interface {
	// CreateOrganisation stores a new organisation. A taken ID is a
	// conflict on "id", a taken OrgNumber on "orgNumber".
	CreateOrganisation(ctx context.Context, o Organisation) error
	// UpdateOrganisation stores o's Name, OrgNumber and UpdatedAt if the
	// stored version is o.Version. A taken OrgNumber is a conflict on
	// "orgNumber".
	UpdateOrganisation(ctx context.Context, o Organisation) error
	// Organisation returns the organisation id, or ErrNotFound.
	Organisation(ctx context.Context, id ID) (Organisation, error)
	// Organisations returns the organisations f selects, ordered by name,
	// then ID.
	Organisations(ctx context.Context, f OrganisationFilter) (Page[Organisation], error)
}

// OrganisationFilter selects organisations; its zero value selects the
// first page of all.
type OrganisationFilter struct {
	// OrgNumber, if set, selects the organisation with that number.
	OrgNumber string
	// Page is the page asked for.
	Page PageRequest
}

// PlaceStore stores places and the versions of their structure.
type PlaceStore interface {
	// CreatePlace stores a new place. A taken ID is a conflict on "id"; an
	// unknown organisation is ErrNotFound.
	CreatePlace(ctx context.Context, p Place) error
	// UpdatePlace stores p's Presentation and UpdatedAt if the stored
	// version is p.Version. It never changes the place's organisation.
	UpdatePlace(ctx context.Context, p Place) error
	// Place returns the place id, or ErrNotFound.
	Place(ctx context.Context, id ID) (Place, error)
	// Places returns the places f selects, ordered by ID.
	Places(ctx context.Context, f PlaceFilter) (Page[Place], error)
	// AddPlaceVersion stores a new version of a place's structure. An
	// unknown place or a non-nil ParentID that names no place is
	// ErrNotFound; a second version of the place from the same date is a
	// conflict on "from".
	AddPlaceVersion(ctx context.Context, v PlaceVersion) error
	// PlaceVersions returns the versions f selects, ordered by place ID,
	// then From.
	PlaceVersions(ctx context.Context, f PlaceVersionFilter) (Page[PlaceVersion], error)
}

// PlaceFilter selects places; its zero value selects the first page of
// all.
type PlaceFilter struct {
	// OrganisationID, if set, selects the organisation's places.
	OrganisationID ID
	// Page is the page asked for.
	Page PageRequest
}

// PlaceVersionFilter selects versions of places' structure; its zero value
// selects the first page of all.
type PlaceVersionFilter struct {
	// OrganisationID, if set, selects the versions of the organisation's
	// places.
	OrganisationID ID
	// PlaceID, if set, selects the versions of that place.
	PlaceID ID
	// Page is the page asked for.
	Page PageRequest
}

// PersonStore stores people.
type PersonStore interface {
	// CreatePerson stores a new person. A taken ID is a conflict on "id",
	// a taken e-mail (by EmailKey) on "email", a taken non-zero NationalID
	// on "nationalId". HasNationalID is not stored.
	CreatePerson(ctx context.Context, p Person) error
	// UpdatePerson stores p's Name, Email, Phone, NationalID, Profile and
	// UpdatedAt if the stored version is p.Version, with the conflicts of
	// CreatePerson.
	UpdatePerson(ctx context.Context, p Person) error
	// Person returns the person id, or ErrNotFound. HasNationalID is false.
	Person(ctx context.Context, id ID) (Person, error)
	// PersonByNationalID returns the person with that national identity
	// number, or ErrNotFound; nobody has the zero NationalID.
	PersonByNationalID(ctx context.Context, n NationalID) (Person, error)
	// People returns the people f selects, ordered by name, then ID.
	People(ctx context.Context, f PeopleFilter) (Page[Person], error)
}

// PeopleFilter selects people; its zero value selects the first page of
// all. Its fields combine.
type PeopleFilter struct {
	// OrganisationID, if set, selects the people with a right there.
	OrganisationID ID
	// Email, if set, selects the person with that e-mail, compared by
	// EmailKey.
	Email string
	// Query, if set, selects the people whose [SearchKey] contains
	// SearchKey(Query).
	Query string
	// Page is the page asked for.
	Page PageRequest
}

// MembershipStore stores people's rights at organisations.
type MembershipStore interface {
	// PutMembership gives a person a right at an organisation, replacing
	// the right they had there. An unknown organisation or person is
	// ErrNotFound.
	PutMembership(ctx context.Context, m Membership) error
	// DeleteMembership removes a person's right at an organisation, or
	// returns ErrNotFound if they had none.
	DeleteMembership(ctx context.Context, organisationID, personID ID) error
	// Memberships returns the memberships f selects, ordered by
	// organisation ID, then person ID.
	Memberships(ctx context.Context, f MembershipFilter) (Page[Membership], error)
}

// MembershipFilter selects memberships; its zero value selects the first
// page of all. Its fields combine.
type MembershipFilter struct {
	// OrganisationID, if set, selects the memberships at that organisation.
	OrganisationID ID
	// PersonID, if set, selects the memberships of that person.
	PersonID ID
	// Right, if set, selects the memberships with that right.
	Right Right
	// Page is the page asked for.
	Page PageRequest
}

// StaffStore stores people's roles at study sites.
type StaffStore interface {
	// PutStaffRole gives a person a role at an institution; giving a role
	// the person already has changes nothing. An unknown institution or
	// person is ErrNotFound.
	PutStaffRole(ctx context.Context, s StaffMembership) error
	// DeleteStaffRole removes the role, or returns ErrNotFound if the
	// person did not have it.
	DeleteStaffRole(ctx context.Context, s StaffMembership) error
	// StaffRoles returns the staff memberships f selects, ordered by
	// institution ID, person ID, then role.
	StaffRoles(ctx context.Context, f StaffFilter) (Page[StaffMembership], error)
}

// StaffFilter selects staff memberships; its zero value selects the first
// page of all. Its fields combine.
type StaffFilter struct {
	// InstitutionID, if set, selects the roles at that institution.
	InstitutionID ID
	// PersonID, if set, selects the roles of that person.
	PersonID ID
	// Role, if set, selects that role.
	Role StaffRole
	// Page is the page asked for.
	Page PageRequest
}

// Store is everything the kernel's [Service] consumes.
type Store interface {
	Transactor
	Locker
	InstitutionStore
	OrganisationStore
	PlaceStore
	PersonStore
	MembershipStore
	StaffStore
	AuditStore
}
