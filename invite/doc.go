// Package invite will own invitations: the study site invites a practice
// site's first administrator, who then invites colleagues with admin, write or
// read rights through expiring e-mailed links; the deadline policy (7 days,
// or 14 days with a reminder after 7 for invitations without a national
// identity number); single-use tokens; and binding the user's national
// identity number at the first login through ID-porten.
//
// Like every domain package it imports only practice and the standard
// library, and declares the small store interface it consumes.
package invite
