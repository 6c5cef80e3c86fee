// Package practice is the shared kernel of praksis: the identifiers, dates and
// periods, institutions (study sites), practice organisations and their
// effective-dated place trees, people with their rights and roles, the actor
// whose rights every service checks, and the domain errors.
//
// The package is pure: it imports no storage adapter, database driver or
// net/http. The use cases run in a [Service] over the [Store] interface
// declared here, which joins one small interface per area
// ([InstitutionStore], [PlaceStore], [PersonStore] ...) with a [Transactor]
// and a [Locker]; the adapters in storage/ implement them, and the store
// contract is documented once, in store.go. The domain packages to come
// declare their own store interfaces the same way, so one transaction can
// span packages.
//
// # Getting started
//
// An empty store has no study site and nobody to act; the system actor
// ([SystemActor], for start-up tasks and operators' tools, never for a
// user's request) makes the first ones. See the package example.
//
// # Place structure
//
// Each [Organisation] owns a tree of places (department, unit, ... to any
// depth). The structure of a place (its name, its parent and whether it is
// closed) is effective-dated: every change is a new [PlaceVersion] valid from
// a date (From), history is never overwritten, and [BuildTree] reads the
// tree as of any date. A place's presentation (description, address,
// e-mail, phone, picture) is its current state, edited with optimistic
// concurrency.
//
// # Rights
//
// A person holds at most one [Right] at an organisation: [Read] sees the
// students allocated to the site, [Write] also receives orders and returns
// capacity, [Admin] also manages the site's users and place information. At an
// institution a person holds [StaffRole]s: [Administrator], [Planner],
// [Teacher]. An [Actor] is who is acting; every service method takes one and
// checks it. A person's national identity number is shown (masked, as
// always) only to the person and to those with a need ([Actor.CanSeeNationalID]);
// others learn only whether one is registered.
//
// # Lists
//
// Every list is paged: a [PageRequest] asks for at most Limit items after a
// [Cursor], and a [Page] answers them with the cursor of the next page.
//
// # Input
//
// Every input a service stores, and every text it looks up by (a filter, a
// cursor, an e-mail to log in with), is checked before it reaches the
// store: text must be valid UTF-8 without control characters (NUL among
// them) or bidirectional overrides, names must be visible, dates must lie
// from [FirstDate] to [LastDate], an organisation number must be one
// Brønnøysundregistrene could issue, and a picture must be an https URL or
// a file under /media/ on the server. [Validate] checks a struct of input.
//
// # Errors
//
// Service methods return errors for which errors.Is reports [ErrNotFound],
// [ErrConflict] (a stale version or a taken unique value) or [ErrForbidden],
// each an *[Error] told in the domain's words, or a *[ValidationError]
// listing each field and the rule it breaks. Bad input changes nothing.
// [Message] gives the only text of an error a user may read; any other error
// comes from the store and is for logs. No message quotes text the caller
// gave (only IDs and dates), so a national identity number can never appear
// in one, and [MaskNationalIDs] masks them in any text from outside that a
// log line may show.
package practice
