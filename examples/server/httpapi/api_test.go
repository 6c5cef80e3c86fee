package httpapi_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/examples/demo"
	"github.com/praksis/praksis/examples/server/httpapi"
	"github.com/praksis/praksis/practice"
	"github.com/praksis/praksis/storage/memory"
)

// Synthetic national identity numbers that no demo person has.
const (
	newcomerNID = "01907010003"
	strangerNID = "15889910027"
)

func TestHealthz(t *testing.T) {
	t.Parallel()
	b := setup(t)
	res := b.do("GET", "/healthz", "", nil)
	require.Equal(t, map[string]string{"status": "ok"}, ok[map[string]string](t, res, http.StatusOK))
}

func TestAnonymous(t *testing.T) {
	t.Parallel()
	b := setup(t)

	t.Run("reads institutions, organisations and trees", func(t *testing.T) {
		t.Parallel()
		insts := ok[list[practice.Institution]](t, b.do("GET", "/api/institutions", "", nil), http.StatusOK)
		require.Len(t, insts.Items, 1)
		inst := ok[practice.Institution](t, b.do("GET", "/api/institutions/"+b.inst.ID.String(), "", nil), http.StatusOK)
		require.Equal(t, demo.InstitutionCode, inst.Code)

		orgs := ok[list[practice.Organisation]](t, b.do("GET", "/api/organisations", "", nil), http.StatusOK)
		require.Len(t, orgs.Items, 2)
		one := ok[list[practice.Organisation]](t, b.do("GET", "/api/organisations?orgNumber="+demo.OsloOrgNumber, "", nil), http.StatusOK)
		require.Len(t, one.Items, 1)
		require.Equal(t, b.oslo.ID, one.Items[0].ID)

		tree := ok[practice.Tree](t, b.do("GET", "/api/organisations/"+b.ous.ID.String()+"/tree", "", nil), http.StatusOK)
		require.NotEmpty(t, tree.Roots)
		require.Equal(t, practice.DateOf(time.Now()), tree.AsOf)
	})

	t.Run("may not see members: 401, not 403", func(t *testing.T) {
		t.Parallel()
		res := b.do("GET", "/api/organisations/"+b.ous.ID.String()+"/members", "", nil)
		p := problem(t, res, http.StatusUnauthorized)
		require.Equal(t, "urn:praksis:problem:unauthenticated", p.Type)
		require.Equal(t, "/api/organisations/"+b.ous.ID.String()+"/members", p.Instance)
		require.Contains(t, res.header.Get("WWW-Authenticate"), "Bearer")
	})

	t.Run("may not change anything", func(t *testing.T) {
		t.Parallel()
		res := b.do("POST", "/api/organisations", "", map[string]string{"name": "X", "orgNumber": "974760673"})
		problem(t, res, http.StatusUnauthorized)
	})

	t.Run("is nobody", func(t *testing.T) {
		t.Parallel()
		problem(t, b.do("GET", "/api/me", "", nil), http.StatusUnauthorized)
	})
}

