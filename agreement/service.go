package agreement

import (
	"context"

	"github.com/praksis/praksis/practice"
)

// Service runs the use cases of agreements. Every method that takes an
// actor checks it first and validates the input next; a refused or invalid
// call changes nothing. To someone logged in who may not see an agreement,
// it does not exist.
//
// Who may do what:
//
//   - the institution's practice administrators create, edit, activate,
//     review and terminate its agreements, and add and remove documents;
//   - its practice administrators and planners read its agreements, their
//     documents, coverage and the consistency report;
//   - an organisation's site administrators read the agreements with their
//     organisation that are not drafts, and their documents;
//   - nobody else sees an agreement.
type Service struct {
	store    Store
	blobs    Blobs
	ownBlobs bool // the blobs are the store's
	kernel   *practice.Service
	clock    practice.Clock
	newID    func() practice.ID
	horizon  int
	maxSize  int64
	types    []string
	checks   []Check
}

// Option configures a [Service].
type Option func(*Service)

// WithClock sets the clock (default practice.SystemClock); dates are taken
// in UTC.
func WithClock(c practice.Clock) Option { return func(s *Service) { s.clock = c } }

// WithIDs sets the source of new IDs (default practice.NewID).
func WithIDs(newID func() practice.ID) Option { return func(s *Service) { s.newID = newID } }

// WithHorizon sets how many days before its end an agreement counts as
// ending soon: it is reported, and its institution's practice
// administrators are reminded (default [DefaultHorizon]).
func WithHorizon(days int) Option { return func(s *Service) { s.horizon = days } }

// WithBlobs keeps the documents' bytes in b instead of the store. b's
// writes are not part of the store's transactions: a document whose
// transaction fails may leave its bytes behind in b, never referred to, and
// a document's bytes are removed from b after the removal of the document
// is committed.
func WithBlobs(b Blobs) Option { return func(s *Service) { s.blobs, s.ownBlobs = b, false } }

// WithMaxDocumentSize sets the largest document accepted, in bytes
// (default [DefaultMaxDocumentSize]).
func WithMaxDocumentSize(n int64) Option { return func(s *Service) { s.maxSize = n } }

// WithDocumentTypes sets the content types a document may have (default
// [DefaultDocumentTypes]), as github.com/gabriel-vasile/mimetype names them.
func WithDocumentTypes(types ...string) Option { return func(s *Service) { s.types = types } }

// WithChecks adds checks to the consistency report, after the built-in
// ones, such as the order findings of package capacity.
func WithChecks(checks ...Check) Option {
	return func(s *Service) { s.checks = append(s.checks, checks...) }
}

// The defaults of a [Service].
const (
	// DefaultHorizon is how many days before its end an agreement counts as
	// ending soon.
	DefaultHorizon = 90
	// DefaultMaxDocumentSize is the largest document accepted: 20 MiB.
	DefaultMaxDocumentSize = 20 << 20
)

// DefaultDocumentTypes are the content types a document may have by
// default: PDF, PNG and JPEG images (a scan), and Word and OpenDocument
// text. A Word or OpenDocument file must be a well-formed package of its
// type, without macros or executables in it.
var DefaultDocumentTypes = []string{
	"application/pdf",
	"image/png",
	"image/jpeg",
	typeDOCX,
	typeODT,
}

// Input is what an institution's practice administrator gives to create or
// edit an agreement.
type Input struct {
	// OrganisationID is the organisation; an edit cannot change it.
	OrganisationID practice.ID `json:"organisationId" validate:"required"`
	Name           string      `json:"name" validate:"required,max=200,visible"`
	// Places are the places of the organisation it covers.
	Places  []Covered       `json:"places" validate:"required,min=1,max=1000,dive"`
	Period  practice.Period `json:"period"`
	Renewal Renewal         `json:"renewal"`
	// Scope are the programme or field-of-study codes it is for; empty
	// means all.
	Scope []string `json:"scope,omitempty" validate:"max=100,dive,required,max=50,visible"`
	// Terms are its capacity terms.
	Terms []Term `json:"terms,omitempty" validate:"max=1000,dive"`
	// Status, on a create, is Draft (the default) or Active. An edit
	// leaves the status as it is: Status must be empty or the agreement's
	// (use Activate and Terminate).
	Status Status `json:"status,omitempty"`
}

