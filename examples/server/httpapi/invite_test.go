package httpapi_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/examples/demo"
	"github.com/praksis/praksis/examples/server/httpapi"
	"github.com/praksis/praksis/invite"
	"github.com/praksis/praksis/practice"
)

// noSecrets requires that an answer about invitations shows neither a
// token nor the fields that keep it.
func noSecrets(t *testing.T, res response, tokens ...string) {
	t.Helper()
	for _, k := range []string{`"token"`, `"tokenHash"`, `"sealedToken"`, `"TokenHash"`, `"SealedToken"`} {
		require.NotContains(t, string(res.body), k)
	}
	for _, tok := range tokens {
		require.NotContains(t, string(res.body), tok)
		for k, vs := range res.header {
			require.NotContains(t, strings.Join(vs, " "), tok, "header %s", k)
		}
	}
}

// TestInvitations runs a site administrator's invitations through the
// API: invite, read, list, re-send, revoke, colleagues and the audit
// trail.
func TestInvitations(t *testing.T) {
	t.Parallel()
	b := setup(t)
	admin := b.login(demo.OUSAdmin.Email)
	ous := "/api/organisations/" + b.ous.ID.String()
	demoInvitation := b.pendingInvitation(b.ous.ID, demo.PendingInvitee.Email)
	demoToken := b.token(demoInvitation.ID)

	res := b.do("POST", ous+"/invitations", admin, map[string]any{
		"name": "Kari Nilsen", "email": "Kari.Nilsen@Example.org", "nationalId": newcomerNID, "right": "write", "language": "en",
	})
	inv := ok[invite.Invitation](t, res, http.StatusCreated)
	require.Equal(t, "/api/invitations/"+inv.ID.String(), res.header.Get("Location"))
	require.Equal(t, invite.Pending, inv.State)
	require.Equal(t, "kari.nilsen@example.org", inv.Email)
	require.Equal(t, practice.Write, inv.Right)
	require.Equal(t, "en", inv.Language)
	require.Equal(t, b.personID(demo.OUSAdmin), inv.InvitedBy)
	require.True(t, inv.HasNationalID)
	require.Contains(t, string(res.body), `"nationalId":"`+newcomerNID[:6]+`*****"`, "the number shows masked to those who manage it")
	require.NotContains(t, string(res.body), newcomerNID)
	token := b.token(inv.ID)
	noSecrets(t, res, token, demoToken)

	got := b.do("GET", "/api/invitations/"+inv.ID.String(), admin, nil)
	require.Equal(t, inv.ID, ok[invite.Invitation](t, got, http.StatusOK).ID)
	noSecrets(t, got, token)
	require.NotContains(t, string(got.body), newcomerNID)

	t.Run("the list, by state and in pages", func(t *testing.T) {
		list := b.do("GET", ous+"/invitations", admin, nil)
		page := ok[invite.Page](t, list, http.StatusOK)
		require.Len(t, page.Items, 2, "the demo's and the new one")
		noSecrets(t, list, token, demoToken)
		require.NotContains(t, string(list.body), newcomerNID)
		require.Len(t, ok[invite.Page](t, b.do("GET", ous+"/invitations?state=pending", admin, nil), http.StatusOK).Items, 2)
		require.Empty(t, ok[invite.Page](t, b.do("GET", ous+"/invitations?state=accepted", admin, nil), http.StatusOK).Items)
		first := ok[invite.Page](t, b.do("GET", ous+"/invitations?limit=1", admin, nil), http.StatusOK)
		require.Len(t, first.Items, 1)
		require.NotEmpty(t, first.Next)
		second := ok[invite.Page](t, b.do("GET", ous+"/invitations?limit=1&cursor="+url.QueryEscape(string(first.Next)), admin, nil), http.StatusOK)
		require.Len(t, second.Items, 1)
		require.NotEqual(t, first.Items[0].ID, second.Items[0].ID)

		p := problem(t, b.do("GET", ous+"/invitations?state=lost", admin, nil), http.StatusBadRequest)
		require.Equal(t, map[string]string{"state": "oneof"}, fields(p))
		p = problem(t, b.do("GET", ous+"/invitations?state="+strings.Repeat("x", 21), admin, nil), http.StatusBadRequest)
		require.Equal(t, map[string]string{"state": "max"}, fields(p))
	})

	t.Run("colleagues: the members and the pending invitations", func(t *testing.T) {
		res := b.do("GET", ous+"/colleagues", admin, nil)
		c := ok[invite.Colleagues](t, res, http.StatusOK)
		require.Len(t, c.Members.Items, 3)
		require.Len(t, c.Pending, 2)
		noSecrets(t, res, token, demoToken)
		require.NotContains(t, string(res.body), newcomerNID)
		require.NotContains(t, string(res.body), demo.OUSReader.NationalID)
		require.Contains(t, string(res.body), demo.OUSReader.NationalID[:6]+"*****", "the administrator sees members' numbers masked")
		page := ok[invite.Colleagues](t, b.do("GET", ous+"/colleagues?limit=1", admin, nil), http.StatusOK)
		require.Len(t, page.Members.Items, 1)
		require.NotEmpty(t, page.Members.Next)
		require.Len(t, page.Pending, 2, "the pending invitations come all at once")
	})

	t.Run("inviting a member or a pending address is a conflict", func(t *testing.T) {
		before := b.state()
		problem(t, b.do("POST", ous+"/invitations", admin, map[string]any{"name": "Aisha", "email": demo.OUSReader.Email, "right": "read"}),
			http.StatusConflict)
		problem(t, b.do("POST", ous+"/invitations", admin, map[string]any{"name": "Kari", "email": "kari.nilsen@example.org", "right": "read"}),
			http.StatusConflict)
		require.Equal(t, before, b.state())
	})

	// Re-send: a new invitation, the old one replaced and its link dead.
	res = b.do("POST", "/api/invitations/"+inv.ID.String()+"/resend", admin, nil)
	next := ok[invite.Invitation](t, res, http.StatusCreated)
	require.Equal(t, "/api/invitations/"+next.ID.String(), res.header.Get("Location"))
	require.NotEqual(t, inv.ID, next.ID)
	require.Equal(t, invite.Pending, next.State)
	nextToken := b.token(next.ID)
	require.NotEqual(t, token, nextToken)
	noSecrets(t, res, token, nextToken)
	old := ok[invite.Invitation](t, b.do("GET", "/api/invitations/"+inv.ID.String(), admin, nil), http.StatusOK)
	require.Equal(t, invite.Replaced, old.State)
	require.Equal(t, next.ID, old.ReplacedBy)
	problem(t, b.do("POST", "/api/invitations/"+inv.ID.String()+"/resend", admin, nil), http.StatusConflict)

	// Revoke: once.
	res = b.do("POST", "/api/invitations/"+next.ID.String()+"/revoke", admin, nil)
	require.Equal(t, invite.Revoked, ok[invite.Invitation](t, res, http.StatusOK).State)
	noSecrets(t, res, nextToken)
	p := problem(t, b.do("POST", "/api/invitations/"+next.ID.String()+"/revoke", admin, nil), http.StatusConflict)
	require.Contains(t, p.Detail, "only a pending invitation can be revoked")
	problem(t, b.do("POST", "/auth/dev-accept", "", map[string]any{"token": nextToken, "nationalId": newcomerNID}), http.StatusConflict)

	t.Run("an invitation that does not exist, or to another site, is 404", func(t *testing.T) {
		problem(t, b.do("GET", "/api/invitations/"+practice.NewID().String(), admin, nil), http.StatusNotFound)
		oslo := b.pendingInvitation(b.oslo.ID, demo.ExpiringInvitee.Email)
		for _, path := range []string{"/api/invitations/" + oslo.ID.String(), "/api/invitations/" + oslo.ID.String() + "/revoke"} {
			method := "GET"
			if strings.HasSuffix(path, "/revoke") {
				method = "POST"
			}
			p := problem(t, b.do(method, path, admin, nil), http.StatusNotFound)
			require.NotContains(t, p.Detail, demo.ExpiringInvitee.Email)
		}
	})

	// The audit trail tells every step, without personal data.
	res = b.do("GET", ous+"/audit?limit=500", admin, nil)
	trail := ok[practice.Page[practice.AuditEntry]](t, res, http.StatusOK)
	var actions []practice.AuditAction
	for _, e := range trail.Items {
		require.Equal(t, b.ous.ID, e.OrganisationID)
		if e.InvitationID == inv.ID || e.InvitationID == next.ID {
			actions = append(actions, e.Action)
		}
	}
	// Two steps in one instant may be listed either way.
	require.ElementsMatch(t, []practice.AuditAction{invite.AuditSent, invite.AuditResent, invite.AuditSent, invite.AuditRevoked}, actions)
	require.Equal(t, invite.AuditRevoked, actions[len(actions)-1])
	for _, secret := range []string{newcomerNID, "Kari", "kari.nilsen", token, nextToken} {
		require.NotContains(t, string(res.body), secret)
	}
	first := ok[practice.Page[practice.AuditEntry]](t, b.do("GET", ous+"/audit?limit=1", admin, nil), http.StatusOK)
	require.Len(t, first.Items, 1)
	require.NotEmpty(t, first.Next)

	require.NotContains(t, b.logs.String(), newcomerNID)
	for _, tok := range []string{token, nextToken, demoToken} {
		require.NotContains(t, b.logs.String(), tok)
	}
}