func TestOrganisations(t *testing.T) {
	t.Parallel()
	b := setup(t)
	admin := b.login(demo.StudySiteAdmin.Email)

	res := b.do("POST", "/api/organisations", admin, map[string]string{"name": " Brønnøysundregistrene ", "orgNumber": "974 760 673"})
	created := ok[practice.Organisation](t, res, http.StatusCreated)
	require.Equal(t, "Brønnøysundregistrene", created.Name)
	require.Equal(t, "974760673", created.OrgNumber)
	require.Equal(t, 1, created.Version)
	require.Equal(t, "/api/organisations/"+created.ID.String(), res.header.Get("Location"))

	got := ok[practice.Organisation](t, b.do("GET", res.header.Get("Location"), "", nil), http.StatusOK)
	require.Equal(t, created.ID, got.ID)

	path := "/api/organisations/" + created.ID.String()
	updated := ok[practice.Organisation](t, b.do("PUT", path, admin,
		map[string]any{"name": "Brønnøysundregistrene (BRREG)", "orgNumber": "974760673", "version": 1}), http.StatusOK)
	require.Equal(t, 2, updated.Version)
	require.Equal(t, "Brønnøysundregistrene (BRREG)", updated.Name)

	t.Run("a stale version is 409", func(t *testing.T) {
		res := b.do("PUT", path, admin, map[string]any{"name": "Stale", "orgNumber": "974760673", "version": 1})
		p := problem(t, res, http.StatusConflict)
		require.Equal(t, "urn:praksis:problem:conflict", p.Type)
	})

	t.Run("a taken organisation number is 409", func(t *testing.T) {
		res := b.do("POST", "/api/organisations", admin, map[string]string{"name": "Again", "orgNumber": demo.OUSOrgNumber})
		problem(t, res, http.StatusConflict)
	})

	t.Run("invalid input is 422 with the field errors", func(t *testing.T) {
		res := b.do("POST", "/api/organisations", admin, map[string]string{"name": "", "orgNumber": "123456789"})
		p := problem(t, res, http.StatusUnprocessableEntity)
		require.Equal(t, "urn:praksis:problem:validation", p.Type)
		require.Equal(t, map[string]string{"name": "required", "orgNumber": "orgnr"}, fields(p))
		for _, f := range p.Errors {
			require.NotEmpty(t, f.Message)
		}
	})

	t.Run("an update without a version is 422", func(t *testing.T) {
		res := b.do("PUT", path, admin, map[string]any{"name": "No version", "orgNumber": "974760673"})
		p := problem(t, res, http.StatusUnprocessableEntity)
		require.Equal(t, "required", fields(p)["version"])
	})

	t.Run("an unknown organisation is 404", func(t *testing.T) {
		p := problem(t, b.do("GET", "/api/organisations/"+practice.NewID().String(), "", nil), http.StatusNotFound)
		require.Equal(t, "urn:praksis:problem:not-found", p.Type)
		problem(t, b.do("GET", "/api/organisations/not-a-uuid", "", nil), http.StatusNotFound)
		problem(t, b.do("GET", "/api/organisations/"+practice.NewID().String()+"/tree", "", nil), http.StatusNotFound)
	})
}

