package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/praksis/praksis/agreement"
	"github.com/praksis/praksis/practice"
)

// The routes of agreements between study sites and practice organisations:
// the agreements themselves, their documents, coverage, the places an
// institution may order from, the consistency report, and the preview of a
// restructuring.

// tagAgreements is the tag of the agreements' operations.
var tagAgreements = []string{"Agreements"}

// multipartSlack is what an upload's body may hold besides the document:
// the boundaries and the part's headers.
const multipartSlack = 64 << 10

// AgreementCreate is the body of POST /api/institutions/{id}/agreements.
type AgreementCreate struct {
	OrganisationID practice.ID `json:"organisationId" doc:"The practice organisation."`
	Name           string      `json:"name" doc:"What the parties call the agreement, such as Samarbeidsavtale 2027."`
	// Places are the places of the organisation the agreement covers.
	Places []agreement.Covered `json:"places" doc:"The places of the organisation it covers (1 to 1000), each with every place under it unless only is true."`
	// Period is from the start to the end as signed.
	Period practice.Period `json:"period" doc:"From its start to its end as signed; without end for an agreement without end. For one that renews, end is the end of its first term."`
	// Renewal says whether and how the agreement renews.
	Renewal agreement.Renewal `json:"renewal,omitzero" doc:"Whether and how it renews; absent, it does not renew and has no notice."`
	// Scope are the programmes the agreement is for.
	Scope []string `json:"scope,omitempty" doc:"The programme or field-of-study codes it is for, such as SYKEPLEIE; absent or empty for all."`
	// Terms are the capacity terms.
	Terms []agreement.Term `json:"terms,omitempty" doc:"Its capacity terms: how many students of a programme the organisation takes in an academic year."`
	// Status is draft (the default) or active.
	Status string `json:"status,omitempty" enum:"draft,active" doc:"draft (the default), which covers nothing, or active. An edit leaves the status as it is: it must be absent or the agreement's."`
}

// input returns the service's input of the body.
func (b AgreementCreate) input() agreement.Input {
	return agreement.Input{OrganisationID: b.OrganisationID, Name: b.Name, Places: b.Places, Period: b.Period,
		Renewal: b.Renewal, Scope: b.Scope, Terms: b.Terms, Status: agreement.Status(b.Status)}
}

// AgreementUpdate is the body of PUT /api/agreements/{id}: the agreement as
// it is to be, and the version the client read.
type AgreementUpdate struct {
	AgreementCreate
	// Version is the version the client read.
	Version int `json:"version" maximum:"2147483647" doc:"The version the client read; a stale one is 409."`
}

// AgreementVersion is the body of POST /api/agreements/{id}/activate.
type AgreementVersion struct {
	// Version is the version the client read.
	Version int `json:"version" maximum:"2147483647" doc:"The version the client read; a stale one is 409."`
}

// AgreementTermination is the body of POST /api/agreements/{id}/terminate.
type AgreementTermination struct {
	// Version is the version the client read.
	Version int `json:"version" maximum:"2147483647" doc:"The version the client read; a stale one is 409."`
	// NoticeGiven is the date notice was given.
	NoticeGiven practice.Date `json:"noticeGiven,omitzero" doc:"The date notice was given; by default today."`
	// EndsOn is the last day asked for.
	EndsOn practice.Date `json:"endsOn,omitzero" doc:"The last day asked for, which the notice must allow; by default the earliest the notice allows."`
}

// AgreementReview is the body of POST /api/agreements/{id}/review.
type AgreementReview struct {
	// Version is the version the client read.
	Version int `json:"version" maximum:"2147483647" doc:"The version the client read; a stale one is 409."`
	// On is the date up to which the changes are acknowledged.
	On practice.Date `json:"on,omitzero" doc:"The date up to which the changes of the place structure are acknowledged; by default today."`
}

// AgreementsQuery is the parameters of GET
// /api/institutions/{id}/agreements.
type AgreementsQuery struct {
	PathID
	OrganisationID string `query:"organisationId" format:"uuid" pattern:"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$" doc:"Only the agreements with this organisation."`
	Status         string `query:"status" enum:"draft,active,terminated" doc:"Only the agreements with this status."`
	PageQuery
}

