// Package practice is the shared kernel of praksis: the identifiers, dates and
// periods, institutions (study sites), practice organisations and their
// effective-dated place trees, people with their rights and roles, the actor
// whose rights every service checks, and the domain errors.
//
// The package is pure: it imports no storage adapter, database driver or
// net/http. The use cases run in a [Service] over the small [Store] interface
// declared here; the adapters in storage/ implement it.
//
// # Place structure
//
// Each [Organisation] owns a tree of places (department, unit, ... to any
// depth). The structure of a place (its name, its parent and whether it is
// closed) is effective-dated: every change is a new [PlaceVersion] valid from
// a date, history is never overwritten, and [BuildTree] reads the tree as of
// any date. A place's presentation (description, address, e-mail, phone,
// picture) is its current state, edited with optimistic concurrency.
//
// # Rights
//
// A person holds at most one [Right] at an organisation: [Read] sees the
// students allocated to the site, [Write] also receives orders and returns
// capacity, [Admin] also manages the site's users and place information. At an
// institution a person holds [StaffRole]s. An [Actor] is who is acting; every
// service method takes one and checks it.
//
// # Errors
//
// Service methods return errors for which errors.Is reports [ErrNotFound],
// [ErrConflict] (a stale version or a duplicate), [ErrForbidden], or
// errors.As finds a *[ValidationError] listing each field and the rule it
// breaks. Bad input changes nothing. National identity numbers never appear
// in an error message or a log line.
package practice
