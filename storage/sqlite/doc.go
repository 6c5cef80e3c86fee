// Package sqlite is the embedded storage adapter of praksis: it implements
// [practice.Store] on a single SQLite file, through bun and the pure-Go
// driver modernc.org/sqlite, so it builds without cgo. It is the default
// store of the example server.
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
// with SQLITE_BUSY. A write made outside a transaction waits for the write
// lock up to the busy timeout (10 s).
//
// A pool of one connection would serialise everything more simply, but then
// a read outside a transaction would wait for every running transaction, and
// a read made with the outer context inside an InTx callback would wait for
// its own transaction for ever. With WAL and several connections such a
// read runs at once and sees what was committed before the transaction.
// (Writes inside a callback must use the callback's context, as
// [practice.Store] requires: a write with the outer context waits for the
// transaction around it and fails with SQLITE_BUSY after the busy timeout.)
//
// # Errors
//
// Driver errors are translated in one place: a missing row is
// [practice.ErrNotFound]; a taken primary key or unique value (a code, an
// organisation number, an e-mail, a national identity number, a second place
// version on the same date) is [practice.ErrConflict]; a reference to a row
// that does not exist (a foreign key) is [practice.ErrNotFound]. An update
// with a stale version is [practice.ErrConflict]. The driver's error stays in
// the chain, so errors.As with a *sqlite.Error of modernc.org/sqlite still
// works. No error carries a national identity number: SQLite names the
// column of a broken constraint, never the value.
//
// # Migrations
//
// [Store.Migrate] applies the SQL files of [Migrations] in name order, each
// in one transaction, and records each applied file by name (without .sql) in
// the table praksis_migration. It is idempotent and safe to call on every
// start-up, also from several processes at once. To run the migrations with
// your own tool instead, read the files from [Migrations]: each is a
// forward-only migration to apply whole, once, in name order; record them in
// your tool's own table and do not call Migrate.
package sqlite
