package httpapi

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

// Types that exercise every way badValue walks into a body.
type (
	WalkLeaf struct {
		When practice.Date `json:"when"`
	}
	WalkEmbedded struct {
		Start practice.Date `json:"start"`
		Name  practice.Date `json:"name"` // shadowed by walkBody.Name
	}
	walkBody struct {
		WalkEmbedded
		*WalkLeaf                  // an embedded pointer: "when" is promoted
		Name      string           `json:"name"`
		Parent    *practice.ID     `json:"parentId,omitempty"`
		Items     []WalkLeaf       `json:"items"`
		IDs       []practice.ID    `json:"ids"`
		Pair      [2]WalkLeaf      `json:"pair"`
		Ptr       *WalkLeaf        `json:"ptr"`
		Skipped   practice.Date    `json:"-"`
		Untagged  practice.Date    // decoded by its Go name
		Profile   practice.Profile `json:"profile"`
	}
)

func TestBadValue(t *testing.T) {
	t.Parallel()
	id := practice.NewID().String()
	date := reflect.TypeFor[practice.Date]()
	for _, tc := range []struct {
		name, body string
		path       string // "" when badValue finds nothing
		typ        reflect.Type
	}{
		{"a field of an embedded struct", `{"start":"x"}`, "start", date},
		{"a field of an embedded pointer", `{"when":"x"}`, "when", date},
		{"a shallower field wins", `{"name":"not a date, and need not be"}`, "", nil},
		{"behind a pointer", `{"parentId":"x"}`, "parentId", reflect.TypeFor[practice.ID]()},
		{"in a slice of structs", `{"items":[{"when":"2020-01-01"},{"when":"x"}]}`, "items[1].when", date},
		{"in a slice", `{"ids":["` + id + `","x"]}`, "ids[1]", reflect.TypeFor[practice.ID]()},
		{"in an array", `{"pair":[{},{"when":"x"}]}`, "pair[1].when", date},
		{"in a struct behind a pointer", `{"ptr":{"when":"x"}}`, "ptr.when", date},
		{"a key in another case", `{"PARENTID":"x"}`, "parentId", reflect.TypeFor[practice.ID]()},
		{"by Go name", `{"Untagged":"x"}`, "Untagged", date},
		{"the first in the body's order", `{"name":"a","ptr":{"when":"y"},"parentId":"x"}`, "ptr.when", date},
		{"a wrong JSON type deep down", `{"profile":{"teaches":["a",1]}}`, "profile.teaches[1]", reflect.TypeFor[string]()},
		{"an ignored field", `{"Skipped":"x"}`, "", nil},
		{"an unknown field", `{"colour":"x"}`, "", nil},
		{"nothing wrong", `{"start":"2020-01-01","parentId":"` + id + `"}`, "", nil},
		{"null", `{"ptr":null,"items":null}`, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path, typ := badValue([]byte(tc.body), reflect.TypeFor[*walkBody]())
			require.Equal(t, tc.path, path)
			require.Equal(t, tc.typ, typ)
		})
	}
}

func TestMaskNationalIDs(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/api/people/15889910027":    "/api/people/***********",
		"/a/15889910027/15889910027": "/a/***********/***********",
		"15889910027":                "***********",
		"/x/158899100271":            "/x/158899100271", // twelve digits
		"/x/1588991002":              "/x/1588991002",   // ten digits
		"/api/people/0190aaaa-bbbb-7ccc-8ddd-123456789012": "/api/people/0190aaaa-bbbb-7ccc-8ddd-123456789012",
		"/x/a15889910027":      "/x/a15889910027", // part of a hex run
		"/x/n15889910027.json": "/x/n***********.json",
	} {
		require.Equal(t, want, maskNationalIDs(in), in)
	}
}