func TestRequestProblems(t *testing.T) {
	t.Parallel()
	b := setup(t)
	admin := b.login(demo.StudySiteAdmin.Email)

	for _, tc := range []struct {
		name, method, path string
		body               any
		status             int
		detail             string // a part of the detail
	}{
		{"malformed JSON", "POST", "/api/organisations", `{"name": "X",`, 400, "malformed JSON"},
		{"a syntax error", "POST", "/api/organisations", `{"name": 'X'}`, 400, "malformed JSON at byte"},
		{"an empty body", "POST", "/api/organisations", ``, 400, "empty"},
		{"two JSON values", "POST", "/api/organisations", `{"name":"X","orgNumber":"974760673"} {}`, 400, "exactly one JSON value"},
		{"an unknown field", "POST", "/api/organisations", `{"name":"X","orgNumber":"974760673","colour":"red"}`, 400, `unknown field "colour"`},
		{"a wrong type", "PUT", "/api/organisations/" + b.ous.ID.String(), `{"name":"X","orgNumber":"974760673","version":"1"}`, 400, `"version" must be a JSON number`},
		{"not an object", "POST", "/api/organisations", `[1,2]`, 400, "must be a JSON object"},
		{"a bad date", "POST", "/api/places/" + practice.NewID().String() + "/changes", `{"from":"2027-02-30","name":"X"}`, 422, "from: must be a date"},
		{"a bad ID", "POST", "/api/organisations/" + b.ous.ID.String() + "/places", `{"name":"X","from":"2025-01-01","parentId":"7"}`, 422, "parentId: must be a UUID"},
		{"a number for a date", "POST", "/api/places/" + practice.NewID().String() + "/changes", `{"from":20270101}`, 400, `"from" must be a JSON string`},
		{"too large", "POST", "/api/organisations", `{"name":"` + strings.Repeat("x", httpapi.MaxBodyBytes) + `"}`, 413, "1 MiB"},
		{"an unknown route", "GET", "/api/nowhere", nil, 404, "no route"},
		{"a wrong method", "DELETE", "/api/organisations", nil, 405, "DELETE is not allowed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := b.do(tc.method, tc.path, admin, tc.body)
			p := problem(t, res, tc.status)
			require.Contains(t, p.Detail, tc.detail)
		})
	}

	t.Run("the unknown field is named in errors too", func(t *testing.T) {
		t.Parallel()
		res := b.do("POST", "/api/organisations", admin, `{"name":"X","orgNumber":"974760673","colour":"red"}`)
		require.Equal(t, map[string]string{"colour": "unknown"}, fields(problem(t, res, http.StatusBadRequest)))
	})

	t.Run("a value that breaks its type's rule is 422 naming the field", func(t *testing.T) {
		t.Parallel()
		place := "/api/places/" + practice.NewID().String() + "/changes"
		for _, tc := range []struct {
			name, path, body string
			want             httpapi.Problem // only Errors is compared
		}{
			{"a date", place, `{"from":"2027-02-30","name":"X"}`, httpapi.Problem{Errors: []practice.FieldError{
				{Field: "from", Rule: "date", Message: "must be a date in the form YYYY-MM-DD"}}}},
			{"an ID behind a pointer", place, `{"from":"2030-01-01","parentId":"not-a-uuid"}`, httpapi.Problem{Errors: []practice.FieldError{
				{Field: "parentId", Rule: "uuid", Message: "must be a UUID"}}}},
			{"an ID of a new place", "/api/organisations/" + b.ous.ID.String() + "/places",
				`{"name":"X","from":"2025-01-01","parentId":"0190aaaa"}`, httpapi.Problem{Errors: []practice.FieldError{
					{Field: "parentId", Rule: "uuid", Message: "must be a UUID"}}}},
			{"the first of two", place, `{"parentId":"x","from":"y"}`, httpapi.Problem{Errors: []practice.FieldError{
				{Field: "parentId", Rule: "uuid", Message: "must be a UUID"}}}},
			{"a key in another case", place, `{"FROM":"x"}`, httpapi.Problem{Errors: []practice.FieldError{
				{Field: "from", Rule: "date", Message: "must be a date in the form YYYY-MM-DD"}}}},
			{"the dev login's person", "/auth/dev-login", `{"personId":"x"}`, httpapi.Problem{Errors: []practice.FieldError{
				{Field: "personId", Rule: "uuid", Message: "must be a UUID"}}}},
		} {
			res := b.do("POST", tc.path, admin, tc.body)
			p := problem(t, res, http.StatusUnprocessableEntity)
			require.Equal(t, "urn:praksis:problem:validation", p.Type, tc.name)
			require.Equal(t, tc.want.Errors, p.Errors, tc.name)
		}
	})

	t.Run("a body that is not JSON is 415", func(t *testing.T) {
		t.Parallel()
		req, err := http.NewRequestWithContext(t.Context(), "POST", b.url+"/api/organisations", strings.NewReader("name=X"))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+admin)
		res, err := b.client.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		require.Equal(t, http.StatusUnsupportedMediaType, res.StatusCode)
		require.Equal(t, "application/problem+json", res.Header.Get("Content-Type"))
	})

	t.Run("a cross-origin change is refused", func(t *testing.T) {
		t.Parallel()
		req, err := http.NewRequestWithContext(t.Context(), "POST", b.url+"/api/organisations",
			strings.NewReader(`{"name":"X","orgNumber":"974760673"}`))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		res, err := b.client.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		require.Equal(t, http.StatusForbidden, res.StatusCode)
		require.Equal(t, "application/problem+json", res.Header.Get("Content-Type"))
	})

	t.Run("an unknown bearer token is 401", func(t *testing.T) {
		t.Parallel()
		p := problem(t, b.do("GET", "/api/organisations", "no-such-token", nil), http.StatusUnauthorized)
		require.Contains(t, p.Detail, "unknown or has expired")
	})
}

