// Package postgres stores praksis in PostgreSQL through pgx/v5. [Store]
// implements [practice.Store]; it holds no business rule, only the
// translation between the domain's values and SQL. Fixed statements are
// plain SQL, the filtered lists are built with squirrel.
//
// Open a store from a connection URL, or hand [New] a *pgxpool.Pool you
// configured yourself, and bring the schema up to date before use:
//
//	store, err := postgres.Open(ctx, "postgres://praksis@db.example.no/praksis")
//	if err != nil { ... }
//	defer store.Close()
//	if err := store.Migrate(ctx); err != nil { ... }
//
// # Migrations
//
// The schema ships embedded as numbered SQL files, exposed as [Migrations]
// (001_kernel.up.sql, 001_kernel.down.sql, ...). [Store.Migrate] applies the
// .up.sql files that are not yet applied, in order, each recorded in the
// table praksis_migration, all in one transaction under an advisory lock, so
// it is safe to call on every start-up, from several processes at once.
//
// To run the migrations with your own tool instead, read them from
// [Migrations]: the files follow golang-migrate's naming
// (NNN_name.up.sql / NNN_name.down.sql), so for example
//
//	src, err := iofs.New(postgres.Migrations, ".")
//
// gives golang-migrate a source. A tool other than Migrate does not write
// praksis_migration; do not mix the two on one database.
//
// # Transactions
//
// [Store.InTx] runs a callback in one transaction and passes it a context
// that carries the transaction; every Store method called with that context
// runs in it. To make the store's writes part of a transaction of your own,
// pass the context [Store.WithTx] returns. Store calls in one transaction
// must not run concurrently: a pgx.Tx serves one statement at a time.
//
// After a statement fails inside a transaction, PostgreSQL rejects every
// later statement of that transaction, so a callback should return the
// first error it gets from the store.
//
// # Errors
//
// Every driver error is translated in one place. A missing row or a
// reference to a missing record (a foreign key violation) gives an error
// for which errors.Is reports [practice.ErrNotFound]; a duplicate unique
// value gives [practice.ErrConflict], and so does a stale version in an
// update. Server errors stay reachable with errors.As as *pgconn.PgError.
// Error messages never contain a national identity number: they name the
// constraint, never the values (pgconn's Detail, which quotes them, is left
// out).
//
// Names are ordered byte-wise (COLLATE "C"), as Go compares strings, so
// every adapter lists in the same order whatever the database's locale.
package postgres