// OrganisationAgreementsQuery is the parameters of GET
// /api/organisations/{id}/agreements.
type OrganisationAgreementsQuery struct {
	PathID
	Status string `query:"status" enum:"draft,active,terminated" doc:"Only the agreements with this status; an organisation sees no drafts."`
	PageQuery
}

// DocumentPath is the parameters {id} and {documentId} of the path of an
// agreement's document.
type DocumentPath struct {
	PathID
	DocumentID practice.ID `path:"documentId" doc:"The document."`
}

// CoverageParams is the parameters of GET /api/institutions/{id}/coverage.
type CoverageParams struct {
	PathID
	PlaceID   string `query:"placeId" required:"true" format:"uuid" pattern:"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$" doc:"The place."`
	Start     string `query:"start" required:"true" format:"date" doc:"The first day of the period, YYYY-MM-DD."`
	End       string `query:"end" format:"date" doc:"The last day of the period, YYYY-MM-DD; absent for a period without end."`
	Programme string `query:"programme" maxLength:"50" doc:"Count only the agreements whose scope takes this programme."`
}

// OrderableParams is the parameters of GET /api/institutions/{id}/orderable.
type OrderableParams struct {
	PathID
	OrganisationID string `query:"organisationId" required:"true" format:"uuid" pattern:"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$" doc:"The organisation."`
	Start          string `query:"start" required:"true" format:"date" doc:"The first day of the period, YYYY-MM-DD."`
	End            string `query:"end" format:"date" doc:"The last day of the period, YYYY-MM-DD; absent for a period without end."`
	Programme      string `query:"programme" maxLength:"50" doc:"Count only the agreements whose scope takes this programme."`
}

// ReportParams is the parameters of GET /api/institutions/{id}/consistency.
type ReportParams struct {
	PathID
	AsOf string `query:"asOf" required:"true" format:"date" doc:"The date of the report, YYYY-MM-DD."`
}

// documentUpload is the input of POST /api/agreements/{id}/documents: the
// agreement, and the request, whose multipart body the handler reads as it
// goes rather than all at once.
type documentUpload struct {
	PathID
	req *http.Request
	w   http.ResponseWriter
}

// Resolve keeps the request and its writer.
func (u *documentUpload) Resolve(ctx huma.Context) []error {
	u.req, u.w = humago.Unwrap(ctx)
	return nil
}

// documentDownload is the answer of GET
// /api/agreements/{id}/documents/{documentId}: the document's bytes.
type documentDownload struct {
	ContentLength      int64  `header:"Content-Length" doc:"The document's size in bytes."`
	ContentDisposition string `header:"Content-Disposition" doc:"Always attachment, with the document's name as filename (RFC 2231 encoded when it is not plain ASCII)."`
	Body               func(huma.Context)
}

// The schemas of the agreements' enumerations.
type (
	// agreementStatusSchema documents agreement.Status.
	agreementStatusSchema struct{}
	// reasonSchema documents agreement.Reason.
	reasonSchema struct{}
	// findingKindSchema documents agreement.FindingKind.
	findingKindSchema struct{}
	// effectKindSchema documents agreement.EffectKind.
	effectKindSchema struct{}
)

// Schema returns the status of an agreement.
func (agreementStatusSchema) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: huma.TypeString, Enum: []any{"draft", "active", "terminated"},
		Description: "Where an agreement is in its life: draft (being prepared; it covers nothing), active (in force from its " +
			"start to its end) or terminated (notice was given: in force until its end, which the notice set, and it no longer renews)."}
}

// Schema returns why a place is not covered.
func (reasonSchema) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: huma.TypeString, Enum: []any{"not-open", "no-agreement", "not-covered"},
		Description: "Why a place is not covered, the first that applies: not-open (the place does not exist yet, or is closed), " +
			"no-agreement (no agreement with the organisation is in force, for the programme if one was asked for) or " +
			"not-covered (agreements are in force, but the place is neither among nor under the places they cover)."}
}

