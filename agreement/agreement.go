// Package agreement keeps the agreements between a study site and a
// practice organisation: which of the organisation's places they cover,
// from a start date to an optional end date, renewing or not, for which
// programmes, with what capacity terms and the signed documents attached.
// It answers whether a place is covered for a whole period, and which places
// an institution may order from, across renewals, consecutive agreements and
// restructurings of the place tree; it previews what a restructuring would
// do to agreements; and it reports, for an institution as of a date, every
// place where structure and agreements disagree.
//
// The package is pure: it declares the [Store] it consumes and runs the use
// cases in a [Service]. Reminders of agreements about to end leave through
// the outbox ([practice.Publisher]) as events of the kinds below.
//
// # Coverage
//
// An agreement in force on a date covers, on that date, each place it names
// and, unless the place is named with Only, every place under it in the
// tree as it stands on that date. So a place moved out from under a covered
// place is not covered from the day it moved, and a place moved in is. An
// agreement is in force from its start to its end ([Agreement.EndsOn]): an
// active agreement that renews automatically has no end until it is
// terminated with notice; a draft is never in force. A place is covered for
// a period when every day of it some agreement covers it, so consecutive
// agreements without a gap cover together.
//
// # Errors
//
// The service returns the errors of package practice: *practice.Error with
// ErrNotFound, ErrConflict or ErrForbidden, and *practice.ValidationError.
package agreement

import (
	"context"
	"io"
	"time"

	"github.com/praksis/praksis/practice"
)

// Status is where an agreement is in its life.
type Status string

// The statuses of an agreement.
const (
	// Draft: being prepared; it covers nothing.
	Draft Status = "draft"
	// Active: in force from its start to its end.
	Active Status = "active"
	// Terminated: notice was given; in force until its end, which the
	// notice set, and it no longer renews.
	Terminated Status = "terminated"
)

// Valid reports whether s is a status.
func (s Status) Valid() bool { return s == Draft || s == Active || s == Terminated }

// Check returns nil if s is valid, and else a *practice.ValidationError on
// the field "status".
func (s Status) Check() error {
	if !s.Valid() {
		return practice.Invalid("status", "oneof", "must be one of: draft, active, terminated")
	}
	return nil
}

// Agreement is an agreement between one institution (study site) and one
// practice organisation.
type Agreement struct {
	ID             practice.ID `json:"id"`
	InstitutionID  practice.ID `json:"institutionId"`
	OrganisationID practice.ID `json:"organisationId"`
	// Name is what the parties call it, such as "Samarbeidsavtale 2027".
	Name string `json:"name"`
	// Places are the places it covers, ordered by place ID.
	Places []Covered `json:"places"`
	// Period is from its start to its end as signed; End is zero for an
	// agreement without end, and for a renewing one the end of its first
	// term. See EndsOn for the end in force.
	Period practice.Period `json:"period"`
	// Renewal says whether and how it renews.
	Renewal Renewal `json:"renewal"`
	// Scope are the programmes or fields of study it is for, in code
	// order; empty means all.
	Scope []string `json:"scope"`
	// Terms are its capacity terms, ordered by programme, then year.
	Terms  []Term `json:"terms"`
	Status Status `json:"status"`
	// NoticeGiven is the date notice of termination was given, once
	// terminated.
	NoticeGiven practice.Date `json:"noticeGiven,omitzero"`
	// ReviewedOn is the date as of which its coverage was last reviewed
	// against the place structure: set when it is created, when its places
	// change and when a reviewer acknowledges the changes since. The
	// consistency report shows the structure's changes effective on it
	// and after.
	ReviewedOn practice.Date `json:"reviewedOn"`
	// ReviewedBy is who reviewed it last, or NilID for the system.
	ReviewedBy practice.ID `json:"reviewedBy,omitzero"`
	// ExpiryNotified is the end date whose reminder was sent, if one was.
	ExpiryNotified practice.Date `json:"expiryNotified,omitzero"`
	Version        int           `json:"version"`
	CreatedAt      time.Time     `json:"createdAt"`
	UpdatedAt      time.Time     `json:"updatedAt"`
}

// Covered is a place an agreement names.
type Covered struct {
	PlaceID practice.ID `json:"placeId"`
	// Only, if true, covers the place alone; else the agreement covers the
	// place and every place under it, as the tree stands on each date.
	Only bool `json:"only,omitempty"`
}