// TestRightsAreAudited changes and removes a right through the API and
// reads the audit trail: a person deactivated keeps their record there.
func TestRightsAreAudited(t *testing.T) {
	t.Parallel()
	b := setup(t)
	admin := b.login(demo.OUSAdmin.Email)
	ous := "/api/organisations/" + b.ous.ID.String()
	reader := b.personID(demo.OUSReader)

	ok[practice.Membership](t, b.do("PUT", ous+"/members/"+reader.String(), admin, map[string]any{"right": "write"}), http.StatusOK)
	ok[practice.Membership](t, b.do("PUT", ous+"/members/"+reader.String(), admin, map[string]any{"right": "write"}), http.StatusOK)
	require.Equal(t, http.StatusNoContent, b.do("DELETE", ous+"/members/"+reader.String(), admin, nil).status)

	trail := ok[practice.Page[practice.AuditEntry]](t, b.do("GET", ous+"/audit?limit=500", admin, nil), http.StatusOK)
	var about []practice.AuditEntry
	for _, e := range trail.Items {
		if e.SubjectID == reader && e.ActorID == b.personID(demo.OUSAdmin) {
			e.ID, e.At = practice.NilID, e.At.UTC().Truncate(0)
			about = append(about, e)
		}
	}
	require.Len(t, about, 2, "granting the right one has records nothing")
	require.Equal(t, practice.AuditRightChanged, about[0].Action)
	require.Equal(t, "read", about[0].Before)
	require.Equal(t, "write", about[0].After)
	require.Equal(t, practice.AuditRightRemoved, about[1].Action)
	require.Equal(t, "write", about[1].Before)
	require.Empty(t, about[1].After)

	ms := ok[practice.Page[practice.Member]](t, b.do("GET", ous+"/members", admin, nil), http.StatusOK)
	for _, m := range ms.Items {
		require.NotEqual(t, reader, m.Person.ID, "the person was deactivated")
	}
}

