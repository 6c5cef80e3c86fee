package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"

	"github.com/praksis/praksis/practice"
)

// Problem is an RFC 9457 problem details object: the body of every error
// response, sent as application/problem+json. It is also an error, so a
// handler can return one.
type Problem struct {
	// Type is a URI naming the kind of problem, e.g.
	// "urn:praksis:problem:validation".
	Type string `json:"type" doc:"A URN naming the kind of problem, such as urn:praksis:problem:validation." example:"urn:praksis:problem:validation"`
	// Title is a short summary of the kind of problem.
	Title string `json:"title" doc:"A short summary of the kind of problem." example:"Invalid input"`
	// Status is the HTTP status code.
	Status int `json:"status" doc:"The HTTP status code." example:"422"`
	// Detail explains this occurrence.
	Detail string `json:"detail,omitempty" doc:"What went wrong this time. It never quotes a value from the request."`
	// Instance is the path of the request that failed, with anything that
	// looks like a national identity number masked.
	Instance string `json:"instance,omitempty" doc:"The path of the request, with national identity numbers masked."`
	// RequestID identifies the request in the server's log; it is also sent
	// as the X-Request-Id header.
	RequestID string `json:"requestId,omitempty" doc:"The request's ID in the server's log, also sent as X-Request-Id."`
	// Errors lists the fields that break a rule, for validation failures
	// and some bad requests. A field in the body is named by its JSON path,
	// a query parameter by its name.
	Errors []practice.FieldError `json:"errors,omitempty" doc:"The fields that break a rule: a JSON path in the body, or the name of a query parameter."`

	cause   error       // what a 500 logs; never sent
	headers http.Header // sent with the problem
}

// Error returns the title and detail.
func (p *Problem) Error() string { return p.Title + ": " + p.Detail }

// GetStatus returns the HTTP status, for huma.
func (p *Problem) GetStatus() int { return p.Status }

// ContentType returns application/problem+json for JSON, for huma.
func (p *Problem) ContentType(ct string) string {
	if ct == "application/json" {
		return "application/problem+json"
	}
	return ct
}

// GetHeaders returns the headers sent with the problem, for huma: a
// WWW-Authenticate challenge with a 401, and whatever the handler added.
func (p *Problem) GetHeaders() http.Header {
	h := p.headers.Clone()
	if h == nil {
		h = http.Header{}
	}
	if p.Status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", `Bearer realm="praksis"`)
	}
	return h
}

// The kinds of problem this API answers.
const (
	typeBadRequest       = "urn:praksis:problem:bad-request"
	typeUnauthenticated  = "urn:praksis:problem:unauthenticated"
	typeForbidden        = "urn:praksis:problem:forbidden"
	typeNotFound         = "urn:praksis:problem:not-found"
	typeMethodNotAllowed = "urn:praksis:problem:method-not-allowed"
	typeTimeout          = "urn:praksis:problem:timeout"
	typeConflict         = "urn:praksis:problem:conflict"
	typeTooLarge         = "urn:praksis:problem:too-large"
	typeUnsupportedMedia = "urn:praksis:problem:unsupported-media-type"
	typeValidation       = "urn:praksis:problem:validation"
	typeUnavailable      = "urn:praksis:problem:unavailable"
	typeInternal         = "urn:praksis:problem:internal"
)

// kinds gives the status and title of each kind of problem.
var kinds = map[string]struct {
	status int
	title  string
}{
	typeBadRequest:       {http.StatusBadRequest, "Bad request"},
	typeUnauthenticated:  {http.StatusUnauthorized, "Authentication required"},
	typeForbidden:        {http.StatusForbidden, "Forbidden"},
	typeNotFound:         {http.StatusNotFound, "Not found"},
	typeMethodNotAllowed: {http.StatusMethodNotAllowed, "Method not allowed"},
	typeTimeout:          {http.StatusRequestTimeout, "Request timeout"},
	typeConflict:         {http.StatusConflict, "Conflict"},
	typeTooLarge:         {http.StatusRequestEntityTooLarge, "Request body too large"},
	typeUnsupportedMedia: {http.StatusUnsupportedMediaType, "Unsupported media type"},
	typeValidation:       {http.StatusUnprocessableEntity, "Invalid input"},
	typeUnavailable:      {http.StatusServiceUnavailable, "Service unavailable"},
	typeInternal:         {http.StatusInternalServerError, "Internal server error"},
}

// newProblem returns a problem of a kind with a detail. The detail must
// not quote a value from the request.
func newProblem(typ, format string, args ...any) *Problem {
	k := kinds[typ]
	return &Problem{Type: typ, Title: k.title, Status: k.status, Detail: fmt.Sprintf(format, args...)}
}

