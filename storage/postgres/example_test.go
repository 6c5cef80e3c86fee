package postgres_test

import (
	"context"
	"log"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/praksis/praksis/practice"
	"github.com/praksis/praksis/storage/postgres"
)

// Open a store, bring its schema up to date and hand it to the services.
func Example() {
	ctx := context.Background()
	store, err := postgres.Open(ctx, "postgres://praksis@localhost:5432/praksis?sslmode=disable")
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	if err := store.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	svc := practice.NewService(store)
	_ = svc
}

// Bring your own pool, for instance to put the tables in a schema of their
// own; the pool stays yours to close.
func ExampleNew() {
	ctx := context.Background()
	config, err := pgxpool.ParseConfig("postgres://praksis@localhost:5432/praksis")
	if err != nil {
		log.Fatal(err)
	}
	config.ConnConfig.RuntimeParams["search_path"] = "praksis"
	pool, err := pgxpool.NewWithConfig(ctx, config)
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()
	store := postgres.New(pool)
	if err := store.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
}
