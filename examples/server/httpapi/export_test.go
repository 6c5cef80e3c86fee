package httpapi

// RememberedLogins returns how many completed OpenID Connect logins s
// remembers to refuse their replay.
func RememberedLogins(s *Server) int {
	s.oidc.mu.Lock()
	defer s.oidc.mu.Unlock()
	return len(s.oidc.used)
}
