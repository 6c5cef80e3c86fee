package httpapi_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/examples/demo"
	"github.com/praksis/praksis/examples/server/httpapi"
	"github.com/praksis/praksis/invite"
	"github.com/praksis/praksis/practice"
	"github.com/praksis/praksis/storage/memory"
)

// TestBadBodies sends bodies that are refused before the service runs, or
// by the service's rules, and checks the problem and that nothing changed.
func TestBadBodies(t *testing.T) {
	t.Parallel()
	b := setup(t)
	admin := b.login(demo.StudySiteAdmin.Email)
	ous := "/api/organisations/" + b.ous.ID.String()
	tree := ok[practice.Tree](t, b.do("GET", ous+"/tree", "", nil), http.StatusOK)
	place := tree.Roots[0]
	changes := "/api/places/" + place.ID.String() + "/changes"
	person := "/api/people/" + b.personID(demo.OUSReader).String()
	id := practice.NewID().String()
	before := b.state()

	for _, tc := range []struct {
		name, method, path string
		body               string
		status             int
		errors             map[string]string // field → rule; nil: none
		detail             string            // a part of the detail
	}{
		// A JSON value of the wrong type: 422, named by its JSON path.
		{"a number for a national identity number", "POST", ous + "/members",
			`{"name":"X","email":"x@example.org","right":"read","nationalId":12897810032}`, 422,
			map[string]string{"nationalId": "type"}, "nationalId: must be a JSON string"},
		{"a number in a list", "PUT", person, `{"name":"X","email":"x@example.org","version":1,"profile":{"teaches":["a",1]}}`, 422,
			map[string]string{"profile.teaches[1]": "type"}, "profile.teaches[1]"},
		{"a string for a version", "PUT", ous, `{"name":"X","orgNumber":"974760673","version":"1"}`, 422,
			map[string]string{"version": "type"}, "version: must be a whole number"},
		{"a fraction for a version", "PUT", ous, `{"name":"X","orgNumber":"974760673","version":1.5}`, 422,
			map[string]string{"version": "type"}, ""},
		{"a version out of range", "PUT", ous, `{"name":"X","orgNumber":"974760673","version":1e30}`, 422,
			map[string]string{"version": "range"}, ""},
		{"a version just out of range", "PUT", ous, `{"name":"X","orgNumber":"974760673","version":2147483648}`, 422,
			map[string]string{"version": "range"}, "version: must be at most 2147483647"},
		{"a number for a date", "POST", changes, `{"from":20270101,"name":"X"}`, 422,
			map[string]string{"from": "type"}, ""},
		{"an object for a name", "POST", "/api/organisations", `{"name":{"a":1},"orgNumber":"974760673"}`, 422,
			map[string]string{"name": "type"}, ""},
		{"a missing field", "POST", "/api/organisations", `{"name":"X"}`, 422,
			map[string]string{"orgNumber": "required"}, ""},

		// A date or an ID not in its form: 422.
		{"a date that does not exist", "POST", changes, `{"from":"2027-02-30","name":"X"}`, 422,
			map[string]string{"from": "date"}, ""},
		{"a date in another form", "POST", changes, `{"from":"31.12.2027","name":"X"}`, 422,
			map[string]string{"from": "date"}, ""},
		{"an empty date", "POST", changes, `{"from":"","name":"X"}`, 422,
			map[string]string{"from": "date"}, ""},
		{"an ID behind a pointer", "POST", changes, `{"from":"2030-01-01","parentId":"not-a-uuid"}`, 422,
			map[string]string{"parentId": "uuid"}, ""},
		{"an ID in braces", "POST", ous + "/places", `{"name":"X","from":"2030-01-01","parentId":"{` + id + `}"}`, 422,
			map[string]string{"parentId": "uuid"}, ""},
		{"an ID without hyphens", "POST", ous + "/places", `{"name":"X","from":"2030-01-01","parentId":"` + strings.ReplaceAll(id, "-", "") + `"}`, 422,
			map[string]string{"parentId": "uuid"}, ""},
		{"an ID as a URN", "POST", "/api/institutions/" + b.nih.ID.String() + "/staff", `{"personId":"urn:uuid:` + id + `","role":"teacher"}`, 422,
			map[string]string{"personId": "uuid"}, ""},
		// A key must match the document exactly: encoding/json would take
		// this one for "from".
		{"a key in another case", "POST", changes, `{"FROM":"2030-01-01","name":"X"}`, 400,
			map[string]string{"FROM": "unknown"}, ""},

		// The kernel's rules for text and dates: 422.
		{"a date before 1970", "POST", changes, `{"from":"1969-12-31","name":"X"}`, 422,
			map[string]string{"from": "range"}, ""},
		{"a date after 2199", "POST", ous + "/places", `{"name":"X","from":"2200-01-01"}`, 422,
			map[string]string{"from": "range"}, ""},
		{"a NUL in a name", "POST", "/api/organisations", `{"name":"Oslo\u0000kommune","orgNumber":"974760673"}`, 422,
			map[string]string{"name": "control"}, ""},
		{"a line break in a name", "POST", ous + "/members", `{"name":"Ola\nNormann","email":"ola@example.org","right":"read"}`, 422,
			map[string]string{"name": "control"}, ""},
		{"a bidi override", "POST", "/api/organisations", `{"name":"abc\u202edef","orgNumber":"974760673"}`, 422,
			map[string]string{"name": "bidi"}, ""},
		{"an invisible name", "POST", "/api/organisations", `{"name":"\u200b\u3164","orgNumber":"974760673"}`, 422,
			map[string]string{"name": "visible"}, ""},
		{"a script picture", "PUT", "/api/places/" + place.ID.String() + "/presentation",
			`{"pictureRef":"javascript:alert(1)","version":1}`, 422, map[string]string{"pictureRef": "pictureref"}, ""},
		{"a picture over plain HTTP", "PUT", "/api/places/" + place.ID.String() + "/presentation",
			`{"pictureRef":"http://example.org/a.jpg","version":1}`, 422, map[string]string{"pictureRef": "pictureref"}, ""},
		{"invalid UTF-8 in a name", "POST", "/api/organisations", "{\"name\":\"Oslo \xff kommune\",\"orgNumber\":\"974760673\"}", 422,
			map[string]string{"name": "utf8"}, "name: must be valid UTF-8"},
		{"invalid UTF-8 in a list", "PUT", person, "{\"name\":\"X\",\"email\":\"x@example.org\",\"version\":1,\"profile\":{\"teaches\":[\"a\",\"b\xfe\"]}}", 422,
			map[string]string{"profile.teaches[1]": "utf8"}, ""},
		{"invalid UTF-8 in a nested object", "POST", ous + "/places", "{\"name\":\"X\",\"from\":\"2030-01-01\",\"presentation\":{\"address\":\"Gate \xc3\"}}", 422,
			map[string]string{"presentation.address": "utf8"}, ""},
		{"invalid UTF-8 outside a string", "POST", "/api/organisations", "{\"name\":\"X\"}\xff", 400, nil, "not valid UTF-8"},
		{"a control character in a profile", "PUT", person, `{"name":"X","email":"x@example.org","version":1,"profile":{"supervises":["a\u0007"]}}`, 422,
			map[string]string{"profile.supervises[0]": "control"}, ""},

		// Not the body the operation reads: 400.
		{"an unknown field", "POST", "/api/organisations", `{"name":"X","orgNumber":"974760673","colour":"red"}`, 400,
			map[string]string{"colour": "unknown"}, "fields this request does not have"},
		{"an unknown nested field", "POST", ous + "/places", `{"name":"X","from":"2030-01-01","presentation":{"colour":"red"}}`, 400,
			map[string]string{"presentation.colour": "unknown"}, ""},
		{"malformed JSON", "POST", "/api/organisations", `{"name": "X",`, 400, nil, "malformed JSON"},
		{"a syntax error", "POST", "/api/organisations", `{"name": 'X'}`, 400, nil, "malformed JSON at byte 10"},
		{"an empty body", "POST", "/api/organisations", ``, 400, nil, "empty"},
		{"white space only", "POST", "/api/organisations", " \n ", 400, nil, "empty"},
		{"two JSON values", "POST", "/api/organisations", `{"name":"X","orgNumber":"974760673"} {}`, 400, nil, "more than one JSON value"},
		{"an array", "POST", "/api/organisations", `[1,2]`, 400, nil, "must be a JSON object"},
		{"null", "POST", "/api/organisations", `null`, 400, nil, "must be a JSON object"},

		// Too large: 413.
		{"too large", "POST", "/api/organisations", `{"name":"` + strings.Repeat("x", httpapi.MaxBodyBytes) + `"}`, 413, nil, "1 MiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := b.do(tc.method, tc.path, admin, tc.body)
			p := problem(t, res, tc.status)
			if tc.errors == nil {
				require.Empty(t, p.Errors)
			} else {
				require.Equal(t, tc.errors, fields(p))
			}
			require.Contains(t, p.Detail, tc.detail)
			for _, leak := range []string{"PersonInput", "MemberCreate", "OrganisationUpdate", "PersonUpdate", "int64", "float64", "Go ", "json:"} {
				require.NotContains(t, string(res.body), leak, "no Go type or field name reaches a problem")
			}
		})
	}
	require.Equal(t, before, b.state(), "no refused body changed anything")

	t.Run("a body of exactly 1 MiB is read", func(t *testing.T) {
		head, tail := `{"name":"`, `","orgNumber":"974760673"}`
		body := head + strings.Repeat("x", httpapi.MaxBodyBytes-len(head)-len(tail)) + tail
		require.Len(t, body, httpapi.MaxBodyBytes)
		p := problem(t, b.do("POST", "/api/organisations", admin, body), http.StatusUnprocessableEntity)
		require.Equal(t, map[string]string{"name": "max"}, fields(p))
	})

	t.Run("a body that is not JSON is 415", func(t *testing.T) {
		for _, ct := range []string{"application/x-www-form-urlencoded", "text/plain", "application/xml", "application/json-seq"} {
			req, err := http.NewRequest("POST", b.url+"/api/organisations", strings.NewReader(`{"name":"X","orgNumber":"974760673"}`))
			require.NoError(t, err)
			req.Header.Set("Content-Type", ct)
			req.Header.Set("Authorization", "Bearer "+admin)
			p := problem(t, b.send(b.client, req, []byte(`{"name":"X","orgNumber":"974760673"}`)), http.StatusUnsupportedMediaType)
			require.NotContains(t, p.Detail, ct, "the detail does not quote the header")
		}
	})

	t.Run("JSON with a charset is JSON", func(t *testing.T) {
		body := `{"name":"Charset AS","orgNumber":"974760673"}`
		req, err := http.NewRequest("POST", b.url+"/api/organisations", strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
		req.Header.Set("Authorization", "Bearer "+admin)
		ok[practice.Organisation](t, b.send(b.client, req, []byte(body)), http.StatusCreated)
	})
}