// Schema returns what a finding of the consistency report found. Checks
// may add kinds, so the values are documented, not enumerated.
func (findingKindSchema) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: huma.TypeString, Examples: []any{"place-closed"},
		Description: "What was found: place-closed (a place the agreement covers is closed), place-moved (a place it covered " +
			"when last reviewed was moved out from under its places), no-open-place (it is in force but covers no open place), " +
			"changed-since-review (a place it covers was renamed, moved within it or added under it since it was last reviewed), " +
			"expiring (it ends within the horizon and does not renew). Checks the server is configured with may add kinds of " +
			"their own, named package.noun-verb or shorter."}
}

// Schema returns what a restructuring would do to a place's coverage.
func (effectKindSchema) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: huma.TypeString, Enum: []any{"leaves", "joins", "closes", "renamed", "no-open-place"},
		Description: "What the restructuring would do: leaves (a covered place would no longer be covered), joins (a place " +
			"would become covered), closes (a covered place would close), renamed (a covered place would get a new name) or " +
			"no-open-place (the agreement would cover no open place)."}
}

// The descriptions of the fields of the agreements' schemas, whose types
// carry none.
var (
	agreementFields = map[string]string{
		"id":             "The agreement's ID.",
		"institutionId":  "The study site.",
		"organisationId": "The practice organisation.",
		"name":           "What the parties call it.",
		"places":         "The places it covers, ordered by place ID.",
		"period":         "From its start to its end as signed; without end for an agreement without end, and for one that renews the end of its first term.",
		"renewal":        "Whether and how it renews.",
		"scope":          "The programmes it is for, in code order; empty for all.",
		"terms":          "Its capacity terms, ordered by programme, then year.",
		"noticeGiven":    "The date notice of termination was given, once terminated.",
		"reviewedOn":     "The date as of which its coverage was last reviewed against the place structure; the consistency report shows the changes after it.",
		"reviewedBy":     "Who reviewed it last; absent if the system did.",
		"expiryNotified": "The end date whose reminder was sent, if one was.",
		"version":        "The version of the record.",
		"createdAt":      "When it was created.",
		"updatedAt":      "When it last changed.",
	}
	coveredFields = map[string]string{
		"placeId": "The place.",
		"only":    "If true, the place alone is covered; else the place and every place under it, as the tree stands on each date.",
	}
	renewalFields = map[string]string{
		"months":     "If not 0, the agreement renews at the end of each term for another term of so many months (1 to 120), until it is terminated.",
		"noticeDays": "The notice of termination in days (0 to 3650): a renewing agreement ends at the end of the first term that ends at least so many days after notice is given.",
	}
	termFields = map[string]string{
		"programme":    "The programme or field of study, such as SYKEPLEIE.",
		"academicYear": "The year the academic year starts: 2027 is 1 August 2027 to 31 July 2028.",
		"students":     "How many students it takes in the year.",
		"atOnce":       "How many of them at the same time, at most students.",
	}
	documentFields = map[string]string{
		"id":          "The document's ID.",
		"agreementId": "The agreement it is attached to.",
		"name":        "The file's name as uploaded, without any directory.",
		"contentType": "The type its content was found to have, such as application/pdf; neither the name nor the uploader's word plays a part.",
		"size":        "Its length in bytes.",
		"sha256":      "The hex SHA-256 digest of its content.",
		"uploadedBy":  "Who uploaded it.",
		"createdAt":   "When it was uploaded.",
	}
	coverageFields = map[string]string{
		"placeId":    "The place asked about.",
		"period":     "The period asked about.",
		"programme":  "The programme asked about, if any.",
		"covered":    "Whether the place is covered every day of the period.",
		"agreements": "The agreements that cover it some day of the period, ordered by ID.",
		"gaps":       "The spans of the period when it is not covered, in date order, each with the reason.",
	}
	orderableFields = map[string]string{
		"placeId":    "The place, covered for the whole period.",
		"name":       "Its name as of the period's start.",
		"parentId":   "Its parent as of the period's start; absent at the top.",
		"agreements": "The agreements that cover it in the period.",
	}
	reportFields = map[string]string{
		"institutionId": "The study site.",
		"asOf":          "The date of the report.",
		"horizon":       "How many days ahead an agreement counts as ending soon.",
		"findings":      "The findings, ordered by kind, then by the IDs of their objects.",
	}
	findingFields = map[string]string{
		"on":      "The date it happened or happens, such as the day a place was closed or an agreement ends.",
		"objects": "The objects involved, the agreement first.",
		"text":    "What was found, in bokmål (nb) and English (en).",
	}
	impactFields = map[string]string{
		"result":     "The version of the place's structure the change would add.",
		"agreements": "The agreements affected that the caller may read, ordered by ID.",
		"hidden":     "How many agreements affected belong to study sites whose agreements the caller may not read.",
	}
	effectFields = map[string]string{
		"placeId": "The place concerned; absent for no-open-place.",
		"name":    "The place's name before the change.",
		"on":      "The first day it would take effect.",
	}
)

