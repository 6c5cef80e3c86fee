package practice

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
)

// The sizes of a page of a list.
const (
	// DefaultLimit is the size of a page when a [PageRequest] gives no limit.
	DefaultLimit = 50
	// MaxLimit is the largest page a list answers.
	MaxLimit = 500
)

// Cursor marks a place in a list: the sort key of the last item of a page,
// from which the next page goes on (keyset paging, so a page is found by an
// index, and a record added or removed meanwhile moves no other record to
// another page). A Cursor is opaque text, safe in a URL: take it from
// [Page.Next] and hand it back in [PageRequest.After]. The zero Cursor is
// the start of the list.
type Cursor string

// NewCursor returns the cursor after an item whose sort key is key (for a
// list ordered by name, then ID: the name and the ID's text). Stores call
// it; callers only pass cursors on.
func NewCursor(key ...string) Cursor {
	b, _ := json.Marshal(key) // a []string always marshals
	return Cursor(base64.RawURLEncoding.EncodeToString(b))
}

// maxCursor is the length of the longest cursor a list gives: its key is
// stored text of bounded length.
const maxCursor = 4096

// errCursor is the field error of a cursor that no list gave.
var errCursor = &ValidationError{Fields: []FieldError{{Field: "cursor", Rule: "cursor",
	Message: "is not a cursor this list gave: pass on the next cursor of a page as it is"}}}

// Key returns the sort key the cursor holds, which must have n parts, or a
// *ValidationError on field "cursor" if it is not a cursor of a list
// ordered by n keys. The zero Cursor gives nil and no error.
func (c Cursor) Key(n int) ([]string, error) {
	if c == "" {
		return nil, nil
	}
	key, ok := c.key()
	if !ok || len(key) != n {
		return nil, errCursor
	}
	return key, nil
}

// key decodes the sort key c holds, and reports whether c is in the form
// a list gives: base64 of a JSON array of text a store may hold, which is
// valid UTF-8 without control characters.
func (c Cursor) key() ([]string, bool) {
	if len(c) > maxCursor {
		return nil, false
	}
	b, err := base64.RawURLEncoding.DecodeString(string(c))
	if err != nil {
		return nil, false
	}
	var key []string
	if json.Unmarshal(b, &key) != nil {
		return nil, false
	}
	for _, k := range key {
		if rule, _ := textRule(k, false); rule != "" {
			return nil, false
		}
	}
	return key, true
}

// PageRequest asks for one page of a list: at most Limit items after the
// cursor After. Every list method takes one in its filter, so no list is
// unbounded.
type PageRequest struct {
	// Limit is the most items to return: 1 to MaxLimit, or 0 for
	// DefaultLimit.
	Limit int
	// After is the cursor of the previous page, or the zero Cursor for the
	// first page.
	After Cursor
}

// Size returns the number of items to return: Limit, or DefaultLimit for a
// Limit of 0 or less, and at most MaxLimit. Stores call it, so that no list
// is unbounded whatever the caller asks.
func (p PageRequest) Size() int {
	switch {
	case p.Limit <= 0:
		return DefaultLimit
	case p.Limit > MaxLimit:
		return MaxLimit
	}
	return p.Limit
}

// Check returns a *ValidationError if Limit is negative or above MaxLimit,
// naming the field "limit", or if After is not in the form a list gives,
// naming "cursor" (whether it has as many parts as the list's key, the list
// checks).
// Services check every page a caller asks for.
func (p PageRequest) Check() error {
	var v ValidationError
	if p.Limit < 0 || p.Limit > MaxLimit {
		v.Add("limit", "range", "must be from 1 to "+strconv.Itoa(MaxLimit))
	}
	if _, ok := p.After.key(); p.After != "" && !ok {
		v.Fields = append(v.Fields, errCursor.Fields...)
	}
	return v.Err()
}

// Page is one page of a list.
type Page[T any] struct {
	// Items are the page's items, in the list's order; never nil.
	Items []T `json:"items"`
	// Next is the cursor of the next page, or the zero Cursor if this is
	// the last.
	Next Cursor `json:"next,omitempty"`
}

// PageOf returns the page of the first size items of items, which holds
// the items after a cursor in order, possibly more than size; key gives an
// item's sort key for the next cursor. Stores that fetch size+1 items to
// learn whether there is a next page use it.
func PageOf[T any](items []T, size int, key func(T) []string) Page[T] {
	if items == nil {
		items = []T{}
	}
	if len(items) <= size {
		return Page[T]{Items: items}
	}
	items = items[:size]
	return Page[T]{Items: items, Next: NewCursor(key(items[size-1])...)}
}

// All calls list for every page of a list, from the start, and returns all
// their items. list gets the PageRequest of each page (of MaxLimit items).
// Call it in a transaction or snapshot when the pages must agree.
func All[T any](list func(PageRequest) (Page[T], error)) ([]T, error) {
	out := []T{}
	req := PageRequest{Limit: MaxLimit}
	for {
		p, err := list(req)
		if err != nil {
			return nil, err
		}
		out = append(out, p.Items...)
		if p.Next == "" {
			return out, nil
		}
		req.After = p.Next
	}
}
