package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/danielgtaylor/huma/v2/validation"

	"github.com/praksis/praksis/agreement"
	"github.com/praksis/praksis/invite"
	"github.com/praksis/praksis/practice"
)

// MaxBodyBytes is the largest request body the API reads: 1 MiB.
const MaxBodyBytes = 1 << 20

// Version is the version of the API in its OpenAPI document.
const Version = "1.0.0"

// The schema components every operation shares.
const (
	schemaPrefix  = "#/components/schemas/"
	problemSchema = schemaPrefix + "Problem"
	problemMedia  = "application/problem+json"
	uuidPattern   = `^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`
	uuidExample   = "0190f5a2-7b3c-7d4e-8f5a-1b2c3d4e5f60"
)

// The schemas of the kernel's value types, which encode themselves as text.
type (
	// dateSchema documents practice.Date.
	dateSchema struct{}
	// idSchema documents practice.ID.
	idSchema struct{}
	// nationalIDSchema documents practice.NationalID.
	nationalIDSchema struct{}
	// rightSchema documents practice.Right.
	rightSchema struct{}
	// roleSchema documents practice.StaffRole.
	roleSchema struct{}
)

// Schema returns a date in the form YYYY-MM-DD.
func (dateSchema) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: huma.TypeString, Format: "date", Examples: []any{"2027-01-31"},
		Description: "A date in the form YYYY-MM-DD; input must lie from " + practice.FirstDate.String() + " to " + practice.LastDate.String() + "."}
}

// Schema returns a UUID in its canonical text form.
func (idSchema) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: huma.TypeString, Format: "uuid", Pattern: uuidPattern, Examples: []any{uuidExample}}
}

// Schema returns a national identity number: eleven digits as input, masked
// to the birth date when read.
func (nationalIDSchema) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: huma.TypeString, Examples: []any{"128978*****"},
		Description: "A Norwegian national identity number: eleven digits as input; answered masked to its first six digits, " +
			"and only to those who may see it."}
}

// Schema returns a right at an organisation. The values are documented,
// not enforced here: the service checks them with every other rule.
func (rightSchema) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: huma.TypeString, Examples: []any{"write"},
		Description: "A right at an organisation: admin, write or read (each includes the ones after it)."}
}

// Schema returns a staff role at a study site.
func (roleSchema) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: huma.TypeString, Examples: []any{"teacher"},
		Description: "A staff role at a study site: administrator, planner or teacher."}
}

// newAPI returns the huma API of the server on mux: no docs UI, no schema
// links in responses, JSON only, and the OpenAPI document served by the
// server itself at /openapi.json.
func newAPI(mux humago.Mux) huma.API {
	registry := huma.NewMapRegistry(schemaPrefix, huma.DefaultSchemaNamer)
	for t, alias := range map[reflect.Type]reflect.Type{
		reflect.TypeFor[practice.Date]():         reflect.TypeFor[dateSchema](),
		reflect.TypeFor[practice.ID]():           reflect.TypeFor[idSchema](),
		reflect.TypeFor[practice.NationalID]():   reflect.TypeFor[nationalIDSchema](),
		reflect.TypeFor[practice.Right]():        reflect.TypeFor[rightSchema](),
		reflect.TypeFor[practice.StaffRole]():    reflect.TypeFor[roleSchema](),
		reflect.TypeFor[invite.State]():          reflect.TypeFor[stateSchema](),
		reflect.TypeFor[practice.AuditAction]():  reflect.TypeFor[auditActionSchema](),
		reflect.TypeFor[agreement.Status]():      reflect.TypeFor[agreementStatusSchema](),
		reflect.TypeFor[agreement.Reason]():      reflect.TypeFor[reasonSchema](),
		reflect.TypeFor[agreement.FindingKind](): reflect.TypeFor[findingKindSchema](),
		reflect.TypeFor[agreement.EffectKind]():  reflect.TypeFor[effectKindSchema](),
	} {
		registry.RegisterTypeAlias(t, alias)
	}
	registry.Schema(reflect.TypeFor[Problem](), true, "Problem")
	cfg := huma.Config{
		OpenAPI: &huma.OpenAPI{
			OpenAPI: "3.1.0",
			Info: &huma.Info{
				Title:   "praksis",
				Version: Version,
				Description: "The praksis reference server: practice placements in higher education. " +
					"Log in with OpenID Connect (/auth/login), or accept an invitation through its link (/auth/invitation/{token}), " +
					"or, in development, POST /auth/dev-login (and /auth/dev-accept); " +
					"send the session token as a bearer token or the praksis_session cookie. " +
					"Every error is an RFC 9457 problem (application/problem+json).",
			},
			Components: &huma.Components{
				Schemas: registry,
				SecuritySchemes: map[string]*huma.SecurityScheme{
					"bearer":  {Type: "http", Scheme: "bearer", Description: "The session token of a login."},
					"session": {Type: "apiKey", In: "cookie", Name: SessionCookie, Description: "The session cookie of a login."},
				},
			},
		},
		Formats:       map[string]huma.Format{"application/json": jsonFormat, "json": jsonFormat},
		DefaultFormat: "application/json",
	}
	return humago.New(mux, cfg)
}