// Renewal is how an agreement renews. The zero Renewal does not renew.
type Renewal struct {
	// Months, if not zero, renews the agreement automatically at the end of
	// each term for another term of so many months, until it is terminated.
	Months int `json:"months,omitempty"`
	// NoticeDays is the notice of termination, in days: the agreement ends
	// at the end of the first term that ends at least so many days after
	// notice is given (for one that does not renew, so many days after
	// notice, or at its end if that comes first).
	NoticeDays int `json:"noticeDays,omitempty"`
}

// Term is a capacity term: how many students of a programme the
// organisation takes in an academic year, and how many of them at once.
type Term struct {
	// Programme is the programme or field of study, such as "SYKEPLEIE".
	Programme string `json:"programme" validate:"required,max=50,visible"`
	// AcademicYear is the year the academic year starts: 2027 is the
	// academic year from 1 August 2027 to 31 July 2028.
	AcademicYear int `json:"academicYear"`
	// Students is how many students it takes in the year.
	Students int `json:"students"`
	// AtOnce is how many it takes at the same time, at most Students.
	AtOnce int `json:"atOnce"`
}

// AcademicYear returns the period of the academic year that starts in year:
// 1 August to 31 July.
func AcademicYear(year int) practice.Period {
	return practice.Period{Start: practice.NewDate(year, time.August, 1), End: practice.NewDate(year+1, time.July, 31)}
}

// Document is a file attached to an agreement, such as the signed PDF.
// Its bytes are kept apart, in the service's [Blobs], under its ID.
type Document struct {
	ID          practice.ID `json:"id"`
	AgreementID practice.ID `json:"agreementId"`
	// Name is the file's name as uploaded, without any directory.
	Name string `json:"name"`
	// ContentType is the type its content was found to have, such as
	// "application/pdf"; the name and the uploader's word play no part.
	ContentType string `json:"contentType"`
	// Size is its length in bytes.
	Size int64 `json:"size"`
	// SHA256 is the hex SHA-256 digest of its content.
	SHA256     string      `json:"sha256"`
	UploadedBy practice.ID `json:"uploadedBy,omitzero"`
	CreatedAt  time.Time   `json:"createdAt"`
}

// Store is what the [Service] consumes: agreements and their documents, the
// kernel's institutions, organisations, places and people, and the outbox,
// all in one transaction; and, by default, the documents' bytes.
type Store interface {
	practice.Store
	practice.Publisher
	AgreementStore
	DocumentStore
	Blobs
}

// AgreementStore stores agreements. A Status that is not valid is refused
// with a *practice.ValidationError on "status", and nothing is stored. A
// store need only take agreements whose Places name distinct places and
// whose Terms name distinct programme and year pairs (the service checks
// them), with a ReviewedOn.
type AgreementStore interface {
	// CreateAgreement stores a new agreement with its places and terms. A
	// taken ID is a conflict on "id"; an unknown institution, organisation
	// or place, or a non-nil ReviewedBy that names no person, is
	// ErrNotFound.
	CreateAgreement(ctx context.Context, a Agreement) error
	// UpdateAgreement stores everything of a but its ID, InstitutionID,
	// OrganisationID and CreatedAt (its places and terms replace the
	// stored ones) if the stored version is a.Version, with the
	// ErrNotFound of CreateAgreement.
	UpdateAgreement(ctx context.Context, a Agreement) error
	// Agreement returns the agreement id with its places and terms, or
	// ErrNotFound.
	Agreement(ctx context.Context, id practice.ID) (Agreement, error)
	// Agreements returns the agreements f selects, ordered by ID.
	Agreements(ctx context.Context, f Filter) (Page, error)
	// Coverage returns in one read, not paged, the agreements f selects that
	// are not drafts, ordered by ID, with every version of every place of
	// their organisations (and of f.OrganisationID's, and f.PlaceID's
	// organisation's, when set, even without agreements): each place's
	// versions together, in From order, the places in any order. A
	// database adapter reads it in a fixed number of
	// statements, whatever the number of agreements and places (never one
	// per agreement or per place, nor one to find a PlaceID's
	// organisation). An unknown PlaceID gives an empty set.
	Coverage(ctx context.Context, f CoverageFilter) (CoverageSet, error)
}

// Page is a page of agreements.
type Page = practice.Page[Agreement]

