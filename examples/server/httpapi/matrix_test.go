package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/agreement"
	"github.com/praksis/praksis/examples/demo"
	"github.com/praksis/praksis/examples/server/httpapi"
	"github.com/praksis/praksis/practice"
)

// The callers of the authorisation matrix, in the order of its columns.
// "Own" is the study site NIH and the organisation OUS that the routes
// target; "other" is PHS and Oslo kommune.
var matrixCallers = []struct {
	name string
	user *demo.User // nil: anonymous
}{
	{"anonymous", nil},
	{"NIH administrator", &demo.StudySiteAdmin},
	{"NIH planner", &demo.Planner},
	{"NIH teacher", &demo.Teacher},
	{"PHS administrator (another study site)", &demo.OtherStudySiteAdmin},
	{"PHS planner (another study site)", &demo.OtherPlanner},
	{"PHS teacher (another study site)", &demo.OtherTeacher},
	{"OUS admin", &demo.OUSAdmin},
	{"OUS write", &demo.OUSWriter},
	{"OUS read", &demo.OUSReader},
	{"Oslo kommune admin (another organisation)", &demo.OsloAdmin},
	{"Oslo kommune write (another organisation)", &demo.OsloWriter},
	{"Oslo kommune read (another organisation)", &demo.OsloReader},
}

// matrixTargets are the resources the routes of the matrix name: the study
// site NIH, the organisation OUS, a place of OUS, people who belong to NIH
// or OUS only, the pending invitation to OUS with its link's token, and
// NIH's agreements with OUS (see loadAgreements): the active one with its
// document, and the draft.
type matrixTargets struct {
	nih, ous, place, teacher, ousReader string
	invitation, token                   string
	agreement, document, draft          string
}

// matrixRow is the request a route gets in the matrix, and the status each
// caller must get, in the order of matrixCallers.
type matrixRow struct {
	request func(m matrixTargets) (path string, body any)
	want    [13]int
}

