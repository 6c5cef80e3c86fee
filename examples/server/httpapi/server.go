package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/praksis/praksis/practice"
)

// Config configures a [Server]. Only Service is required.
type Config struct {
	// Service runs every use case and checks every right.
	Service *practice.Service
	// Logger receives the request log and errors (default: discard).
	Logger *slog.Logger
	// SecureCookies marks the session and login cookies Secure: set it
	// whenever the server is reached over HTTPS.
	SecureCookies bool
	// SessionTTL is how long a session lasts after login (default 8 hours).
	SessionTTL time.Duration
	// DevLogin adds POST /auth/dev-login, which logs anyone in as anyone
	// without a password. Never enable it where real data is.
	DevLogin bool
	// People finds a person by e-mail for the development login; any
	// practice.Store will do. It is required when DevLogin is set.
	People PeopleFinder
	// OIDC, if not nil, adds the OpenID Connect login (/auth/login and
	// /auth/callback). New discovers the provider, so it must be reachable.
	OIDC *OIDCConfig
	// Now tells the time (default time.Now).
	Now func() time.Time
	// Location is the time zone of "today", the default date of a tree
	// (default time.Local; set TZ=Europe/Oslo).
	Location *time.Location
}

// PeopleFinder finds people; the development login uses it to find a
// person by e-mail. Every practice.Store implements it.
type PeopleFinder interface {
	People(ctx context.Context, f practice.PeopleFilter) ([]practice.Person, error)
}

// Server is the HTTP API. It is an http.Handler.
type Server struct {
	svc      *practice.Service
	log      *slog.Logger
	secure   bool
	now      func() time.Time
	loc      *time.Location
	sessions *sessions
	devLogin bool
	people   PeopleFinder
	oidc     *oidcLogin
	handler  http.Handler
}

// New returns a Server for cfg. With cfg.OIDC set it discovers the
// identity provider, so ctx bounds that request.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Service == nil {
		return nil, errors.New("httpapi: Config.Service is required")
	}
	if cfg.DevLogin && cfg.People == nil {
		return nil, errors.New("httpapi: Config.People is required with DevLogin")
	}
	s := &Server{
		svc: cfg.Service, log: cfg.Logger, secure: cfg.SecureCookies, now: cfg.Now, loc: cfg.Location,
		devLogin: cfg.DevLogin, people: cfg.People,
	}
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
		o, err := newOIDCLogin(ctx, *cfg.OIDC, s.now)
		if err != nil {
			return nil, fmt.Errorf("httpapi: %w", err)
		}
		s.oidc = o
	}
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, newProblem(http.StatusForbidden, typeForbidden,
			"cross-origin requests that change data are refused"))
	}))
	s.handler = s.logRequests(s.recoverPanics(cop.Handler(s.authenticate(s.routes()))))
	return s, nil
}

// ServeHTTP serves the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// apiFunc is a handler that returns its error, which the Server answers as
// a problem.
type apiFunc func(w http.ResponseWriter, r *http.Request) error

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	handle := func(pattern string, f apiFunc) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			if err := f(w, r); err != nil {
				s.writeError(w, r, err)
			}
		})
	}
	handle("GET /healthz", s.health)
	handle("GET /api/me", s.me)

	handle("GET /api/institutions", s.listInstitutions)
	handle("GET /api/institutions/{id}", one(s.svc.Institution))
	handle("PUT /api/institutions/{id}", update[InstitutionUpdate](s.svc.UpdateInstitution))
	handle("GET /api/institutions/{id}/staff", many(s.svc.Staff))

	handle("GET /api/organisations", s.listOrganisations)
	handle("POST /api/organisations", s.createOrganisation)
	handle("GET /api/organisations/{id}", one(s.svc.Organisation))
	handle("PUT /api/organisations/{id}", update[OrganisationUpdate](s.svc.UpdateOrganisation))
	handle("GET /api/organisations/{id}/tree", s.tree)
	handle("POST /api/organisations/{id}/places", s.createPlace)
	handle("GET /api/organisations/{id}/members", many(s.svc.Members))
	handle("POST /api/organisations/{id}/members", s.addMember)
	handle("PUT /api/organisations/{id}/members/{personId}", s.grant)
	handle("DELETE /api/organisations/{id}/members/{personId}", s.revoke)

	handle("GET /api/places/{id}/history", many(s.svc.PlaceHistory))
	handle("POST /api/places/{id}/changes", s.restructure)
	handle("PUT /api/places/{id}/presentation", update[PresentationUpdate](s.svc.UpdatePresentation))

	handle("GET /api/people/{id}", one(s.person))
	handle("PUT /api/people/{id}", update[PersonUpdate](s.updatePerson))

	handle("POST /auth/logout", s.logout)
	if s.devLogin {
		handle("POST /auth/dev-login", s.devLoginHandler)
	}
	if s.oidc != nil {
		handle("GET /auth/login", s.login)
		handle("GET /auth/callback", s.callback)
	}

	// Answer the mux's own 404 and 405 as problems too.
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
		f.s.writeError(f.ResponseWriter, f.r, newProblem(code, typeNotFound,
			"there is no route %s %s", f.r.Method, maskNationalIDs(f.r.URL.Path)))
	case http.StatusMethodNotAllowed:
		f.replaced = true
		f.s.writeError(f.ResponseWriter, f.r, newProblem(code, typeMethodNotAllowed,
			"%s is not allowed here; allowed: %s", f.r.Method, f.Header().Get("Allow")))
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
	actorKey     struct{}
	tokenKey     struct{}
	requestIDKey struct{}
)

