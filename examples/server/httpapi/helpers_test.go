package httpapi_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	"github.com/pb33f/libopenapi-validator/schema_validation"
	"github.com/pb33f/libopenapi/datamodel/high/base"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/agreement"
	"github.com/praksis/praksis/examples/demo"
	"github.com/praksis/praksis/examples/server/httpapi"
	"github.com/praksis/praksis/invite"
	"github.com/praksis/praksis/practice"
	"github.com/praksis/praksis/storage/memory"
)

// lockedBuffer is a log sink safe for concurrent writes.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// inviteKey seals the tokens of the invitations' links in the tests.
var inviteKey = bytes.Repeat([]byte{9}, invite.KeySize)

// testBundle is a running API over a memory store holding the demo data,
// with the demo invitations.
type testBundle struct {
	t          testing.TB
	url        string
	client     *http.Client
	api        *httpapi.Server
	store      *memory.Store
	svc        *practice.Service
	invites    *invite.Service    // over store, for the test to read and act as the system
	agreements *agreement.Service // over store, for the test to set up agreements
	logs       *lockedBuffer
	spec       *openAPISpec
	nih        practice.Institution
	phs        practice.Institution
	ous        practice.Organisation
	oslo       practice.Organisation
}

// setup starts the API with the development login on; configure may change
// the configuration before the server is made.
func setup(t testing.TB, configure ...func(*httpapi.Config)) *testBundle {
	t.Helper()
	return setupStore(t, nil, configure...)
}

// setupStore is setup with the service over wrap(store) when wrap is not
// nil, so that a test can make the store fail.
func setupStore(t testing.TB, wrap func(*memory.Store) practice.Store, configure ...func(*httpapi.Config)) *testBundle {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	b := newBundle(t, wrap, func(c *httpapi.Config) {
		for _, f := range configure {
			f(c)
		}
		if c.OIDC != nil && c.OIDC.RedirectURL == "" {
			c.OIDC.RedirectURL = "http://" + ts.Listener.Addr().String() + "/auth/callback"
		}
	})
	ts.Config.Handler = b.api
	ts.Start()
	t.Cleanup(ts.Close)
	b.url, b.client = ts.URL, ts.Client()
	return b
}

// setupInProcess is setup without a network: requests go straight to the
// handler. The fuzz targets use it.
func setupInProcess(t testing.TB) *testBundle {
	t.Helper()
	b := newBundle(t, nil)
	b.url = "http://praksis.test"
	b.client = &http.Client{Transport: handlerTransport{b.api}}
	return b
}

// handlerTransport serves requests with a handler, in process.
type handlerTransport struct{ h http.Handler }

func (h handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	h.h.ServeHTTP(rec, r)
	res := rec.Result()
	res.Request = r
	return res, nil
}

// testMaxDocument is the largest document of the tests' agreement
// service: small, so that an upload too large is quick to send.
const testMaxDocument = 64 << 10

// demoPDF is a small PDF: the demo agreement's document.
var demoPDF = []byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" +
	"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")

// The names of the demo agreements.
const (
	demoAgreementName = "Samarbeidsavtale NIH–OUS"
	demoDraftName     = "Utkast til ny avtale NIH–OUS"
	demoDocumentName  = "Signert avtale.pdf"
)

// newAgreements returns the agreement service of the tests over store.
func newAgreements(t testing.TB, store agreement.Store) *agreement.Service {
	t.Helper()
	s, err := agreement.NewService(store, agreement.WithMaxDocumentSize(testMaxDocument))
	require.NoError(t, err)
	return s
}

// loadDemo loads the demo data and the demo invitations into store, and
// returns the services over it. It adds the demo agreements: see
// loadAgreements.
func loadDemo(t testing.TB, store *memory.Store) (*practice.Service, *invite.Service, *agreement.Service) {
	t.Helper()
	ctx := context.Background()
	svc := practice.NewService(store)
	loaded, err := demo.Load(ctx, svc)
	require.NoError(t, err)
	require.True(t, loaded)
	require.NoError(t, demo.LoadInvitations(ctx, svc, store, inviteKey, time.Now()))
	invites, err := invite.NewService(store, inviteKey)
	require.NoError(t, err)
	agreements := newAgreements(t, store)
	loadAgreements(t, svc, agreements)
	return svc, invites, agreements
}

