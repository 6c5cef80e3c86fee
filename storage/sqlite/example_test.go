package sqlite_test

import (
	"context"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/praksis/praksis/practice"
	"github.com/praksis/praksis/storage/sqlite"
)

// Open a database file, bring its schema up to date and use it as a
// practice.Store.
func ExampleOpen() {
	dir, err := os.MkdirTemp("", "praksis")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(dir, "data", "praksis.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	if err := store.Migrate(ctx); err != nil { // safe on every start-up
		log.Fatal(err)
	}

	at := time.Date(2026, 8, 1, 9, 0, 0, 0, time.UTC)
	nih := practice.Institution{ID: practice.NewID(), Name: "Norges idrettshøgskole", Code: "NIH",
		Version: 1, CreatedAt: at, UpdatedAt: at}
	if err := store.CreateInstitution(ctx, nih); err != nil {
		log.Fatal(err)
	}
	got, err := store.Institution(ctx, nih.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(got.Code, got.Name, got.Version, got.CreatedAt)
	// Output: NIH Norges idrettshøgskole 1 2026-08-01 09:00:00 +0000 UTC
}

// Run the embedded migrations with a tool of your own: list the up files
// in version order and apply each once (then call Store.Backfill).
func ExampleMigrations() {
	names, err := fs.Glob(sqlite.Migrations, "*.up.sql")
	if err != nil {
		log.Fatal(err)
	}
	for _, name := range names { // fs.Glob returns them in name order
		fmt.Println(name)
	}
	// Output:
	// 0001_kernel.up.sql
	// 0002_keys.up.sql
	// 0003_planner.up.sql
	// 0004_invite.up.sql
	// 0005_agreement.up.sql
}
