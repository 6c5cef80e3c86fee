package httpapi

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/praksis/praksis/practice"
)

// DefaultACR is the login level accepted when OIDCConfig.AcceptedACR is
// empty: ID-porten's high level of assurance.
const DefaultACR = "idporten-loa-high"

// LoginCookie is the name of the short-lived cookie that binds an OpenID
// Connect login to the browser that started it.
const LoginCookie = "praksis_login"

const (
	loginFlowTTL  = 10 * time.Minute
	maxLoginFlows = 10_000
)

// OIDCConfig configures the OpenID Connect login, as with ID-porten.
type OIDCConfig struct {
	// IssuerURL is the provider's issuer; its discovery document is read
	// from IssuerURL + "/.well-known/openid-configuration".
	IssuerURL string
	// ClientID and ClientSecret are the client's registration.
	ClientID     string
	ClientSecret string
	// RedirectURL is this server's /auth/callback as registered.
	RedirectURL string
	// AcceptedACR are the login levels (acr values) accepted, the preferred
	// first; they are sent as acr_values (default [DefaultACR]).
	AcceptedACR []string
	// Scopes requested (default "openid", "profile").
	Scopes []string
	// HTTPClient calls the provider (default http.DefaultClient).
	HTTPClient *http.Client
}

// oidcLogin runs the authorization code flow with state, nonce and PKCE.
// The pending logins are kept in memory by state for ten minutes.
type oidcLogin struct {
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
	acr      []string
	client   *http.Client
	now      func() time.Time

	mu    sync.Mutex
	flows map[string]loginFlow // by state
}

// loginFlow is what a login keeps between /auth/login and /auth/callback.
type loginFlow struct {
	nonce    string
	verifier string // the PKCE code verifier
	returnTo string
	expires  time.Time
}

func newOIDCLogin(ctx context.Context, cfg OIDCConfig, now func() time.Time) (*oidcLogin, error) {
	if cfg.IssuerURL == "" || cfg.ClientID == "" || cfg.RedirectURL == "" {
		return nil, errors.New("oidc: the issuer URL, client ID and redirect URL are required")
	}
	o := &oidcLogin{acr: cfg.AcceptedACR, client: cfg.HTTPClient, now: now, flows: map[string]loginFlow{}}
	if len(o.acr) == 0 {
		o.acr = []string{DefaultACR}
	}
	scopes := cfg.Scopes
	if len(scopes) == 0 {
		scopes = []string{oidc.ScopeOpenID, "profile"}
	}
	provider, err := oidc.NewProvider(o.context(ctx), cfg.IssuerURL)
	if err != nil {
		return nil, fmt.Errorf("oidc: discover %s: %w", cfg.IssuerURL, err)
	}
	o.oauth = oauth2.Config{
		ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, RedirectURL: cfg.RedirectURL,
		Endpoint: provider.Endpoint(), Scopes: scopes,
	}
	o.verifier = provider.Verifier(&oidc.Config{ClientID: cfg.ClientID, Now: now})
	return o, nil
}

// context returns ctx carrying the HTTP client for go-oidc and x/oauth2.
func (o *oidcLogin) context(ctx context.Context) context.Context {
	if o.client == nil {
		return ctx
	}
	return context.WithValue(oidc.ClientContext(ctx, o.client), oauth2.HTTPClient, o.client)
}

// start records a new login and returns its state.
func (o *oidcLogin) start(f loginFlow) (string, error) {
	state := randomToken(32)
	now := o.now()
	o.mu.Lock()
	defer o.mu.Unlock()
	for k, v := range o.flows {
		if !now.Before(v.expires) {
			delete(o.flows, k)
		}
	}
	if len(o.flows) >= maxLoginFlows {
		return "", newProblem(http.StatusServiceUnavailable, typeUnavailable, "too many logins are under way; try again shortly")
	}
	f.expires = now.Add(loginFlowTTL)
	o.flows[state] = f
	return state, nil
}

// take returns and forgets the login of a state, if it is still live.
func (o *oidcLogin) take(state string) (loginFlow, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	f, ok := o.flows[state]
	delete(o.flows, state)
	return f, ok && o.now().Before(f.expires)
}

// safeReturn returns p if it is a path on this server, else "/api/me".
func safeReturn(p string) string {
	u, err := url.Parse(p)
	if err != nil || p == "" || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") ||
		strings.HasPrefix(p, "/\\") || u.Scheme != "" || u.Host != "" {
		return "/api/me"
	}
	return p
}

// login starts an OpenID Connect login: it redirects to the provider with
// state, nonce, a PKCE S256 challenge and acr_values, and binds the login
// to the browser with a short-lived cookie holding the state.
func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	o := s.oidc
	f := loginFlow{nonce: randomToken(32), verifier: oauth2.GenerateVerifier(), returnTo: safeReturn(r.URL.Query().Get("returnTo"))}
	state, err := o.start(f)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name: LoginCookie, Value: state, Path: "/auth/", MaxAge: int(loginFlowTTL / time.Second),
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode,
	})
	u := o.oauth.AuthCodeURL(state, oidc.Nonce(f.nonce), oauth2.S256ChallengeOption(f.verifier),
		oauth2.SetAuthURLParam("acr_values", strings.Join(o.acr, " ")))
	http.Redirect(w, r, u, http.StatusFound)
	return nil
}

// idClaims are the claims of an ID-porten ID token that praksis reads.
type idClaims struct {
	// PID is the national identity number.
	PID string `json:"pid"`
	// ACR is the login level.
	ACR string `json:"acr"`
}

