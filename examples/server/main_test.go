package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/examples/demo"
	"github.com/praksis/praksis/examples/server/httpapi"
	"github.com/praksis/praksis/practice"
)

// logRecords is a slog.Handler that keeps every record, so that a test
// checks an attribute's value rather than the text of a log line. Main and
// httpapi add no attributes or groups to their logger, so WithAttrs and
// WithGroup need not keep any.
type logRecords struct {
	mu      sync.Mutex
	records []slog.Record
}

func (h *logRecords) Enabled(context.Context, slog.Level) bool { return true }
func (h *logRecords) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *logRecords) WithGroup(string) slog.Handler            { return h }
func (h *logRecords) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.records = append(h.records, r.Clone())
	return nil
}

// attr returns the value of the attribute key of the first record with
// the message msg, or nil.
func (h *logRecords) attr(msg, key string) any {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, r := range h.records {
		if r.Message != msg {
			continue
		}
		var v any
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == key {
				v = a.Value.Any()
			}
			return v == nil
		})
		return v
	}
	return nil
}

// run starts a Main with the development login on and the store the
// arguments choose; the Main is closed when the test ends, if not before.
func run(t *testing.T, store ...string) (*Main, *logRecords) {
	t.Helper()
	cfg, err := ParseConfig(append([]string{"-addr", "127.0.0.1:0", "-dev-login"}, store...),
		func(string) string { return "" }, io.Discard)
	require.NoError(t, err)
	logs := &logRecords{}
	m := NewMain(cfg, io.Discard)
	m.Logger = slog.New(logs)
	t.Cleanup(func() { _ = m.Close() })
	require.NoError(t, m.Run(t.Context()))
	return m, logs
}

func call(t *testing.T, method, target, token string, body any) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		require.NoError(t, err)
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, target, r)
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
	t.Run("SQLite", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "data", "praksis.db")
		endToEnd(t, "sqlite "+path, "-sqlite", path)
	})
	t.Run("PostgreSQL", func(t *testing.T) {
		t.Parallel()
		endToEnd(t, "postgres", "-postgres", postgresURL(t), "-invite-key-file", filepath.Join(t.TempDir(), "invite.key"))
	})
}

// endToEnd starts a Main on an empty store, works with it, restarts it on
// the same store and checks that the data survived and the demo data was
// not loaded twice. kind is what Main must log as the store it uses.
func endToEnd(t *testing.T, kind string, store ...string) {
	m, logs := run(t, store...)
	require.Equal(t, kind, logs.attr("praksis is running", "store"))
	status, body := call(t, "GET", m.URL()+"/healthz", "", nil)
	require.Equal(t, http.StatusOK, status, string(body))
	require.Equal(t, true, logs.attr("demo data", "loaded"))
	require.ElementsMatch(t, []string{demo.OUSOrgNumber, demo.OsloOrgNumber}, orgNumbers(t, m))

	status, body = call(t, "POST", m.URL()+"/auth/dev-login", "", map[string]string{"email": demo.StudySiteAdmin.Email})
	require.Equal(t, http.StatusOK, status, string(body))
	var login httpapi.DevLoginResponse
	require.NoError(t, json.Unmarshal(body, &login))

	status, body = call(t, "POST", m.URL()+"/api/organisations", login.Token,
		map[string]string{"name": "Brønnøysundregistrene", "orgNumber": "974760673"})
	require.Equal(t, http.StatusCreated, status, string(body))
	require.NoError(t, m.Close())

	// The session died with the server, the data did not.
	m, logs = run(t, store...)
	require.Equal(t, kind, logs.attr("praksis is running", "store"))
	require.Equal(t, false, logs.attr("demo data", "loaded"), "demo data is loaded only once")

	status, body = call(t, "GET", m.URL()+"/api/organisations?orgNumber=974760673", "", nil)
	require.Equal(t, http.StatusOK, status, string(body))
	var orgs struct{ Items []practice.Organisation }
	require.NoError(t, json.Unmarshal(body, &orgs))
	require.Len(t, orgs.Items, 1)
	require.Equal(t, "Brønnøysundregistrene", orgs.Items[0].Name)
	require.ElementsMatch(t, []string{demo.OUSOrgNumber, demo.OsloOrgNumber, "974760673"}, orgNumbers(t, m),
		"the two demo organisations, not four, and the new one")

	status, _ = call(t, "GET", m.URL()+"/api/me", login.Token, nil)
	require.Equal(t, http.StatusUnauthorized, status)
	require.NoError(t, m.Close())
}