// loadAgreements makes the agreements of NIH with OUS, as NIH's practice
// administrator: an active one over the first place of OUS's tree and every
// place under it, from demo.Since on, without end, with demoPDF attached;
// and a draft over the same place.
func loadAgreements(t testing.TB, svc *practice.Service, agreements *agreement.Service) {
	t.Helper()
	ctx := context.Background()
	admin, err := svc.ActorByEmail(ctx, demo.StudySiteAdmin.Email)
	require.NoError(t, err)
	nih := admin.StaffRoles()[0].InstitutionID
	orgs, err := svc.Organisations(ctx, admin, practice.OrganisationFilter{OrgNumber: demo.OUSOrgNumber})
	require.NoError(t, err)
	ous := orgs.Items[0].ID
	tree, err := svc.Tree(ctx, admin, ous, demo.Since)
	require.NoError(t, err)
	in := agreement.Input{OrganisationID: ous, Name: demoAgreementName,
		Places: []agreement.Covered{{PlaceID: tree.Roots[0].ID}}, Period: practice.Period{Start: demo.Since}, Status: agreement.Active}
	ag, err := agreements.Create(ctx, admin, nih, in)
	require.NoError(t, err)
	_, err = agreements.AddDocument(ctx, admin, ag.ID, demoDocumentName, bytes.NewReader(demoPDF))
	require.NoError(t, err)
	in.Name, in.Status, in.Period.Start = demoDraftName, agreement.Draft, practice.NewDate(2031, time.January, 1)
	_, err = agreements.Create(ctx, admin, nih, in)
	require.NoError(t, err)
}

// withInvitations is a store whose kernel's part is wrapped, and whose
// invitations and outbox are the memory store's.
type withInvitations struct {
	practice.Store
	invite.InvitationStore
	practice.Publisher
}

// inviteStore returns wrapped as an invite.Store: itself if it is one,
// else with the invitations and outbox of m.
func inviteStore(wrapped practice.Store, m *memory.Store) invite.Store {
	if s, ok := wrapped.(invite.Store); ok {
		return s
	}
	return withInvitations{Store: wrapped, InvitationStore: m, Publisher: m}
}

// withAgreements is a store whose kernel's part is wrapped, and whose
// agreements, documents, blobs and outbox are the memory store's.
type withAgreements struct {
	practice.Store
	practice.Publisher
	agreement.AgreementStore
	agreement.DocumentStore
	agreement.Blobs
}

// agreementStore returns wrapped as an agreement.Store: itself if it is
// one, else with the agreements of m.
func agreementStore(wrapped practice.Store, m *memory.Store) agreement.Store {
	if s, ok := wrapped.(agreement.Store); ok {
		return s
	}
	return withAgreements{Store: wrapped, Publisher: m, AgreementStore: m, DocumentStore: m, Blobs: m}
}