func (s *Server) registerAgreements() {
	const manage = "The study site's practice administrators may. "
	const read = "The study site's practice administrators and planners may, and the organisation's site administrators " +
		"unless the agreement is a draft; to anyone else logged in it does not exist. "

	register(s, operation{method: http.MethodPost, path: "/api/institutions/{id}/agreements", id: "createAgreement", tags: tagAgreements,
		summary: "Make an agreement between a study site and a practice organisation",
		description: manage + "Its places must be places of the organisation; it is a draft unless status is active. " +
			"Its coverage counts as reviewed today.",
		status: http.StatusCreated, errors: []int{http.StatusConflict}},
		func(ctx context.Context, in *struct {
			PathID
			Body AgreementCreate
		}) (*created[agreement.Agreement], error) {
			ag, err := s.agreements.Create(ctx, actorOf(ctx), in.ID, in.Body.input())
			if err != nil {
				return nil, err
			}
			return &created[agreement.Agreement]{Location: "/api/agreements/" + ag.ID.String(), Body: ag}, nil
		})

	register(s, operation{method: http.MethodGet, path: "/api/institutions/{id}/agreements", id: "listAgreements", tags: tagAgreements,
		summary:     "List a study site's agreements, by ID",
		description: "The study site's practice administrators and planners may.", errors: []int{http.StatusForbidden}},
		func(ctx context.Context, in *AgreementsQuery) (*body[agreement.Page], error) {
			org, err := queryID("organisationId", in.OrganisationID)
			if err != nil {
				return nil, err
			}
			f := agreement.ListFilter{InstitutionID: in.ID, OrganisationID: org, Status: agreement.Status(in.Status), Page: in.page()}
			return reply(s.agreements.Agreements(ctx, actorOf(ctx), f))
		})

	register(s, operation{method: http.MethodGet, path: "/api/organisations/{id}/agreements", id: "listOrganisationAgreements", tags: tagAgreements,
		summary:     "List the agreements with a practice organisation, by ID",
		description: "The organisation's site administrators may; they see no drafts.", errors: []int{http.StatusForbidden}},
		func(ctx context.Context, in *OrganisationAgreementsQuery) (*body[agreement.Page], error) {
			f := agreement.ListFilter{OrganisationID: in.ID, Status: agreement.Status(in.Status), Page: in.page()}
			return reply(s.agreements.Agreements(ctx, actorOf(ctx), f))
		})

	register(s, operation{method: http.MethodGet, path: "/api/agreements/{id}", id: "getAgreement", tags: tagAgreements,
		summary: "Read an agreement", description: read},
		func(ctx context.Context, in *PathID) (*body[agreement.Agreement], error) {
			return reply(s.agreements.Agreement(ctx, actorOf(ctx), in.ID))
		})

	register(s, operation{method: http.MethodPut, path: "/api/agreements/{id}", id: "updateAgreement", tags: tagAgreements,
		summary: "Edit an agreement that is not terminated",
		description: manage + "Its organisation cannot change, and neither can its status here (activate or terminate it); " +
			"status may be left out. If its places change, its coverage counts as reviewed today.",
		errors: []int{http.StatusConflict}},
		func(ctx context.Context, in *struct {
			PathID
			Body AgreementUpdate
		}) (*body[agreement.Agreement], error) {
			return reply(s.agreements.Update(ctx, actorOf(ctx), in.ID, in.Body.Version, in.Body.input()))
		})

	register(s, operation{method: http.MethodPost, path: "/api/agreements/{id}/activate", id: "activateAgreement", tags: tagAgreements,
		summary: "Put a draft agreement in force", description: manage + "An agreement that is not a draft is 422.",
		errors: []int{http.StatusConflict}},
		func(ctx context.Context, in *struct {
			PathID
			Body AgreementVersion
		}) (*body[agreement.Agreement], error) {
			return reply(s.agreements.Activate(ctx, actorOf(ctx), in.ID, in.Body.Version))
		})

	register(s, operation{method: http.MethodPost, path: "/api/agreements/{id}/terminate", id: "terminateAgreement", tags: tagAgreements,
		summary: "Give notice of termination of an active agreement",
		description: manage + "It ends at the end of the first term that ends at least the notice after noticeGiven (for one " +
			"that does not renew, the notice after it, or its own end if that comes first), or on endsOn if that is later, and " +
			"it no longer renews. An agreement that is not active is 422.",
		errors: []int{http.StatusConflict}},
		func(ctx context.Context, in *struct {
			PathID
			Body AgreementTermination
		}) (*body[agreement.Agreement], error) {
			b := in.Body
			return reply(s.agreements.Terminate(ctx, actorOf(ctx), in.ID, b.Version,
				agreement.Termination{NoticeGiven: b.NoticeGiven, EndsOn: b.EndsOn}))
		})

	register(s, operation{method: http.MethodPost, path: "/api/agreements/{id}/review", id: "reviewAgreement", tags: tagAgreements,
		summary: "Acknowledge the changes of the place structure for an agreement's coverage",
		description: manage + "The consistency report no longer shows the changes up to the date given (by default today) " +
			"as changed-since-review.",
		errors: []int{http.StatusConflict}},
		func(ctx context.Context, in *struct {
			PathID
			Body AgreementReview
		}) (*body[agreement.Agreement], error) {
			return reply(s.agreements.Review(ctx, actorOf(ctx), in.ID, in.Body.Version, in.Body.On))
		})

	register(s, operation{method: http.MethodPost, path: "/api/agreements/{id}/documents", id: "addDocument", tags: tagAgreements,
		summary: "Attach a document to an agreement, such as the signed PDF",
		description: manage + fmt.Sprintf("Send multipart/form-data with exactly one part, file, whose filename is the "+
			"document's name (a path is cut to its base name; a name with control characters is 422 on file.filename). The part's "+
			"own Content-Type is ignored: the type is found from the content, which must be of a type the server allows, by default "+
			"a PDF, a PNG or JPEG image, or a Word or OpenDocument text (else 422 on file, rule content-type). A document larger than %d bytes is 413 on file, rule "+
			"max-size; an empty one 422. A part of another name is 400 (rule unknown), a second file part 422, a body that is "+
			"not multipart/form-data 415.", s.maxDocument),
		status: http.StatusCreated, errors: []int{http.StatusConflict},
		requestBody: &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{"multipart/form-data": {
			Schema: &huma.Schema{Type: huma.TypeObject, Required: []string{"file"}, AdditionalProperties: false,
				Properties: map[string]*huma.Schema{"file": {Type: huma.TypeString, Format: "binary",
					Description: "The document; the filename of the part's Content-Disposition is its name."}}},
		}}}},
		s.addDocument)

	register(s, operation{method: http.MethodGet, path: "/api/agreements/{id}/documents", id: "listDocuments", tags: tagAgreements,
		summary: "List an agreement's documents, by ID", description: read},
		func(ctx context.Context, in *ListQuery) (*body[practice.Page[agreement.Document]], error) {
			return reply(s.agreements.Documents(ctx, actorOf(ctx), in.ID, in.page()))
		})

	register(s, operation{method: http.MethodGet, path: "/api/agreements/{id}/documents/{documentId}", id: "downloadDocument", tags: tagAgreements,
		summary: "Download a document: its bytes, as an attachment",
		description: read + "The answer's Content-Type is the type found when it was uploaded; it is always sent as an " +
			"attachment, never to be shown in the browser. A document of another agreement is 404.",
		content: map[string]*huma.MediaType{"*/*": {Schema: &huma.Schema{Type: huma.TypeString, Format: "binary",
			Description: "The document's bytes, exactly as uploaded."}}}},
		s.downloadDocument)

	register(s, operation{method: http.MethodDelete, path: "/api/agreements/{id}/documents/{documentId}", id: "removeDocument", tags: tagAgreements,
		summary: "Remove a document from an agreement", description: manage + "A document of another agreement is 404.",
		status: http.StatusNoContent},
		func(ctx context.Context, in *DocumentPath) (*noContent, error) {
			if err := s.documentOf(ctx, in); err != nil {
				return nil, err
			}
			return &noContent{}, s.agreements.RemoveDocument(ctx, actorOf(ctx), in.DocumentID)
		})

	register(s, operation{method: http.MethodGet, path: "/api/institutions/{id}/coverage", id: "getCoverage", tags: tagAgreements,
		summary: "Tell whether a study site's agreements cover a place for a whole period",
		description: "Which agreements cover it, and when and why not. Consecutive agreements cover together; a place moved " +
			"out from under the places an agreement covers is not covered from the day it moved. " +
			"The study site's practice administrators and planners may.",
		errors: []int{http.StatusForbidden}},
		func(ctx context.Context, in *CoverageParams) (*body[agreement.Coverage], error) {
			place, err := queryID("placeId", in.PlaceID)
			if err != nil {
				return nil, err
			}
			period, err := queryPeriod(in.Start, in.End)
			if err != nil {
				return nil, err
			}
			return reply(s.agreements.Covers(ctx, actorOf(ctx), agreement.CoverageQuery{
				InstitutionID: in.ID, PlaceID: place, Period: period, Programme: in.Programme}))
		})

	register(s, operation{method: http.MethodGet, path: "/api/institutions/{id}/orderable", id: "listOrderable", tags: tagAgreements,
		summary: "List the places of an organisation a study site may order from for a whole period",
		description: "The places its agreements cover every day of the period, by ID, all at once in one page without next. " +
			"The study site's practice administrators and planners may.",
		errors: []int{http.StatusForbidden}},
		func(ctx context.Context, in *OrderableParams) (*body[practice.Page[agreement.Orderable]], error) {
			org, err := queryID("organisationId", in.OrganisationID)
			if err != nil {
				return nil, err
			}
			period, err := queryPeriod(in.Start, in.End)
			if err != nil {
				return nil, err
			}
			list, err := s.agreements.Orderable(ctx, actorOf(ctx), agreement.OrderableQuery{
				InstitutionID: in.ID, OrganisationID: org, Period: period, Programme: in.Programme})
			if list == nil {
				list = []agreement.Orderable{}
			}
			return reply(practice.Page[agreement.Orderable]{Items: list}, err)
		})

	register(s, operation{method: http.MethodGet, path: "/api/institutions/{id}/consistency", id: "getConsistencyReport", tags: tagAgreements,
		summary: "Report where a study site's agreements and the place structure disagree, as of a date",
		description: "Places closed or moved out of agreements, agreements in force that cover no open place, changes since " +
			"an agreement was last reviewed, and agreements about to end. The study site's practice administrators and planners may.",
		errors: []int{http.StatusForbidden}},
		func(ctx context.Context, in *ReportParams) (*body[agreement.Report], error) {
			asOf, err := queryDate("asOf", in.AsOf)
			if err != nil {
				return nil, err
			}
			return reply(s.agreements.Report(ctx, actorOf(ctx), in.ID, asOf))
		})

	register(s, operation{method: http.MethodPost, path: "/api/places/{id}/changes/preview", id: "previewPlaceChange", tags: tagPlaces,
		summary: "Preview what a rename, move or closing of a place would do to agreements",
		description: "Takes the body of POST /api/places/{id}/changes, checks it as that route does, and tells which " +
			"places would leave or join the agreements' coverage, close or be renamed, from which date, and which agreements " +
			"would cover no open place. It changes nothing. A study site's practice administrator may; the agreements of " +
			"other study sites are only counted.",
		errors: []int{http.StatusConflict}},
		func(ctx context.Context, in *struct {
			PathID
			Body PlaceChange
		}) (*body[agreement.Impact], error) {
			b := in.Body
			return reply(s.agreements.Preview(ctx, actorOf(ctx), practice.StructureChange{
				PlaceID: in.ID, From: b.From, Name: b.Name, ParentID: b.ParentID, Close: b.Close,
			}))
		})

	s.describeFields("Agreement", "An agreement between a study site and a practice organisation.", agreementFields)
	s.describeFields("Covered", "A place an agreement names.", coveredFields)
	s.describeFields("Renewal", "How an agreement renews; absent fields are 0.", renewalFields)
	s.describeFields("Term", "A capacity term.", termFields)
	s.describeFields("Document", "A file attached to an agreement.", documentFields)
	s.describeFields("Coverage", "Whether a place is covered for a whole period.", coverageFields)
	s.describeFields("Orderable", "A place covered for a whole period.", orderableFields)
	s.describeFields("Report", "The consistency report of a study site as of a date.", reportFields)
	s.describeFields("Finding", "One disagreement between the place structure and agreements.", findingFields)
	s.describeFields("Impact", "What a restructuring would do to agreements.", impactFields)
	s.describeFields("Effect", "What a restructuring would do to one place's coverage.", effectFields)
}