// orgNumbers lists the organisation numbers the API answers.
func orgNumbers(t *testing.T, m *Main) []string {
	t.Helper()
	status, body := call(t, "GET", m.URL()+"/api/organisations", "", nil)
	require.Equal(t, http.StatusOK, status, string(body))
	var orgs struct{ Items []practice.Organisation }
	require.NoError(t, json.Unmarshal(body, &orgs))
	var out []string
	for _, o := range orgs.Items {
		out = append(out, o.OrgNumber)
	}
	return out
}

// postgresURL returns a URL of the test server (PRAKSIS_POSTGRES_URL, or
// trust auth for user postgres on 127.0.0.1:5432) whose connections use a
// new schema of their own, dropped when the test ends. If the server cannot
// be reached it fails the test where CI or PRAKSIS_REQUIRE_POSTGRES is set,
// and skips it elsewhere.
func postgresURL(t *testing.T) string {
	t.Helper()
	base := os.Getenv("PRAKSIS_POSTGRES_URL")
	if base == "" {
		base = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	exec := func(sql string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, sql)
		return err
	}
	schema := pgx.Identifier{"praksis_e2e_" + strings.ToLower(rand.Text())}
	if err := exec("CREATE SCHEMA " + schema.Sanitize()); err != nil {
		if os.Getenv("CI") != "" || os.Getenv("PRAKSIS_REQUIRE_POSTGRES") != "" {
			t.Fatalf("PostgreSQL (PRAKSIS_POSTGRES_URL) cannot be used, and CI or PRAKSIS_REQUIRE_POSTGRES requires it: %v", err)
		}
		t.Skipf("PostgreSQL (PRAKSIS_POSTGRES_URL) cannot be used: %v; set PRAKSIS_REQUIRE_POSTGRES=1 to fail instead", err)
	}
	t.Cleanup(func() { require.NoError(t, exec("DROP SCHEMA "+schema.Sanitize()+" CASCADE")) })

	u, err := url.Parse(base)
	if err != nil || u.Scheme == "" { // a keyword/value string: host=... user=...
		return base + " search_path=" + schema[0]
	}
	q := u.Query()
	q.Set("search_path", schema[0]) // pgx sends unknown parameters as run-time parameters
	u.RawQuery = q.Encode()
	return u.String()
}

func TestCheckDevLoginAddress(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		addr          string
		devLogin      bool
		unsafe, allow bool
	}{
		{"127.0.0.1:8080", true, false, true},
		{"[::1]:8080", true, false, true},
		{"0.0.0.0:8080", true, false, false},
		{"[::]:8080", true, false, false},
		{"192.0.2.10:8080", true, false, false},
		{"192.0.2.10:8080", true, true, true},
		{"0.0.0.0:8080", false, false, true},
	} {
		addr, err := net.ResolveTCPAddr("tcp", tc.addr)
		require.NoError(t, err)
		err = Config{DevLogin: tc.devLogin, UnsafeDevLoginOnPublicAddress: tc.unsafe}.CheckDevLoginAddress(addr)
		if tc.allow {
			require.NoError(t, err, tc.addr)
		} else {
			require.ErrorContains(t, err, "-unsafe-dev-login-on-public-address", tc.addr)
		}
	}
}

// TestDevLoginOnlyOnLoopback starts the server with the development login
// on all addresses: it refuses, unless the unsafe flag says so, and then
// warns.
func TestDevLoginOnlyOnLoopback(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "praksis.db")
	cfg, err := ParseConfig([]string{"-addr", "0.0.0.0:0", "-dev-login", "-sqlite", db}, func(string) string { return "" }, io.Discard)
	require.NoError(t, err)
	m := NewMain(cfg, io.Discard)
	t.Cleanup(func() { _ = m.Close() })
	err = m.Run(t.Context())
	require.ErrorContains(t, err, "loopback")
	require.NoError(t, m.Close())
	_, err = os.Stat(db)
	require.ErrorIs(t, err, os.ErrNotExist, "a start refused for its address touches no store")

	cfg.UnsafeDevLoginOnPublicAddress = true
	logs := &logRecords{}
	m = NewMain(cfg, io.Discard)
	m.Logger = slog.New(logs)
	t.Cleanup(func() { _ = m.Close() })
	require.NoError(t, m.Run(t.Context()))
	require.NotNil(t, logs.attr("UNSAFE: -unsafe-dev-login-on-public-address is set: the development login may run on an address other "+
		"machines can reach, and ANYONE WHO REACHES "+m.URL()+" CAN LOG IN AS ANYONE; never do this where real data is", "addr"))
}

