package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/examples/demo"
	"github.com/praksis/praksis/examples/server/httpapi"
	"github.com/praksis/praksis/invite"
	"github.com/praksis/praksis/practice"
	"github.com/praksis/praksis/storage/memory"
)

// TestOpenAPIDocument checks the document the server serves: that an
// independent validator accepts it (see specOf), that it describes exactly
// the routes the server serves, every error as a problem, and nothing of
// huma's own that this API does not use.
func TestOpenAPIDocument(t *testing.T) {
	t.Parallel()
	b, _ := matrixServer(t, newTestProvider(t))
	res := b.do("GET", "/openapi.json", "", nil)
	require.Equal(t, http.StatusOK, res.status)
	require.Equal(t, "application/json", res.header.Get("Content-Type"))
	var doc struct {
		OpenAPI    string `json:"openapi"`
		Paths      map[string]map[string]json.RawMessage
		Components struct {
			Schemas map[string]json.RawMessage
		}
	}
	require.NoError(t, json.Unmarshal(res.body, &doc))
	require.Equal(t, "3.1.0", doc.OpenAPI)

	var documented []string
	for path, ops := range doc.Paths {
		for method, raw := range ops {
			documented = append(documented, strings.ToUpper(method)+" "+path)
			var op struct {
				Responses map[string]struct {
					Content map[string]struct {
						Schema struct {
							Ref string `json:"$ref"`
						}
					}
				}
			}
			require.NoError(t, json.Unmarshal(raw, &op))
			for _, status := range []string{"400", "401", "500"} {
				require.Contains(t, op.Responses, status, "%s %s documents %s", method, path, status)
			}
			for status, r := range op.Responses {
				if status >= "400" {
					require.Equal(t, "#/components/schemas/Problem", r.Content["application/problem+json"].Schema.Ref,
						"%s %s answers %s as a problem", method, path, status)
				}
			}
		}
	}
	var served []string
	for _, r := range b.api.Routes() {
		if r.Pattern != "/openapi.json" {
			served = append(served, r.String())
		}
	}
	slices.Sort(documented)
	slices.Sort(served)
	require.Equal(t, served, documented, "the document describes exactly the routes served")

	for _, name := range []string{"ErrorModel", "ErrorDetail"} {
		require.NotContains(t, doc.Components.Schemas, name, "huma's error model is not this API's")
	}
	require.NotContains(t, string(res.body), `"value"`, "no error detail echoes a value")

	// No docs UI, no other forms of the document, no schema links.
	for _, path := range []string{"/docs", "/openapi.yaml", "/openapi-3.0.json", "/schemas/Problem.json"} {
		problem(t, b.do("GET", path, "", nil), http.StatusNotFound)
	}
	org := b.do("GET", "/api/organisations/"+b.ous.ID.String(), "", nil)
	require.NotContains(t, string(org.body), "$schema")
	require.Empty(t, org.header.Get("Link"))
}

// fakeTB records the failures of a check instead of failing the test.
type fakeTB struct {
	testing.TB
	failures []string
}

func (f *fakeTB) Errorf(format string, args ...any) {
	f.failures = append(f.failures, fmt.Sprintf(format, args...))
}
func (f *fakeTB) Helper() {}

// TestOpenAPICheckCatches shows that the check every request of these
// tests goes through finds answers and requests that break the document.
func TestOpenAPICheckCatches(t *testing.T) {
	t.Parallel()
	b := setupInProcess(t)
	ous := "/api/organisations/" + b.ous.ID.String()
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		answer                   string
		contentType              string
	}{
		{"an answer without a required field", "GET", ous, "", 200, `{"id":"` + b.ous.ID.String() + `"}`, "application/json"},
		{"an undocumented status", "GET", ous, "", 418, `{"type":"x","title":"x","status":418}`, "application/problem+json"},
		{"a problem with a field it does not have", "GET", ous, "", 404,
			`{"type":"x","title":"x","status":404,"value":"12897810032"}`, "application/problem+json"},
		{"a request that breaks the document, accepted", "POST", "/api/organisations", `{"name":"X","orgNumber":"974760673","colour":"red"}`,
			201, `{}`, "application/json"},
		{"an unknown route answered as anything but a problem", "GET", "/api/nowhere", "", 404, `not found`, "text/plain"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(tc.method, b.url+tc.path, strings.NewReader(tc.body))
			if tc.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			rec := httptest.NewRecorder()
			rec.Header().Set("Content-Type", tc.contentType)
			rec.WriteHeader(tc.status)
			_, _ = rec.WriteString(tc.answer)
			fake := &fakeTB{TB: t}
			b.spec.check(fake, b.url, req, []byte(tc.body), rec.Result(), []byte(tc.answer))
			require.NotEmpty(t, fake.failures, "the check let it pass")
		})
	}

	t.Run("a good exchange passes", func(t *testing.T) {
		t.Parallel()
		fake := &fakeTB{TB: t}
		bb := *b
		bb.t = fake
		ok[practice.Organisation](t, bb.do("GET", ous, "", nil), http.StatusOK)
		ok[practice.Page[practice.Member]](t, bb.do("GET", ous+"/members", bb.login(demo.OUSAdmin.Email), nil), http.StatusOK)
		require.Empty(t, fake.failures)
	})
}

// TestRoutesOfADefaultServer lists what a server without logins serves.
func TestRoutesOfADefaultServer(t *testing.T) {
	t.Parallel()
	invites, err := invite.NewService(nil, inviteKey)
	require.NoError(t, err)
	api, err := httpapi.New(t.Context(), httpapi.Config{Service: practice.NewService(nil), Invites: invites,
		Agreements: newAgreements(t, memory.New())})
	require.NoError(t, err)
	var routes []string
	for _, r := range api.Routes() {
		routes = append(routes, r.String())
	}
	require.Contains(t, routes, "GET /openapi.json")
	require.Contains(t, routes, "POST /auth/logout")
	require.NotContains(t, routes, "POST /auth/dev-login", "only when enabled")
	require.NotContains(t, routes, "GET /auth/login", "only with OpenID Connect")
	require.NotContains(t, routes, "GET /auth/invitation/{token}", "only with OpenID Connect")
	require.NotContains(t, routes, "POST /auth/dev-accept", "only when enabled")
	require.Contains(t, routes, "POST /api/organisations/{id}/invitations")
	require.Contains(t, routes, "POST /api/agreements/{id}/documents")
}