// queryID returns the ID a query parameter names, or NilID when it is
// absent.
func queryID(name, value string) (practice.ID, error) {
	if value == "" {
		return practice.NilID, nil
	}
	id, err := practice.ParseID(value)
	if err != nil { // the document's pattern let it through
		return practice.NilID, practice.Invalid(name, "uuid", "must be a UUID such as "+uuidExample)
	}
	return id, nil
}

// queryDate returns the date a query parameter gives, or the zero Date when
// it is absent.
func queryDate(name, value string) (practice.Date, error) {
	if value == "" {
		return practice.Date{}, nil
	}
	d, err := practice.ParseDate(value)
	if err != nil { // the document's format let it through
		return practice.Date{}, practice.Invalid(name, "date", "must be a date in the form YYYY-MM-DD")
	}
	return d, nil
}

// queryPeriod returns the period of the query parameters start and end.
func queryPeriod(start, end string) (practice.Period, error) {
	s, err1 := queryDate("start", start)
	e, err2 := queryDate("end", end)
	if err := errors.Join(err1, err2); err != nil {
		var v practice.ValidationError
		for _, err := range []error{err1, err2} {
			var fe *practice.ValidationError
			if errors.As(err, &fe) {
				v.Fields = append(v.Fields, fe.Fields...)
			}
		}
		return practice.Period{}, &v
	}
	return practice.Period{Start: s, End: e}, nil
}

