package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/url"
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

// TestPersonVisibility checks what GET /api/people/{id} shows to whom: the
// national identity number only to those the kernel lets see it, and only
// the rights at organisations whose people the reader may see.
func TestPersonVisibility(t *testing.T) {
	t.Parallel()
	b := setup(t)
	writer := "/api/people/" + b.personID(demo.OUSWriter).String()
	reader := "/api/people/" + b.personID(demo.OUSReader).String()

	t.Run("a reader sees a colleague's right at their own organisation only", func(t *testing.T) {
		t.Parallel()
		// OUSWriter is write at OUS and read at Oslo kommune; OUSReader is
		// read at OUS only.
		got := ok[httpapi.PersonResponse](t, b.do("GET", writer, b.login(demo.OUSReader.Email), nil), http.StatusOK)
		require.Equal(t, []practice.Membership{{OrganisationID: b.ous.ID, PersonID: got.Person.ID, Right: practice.Write}}, got.Memberships)
	})

	t.Run("the person sees all their rights", func(t *testing.T) {
		t.Parallel()
		got := ok[httpapi.PersonResponse](t, b.do("GET", writer, b.login(demo.OUSWriter.Email), nil), http.StatusOK)
		require.Len(t, got.Memberships, 2)
	})

	t.Run("study site staff see all rights", func(t *testing.T) {
		t.Parallel()
		got := ok[httpapi.PersonResponse](t, b.do("GET", writer, b.login(demo.Teacher.Email), nil), http.StatusOK)
		require.Len(t, got.Memberships, 2)
	})

	t.Run("the national identity number shows to the site's administrator, masked", func(t *testing.T) {
		t.Parallel()
		res := b.do("GET", reader, b.login(demo.OUSAdmin.Email), nil)
		got := ok[httpapi.PersonResponse](t, res, http.StatusOK)
		require.True(t, got.Person.HasNationalID)
		require.Contains(t, string(res.body), `"nationalId":"`+demo.OUSReader.NationalID[:6]+`*****"`)
		require.NotContains(t, string(res.body), demo.OUSReader.NationalID)
	})

	t.Run("others learn only that one is registered", func(t *testing.T) {
		t.Parallel()
		for _, who := range []demo.User{demo.OUSWriter, demo.Teacher, demo.Planner} {
			res := b.do("GET", reader, b.login(who.Email), nil)
			got := ok[httpapi.PersonResponse](t, res, http.StatusOK)
			require.True(t, got.Person.HasNationalID, who.Email)
			require.NotContains(t, string(res.body), `"nationalId"`, who.Email)
		}
		res := b.do("GET", writer, b.login(demo.OUSAdmin.Email), nil)
		require.False(t, ok[httpapi.PersonResponse](t, res, http.StatusOK).Person.HasNationalID, "OUSWriter has none")
	})

	t.Run("someone of another organisation may not see the person", func(t *testing.T) {
		t.Parallel()
		problem(t, b.do("GET", reader, b.login(demo.OsloAdmin.Email), nil), http.StatusForbidden)
	})
}

func TestSearchPeople(t *testing.T) {
	t.Parallel()
	b := setup(t)
	planner := b.login(demo.Planner.Email)

	got := ok[practice.Page[practice.Person]](t, b.do("GET", "/api/people?q=aisha", planner, nil), http.StatusOK)
	require.Len(t, got.Items, 1)
	require.Equal(t, demo.OUSReader.Email, got.Items[0].Email)
	require.True(t, got.Items[0].HasNationalID)
	require.True(t, got.Items[0].NationalID.IsZero(), "a search never shows the number")

	got = ok[practice.Page[practice.Person]](t, b.do("GET", "/api/people?email="+url.QueryEscape(strings.ToUpper(demo.OsloWriter.Email)), planner, nil), http.StatusOK)
	require.Len(t, got.Items, 1)
	got = ok[practice.Page[practice.Person]](t, b.do("GET", "/api/people?organisationId="+b.ous.ID.String(), planner, nil), http.StatusOK)
	require.Len(t, got.Items, 3)
	got = ok[practice.Page[practice.Person]](t, b.do("GET", "/api/people?organisationId="+b.ous.ID.String()+"&q=per", planner, nil), http.StatusOK)
	require.Len(t, got.Items, 1)

	problem(t, b.do("GET", "/api/people?q=aisha", b.login(demo.OUSAdmin.Email), nil), http.StatusForbidden)
	problem(t, b.do("GET", "/api/people?q=aisha", "", nil), http.StatusUnauthorized)
}