func TestPermissions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	reader := b.login(demo.OUSReader.Email)
	ousTree := ok[practice.Tree](t, b.do("GET", "/api/organisations/"+b.ous.ID.String()+"/tree", "", nil), http.StatusOK)
	place := ousTree.Roots[0]

	t.Run("a reader sees their own organisation's members", func(t *testing.T) {
		t.Parallel()
		ms := ok[list[practice.Member]](t, b.do("GET", "/api/organisations/"+b.ous.ID.String()+"/members", reader, nil), http.StatusOK)
		require.Len(t, ms.Items, 3)
	})

	t.Run("a reader does not see another organisation's members", func(t *testing.T) {
		t.Parallel()
		p := problem(t, b.do("GET", "/api/organisations/"+b.oslo.ID.String()+"/members", reader, nil), http.StatusForbidden)
		require.Equal(t, "urn:praksis:problem:forbidden", p.Type)
	})

	t.Run("a reader changes nothing at their organisation", func(t *testing.T) {
		t.Parallel()
		org := "/api/organisations/" + b.ous.ID.String()
		for _, req := range []struct {
			method, path string
			body         any
		}{
			{"PUT", "/api/places/" + place.ID.String() + "/presentation", map[string]any{"description": "Hacked", "version": place.Version}},
			{"POST", org + "/members", map[string]any{"name": "Ny Person", "email": "ny@example.org", "right": "read"}},
			{"PUT", org + "/members/" + place.ID.String(), map[string]any{"right": "admin"}},
			{"DELETE", org + "/members/" + practice.NewID().String(), nil},
			{"PUT", org, map[string]any{"name": "Renamed", "orgNumber": demo.OUSOrgNumber, "version": b.ous.Version}},
			{"POST", org + "/places", map[string]any{"name": "New", "from": "2030-01-01"}},
			{"POST", "/api/places/" + place.ID.String() + "/changes", map[string]any{"from": "2030-01-01", "name": "New"}},
			{"POST", "/api/organisations", map[string]any{"name": "New", "orgNumber": "974760673"}},
		} {
			res := b.do(req.method, req.path, reader, req.body)
			problem(t, res, http.StatusForbidden)
		}
		// Nothing changed.
		after := ok[practice.Tree](t, b.do("GET", org+"/tree", "", nil), http.StatusOK)
		n := after.Find(place.ID)
		require.Equal(t, place.Name, n.Name)
		require.Equal(t, place.Presentation, n.Presentation)
		require.Equal(t, place.Version, n.Version)
		require.Equal(t, b.ous, ok[practice.Organisation](t, b.do("GET", org, "", nil), http.StatusOK))
	})

	t.Run("a reader may not edit their own profile (write right needed)", func(t *testing.T) {
		t.Parallel()
		me := ok[httpapi.MeResponse](t, b.do("GET", "/api/me", reader, nil), http.StatusOK)
		res := b.do("PUT", "/api/people/"+me.Person.ID.String(), reader,
			map[string]any{"name": "Aisha R.", "email": me.Person.Email, "version": me.Person.Version})
		problem(t, res, http.StatusForbidden)
	})

	t.Run("a site admin edits place information but not the structure", func(t *testing.T) {
		t.Parallel()
		admin := b.login(demo.OUSAdmin.Email)
		leaf := ousTree.Roots[0].Children[0].Children[0]
		res := b.do("PUT", "/api/places/"+leaf.ID.String()+"/presentation", admin,
			map[string]any{"description": "Ny beskrivelse", "email": "POST@OUS.EXAMPLE.ORG", "version": leaf.Version})
		p := ok[practice.Place](t, res, http.StatusOK)
		require.Equal(t, "post@ous.example.org", p.Presentation.Email)
		require.Equal(t, leaf.Version+1, p.Version)

		res = b.do("POST", "/api/places/"+leaf.ID.String()+"/changes", admin, map[string]any{"from": "2030-01-01", "name": "New"})
		problem(t, res, http.StatusForbidden)
	})
}

func TestTreeAsOf(t *testing.T) {
	t.Parallel()
	b := setup(t)
	path := "/api/organisations/" + b.oslo.ID.String() + "/tree"
	later := practice.DateOf(time.Now()).AddDays(demo.ChangesAfter)

	now := ok[practice.Tree](t, b.do("GET", path, "", nil), http.StatusOK)
	future := ok[practice.Tree](t, b.do("GET", path+"?asOf="+later.String(), "", nil), http.StatusOK)
	require.Equal(t, later, future.AsOf)
	require.Contains(t, names(now), "Frisklivssentralen")
	require.NotContains(t, names(now), "Frisklivs- og mestringssenteret")
	require.Contains(t, names(future), "Frisklivs- og mestringssenteret")

	past := ok[practice.Tree](t, b.do("GET", path+"?asOf=2019-12-31", "", nil), http.StatusOK)
	require.Empty(t, past.Roots, "the demo places exist from 2020")

	p := problem(t, b.do("GET", path+"?asOf=31.12.2027", "", nil), http.StatusBadRequest)
	require.Equal(t, map[string]string{"asOf": "date"}, fields(p))
}

func names(t practice.Tree) []string {
	var out []string
	t.Walk(func(n *practice.PlaceNode, _ int) bool { out = append(out, n.Name); return true })
	return out
}