// documentOf checks that the document of the path belongs to the
// agreement of the path: a document of another agreement is not found.
func (s *Server) documentOf(ctx context.Context, in *DocumentPath) error {
	d, err := s.agreements.Document(ctx, actorOf(ctx), in.DocumentID)
	if err != nil {
		return err
	}
	if d.AgreementID != in.ID {
		return practice.NotFound("there is no document %s", in.DocumentID)
	}
	return nil
}

// downloadDocument answers a document's bytes as an attachment.
func (s *Server) downloadDocument(ctx context.Context, in *DocumentPath) (*documentDownload, error) {
	d, r, err := s.agreements.OpenDocument(ctx, actorOf(ctx), in.DocumentID)
	if err != nil {
		return nil, err
	}
	if d.AgreementID != in.ID {
		_ = r.Close()
		return nil, practice.NotFound("there is no document %s", in.DocumentID)
	}
	contentType := d.ContentType
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	return &documentDownload{
		ContentLength: d.Size, ContentDisposition: attachment(d.Name),
		Body: func(hctx huma.Context) {
			defer r.Close()
			hctx.SetHeader("Content-Type", contentType)
			hctx.SetHeader("X-Content-Type-Options", "nosniff")
			hctx.SetStatus(http.StatusOK)
			if _, err := io.Copy(hctx.BodyWriter(), r); err != nil {
				s.log.WarnContext(ctx, "document download cut short", "requestId", requestInfoOf(ctx).id,
					"documentId", d.ID.String(), "error", practice.MaskNationalIDs(err.Error()))
			}
		},
	}, nil
}

