package httpapi_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/coreos/go-oidc/v3/oidc/oidctest"
	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/examples/demo"
	"github.com/praksis/praksis/examples/server/httpapi"
)

// testProvider is an in-process OpenID Connect provider that behaves as
// ID-porten does for the authorization code flow: discovery and keys come
// from go-oidc's oidctest.Server; /auth and /token are here. /auth logs in
// at once as the person whose pid and acr the test set, and requires
// state, nonce and an S256 code challenge; /token authenticates the client,
// accepts each code once, checks the PKCE verifier and the redirect URI,
// and signs an ID token with the nonce, pid and acr.
type testProvider struct {
	t        testing.TB
	srv      *httptest.Server
	disco    *oidctest.Server
	key      *rsa.PrivateKey
	clientID string
	secret   string

	mu       sync.Mutex
	pid, acr string
	tamper   func(claims map[string]any) // changes the next ID tokens' claims
	codes    map[string]grant
	lastAuth url.Values
}

// grant is what a code was issued for.
type grant struct {
	challenge, nonce, redirectURI, pid, acr string
}

const (
	testClientID = "praksis-test"
	testSecret   = "s3cret"
	testKeyID    = "test-key"
)

var (
	testKeyOnce sync.Once
	testKey     *rsa.PrivateKey
)

func newTestProvider(t testing.TB) *testProvider {
	t.Helper()
	testKeyOnce.Do(func() {
		var err error
		testKey, err = rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
	})
	p := &testProvider{
		t: t, key: testKey, clientID: testClientID, secret: testSecret, codes: map[string]grant{},
		disco: &oidctest.Server{PublicKeys: []oidctest.PublicKey{
			{PublicKey: testKey.Public(), KeyID: testKeyID, Algorithm: oidc.RS256},
		}},
	}
	p.srv = httptest.NewServer(p)
	t.Cleanup(p.srv.Close)
	p.disco.SetIssuer(p.srv.URL)
	return p
}

// as sets whom the next logins log in.
func (p *testProvider) as(pid, acr string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pid, p.acr = pid, acr
}

func (p *testProvider) authRequest() url.Values {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lastAuth
}

func (p *testProvider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/auth":
		p.authorize(w, r)
	case "/token":
		p.token(w, r)
	default:
		p.disco.ServeHTTP(w, r)
	}
}

func (p *testProvider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	for _, k := range []string{"state", "nonce", "code_challenge", "redirect_uri", "acr_values"} {
		if q.Get(k) == "" {
			http.Error(w, "missing "+k, http.StatusBadRequest)
			return
		}
	}
	if q.Get("response_type") != "code" || q.Get("client_id") != p.clientID || q.Get("code_challenge_method") != "S256" ||
		!strings.Contains(q.Get("scope"), "openid") {
		http.Error(w, "bad authorization request", http.StatusBadRequest)
		return
	}
	code := rand.Text()
	p.mu.Lock()
	p.lastAuth = q
	p.codes[code] = grant{challenge: q.Get("code_challenge"), nonce: q.Get("nonce"), redirectURI: q.Get("redirect_uri"), pid: p.pid, acr: p.acr}
	p.mu.Unlock()
	back, _ := url.Parse(q.Get("redirect_uri"))
	back.RawQuery = url.Values{"code": {code}, "state": {q.Get("state")}}.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

func (p *testProvider) token(w http.ResponseWriter, r *http.Request) {
	fail := func(code string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": code})
	}
	if err := r.ParseForm(); err != nil || r.Method != http.MethodPost {
		fail("invalid_request")
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != p.clientID || subtle.ConstantTimeCompare([]byte(secret), []byte(p.secret)) != 1 {
		fail("invalid_client")
		return
	}
	p.mu.Lock()
	g, found := p.codes[r.PostForm.Get("code")]
	delete(p.codes, r.PostForm.Get("code"))
	p.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	if r.PostForm.Get("grant_type") != "authorization_code" || !found ||
		base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge || r.PostForm.Get("redirect_uri") != g.redirectURI {
		fail("invalid_grant")
		return
	}
	now := time.Now()
	c := map[string]any{
		"iss": p.srv.URL, "aud": p.clientID, "sub": "pairwise-" + rand.Text(),
		"iat": now.Unix(), "exp": now.Add(2 * time.Minute).Unix(),
		"nonce": g.nonce, "pid": g.pid, "acr": g.acr, "amr": []string{"BankID"},
	}
	p.mu.Lock()
	if p.tamper != nil {
		p.tamper(c)
	}
	p.mu.Unlock()
	claims, err := json.Marshal(c)
	require.NoError(p.t, err)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"access_token": rand.Text(), "token_type": "Bearer", "expires_in": 120,
		"id_token": oidctest.SignIDToken(p.key, testKeyID, oidc.RS256, string(claims)),
	})
}