// jsonFormat reads and writes JSON. Its errors never quote the input.
var jsonFormat = huma.Format{
	Marshal: func(w io.Writer, v any) error {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		return enc.Encode(v)
	},
	Unmarshal: unmarshalJSON,
}

// unmarshalJSON decodes data, which must hold exactly one JSON value, into
// v. Its errors say what is wrong in words of its own, so they never quote
// the input (encoding/json's may quote a character or a Go type).
func unmarshalJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	err := dec.Decode(v)
	var (
		syntax    *json.SyntaxError
		wrongType *json.UnmarshalTypeError
	)
	switch {
	case errors.Is(err, io.EOF):
		return errors.New("empty: send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("malformed JSON: it ends too early")
	case errors.As(err, &syntax):
		return fmt.Errorf("malformed JSON at byte %d", syntax.Offset)
	case errors.As(err, &wrongType):
		return errors.New("not of the expected JSON types")
	case err != nil:
		return errors.New("holding a value that cannot be read")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("more than one JSON value: send exactly one")
	}
	return nil
}

// The texts huma's validation gives, mapped to this API's rules.
var (
	uuidPatternMessage  = huma.ErrorFormatter(validation.MsgExpectedMatchPattern, uuidPattern)
	tokenPatternMessage = huma.ErrorFormatter(validation.MsgExpectedMatchPattern, tokenPattern)
	requiredPrefix, _   = strings.CutSuffix(validation.MsgExpectedRequiredProperty, "%s to be present")
	uuidFormatPrefix    = strings.TrimSuffix(validation.MsgExpectedRFC4122UUID, "%v")
	minimumPrefix       = strings.TrimSuffix(validation.MsgExpectedMinimumNumber, "%v")
	maximumPrefix       = strings.TrimSuffix(validation.MsgExpectedMaximumNumber, "%v")
	minLengthPrefix     = strings.TrimSuffix(validation.MsgExpectedMinLength, "%d")
	maxLengthPrefix     = strings.TrimSuffix(validation.MsgExpectedMaxLength, "%d")
	oneOfPrefix, _, _   = strings.Cut(validation.MsgExpectedOneOf, "%s")
)

// unknownQueryMessage is huma's text for a query parameter that the
// operation does not have.
const unknownQueryMessage = "unknown query parameter"

// missingQueryMessage is huma's text for a required query parameter that
// the request does not have.
const missingQueryMessage = "required query parameter is missing"

