package httpapi

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"sync"
	"time"

	"github.com/praksis/praksis/practice"
)

// SessionCookie is the name of the cookie that carries the session token.
const SessionCookie = "praksis_session"

// randomToken returns n random bytes, base64url-encoded without padding.
func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// session is a logged-in person until a time.
type session struct {
	personID practice.ID
	expires  time.Time
}

// sessions holds the sessions in memory, keyed by the SHA-256 of their
// token so that the tokens themselves are kept nowhere. Sessions end at a
// fixed time after login (no sliding renewal), at logout, or when the server
// stops.
type sessions struct {
	ttl time.Duration
	now func() time.Time

	mu     sync.Mutex
	byHash map[[sha256.Size]byte]session
}

func newSessions(ttl time.Duration, now func() time.Time) *sessions {
	return &sessions{ttl: ttl, now: now, byHash: map[[sha256.Size]byte]session{}}
}

// create starts a session for a person and returns its token, 32 random
// bytes, and when it ends. Expired sessions are dropped on the way.
func (s *sessions) create(personID practice.ID) (token string, expires time.Time) {
	token = randomToken(32)
	now := s.now()
	expires = now.Add(s.ttl)
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range s.byHash {
		if !now.Before(v.expires) {
			delete(s.byHash, k)
		}
	}
	s.byHash[sha256.Sum256([]byte(token))] = session{personID: personID, expires: expires}
	return token, expires
}

// lookup returns the person of a live session.
func (s *sessions) lookup(token string) (practice.ID, bool) {
	if token == "" {
		return practice.NilID, false
	}
	k := sha256.Sum256([]byte(token))
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.byHash[k]
	if !ok {
		return practice.NilID, false
	}
	if !s.now().Before(v.expires) {
		delete(s.byHash, k)
		return practice.NilID, false
	}
	return v.personID, true
}

// end ends a session; ending an unknown one does nothing.
func (s *sessions) end(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.byHash, sha256.Sum256([]byte(token)))
}

// sessionCookie is the cookie that carries a session's token.
func (s *Server) sessionCookie(token string, expires time.Time) http.Cookie {
	return http.Cookie{
		Name: SessionCookie, Value: token, Path: "/", Expires: expires,
		MaxAge: int(s.sessions.ttl / time.Second), HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode,
	}
}

// clearCookie is the cookie that tells the browser to drop a cookie.
func (s *Server) clearCookie(name, path string) http.Cookie {
	return http.Cookie{Name: name, Value: "", Path: path, MaxAge: -1, HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode}
}
