package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/praksis/praksis/practice"
)

// Problem is an RFC 9457 problem details object: the body of every error
// response, sent as application/problem+json. It is also an error, so a
// handler can return one.
type Problem struct {
	// Type is a URI naming the kind of problem, e.g.
	// "urn:praksis:problem:validation".
	Type string `json:"type"`
	// Title is a short summary of the kind of problem.
	Title string `json:"title"`
	// Status is the HTTP status code.
	Status int `json:"status"`
	// Detail explains this occurrence.
	Detail string `json:"detail,omitempty"`
	// Instance is the path of the request that failed, with anything that
	// looks like a national identity number masked.
	Instance string `json:"instance,omitempty"`
	// RequestID identifies the request in the server's log.
	RequestID string `json:"requestId,omitempty"`
	// Errors lists the fields that break a rule, for validation failures
	// and some bad requests.
	Errors []practice.FieldError `json:"errors,omitempty"`
}

// Error returns the title and detail.
func (p *Problem) Error() string { return p.Title + ": " + p.Detail }

// The kinds of problem this API answers.
const (
	typeBadRequest       = "urn:praksis:problem:bad-request"
	typeUnauthenticated  = "urn:praksis:problem:unauthenticated"
	typeForbidden        = "urn:praksis:problem:forbidden"
	typeNotFound         = "urn:praksis:problem:not-found"
	typeMethodNotAllowed = "urn:praksis:problem:method-not-allowed"
	typeConflict         = "urn:praksis:problem:conflict"
	typeTooLarge         = "urn:praksis:problem:too-large"
	typeUnsupportedMedia = "urn:praksis:problem:unsupported-media-type"
	typeValidation       = "urn:praksis:problem:validation"
	typeUnavailable      = "urn:praksis:problem:unavailable"
	typeInternal         = "urn:praksis:problem:internal"
)

// titles gives the title of each kind of problem.
var titles = map[string]string{
	typeBadRequest:       "Bad request",
	typeUnauthenticated:  "Authentication required",
	typeForbidden:        "Forbidden",
	typeNotFound:         "Not found",
	typeMethodNotAllowed: "Method not allowed",
	typeConflict:         "Conflict",
	typeTooLarge:         "Request body too large",
	typeUnsupportedMedia: "Unsupported media type",
	typeValidation:       "Invalid input",
	typeUnavailable:      "Service unavailable",
	typeInternal:         "Internal server error",
}

// newProblem returns a problem of a kind with a status and a detail.
func newProblem(status int, typ, format string, args ...any) *Problem {
	return &Problem{Type: typ, Title: titles[typ], Status: status, Detail: fmt.Sprintf(format, args...)}
}

// errorStatuses is the one table mapping the domain's sentinel errors to
// HTTP statuses. The first entry errors.Is matches wins.
var errorStatuses = []struct {
	err    error
	status int
	typ    string
}{
	{practice.ErrNotFound, http.StatusNotFound, typeNotFound},
	{practice.ErrConflict, http.StatusConflict, typeConflict},
	{practice.ErrForbidden, http.StatusForbidden, typeForbidden},
}

// validationProblem is the 422 problem listing v's field errors.
func validationProblem(v *practice.ValidationError) *Problem {
	p := newProblem(http.StatusUnprocessableEntity, typeValidation, "%s", v.Error())
	p.Errors = v.Fields
	return p
}

// problemFor turns an error from a handler or the service into a problem.
// A refusal of an anonymous request is 401, not 403: logging in may help.
// An error the table does not know is 500; its text is logged by the
// caller, never sent.
func problemFor(err error, anonymous bool) *Problem {
	var p *Problem
	if errors.As(err, &p) {
		return p
	}
	var v *practice.ValidationError
	if errors.As(err, &v) {
		return validationProblem(v)
	}
	for _, e := range errorStatuses {
		if errors.Is(err, e.err) {
			if e.err == practice.ErrForbidden && anonymous {
				return newProblem(http.StatusUnauthorized, typeUnauthenticated, "log in to do this (%s)", err)
			}
			return newProblem(e.status, e.typ, "%s", err)
		}
	}
	return newProblem(http.StatusInternalServerError, typeInternal,
		"something went wrong on our side; quote the request ID when you report it")
}

// writeError answers err as a problem and logs it: as an error when it is a
// 500 (with the error's text, which is never sent), else at debug level.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	p := *problemFor(err, actorOf(r.Context()).PersonID == practice.NilID)
	p.Instance = maskNationalIDs(r.URL.Path)
	p.RequestID = requestID(r.Context())
	if p.Status >= 500 {
		s.log.ErrorContext(r.Context(), "request failed",
			slog.String("requestId", p.RequestID), slog.String("method", r.Method),
			slog.String("path", maskNationalIDs(r.URL.Path)), slog.Any("error", err))
	} else {
		s.log.DebugContext(r.Context(), "request refused",
			slog.String("requestId", p.RequestID), slog.Int("status", p.Status), slog.String("type", p.Type))
	}
	if p.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="praksis"`)
	}
	writeProblem(w, &p)
}

// writeProblem writes p as application/problem+json.
func writeProblem(w http.ResponseWriter, p *Problem) {
	body, err := json.Marshal(p)
	if err != nil { // cannot happen: a Problem holds strings and ints
		body = []byte(`{"type":"` + typeInternal + `","title":"Internal server error","status":500}`)
		p.Status = http.StatusInternalServerError
	}
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(p.Status)
	_, _ = w.Write(append(body, '\n'))
}
