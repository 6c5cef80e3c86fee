package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

//go:embed migration/*.sql
var migrationFiles embed.FS

// Migrations holds the schema's migrations as SQL files at its root, named
// NNN_name.up.sql and NNN_name.down.sql with NNN the version. [Store.Migrate]
// applies the up files; read them here to run them with your own tool.
var Migrations fs.FS = mustSub(migrationFiles, "migration")

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err) // dir is a constant that the embed directive guarantees
	}
	return sub
}

// migrationLockID is the key of the transaction-level advisory lock Migrate
// holds, so that processes migrating at once take turns. It is the first
// eight bytes of "praksis!" read as a big-endian integer.
const migrationLockID int64 = 0x7072616b73697321

// migration is one up migration.
type migration struct {
	version int
	name    string // the file name
	sql     string
}

// upMigrations returns the up migrations of fsys, ordered by version.
func upMigrations(fsys fs.FS) ([]migration, error) {
	names, err := fs.Glob(fsys, "*.up.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	seen := map[int]string{}
	for _, name := range names {
		prefix, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(prefix)
		if !ok || err != nil || v < 1 {
			return nil, fmt.Errorf("postgres: migration %s: the name must start with a version number and '_'", name)
		}
		if other, dup := seen[v]; dup {
			return nil, fmt.Errorf("postgres: migrations %s and %s have the same version", other, name)
		}
		seen[v] = name
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: name, sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

// Migrate brings the schema up to date: it applies, in order, each up
// migration of [Migrations] that the table praksis_migration does not list,
// and records it there. Everything happens in one transaction under an
// advisory lock, so a failed migration leaves nothing behind and processes
// migrating at once take turns. With nothing to apply it changes nothing,
// so call it on every start-up.
//
// The tables are made in the first schema of the connections' search_path.
func (s *Store) Migrate(ctx context.Context) error {
	ms, err := upMigrations(Migrations)
	if err != nil {
		return err
	}
	return s.InTx(ctx, func(ctx context.Context) error {
		db := s.db(ctx)
		if _, err := db.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLockID); err != nil {
			return fmt.Errorf("migrate: lock: %w", interpretError(err))
		}
		if _, err := db.Exec(ctx, `CREATE TABLE IF NOT EXISTS praksis_migration (
			version    integer     PRIMARY KEY,
			name       text        NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now()
		)`); err != nil {
			return fmt.Errorf("migrate: %w", interpretError(err))
		}
		rows, err := db.Query(ctx, `SELECT version FROM praksis_migration`)
		if err != nil {
			return fmt.Errorf("migrate: %w", interpretError(err))
		}
		versions, err := pgx.CollectRows(rows, pgx.RowTo[int])
		if err != nil {
			return fmt.Errorf("migrate: %w", interpretError(err))
		}
		applied := map[int]bool{}
		for _, v := range versions {
			applied[v] = true
		}
		for _, m := range ms {
			if applied[m.version] {
				continue
			}
			// Exec without arguments uses the simple protocol, which runs
			// a file of several statements.
			if _, err := db.Exec(ctx, m.sql); err != nil {
				return fmt.Errorf("migrate: %s: %w", m.name, interpretError(err))
			}
			if _, err := db.Exec(ctx, `INSERT INTO praksis_migration (version, name) VALUES ($1, $2)`, m.version, m.name); err != nil {
				return fmt.Errorf("migrate: record %s: %w", m.name, interpretError(err))
			}
		}
		return nil
	})
}