// attachment returns the Content-Disposition of a download named name:
// always an attachment, with the name quoted, or encoded as RFC 2231 says
// when it is not plain printable ASCII, so that no byte of it can end the
// header or add a parameter.
func attachment(name string) string {
	if v := mime.FormatMediaType("attachment", map[string]string{"filename": name}); v != "" {
		return v
	}
	return "attachment"
}

// addDocument attaches the file part of a multipart/form-data body to an
// agreement. The body is read as the service reads the document, within
// the largest document and the slack of the multipart envelope.
func (s *Server) addDocument(ctx context.Context, in *documentUpload) (*created[agreement.Document], error) {
	mt, params, err := mime.ParseMediaType(in.req.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, newProblem(typeUnsupportedMedia, "the request body must be multipart/form-data with one part, file")
	}
	limit := s.maxDocument + multipartSlack
	mr := multipart.NewReader(http.MaxBytesReader(in.w, in.req.Body, limit), params["boundary"])
	u := &uploadReader{s: s, mr: mr}
	part, err := mr.NextPart()
	switch {
	case errors.Is(err, io.EOF):
		return nil, practice.Invalid("file", "required", "is required: send the document as the part file")
	case err != nil:
		return nil, u.readProblem(err)
	}
	if p := u.check(part); p != nil {
		return nil, p
	}
	u.part = part
	_, disposition, _ := mime.ParseMediaType(part.Header.Get("Content-Disposition")) // FormName parsed it
	d, err := s.agreements.AddDocument(ctx, actorOf(ctx), in.ID, disposition["filename"], u)
	if u.err != nil {
		return nil, u.err
	}
	if err != nil {
		return nil, renameField(err, "name", "file.filename")
	}
	return &created[agreement.Document]{Location: "/api/agreements/" + in.ID.String() + "/documents/" + d.ID.String(), Body: d}, nil
}

