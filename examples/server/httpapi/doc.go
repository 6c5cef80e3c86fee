// Package httpapi is the JSON-over-HTTP API of the praksis reference server:
// routing, authentication (OpenID Connect as with ID-porten, sessions, and
// an optional development login), JSON decoding and encoding, and the
// mapping of domain errors to RFC 9457 problem details.
//
// It holds no business rule and checks no right: every request is turned
// into a [practice.Actor] (the zero Actor when nobody is logged in) and
// handed to [practice.Service], which decides.
//
// # Routes
//
// Identifiers are UUIDs; dates are YYYY-MM-DD. Lists answer {"items": [...]}.
//
//	GET    /healthz                                   200 when the store answers, else 503
//	GET    /api/me                                    who am I: person, rights, staff roles
//	GET    /api/institutions                          study sites
//	GET    /api/institutions/{id}                     one study site
//	PUT    /api/institutions/{id}                     edit: {"name", "code", "version"}
//	GET    /api/institutions/{id}/staff               its staff roles
//	GET    /api/organisations[?orgNumber=]            practice organisations
//	POST   /api/organisations                         create: {"name", "orgNumber"}
//	GET    /api/organisations/{id}                    one organisation
//	PUT    /api/organisations/{id}                    edit: {"name", "orgNumber", "version"}
//	GET    /api/organisations/{id}/tree[?asOf=]       the place tree as of a date (default today)
//	POST   /api/organisations/{id}/places             create a place: {"parentId", "name", "from", "presentation"}
//	GET    /api/organisations/{id}/members            people with a right there
//	POST   /api/organisations/{id}/members            add a new person with a right:
//	                                                  {"name", "email", "phone", "nationalId", "profile", "right"}
//	PUT    /api/organisations/{id}/members/{personId} grant an existing person a right: {"right"}
//	DELETE /api/organisations/{id}/members/{personId} revoke it
//	GET    /api/places/{id}/history                   every version of a place's structure
//	POST   /api/places/{id}/changes                   rename, move or close from a date:
//	                                                  {"from", "name"?, "parentId"?, "close"?}
//	PUT    /api/places/{id}/presentation              edit: {"description", "address", "email",
//	                                                  "phone", "pictureRef", "version"}
//	GET    /api/people/{id}                           a person and their rights
//	PUT    /api/people/{id}                           edit: {"name", "email", "phone", "profile", "version"}
//
//	GET    /auth/login[?returnTo=/path]               start an OpenID Connect login (only when configured)
//	GET    /auth/callback                             the identity provider returns here (only when configured)
//	POST   /auth/logout                               end the session
//	POST   /auth/dev-login                            development login: {"email"} or {"personId"}
//	                                                  (only when enabled; otherwise 404)
//
// A move to the top of the organisation's tree gives the nil UUID as
// parentId: "00000000-0000-0000-0000-000000000000". Updates carry the
// version the client read; a stale version is 409.
//
// # Authentication
//
// A login creates a server-side session, named by a random 32-byte token
// that is sent as an HttpOnly, SameSite=Lax cookie (praksis_session), and
// also accepted as "Authorization: Bearer <token>" so curl users can call
// the API. The development login answers the token in its body. An unknown
// or expired bearer token is 401; an unknown or expired cookie is ignored
// and cleared. State-changing requests from another origin are refused
// (net/http's CrossOriginProtection).
//
// The OpenID Connect login uses the authorization code flow with state,
// nonce and PKCE (S256), and sends acr_values. The ID token must carry an
// accepted acr (by default idporten-loa-high) and a pid claim, the national
// identity number of a person known to praksis; anyone else is refused with
// 403. National identity numbers never appear in a log line or a response.
//
// # Errors
//
// Every error is answered as application/problem+json (RFC 9457) with type,
// title, status, detail, instance (the request path) and requestId (also
// sent as X-Request-Id and logged). Validation failures add "errors", a list
// of {"field", "rule", "message"}; a field inside the body is named by its
// JSON path, such as "presentation.email" or "profile.teaches[0]". No
// problem quotes a value from the request, and anything in a path that looks
// like a national identity number is masked in the instance and the log.
//
//	400 urn:praksis:problem:bad-request        malformed JSON, an unknown field, a wrong JSON type,
//	                                            more than one JSON value, a bad query parameter
//	401 urn:praksis:problem:unauthenticated    not logged in (where the service refuses an anonymous
//	                                            request) or an unknown bearer token
//	403 urn:praksis:problem:forbidden          logged in, but the service refuses
//	404 urn:praksis:problem:not-found          no such resource or route
//	405 urn:praksis:problem:method-not-allowed
//	409 urn:praksis:problem:conflict           a stale version or a duplicate
//	413 urn:praksis:problem:too-large          a request body over 1 MiB
//	415 urn:praksis:problem:unsupported-media-type  a body that is not application/json
//	422 urn:praksis:problem:validation         the input breaks a rule of the domain, or a value in the
//	                                            body is not in its field's form: a date not YYYY-MM-DD
//	                                            (rule "date"), an ID not a UUID (rule "uuid"); see "errors"
//	500 urn:praksis:problem:internal           anything else; the detail is logged, not sent
//
// Validation failures are 422 rather than 400: the request was well-formed
// JSON of the right shape, and a client can tell "fix your JSON" (400) from
// "fix the values" (422) by status alone.
package httpapi