// TestBadInvitationBodies sends invitations and acceptances that are
// refused before anything is stored.
func TestBadInvitationBodies(t *testing.T) {
	t.Parallel()
	b := setup(t)
	admin := b.login(demo.OUSAdmin.Email)
	invitations := "/api/organisations/" + b.ous.ID.String() + "/invitations"
	token := b.token(b.pendingInvitation(b.ous.ID, demo.PendingInvitee.Email).ID)
	before := b.state()
	for _, tc := range []struct {
		name, path, body string
		status           int
		errors           map[string]string
		detail           string
	}{
		{"an unknown field", invitations, `{"name":"X","email":"x@example.org","right":"read","colour":"red"}`, 400,
			map[string]string{"colour": "unknown"}, "fields this request does not have"},
		{"a key in another case", invitations, `{"name":"X","Email":"x@example.org","right":"read"}`, 400,
			map[string]string{"Email": "unknown"}, ""},
		{"a NUL in the name", invitations, `{"name":"Kari\u0000Nilsen","email":"x@example.org","right":"read"}`, 422,
			map[string]string{"name": "control"}, ""},
		{"a NUL in the e-mail", invitations, `{"name":"Kari","email":"x\u0000@example.org","right":"read"}`, 422,
			map[string]string{"email": "control"}, ""},
		{"invalid UTF-8 in the name", invitations, "{\"name\":\"Kari \xff\",\"email\":\"x@example.org\",\"right\":\"read\"}", 422,
			map[string]string{"name": "utf8"}, ""},
		{"a bad right", invitations, `{"name":"Kari","email":"x@example.org","right":"owner"}`, 422,
			map[string]string{"right": "oneof"}, "right"},
		{"a bad language", invitations, `{"name":"Kari","email":"x@example.org","right":"read","language":"de"}`, 422,
			map[string]string{"language": "oneof"}, "language"},
		{"a bad e-mail", invitations, `{"name":"Kari","email":"not-an-email","right":"read"}`, 422,
			map[string]string{"email": "email"}, "email"},
		{"a bad national identity number", invitations, `{"name":"Kari","email":"x@example.org","right":"read","nationalId":"12345678901"}`, 422,
			map[string]string{"nationalId": "natid"}, ""},
		{"a number for a national identity number", invitations, `{"name":"Kari","email":"x@example.org","right":"read","nationalId":` + strangerNID + `}`, 422,
			map[string]string{"nationalId": "type"}, ""},
		{"no e-mail", invitations, `{"name":"Kari","right":"read"}`, 422, map[string]string{"email": "required"}, ""},
		{"an empty name", invitations, `{"name":" ","email":"x@example.org","right":"read"}`, 422, map[string]string{"name": "required"}, ""},
		{"not an object", invitations, `["Kari"]`, 400, nil, "must be a JSON object"},

		{"a token too short", "/auth/dev-accept", `{"token":"abc","nationalId":"` + newcomerNID + `"}`, 422,
			map[string]string{"token": "min"}, ""},
		{"a token too long", "/auth/dev-accept", `{"token":"` + token + `A","nationalId":"` + newcomerNID + `"}`, 422,
			map[string]string{"token": "max"}, ""},
		{"a token not base64url", "/auth/dev-accept", `{"token":"` + strings.Repeat("!", 43) + `","nationalId":"` + newcomerNID + `"}`, 422,
			map[string]string{"token": "token"}, "43 characters"},
		{"no national identity number", "/auth/dev-accept", `{"token":"` + token + `"}`, 422,
			map[string]string{"nationalId": "required"}, ""},
		{"an empty national identity number", "/auth/dev-accept", `{"token":"` + token + `","nationalId":""}`, 422,
			map[string]string{"nationalId": "required"}, ""},
		{"a bad national identity number to accept with", "/auth/dev-accept", `{"token":"` + token + `","nationalId":"` + newcomerNID[:10] + `4"}`, 422,
			map[string]string{"nationalId": "natid"}, ""},
		{"an unknown field beside the token", "/auth/dev-accept", `{"token":"` + token + `","nationalId":"` + newcomerNID + `","pid":"x"}`, 400,
			map[string]string{"pid": "unknown"}, ""},
		{"a token no link has", "/auth/dev-accept", `{"token":"` + strings.Repeat("A", 43) + `","nationalId":"` + newcomerNID + `"}`, 404,
			nil, "the invitation link is not valid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := b.do("POST", tc.path, admin, tc.body)
			p := problem(t, res, tc.status)
			if tc.errors == nil {
				require.Empty(t, p.Errors)
			} else {
				require.Equal(t, tc.errors, fields(p))
			}
			require.Contains(t, p.Detail, tc.detail)
			for _, leak := range []string{token, newcomerNID, newcomerNID[:10], strangerNID, "12345678901", "not-an-email", "Input", "DevAcceptRequest", "json:"} {
				require.NotContains(t, string(res.body), leak, "a problem never quotes the request or a Go type")
			}
		})
	}
	require.Equal(t, before, b.state(), "no refused body changed anything")
	require.NotContains(t, b.logs.String(), token)
}