// matrix has one row for every route the server serves. A route without a
// row fails TestAuthorisationMatrix.
var matrix = map[string]matrixRow{
	//                                                                       anon nihA nihP nihT phsA phsP phsT ousA ousW ousR oslA oslW oslR
	"GET /healthz":      {path("/healthz"), [13]int{200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
	"GET /openapi.json": {path("/openapi.json"), [13]int{200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
	"GET /api/me":       {path("/api/me"), [13]int{401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200}},

	"GET /api/institutions": {path("/api/institutions"), [13]int{200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
	"GET /api/institutions/{id}": {func(m matrixTargets) (string, any) { return "/api/institutions/" + m.nih, nil },
		[13]int{200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
	"PUT /api/institutions/{id}": {func(m matrixTargets) (string, any) {
		return "/api/institutions/" + m.nih, map[string]any{"name": "Norges idrettshøgskole (NIH)", "code": "NIH", "version": 1}
	}, [13]int{401, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403}},
	"GET /api/institutions/{id}/staff": {func(m matrixTargets) (string, any) { return "/api/institutions/" + m.nih + "/staff", nil },
		[13]int{401, 200, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403}},
	"POST /api/institutions/{id}/staff": {func(m matrixTargets) (string, any) {
		return "/api/institutions/" + m.nih + "/staff", map[string]any{"personId": m.ousReader, "role": "teacher"}
	}, [13]int{401, 201, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403}},
	"DELETE /api/institutions/{id}/staff/{personId}/{role}": {func(m matrixTargets) (string, any) {
		return "/api/institutions/" + m.nih + "/staff/" + m.teacher + "/teacher", nil
	}, [13]int{401, 204, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403}},

	"GET /api/organisations": {path("/api/organisations"), [13]int{200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
	"POST /api/organisations": {func(matrixTargets) (string, any) {
		return "/api/organisations", map[string]any{"name": "Brønnøysundregistrene", "orgNumber": "974760673"}
	}, [13]int{401, 201, 403, 403, 201, 403, 403, 403, 403, 403, 403, 403, 403}},
	"GET /api/organisations/{id}": {func(m matrixTargets) (string, any) { return "/api/organisations/" + m.ous, nil },
		[13]int{200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
	"PUT /api/organisations/{id}": {func(m matrixTargets) (string, any) {
		return "/api/organisations/" + m.ous, map[string]any{"name": "OUS", "orgNumber": demo.OUSOrgNumber, "version": 1}
	}, [13]int{401, 200, 403, 403, 200, 403, 403, 403, 403, 403, 403, 403, 403}},
	"GET /api/organisations/{id}/tree": {func(m matrixTargets) (string, any) { return "/api/organisations/" + m.ous + "/tree", nil },
		[13]int{200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
	"POST /api/organisations/{id}/places": {func(m matrixTargets) (string, any) {
		return "/api/organisations/" + m.ous + "/places", map[string]any{"name": "Ny enhet", "from": "2030-01-01"}
	}, [13]int{401, 201, 403, 403, 201, 403, 403, 403, 403, 403, 403, 403, 403}},
	"GET /api/organisations/{id}/members": {func(m matrixTargets) (string, any) { return "/api/organisations/" + m.ous + "/members", nil },
		[13]int{401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 403, 403, 403}},
	// A site's administrators invite people instead of adding them.
	"POST /api/organisations/{id}/members": {func(m matrixTargets) (string, any) {
		return "/api/organisations/" + m.ous + "/members", map[string]any{"name": "Ny Person", "email": "ny.person@example.org", "right": "read"}
	}, [13]int{401, 201, 403, 403, 201, 403, 403, 403, 403, 403, 403, 403, 403}},
	"PUT /api/organisations/{id}/members/{personId}": {func(m matrixTargets) (string, any) {
		return "/api/organisations/" + m.ous + "/members/" + m.ousReader, map[string]any{"right": "write"}
	}, [13]int{401, 200, 403, 403, 200, 403, 403, 200, 403, 403, 403, 403, 403}},
	"DELETE /api/organisations/{id}/members/{personId}": {func(m matrixTargets) (string, any) {
		return "/api/organisations/" + m.ous + "/members/" + m.ousReader, nil
	}, [13]int{401, 204, 403, 403, 204, 403, 403, 204, 403, 403, 403, 403, 403}},

	"GET /api/organisations/{id}/colleagues": {func(m matrixTargets) (string, any) { return "/api/organisations/" + m.ous + "/colleagues", nil },
		[13]int{401, 200, 403, 403, 200, 403, 403, 200, 403, 403, 403, 403, 403}},
	"GET /api/organisations/{id}/audit": {func(m matrixTargets) (string, any) { return "/api/organisations/" + m.ous + "/audit", nil },
		[13]int{401, 200, 403, 403, 200, 403, 403, 200, 403, 403, 403, 403, 403}},

	"POST /api/organisations/{id}/invitations": {func(m matrixTargets) (string, any) {
		return "/api/organisations/" + m.ous + "/invitations", map[string]any{"name": "Ny Person", "email": "ny.person@example.org", "right": "read"}
	}, [13]int{401, 201, 403, 403, 201, 403, 403, 201, 403, 403, 403, 403, 403}},
	"GET /api/organisations/{id}/invitations": {func(m matrixTargets) (string, any) { return "/api/organisations/" + m.ous + "/invitations", nil },
		[13]int{401, 200, 403, 403, 200, 403, 403, 200, 403, 403, 403, 403, 403}},
	// To those who may not manage them, an organisation's invitations do not
	// exist, whoever asks once logged in.
	"GET /api/invitations/{id}": {func(m matrixTargets) (string, any) { return "/api/invitations/" + m.invitation, nil },
		[13]int{401, 200, 404, 404, 200, 404, 404, 200, 404, 404, 404, 404, 404}},
	"POST /api/invitations/{id}/resend": {func(m matrixTargets) (string, any) { return "/api/invitations/" + m.invitation + "/resend", nil },
		[13]int{401, 201, 404, 404, 201, 404, 404, 201, 404, 404, 404, 404, 404}},
	"POST /api/invitations/{id}/revoke": {func(m matrixTargets) (string, any) { return "/api/invitations/" + m.invitation + "/revoke", nil },
		[13]int{401, 200, 404, 404, 200, 404, 404, 200, 404, 404, 404, 404, 404}},

	"GET /api/places/{id}": {func(m matrixTargets) (string, any) { return "/api/places/" + m.place, nil },
		[13]int{200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
	"GET /api/places/{id}/history": {func(m matrixTargets) (string, any) { return "/api/places/" + m.place + "/history", nil },
		[13]int{200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
	"POST /api/places/{id}/changes": {func(m matrixTargets) (string, any) {
		return "/api/places/" + m.place + "/changes", map[string]any{"from": "2030-01-01", "name": "Nytt navn"}
	}, [13]int{401, 201, 403, 403, 201, 403, 403, 403, 403, 403, 403, 403, 403}},
	"PUT /api/places/{id}/presentation": {func(m matrixTargets) (string, any) {
		return "/api/places/" + m.place + "/presentation", map[string]any{"description": "Ny tekst", "version": 1}
	}, [13]int{401, 200, 403, 403, 200, 403, 403, 200, 403, 403, 403, 403, 403}},

	"GET /api/people": {path("/api/people?q=a"), [13]int{401, 200, 200, 200, 200, 200, 200, 403, 403, 403, 403, 403, 403}},
	"GET /api/people/{id}": {func(m matrixTargets) (string, any) { return "/api/people/" + m.ousReader, nil },
		[13]int{401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 403, 403, 403}},
	"PUT /api/people/{id}": {func(m matrixTargets) (string, any) {
		return "/api/people/" + m.ousReader, map[string]any{"name": "Aisha Rahman", "email": demo.OUSReader.Email, "version": 1}
	}, [13]int{401, 200, 403, 403, 200, 403, 403, 200, 403, 403, 403, 403, 403}},

	"POST /api/institutions/{id}/agreements": {func(m matrixTargets) (string, any) {
		return "/api/institutions/" + m.nih + "/agreements", map[string]any{"organisationId": m.ous, "name": "Ny avtale",
			"places": []any{map[string]any{"placeId": m.place}}, "period": map[string]any{"start": "2030-01-01"}}
	}, [13]int{401, 201, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403}},
	"GET /api/institutions/{id}/agreements": {func(m matrixTargets) (string, any) { return "/api/institutions/" + m.nih + "/agreements", nil },
		[13]int{401, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403}},
	// A study site's staff list its agreements with an organisation at the
	// study site's route, with ?organisationId=.
	"GET /api/organisations/{id}/agreements": {func(m matrixTargets) (string, any) { return "/api/organisations/" + m.ous + "/agreements", nil },
		[13]int{401, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403, 403}},
	// To those who may not read it, an agreement does not exist, whoever
	// asks once logged in.
	"GET /api/agreements/{id}": {func(m matrixTargets) (string, any) { return "/api/agreements/" + m.agreement, nil },
		[13]int{401, 200, 200, 404, 404, 404, 404, 200, 404, 404, 404, 404, 404}},
	"PUT /api/agreements/{id}": {func(m matrixTargets) (string, any) {
		return "/api/agreements/" + m.agreement, map[string]any{"organisationId": m.ous, "name": "Ny avtale",
			"places": []any{map[string]any{"placeId": m.place}}, "period": map[string]any{"start": "2020-01-01"}, "version": 1}
	}, [13]int{401, 200, 403, 404, 404, 404, 404, 403, 404, 404, 404, 404, 404}},
	// An organisation sees no drafts.
	"POST /api/agreements/{id}/activate": {func(m matrixTargets) (string, any) {
		return "/api/agreements/" + m.draft + "/activate", map[string]any{"version": 1}
	}, [13]int{401, 200, 403, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404}},
	"POST /api/agreements/{id}/terminate": {func(m matrixTargets) (string, any) {
		return "/api/agreements/" + m.agreement + "/terminate", map[string]any{"version": 1}
	}, [13]int{401, 200, 403, 404, 404, 404, 404, 403, 404, 404, 404, 404, 404}},
	"POST /api/agreements/{id}/review": {func(m matrixTargets) (string, any) {
		return "/api/agreements/" + m.agreement + "/review", map[string]any{"version": 1}
	}, [13]int{401, 200, 403, 404, 404, 404, 404, 403, 404, 404, 404, 404, 404}},
	"POST /api/agreements/{id}/documents": {func(m matrixTargets) (string, any) {
		return "/api/agreements/" + m.agreement + "/documents", fileForm("Vedlegg.pdf", demoPDF)
	}, [13]int{401, 201, 403, 404, 404, 404, 404, 403, 404, 404, 404, 404, 404}},
	"GET /api/agreements/{id}/documents": {func(m matrixTargets) (string, any) { return "/api/agreements/" + m.agreement + "/documents", nil },
		[13]int{401, 200, 200, 404, 404, 404, 404, 200, 404, 404, 404, 404, 404}},
	"GET /api/agreements/{id}/documents/{documentId}": {func(m matrixTargets) (string, any) {
		return "/api/agreements/" + m.agreement + "/documents/" + m.document, nil
	}, [13]int{401, 200, 200, 404, 404, 404, 404, 200, 404, 404, 404, 404, 404}},
	"DELETE /api/agreements/{id}/documents/{documentId}": {func(m matrixTargets) (string, any) {
		return "/api/agreements/" + m.agreement + "/documents/" + m.document, nil
	}, [13]int{401, 204, 403, 404, 404, 404, 404, 403, 404, 404, 404, 404, 404}},
	"GET /api/institutions/{id}/coverage": {func(m matrixTargets) (string, any) {
		return "/api/institutions/" + m.nih + "/coverage?placeId=" + m.place + "&start=2027-01-01&end=2027-06-30", nil
	}, [13]int{401, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403}},
	"GET /api/institutions/{id}/orderable": {func(m matrixTargets) (string, any) {
		return "/api/institutions/" + m.nih + "/orderable?organisationId=" + m.ous + "&start=2027-01-01&end=2027-06-30", nil
	}, [13]int{401, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403}},
	"GET /api/institutions/{id}/consistency": {func(m matrixTargets) (string, any) {
		return "/api/institutions/" + m.nih + "/consistency?asOf=2027-01-01", nil
	}, [13]int{401, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403}},
	// As the change itself: any study site's practice administrator.
	"POST /api/places/{id}/changes/preview": {func(m matrixTargets) (string, any) {
		return "/api/places/" + m.place + "/changes/preview", map[string]any{"from": "2030-01-01", "name": "Nytt navn"}
	}, [13]int{401, 200, 403, 403, 200, 403, 403, 403, 403, 403, 403, 403, 403}},

	"POST /auth/logout": {path("/auth/logout"), [13]int{204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204}},
	"POST /auth/dev-login": {func(matrixTargets) (string, any) {
		return "/auth/dev-login", map[string]any{"email": demo.OUSReader.Email}
	}, [13]int{200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
	"GET /auth/login": {path("/auth/login"), [13]int{302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302}},
	// The link starts a login whoever follows it; whether it is valid is
	// told after the login.
	"GET /auth/invitation/{token}": {func(m matrixTargets) (string, any) { return "/auth/invitation/" + m.token, nil },
		[13]int{302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302}},
	// The link's token is what authorises an acceptance, whoever sends it.
	"POST /auth/dev-accept": {func(m matrixTargets) (string, any) {
		return "/auth/dev-accept", map[string]any{"token": m.token, "nationalId": strangerNID}
	}, [13]int{200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
	// Without the login cookie no callback goes on, whoever calls.
	"GET /auth/callback": {path("/auth/callback?code=c&state=s"), [13]int{400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400}},
}

func path(p string) func(matrixTargets) (string, any) {
	return func(matrixTargets) (string, any) { return p, nil }
}

// matrixServer starts a server, in process, with every route: the
// development login and, with a provider, OpenID Connect.
func matrixServer(t *testing.T, provider *testProvider) (*testBundle, matrixTargets) {
	t.Helper()
	b := newBundle(t, nil, func(c *httpapi.Config) {
		if provider != nil {
			c.OIDC = &httpapi.OIDCConfig{IssuerURL: provider.srv.URL, ClientID: provider.clientID, ClientSecret: provider.secret,
				RedirectURL: "http://praksis.test/auth/callback"}
		}
	})
	inProcess(b)
	return b, targetsOf(b)
}

// inProcess sends b's requests straight to its handler, and follows no
// redirect.
func inProcess(b *testBundle) {
	b.url = "http://praksis.test"
	b.client = &http.Client{
		Transport:     handlerTransport{b.api},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// targetsOf returns the IDs of the resources the matrix targets in b.
func targetsOf(b *testBundle) matrixTargets {
	ctx := context.Background()
	tree, err := b.svc.Tree(ctx, practice.Actor{}, b.ous.ID, demo.Since)
	require.NoError(b.t, err)
	inv := b.pendingInvitation(b.ous.ID, demo.PendingInvitee.Email)
	m := matrixTargets{
		nih: b.nih.ID.String(), ous: b.ous.ID.String(), place: tree.Roots[0].ID.String(),
		teacher: b.personID(demo.Teacher).String(), ousReader: b.personID(demo.OUSReader).String(),
		invitation: inv.ID.String(), token: b.token(inv.ID),
	}
	ags, err := b.store.Agreements(ctx, agreement.Filter{InstitutionID: b.nih.ID})
	require.NoError(b.t, err)
	for _, ag := range ags.Items {
		switch ag.Status {
		case agreement.Active:
			m.agreement = ag.ID.String()
			docs, err := b.store.Documents(ctx, agreement.DocumentFilter{AgreementID: ag.ID})
			require.NoError(b.t, err)
			require.Len(b.t, docs.Items, 1)
			m.document = docs.Items[0].ID.String()
		case agreement.Draft:
			m.draft = ag.ID.String()
		}
	}
	require.NotEmpty(b.t, m.agreement)
	require.NotEmpty(b.t, m.draft)
	return m
}

// TestAuthorisationMatrix sends every route the server serves as every kind
// of caller and checks the status of each. A route that changes data runs
// on a fresh server for each caller, and a refused request must leave the
// store as it was.
func TestAuthorisationMatrix(t *testing.T) {
	t.Parallel()
	provider := newTestProvider(t)
	b, targets := matrixServer(t, provider)
	for _, route := range b.api.Routes() {
		row, ok := matrix[route.String()]
		if !ok {
			t.Errorf("the route %s has no row in the authorisation matrix: add one to matrix in matrix_test.go, "+
				"with the request it gets and the status every caller must get", route)
			continue
		}
		t.Run(route.String(), func(t *testing.T) {
			t.Parallel()
			for i, caller := range matrixCallers {
				want := row.want[i]
				require.NotZero(t, want, "the row of %s has no status for %s", route, caller.name)
				server, m := b, targets
				if route.Method != http.MethodGet {
					server, m = matrixServer(t, provider)
				}
				token := ""
				if caller.user != nil {
					token = server.login(caller.user.Email)
				}
				before := server.state()
				path, body := row.request(m)
				res := server.do(route.Method, path, token, body)
				require.Equal(t, want, res.status, "%s as %s: %s", route, caller.name, res.body)
				if res.status >= 400 {
					problem(t, res, want)
					require.Equal(t, before, server.state(), "%s as %s was refused, but changed the store", route, caller.name)
				}
			}
		})
	}
	for key := range matrix {
		found := false
		for _, route := range b.api.Routes() {
			found = found || route.String() == key
		}
		require.True(t, found, "the matrix has a row for %s, which the server does not serve: remove it", key)
	}
	require.Len(t, matrixCallers, len(matrix["GET /healthz"].want), "one column per caller")
}
