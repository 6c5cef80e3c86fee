package httpapi

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
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
// large, 422 naming the field for a value that breaks the rule of its type
// (a date or an ID in the wrong form), and 400 saying what is wrong for
// anything else. No problem quotes a value from the body.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" && !strings.HasSuffix(mt, "+json") {
			return newProblem(http.StatusUnsupportedMediaType, typeUnsupportedMedia,
				"the request body must be application/json, not %q", maskNationalIDs(ct))
		}
	}
	// The body is read whole, so that a value that does not decode can be
	// found again by its path.
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return newProblem(http.StatusRequestEntityTooLarge, typeTooLarge,
			"the request body must not be larger than %d bytes (1 MiB)", MaxBodyBytes)
	case err != nil:
		return newProblem(http.StatusBadRequest, typeBadRequest, "the request body cannot be read")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err, reflect.TypeOf(v), data)
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return newProblem(http.StatusBadRequest, typeBadRequest,
			"the request body must hold exactly one JSON value, but more follows the first")
	}
	return nil
}

// decodeError explains an error of encoding/json decoding body into a value
// of type t as a problem.
func decodeError(err error, t reflect.Type, body []byte) *Problem {
	var (
		syntax    *json.SyntaxError
		wrongType *json.UnmarshalTypeError
	)
	switch {
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
			return newProblem(http.StatusBadRequest, typeBadRequest, "the request body must be a JSON %s", jsonKind(t))
		}
		p := newProblem(http.StatusBadRequest, typeBadRequest,
			"field %q must be a JSON %s", field, jsonKind(wrongType.Type))
		p.Errors = []practice.FieldError{{Field: field, Rule: "type", Message: "must be a JSON " + jsonKind(wrongType.Type)}}
		return p
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = maskNationalIDs(strings.Trim(name, `"`))
		p := newProblem(http.StatusBadRequest, typeBadRequest, "unknown field %q: this request has no such field", name)
		p.Errors = []practice.FieldError{{Field: name, Rule: "unknown", Message: "is not a field of this request"}}
		return p
	}
	// An error of a type's UnmarshalText, such as a date or an ID in the
	// wrong form. encoding/json does not say which field it was, so find
	// it. The error's text is not sent: it may quote the value.
	path, pt := badValue(body, t)
	if path == "" {
		return newProblem(http.StatusBadRequest, typeBadRequest, "the request body holds a value that cannot be read")
	}
	rule, message := "type", "must be a valid JSON "+jsonKind(pt)
	switch pt {
	case reflect.TypeFor[practice.Date]():
		rule, message = "date", "must be a date in the form YYYY-MM-DD"
	case reflect.TypeFor[practice.ID]():
		rule, message = "uuid", "must be a UUID"
	}
	return validationProblem(&practice.ValidationError{Fields: []practice.FieldError{
		{Field: path, Rule: rule, Message: message},
	}})
}

// badValue returns the JSON path (such as "presentation.email" or
// "profile.teaches[0]") of the deepest value in data that does not
// unmarshal into its place in a value of type t, and the type of that
// place. It returns "" if no value inside data fails on its own. It walks
// data alongside t: struct fields by their JSON names (with the fields of
// embedded structs promoted), pointers, slices and arrays by index.
func badValue(data []byte, t reflect.Type) (string, reflect.Type) {
	return walkValue(data, t, "")
}

func walkValue(raw []byte, t reflect.Type, path string) (string, reflect.Type) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if json.Unmarshal(raw, reflect.New(t).Interface()) == nil {
		return "", nil
	}
	if pt := reflect.PointerTo(t); pt.Implements(jsonUnmarshaler) || pt.Implements(textUnmarshaler) {
		return path, t // it decodes itself: look no deeper
	}
	switch t.Kind() {
	case reflect.Struct:
		fields := jsonFields(t)
		for key, v := range children(raw, '{') {
			if f, ok := lookupField(fields, key); ok {
				if p, ft := walkValue(v, f.typ, joinPath(path, f.name)); p != "" {
					return p, ft
				}
			}
		}
	case reflect.Slice, reflect.Array:
		i := 0
		for _, v := range children(raw, '[') {
			if p, ft := walkValue(v, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); p != "" {
				return p, ft
			}
			i++
		}
	}
	return path, t
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// children yields the members of a JSON object (open '{'), key and value,
// or the elements of a JSON array (open '['), "" and value, in order. It
// yields nothing if raw is not of that kind.
func children(raw []byte, open json.Delim) iter.Seq2[string, json.RawMessage] {
	return func(yield func(string, json.RawMessage) bool) {
		dec := json.NewDecoder(bytes.NewReader(raw))
		if tok, err := dec.Token(); err != nil || tok != open {
			return
		}
		for dec.More() {
			var key string
			if open == '{' {
				tok, err := dec.Token()
				if key, _ = tok.(string); err != nil {
					return
				}
			}
			var v json.RawMessage
			if dec.Decode(&v) != nil || !yield(key, v) {
				return
			}
		}
	}
}

// jsonField is a field encoding/json decodes a JSON object member into.
type jsonField struct {
	name string
	typ  reflect.Type
}

// jsonFields lists the fields of struct type t by their JSON names: the
// exported fields by their tag name or Go name, then the fields of embedded
// structs, which are promoted unless a shallower field has the name.
func jsonFields(t reflect.Type) []jsonField {
	var out []jsonField
	seen := map[string]bool{}
	for level := []reflect.Type{t}; len(level) > 0; {
		var next []reflect.Type
		for _, st := range level {
			for f := range st.Fields() {
				tag := f.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, _, _ := strings.Cut(tag, ",")
				if ft := f.Type; f.Anonymous && name == "" {
					if ft.Kind() == reflect.Pointer {
						ft = ft.Elem()
					}
					if ft.Kind() == reflect.Struct {
						next = append(next, ft)
						continue
					}
				}
				if !f.IsExported() {
					continue
				}
				if name == "" {
					name = f.Name
				}
				if !seen[name] {
					seen[name] = true
					out = append(out, jsonField{name: name, typ: f.Type})
				}
			}
		}
		level = next
	}
	return out
}

// lookupField finds the field a JSON key decodes into as encoding/json
// does: by exact name, else ignoring case.
func lookupField(fields []jsonField, key string) (jsonField, bool) {
	for _, f := range fields {
		if f.name == key {
			return f, true
		}
	}
	for _, f := range fields {
		if strings.EqualFold(f.name, key) {
			return f, true
		}
	}
	return jsonField{}, false
}

var jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()

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