// TestAcceptByOIDC accepts invitations through their links and the
// in-process identity provider.
func TestAcceptByOIDC(t *testing.T) {
	t.Parallel()

	t.Run("the link logs the invitee in and grants the right", func(t *testing.T) {
		t.Parallel()
		b, p := setupOIDC(t)
		inv := b.pendingInvitation(b.ous.ID, demo.PendingInvitee.Email)
		token := b.token(inv.ID)
		p.as(newcomerNID, "idporten-loa-high")

		// The first step: to the provider, with the token sealed in the
		// login cookie and nowhere else.
		c := noFollow(b)
		res := b.doWith(c, "GET", b.url+"/auth/invitation/"+token+"?returnTo=/api/organisations", "", nil)
		require.Equal(t, http.StatusFound, res.status)
		noSecrets(t, res, token)
		require.True(t, strings.HasPrefix(res.header.Get("Location"), p.srv.URL+"/auth?"))
		cookie, err := http.ParseSetCookie(res.header.Get("Set-Cookie"))
		require.NoError(t, err)
		require.Equal(t, httpapi.LoginCookie, cookie.Name)
		require.Equal(t, "/auth/", cookie.Path)
		require.True(t, cookie.HttpOnly)

		// The whole way, as a browser goes it.
		browser := b.browser()
		var last *url.URL
		browser.CheckRedirect = func(r *http.Request, _ []*http.Request) error { last = r.URL; return nil }
		res = b.doWith(browser, "GET", b.url+"/auth/invitation/"+token+"?returnTo=/api/me", "", nil)
		me := ok[httpapi.MeResponse](t, res, http.StatusOK)
		require.Equal(t, "/api/me", last.Path)
		require.Equal(t, demo.PendingInvitee.Email, me.Person.Email)
		require.Equal(t, demo.PendingInvitee.Name, me.Person.Name)
		require.Equal(t, []httpapi.MembershipView{{OrganisationID: b.ous.ID, OrganisationName: b.ous.Name, Right: practice.Read}}, me.Memberships)
		require.True(t, me.Person.HasNationalID)

		accepted, err := b.invites.Invitation(context.Background(), practice.SystemActor(), inv.ID)
		require.NoError(t, err)
		require.Equal(t, invite.Accepted, accepted.State)
		require.Equal(t, me.Person.ID, accepted.PersonID)

		// The link works once: after another login it is 409.
		res = b.doWith(b.browser(), "GET", b.url+"/auth/invitation/"+token, "", nil)
		pr := problem(t, res, http.StatusConflict)
		require.Contains(t, pr.Detail, "can no longer be used")
		require.Equal(t, "/auth/callback", pr.Instance)
		noSecrets(t, res, token)

		// The person logs in as anyone does now.
		ok[httpapi.MeResponse](t, b.doWith(b.browser(), "GET", b.url+"/auth/login", "", nil), http.StatusOK)

		logs := b.logs.String()
		require.NotContains(t, logs, token)
		require.NotContains(t, logs, newcomerNID)
		require.Contains(t, logs, "path=/auth/invitation/…")
		require.Contains(t, logs, `msg="invitation accepted"`)
		require.Contains(t, logs, "invitationId="+inv.ID.String())
	})

	t.Run("a login with another number is refused, and the right one accepts", func(t *testing.T) {
		t.Parallel()
		b, p := setupOIDC(t)
		inv := b.pendingInvitation(b.oslo.ID, demo.ExpiringInvitee.Email)
		token := b.token(inv.ID)

		p.as(strangerNID, "idporten-loa-high")
		browser := b.browser()
		res := b.doWith(browser, "GET", b.url+"/auth/invitation/"+token, "", nil)
		pr := problem(t, res, http.StatusForbidden)
		require.Contains(t, pr.Detail, "another national identity number")
		problem(t, b.doWith(browser, "GET", b.url+"/api/me", "", nil), http.StatusUnauthorized)
		for _, secret := range []string{token, strangerNID, demo.ExpiringInvitee.NationalID} {
			require.NotContains(t, string(res.body), secret)
		}
		refused, err := b.invites.Invitation(context.Background(), practice.SystemActor(), inv.ID)
		require.NoError(t, err)
		require.Equal(t, 1, refused.FailedLogins)
		require.Equal(t, invite.Pending, refused.State)

		p.as(demo.ExpiringInvitee.NationalID, "idporten-loa-high")
		me := ok[httpapi.MeResponse](t, b.doWith(browser, "GET", b.url+"/auth/invitation/"+token, "", nil), http.StatusOK)
		require.Equal(t, demo.ExpiringInvitee.Email, me.Person.Email)
		require.Equal(t, practice.Write, me.Memberships[0].Right)

		logs := b.logs.String()
		for _, secret := range []string{token, strangerNID, demo.ExpiringInvitee.NationalID} {
			require.NotContains(t, logs, secret)
		}
		require.Contains(t, logs, `msg="invitation not accepted"`)
	})

	t.Run("a link no invitation has is 404 after the login", func(t *testing.T) {
		t.Parallel()
		b, p := setupOIDC(t)
		p.as(newcomerNID, "idporten-loa-high")
		unknown := strings.Repeat("A", 43)
		res := b.doWith(b.browser(), "GET", b.url+"/auth/invitation/"+unknown, "", nil)
		pr := problem(t, res, http.StatusNotFound)
		require.Contains(t, pr.Detail, "the invitation link is not valid")
		require.NotContains(t, string(res.body), unknown)
		require.NotContains(t, b.logs.String(), unknown)
	})

	t.Run("a token not in its form is 404 at once", func(t *testing.T) {
		t.Parallel()
		b, _ := setupOIDC(t)
		token := b.token(b.pendingInvitation(b.ous.ID, demo.PendingInvitee.Email).ID)
		for _, bad := range []string{"abc", token + "A", token[:42], strings.Repeat("!", 43), token[:40] + "%2E%2E%2F", strings.Repeat("x", 5000)} {
			res := b.do("GET", "/auth/invitation/"+bad, "", nil)
			pr := problem(t, res, http.StatusNotFound)
			require.Equal(t, "/auth/invitation/…", pr.Instance)
			require.Empty(t, res.header.Get("Set-Cookie"), "no login starts")
			require.NotContains(t, string(res.body), bad)
		}
		require.NotContains(t, b.logs.String(), token[:40])
	})

	t.Run("the login cookie carries the token sealed", func(t *testing.T) {
		t.Parallel()
		b, p := setupOIDC(t)
		p.as(newcomerNID, "idporten-loa-high")
		inv := b.pendingInvitation(b.ous.ID, demo.PendingInvitee.Email)
		token := b.token(inv.ID)
		c := noFollow(b)
		res := b.doWith(c, "GET", b.url+"/auth/invitation/"+token, "", nil)
		require.Equal(t, http.StatusFound, res.status)
		cookie := loginCookie(t, b, c)
		require.NotContains(t, cookie.Value, token)
		// A login cookie made by /auth/login accepts nothing, whatever the
		// link: the token counts only sealed.
		plain := noFollow(b)
		callback := startLogin(t, b, plain)
		res = callWithCookie(t, b, callback, loginCookie(t, b, plain))
		problem(t, res, http.StatusForbidden) // newcomerNID is nobody yet
		pending, err := b.invites.Invitation(context.Background(), practice.SystemActor(), inv.ID)
		require.NoError(t, err)
		require.Equal(t, invite.Pending, pending.State)
	})
}