// callback completes a login: it checks the state against the browser's
// cookie, exchanges the code with the PKCE verifier, verifies the ID token
// (signature, issuer, audience, expiry) and its nonce and acr, finds the
// person by the pid claim, and starts a session.
func (s *Server) callback(w http.ResponseWriter, r *http.Request) error {
	o := s.oidc
	q := r.URL.Query()
	s.clearCookie(w, LoginCookie, "/auth/")
	if e := q.Get("error"); e != "" {
		return newProblem(http.StatusUnauthorized, typeUnauthenticated,
			"the identity provider did not log you in (%.100s); start again at /auth/login", e)
	}
	state := q.Get("state")
	c, err := r.Cookie(LoginCookie)
	if err != nil || state == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(state)) != 1 {
		return newProblem(http.StatusBadRequest, typeBadRequest,
			"this login was not started in this browser, or it has expired; start again at /auth/login")
	}
	f, ok := o.take(state)
	if !ok {
		return newProblem(http.StatusBadRequest, typeBadRequest, "this login has expired; start again at /auth/login")
	}
	code := q.Get("code")
	if code == "" {
		return newProblem(http.StatusBadRequest, typeBadRequest, "the callback has no code")
	}

	ctx := o.context(r.Context())
	tok, err := o.oauth.Exchange(ctx, code, oauth2.VerifierOption(f.verifier))
	if err != nil {
		s.log.WarnContext(ctx, "login: code exchange failed", slog.Any("error", err))
		return newProblem(http.StatusUnauthorized, typeUnauthenticated, "the identity provider did not accept the login code")
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return newProblem(http.StatusUnauthorized, typeUnauthenticated, "the identity provider sent no ID token")
	}
	idt, err := o.verifier.Verify(ctx, raw)
	if err != nil {
		s.log.WarnContext(ctx, "login: ID token rejected", slog.Any("error", err))
		return newProblem(http.StatusUnauthorized, typeUnauthenticated, "the ID token is not valid")
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(f.nonce)) != 1 {
		return newProblem(http.StatusUnauthorized, typeUnauthenticated, "the ID token was not issued for this login (nonce)")
	}
	var claims idClaims
	if err := idt.Claims(&claims); err != nil {
		return newProblem(http.StatusUnauthorized, typeUnauthenticated, "the ID token's claims cannot be read")
	}
	if !slices.Contains(o.acr, claims.ACR) {
		return newProblem(http.StatusForbidden, typeForbidden,
			"the login level %q is not accepted here; log in with %s", claims.ACR, strings.Join(o.acr, " or "))
	}
	n, err := practice.ParseNationalID(claims.PID)
	if err != nil {
		return newProblem(http.StatusForbidden, typeForbidden,
			"the identity provider sent no valid national identity number (pid)")
	}
	a, err := s.svc.ActorByNationalID(r.Context(), n)
	if errors.Is(err, practice.ErrNotFound) {
		s.log.InfoContext(ctx, "login refused: no person has the national identity number", slog.String("sub", idt.Subject))
		return newProblem(http.StatusForbidden, typeForbidden,
			"you are not a user of praksis; ask your site administrator for an invitation")
	}
	if err != nil {
		return err
	}
	s.startSession(w, r, a.PersonID)
	http.Redirect(w, r, f.returnTo, http.StatusSeeOther)
	return nil
}

// startSession starts a session for a person and sends its cookie. A
// session the request came with is ended first, so a login always gets a
// fresh token.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, personID practice.ID) (string, time.Time) {
	if old, _ := r.Context().Value(tokenKey{}).(string); old != "" {
		s.sessions.end(old)
	}
	token, expires := s.sessions.create(personID)
	s.setSessionCookie(w, token, expires)
	s.log.InfoContext(r.Context(), "login", slog.String("personId", personID.String()), slog.String("requestId", requestID(r.Context())))
	return token, expires
}

// logout ends the request's session and clears the cookie.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if token, _ := r.Context().Value(tokenKey{}).(string); token != "" {
		s.sessions.end(token)
	}
	s.clearCookie(w, SessionCookie, "/")
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// DevLoginRequest is the body of POST /auth/dev-login: exactly one of
// Email and PersonID.
type DevLoginRequest struct {
	Email    string      `json:"email,omitempty"`
	PersonID practice.ID `json:"personId,omitzero"`
}

// DevLoginResponse is the answer of POST /auth/dev-login. The token also
// works as "Authorization: Bearer <token>".
type DevLoginResponse struct {
	Token     string      `json:"token"`
	ExpiresAt time.Time   `json:"expiresAt"`
	PersonID  practice.ID `json:"personId"`
}

// devLoginHandler logs in as anyone, without a password: for development
// only, and routed only when enabled.
func (s *Server) devLoginHandler(w http.ResponseWriter, r *http.Request) error {
	var in DevLoginRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	in.Email = strings.ToLower(strings.TrimSpace(in.Email))
	if (in.Email == "") == (in.PersonID == practice.NilID) {
		return &practice.ValidationError{Fields: []practice.FieldError{
			{Field: "email", Rule: "required_without", Message: "give either email or personId"},
			{Field: "personId", Rule: "required_without", Message: "give either email or personId"},
		}}
	}
	id := in.PersonID
	if in.Email != "" {
		people, err := s.people.People(r.Context(), practice.PeopleFilter{Email: in.Email})
		if err != nil {
			return err
		}
		if len(people) == 0 {
			return newProblem(http.StatusNotFound, typeNotFound, "nobody has that e-mail")
		}
		id = people[0].ID
	}
	a, err := s.svc.Actor(r.Context(), id)
	if errors.Is(err, practice.ErrNotFound) {
		return newProblem(http.StatusNotFound, typeNotFound, "there is no person %s", id)
	}
	if err != nil {
		return err
	}
	token, expires := s.startSession(w, r, a.PersonID)
	return writeJSON(w, http.StatusOK, DevLoginResponse{Token: token, ExpiresAt: expires, PersonID: a.PersonID})
}
