// Package capacity will own orders and offers: a study site orders N places
// of a practice activity from a place that an agreement covers for the whole
// period; the site's coordinator answers with the capacity offered and
// confirms it, which notifies the study site's practice administrator; and
// need is weighed against capacity, including overbooking.
//
// Like every domain package it imports only practice and the standard
// library, and declares the small store interface it consumes.
package capacity
