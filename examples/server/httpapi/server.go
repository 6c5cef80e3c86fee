package httpapi

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/praksis/praksis/agreement"
	"github.com/praksis/praksis/invite"
	"github.com/praksis/praksis/practice"
)

// LoginKeySize is the size of Config.LoginKey: an AES-256 key.
const LoginKeySize = 32

// Config configures a [Server]. Service, Invites and Agreements are
// required.
type Config struct {
	// Service runs every use case and checks every right. The server holds
	// no store: it reaches the data only through the service.
	Service *practice.Service
	// Invites runs the invitations: sending, re-sending and revoking them,
	// and accepting one through its link. Its mails link to
	// /auth/invitation/{token} on this server's public address.
	Invites *invite.Service
	// Agreements runs the agreements between study sites and practice
	// organisations, their documents, coverage, the consistency report and
	// the preview of a restructuring.
	Agreements *agreement.Service
	// Logger receives the request log and errors (default: discard).
	Logger *slog.Logger
	// SecureCookies marks the session and login cookies Secure: set it
	// whenever the server is reached over HTTPS.
	SecureCookies bool
	// SessionTTL is how long a session lasts after login (default 8 hours).
	SessionTTL time.Duration
	// DevLogin adds POST /auth/dev-login, which logs anyone in as anyone
	// without a password, and POST /auth/dev-accept, which accepts an
	// invitation for any national identity number without a login. Never
	// enable it where real data is.
	DevLogin bool
	// OIDC, if not nil, adds the OpenID Connect login (/auth/login and
	// /auth/callback). New discovers the provider, so it must be reachable.
	OIDC *OIDCConfig
	// LoginKey is the AES-256 key (LoginKeySize bytes) that encrypts and
	// authenticates the state of an OpenID Connect login, which the browser
	// keeps in the login cookie between /auth/login and /auth/callback.
	// Give every instance behind one address the same key; when it is nil,
	// New makes a random one, so a login must then end on the instance
	// that started it, and logins under way are lost when it restarts.
	LoginKey []byte
	// Now tells the time (default time.Now).
	Now func() time.Time
	// Location is the time zone of "today", the default date of a tree or
	// a place (default time.Local; set TZ=Europe/Oslo).
	Location *time.Location
}

// Server is the HTTP API. It is an http.Handler.
type Server struct {
	svc         *practice.Service
	invites     *invite.Service
	agreements  *agreement.Service
	maxDocument int64
	log         *slog.Logger
	secure      bool
	now         func() time.Time
	loc         *time.Location
	sessions    *sessions
	oidc        *oidcLogin
	api         huma.API
	routes      []Route
	handler     http.Handler
	openAPIState
}

// Route is a route the server serves: a method and a path pattern in the
// syntax of http.ServeMux, such as "GET /api/places/{id}".
type Route struct {
	// Method is the HTTP method.
	Method string
	// Pattern is the path pattern.
	Pattern string
}

// String returns the method and the pattern, as in "GET /api/me".
func (r Route) String() string { return r.Method + " " + r.Pattern }