// TestBadQueries sends query parameters that are refused: 400 naming each.
func TestBadQueries(t *testing.T) {
	t.Parallel()
	b := setup(t)
	teacher := b.login(demo.Teacher.Email)
	tree := "/api/organisations/" + b.ous.ID.String() + "/tree"
	for _, tc := range []struct {
		name, path string
		errors     map[string]string
	}{
		{"a bad organisation number", "/api/organisations?orgNumber=abc", map[string]string{"orgNumber": "orgnr"}},
		{"a limit of 0", "/api/organisations?limit=0", map[string]string{"limit": "range"}},
		{"a limit over 500", "/api/institutions?limit=501", map[string]string{"limit": "range"}},
		{"a limit that is no number", "/api/organisations?limit=abc", map[string]string{"limit": "type"}},
		{"a date in another form", tree + "?asOf=31.12.2027", map[string]string{"asOf": "date"}},
		{"a date out of range", "/api/places/" + practice.NewID().String() + "?asOf=2200-01-01", map[string]string{"asOf": "range"}},
		{"a cursor no list gave", "/api/organisations?cursor=garbage", map[string]string{"cursor": "cursor"}},
		{"a cursor that is not base64", "/api/institutions?cursor=*", map[string]string{"cursor": "cursor"}},
		{"an unknown parameter", "/api/organisations?colour=red", map[string]string{"colour": "unknown"}},
		{"an unknown parameter of a single resource", tree + "?limit=5", map[string]string{"limit": "unknown"}},
		{"an unknown parameter beside a bad one", "/api/organisations?limit=0&colour=red", map[string]string{"colour": "unknown"}},
		{"two bad parameters", "/api/people?limit=0&organisationId=x", map[string]string{"limit": "range", "organisationId": "uuid"}},
		{"a national identity number as a parameter's name", "/api/organisations?" + strangerNID + "=1", map[string]string{"***********": "unknown"}},
		{"an organisation that is no UUID", "/api/people?organisationId=abc", map[string]string{"organisationId": "uuid"}},
		{"a search with a control character", "/api/people?q=a%00b", map[string]string{"q": "control"}},
		{"a search that is not UTF-8", "/api/people?q=%FF", map[string]string{"q": "utf8"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := b.do("GET", tc.path, teacher, nil)
			p := problem(t, res, http.StatusBadRequest)
			require.Equal(t, "urn:praksis:problem:bad-request", p.Type)
			require.Equal(t, tc.errors, fields(p))
			require.NotContains(t, string(res.body), strangerNID)
		})
	}
}

