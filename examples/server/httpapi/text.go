package httpapi

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/praksis/praksis/practice"
)

// refuseInvalidUTF8 answers 422 to a JSON request body that is not valid
// UTF-8, naming the field whose string holds the bad bytes (rule "utf8"),
// before the body is decoded: a JSON decoder would silently turn them into
// U+FFFD, and the service would store a text the client never sent. A
// request for no route of mux, and every other request, passes on with its
// body as it was.
func (s *Server) refuseInvalidUTF8(mux *http.ServeMux, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody || !isJSON(r.Header.Get("Content-Type")) {
			next.ServeHTTP(w, r)
			return
		}
		if _, pattern := mux.Handler(r); pattern == "" {
			next.ServeHTTP(w, r)
			return
		}
		// Read one byte more than a body may hold; a larger body goes on as
		// it is, to be refused as too large.
		data, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+2))
		r.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(data), r.Body), r.Body}
		if err != nil || utf8.Valid(data) {
			next.ServeHTTP(w, r)
			return
		}
		field := invalidUTF8Field(data)
		if field == "" {
			s.writeError(w, r, newProblem(typeBadRequest, "the request body is not valid UTF-8 text outside a string"))
			return
		}
		s.writeError(w, r, &practice.ValidationError{Fields: []practice.FieldError{
			{Field: field, Rule: "utf8", Message: "must be valid UTF-8 text"}}})
	})
}

// isJSON reports whether a Content-Type is JSON, or absent (huma reads an
// untyped body as JSON).
func isJSON(contentType string) bool {
	if contentType == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// invalidUTF8Field returns the JSON path (such as "profile.teaches[1]") of
// the first string in data that holds a byte that is not valid UTF-8; for
// an object key the path ends in the key, masked. It returns "" if the bad
// byte is outside any string, or data is not JSON.
func invalidUTF8Field(data []byte) string {
	bad := 0
	for bad < len(data) {
		r, size := utf8.DecodeRune(data[bad:])
		if r == utf8.RuneError && size <= 1 {
			break
		}
		bad += size
	}
	// frame is an object or array being read: its path, and for an object
	// the key of the value next, or for an array the index.
	type frame struct {
		path      string
		object    bool
		expectKey bool
		key       string
		index     int
	}
	var stack []*frame
	valuePath := func() string {
		if len(stack) == 0 {
			return ""
		}
		f := stack[len(stack)-1]
		if f.object {
			return joinPath(f.path, practice.MaskNationalIDs(f.key))
		}
		return f.path + "[" + strconv.Itoa(f.index) + "]"
	}
	advance := func() {
		if len(stack) > 0 {
			f := stack[len(stack)-1]
			if f.object {
				f.expectKey = true
			} else {
				f.index++
			}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		start := int(dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		end := int(dec.InputOffset())
		inside := bad >= start && bad < end
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				stack = append(stack, &frame{path: valuePath(), object: t == '{', expectKey: t == '{'})
			default:
				stack = stack[:len(stack)-1]
				advance()
			}
		case string:
			if f := len(stack); f > 0 && stack[f-1].object && stack[f-1].expectKey {
				stack[f-1].key, stack[f-1].expectKey = t, false
				if inside {
					return valuePath()
				}
				continue
			}
			if inside {
				if p := valuePath(); p != "" {
					return p
				}
				return ""
			}
			advance()
		default:
			advance()
		}
	}
}
