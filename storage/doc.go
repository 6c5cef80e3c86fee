// Package storage holds the storage adapters of praksis, one subpackage each,
// and the conformance suite they all pass:
//
//   - storage/memory: in memory, for unit tests and simulations;
//   - storage/postgres: PostgreSQL through pgx/v5, with squirrel for dynamic
//     queries;
//   - storage/sqlite: an embedded single-file SQLite database through bun
//     and a pure-Go driver, the example server's default;
//   - storage/storagetest: the conformance suite, one exported entry per
//     domain area (RunPractice, ...), that every adapter's own test runs.
//
// The adapters implement the small store interfaces the domain packages
// declare (practice.Store and its parts), whose contract is documented
// there, once. They hold no business rules: they store and load what the
// services give them, translate driver errors to the domain's errors in one
// place, and ship their migrations embedded. Every adapter has the same file
// per area (institution.go, organisation.go, place.go, person.go,
// membership.go, staff.go ...), so a new area is new files, never a longer
// file. The SQL adapters share one migration scheme (internal/migrate):
// files named NNNN_name.up.sql and NNNN_name.down.sql, one runner, and one
// bookkeeping table, praksis_migration.
package storage