// internalProblem is the 500 of an unexpected error; cause is logged, never
// sent.
func internalProblem(cause error) *Problem {
	p := newProblem(typeInternal, "something went wrong on our side; quote the request ID when you report it")
	p.cause = cause
	return p
}

// errorKinds is the one table that maps errors to kinds of problem, and so
// to HTTP statuses; the first entry that matches wins, and an error that
// matches none is a 500. problemFor adjusts three cells: ErrForbidden is
// 401 for an anonymous caller, a validation error that names only query
// parameters is 400, and one that names content too large (rule
// "max-size", such as a document) is 413.
var errorKinds = []struct {
	is  func(error) bool
	typ string
}{
	{isValidation, typeValidation},              // 422
	{isA(practice.ErrNotFound), typeNotFound},   // 404
	{isA(practice.ErrConflict), typeConflict},   // 409
	{isA(practice.ErrForbidden), typeForbidden}, // 403
}

// ruleMaxSize is the rule of content larger than allowed.
const ruleMaxSize = "max-size"

func isValidation(err error) bool {
	var v *practice.ValidationError
	return errors.As(err, &v)
}

func isA(target error) func(error) bool {
	return func(err error) bool { return errors.Is(err, target) }
}

// problemFor turns an error of a handler or the service into a problem by
// errorKinds. anonymous tells that nobody is logged in: a refusal is then
// 401, since logging in may help. queryParams are the names of the
// operation's query parameters: a validation error that names only those
// is 400, as any bad query parameter is. A validation error that names
// content larger than allowed (rule "max-size") is 413, as any body too
// large is, with its errors. The detail of a domain error is
// practice.Message(err), never the text of a wrapped chain.
func problemFor(err error, anonymous bool, queryParams []string) *Problem {
	var p *Problem
	if errors.As(err, &p) {
		return p
	}
	for _, k := range errorKinds {
		if !k.is(err) {
			continue
		}
		p := newProblem(k.typ, "%s", practice.Message(err))
		switch k.typ {
		case typeForbidden:
			if anonymous {
				return newProblem(typeUnauthenticated, "log in first: %s", practice.Message(err))
			}
		case typeValidation:
			var v *practice.ValidationError
			errors.As(err, &v)
			p.Errors = v.Fields
			switch {
			case onlyQuery(v.Fields, queryParams):
				p.Type, p.Status, p.Title = typeBadRequest, http.StatusBadRequest, kinds[typeBadRequest].title
			case slices.ContainsFunc(v.Fields, func(f practice.FieldError) bool { return f.Rule == ruleMaxSize }):
				p.Type, p.Status, p.Title = typeTooLarge, http.StatusRequestEntityTooLarge, kinds[typeTooLarge].title
			}
		}
		return p
	}
	return internalProblem(err)
}

// onlyQuery reports whether every field error names a query parameter.
func onlyQuery(fields []practice.FieldError, queryParams []string) bool {
	for _, f := range fields {
		if !slices.Contains(queryParams, f.Field) {
			return false
		}
	}
	return len(fields) > 0
}

// complete fills in the instance and request ID of p and logs it: a 500
// as an error with its cause (masked), anything else at debug level with
// neither value nor cause.
func (s *Server) complete(ctx context.Context, p *Problem) *Problem {
	info := requestInfoOf(ctx)
	out := *p
	out.Instance, out.RequestID = info.path, info.id
	if out.Status >= 500 {
		attrs := []slog.Attr{slog.String("requestId", info.id), slog.String("method", info.method), slog.String("path", info.path)}
		if p.cause != nil {
			attrs = append(attrs, slog.String("error", practice.MaskNationalIDs(p.cause.Error())))
		}
		s.log.LogAttrs(ctx, slog.LevelError, "request failed", attrs...)
	} else {
		s.log.LogAttrs(ctx, slog.LevelDebug, "request refused", slog.String("requestId", info.id),
			slog.Int("status", out.Status), slog.String("type", out.Type))
	}
	return &out
}

// writeError answers err as a problem, outside huma: for the middleware,
// unknown routes and panics.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	p := s.complete(r.Context(), problemFor(err, actorOf(r.Context()).PersonID == practice.NilID, nil))
	for k, vs := range p.GetHeaders() {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	writeProblem(w, p)
}

// writeProblem writes p as application/problem+json.
func writeProblem(w http.ResponseWriter, p *Problem) {
	body, err := json.Marshal(p)
	if err != nil { // cannot happen: a Problem holds strings and ints
		body = []byte(`{"type":"` + typeInternal + `","title":"Internal server error","status":500}`)
		p.Status = http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_, _ = w.Write(append(body, '\n'))
}