func TestPlaces(t *testing.T) {
	t.Parallel()
	b := setup(t)
	admin := b.login(demo.StudySiteAdmin.Email)
	org := "/api/organisations/" + b.ous.ID.String()

	dept := ok[practice.PlaceNode](t, b.do("POST", org+"/places", admin, map[string]any{
		"name": "Klinikk for idrett", "from": "2025-01-01",
		"presentation": map[string]any{"description": "Ny klinikk", "phone": "+47 22 00 00 00"},
	}), http.StatusCreated)
	unit := ok[practice.PlaceNode](t, b.do("POST", org+"/places", admin, map[string]any{
		"name": "Testlab", "from": "2025-01-01", "parentId": dept.ID,
	}), http.StatusCreated)
	require.Equal(t, dept.ID, unit.ParentID)

	t.Run("a place needs a name and a date", func(t *testing.T) {
		t.Parallel()
		p := problem(t, b.do("POST", org+"/places", admin, map[string]any{}), http.StatusUnprocessableEntity)
		require.Equal(t, map[string]string{"name": "required", "from": "required"}, fields(p))
	})

	// Rename from 2031, move to the top from 2032, close from 2033.
	v := ok[practice.PlaceVersion](t, b.do("POST", "/api/places/"+unit.ID.String()+"/changes", admin,
		map[string]any{"from": "2031-01-01", "name": "Testlaboratoriet"}), http.StatusCreated)
	require.Equal(t, "Testlaboratoriet", v.Name)
	ok[practice.PlaceVersion](t, b.do("POST", "/api/places/"+unit.ID.String()+"/changes", admin,
		map[string]any{"from": "2032-01-01", "parentId": practice.NilID}), http.StatusCreated)

	t.Run("closing cannot be combined with a rename", func(t *testing.T) {
		t.Parallel()
		p := problem(t, b.do("POST", "/api/places/"+unit.ID.String()+"/changes", admin,
			map[string]any{"from": "2040-01-01", "name": "X", "close": true}), http.StatusUnprocessableEntity)
		require.Equal(t, "excluded_with", fields(p)["close"])
	})

	t.Run("a change before the latest is refused", func(t *testing.T) {
		t.Parallel()
		p := problem(t, b.do("POST", "/api/places/"+unit.ID.String()+"/changes", admin,
			map[string]any{"from": "2026-01-01", "name": "X"}), http.StatusUnprocessableEntity)
		require.Equal(t, "after-latest-change", fields(p)["from"])
	})

	hist := ok[list[practice.PlaceVersion]](t, b.do("GET", "/api/places/"+unit.ID.String()+"/history", "", nil), http.StatusOK)
	require.Len(t, hist.Items, 3)
	require.Equal(t, dept.ID, hist.Items[1].ParentID)
	require.Equal(t, practice.NilID, hist.Items[2].ParentID)

	tree := ok[practice.Tree](t, b.do("GET", org+"/tree?asOf=2032-06-01", "", nil), http.StatusOK)
	n := tree.Find(unit.ID)
	require.NotNil(t, n)
	require.Equal(t, "Testlaboratoriet", n.Name)
	require.Equal(t, practice.NilID, n.ParentID)

	problem(t, b.do("GET", "/api/places/"+practice.NewID().String()+"/history", "", nil), http.StatusNotFound)
}