// TestPaging pages through every list with limit=1.
func TestPaging(t *testing.T) {
	t.Parallel()
	b := setup(t)
	teacher := b.login(demo.Teacher.Email)
	tree := ok[practice.Tree](t, b.do("GET", "/api/organisations/"+b.oslo.ID.String()+"/tree", "", nil), http.StatusOK)
	renamed := tree.Roots[0].Children[0].Children[0] // Frisklivssentralen, renamed in the demo
	for _, tc := range []struct {
		path string
		want int
	}{
		{"/api/institutions", 2},
		{"/api/organisations", 2},
		{"/api/institutions/" + b.nih.ID.String() + "/staff", 3},
		{"/api/organisations/" + b.ous.ID.String() + "/members", 3},
		{"/api/places/" + renamed.ID.String() + "/history", 2},
		{"/api/people", len(demo.Users)},
		{"/api/people?organisationId=" + b.oslo.ID.String(), 4},
	} {
		t.Run(tc.path, func(t *testing.T) {
			t.Parallel()
			sep := "?"
			if strings.Contains(tc.path, "?") {
				sep = "&"
			}
			var items []json.RawMessage
			cursor := ""
			for range tc.want + 1 {
				path := tc.path + sep + "limit=1"
				if cursor != "" {
					path += "&cursor=" + url.QueryEscape(cursor)
				}
				page := ok[practice.Page[json.RawMessage]](t, b.do("GET", path, teacher, nil), http.StatusOK)
				require.LessOrEqual(t, len(page.Items), 1)
				items = append(items, page.Items...)
				if page.Next == "" {
					break
				}
				cursor = string(page.Next)
			}
			require.Len(t, items, tc.want)
			all := ok[practice.Page[json.RawMessage]](t, b.do("GET", tc.path, teacher, nil), http.StatusOK)
			require.Equal(t, items, all.Items, "the pages together are the list")
			require.Empty(t, all.Next, "the last page has no next cursor")
			res := b.do("GET", tc.path, teacher, nil)
			require.NotContains(t, string(res.body), `"next"`, "next is left out on the last page")
		})
	}
}

// TestNationalIDsNeverShow puts national identity numbers in every
// spelling where a client could: the path, a query parameter's name, a JSON
// key, a body value, the OpenID Connect callback's error, and the store's
// error text. None reaches a log line or a response.
func TestNationalIDsNeverShow(t *testing.T) {
	t.Parallel()
	var down atomic.Bool
	p := newTestProvider(t)
	b := setupStore(t, func(s *memory.Store) practice.Store { return downStore{Store: s, down: &down} }, func(c *httpapi.Config) {
		c.OIDC = &httpapi.OIDCConfig{IssuerURL: p.srv.URL, ClientID: p.clientID, ClientSecret: p.secret}
	})
	spellings := []string{"12897810032", "128978 10032", "12897810032abc", "128978-10032", "128.978.100.32", "128978/10032"}
	noNID := func(res response) {
		t.Helper()
		for _, s := range spellings {
			require.NotContains(t, string(res.body), s, "a response never quotes a national identity number")
			for k, vs := range res.header {
				require.NotContains(t, strings.Join(vs, " "), s, "header %s", k)
			}
		}
	}
	admin := b.login(demo.StudySiteAdmin.Email)

	for _, s := range spellings {
		esc := url.PathEscape(s)
		// In the path.
		res := b.do("GET", "/api/people/"+esc, "", nil)
		pr := problem(t, res, http.StatusNotFound)
		noNID(res)
		require.NotContains(t, pr.Instance, "10032")
		res = b.do("GET", "/api/nowhere/"+esc, "", nil)
		pr = problem(t, res, http.StatusNotFound)
		noNID(res)
		require.Contains(t, pr.Detail, "no route GET /api/nowhere/")

		// As a query parameter's name and value.
		res = b.do("GET", "/api/organisations?"+url.QueryEscape(s)+"=1", "", nil)
		problem(t, res, http.StatusBadRequest)
		noNID(res)
		res = b.do("GET", "/api/organisations/"+b.oslo.ID.String()+"/tree?asOf="+url.QueryEscape(s), "", nil)
		require.Equal(t, map[string]string{"asOf": "date"}, fields(problem(t, res, http.StatusBadRequest)))
		noNID(res)

		// In a body: as an unknown key, a bad date or ID, a nested key.
		changes := "/api/places/" + practice.NewID().String() + "/changes"
		key, err := json.Marshal(s)
		require.NoError(t, err)
		res = b.do("POST", changes, admin, `{`+string(key)+`:1}`)
		pr = problem(t, res, http.StatusBadRequest)
		require.Len(t, pr.Errors, 1)
		require.Equal(t, "unknown", pr.Errors[0].Rule)
		require.Contains(t, pr.Errors[0].Field, "*")
		noNID(res)
		res = b.do("POST", changes, admin, `{"from":`+string(key)+`}`)
		require.Equal(t, map[string]string{"from": "date"}, fields(problem(t, res, http.StatusUnprocessableEntity)))
		noNID(res)
		res = b.do("POST", changes, admin, `{"from":"2030-01-01","parentId":`+string(key)+`}`)
		require.Equal(t, map[string]string{"parentId": "uuid"}, fields(problem(t, res, http.StatusUnprocessableEntity)))
		noNID(res)
		res = b.do("POST", "/api/organisations/"+b.oslo.ID.String()+"/places", admin, `{"name":"X","from":"2030-01-01","presentation":{`+string(key)+`:1}}`)
		problem(t, res, http.StatusBadRequest)
		noNID(res)
		res = b.do("POST", "/api/organisations/"+b.oslo.ID.String()+"/members", admin,
			`{"name":"X","email":"x@example.org","right":"read","nationalId":`+string(key)+`}`)
		if s == demo.StudySiteAdmin.NationalID {
			problem(t, res, http.StatusConflict) // a valid number, and taken
		} else {
			require.Equal(t, map[string]string{"nationalId": "natid"}, fields(problem(t, res, http.StatusUnprocessableEntity)))
		}
		noNID(res)

		// In an invitation, and in an acceptance.
		res = b.do("POST", "/api/organisations/"+b.oslo.ID.String()+"/invitations", admin,
			`{"name":"X","email":"x@example.org","right":"read","nationalId":`+string(key)+`}`)
		if s == demo.StudySiteAdmin.NationalID {
			ok[invite.Invitation](t, res, http.StatusCreated) // a valid number, shown masked
			require.Contains(t, string(res.body), `"nationalId":"`+s[:6]+`*****"`)
		} else {
			require.Equal(t, map[string]string{"nationalId": "natid"}, fields(problem(t, res, http.StatusUnprocessableEntity)))
		}
		noNID(res)
		res = b.do("POST", "/auth/dev-accept", "", `{"token":"`+strings.Repeat("A", 43)+`","nationalId":`+string(key)+`}`)
		if s == demo.StudySiteAdmin.NationalID {
			problem(t, res, http.StatusNotFound) // a valid number, and no such link
		} else {
			require.Equal(t, map[string]string{"nationalId": "natid"}, fields(problem(t, res, http.StatusUnprocessableEntity)))
		}
		noNID(res)

		// In the identity provider's error.
		res = b.do("GET", "/auth/callback?"+url.Values{"error": {s}, "state": {"x"}}.Encode(), "", nil)
		problem(t, res, http.StatusUnauthorized)
		noNID(res)
	}

	// A 500 logs its cause, masked, with the masked path.
	down.Store(true)
	res := b.do("GET", "/api/people/"+url.PathEscape("128978 10032"), admin, nil)
	pr := problem(t, res, http.StatusInternalServerError)
	noNID(res)
	logs := b.logs.String()
	require.Contains(t, logs, "the store is down", "the cause of the 500 is logged")
	require.Contains(t, logs, `msg="request failed" requestId=`+pr.RequestID+` method=GET path="/api/people/****** *****"`)
	down.Store(false)

	for _, s := range spellings {
		require.NotContains(t, logs, s, "a log never shows a national identity number")
	}

	// A UUID whose last group is all digits is left alone.
	id := "0190aaaa-bbbb-7ccc-8ddd-123456789012"
	problem(t, b.do("GET", "/api/people/"+id, "", nil), http.StatusUnauthorized)
	require.Contains(t, b.logs.String(), id)
}