func setupOIDC(t *testing.T, acr ...string) (*testBundle, *testProvider) {
	t.Helper()
	p := newTestProvider(t)
	b := setup(t, func(c *httpapi.Config) {
		c.DevLogin = false
		c.OIDC = &httpapi.OIDCConfig{IssuerURL: p.srv.URL, ClientID: p.clientID, ClientSecret: p.secret, AcceptedACR: acr}
	})
	return b, p
}

// noFollow returns a browser of b that does not follow redirects.
func noFollow(b *testBundle) *http.Client {
	c := b.browser()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

// startLogin starts a login with browser c, which does not follow
// redirects, lets the provider log in, and returns the callback URL the
// provider sent the browser to.
func startLogin(t *testing.T, b *testBundle, c *http.Client) string {
	t.Helper()
	res := b.doWith(c, "GET", b.url+"/auth/login", "", nil)
	require.Equal(t, http.StatusFound, res.status)
	res = b.doWith(c, "GET", res.header.Get("Location"), "", nil)
	require.Equal(t, http.StatusFound, res.status)
	callback := res.header.Get("Location")
	require.True(t, strings.HasPrefix(callback, b.url+"/auth/callback?"))
	return callback
}

// loginCookie returns the login cookie browser c holds for b.
func loginCookie(t *testing.T, b *testBundle, c *http.Client) *http.Cookie {
	t.Helper()
	u, err := url.Parse(b.url + "/auth/callback")
	require.NoError(t, err)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == httpapi.LoginCookie {
			return ck
		}
	}
	t.Fatal("the browser holds no login cookie")
	return nil
}

// callWithCookie calls a callback URL with a login cookie of the test's
// choosing, and no other.
func callWithCookie(t *testing.T, b *testBundle, callback string, cookie *http.Cookie) response {
	t.Helper()
	req, err := http.NewRequest("GET", callback, nil)
	require.NoError(t, err)
	if cookie != nil {
		req.AddCookie(cookie)
	}
	c := *b.client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return b.send(&c, req, nil)
}

func TestOIDCLogin(t *testing.T) {
	t.Parallel()
	b, p := setupOIDC(t)
	p.as(demo.OUSAdmin.NationalID, "idporten-loa-high")
	browser := b.browser()

	// Follow every redirect: /auth/login → provider → /auth/callback → /api/me.
	res := b.doWith(browser, "GET", b.url+"/auth/login?returnTo=/api/me", "", nil)
	me := ok[httpapi.MeResponse](t, res, http.StatusOK)
	require.Equal(t, demo.OUSAdmin.Email, me.Person.Email)
	require.Len(t, me.Memberships, 1)

	auth := p.authRequest()
	require.Equal(t, "S256", auth.Get("code_challenge_method"))
	require.Len(t, auth.Get("code_challenge"), 43)
	require.NotEmpty(t, auth.Get("nonce"))
	require.Equal(t, "idporten-loa-high", auth.Get("acr_values"))
	require.Equal(t, b.url+"/auth/callback", auth.Get("redirect_uri"))

	u, err := url.Parse(b.url)
	require.NoError(t, err)
	var session *http.Cookie
	for _, c := range browser.Jar.Cookies(u) {
		if c.Name == httpapi.SessionCookie {
			session = c
		}
	}
	require.NotNil(t, session, "the login set a session cookie")
	// The session cookie's value also works as a bearer token.
	ok[httpapi.MeResponse](t, b.do("GET", "/api/me", session.Value, nil), http.StatusOK)

	require.NotContains(t, b.logs.String(), demo.OUSAdmin.NationalID)
}

