package sqlite

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"
)

//go:embed migration/*.sql
var migrationFiles embed.FS

// Migrations holds the SQL migrations of the schema, one file per migration
// at the root of the file system, named NNNN_what.sql. Apply them in name
// order, each whole and once; [Store.Migrate] does so. They are exposed so
// that an application can run them with its own migration tool.
var Migrations fs.FS = mustSub(migrationFiles, "migration")

func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err)
	}
	return sub
}

// migrationTable records the applied migrations, by file name without .sql.
const migrationTable = `CREATE TABLE IF NOT EXISTS praksis_migration (
    version    TEXT NOT NULL PRIMARY KEY,
    applied_at TEXT NOT NULL
) STRICT`

// Migrate brings the schema up to date: it applies, in name order, each
// migration of [Migrations] that is not yet recorded in the table
// praksis_migration, and records it. Each migration runs in its own
// transaction together with its record, so a failed migration leaves
// nothing behind and the ones before it stay applied. Migrate is idempotent
// and safe to call on every start-up: a second call finds everything applied
// and changes nothing, and concurrent calls (from several processes too)
// queue on the write lock and apply each migration once.
func (s *Store) Migrate(ctx context.Context) error {
	names, err := fs.Glob(Migrations, "*.sql")
	if err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := s.migrate(ctx, name); err != nil {
			return fmt.Errorf("sqlite: migrate %s: %w", name, err)
		}
	}
	return nil
}

// migrate applies the migration file name unless it is recorded as applied.
func (s *Store) migrate(ctx context.Context, name string) error {
	script, err := fs.ReadFile(Migrations, name)
	if err != nil {
		return err
	}
	version := strings.TrimSuffix(path.Base(name), ".sql")
	return s.InTx(ctx, func(ctx context.Context) error {
		tx, _ := s.tx(ctx)
		// The raw *sql.Tx runs the scripts, so bun does not read a '?' in
		// them as a placeholder.
		if _, err := tx.Tx.ExecContext(ctx, migrationTable); err != nil {
			return interpretError(err)
		}
		var n int
		row := tx.Tx.QueryRowContext(ctx, `SELECT count(*) FROM praksis_migration WHERE version = ?`, version)
		if err := row.Scan(&n); err != nil {
			return interpretError(err)
		}
		if n > 0 {
			return nil
		}
		if _, err := tx.Tx.ExecContext(ctx, string(script)); err != nil {
			return interpretError(err)
		}
		_, err := tx.Tx.ExecContext(ctx, `INSERT INTO praksis_migration (version, applied_at) VALUES (?, ?)`,
			version, formatTime(time.Now()))
		return interpretError(err)
	})
}