// Filter selects agreements; its zero value selects the first page of all.
// Its fields combine.
type Filter struct {
	// InstitutionID, if set, selects the institution's agreements.
	InstitutionID practice.ID
	// OrganisationID, if set, selects the agreements with that
	// organisation.
	OrganisationID practice.ID
	// PlaceID, if set, selects the agreements that name that place.
	PlaceID practice.ID
	// Status, if set, selects the agreements with that status.
	Status Status
	// EndsWithin, if its Start is set, selects the agreements that end in
	// that period: the active ones that do not renew (Renewal.Months is
	// zero) and the terminated ones, whose Period.End lies in it.
	EndsWithin practice.Period
	// Page is the page asked for.
	Page practice.PageRequest
}

// CoverageFilter selects what [AgreementStore.Coverage] reads. At least
// one field must be set (the zero filter is a *practice.ValidationError on
// "filter"); they combine.
type CoverageFilter struct {
	// InstitutionID, if set, selects the institution's agreements.
	InstitutionID practice.ID
	// OrganisationID, if set, selects the agreements with that
	// organisation.
	OrganisationID practice.ID
	// PlaceID, if set, selects the agreements with the organisation of
	// that place.
	PlaceID practice.ID
}

// CoverageSet is what coverage is computed from.
type CoverageSet struct {
	Agreements []Agreement
	Versions   []practice.PlaceVersion
}

// DocumentStore stores what is known of documents; their bytes are in
// [Blobs].
type DocumentStore interface {
	// CreateDocument stores a new document. A taken ID is a conflict on
	// "id"; an unknown agreement, or a non-nil UploadedBy that names no
	// person, is ErrNotFound.
	CreateDocument(ctx context.Context, d Document) error
	// Document returns the document id, or ErrNotFound.
	Document(ctx context.Context, id practice.ID) (Document, error)
	// Documents returns the documents f selects, ordered by ID.
	Documents(ctx context.Context, f DocumentFilter) (practice.Page[Document], error)
	// DeleteDocument removes the document id, or returns ErrNotFound.
	DeleteDocument(ctx context.Context, id practice.ID) error
}

// DocumentFilter selects documents; its zero value selects the first page
// of all.
type DocumentFilter struct {
	// AgreementID, if set, selects the agreement's documents.
	AgreementID practice.ID
	// Page is the page asked for.
	Page practice.PageRequest
}

// Blobs keeps the bytes of documents, each under a key. The stores of
// package storage keep them in their database, in the transaction of ctx;
// an embedding application may keep them elsewhere, such as in an object
// store, with [WithBlobs].
type Blobs interface {
	// PutBlob stores the bytes r yields under key. A taken key is a
	// conflict on "id".
	PutBlob(ctx context.Context, key practice.ID, r io.Reader) error
	// OpenBlob returns a reader of the bytes under key, or ErrNotFound.
	// The reader may read them as it goes, with ctx: in the transaction of
	// ctx while it lasts, and outside it once it has ended. The caller
	// closes it.
	OpenBlob(ctx context.Context, key practice.ID) (io.ReadCloser, error)
	// DeleteBlob removes the bytes under key, or returns ErrNotFound.
	DeleteBlob(ctx context.Context, key practice.ID) error
}

// LockAgreement serialises changes to one agreement.
const LockAgreement practice.LockScope = "agreement.agreement"

// The kinds of event the package publishes.
const (
	// EventSweep asks for a sweep for agreements about to end (see
	// [Service.Sweep]); a deliverer publishes it periodically.
	EventSweep = "agreement.sweep"
	// EventExpiring asks for the mail that tells one of an institution's
	// practice administrators that an agreement ends soon (see
	// [Service.ExpiryMail]). Its payload is an [ExpiryRef].
	EventExpiring = "agreement.expiring"
)

// ExpiryRef is the payload of an [EventExpiring] event.
type ExpiryRef struct {
	AgreementID practice.ID   `json:"agreementId"`
	PersonID    practice.ID   `json:"personId"`
	EndsOn      practice.Date `json:"endsOn"`
}

// ExpiryMail is what a reminder of an agreement's end says, for the
// delivery code to render and send.
type ExpiryMail struct {
	AgreementID      practice.ID   `json:"agreementId"`
	To               string        `json:"to"`
	Name             string        `json:"name"`
	AgreementName    string        `json:"agreementName"`
	InstitutionName  string        `json:"institutionName"`
	OrganisationName string        `json:"organisationName"`
	EndsOn           practice.Date `json:"endsOn"`
	// DaysLeft is the number of days from the day the mail is made to
	// EndsOn.
	DaysLeft int `json:"daysLeft"`
}