// actorOf returns the actor of a request: the zero Actor when nobody is
// logged in.
func actorOf(ctx context.Context) practice.Actor {
	a, _ := ctx.Value(actorKey{}).(practice.Actor)
	return a
}

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
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

// hexRun matches a maximal run of hex digits.
var hexRun = regexp.MustCompile(`[0-9a-fA-F]+`)

// maskNationalIDs returns s with every run of exactly eleven digits that is
// not part of a longer run of hex digits (so not a piece of a UUID) masked:
// what a national identity number put in a URL or a JSON key by mistake
// looks like. Every path or other input text the server logs or answers
// goes through it. Query strings are never logged: the OIDC callback
// carries a code and state there.
func maskNationalIDs(s string) string {
	return hexRun.ReplaceAllStringFunc(s, func(run string) string {
		if len(run) != 11 || strings.ContainsFunc(run, func(r rune) bool { return r < '0' || r > '9' }) {
			return run
		}
		return strings.Repeat("*", len(run))
	})
}

// logRequests gives each request an ID (sent as X-Request-Id) and logs
// method, path, status, size and duration when it is done.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := randomToken(9)
		w.Header().Set("X-Request-Id", id)
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method), slog.String("path", maskNationalIDs(r.URL.Path)),
			slog.Int("status", rec.status), slog.Int("bytes", rec.bytes),
			slog.Duration("duration", time.Since(start)), slog.String("requestId", id))
	})
}

// recoverPanics answers a panicking handler with a 500 problem.
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
			return "", true, newProblem(http.StatusUnauthorized, typeUnauthenticated,
				`the Authorization header must be "Bearer <session token>"`)
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
				s.writeError(w, r, newProblem(http.StatusUnauthorized, typeUnauthenticated,
					"the bearer token is unknown or has expired; log in again"))
				return
			}
			s.clearCookie(w, SessionCookie, "/")
			next.ServeHTTP(w, r)
			return
		}
		ctx := context.WithValue(r.Context(), actorKey{}, actor)
		ctx = context.WithValue(ctx, tokenKey{}, token)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// pathID parses the path parameter name as an ID. A malformed one names no
// resource, so it is 404.
func pathID(r *http.Request, name string) (practice.ID, error) {
	id, err := practice.ParseID(r.PathValue(name))
	if err != nil {
		return practice.NilID, newProblem(http.StatusNotFound, typeNotFound,
			"%s in the path is not a UUID, so it names nothing", name)
	}
	return id, nil
}

// today is the date in the server's time zone.
func (s *Server) today() practice.Date { return practice.DateOf(s.now().In(s.loc)) }

// health answers 200 when the store answers.
func (s *Server) health(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	if _, err := s.svc.Institutions(ctx, practice.Actor{}); err != nil {
		s.log.ErrorContext(r.Context(), "health check failed", slog.Any("error", err))
		return newProblem(http.StatusServiceUnavailable, typeUnavailable, "the store does not answer")
	}
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
