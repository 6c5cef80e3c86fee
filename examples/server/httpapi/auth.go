package httpapi

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/praksis/praksis/invite"
	"github.com/praksis/praksis/practice"
)

// DefaultACR is the login level accepted when OIDCConfig.AcceptedACR is
// empty: ID-porten's high level of assurance.
const DefaultACR = "idporten-loa-high"

// LoginCookie is the name of the short-lived cookie that carries an OpenID
// Connect login between /auth/login (or /auth/invitation/{token}) and
// /auth/callback: its state, nonce, PKCE verifier, return path, expiry and
// the token of the invitation it accepts, if any, encrypted and
// authenticated with Config.LoginKey (AES-256-GCM).
const LoginCookie = "praksis_login"

// LoginTTL is how long an OpenID Connect login may take, from /auth/login
// to /auth/callback.
const LoginTTL = 10 * time.Minute

// maxReturnTo bounds the return path a login keeps, and so the cookie.
const maxReturnTo = 512

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
// The server keeps nothing of a login under way: the browser keeps it, in
// the sealed login cookie. Only the logins completed in the last LoginTTL
// are remembered, so that a callback cannot be replayed.
type oidcLogin struct {
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
	acr      []string
	client   *http.Client
	now      func() time.Time
	aead     cipher.AEAD

	mu    sync.Mutex
	used  map[[sha256.Size]byte]time.Time // completed logins by state, until they expire
	swept time.Time                       // when used was last swept of expired logins
}

// loginState is what a login keeps in its cookie.
type loginState struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"` // the PKCE code verifier
	ReturnTo string `json:"r"`
	Expires  int64  `json:"e"` // Unix seconds
	// Invitation is the token of the invitation the login accepts, or
	// empty for a plain login. It is a secret: it travels only sealed.
	Invitation string `json:"i,omitempty"`
}

// tokenPattern is the form of an invitation link's token: 32 random bytes
// in base64url without padding. The tags of InvitationToken and
// DevAcceptRequest spell it out, with its length.
const tokenPattern = `^[A-Za-z0-9_-]{43}$`

// InvitationToken is the parameter {token} of an invitation's link. A token
// not in its form names nothing: 404, before anything else is done.
type InvitationToken struct {
	Token string `path:"token" minLength:"43" maxLength:"43" pattern:"^[A-Za-z0-9_-]{43}$" doc:"The secret token of the invitation's link: 43 characters of base64url."`
}