func TestOIDCLoginStateIsInTheCookie(t *testing.T) {
	t.Parallel()

	t.Run("the cookie is sealed and holds no state in clear", func(t *testing.T) {
		t.Parallel()
		b, p := setupOIDC(t)
		p.as(demo.OUSAdmin.NationalID, "idporten-loa-high")
		c := noFollow(b)
		res := b.doWith(c, "GET", b.url+"/auth/login?returnTo=/api/organisations", "", nil)
		require.Equal(t, http.StatusFound, res.status)
		to, err := url.Parse(res.header.Get("Location"))
		require.NoError(t, err)
		cookie, err := http.ParseSetCookie(res.header.Get("Set-Cookie"))
		require.NoError(t, err)
		require.Equal(t, httpapi.LoginCookie, cookie.Name)
		require.True(t, cookie.HttpOnly)
		require.Equal(t, http.SameSiteLaxMode, cookie.SameSite)
		require.Equal(t, int(httpapi.LoginTTL/time.Second), cookie.MaxAge)
		require.Equal(t, "/auth/", cookie.Path)
		for _, secret := range []string{to.Query().Get("state"), to.Query().Get("nonce"), "/api/organisations"} {
			require.NotContains(t, cookie.Value, secret)
		}
	})

	t.Run("after 10,100 logins started a login still succeeds", func(t *testing.T) {
		t.Parallel()
		b, p := setupOIDC(t)
		p.as(demo.OUSAdmin.NationalID, "idporten-loa-high")
		// Straight to the handler, as fast as a client can.
		fast := *b
		inProcess(&fast)
		for range 10_100 {
			res := fast.do("GET", "/auth/login", "", nil)
			require.Equal(t, http.StatusFound, res.status)
		}
		me := ok[httpapi.MeResponse](t, b.doWith(b.browser(), "GET", b.url+"/auth/login", "", nil), http.StatusOK)
		require.Equal(t, demo.OUSAdmin.Email, me.Person.Email)
	})

	t.Run("callbacks the provider refuses leave nothing on the server", func(t *testing.T) {
		t.Parallel()
		b, p := setupOIDC(t)
		p.as(demo.OUSAdmin.NationalID, "idporten-loa-high")
		for range 50 {
			c := noFollow(b)
			callback := startLogin(t, b, c)
			u, err := url.Parse(callback)
			require.NoError(t, err)
			q := u.Query()
			q.Set("code", "forged")
			u.RawQuery = q.Encode()
			problem(t, callWithCookie(t, b, u.String(), loginCookie(t, b, c)), http.StatusUnauthorized)
		}
		require.Zero(t, httpapi.RememberedLogins(b.api), "only logins the provider vouched for are remembered")
		ok[httpapi.MeResponse](t, b.doWith(b.browser(), "GET", b.url+"/auth/login", "", nil), http.StatusOK)
		require.Equal(t, 1, httpapi.RememberedLogins(b.api))
	})

	t.Run("a login started on one instance ends on another with the same key", func(t *testing.T) {
		t.Parallel()
		p := newTestProvider(t)
		p.as(demo.OUSAdmin.NationalID, "idporten-loa-high")
		key := bytes.Repeat([]byte{7}, httpapi.LoginKeySize)
		instance := func(redirectURL string) *testBundle {
			return setup(t, func(c *httpapi.Config) {
				c.DevLogin, c.LoginKey = false, key
				c.OIDC = &httpapi.OIDCConfig{IssuerURL: p.srv.URL, ClientID: p.clientID, ClientSecret: p.secret, RedirectURL: redirectURL}
			})
		}
		one := instance("")
		two := instance(one.url + "/auth/callback") // both answer at one address
		c := noFollow(one)
		callbackURL := startLogin(t, one, c)
		cookie := loginCookie(t, one, c)
		// The provider was told to return to the first instance; hand its
		// answer to the second, as a load balancer would.
		res := callWithCookie(t, two, strings.Replace(callbackURL, one.url, two.url, 1), cookie)
		require.Equal(t, http.StatusSeeOther, res.status, string(res.body))
	})

	refused := func(t *testing.T, res response, detail string) {
		t.Helper()
		p := problem(t, res, http.StatusBadRequest)
		require.Contains(t, p.Detail, detail)
		require.Contains(t, p.Detail, "start again at /auth/login")
		require.Contains(t, res.header.Get("Set-Cookie"), httpapi.LoginCookie+"=;", "the login cookie is cleared")
	}

	t.Run("a tampered cookie is refused", func(t *testing.T) {
		t.Parallel()
		b, p := setupOIDC(t)
		p.as(demo.OUSAdmin.NationalID, "idporten-loa-high")
		c := noFollow(b)
		callback := startLogin(t, b, c)
		cookie := loginCookie(t, b, c)
		raw, err := base64.RawURLEncoding.DecodeString(cookie.Value)
		require.NoError(t, err)
		raw[len(raw)/2] ^= 1
		tampered := *cookie
		tampered.Value = base64.RawURLEncoding.EncodeToString(raw)
		refused(t, callWithCookie(t, b, callback, &tampered), "not valid here")
		garbage := *cookie
		garbage.Value = "not-base64!"
		refused(t, callWithCookie(t, b, callback, &garbage), "not valid here")
		// The untouched cookie still works.
		require.Equal(t, http.StatusSeeOther, callWithCookie(t, b, callback, cookie).status)
	})

	t.Run("a cookie of another server is refused", func(t *testing.T) {
		t.Parallel()
		b, p := setupOIDC(t)
		p.as(demo.OUSAdmin.NationalID, "idporten-loa-high")
		other, _ := setupOIDC(t)
		c := noFollow(b)
		callback := startLogin(t, b, c)
		refused(t, callWithCookie(t, other, strings.Replace(callback, b.url, other.url, 1), loginCookie(t, b, c)), "made by another server")
	})

	t.Run("an expired login is refused", func(t *testing.T) {
		t.Parallel()
		var now atomic.Int64
		now.Store(time.Now().UnixNano())
		p := newTestProvider(t)
		p.as(demo.OUSAdmin.NationalID, "idporten-loa-high")
		b := setup(t, func(c *httpapi.Config) {
			c.DevLogin = false
			c.Now = func() time.Time { return time.Unix(0, now.Load()) }
			c.OIDC = &httpapi.OIDCConfig{IssuerURL: p.srv.URL, ClientID: p.clientID, ClientSecret: p.secret}
		})
		c := noFollow(b)
		callback := startLogin(t, b, c)
		now.Add(int64(httpapi.LoginTTL))
		refused(t, callWithCookie(t, b, callback, loginCookie(t, b, c)), "has expired")
	})

	t.Run("a callback without the cookie is refused", func(t *testing.T) {
		t.Parallel()
		b, p := setupOIDC(t)
		p.as(demo.OUSAdmin.NationalID, "idporten-loa-high")
		callback := startLogin(t, b, noFollow(b))
		refused(t, callWithCookie(t, b, callback, nil), "not started in this browser")
	})

	t.Run("a cookie of another login is refused", func(t *testing.T) {
		t.Parallel()
		b, p := setupOIDC(t)
		p.as(demo.OUSAdmin.NationalID, "idporten-loa-high")
		first, second := noFollow(b), noFollow(b)
		callback := startLogin(t, b, first)
		startLogin(t, b, second)
		refused(t, callWithCookie(t, b, callback, loginCookie(t, b, second)), "state")
	})

	t.Run("a used callback cannot be replayed", func(t *testing.T) {
		t.Parallel()
		b, p := setupOIDC(t)
		p.as(demo.OUSAdmin.NationalID, "idporten-loa-high")
		c := noFollow(b)
		callback := startLogin(t, b, c)
		cookie := loginCookie(t, b, c)
		res := b.doWith(c, "GET", callback, "", nil)
		require.Equal(t, http.StatusSeeOther, res.status)
		require.Equal(t, "/api/me", res.header.Get("Location"))
		// The browser dropped the login cookie; a replay with the same
		// cookie is refused too.
		refused(t, b.doWith(c, "GET", callback, "", nil), "not started in this browser")
		refused(t, callWithCookie(t, b, callback, cookie), "completed already")
	})
}