// Termination is the notice that ends an agreement.
type Termination struct {
	// NoticeGiven is the date notice was given; zero means today.
	NoticeGiven practice.Date `json:"noticeGiven,omitzero"`
	// EndsOn, if set, is the last day asked for; it must respect the
	// notice. Zero means the earliest the notice allows.
	EndsOn practice.Date `json:"endsOn,omitzero"`
}

// CoverageQuery asks whether a place is covered for a whole period.
type CoverageQuery struct {
	InstitutionID practice.ID     `json:"institutionId" validate:"required"`
	PlaceID       practice.ID     `json:"placeId" validate:"required"`
	Period        practice.Period `json:"period"`
	// Programme, if set, counts only the agreements whose scope takes it.
	Programme string `json:"programme,omitempty" validate:"max=50"`
}

// Coverage is the answer to a [CoverageQuery].
type Coverage struct {
	PlaceID   practice.ID     `json:"placeId"`
	Period    practice.Period `json:"period"`
	Programme string          `json:"programme,omitempty"`
	// Covered is true if the place is covered every day of the period.
	Covered bool `json:"covered"`
	// Agreements are the agreements that cover it some day of the period,
	// ordered by ID.
	Agreements []practice.ID `json:"agreements"`
	// Gaps are the spans of the period when it is not, in date order, each
	// with the reason.
	Gaps []Gap `json:"gaps"`
}

// Gap is a span of days when a place is not covered.
type Gap struct {
	Period practice.Period `json:"period"`
	Reason Reason          `json:"reason"`
}

// Reason is why a place is not covered.
type Reason string

// The reasons a place is not covered, from the first that applies.
const (
	// NotOpen: the place does not exist yet, or is closed.
	NotOpen Reason = "not-open"
	// NoAgreement: no agreement of the institution with the organisation
	// is in force (for the programme, if one was asked for).
	NoAgreement Reason = "no-agreement"
	// NotCovered: agreements are in force, but the place is not among, nor
	// under, the places they cover, as the tree stands then.
	NotCovered Reason = "not-covered"
)

// OrderableQuery asks which places of an organisation an institution may
// order from for a whole period.
type OrderableQuery struct {
	InstitutionID  practice.ID     `json:"institutionId" validate:"required"`
	OrganisationID practice.ID     `json:"organisationId" validate:"required"`
	Period         practice.Period `json:"period"`
	Programme      string          `json:"programme,omitempty" validate:"max=50"`
}

// Orderable is a place covered for a whole period.
type Orderable struct {
	PlaceID practice.ID `json:"placeId"`
	// Name and ParentID are the place's as of the period's start.
	Name     string      `json:"name"`
	ParentID practice.ID `json:"parentId,omitzero"`
	// Agreements are the agreements that cover it in the period.
	Agreements []practice.ID `json:"agreements"`
}

// Report is the consistency report of an institution as of a date.
type Report struct {
	InstitutionID practice.ID   `json:"institutionId"`
	AsOf          practice.Date `json:"asOf"`
	// Horizon is how many days ahead an agreement counts as ending soon.
	Horizon int `json:"horizon"`
	// Findings are ordered by kind, then by the IDs of their objects.
	Findings []Finding `json:"findings"`
}

// FindingKind names what a [Finding] found. Checks from other packages add
// kinds of their own, as "package.noun-verb" or shorter.
type FindingKind string