func TestMembersAndPeople(t *testing.T) {
	t.Parallel()
	b := setup(t)
	admin := b.login(demo.OsloAdmin.Email)
	org := "/api/organisations/" + b.oslo.ID.String()

	res := b.do("POST", org+"/members", admin, map[string]any{
		"name": "Ola Normann", "email": "Ola.Normann@Oslo.Example.org", "nationalId": newcomerNID,
		"profile": map[string]any{"supervises": []string{"idrett"}}, "right": "read",
	})
	m := ok[practice.Member](t, res, http.StatusCreated)
	require.Equal(t, practice.Read, m.Right)
	require.Equal(t, "ola.normann@oslo.example.org", m.Person.Email)
	require.NotContains(t, string(res.body), newcomerNID, "a response never shows a national identity number")
	require.Contains(t, string(res.body), newcomerNID[:6]+"*****")
	personPath := res.header.Get("Location")
	require.Equal(t, "/api/people/"+m.Person.ID.String(), personPath)

	t.Run("invalid member input lists every field", func(t *testing.T) {
		t.Parallel()
		res := b.do("POST", org+"/members", admin, map[string]any{
			"name": "", "email": "not-an-email", "nationalId": "12345678901", "right": "owner",
		})
		p := problem(t, res, http.StatusUnprocessableEntity)
		require.Equal(t, map[string]string{"name": "required", "email": "email", "nationalId": "natid", "right": "oneof"}, fields(p))
		require.NotContains(t, string(res.body), "12345678901")
	})

	t.Run("a taken e-mail is 409", func(t *testing.T) {
		t.Parallel()
		res := b.do("POST", org+"/members", admin, map[string]any{"name": "Kopi", "email": demo.OsloWriter.Email, "right": "read"})
		problem(t, res, http.StatusConflict)
	})

	grant := ok[practice.Membership](t, b.do("PUT", org+"/members/"+m.Person.ID.String(), admin, map[string]any{"right": "write"}), http.StatusOK)
	require.Equal(t, practice.Write, grant.Right)

	person := ok[httpapi.PersonResponse](t, b.do("GET", personPath, admin, nil), http.StatusOK)
	require.Equal(t, []practice.Membership{{OrganisationID: b.oslo.ID, PersonID: m.Person.ID, Right: practice.Write}}, person.Memberships)

	// With write right the newcomer edits their own profile.
	newcomer := b.login("ola.normann@oslo.example.org")
	upd := ok[httpapi.PersonResponse](t, b.do("PUT", personPath, newcomer, map[string]any{
		"name": "Ola Nordmann", "email": "ola.nordmann@oslo.example.org", "phone": "+47 900 00 000",
		"profile": map[string]any{"teaches": []string{"friidrett"}}, "version": person.Person.Version,
	}), http.StatusOK)
	require.Equal(t, "Ola Nordmann", upd.Person.Name)
	require.Equal(t, person.Person.Version+1, upd.Person.Version)

	t.Run("someone at another organisation may not see the person", func(t *testing.T) {
		t.Parallel()
		problem(t, b.do("GET", personPath, b.login(demo.OUSAdmin.Email), nil), http.StatusForbidden)
	})

	require.Equal(t, http.StatusNoContent, b.do("DELETE", org+"/members/"+m.Person.ID.String(), admin, nil).status)
	problem(t, b.do("DELETE", org+"/members/"+m.Person.ID.String(), admin, nil), http.StatusNotFound)
	ms := ok[list[practice.Member]](t, b.do("GET", org+"/members", admin, nil), http.StatusOK)
	for _, x := range ms.Items {
		require.NotEqual(t, m.Person.ID, x.Person.ID)
	}

	require.NotContains(t, b.logs.String(), newcomerNID, "a log never shows a national identity number")
}

func TestMe(t *testing.T) {
	t.Parallel()
	b := setup(t)

	me := ok[httpapi.MeResponse](t, b.do("GET", "/api/me", b.login(demo.OUSWriter.Email), nil), http.StatusOK)
	require.Equal(t, demo.OUSWriter.Email, me.Person.Email)
	rights := map[string]practice.Right{}
	for _, m := range me.Memberships {
		rights[m.OrganisationName] = m.Right
	}
	require.Equal(t, map[string]practice.Right{b.ous.Name: practice.Write, b.oslo.Name: practice.Read}, rights)
	require.Empty(t, me.StaffRoles)

	res := b.do("GET", "/api/me", b.login(demo.StudySiteAdmin.Email), nil)
	me = ok[httpapi.MeResponse](t, res, http.StatusOK)
	require.Equal(t, []httpapi.StaffRoleView{{InstitutionID: b.inst.ID, InstitutionName: b.inst.Name, Role: practice.Administrator}}, me.StaffRoles)
	require.Empty(t, me.Memberships)
	require.Contains(t, string(res.body), `"nationalId":"`+demo.StudySiteAdmin.NationalID[:6]+`*****"`)
	require.NotContains(t, string(res.body), demo.StudySiteAdmin.NationalID)
}

func TestInstitutions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	path := "/api/institutions/" + b.inst.ID.String()

	teacher := b.login(demo.Teacher.Email)
	staff := ok[list[practice.StaffMembership]](t, b.do("GET", path+"/staff", teacher, nil), http.StatusOK)
	require.Len(t, staff.Items, 2)
	problem(t, b.do("PUT", path, teacher, map[string]any{"name": "X", "code": "X", "version": 1}), http.StatusForbidden)
	problem(t, b.do("GET", path+"/staff", b.login(demo.OUSAdmin.Email), nil), http.StatusForbidden)

	admin := b.login(demo.StudySiteAdmin.Email)
	inst := ok[practice.Institution](t, b.do("PUT", path, admin,
		map[string]any{"name": "Norges idrettshøgskole (NIH)", "code": "NIH", "version": b.inst.Version}), http.StatusOK)
	require.Equal(t, b.inst.Version+1, inst.Version)
}