func TestBadPaths(t *testing.T) {
	t.Parallel()
	b := setup(t)
	admin := b.login(demo.StudySiteAdmin.Email)
	id := practice.NewID().String()
	for _, path := range []string{
		"/api/organisations/not-a-uuid",
		"/api/organisations/" + strings.ReplaceAll(id, "-", ""),
		"/api/organisations/%7B" + id + "%7D",
		"/api/organisations/urn:uuid:" + id,
		"/api/people/" + strangerNID,
		"/api/places/x/history?limit=0",
		"/api/institutions/" + b.nih.ID.String() + "/staff/x/teacher",
	} {
		method := "GET"
		if strings.Contains(path, "/staff/") {
			method = "DELETE"
		}
		p := problem(t, b.do(method, path, admin, nil), http.StatusNotFound)
		require.Equal(t, "urn:praksis:problem:not-found", p.Type, path)
		require.Empty(t, p.Errors, "a path that names nothing names no field")
	}
	p := problem(t, b.do("PUT", "/api/organisations/x", admin, `{"colour":1}`), http.StatusNotFound)
	require.Empty(t, p.Errors, "the path is judged before the body")

	p = problem(t, b.do("GET", "/api/nowhere", "", nil), http.StatusNotFound)
	require.Contains(t, p.Detail, "no route GET /api/nowhere")
	p = problem(t, b.do("DELETE", "/api/organisations", admin, nil), http.StatusMethodNotAllowed)
	require.Equal(t, "urn:praksis:problem:method-not-allowed", p.Type)
	require.Contains(t, p.Detail, "GET")
}

func TestCrossOriginRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	admin := b.login(demo.StudySiteAdmin.Email)
	before := b.state()
	body := `{"name":"X","orgNumber":"974760673"}`
	req, err := http.NewRequest("POST", b.url+"/api/organisations", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+admin)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	p := problem(t, b.send(b.client, req, []byte(body)), http.StatusForbidden)
	require.Contains(t, p.Detail, "cross-origin")
	require.Equal(t, before, b.state())
}

// downStore fails to list memberships, which every authenticated request
// needs, while down is set, with a text that holds a national identity
// number in two spellings.
type downStore struct {
	*memory.Store
	down *atomic.Bool
}

func (s downStore) Memberships(ctx context.Context, f practice.MembershipFilter) (practice.Page[practice.Membership], error) {
	if s.down.Load() {
		return practice.Page[practice.Membership]{}, errors.New("the store is down for 12897810032 and 128978 10032")
	}
	return s.Store.Memberships(ctx, f)
}

// failingStore fails where the server lists organisations and
// institutions, with an error text that must not reach the client.
type failingStore struct{ *memory.Store }

func (failingStore) Organisations(context.Context, practice.OrganisationFilter) (practice.Page[practice.Organisation], error) {
	return practice.Page[practice.Organisation]{}, errors.New("connection to db.internal:5432 refused")
}