func TestCloseStopsListening(t *testing.T) {
	t.Parallel()
	m, _ := run(t, "-sqlite", filepath.Join(t.TempDir(), "praksis.db"))
	base := m.URL()
	require.NoError(t, m.Close())
	_, err := http.Get(base + "/healthz")
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
		c, err := ParseConfig([]string{"-addr", ":9999", "-dev-login=false"}, env(
			"PRAKSIS_ADDR", ":7777", "PRAKSIS_DEV_LOGIN", "true", "PRAKSIS_DEMO", "false",
			"PRAKSIS_POSTGRES_URL", "postgres://localhost/praksis", "PRAKSIS_INVITE_KEY", base64.StdEncoding.EncodeToString(make([]byte, 32)),
			"PRAKSIS_OIDC_ISSUER", "https://test.idporten.no", "PRAKSIS_OIDC_CLIENT_ID", "c",
			"PRAKSIS_OIDC_REDIRECT_URL", "http://127.0.0.1:8080/auth/callback",
			"PRAKSIS_OIDC_ACR_VALUES", "idporten-loa-substantial, idporten-loa-high",
			"PRAKSIS_LOG_LEVEL", "debug", "PRAKSIS_LOG_FORMAT", "json",
		), io.Discard)
		require.NoError(t, err)
		require.Equal(t, ":9999", c.Addr)
		require.False(t, c.DevLogin, "the flag wins over PRAKSIS_DEV_LOGIN")
		require.False(t, c.Demo)
		require.Equal(t, "postgres://localhost/praksis", c.PostgresURL)
		require.Equal(t, make([]byte, 32), c.InviteKey)
		_, err = ParseConfig([]string{"-postgres", "postgres://localhost/praksis"}, env(), io.Discard)
		require.ErrorContains(t, err, "invitation key", "PostgreSQL needs a key shared by every instance")
		require.Equal(t, []string{"idporten-loa-substantial", "idporten-loa-high"}, c.OIDCACRValues)
		require.Equal(t, "json", c.LogFormat)
	})

	t.Run("the login key", func(t *testing.T) {
		t.Parallel()
		key := bytes.Repeat([]byte{9}, 32)
		c, err := ParseConfig(nil, env("PRAKSIS_LOGIN_KEY", base64.StdEncoding.EncodeToString(key)), io.Discard)
		require.NoError(t, err)
		require.Equal(t, key, c.LoginKey)
		c, err = ParseConfig(nil, env(), io.Discard)
		require.NoError(t, err)
		require.Nil(t, c.LoginKey, "random per process")
		_, err = ParseConfig([]string{"-login-key", base64.StdEncoding.EncodeToString(key[:16])}, env(), io.Discard)
		require.ErrorContains(t, err, "32 bytes")
	})

	t.Run("the development login is refused with OpenID Connect", func(t *testing.T) {
		t.Parallel()
		_, err := ParseConfig([]string{"-dev-login"}, env(
			"PRAKSIS_OIDC_ISSUER", "https://test.idporten.no", "PRAKSIS_OIDC_CLIENT_ID", "c",
			"PRAKSIS_OIDC_REDIRECT_URL", "http://127.0.0.1:8080/auth/callback"), io.Discard)
		require.ErrorContains(t, err, "development login cannot be on together with OpenID Connect")
	})

	t.Run("the unsafe flag", func(t *testing.T) {
		t.Parallel()
		c, err := ParseConfig(nil, env("PRAKSIS_UNSAFE_DEV_LOGIN_ON_PUBLIC_ADDRESS", "true"), io.Discard)
		require.NoError(t, err)
		require.True(t, c.UnsafeDevLoginOnPublicAddress)
		c, err = ParseConfig([]string{"-unsafe-dev-login-on-public-address"}, env(), io.Discard)
		require.NoError(t, err)
		require.True(t, c.UnsafeDevLoginOnPublicAddress)
		var usage bytes.Buffer
		_, err = ParseConfig([]string{"-h"}, env("PRAKSIS_LOGIN_KEY", "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXh4eHg=",
			"PRAKSIS_OIDC_CLIENT_SECRET", "s3cret-value"), &usage)
		require.ErrorIs(t, err, flag.ErrHelp)
		for _, name := range []string{"-unsafe-dev-login-on-public-address", "PRAKSIS_UNSAFE_DEV_LOGIN_ON_PUBLIC_ADDRESS", "-login-key", "PRAKSIS_LOGIN_KEY"} {
			require.Contains(t, usage.String(), name)
		}
		require.NotContains(t, usage.String(), "c2VjcmV0", "-h never prints a secret")
		require.NotContains(t, usage.String(), "s3cret-value", "-h never prints a secret")
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