// newBundle makes the store, services and API of a test; the demo data is
// loaded before wrap, if not nil, wraps the store.
func newBundle(t testing.TB, wrap func(*memory.Store) practice.Store, configure ...func(*httpapi.Config)) *testBundle {
	t.Helper()
	ctx := context.Background()
	store := memory.New()
	svc, invites, agreements := loadDemo(t, store)
	// The services the API uses; svc, invites and agreements read the store
	// for the test.
	served, servedInvites, servedAgreements := svc, invites, agreements
	if wrap != nil {
		wrapped := wrap(store)
		served = practice.NewService(wrapped)
		var err error
		servedInvites, err = invite.NewService(inviteStore(wrapped, store), inviteKey)
		require.NoError(t, err)
		servedAgreements = newAgreements(t, agreementStore(wrapped, store))
	}

	logs := &lockedBuffer{}
	cfg := httpapi.Config{
		Service: served, Invites: servedInvites, Agreements: servedAgreements, DevLogin: true,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	for _, c := range configure {
		c(&cfg)
	}
	api, err := httpapi.New(ctx, cfg)
	require.NoError(t, err)

	b := &testBundle{t: t, api: api, store: store, svc: svc, invites: invites, agreements: agreements, logs: logs}
	b.spec = specOf(t, api)
	b.nih = b.institutionByCode(demo.InstitutionCode)
	b.phs = b.institutionByCode(demo.OtherInstitutionCode)
	b.ous = b.orgByNumber(demo.OUSOrgNumber)
	b.oslo = b.orgByNumber(demo.OsloOrgNumber)
	return b
}

func (b *testBundle) institutionByCode(code string) practice.Institution {
	page, err := b.svc.Institutions(context.Background(), practice.Actor{}, practice.InstitutionFilter{})
	require.NoError(b.t, err)
	for _, in := range page.Items {
		if in.Code == code {
			return in
		}
	}
	b.t.Fatalf("no institution %s in the demo data", code)
	return practice.Institution{}
}

func (b *testBundle) orgByNumber(number string) practice.Organisation {
	page, err := b.svc.Organisations(context.Background(), practice.Actor{}, practice.OrganisationFilter{OrgNumber: number})
	require.NoError(b.t, err)
	require.Len(b.t, page.Items, 1)
	return page.Items[0]
}

// personID returns the ID of a demo person.
func (b *testBundle) personID(u demo.User) practice.ID {
	a, err := b.svc.ActorByEmail(context.Background(), u.Email)
	require.NoError(b.t, err)
	return a.PersonID
}

// browser returns a client with a cookie jar.
func (b *testBundle) browser() *http.Client {
	jar, err := cookiejar.New(nil)
	require.NoError(b.t, err)
	c := *b.client
	c.Jar = jar
	return &c
}

// response is what a request got back.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request with an optional bearer token. A string or []byte
// body is sent as it is, a form with its Content-Type, any other non-nil
// body as JSON.
func (b *testBundle) do(method, path, token string, body any) response {
	b.t.Helper()
	return b.doWith(b.client, method, b.url+path, token, body)
}

// doWith sends a request with client c and checks it and its answer
// against the server's OpenAPI document (see openAPISpec.check). Every
// request of these tests goes through it.
func (b *testBundle) doWith(c *http.Client, method, target, token string, body any) response {
	b.t.Helper()
	var data []byte
	contentType := "application/json"
	switch v := body.(type) {
	case nil:
	case string:
		data = []byte(v)
	case []byte:
		data = v
	case form:
		data, contentType = v.data, v.contentType
	default:
		var err error
		data, err = json.Marshal(v)
		require.NoError(b.t, err)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, target, bytes.NewReader(data))
	require.NoError(b.t, err)
	if body != nil && contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return b.send(c, req, data)
}

// send sends req, whose body is data, with client c and checks it and its
// answer against the OpenAPI document.
//
// It reports with t.Errorf, not t.FailNow, so that a test may call it from
// several goroutines at once.
func (b *testBundle) send(c *http.Client, req *http.Request, data []byte) response {
	b.t.Helper()
	res, err := c.Do(req)
	if !assert.NoError(b.t, err) {
		return response{}
	}
	defer res.Body.Close()
	got, err := io.ReadAll(res.Body)
	if !assert.NoError(b.t, err) {
		return response{}
	}
	out := response{status: res.StatusCode, header: res.Header, body: got}
	sent := res.Request
	if sent == nil {
		sent = req
	}
	if sent != req { // a redirect was followed: the last request had no body
		data = nil
	}
	b.spec.check(b.t, b.url, sent, data, res, got)
	return out
}

// login logs in through the development login and returns the token.
func (b *testBundle) login(email string) string {
	b.t.Helper()
	res := b.do("POST", "/auth/dev-login", "", map[string]string{"email": email})
	require.Equal(b.t, http.StatusOK, res.status, string(res.body))
	var out httpapi.DevLoginResponse
	require.NoError(b.t, json.Unmarshal(res.body, &out))
	require.NotEmpty(b.t, out.Token)
	return out.Token
}

// ok requires a status and decodes the JSON body into a T.
func ok[T any](t testing.TB, res response, status int) T {
	t.Helper()
	require.Equal(t, status, res.status, string(res.body))
	require.Equal(t, "application/json", res.header.Get("Content-Type"))
	var v T
	require.NoError(t, json.Unmarshal(res.body, &v), string(res.body))
	return v
}

// problem requires a problem with a status and returns it.
func problem(t testing.TB, res response, status int) httpapi.Problem {
	t.Helper()
	require.Equal(t, status, res.status, string(res.body))
	require.Equal(t, "application/problem+json", res.header.Get("Content-Type"))
	var p httpapi.Problem
	dec := json.NewDecoder(bytes.NewReader(res.body))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&p), string(res.body))
	require.Equal(t, status, p.Status)
	require.True(t, strings.HasPrefix(p.Type, "urn:praksis:problem:"), p.Type)
	require.NotEmpty(t, p.Title)
	require.NotEmpty(t, p.Detail)
	require.NotEmpty(t, p.Instance)
	require.NotEmpty(t, p.RequestID)
	require.Equal(t, res.header.Get("X-Request-Id"), p.RequestID)
	return p
}

