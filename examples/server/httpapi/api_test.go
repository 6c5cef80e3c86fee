package httpapi_test

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/examples/demo"
	"github.com/praksis/praksis/examples/server/httpapi"
	"github.com/praksis/praksis/practice"
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
	require.Equal(t, httpapi.HealthResponse{Status: "ok"}, ok[httpapi.HealthResponse](t, res, http.StatusOK))
	require.Equal(t, "no-store", res.header.Get("Cache-Control"))
	require.Equal(t, "nosniff", res.header.Get("X-Content-Type-Options"))
	require.NotEmpty(t, res.header.Get("X-Request-Id"))
}

func TestAnonymous(t *testing.T) {
	t.Parallel()
	b := setup(t)

	t.Run("reads institutions, organisations, trees and places", func(t *testing.T) {
		t.Parallel()
		insts := ok[practice.Page[practice.Institution]](t, b.do("GET", "/api/institutions", "", nil), http.StatusOK)
		require.Len(t, insts.Items, 2)
		require.Empty(t, insts.Next)
		inst := ok[practice.Institution](t, b.do("GET", "/api/institutions/"+b.nih.ID.String(), "", nil), http.StatusOK)
		require.Equal(t, demo.InstitutionCode, inst.Code)

		orgs := ok[practice.Page[practice.Organisation]](t, b.do("GET", "/api/organisations", "", nil), http.StatusOK)
		require.Len(t, orgs.Items, 2)
		one := ok[practice.Page[practice.Organisation]](t, b.do("GET", "/api/organisations?orgNumber="+demo.OsloOrgNumber, "", nil), http.StatusOK)
		require.Len(t, one.Items, 1)
		require.Equal(t, b.oslo.ID, one.Items[0].ID)

		tree := ok[practice.Tree](t, b.do("GET", "/api/organisations/"+b.ous.ID.String()+"/tree", "", nil), http.StatusOK)
		require.NotEmpty(t, tree.Roots)
		require.Equal(t, practice.DateOf(time.Now()), tree.AsOf)

		place := ok[practice.PlaceOn](t, b.do("GET", "/api/places/"+tree.Roots[0].ID.String(), "", nil), http.StatusOK)
		require.Equal(t, tree.Roots[0].Name, place.Structure.Name)
		require.Equal(t, practice.DateOf(time.Now()), place.AsOf)
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
		require.Equal(t, "conflict: the organisation changed since version 1 was read; read it again", p.Detail)
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

func TestPermissions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	reader := b.login(demo.OUSReader.Email)
	ousTree := ok[practice.Tree](t, b.do("GET", "/api/organisations/"+b.ous.ID.String()+"/tree", "", nil), http.StatusOK)
	place := ousTree.Roots[0]

	t.Run("a reader sees their own organisation's members", func(t *testing.T) {
		t.Parallel()
		ms := ok[practice.Page[practice.Member]](t, b.do("GET", "/api/organisations/"+b.ous.ID.String()+"/members", reader, nil), http.StatusOK)
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
	renamed := future.Find(now.Roots[0].Children[0].Children[0].ID)
	require.Equal(t, later, renamed.From, "a node tells from when its structure holds")

	past := ok[practice.Tree](t, b.do("GET", path+"?asOf=2019-12-31", "", nil), http.StatusOK)
	require.Empty(t, past.Roots, "the demo places exist from 2020")

	p := problem(t, b.do("GET", path+"?asOf=31.12.2027", "", nil), http.StatusBadRequest)
	require.Equal(t, map[string]string{"asOf": "date"}, fields(p))
	p = problem(t, b.do("GET", path+"?asOf=1969-12-31", "", nil), http.StatusBadRequest)
	require.Equal(t, map[string]string{"asOf": "range"}, fields(p), "a date out of range is the kernel's 422, and 400 for a query parameter")
}

func TestTodayIsInTheServersTimeZone(t *testing.T) {
	t.Parallel()
	// 23:30 UTC on 31 December is 1 January in Oslo.
	now := time.Date(2030, time.December, 31, 23, 30, 0, 0, time.UTC)
	oslo, err := time.LoadLocation("Europe/Oslo")
	require.NoError(t, err)
	b := setup(t, func(c *httpapi.Config) {
		c.Now = func() time.Time { return now }
		c.Location = oslo
	})
	tree := ok[practice.Tree](t, b.do("GET", "/api/organisations/"+b.ous.ID.String()+"/tree", "", nil), http.StatusOK)
	require.Equal(t, practice.NewDate(2031, time.January, 1), tree.AsOf)
	place := ok[practice.PlaceOn](t, b.do("GET", "/api/places/"+tree.Roots[0].ID.String(), "", nil), http.StatusOK)
	require.Equal(t, practice.NewDate(2031, time.January, 1), place.AsOf)
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

	res := b.do("POST", org+"/places", admin, map[string]any{
		"name": "Klinikk for idrett", "from": "2025-01-01",
		"presentation": map[string]any{"description": "Ny klinikk", "phone": "+47 22 00 00 00"},
	})
	dept := ok[practice.PlaceNode](t, res, http.StatusCreated)
	require.Equal(t, "/api/places/"+dept.ID.String(), res.header.Get("Location"))
	require.Equal(t, practice.NewDate(2025, time.January, 1), dept.From)
	onDate := ok[practice.PlaceOn](t, b.do("GET", res.header.Get("Location")+"?asOf=2025-06-01", "", nil), http.StatusOK)
	require.Equal(t, "Klinikk for idrett", onDate.Structure.Name)
	require.Equal(t, "Ny klinikk", onDate.Presentation.Description)
	before := ok[practice.PlaceOn](t, b.do("GET", res.header.Get("Location")+"?asOf=2024-12-31", "", nil), http.StatusOK)
	require.Nil(t, before.Structure, "the place did not exist yet")
	require.Equal(t, dept.ID, before.ID)

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
	res = b.do("POST", "/api/places/"+unit.ID.String()+"/changes", admin, map[string]any{"from": "2031-01-01", "name": "Testlaboratoriet"})
	v := ok[practice.PlaceVersion](t, res, http.StatusCreated)
	require.Equal(t, "Testlaboratoriet", v.Name)
	require.Equal(t, practice.NewDate(2031, time.January, 1), v.From)
	require.Equal(t, "/api/places/"+unit.ID.String()+"/history", res.header.Get("Location"))
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

	hist := ok[practice.Page[practice.PlaceVersion]](t, b.do("GET", "/api/places/"+unit.ID.String()+"/history", "", nil), http.StatusOK)
	require.Len(t, hist.Items, 3)
	require.Equal(t, dept.ID, hist.Items[1].ParentID)
	require.Equal(t, practice.NilID, hist.Items[2].ParentID)
	require.Equal(t, practice.NewDate(2032, time.January, 1), hist.Items[2].From)

	tree := ok[practice.Tree](t, b.do("GET", org+"/tree?asOf=2032-06-01", "", nil), http.StatusOK)
	n := tree.Find(unit.ID)
	require.NotNil(t, n)
	require.Equal(t, "Testlaboratoriet", n.Name)
	require.Equal(t, practice.NilID, n.ParentID)
	require.Equal(t, practice.NewDate(2032, time.January, 1), n.From)

	problem(t, b.do("GET", "/api/places/"+practice.NewID().String()+"/history", "", nil), http.StatusNotFound)
	problem(t, b.do("GET", "/api/places/"+practice.NewID().String(), "", nil), http.StatusNotFound)
}

// TestConcurrentStructureChange sends the same structure change of one
// place twice at once: one wins, the other is 409.
func TestConcurrentStructureChange(t *testing.T) {
	t.Parallel()
	b := setup(t)
	admin := b.login(demo.StudySiteAdmin.Email)
	tree := ok[practice.Tree](t, b.do("GET", "/api/organisations/"+b.oslo.ID.String()+"/tree", "", nil), http.StatusOK)
	path := "/api/places/" + tree.Roots[0].ID.String() + "/changes"
	for round := range 20 {
		from := practice.NewDate(2040, time.January, 1).AddDays(round).String()
		statuses := make(chan int, 2)
		start := make(chan struct{})
		for range 2 {
			go func() {
				<-start
				body := `{"from":"` + from + `","name":"Samme navn"}`
				req, err := http.NewRequest("POST", b.url+path, strings.NewReader(body))
				if !assert.NoError(t, err) {
					statuses <- 0
					return
				}
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+admin)
				statuses <- b.send(b.client, req, []byte(body)).status
			}()
		}
		close(start)
		got := []int{<-statuses, <-statuses}
		require.ElementsMatch(t, []int{http.StatusCreated, http.StatusConflict}, got, "round %d", round)
	}
	// The loser's answer, checked against the document.
	p := problem(t, b.do("POST", path, admin, map[string]any{"from": practice.NewDate(2040, time.January, 1).AddDays(19).String(), "name": "Samme navn"}), http.StatusConflict)
	require.Contains(t, p.Detail, "already has a change from")
}

func TestMembersAndPeople(t *testing.T) {
	t.Parallel()
	b := setup(t)
	admin := b.login(demo.OsloAdmin.Email)
	// A study site's practice administrator adds people; a site's
	// administrators invite them (see TestInvitations).
	adder := b.login(demo.StudySiteAdmin.Email)
	org := "/api/organisations/" + b.oslo.ID.String()

	before := b.state()
	problem(t, b.do("POST", org+"/members", admin, map[string]any{"name": "Ola Normann", "email": "ola@example.org", "right": "read"}),
		http.StatusForbidden)
	require.Equal(t, before, b.state())

	res := b.do("POST", org+"/members", adder, map[string]any{
		"name": "Ola Normann", "email": "Ola.Normann@Oslo.Example.org", "nationalId": newcomerNID,
		"profile": map[string]any{"supervises": []string{"idrett"}}, "right": "read",
	})
	m := ok[practice.Member](t, res, http.StatusCreated)
	require.Equal(t, practice.Read, m.Right)
	require.Equal(t, "ola.normann@oslo.example.org", m.Person.Email)
	require.True(t, m.Person.HasNationalID)
	require.NotContains(t, string(res.body), newcomerNID, "a response never shows a national identity number")
	require.Contains(t, string(res.body), newcomerNID[:6]+"*****")
	personPath := res.header.Get("Location")
	require.Equal(t, "/api/people/"+m.Person.ID.String(), personPath)

	t.Run("invalid member input lists every field", func(t *testing.T) {
		t.Parallel()
		res := b.do("POST", org+"/members", adder, map[string]any{
			"name": "", "email": "not-an-email", "nationalId": "12345678901", "right": "owner",
		})
		p := problem(t, res, http.StatusUnprocessableEntity)
		require.Equal(t, map[string]string{"name": "required", "email": "email", "nationalId": "natid", "right": "oneof"}, fields(p))
		require.NotContains(t, string(res.body), "12345678901")
	})

	t.Run("a taken e-mail is 409", func(t *testing.T) {
		t.Parallel()
		res := b.do("POST", org+"/members", adder, map[string]any{"name": "Kopi", "email": demo.OsloWriter.Email, "right": "read"})
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
	ms := ok[practice.Page[practice.Member]](t, b.do("GET", org+"/members", admin, nil), http.StatusOK)
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
	require.Equal(t, []httpapi.StaffRoleView{{InstitutionID: b.nih.ID, InstitutionName: b.nih.Name, Role: practice.Administrator}}, me.StaffRoles)
	require.Empty(t, me.Memberships)
	require.Contains(t, string(res.body), `"nationalId":"`+demo.StudySiteAdmin.NationalID[:6]+`*****"`)
	require.NotContains(t, string(res.body), demo.StudySiteAdmin.NationalID)
}

func TestInstitutions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	path := "/api/institutions/" + b.nih.ID.String()

	teacher := b.login(demo.Teacher.Email)
	staff := ok[practice.Page[practice.StaffMembership]](t, b.do("GET", path+"/staff", teacher, nil), http.StatusOK)
	require.Len(t, staff.Items, 3)
	problem(t, b.do("PUT", path, teacher, map[string]any{"name": "X", "code": "X", "version": 1}), http.StatusForbidden)
	problem(t, b.do("GET", path+"/staff", b.login(demo.OUSAdmin.Email), nil), http.StatusForbidden)
	problem(t, b.do("GET", path+"/staff", b.login(demo.OtherStudySiteAdmin.Email), nil), http.StatusForbidden)

	admin := b.login(demo.StudySiteAdmin.Email)
	inst := ok[practice.Institution](t, b.do("PUT", path, admin,
		map[string]any{"name": "Norges idrettshøgskole (NIH)", "code": "NIH", "version": b.nih.Version}), http.StatusOK)
	require.Equal(t, b.nih.Version+1, inst.Version)

	t.Run("staff roles are given and taken", func(t *testing.T) {
		ousReader := b.personID(demo.OUSReader)
		sm := ok[practice.StaffMembership](t, b.do("POST", path+"/staff", admin,
			map[string]any{"personId": ousReader, "role": "teacher"}), http.StatusCreated)
		require.Equal(t, practice.StaffMembership{InstitutionID: b.nih.ID, PersonID: ousReader, Role: practice.Teacher}, sm)
		reader := b.login(demo.OUSReader.Email)
		me := ok[httpapi.MeResponse](t, b.do("GET", "/api/me", reader, nil), http.StatusOK)
		require.Len(t, me.StaffRoles, 1)

		p := problem(t, b.do("POST", path+"/staff", admin, map[string]any{"personId": ousReader, "role": "dean"}), http.StatusUnprocessableEntity)
		require.Equal(t, map[string]string{"role": "oneof"}, fields(p))
		problem(t, b.do("POST", path+"/staff", admin, map[string]any{"personId": practice.NewID(), "role": "teacher"}), http.StatusNotFound)
		problem(t, b.do("POST", path+"/staff", teacher, map[string]any{"personId": ousReader, "role": "planner"}), http.StatusForbidden)

		require.Equal(t, http.StatusNoContent, b.do("DELETE", path+"/staff/"+ousReader.String()+"/teacher", admin, nil).status)
		problem(t, b.do("DELETE", path+"/staff/"+ousReader.String()+"/teacher", admin, nil), http.StatusNotFound)
		problem(t, b.do("DELETE", path+"/staff/"+ousReader.String()+"/dean", admin, nil), http.StatusNotFound)

		p = problem(t, b.do("DELETE", path+"/staff/"+b.personID(demo.StudySiteAdmin).String()+"/administrator", admin, nil),
			http.StatusUnprocessableEntity)
		require.Equal(t, map[string]string{"role": "last-admin"}, fields(p))
	})
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
		ok[httpapi.DevLoginResponse](t, b.do("POST", "/auth/dev-login", "", map[string]string{"email": " " + strings.ToUpper(demo.OsloAdmin.Email)}), http.StatusOK)
	})

	t.Run("dev login by person ID, cookie session, logout", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		token := b.login(demo.OsloReader.Email)
		me := ok[httpapi.MeResponse](t, b.do("GET", "/api/me", token, nil), http.StatusOK)

		browser := b.browser()
		res := b.doWith(browser, "POST", b.url+"/auth/dev-login", "", map[string]any{"personId": me.Person.ID})
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

		again := ok[httpapi.MeResponse](t, b.doWith(browser, "GET", b.url+"/api/me", "", nil), http.StatusOK)
		require.Equal(t, me.Person.ID, again.Person.ID)

		require.Equal(t, http.StatusNoContent, b.doWith(browser, "POST", b.url+"/auth/logout", "", nil).status)
		problem(t, b.doWith(browser, "GET", b.url+"/api/me", "", nil), http.StatusUnauthorized)

		// The bearer session is separate and still alive; after its logout
		// the token is refused.
		ok[httpapi.MeResponse](t, b.do("GET", "/api/me", token, nil), http.StatusOK)
		require.Equal(t, http.StatusNoContent, b.do("POST", "/auth/logout", token, nil).status)
		problem(t, b.do("GET", "/api/me", token, nil), http.StatusUnauthorized)
	})

	t.Run("an unknown session cookie is cleared and ignored", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		req, err := http.NewRequest("GET", b.url+"/api/organisations", nil)
		require.NoError(t, err)
		req.AddCookie(&http.Cookie{Name: httpapi.SessionCookie, Value: "forgotten"})
		res := b.send(b.client, req, nil)
		ok[practice.Page[practice.Organisation]](t, res, http.StatusOK)
		require.Contains(t, res.header.Get("Set-Cookie"), httpapi.SessionCookie+"=;")
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

	t.Run("an Authorization header that is not a bearer token is 401", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		req, err := http.NewRequest("GET", b.url+"/api/organisations", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Basic YWxhZGRpbjpvcGVuc2VzYW1l")
		problem(t, b.send(b.client, req, nil), http.StatusUnauthorized)
	})
}