func (failingStore) Institutions(context.Context, practice.InstitutionFilter) (practice.Page[practice.Institution], error) {
	return practice.Page[practice.Institution]{}, errors.New("connection to db.internal:5432 refused")
}

// panickingStore panics where the server reads an organisation.
type panickingStore struct{ *memory.Store }

func (panickingStore) Organisation(context.Context, practice.ID) (practice.Organisation, error) {
	panic("the organisation table is gone")
}

func TestInternalErrors(t *testing.T) {
	t.Parallel()

	t.Run("a failing store is 500, logged and not told", func(t *testing.T) {
		t.Parallel()
		b := setupStore(t, func(s *memory.Store) practice.Store { return failingStore{s} })
		res := b.do("GET", "/api/organisations", "", nil)
		p := problem(t, res, http.StatusInternalServerError)
		require.Equal(t, "urn:praksis:problem:internal", p.Type)
		require.NotContains(t, string(res.body), "db.internal")
		require.Contains(t, b.logs.String(), "db.internal", "the cause is logged")
		require.Contains(t, b.logs.String(), "requestId="+p.RequestID, "with the request ID the client sees")

		res = b.do("GET", "/healthz", "", nil)
		p = problem(t, res, http.StatusServiceUnavailable)
		require.NotContains(t, string(res.body), "db.internal")
	})

	t.Run("a panic is 500, logged and not told", func(t *testing.T) {
		t.Parallel()
		b := setupStore(t, func(s *memory.Store) practice.Store { return panickingStore{s} })
		res := b.do("GET", "/api/organisations/"+practice.NewID().String(), "", nil)
		p := problem(t, res, http.StatusInternalServerError)
		require.NotContains(t, string(res.body), "table is gone")
		require.Contains(t, b.logs.String(), "table is gone")
		require.Contains(t, b.logs.String(), "requestId="+p.RequestID)
	})
}

func TestNewRefusesABadLoginKey(t *testing.T) {
	t.Parallel()
	p := newTestProvider(t)
	store := memory.New()
	invites, err := invite.NewService(store, inviteKey)
	require.NoError(t, err)
	agreements := newAgreements(t, store)
	_, err = httpapi.New(t.Context(), httpapi.Config{
		Service: practice.NewService(store), Invites: invites, Agreements: agreements, LoginKey: []byte("too short"),
		OIDC: &httpapi.OIDCConfig{IssuerURL: p.srv.URL, ClientID: p.clientID, RedirectURL: "http://127.0.0.1/auth/callback"},
	})
	require.ErrorContains(t, err, "32 bytes")
	_, err = httpapi.New(t.Context(), httpapi.Config{Invites: invites, Agreements: agreements})
	require.ErrorContains(t, err, "Config.Service is required")
	_, err = httpapi.New(t.Context(), httpapi.Config{Service: practice.NewService(store), Agreements: agreements})
	require.ErrorContains(t, err, "Config.Invites is required")
	_, err = httpapi.New(t.Context(), httpapi.Config{Service: practice.NewService(store), Invites: invites})
	require.ErrorContains(t, err, "Config.Agreements is required")
}

// TestLogsOfProblems checks the log lines of refused requests: no value
// of the request, and the request ID the client sees.
func TestLogsOfProblems(t *testing.T) {
	t.Parallel()
	b := setupInProcess(t)
	res := b.do("GET", "/api/organisations?limit=abc", "", nil)
	p := problem(t, res, http.StatusBadRequest)
	logs := b.logs.String()
	require.Contains(t, logs, `msg="request refused" requestId=`+p.RequestID+` status=400 type=urn:praksis:problem:bad-request`)
	require.Contains(t, logs, `msg=request method=GET path=/api/organisations status=400`)
	require.NotContains(t, logs, "abc", "no value of the request is logged")
}