// New returns a Server for cfg. With cfg.OIDC set it discovers the
// identity provider, so ctx bounds that request.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Service == nil {
		return nil, errors.New("httpapi: Config.Service is required")
	}
	if cfg.Invites == nil {
		return nil, errors.New("httpapi: Config.Invites is required")
	}
	if cfg.Agreements == nil {
		return nil, errors.New("httpapi: Config.Agreements is required")
	}
	s := &Server{svc: cfg.Service, invites: cfg.Invites, agreements: cfg.Agreements, maxDocument: cfg.Agreements.MaxDocumentSize(),
		log: cfg.Logger, secure: cfg.SecureCookies, now: cfg.Now, loc: cfg.Location}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.loc == nil {
		s.loc = time.Local
	}
	ttl := cfg.SessionTTL
	if ttl <= 0 {
		ttl = 8 * time.Hour
	}
	s.sessions = newSessions(ttl, s.now)
	if cfg.OIDC != nil {
		key := cfg.LoginKey
		if key == nil {
			key = make([]byte, LoginKeySize)
			_, _ = rand.Read(key) // never fails (crypto/rand)
		}
		if len(key) != LoginKeySize {
			return nil, fmt.Errorf("httpapi: Config.LoginKey must be %d bytes, not %d", LoginKeySize, len(key))
		}
		o, err := newOIDCLogin(ctx, *cfg.OIDC, key, s.now)
		if err != nil {
			return nil, fmt.Errorf("httpapi: %w", err)
		}
		s.oidc = o
	}

	mux := &recordingMux{ServeMux: http.NewServeMux()}
	s.api = newAPI(mux)
	s.register(cfg.DevLogin)
	s.registerAgreements()
	mux.HandleFunc("GET /openapi.json", s.openAPIDocument)
	s.routes = mux.routes
	// huma documents its own error model whether or not an operation uses
	// it; this API answers Problem only.
	delete(s.api.OpenAPI().Components.Schemas.Map(), "ErrorModel")
	delete(s.api.OpenAPI().Components.Schemas.Map(), "ErrorDetail")

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, newProblem(typeForbidden, "cross-origin requests that change data are refused"))
	}))
	s.handler = s.logRequests(s.recoverPanics(cop.Handler(s.authenticate(s.refuseInvalidUTF8(mux.ServeMux, s.fallback(mux.ServeMux))))))
	return s, nil
}

// ServeHTTP serves the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Routes returns every route the server serves, in the order registered:
// the operations of its OpenAPI document, and GET /openapi.json itself.
func (s *Server) Routes() []Route { return slices.Clone(s.routes) }

// recordingMux is an http.ServeMux that remembers the patterns registered
// on it, so that [Server.Routes] lists exactly what is served.
type recordingMux struct {
	*http.ServeMux
	routes []Route
}

// HandleFunc registers handler for pattern and records the pattern.
func (m *recordingMux) HandleFunc(pattern string, handler func(http.ResponseWriter, *http.Request)) {
	method, path, _ := strings.Cut(pattern, " ")
	m.routes = append(m.routes, Route{Method: method, Pattern: path})
	m.ServeMux.HandleFunc(pattern, handler)
}

