// Package sqlite is the embedded storage adapter of praksis: [Store]
// implements [practice.Store] on a single SQLite file, through bun and the
// pure-Go driver modernc.org/sqlite, so it builds without cgo. The store
// contract is documented once, in package practice; this package adds only
// how SQLite keeps it. It is the default store of the example server.
//
// Open a store, apply the migrations and hand it to the services:
//
//	store, err := sqlite.Open(ctx, "var/praksis.db")
//	if err != nil { ... }
//	defer store.Close()
//	if err := store.Migrate(ctx); err != nil { ... }
//	svc := practice.NewService(store)
//
// # Concurrency
//
// The database runs in WAL mode with a small pool of connections: readers
// never wait for a writer and see the last committed state. SQLite allows one
// writer at a time, so every transaction that [Store.InTx] starts begins with
// BEGIN IMMEDIATE (the DSN sets _txlock=immediate) and takes the write lock
// up front; transactions of one Store also queue in process before they take
// a connection. A transaction therefore never fails half-way because another
// one wrote first, and concurrent writers wait their turn instead of failing
// with SQLITE_BUSY. The same write lock is why [Store.Lock] has nothing to
// do but check its context. A write made outside a transaction waits for
// the write lock up to the busy timeout (10 s).
//
// [Store.InSnapshot] begins a read-only transaction, which the driver
// begins deferred: it takes no write lock, neither waits for nor holds up
// writers, and in WAL mode reads one snapshot of the database, taken when
// it begins. A write with its context is refused before it reaches SQLite,
// which would otherwise turn the snapshot into a write transaction.
//
// A pool of one connection would serialise everything more simply, but then
// a read outside a transaction would wait for every running transaction, and
// a read made with the outer context inside an InTx callback would wait for
// its own transaction for ever. With WAL and several connections such a
// read runs at once and sees what was committed before the transaction.
// (Writes inside a callback must use the callback's context, as the
// contract requires: a write with the outer context waits for the
// transaction around it and fails with SQLITE_BUSY after the busy timeout.)
//
// # Transactions of your own
//
// To make the store's writes part of a transaction of the embedding
// application, begin it on [Store.DB] and pass the context [Store.WithTx]
// returns: store calls made with it run in that transaction, and InTx runs
// in a savepoint of it. The application commits or rolls it back.
//
// # Errors
//
// Driver errors are translated in one place, into the *practice.Error
// values the contract names, with the driver's error as their cause, so
// errors.As with a *sqlite.Error of modernc.org/sqlite still works. No
// error carries a national identity number: SQLite names the columns of a
// broken constraint, never the values.
//
// # Migrations
//
// [Store.Migrate] applies the up migrations of [Migrations] in version
// order, each in one transaction together with its record in the table
// praksis_migration, whose shape package internal/migrate
// documents for both SQL adapters. It is idempotent and safe to call on
// every start-up, also from several processes at once. A database made by
// an earlier release of this adapter, which recorded its migrations in a
// table of another shape, is adopted as it is: Migrate converts the table
// and goes on with the data kept.
//
// To run the migrations with your own tool instead, read the files from
// [Migrations]: they follow golang-migrate's naming (NNNN_name.up.sql and
// NNNN_name.down.sql), each up file to apply whole, once, in version
// order. Call [Store.Backfill] once they are applied, for what SQL cannot
// compute; do not call Migrate, for your tool keeps its own records.
package sqlite
