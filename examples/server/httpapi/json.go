package httpapi

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"

	"github.com/praksis/praksis/practice"
)

// MaxBodyBytes is the largest request body the API reads: 1 MiB.
const MaxBodyBytes = 1 << 20

// decode reads the request body, which must be exactly one JSON value of at
// most MaxBodyBytes, into v. A field v does not have is an error. The errors
// it returns are *Problem: 415 for a body that is not JSON, 413 for one too
// large, and 400 saying what is wrong for anything else.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" && !strings.HasSuffix(mt, "+json") {
			return newProblem(http.StatusUnsupportedMediaType, typeUnsupportedMedia,
				"the request body must be application/json, not %q", ct)
		}
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err, v)
	}
	var extra json.RawMessage
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
		return nil
	case isTooLarge(err):
		return decodeError(err, v)
	default:
		return newProblem(http.StatusBadRequest, typeBadRequest,
			"the request body must hold exactly one JSON value, but more follows the first")
	}
}

func isTooLarge(err error) bool {
	var tooLarge *http.MaxBytesError
	return errors.As(err, &tooLarge)
}

// decodeError explains an error of encoding/json as a problem.
func decodeError(err error, v any) *Problem {
	var (
		syntax    *json.SyntaxError
		wrongType *json.UnmarshalTypeError
	)
	switch {
	case isTooLarge(err):
		return newProblem(http.StatusRequestEntityTooLarge, typeTooLarge,
			"the request body must not be larger than %d bytes (1 MiB)", MaxBodyBytes)
	case errors.Is(err, io.EOF):
		return newProblem(http.StatusBadRequest, typeBadRequest, "the request body is empty; send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return newProblem(http.StatusBadRequest, typeBadRequest, "the request body is malformed JSON: it ends too early")
	case errors.As(err, &syntax):
		return newProblem(http.StatusBadRequest, typeBadRequest,
			"the request body is malformed JSON at byte %d: %s", syntax.Offset, strings.TrimPrefix(syntax.Error(), "json: "))
	case errors.As(err, &wrongType):
		field := wrongType.Field
		if field == "" {
			p := newProblem(http.StatusBadRequest, typeBadRequest,
				"the request body must be a JSON %s", jsonKind(reflect.TypeOf(v)))
			return p
		}
		p := newProblem(http.StatusBadRequest, typeBadRequest,
			"field %q must be a JSON %s", field, jsonKind(wrongType.Type))
		p.Errors = []practice.FieldError{{Field: field, Rule: "type", Message: "must be a JSON " + jsonKind(wrongType.Type)}}
		return p
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		p := newProblem(http.StatusBadRequest, typeBadRequest, "unknown field %q: this request has no such field", name)
		p.Errors = []practice.FieldError{{Field: name, Rule: "unknown", Message: "is not a field of this request"}}
		return p
	}
	// An error of a type's UnmarshalText, such as a date or an ID in the
	// wrong form. encoding/json does not say which field it was.
	return newProblem(http.StatusBadRequest, typeBadRequest, "the request body holds an invalid value: %s",
		strings.TrimPrefix(err.Error(), "json: "))
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// jsonKind names the JSON type a Go type is decoded from.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "value"
	}
	if reflect.PointerTo(t).Implements(textUnmarshaler) || t.Implements(textUnmarshaler) {
		return "string"
	}
	switch t.Kind() {
	case reflect.Pointer:
		return jsonKind(t.Elem())
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Struct, reflect.Map:
		return "object"
	}
	return "value"
}

// writeJSON answers v as JSON with a status. Responses may hold personal
// data, so they are not to be cached.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
	return nil
}

// list is the body of every list response.
type list[T any] struct {
	Items []T `json:"items"`
}

func listOf[T any](items []T) list[T] {
	if items == nil {
		items = []T{}
	}
	return list[T]{Items: items}
}