func TestOIDCLoginRefused(t *testing.T) {
	t.Parallel()

	t.Run("a login level not accepted", func(t *testing.T) {
		t.Parallel()
		b, p := setupOIDC(t)
		p.as(demo.OUSAdmin.NationalID, "idporten-loa-substantial")
		res := b.doWith(b.browser(), "GET", b.url+"/auth/login", "", nil)
		pr := problem(t, res, http.StatusForbidden)
		require.Contains(t, pr.Detail, "idporten-loa-substantial")
	})

	t.Run("an accepted lower level when configured", func(t *testing.T) {
		t.Parallel()
		b, p := setupOIDC(t, "idporten-loa-substantial", "idporten-loa-high")
		p.as(demo.OUSAdmin.NationalID, "idporten-loa-substantial")
		ok[httpapi.MeResponse](t, b.doWith(b.browser(), "GET", b.url+"/auth/login", "", nil), http.StatusOK)
		require.Equal(t, "idporten-loa-substantial idporten-loa-high", p.authRequest().Get("acr_values"))
	})

	t.Run("a person praksis does not know", func(t *testing.T) {
		t.Parallel()
		b, p := setupOIDC(t)
		p.as(strangerNID, "idporten-loa-high")
		browser := b.browser()
		res := b.doWith(browser, "GET", b.url+"/auth/login", "", nil)
		pr := problem(t, res, http.StatusForbidden)
		require.Contains(t, pr.Detail, "not a user of praksis")
		require.NotContains(t, string(res.body), strangerNID)
		require.NotContains(t, b.logs.String(), strangerNID)
		problem(t, b.doWith(browser, "GET", b.url+"/api/me", "", nil), http.StatusUnauthorized)
	})

	t.Run("no valid pid", func(t *testing.T) {
		t.Parallel()
		b, p := setupOIDC(t)
		p.as("12345678901", "idporten-loa-high")
		problem(t, b.doWith(b.browser(), "GET", b.url+"/auth/login", "", nil), http.StatusForbidden)
	})

	t.Run("a callback this browser did not start", func(t *testing.T) {
		t.Parallel()
		b, p := setupOIDC(t)
		p.as(demo.OUSAdmin.NationalID, "idporten-loa-high")
		c := noFollow(b)
		callback := startLogin(t, b, c)
		problem(t, b.doWith(b.browser(), "GET", callback, "", nil), http.StatusBadRequest)
		// The right browser still completes it, once.
		res := b.doWith(c, "GET", callback, "", nil)
		require.Equal(t, http.StatusSeeOther, res.status)
		require.Equal(t, "/api/me", res.header.Get("Location"))
		problem(t, b.doWith(c, "GET", callback, "", nil), http.StatusBadRequest)
	})

	for name, tc := range map[string]struct {
		tamper func(map[string]any)
		detail string
	}{
		"an ID token for another login (nonce)": {func(c map[string]any) { c["nonce"] = "replayed" }, "nonce"},
		"an ID token for another client":        {func(c map[string]any) { c["aud"] = "someone-else" }, "not valid"},
		"an expired ID token":                   {func(c map[string]any) { c["exp"] = time.Now().Add(-time.Hour).Unix() }, "not valid"},
		"an ID token from another issuer":       {func(c map[string]any) { c["iss"] = "https://evil.example.org" }, "not valid"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b, p := setupOIDC(t)
			p.as(demo.OUSAdmin.NationalID, "idporten-loa-high")
			p.mu.Lock()
			p.tamper = tc.tamper
			p.mu.Unlock()
			browser := b.browser()
			pr := problem(t, b.doWith(browser, "GET", b.url+"/auth/login", "", nil), http.StatusUnauthorized)
			require.Contains(t, pr.Detail, tc.detail)
			problem(t, b.doWith(browser, "GET", b.url+"/api/me", "", nil), http.StatusUnauthorized)
		})
	}

	t.Run("the provider reports an error", func(t *testing.T) {
		t.Parallel()
		b, _ := setupOIDC(t)
		p := problem(t, b.do("GET", "/auth/callback?error=access_denied&state=x", "", nil), http.StatusUnauthorized)
		require.Contains(t, p.Detail, "(access_denied)")
		for _, bad := range []string{strangerNID, "128978 10032", "12897810032abc", "access denied", "<script>", strings.Repeat("a", 41)} {
			res := b.do("GET", "/auth/callback?"+url.Values{"error": {bad}, "state": {"x"}}.Encode(), "", nil)
			p := problem(t, res, http.StatusUnauthorized)
			require.NotContains(t, p.Detail, "(", "only a plain error code is repeated")
			require.NotContains(t, string(res.body), bad)
		}
		require.NotContains(t, b.logs.String(), strangerNID)
		require.NotContains(t, b.logs.String(), "128978 10032")
	})

	t.Run("returnTo stays on this server", func(t *testing.T) {
		t.Parallel()
		b, p := setupOIDC(t)
		p.as(demo.OUSAdmin.NationalID, "idporten-loa-high")
		for _, returnTo := range []string{"//evil.example.org/x", "https://evil.example.org/", "/\\evil.example.org", "/" + strings.Repeat("x", 600)} {
			browser := b.browser()
			var last *url.URL
			browser.CheckRedirect = func(r *http.Request, _ []*http.Request) error { last = r.URL; return nil }
			res := b.doWith(browser, "GET", b.url+"/auth/login?"+url.Values{"returnTo": {returnTo}}.Encode(), "", nil)
			require.Equal(t, http.StatusOK, res.status)
			require.Equal(t, "/api/me", last.Path, returnTo)
			require.Equal(t, strings.TrimPrefix(b.url, "http://"), last.Host)
		}
	})
}
