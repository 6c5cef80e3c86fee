// Package httpapi is the JSON-over-HTTP API of the praksis reference server:
// routing, authentication (OpenID Connect as with ID-porten, sessions, and
// an optional development login), the OpenAPI description, and the mapping
// of errors to RFC 9457 problem details.
//
// It holds no business rule, checks no right and holds no store: every
// request is turned into a [practice.Actor] (the zero Actor when nobody is
// logged in) and handed to the service of its area, [practice.Service],
// [invite.Service] or [agreement.Service], which decides.
//
// # Routes
//
// The operations are declared with huma (github.com/danielgtaylor/huma/v2)
// on an http.ServeMux, so the OpenAPI 3.1 document the server answers at
// GET /openapi.json is generated from the handlers' types and is the
// reference for every path, parameter, body and status. [Server.Routes]
// lists what is served. In short:
//
//	GET    /healthz                          200 when the store answers, else 503
//	GET    /openapi.json                     the OpenAPI document
//	GET    /api/me                           who is logged in: person, rights, staff roles
//	GET    /api/institutions[/{id}]          study sites; PUT /{id} edits one
//	       /api/institutions/{id}/staff      GET lists, POST {"personId","role"} gives a role,
//	                                         DELETE .../{personId}/{role} takes it
//	GET    /api/organisations[/{id}]         practice organisations (?orgNumber=); POST creates, PUT /{id} edits
//	GET    /api/organisations/{id}/tree      the place tree as of ?asOf=YYYY-MM-DD (default today)
//	POST   /api/organisations/{id}/places    adds a place; answers Location: /api/places/{newId}
//	       /api/organisations/{id}/members   GET lists, POST adds a new person with a right (study site
//	                                         practice administrators); PUT .../{personId} changes a
//	                                         right, DELETE .../{personId} deactivates the person there
//	       /api/organisations/{id}/invitations  POST invites someone by e-mail; GET lists (?state=)
//	GET    /api/organisations/{id}/colleagues   the members with their rights, and the pending invitations
//	GET    /api/organisations/{id}/audit     the audit trail: changes of rights, invitation events
//	GET    /api/invitations/{id}             an invitation; POST .../resend sends it again with a new
//	                                         link, POST .../revoke withdraws it
//	GET    /api/places/{id}                  a place as it stands ?asOf= a date (default today)
//	GET    /api/places/{id}/history          the versions of its structure
//	POST   /api/places/{id}/changes          rename, move or close from a date: {"from", ...}
//	POST   /api/places/{id}/changes/preview  what that change would do to agreements; changes nothing
//	PUT    /api/places/{id}/presentation     what the place shows of itself
//	       /api/institutions/{id}/agreements POST makes an agreement with an organisation; GET lists
//	                                         (?organisationId=&status=)
//	GET    /api/organisations/{id}/agreements   the agreements with an organisation, for its administrators
//	GET    /api/agreements/{id}; PUT edits   an agreement; POST .../activate, .../terminate, .../review
//	       /api/agreements/{id}/documents    POST attaches a document (multipart/form-data, one part
//	                                         "file"); GET lists; GET .../{documentId} downloads it as
//	                                         an attachment, DELETE .../{documentId} removes it
//	GET    /api/institutions/{id}/coverage   is a place covered ?placeId=&start=&end=&programme=
//	GET    /api/institutions/{id}/orderable  the places it may order from ?organisationId=&start=&end=
//	GET    /api/institutions/{id}/consistency   where agreements and structure disagree ?asOf=
//	GET    /api/people?q=&email=&organisationId=   search people (study site staff)
//	GET    /api/people/{id}; PUT edits       a person and the rights the reader may see
//	GET    /auth/login, /auth/callback       OpenID Connect login (when configured)
//	GET    /auth/invitation/{token}          an invitation's link: a login that accepts it (when configured)
//	POST   /auth/logout                      end the session
//	POST   /auth/dev-login                   development login: {"email"} or {"personId"} (when enabled)
//	POST   /auth/dev-accept                  development acceptance: {"token", "nationalId"} (when enabled)
//
// Identifiers are UUIDs in their canonical form; dates are YYYY-MM-DD. The
// date a structure change takes effect is "from" everywhere: in a change,
// in a tree's nodes and in a place's history. Updates carry the version the
// client read; a stale version is 409.
//
// Every list is paged: ?limit= (1 to 500, default 50) and ?cursor=, and the
// answer is {"items": [...], "next": "<cursor>"}; next is left out on the
// last page. Pass next on as the cursor of the next request. The places an
// institution may order from come all at once, in one page without next.
//
// # Documents
//
// A document is uploaded as multipart/form-data with exactly one part,
// "file", whose filename is the document's name; the part's own
// Content-Type is ignored, since the service finds the type from the
// content. The server reads the body as the service reads the document,
// never more than the agreements service's MaxDocumentSize and 64 KiB of
// envelope. A
// document too large is 413 naming "file" (rule "max-size"), whether the
// service or the cap on the body found it; content of a type not allowed
// (an executable named .pdf) is 422 on "file" (rule "content-type"); a name
// the service refuses is 422 on "file.filename"; no file part, or two, is
// 422 on "file"; a part of another name is 400 (rule "unknown"), as a field
// a JSON body does not have is. A download is the bytes exactly, with the
// Content-Type found at upload, Content-Length, X-Content-Type-Options:
// nosniff and Content-Disposition: attachment with the name (RFC 2231
// encoded when it is not plain ASCII), never inline.
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
// nonce and PKCE (S256), and sends acr_values. The server keeps nothing of
// a login under way: its state, nonce, PKCE verifier, return path and
// expiry (10 minutes) travel in the praksis_login cookie, encrypted and
// authenticated with AES-256-GCM under [Config.LoginKey], so no number of
// logins started can exhaust the server. A callback whose cookie is
// missing, changed, made under another key or expired is 400, and so is a
// callback replayed after its login completed: the server remembers the
// logins the provider completed (and only those) until they would have
// expired. Instances behind one
// address share the key. The ID token must carry an accepted acr (by
// default idporten-loa-high) and a pid claim, the national identity number
// of a person known to praksis; anyone else is refused with 403.
//
// # Invitations
//
// A site's users arrive by invitation ([invite.Service]): an e-mail whose
// link is /auth/invitation/{token} on the server's public address. The
// link starts the same OpenID Connect login as /auth/login, with the token
// sealed in the login cookie beside the login's state; the callback then
// accepts the invitation for the national identity number the login proved,
// instead of looking for a known person, and starts a session for the
// person who accepted it. A link that is not valid is 404, an invitation
// that is used, expired, revoked or replaced 409, and one made for another
// number 403. A token not in its form (43 characters of base64url) is 404
// before anything else is done. The token is a secret: it travels only in
// the link and, sealed, in the login cookie; the request log and every
// problem show the path as /auth/invitation/…, and no problem quotes it.
// With the development login on, POST /auth/dev-accept accepts an
// invitation for any number, as if ID-porten had proved it.
//
// National identity numbers never appear in a log line or a response:
// every text from outside that the server logs or answers (the path, the
// name of an unknown field or query parameter, the cause of a failure) goes
// through [practice.MaskNationalIDs], the identity provider's error is
// repeated only when it is a plain OAuth error code, and the service shows
// a person's number only to those who may see it (others see hasNationalId).
//
// # Errors
//
// Every error, including a refusal of a malformed request, an unknown
// route or method, a cross-origin refusal and a panic, is answered as
// application/problem+json (RFC 9457) with type, title, status, detail,
// instance (the request path, masked) and requestId (also sent as
// X-Request-Id and logged). Failures of input add "errors", a list of
// {"field", "rule", "message"}: a field of the body is named by its JSON
// path, such as "presentation.email" or "profile.teaches[1]"; a query
// parameter by its name. No problem quotes a value from the request (but
// for an OAuth error code or login level the identity provider sent, when
// it is a plain code), and the detail of a domain error is
// practice.Message, never the text of a chain of Go errors.
//
//	400 urn:praksis:problem:bad-request        a body that is empty, malformed JSON, more than one JSON
//	                                            value or not an object; a field the body does not have
//	                                            (rule "unknown"); a query parameter that is unknown (rule
//	                                            "unknown") or not in its form, or that the service refuses
//	401 urn:praksis:problem:unauthenticated    not logged in (where the service refuses an anonymous
//	                                            request), an unknown bearer token, a refused login
//	403 urn:praksis:problem:forbidden          logged in, but the service refuses; a cross-origin change
//	404 urn:praksis:problem:not-found          no such resource or route, or a path parameter not in
//	                                            its form (an ID that is not a UUID names nothing)
//	405 urn:praksis:problem:method-not-allowed
//	408 urn:praksis:problem:timeout            the body did not arrive in time
//	409 urn:praksis:problem:conflict           a stale version or a duplicate
//	413 urn:praksis:problem:too-large          a request body over 1 MiB; a document over the largest
//	                                            size (field "file", rule "max-size")
//	415 urn:praksis:problem:unsupported-media-type  a body that is not application/json, or for a
//	                                            document not multipart/form-data
//	422 urn:praksis:problem:validation         a value of the body of the wrong JSON type (rule "type"),
//	                                            a date not YYYY-MM-DD ("date"), an ID not a UUID
//	                                            ("uuid"), a missing field ("required"), a string that
//	                                            is not valid UTF-8 ("utf8", checked before the body is
//	                                            decoded, which would replace the bytes silently), or
//	                                            input that breaks a rule of the domain; see "errors"
//	500 urn:praksis:problem:internal           anything else; the cause is logged, not sent
//	503 urn:praksis:problem:unavailable        GET /healthz: the store does not answer
//
// Validation failures are 422 rather than 400: the request was well-formed
// JSON of the right shape, and a client can tell "fix your JSON" (400) from
// "fix the values" (422) by status alone.
package httpapi