// fieldRule turns the text of one of huma's validation errors into the
// rule and message of this API. The message never quotes the value; a
// bound it names comes from the document.
func fieldRule(msg string) (rule, message string) {
	switch {
	case msg == validation.MsgUnexpectedProperty:
		return "unknown", "is not a field of this request"
	case msg == unknownQueryMessage:
		return "unknown", "is not a parameter of this request"
	case msg == validation.MsgExpectedBoolean, msg == "invalid boolean":
		return "type", "must be a JSON boolean"
	case msg == validation.MsgExpectedInteger, msg == "invalid integer":
		return "type", "must be a whole number"
	case msg == validation.MsgExpectedNumber, msg == "invalid float":
		return "type", "must be a JSON number"
	case msg == validation.MsgExpectedString:
		return "type", "must be a JSON string"
	case msg == validation.MsgExpectedArray:
		return "type", "must be a JSON array"
	case msg == validation.MsgExpectedObject:
		return "type", "must be a JSON object"
	case msg == validation.MsgExpectedRFC3339Date:
		return "date", "must be a date in the form YYYY-MM-DD"
	case msg == uuidPatternMessage, strings.HasPrefix(msg, uuidFormatPrefix):
		return "uuid", "must be a UUID such as " + uuidExample
	case msg == tokenPatternMessage:
		return "token", "must be the token of an invitation's link: 43 characters of base64url"
	case strings.HasPrefix(msg, requiredPrefix), msg == missingQueryMessage:
		return "required", "is required"
	case strings.HasPrefix(msg, minimumPrefix):
		return "range", "must be at least " + plainNumber(strings.TrimPrefix(msg, minimumPrefix))
	case strings.HasPrefix(msg, maximumPrefix):
		return "range", "must be at most " + plainNumber(strings.TrimPrefix(msg, maximumPrefix))
	case strings.HasPrefix(msg, minLengthPrefix):
		return "min", "must be at least " + strings.TrimPrefix(msg, minLengthPrefix) + " characters"
	case strings.HasPrefix(msg, maxLengthPrefix):
		return "max", "must be at most " + strings.TrimPrefix(msg, maxLengthPrefix) + " characters"
	case strings.HasPrefix(msg, oneOfPrefix):
		// The values are the document's enumeration.
		return "oneof", "must be one of: " + strings.TrimSuffix(strings.TrimPrefix(msg, oneOfPrefix), `"`)
	}
	return "invalid", "is not valid here"
}

