package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/examples/demo"
	"github.com/praksis/praksis/examples/server/httpapi"
	"github.com/praksis/praksis/practice"
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

// run starts a Main on a SQLite file with the development login on.
func run(t *testing.T, path string) (*Main, *lockedBuffer) {
	t.Helper()
	cfg, err := ParseConfig([]string{"-addr", "127.0.0.1:0", "-sqlite", path, "-dev-login"},
		func(string) string { return "" }, io.Discard)
	require.NoError(t, err)
	logs := &lockedBuffer{}
	m := NewMain(cfg, logs)
	require.NoError(t, m.Run(t.Context()))
	return m, logs
}

func call(t *testing.T, method, url, token string, body any) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		require.NoError(t, err)
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, url, r)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, data
}

func TestEndToEnd(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "data", "praksis.db")

	m, logs := run(t, path)
	status, body := call(t, "GET", m.URL()+"/healthz", "", nil)
	require.Equal(t, http.StatusOK, status, string(body))
	require.Contains(t, logs.String(), "loaded=true")

	status, body = call(t, "POST", m.URL()+"/auth/dev-login", "", map[string]string{"email": demo.StudySiteAdmin.Email})
	require.Equal(t, http.StatusOK, status, string(body))
	var login httpapi.DevLoginResponse
	require.NoError(t, json.Unmarshal(body, &login))

	status, body = call(t, "POST", m.URL()+"/api/organisations", login.Token,
		map[string]string{"name": "Brønnøysundregistrene", "orgNumber": "974760673"})
	require.Equal(t, http.StatusCreated, status, string(body))
	require.NoError(t, m.Close())

	// The session died with the server, the data did not.
	m, logs = run(t, path)
	defer func() { require.NoError(t, m.Close()) }()
	require.Contains(t, logs.String(), "loaded=false", "demo data is loaded only once")

	status, body = call(t, "GET", m.URL()+"/api/organisations?orgNumber=974760673", "", nil)
	require.Equal(t, http.StatusOK, status, string(body))
	var orgs struct{ Items []practice.Organisation }
	require.NoError(t, json.Unmarshal(body, &orgs))
	require.Len(t, orgs.Items, 1)
	require.Equal(t, "Brønnøysundregistrene", orgs.Items[0].Name)

	status, body = call(t, "GET", m.URL()+"/api/organisations", "", nil)
	require.Equal(t, http.StatusOK, status)
	require.NoError(t, json.Unmarshal(body, &orgs))
	require.Len(t, orgs.Items, 3, "two demo organisations, not four, and the new one")

	status, _ = call(t, "GET", m.URL()+"/api/me", login.Token, nil)
	require.Equal(t, http.StatusUnauthorized, status)
}

func TestCloseStopsListening(t *testing.T) {
	t.Parallel()
	m, _ := run(t, filepath.Join(t.TempDir(), "praksis.db"))
	url := m.URL()
	require.NoError(t, m.Close())
	_, err := http.Get(url + "/healthz")
	require.Error(t, err, "the server no longer listens")
	require.NoError(t, m.Close(), "Close twice is harmless")
}

func TestParseConfig(t *testing.T) {
	t.Parallel()
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}

	t.Run("defaults", func(t *testing.T) {
		t.Parallel()
		c, err := ParseConfig(nil, env("XDG_DATA_HOME", "/data"), io.Discard)
		require.NoError(t, err)
		require.Equal(t, "127.0.0.1:8080", c.Addr)
		require.Equal(t, "/data/praksis/praksis.db", c.SQLitePath)
		require.True(t, c.Demo)
		require.False(t, c.DevLogin)
		require.Empty(t, c.PostgresURL)
		require.Equal(t, []string{"idporten-loa-high"}, c.OIDCACRValues)
		require.Equal(t, 8*time.Hour, c.SessionTTL)
	})

	t.Run("environment, then flags", func(t *testing.T) {
		t.Parallel()
		c, err := ParseConfig([]string{"-addr", ":9999"}, env(
			"PRAKSIS_ADDR", ":7777", "PRAKSIS_DEV_LOGIN", "true", "PRAKSIS_DEMO", "false",
			"PRAKSIS_POSTGRES_URL", "postgres://localhost/praksis",
			"PRAKSIS_OIDC_ISSUER", "https://test.idporten.no", "PRAKSIS_OIDC_CLIENT_ID", "c",
			"PRAKSIS_OIDC_REDIRECT_URL", "http://127.0.0.1:8080/auth/callback",
			"PRAKSIS_OIDC_ACR_VALUES", "idporten-loa-substantial, idporten-loa-high",
			"PRAKSIS_LOG_LEVEL", "debug", "PRAKSIS_LOG_FORMAT", "json",
		), io.Discard)
		require.NoError(t, err)
		require.Equal(t, ":9999", c.Addr)
		require.True(t, c.DevLogin)
		require.False(t, c.Demo)
		require.Equal(t, "postgres://localhost/praksis", c.PostgresURL)
		require.Equal(t, []string{"idporten-loa-substantial", "idporten-loa-high"}, c.OIDCACRValues)
		require.Equal(t, "json", c.LogFormat)
	})

	t.Run("bad values are refused, all at once", func(t *testing.T) {
		t.Parallel()
		_, err := ParseConfig(nil, env("PRAKSIS_DEV_LOGIN", "yes please", "PRAKSIS_LOG_LEVEL", "loud",
			"PRAKSIS_OIDC_ISSUER", "https://test.idporten.no"), io.Discard)
		require.Error(t, err)
		for _, want := range []string{"PRAKSIS_DEV_LOGIN", "log level", "client ID"} {
			require.True(t, strings.Contains(err.Error(), want), "%q should mention %s", err, want)
		}
	})
}