// fields returns field → rule of a problem's errors.
func fields(p httpapi.Problem) map[string]string {
	out := map[string]string{}
	for _, f := range p.Errors {
		out[f.Field] = f.Rule
	}
	return out
}

// openAPISpec checks requests and responses against a server's OpenAPI
// document with an independent validator (libopenapi-validator).
type openAPISpec struct {
	doc       []byte
	validator validator.Validator
	problem   *base.Schema
	routes    *http.ServeMux // the document's routes
	mu        sync.Mutex     // the validator is not safe for concurrent use
}

// specs caches the validator of each distinct document.
var specs sync.Map // sha256 of the document → *openAPISpec

// specOf returns the checker of the document the server serves at
// /openapi.json. The document itself must validate.
func specOf(t testing.TB, api *httpapi.Server) *openAPISpec {
	t.Helper()
	rec := httptest.NewRecorder()
	api.ServeHTTP(rec, httptest.NewRequest("GET", "/openapi.json", nil))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	doc := rec.Body.Bytes()
	key := sha256.Sum256(doc)
	if s, ok := specs.Load(key); ok {
		return s.(*openAPISpec)
	}
	d, err := libopenapi.NewDocument(doc)
	require.NoError(t, err)
	v, errs := validator.NewValidator(d, config.WithFormatAssertions())
	require.Empty(t, errs)
	valid, verrs := v.ValidateDocument()
	require.True(t, valid, "the OpenAPI document is not valid: %s", describe(verrs))
	model, err := d.BuildV3Model()
	require.NoError(t, err)
	s := &openAPISpec{doc: doc, validator: v, routes: http.NewServeMux()}
	s.problem = model.Model.Components.Schemas.GetOrZero("Problem").Schema()
	require.NotNil(t, s.problem, "the document has a Problem schema")
	for path, item := range model.Model.Paths.PathItems.FromOldest() {
		for method := range item.GetOperations().FromOldest() {
			s.routes.HandleFunc(strings.ToUpper(method)+" "+path, func(http.ResponseWriter, *http.Request) {})
		}
	}
	actual, _ := specs.LoadOrStore(key, s)
	return actual.(*openAPISpec)
}

// describe lists validation errors.
func describe[E interface{ Error() string }](errs []E) string {
	var b strings.Builder
	for _, e := range errs {
		fmt.Fprintf(&b, "\n  - %s", e.Error())
	}
	return b.String()
}