// uploadReader reads the file part of an upload. At the end of the part it
// reads on to the end of the body, and fails if another part follows: a
// refused body stores nothing, so it must be refused before the service
// has all of the document.
type uploadReader struct {
	s    *Server
	mr   *multipart.Reader
	part *multipart.Part
	err  *Problem // why the body was refused, if it was
}

// Read reads the file part, and at its end checks that no part follows.
func (u *uploadReader) Read(p []byte) (int, error) {
	if u.err != nil {
		return 0, u.err
	}
	n, err := u.part.Read(p)
	switch {
	case errors.Is(err, io.EOF):
		next, err := u.mr.NextPart()
		switch {
		case errors.Is(err, io.EOF):
			return n, io.EOF
		case err != nil:
			u.err = u.readProblem(err)
		default:
			if u.err = u.check(next); u.err == nil {
				u.err = validationProblem(practice.Invalid("file", "one", "send exactly one part file"))
			}
		}
		return n, u.err
	case err != nil:
		u.err = u.readProblem(err)
		return n, u.err
	}
	return n, nil
}

// check refuses a part that is not the file.
func (u *uploadReader) check(part *multipart.Part) *Problem {
	if name := part.FormName(); name != "file" {
		p := newProblem(typeBadRequest, "the request body has parts this request does not have; send one part, file")
		p.Errors = []practice.FieldError{{Field: practice.MaskNationalIDs(name), Rule: "unknown", Message: "is not a part of this request"}}
		if name == "" {
			p.Errors[0].Message = "a part without a form-data name is not a part of this request"
		}
		return p
	}
	return nil
}

// readProblem tells why the body could not be read: too large, or not
// multipart as it said.
func (u *uploadReader) readProblem(err error) *Problem {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		p := newProblem(typeTooLarge, "the document must not be larger than %d bytes", u.s.maxDocument)
		p.Errors = []practice.FieldError{{Field: "file", Rule: ruleMaxSize, Message: fmt.Sprintf("must be at most %d bytes", u.s.maxDocument)}}
		return p
	}
	return newProblem(typeBadRequest, "the request body is not multipart/form-data as its Content-Type says, or it ends early")
}

// validationProblem is the problem of a validation error.
func validationProblem(err error) *Problem { return problemFor(err, false, nil) }

// renameField renames the field from of a validation error to to: the
// service names an upload's name "name", the request its part's filename.
func renameField(err error, from, to string) error {
	var v *practice.ValidationError
	if !errors.As(err, &v) {
		return err
	}
	out := &practice.ValidationError{Fields: make([]practice.FieldError, len(v.Fields))}
	for i, f := range v.Fields {
		if f.Field == from {
			f.Field = to
		}
		out.Fields[i] = f
	}
	return out
}