func TestSessions(t *testing.T) {
	t.Parallel()

	t.Run("dev login is absent unless enabled", func(t *testing.T) {
		t.Parallel()
		b := setup(t, func(c *httpapi.Config) { c.DevLogin = false })
		p := problem(t, b.do("POST", "/auth/dev-login", "", map[string]string{"email": demo.OUSAdmin.Email}), http.StatusNotFound)
		require.Equal(t, "urn:praksis:problem:not-found", p.Type)
		problem(t, b.do("GET", "/auth/login", "", nil), http.StatusNotFound) // no OIDC configured either
	})

	t.Run("dev login needs exactly one of email and personId", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		p := problem(t, b.do("POST", "/auth/dev-login", "", map[string]string{}), http.StatusUnprocessableEntity)
		require.Len(t, p.Errors, 2)
		problem(t, b.do("POST", "/auth/dev-login", "", map[string]string{"email": "nobody@example.org"}), http.StatusNotFound)
		problem(t, b.do("POST", "/auth/dev-login", "", map[string]string{"personId": practice.NewID().String()}), http.StatusNotFound)
	})

	t.Run("dev login by person ID, cookie session, logout", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		token := b.login(demo.OsloReader.Email)
		me := ok[httpapi.MeResponse](t, b.do("GET", "/api/me", token, nil), http.StatusOK)

		browser := b.browser()
		res := doWith(t, browser, "POST", b.url+"/auth/dev-login", "", map[string]any{"personId": me.Person.ID})
		require.Equal(t, http.StatusOK, res.status)
		var cookie *http.Cookie
		for _, c := range res.header.Values("Set-Cookie") {
			if strings.HasPrefix(c, httpapi.SessionCookie+"=") {
				cookie, _ = http.ParseSetCookie(c)
			}
		}
		require.NotNil(t, cookie)
		require.True(t, cookie.HttpOnly)
		require.Equal(t, http.SameSiteLaxMode, cookie.SameSite)
		require.Equal(t, "/", cookie.Path)
		require.Len(t, cookie.Value, 43, "32 random bytes, base64url")

		again := ok[httpapi.MeResponse](t, doWith(t, browser, "GET", b.url+"/api/me", "", nil), http.StatusOK)
		require.Equal(t, me.Person.ID, again.Person.ID)

		require.Equal(t, http.StatusNoContent, doWith(t, browser, "POST", b.url+"/auth/logout", "", nil).status)
		problem(t, doWith(t, browser, "GET", b.url+"/api/me", "", nil), http.StatusUnauthorized)

		// The bearer session is separate and still alive; after its logout
		// the token is refused.
		ok[httpapi.MeResponse](t, b.do("GET", "/api/me", token, nil), http.StatusOK)
		require.Equal(t, http.StatusNoContent, b.do("POST", "/auth/logout", token, nil).status)
		problem(t, b.do("GET", "/api/me", token, nil), http.StatusUnauthorized)
	})

	t.Run("sessions expire", func(t *testing.T) {
		t.Parallel()
		var now atomic.Int64
		now.Store(time.Now().UnixNano())
		b := setup(t, func(c *httpapi.Config) {
			c.SessionTTL = time.Hour
			c.Now = func() time.Time { return time.Unix(0, now.Load()) }
		})
		token := b.login(demo.OsloReader.Email)
		ok[httpapi.MeResponse](t, b.do("GET", "/api/me", token, nil), http.StatusOK)
		now.Add(int64(time.Hour))
		problem(t, b.do("GET", "/api/me", token, nil), http.StatusUnauthorized)
	})
}