func newOIDCLogin(ctx context.Context, cfg OIDCConfig, key []byte, now func() time.Time) (*oidcLogin, error) {
	if cfg.IssuerURL == "" || cfg.ClientID == "" || cfg.RedirectURL == "" {
		return nil, errors.New("oidc: the issuer URL, client ID and redirect URL are required")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("oidc: login key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("oidc: login key: %w", err)
	}
	o := &oidcLogin{acr: cfg.AcceptedACR, client: cfg.HTTPClient, now: now, aead: aead, used: map[[sha256.Size]byte]time.Time{}}
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

// seal encrypts and authenticates a login's state for its cookie.
func (o *oidcLogin) seal(st loginState) string {
	plain, _ := json.Marshal(st) // strings and an int always marshal
	nonce := make([]byte, o.aead.NonceSize())
	_, _ = rand.Read(nonce) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(o.aead.Seal(nonce, nonce, plain, []byte(LoginCookie)))
}

// The problems of a login cookie that does not fit the callback.
var (
	errNoLoginCookie = newProblem(typeBadRequest,
		"this login was not started in this browser, or its cookie has expired; start again at /auth/login")
	errBadLoginCookie = newProblem(typeBadRequest,
		"the login cookie is not valid here: it was changed, or made by another server; start again at /auth/login")
	errExpiredLogin = newProblem(typeBadRequest,
		"this login has expired: a login must end within 10 minutes of its start; start again at /auth/login")
	errStateMismatch = newProblem(typeBadRequest,
		"the callback's state is not the state of this browser's login; start again at /auth/login")
	errLoginUsed = newProblem(typeBadRequest,
		"this login was completed already; start again at /auth/login")
)

// open returns the state sealed in a login cookie, if this server sealed
// it, nobody changed it and it has not expired.
func (o *oidcLogin) open(cookie string) (loginState, error) {
	if cookie == "" {
		return loginState{}, errNoLoginCookie
	}
	raw, err := base64.RawURLEncoding.DecodeString(cookie)
	if err != nil || len(raw) < o.aead.NonceSize() {
		return loginState{}, errBadLoginCookie
	}
	n := o.aead.NonceSize()
	plain, err := o.aead.Open(nil, raw[:n], raw[n:], []byte(LoginCookie))
	if err != nil {
		return loginState{}, errBadLoginCookie
	}
	var st loginState
	if err := json.Unmarshal(plain, &st); err != nil || st.State == "" {
		return loginState{}, errBadLoginCookie
	}
	if !o.now().Before(time.Unix(st.Expires, 0)) {
		return loginState{}, errExpiredLogin
	}
	return st, nil
}

// wasUsed reports whether the login of a state was completed before.
func (o *oidcLogin) wasUsed(st loginState) bool {
	key := sha256.Sum256([]byte(st.State))
	o.mu.Lock()
	defer o.mu.Unlock()
	until, ok := o.used[key]
	return ok && o.now().Before(until)
}

// complete records that the login of a state was completed, and refuses
// one completed before. It is called only once the provider has answered
// with a verified ID token for the login, so only real logins are
// recorded, not whatever callbacks anyone sends; a record is dropped when
// its login would have expired anyway, in a sweep at most once a minute.
func (o *oidcLogin) complete(st loginState) error {
	key := sha256.Sum256([]byte(st.State))
	now := o.now()
	o.mu.Lock()
	defer o.mu.Unlock()
	if now.Sub(o.swept) >= time.Minute {
		for k, until := range o.used {
			if !now.Before(until) {
				delete(o.used, k)
			}
		}
		o.swept = now
	}
	if until, ok := o.used[key]; ok && now.Before(until) {
		return errLoginUsed
	}
	o.used[key] = time.Unix(st.Expires, 0)
	return nil
}

// safeReturn returns p if it is a path on this server, else "/api/me".
func safeReturn(p string) string {
	u, err := url.Parse(p)
	if err != nil || p == "" || len(p) > maxReturnTo || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") ||
		strings.HasPrefix(p, "/\\") || u.Scheme != "" || u.Host != "" {
		return "/api/me"
	}
	return p
}

// oauthErrorCode matches an OAuth 2.0 error code such as access_denied:
// the only text of the provider's error parameter a problem repeats.
var oauthErrorCode = regexp.MustCompile(`^[a-z_]{1,40}$`)

// acrValue matches a plain login level such as idporten-loa-high, which a
// problem may repeat.
var acrValue = regexp.MustCompile(`^[a-z][a-z0-9_.:-]{0,63}$`)

// idClaims are the claims of an ID-porten ID token that praksis reads.
type idClaims struct {
	// PID is the national identity number.
	PID string `json:"pid"`
	// ACR is the login level.
	ACR string `json:"acr"`
}

// redirect is the answer of a login step: where to go, and cookies.
type redirect struct {
	Location  string        `header:"Location" doc:"Where the browser goes next."`
	SetCookie []http.Cookie `header:"Set-Cookie" doc:"The login cookie, or the session cookie."`
}

// DevLoginRequest is the body of POST /auth/dev-login: exactly one of
// Email and PersonID.
type DevLoginRequest struct {
	Email    string      `json:"email,omitempty" doc:"The e-mail address of the person to log in as."`
	PersonID practice.ID `json:"personId,omitzero" doc:"The ID of the person to log in as."`
}

// DevAcceptRequest is the body of POST /auth/dev-accept: an invitation's
// token, and the national identity number a login through ID-porten would
// have proved.
type DevAcceptRequest struct {
	Token      string              `json:"token" minLength:"43" maxLength:"43" pattern:"^[A-Za-z0-9_-]{43}$" doc:"The token of the invitation's link: the last part of /auth/invitation/{token}."`
	NationalID practice.NationalID `json:"nationalId" validate:"required,natid"`
}

// DevLoginResponse is the answer of POST /auth/dev-login and POST
// /auth/dev-accept. The token also works as "Authorization: Bearer <token>".
type DevLoginResponse struct {
	Token     string      `json:"token" doc:"The session token; send it as a bearer token."`
	ExpiresAt time.Time   `json:"expiresAt" doc:"When the session ends."`
	PersonID  practice.ID `json:"personId" doc:"The person logged in."`
}

// sessionStarted is the answer of a login that starts a session.
type sessionStarted struct {
	SetCookie []http.Cookie `header:"Set-Cookie" doc:"The session cookie."`
	Body      DevLoginResponse
}

// loggedOut is the answer of POST /auth/logout.
type loggedOut struct {
	SetCookie []http.Cookie `header:"Set-Cookie" doc:"Clears the session cookie."`
}

func (s *Server) registerAuth(devLogin bool) {
	register(s, operation{method: http.MethodPost, path: "/auth/logout", id: "logout", tags: tagAuth,
		summary: "End the session", status: http.StatusNoContent},
		func(ctx context.Context, _ *noInput) (*loggedOut, error) {
			if token, _ := ctx.Value(tokenKey{}).(string); token != "" {
				s.sessions.end(token)
			}
			return &loggedOut{SetCookie: []http.Cookie{s.clearCookie(SessionCookie, "/")}}, nil
		})

	if devLogin {
		register(s, operation{method: http.MethodPost, path: "/auth/dev-login", id: "devLogin", tags: tagAuth,
			summary: "Log in as anyone, without a password: development only",
			description: "Give exactly one of email and personId. The answer's token works as a bearer token; " +
				"the session cookie is set too.",
			errors: []int{http.StatusNotFound}},
			s.devLogin)
		register(s, operation{method: http.MethodPost, path: "/auth/dev-accept", id: "devAccept", tags: tagAuth,
			summary: "Accept an invitation for a national identity number, without a login: development only",
			description: "Does what the callback of /auth/invitation/{token} does once ID-porten has proved the number: " +
				"accepts the invitation for the person with the number and starts a session. A link that is not valid is 404, " +
				"an invitation that is used, expired, revoked or replaced 409, one made for another number 403.",
			errors: []int{http.StatusNotFound, http.StatusConflict}},
			s.devAccept)
	}
	if s.oidc == nil {
		return
	}
	register(s, operation{method: http.MethodGet, path: "/auth/login", id: "login", tags: tagAuth,
		summary: "Start an OpenID Connect login",
		description: "Redirects to the identity provider with state, nonce, a PKCE S256 challenge and acr_values; " +
			"the login's state travels in the encrypted praksis_login cookie, which the callback needs.",
		status: http.StatusFound},
		func(ctx context.Context, in *ReturnToQuery) (*redirect, error) {
			return s.startLogin(in.ReturnTo, ""), nil
		})

	register(s, operation{method: http.MethodGet, path: "/auth/invitation/{token}", id: "acceptInvitation", tags: tagAuth,
		summary: "Accept an invitation: the link of its e-mail",
		description: "Starts the same OpenID Connect login as /auth/login, with the invitation's token sealed in the " +
			"praksis_login cookie beside the login's state. When the identity provider has logged the user in, the callback " +
			"accepts the invitation for the national identity number the login proved (the pid claim), starts a session and " +
			"redirects to the return path. Whether the link is still valid is told there. The token is never logged: the " +
			"request log and problems show the path as /auth/invitation/….",
		status: http.StatusFound},
		func(ctx context.Context, in *struct {
			InvitationToken
			ReturnToQuery
		}) (*redirect, error) {
			return s.startLogin(in.ReturnTo, in.Token), nil
		})

	register(s, operation{method: http.MethodGet, path: "/auth/callback", id: "loginCallback", tags: tagAuth,
		summary: "Complete an OpenID Connect login: the identity provider redirects here",
		description: "Checks the state against the login cookie, exchanges the code with the PKCE verifier, verifies the ID token " +
			"(signature, issuer, audience, expiry, nonce, acr), finds the person by the pid claim, starts a session and " +
			"redirects to the login's return path. A login started by an invitation's link accepts the invitation for the " +
			"pid instead: a link that is not valid is 404, an invitation that is used, expired, revoked or replaced 409, " +
			"one made for another national identity number 403.",
		status: http.StatusSeeOther, errors: []int{http.StatusForbidden, http.StatusNotFound, http.StatusConflict}, acceptAnyQuery: true},
		s.callback)
}

// ReturnToQuery is the query parameter of the start of a login.
type ReturnToQuery struct {
	ReturnTo string `query:"returnTo" doc:"A path on this server to go to after the login; by default /api/me."`
}

// startLogin starts an OpenID Connect login that returns to returnTo and,
// if invitation is not empty, accepts the invitation whose link has that
// token: it redirects to the identity provider, and keeps the login's
// state in the sealed login cookie.
func (s *Server) startLogin(returnTo, invitation string) *redirect {
	o := s.oidc
	st := loginState{
		State: randomToken(32), Nonce: randomToken(32), Verifier: oauth2.GenerateVerifier(),
		ReturnTo: safeReturn(returnTo), Expires: o.now().Add(LoginTTL).Unix(), Invitation: invitation,
	}
	u := o.oauth.AuthCodeURL(st.State, oidc.Nonce(st.Nonce), oauth2.S256ChallengeOption(st.Verifier),
		oauth2.SetAuthURLParam("acr_values", strings.Join(o.acr, " ")))
	return &redirect{Location: u, SetCookie: []http.Cookie{{
		Name: LoginCookie, Value: o.seal(st), Path: "/auth/", MaxAge: int(LoginTTL / time.Second),
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode,
	}}}
}

// callbackInput is what the identity provider sends back.
type callbackInput struct {
	Code        string `query:"code" doc:"The authorization code."`
	State       string `query:"state" doc:"The state the login started with."`
	Error       string `query:"error" doc:"The provider's error code, if it did not log the user in."`
	LoginCookie string `cookie:"praksis_login" doc:"The login's sealed state, set by /auth/login."`
}

// callback completes a login: it opens the login cookie and checks its
// state against the callback's, exchanges the code with the PKCE verifier,
// verifies the ID token (signature, issuer, audience, expiry) and its nonce
// and acr, finds the person by the pid claim (or, for a login started by
// an invitation's link, accepts the invitation for the pid), and starts a
// session. The login cookie is cleared whatever the outcome.
func (s *Server) callback(ctx context.Context, in *callbackInput) (*redirect, error) {
	clear := s.clearCookie(LoginCookie, "/auth/")
	refuse := func(p *Problem) (*redirect, error) {
		out := *p
		out.headers = http.Header{"Set-Cookie": {clear.String()}}
		return nil, &out
	}
	o := s.oidc
	if in.Error != "" {
		p := newProblem(typeUnauthenticated, "the identity provider did not log you in; start again at /auth/login")
		if oauthErrorCode.MatchString(in.Error) {
			p = newProblem(typeUnauthenticated, "the identity provider did not log you in (%s); start again at /auth/login", in.Error)
		}
		return refuse(p)
	}
	st, err := o.open(in.LoginCookie)
	if err != nil {
		return refuse(err.(*Problem))
	}
	if in.State == "" || subtle.ConstantTimeCompare([]byte(st.State), []byte(in.State)) != 1 {
		return refuse(errStateMismatch)
	}
	if in.Code == "" {
		return refuse(newProblem(typeBadRequest, "the callback has no code"))
	}
	if o.wasUsed(st) {
		return refuse(errLoginUsed)
	}

	octx := o.context(ctx)
	id := requestInfoOf(ctx).id
	tok, err := o.oauth.Exchange(octx, in.Code, oauth2.VerifierOption(st.Verifier))
	if err != nil {
		s.log.WarnContext(ctx, "login: code exchange failed", slog.String("requestId", id),
			slog.String("error", practice.MaskNationalIDs(err.Error())))
		return refuse(newProblem(typeUnauthenticated, "the identity provider did not accept the login code"))
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return refuse(newProblem(typeUnauthenticated, "the identity provider sent no ID token"))
	}
	idt, err := o.verifier.Verify(octx, raw)
	if err != nil {
		s.log.WarnContext(ctx, "login: ID token rejected", slog.String("requestId", id),
			slog.String("error", practice.MaskNationalIDs(err.Error())))
		return refuse(newProblem(typeUnauthenticated, "the ID token is not valid"))
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(st.Nonce)) != 1 {
		return refuse(newProblem(typeUnauthenticated, "the ID token was not issued for this login (nonce)"))
	}
	if err := o.complete(st); err != nil {
		return refuse(err.(*Problem))
	}
	var claims idClaims
	if err := idt.Claims(&claims); err != nil {
		return refuse(newProblem(typeUnauthenticated, "the ID token's claims cannot be read"))
	}
	if !slices.Contains(o.acr, claims.ACR) {
		p := newProblem(typeForbidden, "the login level is not accepted here; log in with %s", strings.Join(o.acr, " or "))
		if acrValue.MatchString(claims.ACR) {
			p = newProblem(typeForbidden, "the login level %s is not accepted here; log in with %s", claims.ACR, strings.Join(o.acr, " or "))
		}
		return refuse(p)
	}
	n, err := practice.ParseNationalID(claims.PID)
	if err != nil {
		return refuse(newProblem(typeForbidden, "the identity provider sent no valid national identity number (pid)"))
	}
	if st.Invitation != "" {
		personID, p := s.accept(ctx, st.Invitation, n)
		if p != nil {
			return refuse(p)
		}
		session := s.startSession(ctx, personID)
		return &redirect{Location: st.ReturnTo, SetCookie: []http.Cookie{clear, session.cookie}}, nil
	}
	a, err := s.svc.ActorByNationalID(ctx, n)
	if errors.Is(err, practice.ErrNotFound) {
		s.log.InfoContext(ctx, "login refused: no person has the national identity number", slog.String("requestId", id),
			slog.String("sub", practice.MaskNationalIDs(idt.Subject)))
		return refuse(newProblem(typeForbidden, "you are not a user of praksis; ask your site administrator for an invitation"))
	}
	if err != nil {
		return nil, err
	}
	session := s.startSession(ctx, a.PersonID)
	return &redirect{Location: st.ReturnTo, SetCookie: []http.Cookie{clear, session.cookie}}, nil
}

// newSession is a session just started.
type newSession struct {
	token   string
	expires time.Time
	cookie  http.Cookie
}

// startSession starts a session for a person. A session the request came
// with is ended first, so a login always gets a fresh token.
func (s *Server) startSession(ctx context.Context, personID practice.ID) newSession {
	if old, _ := ctx.Value(tokenKey{}).(string); old != "" {
		s.sessions.end(old)
	}
	token, expires := s.sessions.create(personID)
	s.log.InfoContext(ctx, "login", slog.String("personId", personID.String()), slog.String("requestId", requestInfoOf(ctx).id))
	return newSession{token: token, expires: expires, cookie: s.sessionCookie(token, expires)}
}

// accept accepts the invitation whose link has token for the person with
// the national identity number n, and returns the person. A refusal is a
// problem by the one table of errors, as for a caller who is logged in: a
// number that is not the invitation's is 403, not "log in first". Neither
// the token nor the number reaches the problem or the log.
func (s *Server) accept(ctx context.Context, token string, n practice.NationalID) (practice.ID, *Problem) {
	id := requestInfoOf(ctx).id
	acc, err := s.invites.Accept(ctx, token, invite.Login{NationalID: n})
	if err != nil {
		p := problemFor(err, false, nil)
		s.log.InfoContext(ctx, "invitation not accepted", slog.String("requestId", id), slog.String("type", p.Type))
		return practice.NilID, p
	}
	s.log.InfoContext(ctx, "invitation accepted", slog.String("requestId", id),
		slog.String("invitationId", acc.Invitation.ID.String()), slog.String("personId", acc.PersonID.String()))
	return acc.PersonID, nil
}

// devAccept accepts an invitation for a national identity number without
// a login, as the callback does once ID-porten has proved the number: for
// development only, and registered only when enabled.
func (s *Server) devAccept(ctx context.Context, in *struct{ Body DevAcceptRequest }) (*sessionStarted, error) {
	if err := practice.Validate(in.Body); err != nil {
		return nil, err
	}
	personID, p := s.accept(ctx, in.Body.Token, in.Body.NationalID)
	if p != nil {
		return nil, p
	}
	session := s.startSession(ctx, personID)
	return &sessionStarted{
		SetCookie: []http.Cookie{session.cookie},
		Body:      DevLoginResponse{Token: session.token, ExpiresAt: session.expires, PersonID: personID},
	}, nil
}

// devLogin logs in as anyone, without a password: for development only,
// and registered only when enabled. It finds the person through the
// service, by e-mail or ID.
func (s *Server) devLogin(ctx context.Context, in *struct{ Body DevLoginRequest }) (*sessionStarted, error) {
	email := strings.TrimSpace(in.Body.Email)
	if (email == "") == (in.Body.PersonID == practice.NilID) {
		return nil, &practice.ValidationError{Fields: []practice.FieldError{
			{Field: "email", Rule: "required_without", Message: "give either email or personId"},
			{Field: "personId", Rule: "required_without", Message: "give either email or personId"},
		}}
	}
	var (
		a   practice.Actor
		err error
	)
	if email != "" {
		a, err = s.svc.ActorByEmail(ctx, email)
	} else {
		a, err = s.svc.Actor(ctx, in.Body.PersonID)
	}
	if err != nil {
		return nil, err
	}
	session := s.startSession(ctx, a.PersonID)
	return &sessionStarted{
		SetCookie: []http.Cookie{session.cookie},
		Body:      DevLoginResponse{Token: session.token, ExpiresAt: session.expires, PersonID: a.PersonID},
	}, nil
}