// The kinds of finding of the built-in checks.
const (
	// FindingPlaceClosed: a place the agreement names is closed (until an
	// edit drops it from the agreement), or one it covered when it was
	// last reviewed was closed since.
	FindingPlaceClosed FindingKind = "place-closed"
	// FindingPlaceMoved: a place the agreement covered when it was last
	// reviewed is open but no longer under the places it covers.
	FindingPlaceMoved FindingKind = "place-moved"
	// FindingNoOpenPlace: the agreement is in force but covers no open
	// place.
	FindingNoOpenPlace FindingKind = "no-open-place"
	// FindingChanged: a place the agreement covers was renamed, moved
	// within it or added under it since it was last reviewed; a reviewer
	// acknowledges it with Review.
	FindingChanged FindingKind = "changed-since-review"
	// FindingExpiring: the agreement ends within the horizon and does not
	// renew.
	FindingExpiring FindingKind = "expiring"
)

// Finding is one disagreement between structure and agreements.
type Finding struct {
	Kind FindingKind `json:"kind"`
	// On is the date it happened or happens, such as the day a place was
	// closed or an agreement ends.
	On practice.Date `json:"on,omitzero"`
	// Objects are the objects involved, the agreement first.
	Objects []Object `json:"objects"`
	// Text says it in bokmål and English.
	Text Text `json:"text"`
}

// Object is an object a finding involves.
type Object struct {
	// Type is "agreement", "place" or a type of another package, such as
	// "order".
	Type string      `json:"type"`
	ID   practice.ID `json:"id"`
	Name string      `json:"name"`
}

// Text is a text in bokmål and English.
type Text struct {
	NB string `json:"nb"`
	EN string `json:"en"`
}

// Check is a check of the consistency report: it returns its findings on
// the report's input. It runs in the report's read-only transaction: ctx
// reads the same state of the store as in.
type Check func(ctx context.Context, in *ReportInput) ([]Finding, error)

// ReportInput is what the checks of a report work on.
type ReportInput struct {
	InstitutionID practice.ID
	AsOf          practice.Date
	Horizon       int
	// Agreements are the institution's agreements that are not drafts,
	// ordered by ID.
	Agreements []Agreement
	// Structure is the place structure of their organisations.
	Structure *Structure
}

// Impact is what a restructuring would do to agreements.
type Impact struct {
	// Result is the version of the place's structure the change would
	// add.
	Result practice.PlaceVersion `json:"result"`
	// Agreements are the agreements affected that the caller may read,
	// ordered by ID.
	Agreements []Affected `json:"agreements"`
	// Hidden counts the agreements affected of institutions whose
	// agreements the caller may not read.
	Hidden int `json:"hidden"`
}

// Affected is an agreement a restructuring would affect, and how.
type Affected struct {
	AgreementID   practice.ID `json:"agreementId"`
	InstitutionID practice.ID `json:"institutionId"`
	Name          string      `json:"name"`
	Effects       []Effect    `json:"effects"`
}

// Effect is what a restructuring would do to one place's coverage.
type Effect struct {
	Kind EffectKind `json:"kind"`
	// PlaceID is the place concerned, or NilID for NoOpenPlace.
	PlaceID practice.ID `json:"placeId,omitzero"`
	// Name is the place's name before the change.
	Name string `json:"name,omitempty"`
	// On is the first day it would take effect.
	On practice.Date `json:"on"`
}

// EffectKind names an [Effect].
type EffectKind string

// The effects of a restructuring on an agreement.
const (
	// Leaves: a covered place would no longer be covered.
	Leaves EffectKind = "leaves"
	// Joins: a place would become covered.
	Joins EffectKind = "joins"
	// Closes: a covered place would close.
	Closes EffectKind = "closes"
	// Renamed: a covered place would get a new name.
	Renamed EffectKind = "renamed"
	// NoOpenPlace: the agreement would cover no open place.
	NoOpenPlace EffectKind = "no-open-place"
)

// ListFilter selects the agreements a caller lists; its fields combine.
// At least InstitutionID or OrganisationID must be set: an institution's
// staff list its agreements, an organisation's administrators those with
// their organisation.
type ListFilter struct {
	InstitutionID  practice.ID
	OrganisationID practice.ID
	// Status, if set, selects the agreements with that status.
	Status Status
	Page   practice.PageRequest
}
