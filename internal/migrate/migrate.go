// Package migrate is the one migration scheme of the SQL adapters: one
// naming of files, one runner, one bookkeeping table.
//
// Each adapter embeds its migrations as files NNNN_name.up.sql (applied
// by Up) and NNNN_name.down.sql (for tools that step back; Up never runs
// them) at the root of an fs.FS, NNNN being the version, four digits. This
// is golang-migrate's naming, so that tool reads them as they are.
//
// Up applies each migration not yet recorded, in version order, each in a
// transaction of its own together with its record in the table
// praksis_migration:
//
//	version    integer primary key  -- NNNN
//	name       text not null        -- the file name, e.g. 0001_kernel.up.sql
//	applied_at timestamp not null   -- when (timestamptz, or RFC 3339 text)
//
// The transaction holds the database's migration lock (an advisory lock on
// PostgreSQL; the write lock on SQLite) and reads the table after taking
// it, so processes starting at once apply each migration exactly once.
//
// Why a runner of our own rather than a library such as goose: the
// PostgreSQL adapter runs on a pgx pool, not database/sql; the check of
// what is applied must happen inside each migration's locked transaction
// for concurrent start-ups on SQLite, where goose offers no lock; and both
// adapters must adopt the bookkeeping of databases made by earlier
// versions of praksis. That is some 100 lines, with no dependency.
package migrate

import (
	"context"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strconv"
	"time"
)

// Table is the name of the bookkeeping table.
const Table = "praksis_migration"

// Migration is one migration to apply.
type Migration struct {
	// Version is the file's number.
	Version int
	// Name is the file name, e.g. 0001_kernel.up.sql.
	Name string
	// SQL is the file's content: statements without arguments.
	SQL string
}

var fileName = regexp.MustCompile(`^([0-9]{4})_[a-z0-9_]+\.(up|down)\.sql$`)

// Load returns the up migrations of fsys, ordered by version. Every file at
// its root must be named NNNN_name.up.sql or NNNN_name.down.sql, in lower
// case; two up files may not share a version, and a down file needs its up
// file.
func Load(fsys fs.FS) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	var ms []Migration
	ups, downs := map[int]string{}, map[int]string{}
	for _, e := range entries {
		m := fileName.FindStringSubmatch(e.Name())
		if m == nil || e.IsDir() {
			return nil, fmt.Errorf("migrate: %s: a migration is a file named NNNN_name.up.sql or NNNN_name.down.sql", e.Name())
		}
		v, _ := strconv.Atoi(m[1])
		seen := ups
		if m[2] == "down" {
			seen = downs
		}
		if other, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrate: %s and %s have the same version", other, e.Name())
		}
		seen[v] = e.Name()
		if m[2] == "down" {
			continue
		}
		b, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, fmt.Errorf("migrate: %w", err)
		}
		ms = append(ms, Migration{Version: v, Name: e.Name(), SQL: string(b)})
	}
	for v, name := range downs {
		if _, ok := ups[v]; !ok {
			return nil, fmt.Errorf("migrate: %s has no up migration", name)
		}
	}
	slices.SortFunc(ms, func(a, b Migration) int { return a.Version - b.Version })
	return ms, nil
}

// Tx is one migration's transaction, holding the migration lock.
type Tx interface {
	// CreateTable creates the bookkeeping table if it does not exist.
	CreateTable(ctx context.Context) error
	// Applied returns the versions the table records.
	Applied(ctx context.Context) ([]int, error)
	// Exec runs a script of statements.
	Exec(ctx context.Context, script string) error
	// Record records a migration as applied at a time.
	Record(ctx context.Context, m Migration, at time.Time) error
}

// DB runs functions in transactions that hold the migration lock.
type DB interface {
	// InLockedTx runs fn in one transaction that holds the database's
	// migration lock, committing if fn returns nil.
	InLockedTx(ctx context.Context, fn func(ctx context.Context, tx Tx) error) error
}

// Up applies, in order, each of ms that the bookkeeping table does not
// record, each in a transaction of its own with its record, and returns
// the versions it applied. A migration that fails leaves nothing of
// itself behind; the ones before it stay applied.
func Up(ctx context.Context, db DB, ms []Migration) ([]int, error) {
	var done []int
	for _, m := range ms {
		applied := false
		err := db.InLockedTx(ctx, func(ctx context.Context, tx Tx) error {
			applied = false // a retried fn starts afresh
			if err := tx.CreateTable(ctx); err != nil {
				return err
			}
			versions, err := tx.Applied(ctx)
			if err != nil {
				return err
			}
			if slices.Contains(versions, m.Version) {
				return nil
			}
			if err := tx.Exec(ctx, m.SQL); err != nil {
				return err
			}
			applied = true
			return tx.Record(ctx, m, time.Now().UTC())
		})
		if err != nil {
			return done, fmt.Errorf("migrate: %s: %w", m.Name, err)
		}
		if applied {
			done = append(done, m.Version)
		}
	}
	return done, nil
}
