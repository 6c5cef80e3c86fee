package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/praksis/praksis/internal/migrate"
	"github.com/praksis/praksis/practice"
)

//go:embed migration/*.sql
var migrationFiles embed.FS

// Migrations holds the schema's migrations as SQL files at its root, named
// NNNN_name.up.sql and NNNN_name.down.sql with NNNN the version (the naming
// golang-migrate reads). [Store.Migrate] applies the up files; read them
// here to run them with your own tool.
var Migrations fs.FS = mustSub(migrationFiles, "migration")

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err) // dir is a constant that the embed directive guarantees
	}
	return sub
}

// migrationLockID is the key of the transaction-level advisory lock each
// migration's transaction holds, so that processes migrating at once take
// turns. It is the first eight bytes of "praksis!" read as a big-endian
// integer.
const migrationLockID int64 = 0x7072616b73697321

// Migrate brings the schema up to date: it applies, in order, each up
// migration of [Migrations] that the table praksis_migration does not
// record, each in a transaction of its own, under an advisory lock, with
// its record (the runner of internal/migrate). With nothing to
// apply it changes nothing, so call it on every start-up, from as many
// processes as you like. Databases migrated by earlier versions of this
// package, which recorded version 1 as 001_kernel.up.sql, go on from
// version 2, with the record renamed to the file's name now.
//
// Then it brings the tables of the outbox, River's, to the version of
// River's schema this package is pinned to (8, the last of River v0.51.2),
// with River's own migrations (package rivermigrate), each in a
// transaction of its own under the same lock; River records them in its
// table river_migration. An application that applies [Migrations] with its
// own tool runs River's migrations too, to that version (rivermigrate, or
// the river command's migrate-up with --target-version). Nothing here
// migrates down; River's down migrations come with River.
//
// The tables are made in the first schema of the connections' search_path,
// River's too.
func (s *Store) Migrate(ctx context.Context) error {
	ms, err := migrate.Load(Migrations)
	if err != nil {
		return err
	}
	if _, err = migrate.Up(ctx, migrator{s}, ms); err != nil {
		return err
	}
	if err := migrateOutbox(ctx, migrator{s}.inFreshLockedTx); err != nil {
		return err
	}
	return s.Backfill(ctx)
}

// Backfill stores what the migrations do not compute in SQL: the search
// key (practice.SearchKey) of each person stored before migration 0002,
// which that migration leaves NULL because lower() folds letters beyond
// ASCII only in some locales. Until it runs, no search finds those people.
// [Store.Migrate] runs it; an application that applies [Migrations] with
// its own tool calls it once the files are applied. It is idempotent, and
// cheap when there is nothing to do.
func (s *Store) Backfill(ctx context.Context) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		v, _ := s.txOf(ctx)
		rows, err := v.tx.Query(ctx, `SELECT id, name, email FROM people WHERE search_key IS NULL FOR UPDATE`)
		if err != nil {
			return interpretError(err, "")
		}
		type person struct {
			ID    practice.ID
			Name  string
			Email string
		}
		people, err := pgx.CollectRows(rows, pgx.RowToStructByPos[person])
		if err != nil {
			return interpretError(err, "")
		}
		for _, p := range people {
			key := practice.SearchKey(practice.Person{Name: p.Name, Email: p.Email})
			if _, err := v.tx.Exec(ctx, `UPDATE people SET search_key = $2 WHERE id = $1`, p.ID, key); err != nil {
				return interpretError(err, "")
			}
		}
		return nil
	})
}

// migrator is the store as the migration runner uses it.
type migrator struct{ s *Store }

// InLockedTx implements migrate.DB with inLockedTx.
func (m migrator) InLockedTx(ctx context.Context, fn func(ctx context.Context, tx migrate.Tx) error) error {
	return m.inLockedTx(ctx, func(ctx context.Context, tx pgx.Tx) error { return fn(ctx, migrationTx{tx}) })
}

// inLockedTx runs fn in a transaction of InTx that holds the migration
// lock, pg_advisory_xact_lock(migrationLockID).
func (m migrator) inLockedTx(ctx context.Context, fn func(ctx context.Context, tx pgx.Tx) error) error {
	return m.s.InTx(ctx, func(ctx context.Context) error {
		v, _ := m.s.txOf(ctx)
		if _, err := v.tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLockID); err != nil {
			return fmt.Errorf("lock: %w", interpretError(err, ""))
		}
		return fn(ctx, v.tx)
	})
}

// inFreshLockedTx runs fn as inLockedTx does, after taking the lock a read
// of praksis_migration takes (the migrations before made the table):
// taking a table's lock makes the connection take in the changes of the
// catalogue that transactions committed while it waited for the migration
// lock, such as River's tables made by the process that held it before.
// River's migrator looks for its tables by name (to_regclass), which may
// otherwise answer from the connection's cache that they are missing.
func (m migrator) inFreshLockedTx(ctx context.Context, fn func(ctx context.Context, tx pgx.Tx) error) error {
	return m.inLockedTx(ctx, func(ctx context.Context, tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `LOCK TABLE `+migrate.Table+` IN ACCESS SHARE MODE`); err != nil {
			return interpretError(err, "")
		}
		return fn(ctx, tx)
	})
}

// migrationTx implements migrate.Tx in one transaction.
type migrationTx struct{ tx pgx.Tx }

// CreateTable creates the bookkeeping table if it does not exist, and
// renames the record of a database migrated by earlier versions of this
// package, which named version 1 001_kernel.up.sql, to the file's name
// now, so that every database records the same names.
func (t migrationTx) CreateTable(ctx context.Context) error {
	_, err := t.tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS `+migrate.Table+` (
		version    integer     PRIMARY KEY,
		name       text        NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now()
	)`)
	if err != nil {
		return interpretError(err, "")
	}
	_, err = t.tx.Exec(ctx, `UPDATE `+migrate.Table+` SET name = '0001_kernel.up.sql' WHERE version = 1 AND name = '001_kernel.up.sql'`)
	return interpretError(err, "")
}

func (t migrationTx) Applied(ctx context.Context) ([]int, error) {
	rows, err := t.tx.Query(ctx, `SELECT version FROM `+migrate.Table)
	if err != nil {
		return nil, interpretError(err, "")
	}
	versions, err := pgx.CollectRows(rows, pgx.RowTo[int])
	return versions, interpretError(err, "")
}

// Exec runs script without arguments, so pgx sends it with the simple
// protocol, which runs a script of several statements.
func (t migrationTx) Exec(ctx context.Context, script string) error {
	_, err := t.tx.Exec(ctx, script)
	return interpretError(err, "")
}

func (t migrationTx) Record(ctx context.Context, m migrate.Migration, at time.Time) error {
	_, err := t.tx.Exec(ctx, `INSERT INTO `+migrate.Table+` (version, name, applied_at) VALUES ($1, $2, $3)`, m.Version, m.Name, at)
	return interpretError(err, "")
}