func TestNoNationalIDInLogs(t *testing.T) {
	t.Parallel()
	var down atomic.Bool
	b := setup(t, func(c *httpapi.Config) {
		c.Service = practice.NewService(downStore{Store: c.People.(*memory.Store), down: &down})
	})
	token := b.login(demo.OsloAdmin.Email)
	noNID := func(res response) {
		t.Helper()
		require.NotContains(t, string(res.body), strangerNID, "a response never quotes a national identity number")
		for k, vs := range res.header {
			require.NotContains(t, strings.Join(vs, " "), strangerNID, "header %s", k)
		}
	}

	// A national identity number put in a URL by mistake is masked in the
	// request log and the problem's instance.
	res := b.do("GET", "/api/people/"+strangerNID, "", nil)
	p := problem(t, res, http.StatusNotFound)
	noNID(res)
	require.Equal(t, "/api/people/***********", p.Instance)
	require.Contains(t, b.logs.String(), "/api/people/***********")

	res = b.do("GET", "/api/nowhere/"+strangerNID+"/"+strangerNID, "", nil)
	p = problem(t, res, http.StatusNotFound)
	noNID(res)
	require.Contains(t, p.Detail, "no route GET /api/nowhere/***********/***********")

	res = b.do("GET", "/api/organisations/"+b.oslo.ID.String()+"/tree?asOf="+strangerNID, "", nil)
	require.Equal(t, map[string]string{"asOf": "date"}, fields(problem(t, res, http.StatusBadRequest)))
	noNID(res)

	// Nor is one quoted from a body: as a bad date or ID, or as an unknown
	// field's name.
	changes := "/api/places/" + practice.NewID().String() + "/changes"
	res = b.do("POST", changes, token, `{"from":"`+strangerNID+`"}`)
	require.Equal(t, map[string]string{"from": "date"}, fields(problem(t, res, http.StatusUnprocessableEntity)))
	noNID(res)
	res = b.do("POST", changes, token, `{"from":"2030-01-01","parentId":"`+strangerNID+`"}`)
	require.Equal(t, map[string]string{"parentId": "uuid"}, fields(problem(t, res, http.StatusUnprocessableEntity)))
	noNID(res)
	res = b.do("POST", changes, token, `{"`+strangerNID+`":1}`)
	require.Equal(t, map[string]string{"***********": "unknown"}, fields(problem(t, res, http.StatusBadRequest)))
	noNID(res)

	// A 500 logs the masked path with its cause.
	down.Store(true)
	res = b.do("GET", "/api/people/"+strangerNID, token, nil)
	p = problem(t, res, http.StatusInternalServerError)
	noNID(res)
	logs := b.logs.String()
	require.Contains(t, logs, "the store is down", "the cause of the 500 is logged")
	require.Contains(t, logs, `msg="request failed" requestId=`+p.RequestID+` method=GET path=/api/people/***********`)
	require.NotContains(t, logs, strangerNID, "a log never shows a national identity number")
	down.Store(false)

	// A UUID whose last group is all digits is left alone.
	id := "0190aaaa-bbbb-7ccc-8ddd-" + fmt.Sprint(123456789012)
	problem(t, b.do("GET", "/api/people/"+id, "", nil), http.StatusUnauthorized)
	require.Contains(t, b.logs.String(), id)
}

// downStore fails to list memberships, which every authenticated request
// needs, while down is set.
type downStore struct {
	*memory.Store
	down *atomic.Bool
}

func (s downStore) Memberships(ctx context.Context, f practice.MembershipFilter) ([]practice.Membership, error) {
	if s.down.Load() {
		return nil, errors.New("the store is down")
	}
	return s.Store.Memberships(ctx, f)
}

// failingStore fails where the server lists organisations, with an error
// text that must not reach the client.
type failingStore struct{ *memory.Store }

func (failingStore) Organisations(context.Context, practice.OrganisationFilter) ([]practice.Organisation, error) {
	return nil, errors.New("connection to db.internal:5432 refused")
}

func (failingStore) Institutions(context.Context) ([]practice.Institution, error) {
	return nil, errors.New("connection to db.internal:5432 refused")
}

func TestInternalError(t *testing.T) {
	t.Parallel()
	logs := &lockedBuffer{}
	api, err := httpapi.New(t.Context(), httpapi.Config{
		Service: practice.NewService(failingStore{memory.New()}),
		Logger:  slog.New(slog.NewTextHandler(logs, nil)),
	})
	require.NoError(t, err)
	ts := httptest.NewServer(api)
	t.Cleanup(ts.Close)

	res := doWith(t, ts.Client(), "GET", ts.URL+"/api/organisations", "", nil)
	p := problem(t, res, http.StatusInternalServerError)
	require.Equal(t, "urn:praksis:problem:internal", p.Type)
	require.NotContains(t, string(res.body), "db.internal")
	require.Contains(t, logs.String(), "db.internal", "the cause is logged")
	require.Contains(t, logs.String(), p.RequestID, "with the request ID the client sees")

	res = doWith(t, ts.Client(), "GET", ts.URL+"/healthz", "", nil)
	p = problem(t, res, http.StatusServiceUnavailable)
	require.NotContains(t, string(res.body), "db.internal")
}
