package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/praksis/praksis/internal/migrate"
	"github.com/praksis/praksis/practice"
)

//go:embed migration/*.sql
var migrationFiles embed.FS

// Migrations holds the SQL migrations of the schema at the root of the file
// system, named as golang-migrate names them: NNNN_name.up.sql applies
// migration NNNN, NNNN_name.down.sql undoes it. Apply the up files in
// version order, each whole and once; [Store.Migrate] does so. They are
// exposed so that an application can run them with its own migration tool;
// see the package documentation for what such a tool must do besides.
var Migrations fs.FS = mustSub(migrationFiles, "migration")

func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err)
	}
	return sub
}

// Migrate brings the schema up to date: it applies, in version order, each
// up migration of [Migrations] that the table praksis_migration does not
// record, each in an immediate transaction of its own together with its
// record, and then runs [Store.Backfill]. A failed migration leaves nothing
// of itself behind, and the ones before it stay applied. Migrate is
// idempotent and safe to call on every start-up: a second call finds
// everything applied and changes nothing, and concurrent calls (from
// several processes too) queue on the write lock and apply each migration
// once.
//
// A database made by the first releases of this adapter records its
// migrations in a table of another shape; Migrate converts that table, in
// the transaction of the first migration, and goes on from there.
//
// Then it brings the tables of the outbox, River's, to the version of
// River's schema this package is pinned to (8, the last of River v0.51.2),
// with River's own migrations (package rivermigrate), each in an immediate
// transaction of its own; River records them in its table river_migration.
// An application that applies [Migrations] with its own tool runs River's
// migrations too, to that version. Nothing here migrates down; River's
// down migrations come with River.
func (s *Store) Migrate(ctx context.Context) error {
	ms, err := migrate.Load(Migrations)
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	if _, err := migrate.Up(ctx, migrator{s}, ms); err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	if err := s.migrateOutbox(ctx); err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	return s.Backfill(ctx)
}

// Backfill stores what the migrations cannot compute in SQL: the search
// key (practice.SearchKey) of each person stored before migration 0002,
// which that migration leaves NULL because SQLite's lower() folds only
// ASCII letters. Until it runs, no search finds those people. [Store.Migrate]
// runs it; an application that applies [Migrations] with its own tool calls
// it once the files are applied. It is idempotent, and cheap when there is
// nothing to do.
func (s *Store) Backfill(ctx context.Context) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		db, err := s.writer(ctx)
		if err != nil {
			return err
		}
		var people []personRow
		err = db.NewSelect().Model(&people).Column("id", "name", "email").Where("search_key IS NULL").Scan(ctx)
		if err != nil {
			return interpretError(err, "")
		}
		for _, p := range people {
			key := practice.SearchKey(practice.Person{Name: p.Name, Email: p.Email})
			_, err := db.NewUpdate().Table("people").Set("search_key = ?", key).Where("id = ?", p.ID).Exec(ctx)
			if err != nil {
				return interpretError(err, "")
			}
		}
		return nil
	})
}

// migrationTable is the bookkeeping table in the shape package migrate
// documents.
const migrationTable = `CREATE TABLE IF NOT EXISTS ` + migrate.Table + ` (
    version    INTEGER NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL,
    applied_at TEXT    NOT NULL
) STRICT`

// migrator is the store as package migrate's DB: its locked transaction is
// an InTx transaction, which holds SQLite's write lock from its BEGIN
// IMMEDIATE on.
type migrator struct{ s *Store }

// InLockedTx implements migrate.DB.
func (m migrator) InLockedTx(ctx context.Context, fn func(ctx context.Context, tx migrate.Tx) error) error {
	return m.s.InTx(ctx, func(ctx context.Context) error {
		t, _ := m.s.txOf(ctx)
		// The raw *sql.Tx runs the statements, so bun does not read a '?'
		// in a script as a placeholder.
		return fn(ctx, migrationTx{t.tx.Tx})
	})
}

// migrationTx implements migrate.Tx on one transaction. Its errors are
// the driver's, as they are: a migration that fails is the operator's to
// read (a unique index that the stored rows break, say), not a refusal in
// the domain's words, and Migrate names the file and the adapter.
type migrationTx struct{ tx *sql.Tx }

// CreateTable implements migrate.Tx. It creates the bookkeeping table, or
// adopts the legacy one (see adopt).
func (t migrationTx) CreateTable(ctx context.Context) error {
	var versionType string
	err := t.tx.QueryRowContext(ctx,
		`SELECT type FROM pragma_table_info(?) WHERE name = 'version'`, migrate.Table).Scan(&versionType)
	switch {
	case errors.Is(err, sql.ErrNoRows): // no table yet
		_, err = t.tx.ExecContext(ctx, migrationTable)
		return err
	case err != nil:
		return err
	case strings.EqualFold(versionType, "INTEGER"):
		return nil
	}
	return t.adopt(ctx)
}

// legacyVersion matches a version in the legacy bookkeeping table: the
// name of a migration file without ".sql", as in 0001_kernel.
var legacyVersion = regexp.MustCompile(`^([0-9]{4})_[a-z0-9_]+$`)

// adopt converts the bookkeeping table of the adapter's first releases,
// praksis_migration(version TEXT PRIMARY KEY, applied_at TEXT), whose
// version is a file name without ".sql" (0001_kernel, the only migration
// they had), into the table package migrate reads: each row becomes the
// version NNNN with the name of its up file (0001_kernel.up.sql) and the
// time it was applied. It runs in the transaction of the first migration,
// so the conversion and what follows commit or roll back together.
func (t migrationTx) adopt(ctx context.Context) error {
	type record struct {
		version int
		name    string
		at      string
	}
	rows, err := t.tx.QueryContext(ctx, `SELECT version, applied_at FROM `+migrate.Table+` ORDER BY version`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var records []record
	for rows.Next() {
		var version string
		var at sql.NullString
		if err := rows.Scan(&version, &at); err != nil {
			return err
		}
		m := legacyVersion.FindStringSubmatch(version)
		if m == nil {
			return fmt.Errorf("%s records the migration %q, which is not one of this adapter's", migrate.Table, version)
		}
		n, _ := strconv.Atoi(m[1])
		if !at.Valid {
			at.String = formatTime(time.Now())
		}
		records = append(records, record{version: n, name: version + ".up.sql", at: at.String})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if _, err := t.tx.ExecContext(ctx, `DROP TABLE `+migrate.Table); err != nil {
		return err
	}
	if _, err := t.tx.ExecContext(ctx, migrationTable); err != nil {
		return err
	}
	for _, r := range records {
		if err := t.record(ctx, r.version, r.name, r.at); err != nil {
			return err
		}
	}
	return nil
}

// Applied implements migrate.Tx.
func (t migrationTx) Applied(ctx context.Context) ([]int, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT version FROM `+migrate.Table+` ORDER BY version`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var versions []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		versions = append(versions, v)
	}
	return versions, rows.Err()
}

// Exec implements migrate.Tx.
func (t migrationTx) Exec(ctx context.Context, script string) error {
	_, err := t.tx.ExecContext(ctx, script)
	return err
}

// Record implements migrate.Tx.
func (t migrationTx) Record(ctx context.Context, m migrate.Migration, at time.Time) error {
	return t.record(ctx, m.Version, m.Name, formatTime(at))
}

// record records the migration version, in the file name, as applied at
// the time at (RFC 3339 text).
func (t migrationTx) record(ctx context.Context, version int, name, at string) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO `+migrate.Table+` (version, name, applied_at) VALUES (?, ?, ?)`,
		version, name, at)
	return err
}