// TestInvitationTokenNeverShows puts an invitation's token where a client
// could: the path of the link in several spellings, with and without the
// OpenID Connect login, and the body of the development acceptance. It
// never reaches a log line or a problem.
func TestInvitationTokenNeverShows(t *testing.T) {
	t.Parallel()
	b := setup(t) // no OpenID Connect: the link's route is not served
	token := b.token(b.pendingInvitation(b.ous.ID, demo.PendingInvitee.Email).ID)
	for _, path := range []string{
		"/auth/invitation/" + token,
		"/auth/invitation/" + token + "/more",
		"/AUTH/Invitation/" + token,
		"/x/auth/invitation/" + token,
	} {
		res := b.do("GET", path, "", nil)
		p := problem(t, res, http.StatusNotFound)
		require.Equal(t, "/auth/invitation/…", p.Instance, path)
		require.Contains(t, p.Detail, "no route GET /auth/invitation/…")
		require.NotContains(t, string(res.body), token)
	}
	for _, path := range []string{"/auth//invitation/" + token, "/auth/./invitation/" + token} {
		// The mux redirects to the clean path; the log shows neither.
		res := b.do("GET", path, "", nil)
		require.NotContains(t, string(res.body), token)
	}
	res := b.do("POST", "/auth/invitation/"+token, "", nil)
	require.NotContains(t, string(res.body), token)

	// The development acceptance: once, then 409; neither tells the token.
	accepted := ok[httpapi.DevLoginResponse](t, b.do("POST", "/auth/dev-accept", "", map[string]any{"token": token, "nationalId": newcomerNID}), http.StatusOK)
	me := ok[httpapi.MeResponse](t, b.do("GET", "/api/me", accepted.Token, nil), http.StatusOK)
	require.Equal(t, demo.PendingInvitee.Email, me.Person.Email)
	res = b.do("POST", "/auth/dev-accept", "", map[string]any{"token": token, "nationalId": newcomerNID})
	problem(t, res, http.StatusConflict)
	require.NotContains(t, string(res.body), token)

	logs := b.logs.String()
	require.NotContains(t, logs, token)
	require.NotContains(t, logs, token[:20])
	require.NotContains(t, logs, newcomerNID)
	require.Contains(t, logs, "path=/auth/invitation/…")

	for line := range strings.Lines(logs) {
		if strings.Contains(line, "invitation/") {
			require.Contains(t, line, "path=/auth/invitation/… ", "every request to a link is logged without its token")
		}
	}
}
