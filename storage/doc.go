// Package storage holds the storage adapters of praksis, one subpackage each,
// and the conformance suite they all pass:
//
//   - storage/memory: in memory, for unit tests and simulations;
//   - storage/postgres: PostgreSQL through pgx/v5, with squirrel for dynamic
//     queries;
//   - storage/sqlite: an embedded single-file SQLite database through bun
//     and a pure-Go driver, the example server's default;
//   - storage/storagetest: the conformance suite every adapter's own test
//     runs.
//
// The adapters hold no business rules: they store and load what the domain
// services give them, translate driver errors to the domain's sentinel errors
// in one place, and ship their migrations embedded.
package storage
