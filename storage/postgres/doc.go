// Package postgres stores praksis in PostgreSQL through pgx/v5. [Store]
// implements practice.Store; the contract, what every method does and
// returns, is documented there, beside the interfaces, and
// storage/storagetest checks it. The package holds no business rule, only
// the translation between the domain's values and SQL: fixed statements
// are plain SQL, the filtered lists are built with squirrel.
//
// Open a store from a connection URL, or hand [New] a *pgxpool.Pool you
// configured yourself, and bring the schema up to date before use:
//
//	store, err := postgres.Open(ctx, "postgres://praksis@db.example.no/praksis")
//	if err != nil { ... }
//	defer store.Close()
//	if err := store.Migrate(ctx); err != nil { ... }
//
// [Store.Close] closes the pool that Open made; a pool given to New stays
// yours to close.
//
// # Migrations
//
// The schema ships embedded as numbered SQL files, exposed as [Migrations]
// (0001_kernel.up.sql, 0001_kernel.down.sql, ...). [Store.Migrate] applies
// the .up.sql files that are not yet applied, in order, each in a
// transaction of its own under an advisory lock and recorded in the table
// praksis_migration, so it is safe to call on every start-up, from several
// processes at once. Databases that earlier versions of this package
// migrated go on from where they are.
//
// To run the migrations with your own tool instead, read them from
// [Migrations]: the files follow golang-migrate's naming
// (NNNN_name.up.sql / NNNN_name.down.sql), so for example
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
// runs in it, and InTx called with it runs in a savepoint. To make the
// store's writes part of a transaction of your own, pass the context
// [Store.WithTx] returns. Store calls in one transaction must not run
// concurrently: a pgx.Tx serves one statement at a time.
//
// After a statement fails inside a transaction, PostgreSQL rejects every
// later statement of that transaction until it rolls back, so a callback
// should return the first error it gets from the store; a nested InTx
// whose callback swallowed one returns an error, and rolls back its
// savepoint so that the transaction around it goes on.
//
// [Store.InSnapshot] reads in a read-only transaction at the repeatable
// read level. [Store.Lock] takes a transaction-level advisory lock, so it
// serialises every process that uses the database.
//
// # Errors
//
// Every driver error is translated in one place. A missing row, or a
// reference to a missing record (a foreign key violation), is a
// *practice.Error with the code practice.ErrNotFound; a duplicate unique
// value is a *practice.Error with the code practice.ErrConflict that names
// the field whose value is taken. These say what happened in the domain's
// words, and keep the server's error as their cause, reachable with
// errors.As as *pgconn.PgError. Other server errors keep the server's
// message for logs. No message contains a national identity number:
// pgconn's Detail, which quotes the values of a row, is left out.
//
// # Order
//
// Names are ordered byte-wise (COLLATE "C"), as Go compares strings, so
// every adapter lists in the same order whatever the database's locale.
// E-mail keys and search keys are computed in Go for the same reason: SQL's
// lower() folds case by the database's locale.
package postgres