// openAPIDocument answers the OpenAPI 3.1 description of the API, which
// huma generates from the operations' types.
func (s *Server) openAPIDocument(w http.ResponseWriter, r *http.Request) {
	s.openAPIOnce.Do(func() { s.openAPIJSON, s.openAPIErr = s.api.OpenAPI().MarshalJSON() })
	if s.openAPIErr != nil {
		s.writeError(w, r, fmt.Errorf("marshal the OpenAPI document: %w", s.openAPIErr))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(s.openAPIJSON)
}

// fallback answers the mux's own 404 and 405 as problems.
func (s *Server) fallback(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern == "" {
			mux.ServeHTTP(&fallbackWriter{ResponseWriter: w, s: s, r: r}, r)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// fallbackWriter turns the plain-text 404 and 405 of http.ServeMux into
// problems; other statuses (redirects) pass.
type fallbackWriter struct {
	http.ResponseWriter
	s        *Server
	r        *http.Request
	replaced bool
}

// WriteHeader answers 404 and 405 as problems and passes other codes on.
func (f *fallbackWriter) WriteHeader(code int) {
	switch code {
	case http.StatusNotFound:
		f.replaced = true
		f.s.writeError(f.ResponseWriter, f.r, newProblem(typeNotFound,
			"there is no route %s %s", requestInfoOf(f.r.Context()).method, requestInfoOf(f.r.Context()).path))
	case http.StatusMethodNotAllowed:
		f.replaced = true
		f.s.writeError(f.ResponseWriter, f.r, newProblem(typeMethodNotAllowed,
			"this method is not allowed here; allowed: %s", f.Header().Get("Allow")))
	default:
		f.ResponseWriter.WriteHeader(code)
	}
}

// Write drops the mux's plain-text body once a problem was written.
func (f *fallbackWriter) Write(b []byte) (int, error) {
	if f.replaced {
		return len(b), nil
	}
	return f.ResponseWriter.Write(b)
}

// The keys of the values the middleware puts in a request's context.
type (
	actorKey       struct{}
	tokenKey       struct{}
	requestInfoKey struct{}
	serverKey      struct{} // the *Server serving the request
)

// requestInfo is what the request log and every problem tell of a request.
type requestInfo struct {
	id     string // the request ID, also sent as X-Request-Id
	method string
	path   string // the path as loggedPath tells it
}

func requestInfoOf(ctx context.Context) requestInfo {
	info, _ := ctx.Value(requestInfoKey{}).(requestInfo)
	return info
}

// actorOf returns the actor of a request: the zero Actor when nobody is
// logged in.
func actorOf(ctx context.Context) practice.Actor {
	a, _ := ctx.Value(actorKey{}).(practice.Actor)
	return a
}

// statusRecorder remembers the status and size of a response.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

// WriteHeader records the first status.
func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write records the size written.
func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// invitationPath is the path of an invitation's link, which ends in the
// link's secret token.
const invitationPath = "/auth/invitation/"

// loggedPath returns a request's path as the log and problems tell it:
// a path that holds the path of an invitation's link, however it is spelt
// (in another case, with "//" or "/./"), whether or not the route is
// served, as "/auth/invitation/…", without the token; any other path with
// national identity numbers masked.
func loggedPath(p string) string {
	lower := strings.ToLower(p)
	if strings.Contains(lower, invitationPath) || strings.Contains(path.Clean(lower), invitationPath) {
		return invitationPath + "…"
	}
	return practice.MaskNationalIDs(p)
}

// logRequests gives each request an ID (sent as X-Request-Id), marks every
// response as not to be cached or sniffed (responses may hold personal
// data), and logs method, path (see loggedPath), status, size and duration
// when the request is done. Query strings are never logged: the OpenID
// Connect callback carries a code and state there.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := requestInfo{id: randomToken(9), method: practice.MaskNationalIDs(r.Method), path: loggedPath(r.URL.Path)}
		h := w.Header()
		h.Set("X-Request-Id", info.id)
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		rec := &statusRecorder{ResponseWriter: w}
		ctx := context.WithValue(context.WithValue(r.Context(), requestInfoKey{}, info), serverKey{}, s)
		next.ServeHTTP(rec, r.WithContext(ctx))
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", info.method), slog.String("path", info.path),
			slog.Int("status", rec.status), slog.Int("bytes", rec.bytes),
			slog.Duration("duration", time.Since(start)), slog.String("requestId", info.id))
	})
}

// recoverPanics answers a panicking handler with a 500 problem and logs
// the panic's value, masked.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.writeError(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// credentials returns the session token of a request, from the
// Authorization header (bearer) or else the session cookie.
func credentials(r *http.Request) (token string, bearer bool, err error) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
			return "", true, newProblem(typeUnauthenticated, `the Authorization header must be "Bearer <session token>"`)
		}
		return strings.TrimSpace(token), true, nil
	}
	if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		return c.Value, false, nil
	}
	return "", false, nil
}

// authenticate puts the actor of the request's session into its context.
// Without a session the request goes on anonymously; an unknown or expired
// bearer token is refused, an unknown or expired cookie is cleared.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, bearer, err := credentials(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if token == "" {
			next.ServeHTTP(w, r)
			return
		}
		personID, ok := s.sessions.lookup(token)
		var actor practice.Actor
		if ok {
			actor, err = s.svc.Actor(r.Context(), personID)
			switch {
			case errors.Is(err, practice.ErrNotFound): // the person is gone
				s.sessions.end(token)
				ok = false
			case err != nil:
				s.writeError(w, r, err)
				return
			}
		}
		if !ok {
			if bearer {
				s.writeError(w, r, newProblem(typeUnauthenticated, "the bearer token is unknown or has expired; log in again"))
				return
			}
			c := s.clearCookie(SessionCookie, "/")
			http.SetCookie(w, &c)
			next.ServeHTTP(w, r)
			return
		}
		ctx := context.WithValue(r.Context(), actorKey{}, actor)
		ctx = context.WithValue(ctx, tokenKey{}, token)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// today is the date in the server's time zone.
func (s *Server) today() practice.Date { return practice.DateOf(s.now().In(s.loc)) }

// openAPIState caches the marshalled document.
type openAPIState struct {
	openAPIOnce sync.Once
	openAPIJSON []byte
	openAPIErr  error
}