// plainNumber writes a bound as a reader expects it, 2147483647 rather
// than 2.147483647e+09; text that is no number stays as it is.
func plainNumber(s string) string {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// humaProblem turns an error huma found before the handler ran (in the
// path, the query or the body) into this API's problem, by the place of
// the error and huma's status:
//
//   - any error in the path: 404, since the path names nothing;
//   - 413, 415 and 408 (body too large, not JSON, too slow) stay;
//   - any error in the query: 400, naming each parameter (rule "unknown"
//     for a parameter the operation does not have);
//   - a field of the body the schema does not have: 400, naming the
//     masked key with rule "unknown";
//   - a body that is empty, malformed, more than one JSON value or not an
//     object: 400;
//   - any other error in the body: 422, naming each field by its JSON path
//     (rules "type", "date", "uuid", "required" ...);
//   - anything else: 500, whose cause is logged.
//
// Neither huma's message nor the value it found reaches the problem.
func humaProblem(status int, errs []error) *Problem {
	var (
		inPath, inBody  bool
		bodyMessage     string
		query, unknown  []practice.FieldError
		fields, headers []practice.FieldError
		causes          []error
	)
	add := func(list *[]practice.FieldError, field, msg string) {
		rule, message := fieldRule(msg)
		field = practice.MaskNationalIDs(field)
		if !slices.ContainsFunc(*list, func(f practice.FieldError) bool { return f.Field == field }) {
			*list = append(*list, practice.FieldError{Field: field, Rule: rule, Message: message})
		}
	}
	for _, err := range errs {
		var d huma.ErrorDetailer
		if !errors.As(err, &d) {
			causes = append(causes, err)
			continue
		}
		detail := d.ErrorDetail()
		loc, msg := detail.Location, detail.Message
		switch {
		case strings.HasPrefix(loc, "path."):
			inPath = true
		case strings.HasPrefix(loc, "query."):
			add(&query, strings.TrimPrefix(loc, "query."), msg)
		case loc == "body" && !strings.HasPrefix(msg, requiredPrefix):
			inBody = true
			bodyMessage = msg
		case loc == "body" || strings.HasPrefix(loc, "body."):
			field := strings.TrimPrefix(strings.TrimPrefix(loc, "body"), ".")
			if name, ok := strings.CutPrefix(msg, requiredPrefix); ok {
				field = joinPath(field, strings.TrimSuffix(name, " to be present"))
			}
			if msg == validation.MsgUnexpectedProperty {
				add(&unknown, field, msg)
			} else {
				add(&fields, field, msg)
			}
		default:
			add(&headers, loc, msg)
		}
	}
	var p *Problem
	switch {
	case inPath:
		p = newProblem(typeNotFound, "a parameter in the path is not in its form, so the path names nothing")
	case status == http.StatusRequestEntityTooLarge:
		p = newProblem(typeTooLarge, "the request body must not be larger than %d bytes (1 MiB)", MaxBodyBytes)
	case status == http.StatusUnsupportedMediaType:
		p = newProblem(typeUnsupportedMedia, "the request body must be application/json")
	case status == http.StatusRequestTimeout:
		p = newProblem(typeTimeout, "the request body did not arrive in time")
	case status >= 500:
		p = internalProblem(errors.Join(causes...))
	case len(query) > 0:
		p = newProblem(typeBadRequest, "a query parameter is unknown or not in its form; see errors")
		p.Errors = query
	case len(unknown) > 0:
		p = newProblem(typeBadRequest, "the request body has fields this request does not have; see errors")
		p.Errors = unknown
	case inBody && bodyMessage == validation.MsgExpectedObject:
		p = newProblem(typeBadRequest, "the request body must be a JSON object")
	case inBody && bodyMessage == "request body is required":
		p = newProblem(typeBadRequest, "the request body is empty: send a JSON object")
	case inBody && status == http.StatusBadRequest:
		// The message is unmarshalJSON's, which quotes nothing.
		p = newProblem(typeBadRequest, "the request body is %s", bodyMessage)
	case inBody:
		p = newProblem(typeBadRequest, "the request body holds a value that cannot be read")
	case len(fields) > 0:
		v := &practice.ValidationError{Fields: fields}
		p = newProblem(typeValidation, "%s", practice.Message(v))
		p.Errors = fields
	case len(headers) > 0:
		p = newProblem(typeBadRequest, "a header or cookie is not in its form; see errors")
		p.Errors = headers
	case status == http.StatusBadRequest:
		p = newProblem(typeBadRequest, "the request body is empty: send a JSON object")
	default:
		p = internalProblem(fmt.Errorf("huma answered status %d without details", status))
	}
	return p
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func init() {
	// A key of a body must match the document exactly, as a client made
	// from the document sends it; huma matches keys without regard to case
	// otherwise, as encoding/json does.
	huma.ValidateStrictCasing = true

	next := huma.NewErrorWithContext
	huma.NewErrorWithContext = func(hctx huma.Context, status int, msg string, errs ...error) huma.StatusError {
		// Only the requests of a Server carry it in their context; other huma
		// APIs of the process keep huma's errors.
		ctx := hctx.Context()
		s, ok := ctx.Value(serverKey{}).(*Server)
		if !ok {
			return next(hctx, status, msg, errs...)
		}
		if msg == "request body is required" {
			errs = append(errs, &huma.ErrorDetail{Location: "body", Message: msg})
		}
		return s.complete(ctx, humaProblem(status, errs))
	}
}

// operation describes one route for the OpenAPI document. errors are the
// statuses the service may answer besides the ones every operation of its
// shape may: 400, 401 and 500 always (a bad query parameter or bearer
// token, a failure), 404 with a path parameter, 403 for a method that
// changes data (a cross-origin request), and 413, 415 and 422 with a body.
type operation struct {
	method, path, id, summary, description string
	tags                                   []string
	status                                 int
	errors                                 []int
	// acceptAnyQuery lets the operation take query parameters it does not
	// name, as an identity provider's callback must.
	acceptAnyQuery bool
	// requestBody, if not nil, documents the body of an operation whose
	// handler reads the body itself, such as a multipart upload; the
	// operation may answer 413, 415 and 422 as one with a JSON body does.
	requestBody *huma.RequestBody
	// content, if not nil, documents the body of the answer of an operation
	// whose handler writes it itself, such as a download.
	content map[string]*huma.MediaType
}

// register adds the operation op with handler h to the API. h's errors are
// answered as problems by [problemFor], and every status the operation may
// answer is documented with its problem.
func register[I, O any](s *Server, op operation, h func(context.Context, *I) (*O, error)) {
	in := reflect.TypeFor[I]()
	queryParams := paramNames(in, "query")
	statuses := []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusInternalServerError}
	if len(paramNames(in, "path")) > 0 {
		statuses = append(statuses, http.StatusNotFound)
	}
	if op.method != http.MethodGet && op.method != http.MethodHead {
		statuses = append(statuses, http.StatusForbidden)
	}
	if _, ok := in.FieldByName("Body"); ok || op.requestBody != nil {
		statuses = append(statuses, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity)
	}
	statuses = append(statuses, op.errors...)
	slices.Sort(statuses)
	responses := map[string]*huma.Response{}
	for _, status := range slices.Compact(statuses) {
		responses[fmt.Sprint(status)] = &huma.Response{
			Description: http.StatusText(status),
			Headers: map[string]*huma.Param{"X-Request-Id": {
				Description: "The request's ID in the server's log.", Schema: &huma.Schema{Type: huma.TypeString}}},
			Content: map[string]*huma.MediaType{problemMedia: {Schema: &huma.Schema{Ref: problemSchema}}},
		}
	}
	if op.content != nil {
		status := op.status
		if status == 0 {
			status = http.StatusOK
		}
		responses[fmt.Sprint(status)] = &huma.Response{Description: http.StatusText(status), Content: op.content}
	}
	hop := huma.Operation{
		OperationID: op.id, Method: op.method, Path: op.path, Summary: op.summary, Description: op.description,
		Tags: op.tags, DefaultStatus: op.status, Responses: responses,
		MaxBodyBytes:                 MaxBodyBytes + 1, // huma refuses a body of exactly MaxBodyBytes
		RejectUnknownQueryParameters: !op.acceptAnyQuery,
	}
	huma.Register(s.api, hop, func(ctx context.Context, input *I) (*O, error) {
		out, err := h(ctx, input)
		if err != nil {
			anonymous := actorOf(ctx).PersonID == practice.NilID
			return nil, s.complete(ctx, problemFor(err, anonymous, queryParams))
		}
		return out, nil
	})
	if op.requestBody != nil {
		// Set after huma.Register, which would otherwise read and decode the
		// body itself.
		item := s.api.OpenAPI().Paths[op.path]
		for _, o := range []*huma.Operation{item.Post, item.Put, item.Patch} {
			if o != nil && o.OperationID == op.id {
				o.RequestBody = op.requestBody
			}
		}
	}
}

// paramNames lists the names of the parameters of input type t (and its
// embedded structs) in the place where ("path", "query" ...).
func paramNames(t reflect.Type, where string) []string {
	var out []string
	for f := range t.Fields() {
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			out = append(out, paramNames(f.Type, where)...)
		} else if name := f.Tag.Get(where); name != "" {
			out = append(out, name)
		}
	}
	return out
}