// check validates a request that reached the server at base and its
// answer. A request the document allows may get any documented answer; a
// request it does not allow must not succeed (a 4xx, or a 5xx when the
// store fails first). Every answer must be one
// the document describes: its status, headers and body. The answers of
// routes the document does not have (unknown routes and methods, refused
// before any operation) must be problems of the document's Problem schema.
// Requests to other hosts (the identity provider) are not checked, and
// neither is GET /openapi.json, the document itself.
//
// It reports with t.Errorf, not t.FailNow, since a subtest may call it
// with the t of its parent.
func (s *openAPISpec) check(t testing.TB, base string, req *http.Request, data []byte, res *http.Response, body []byte) {
	t.Helper()
	u, err := url.Parse(base)
	if !assert.NoError(t, err) {
		return
	}
	if req.URL.Host != u.Host || req.URL.Path == "/openapi.json" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()

	vreq := req.Clone(context.Background())
	vreq.Body = io.NopCloser(bytes.NewReader(data))
	vreq.ContentLength = int64(len(data))
	reqOK, reqErrs := s.validator.ValidateHttpRequestSync(vreq)
	if !reqOK {
		assert.True(t, res.StatusCode >= 400,
			"%s %s breaks the OpenAPI document, but the server answered %d:%s", req.Method, req.URL.Path, res.StatusCode, describe(reqErrs))
	}
	if res.StatusCode < 300 {
		assert.True(t, reqOK, "the server accepted %s %s, which breaks the OpenAPI document:%s", req.Method, req.URL.Path, describe(reqErrs))
	}

	if _, pattern := s.routes.Handler(vreq); pattern == "" {
		assert.Equal(t, "application/problem+json", res.Header.Get("Content-Type"), "%s %s", req.Method, req.URL.Path)
		valid, errs := schema_validation.NewSchemaValidator().ValidateSchemaBytes(s.problem, body)
		assert.True(t, valid, "the answer of %s %s is not a Problem:%s\n%s", req.Method, req.URL.Path, describe(errs), body)
		return
	}
	vreq.Body = io.NopCloser(bytes.NewReader(data))
	vres := *res
	vres.Body = io.NopCloser(bytes.NewReader(body))
	valid, errs := s.validator.ValidateHttpResponse(vreq, &vres)
	assert.True(t, valid, "the answer %d of %s %s breaks the OpenAPI document:%s\n%s",
		res.StatusCode, req.Method, req.URL.Path, describe(errs), body)
}

// state returns everything the store holds, as JSON, so that a test can
// tell whether a request changed anything.
func (b *testBundle) state() string {
	b.t.Helper()
	ctx := context.Background()
	var all struct {
		Institutions  []practice.Institution
		Organisations []practice.Organisation
		Places        []practice.Place
		Versions      []practice.PlaceVersion
		People        []practice.Person
		Memberships   []practice.Membership
		Staff         []practice.StaffMembership
		Invitations   []invite.Invitation
		Audit         []practice.AuditEntry
		Agreements    []agreement.Agreement
		Documents     []agreement.Document
	}
	var err error
	all.Institutions, err = practice.All(func(p practice.PageRequest) (practice.Page[practice.Institution], error) {
		return b.store.Institutions(ctx, practice.InstitutionFilter{Page: p})
	})
	require.NoError(b.t, err)
	all.Organisations, err = practice.All(func(p practice.PageRequest) (practice.Page[practice.Organisation], error) {
		return b.store.Organisations(ctx, practice.OrganisationFilter{Page: p})
	})
	require.NoError(b.t, err)
	all.Places, err = practice.All(func(p practice.PageRequest) (practice.Page[practice.Place], error) {
		return b.store.Places(ctx, practice.PlaceFilter{Page: p})
	})
	require.NoError(b.t, err)
	all.Versions, err = practice.All(func(p practice.PageRequest) (practice.Page[practice.PlaceVersion], error) {
		return b.store.PlaceVersions(ctx, practice.PlaceVersionFilter{Page: p})
	})
	require.NoError(b.t, err)
	all.People, err = practice.All(func(p practice.PageRequest) (practice.Page[practice.Person], error) {
		return b.store.People(ctx, practice.PeopleFilter{Page: p})
	})
	require.NoError(b.t, err)
	for i, p := range all.People { // the masked text would hide a change of number
		all.People[i].Phone += "|" + p.NationalID.Reveal()
	}
	all.Memberships, err = practice.All(func(p practice.PageRequest) (practice.Page[practice.Membership], error) {
		return b.store.Memberships(ctx, practice.MembershipFilter{Page: p})
	})
	require.NoError(b.t, err)
	all.Staff, err = practice.All(func(p practice.PageRequest) (practice.Page[practice.StaffMembership], error) {
		return b.store.StaffRoles(ctx, practice.StaffFilter{Page: p})
	})
	require.NoError(b.t, err)
	all.Invitations, err = practice.All(func(p practice.PageRequest) (invite.Page, error) {
		return b.store.Invitations(ctx, invite.InvitationFilter{Page: p})
	})
	require.NoError(b.t, err)
	all.Audit, err = practice.All(func(p practice.PageRequest) (practice.Page[practice.AuditEntry], error) {
		return b.store.AuditEntries(ctx, practice.AuditFilter{Page: p})
	})
	require.NoError(b.t, err)
	all.Agreements, err = practice.All(func(p practice.PageRequest) (agreement.Page, error) {
		return b.store.Agreements(ctx, agreement.Filter{Page: p})
	})
	require.NoError(b.t, err)
	all.Documents, err = practice.All(func(p practice.PageRequest) (practice.Page[agreement.Document], error) {
		return b.store.Documents(ctx, agreement.DocumentFilter{Page: p})
	})
	require.NoError(b.t, err)
	data, err := json.Marshal(all)
	require.NoError(b.t, err)
	return string(data)
}

