package httpapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/examples/demo"
	"github.com/praksis/praksis/examples/server/httpapi"
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

// testBundle is a running API over a memory store holding the demo data.
type testBundle struct {
	t      *testing.T
	url    string
	client *http.Client
	store  *memory.Store
	svc    *practice.Service
	logs   *lockedBuffer
	inst   practice.Institution
	ous    practice.Organisation
	oslo   practice.Organisation
}

// setup starts the API with the development login on; configure may change
// the configuration before the server is made.
func setup(t *testing.T, configure ...func(*httpapi.Config)) *testBundle {
	t.Helper()
	ctx := t.Context()
	store := memory.New()
	svc := practice.NewService(store)
	loaded, err := demo.Load(ctx, svc)
	require.NoError(t, err)
	require.True(t, loaded)

	logs := &lockedBuffer{}
	ts := httptest.NewUnstartedServer(nil)
	cfg := httpapi.Config{
		Service: svc, People: store, DevLogin: true,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	for _, c := range configure {
		c(&cfg)
	}
	if cfg.OIDC != nil {
		cfg.OIDC.RedirectURL = "http://" + ts.Listener.Addr().String() + "/auth/callback"
	}
	api, err := httpapi.New(ctx, cfg)
	require.NoError(t, err)
	ts.Config.Handler = api
	ts.Start()
	t.Cleanup(ts.Close)

	b := &testBundle{t: t, url: ts.URL, client: ts.Client(), store: store, svc: svc, logs: logs}
	insts, err := svc.Institutions(ctx, practice.Actor{})
	require.NoError(t, err)
	b.inst = insts[0]
	b.ous = b.orgByNumber(demo.OUSOrgNumber)
	b.oslo = b.orgByNumber(demo.OsloOrgNumber)
	return b
}

func (b *testBundle) orgByNumber(number string) practice.Organisation {
	os, err := b.svc.Organisations(b.t.Context(), practice.Actor{}, practice.OrganisationFilter{OrgNumber: number})
	require.NoError(b.t, err)
	require.Len(b.t, os, 1)
	return os[0]
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

// do sends a request with an optional bearer token. A string body is sent
// as it is, any other non-nil body as JSON.
func (b *testBundle) do(method, path, token string, body any) response {
	b.t.Helper()
	return doWith(b.t, b.client, method, b.url+path, token, body)
}

func doWith(t *testing.T, c *http.Client, method, url, token string, body any) response {
	t.Helper()
	var r io.Reader
	switch v := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(v)
	case []byte:
		r = bytes.NewReader(v)
	default:
		data, err := json.Marshal(v)
		require.NoError(t, err)
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, url, r)
	require.NoError(t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := c.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return response{status: res.StatusCode, header: res.Header, body: data}
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
func ok[T any](t *testing.T, res response, status int) T {
	t.Helper()
	require.Equal(t, status, res.status, string(res.body))
	require.Equal(t, "application/json", res.header.Get("Content-Type"))
	var v T
	require.NoError(t, json.Unmarshal(res.body, &v), string(res.body))
	return v
}

// problem requires a problem with a status and returns it.
func problem(t *testing.T, res response, status int) httpapi.Problem {
	t.Helper()
	require.Equal(t, status, res.status, string(res.body))
	require.Equal(t, "application/problem+json", res.header.Get("Content-Type"))
	var p httpapi.Problem
	dec := json.NewDecoder(bytes.NewReader(res.body))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&p), string(res.body))
	require.Equal(t, status, p.Status)
	require.NotEmpty(t, p.Type)
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

// list is the body of a list response.
type list[T any] struct {
	Items []T `json:"items"`
}
