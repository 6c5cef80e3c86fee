// Package agreement will own the agreements between a study site and a
// practice organisation: which of the organisation's places they cover, from
// a start date to an optional end date, with the signed document attached;
// whether a place is covered for a whole activity period; the impact of a
// restructured place tree on agreements and orders; and a consistency report
// of where structure, orders and agreements no longer match.
//
// Like every domain package it imports only practice and the standard
// library, and declares the small store interface it consumes.
package agreement