// pendingInvitation returns the pending invitation to an organisation for
// an e-mail address.
func (b *testBundle) pendingInvitation(organisationID practice.ID, email string) invite.Invitation {
	b.t.Helper()
	page, err := b.invites.Invitations(context.Background(), practice.SystemActor(), organisationID,
		invite.InvitationFilter{State: invite.Pending, Email: email})
	require.NoError(b.t, err)
	require.Len(b.t, page.Items, 1, "one pending invitation for %s", email)
	return page.Items[0]
}

// token returns the token of the link of a pending invitation, as its mail
// tells it.
func (b *testBundle) token(invitationID practice.ID) string {
	b.t.Helper()
	m, ok, err := b.invites.Mail(context.Background(), invite.EventRef{InvitationID: invitationID, Mail: invite.MailInvitation})
	require.NoError(b.t, err)
	require.True(b.t, ok, "the invitation is pending")
	require.Len(b.t, m.Token, 43)
	return m.Token
}

// form is a multipart/form-data request body.
type form struct {
	contentType string // with the boundary; empty to send none
	data        []byte
}

// formPart is one part of a multipart/form-data body.
type formPart struct {
	// name is the part's form-data name.
	name string
	// filename is its filename parameter, quoted as a browser quotes it,
	// if not empty.
	filename string
	// disposition, if not empty, is the part's whole Content-Disposition
	// instead.
	disposition string
	// contentType is its Content-Type, if not empty.
	contentType string
	data        []byte
}

// multipartForm returns a multipart/form-data body of parts. Its writes to
// memory cannot fail.
func multipartForm(parts ...formPart) form {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		switch {
		case p.disposition != "":
			h.Set("Content-Disposition", p.disposition)
		case p.filename != "":
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`, p.name, quoteEscaper.Replace(p.filename)))
		default:
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"`, p.name))
		}
		if p.contentType != "" {
			h.Set("Content-Type", p.contentType)
		}
		pw, _ := w.CreatePart(h)
		_, _ = pw.Write(p.data)
	}
	_ = w.Close()
	return form{contentType: w.FormDataContentType(), data: buf.Bytes()}
}

// quoteEscaper escapes a quoted parameter as mime/multipart does.
var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"")

// fileForm returns an upload of one document: the part file, named
// filename, sent as a PDF whatever it holds.
func fileForm(filename string, data []byte) form {
	return multipartForm(formPart{name: "file", filename: filename, contentType: "application/pdf", data: data})
}
