package sqlite

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/internal/migrate"
	"github.com/praksis/praksis/practice"
)

// legacyKernel is 0001_kernel.sql as the first releases of the adapter
// applied it, under that name; developers have databases made by them. A
// migration never changes once released, so it is 0001_kernel.up.sql.
func legacyKernel(t *testing.T) string {
	t.Helper()
	b, err := fs.ReadFile(Migrations, "0001_kernel.up.sql")
	require.NoError(t, err)
	return string(b)
}

// legacyMigrationTable is the bookkeeping table of the first releases,
// which recorded 0001_kernel.sql as '0001_kernel'.
const legacyMigrationTable = `CREATE TABLE praksis_migration (
    version    TEXT NOT NULL PRIMARY KEY,
    applied_at TEXT NOT NULL
) STRICT`

// applied is a row of the bookkeeping table.
type applied struct {
	Version int
	Name    string
	At      string
}

func appliedOf(t *testing.T, s *Store) []applied {
	t.Helper()
	rows, err := s.DB().QueryContext(context.Background(), `SELECT version, name, applied_at FROM praksis_migration ORDER BY version`)
	require.NoError(t, err)
	defer rows.Close()
	var out []applied
	for rows.Next() {
		var a applied
		require.NoError(t, rows.Scan(&a.Version, &a.Name, &a.At))
		out = append(out, a)
	}
	require.NoError(t, rows.Err())
	return out
}

// schemaOf returns the statements that make the schema, but for the
// bookkeeping table, in name order.
func schemaOf(t *testing.T, s *Store) []string {
	t.Helper()
	var sqls []string
	require.NoError(t, s.DB().NewSelect().ColumnExpr("sql").TableExpr("sqlite_schema").
		Where("sql IS NOT NULL AND tbl_name != 'praksis_migration'").OrderExpr("name").Scan(context.Background(), &sqls))
	return sqls
}

// execRaw runs statements on the raw database, so bun reads no placeholder
// in them.
func execRaw(t *testing.T, s *Store, query string, args ...any) {
	t.Helper()
	_, err := s.DB().DB.ExecContext(context.Background(), query, args...)
	require.NoError(t, err, "%s", query)
}

func TestMigrate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("Twice", func(t *testing.T) {
		t.Parallel()
		s := open(t) // migrated once
		before := schemaOf(t, s)
		first := appliedOf(t, s)
		require.Len(t, first, 5)
		for i, name := range []string{"0001_kernel.up.sql", "0002_keys.up.sql", "0003_planner.up.sql", "0004_invite.up.sql", "0005_agreement.up.sql"} {
			require.Equal(t, i+1, first[i].Version)
			require.Equal(t, name, first[i].Name)
			_, err := time.Parse(time.RFC3339, first[i].At)
			require.NoError(t, err, "applied_at is RFC 3339 text")
		}

		require.NoError(t, s.Migrate(ctx), "Migrate on a migrated database succeeds")
		require.Equal(t, before, schemaOf(t, s), "a second Migrate changes no schema")
		require.Equal(t, first, appliedOf(t, s), "a second Migrate records nothing")
	})

	t.Run("Concurrent", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "praksis.db")
		// Two stores on one file stand for two processes starting at once.
		a, err := Open(ctx, path)
		require.NoError(t, err)
		t.Cleanup(func() { _ = a.Close() })
		b, err := Open(ctx, path)
		require.NoError(t, err)
		t.Cleanup(func() { _ = b.Close() })
		errs := make(chan error, 2)
		go func() { errs <- a.Migrate(ctx) }()
		go func() { errs <- b.Migrate(ctx) }()
		require.NoError(t, <-errs)
		require.NoError(t, <-errs)
		got := appliedOf(t, a)
		require.Len(t, got, 5, "each migration is applied and recorded once")
		require.Equal(t, []int{1, 2, 3, 4, 5}, []int{got[0].Version, got[1].Version, got[2].Version, got[3].Version, got[4].Version})
	})

	t.Run("AdoptsLegacyDatabase", func(t *testing.T) { t.Parallel(); testAdoptLegacy(t) })

	t.Run("LegacyCaseClash", func(t *testing.T) {
		t.Parallel()
		s := legacyStore(t)
		at := formatTime(time.Now())
		for _, email := range []string{"kari@example.no", "Kari@example.no"} {
			execRaw(t, s, `INSERT INTO people (id, name, email, version, created_at, updated_at) VALUES (?, 'Kari', ?, 1, ?, ?)`,
				practice.NewID().String(), email, at, at)
		}
		before := schemaOf(t, s)
		err := s.Migrate(ctx)
		require.Error(t, err, "two stored e-mails that differ only in case cannot both be kept")
		require.Contains(t, err.Error(), "0002_keys.up.sql", "the error names the migration")
		require.Equal(t, before, schemaOf(t, s), "the failed migration leaves the schema as it was")
		var n int
		require.NoError(t, s.DB().QueryRowContext(ctx, `SELECT count(*) FROM people`).Scan(&n))
		require.Equal(t, 2, n, "the failed migration keeps the data")
		require.Equal(t, []applied{{1, "0001_kernel.up.sql", "2025-05-01T10:00:00.000000Z"}}, appliedOf(t, s),
			"the legacy table was adopted with 0001, which committed before 0002 failed")
	})

	t.Run("Down", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		o := practice.Organisation{ID: practice.NewID(), Name: "A", OrgNumber: "974770482", Version: 1, CreatedAt: time.Now(), UpdatedAt: time.Now()}
		require.NoError(t, s.CreateOrganisation(ctx, o))
		p := practice.Person{ID: practice.NewID(), Name: "Kari", Email: "Kari@example.no", Version: 1, CreatedAt: time.Now(), UpdatedAt: time.Now()}
		require.NoError(t, s.CreatePerson(ctx, p))
		inst := practice.Institution{ID: practice.NewID(), Name: "NIH", Code: "NIH", Version: 1, CreatedAt: time.Now(), UpdatedAt: time.Now()}
		require.NoError(t, s.CreateInstitution(ctx, inst))
		require.NoError(t, s.PutMembership(ctx, practice.Membership{OrganisationID: o.ID, PersonID: p.ID, Right: practice.Admin}))

		down := func(name string) {
			t.Helper()
			script, err := fs.ReadFile(Migrations, name)
			require.NoError(t, err)
			require.NoError(t, s.InTx(ctx, func(ctx context.Context) error {
				st, _ := s.txOf(ctx)
				_, err := st.tx.Tx.ExecContext(ctx, string(script))
				return err
			}), "%s runs with foreign keys on and references to people", name)
		}
		require.NoError(t, s.PutStaffRole(ctx, practice.StaffMembership{InstitutionID: inst.ID, PersonID: p.ID, Role: practice.Planner}))
		require.NoError(t, s.PutStaffRole(ctx, practice.StaffMembership{InstitutionID: inst.ID, PersonID: p.ID, Role: practice.Teacher}))
		unmigrateOutbox(t, s)
		down("0005_agreement.down.sql")
		down("0004_invite.down.sql")
		down("0003_planner.down.sql")
		var roles []string
		require.NoError(t, s.DB().NewSelect().ColumnExpr("role").TableExpr("staff_roles").Scan(ctx, &roles))
		require.Equal(t, []string{"teacher"}, roles, "undoing 0003 keeps the roles 0002's schema can hold")
		down("0002_keys.down.sql")
		var email string
		require.NoError(t, s.DB().QueryRowContext(ctx, `SELECT email FROM people WHERE id = ?`, p.ID.String()).Scan(&email))
		require.Equal(t, p.Email, email, "undoing 0002 keeps the people")
		_, err := s.DB().ExecContext(ctx, `INSERT INTO people (id, name, email, version, created_at, updated_at) VALUES (?, 'Ola', ?, 1, '', '')`,
			practice.NewID().String(), p.Email)
		require.Error(t, err, "after undoing 0002, email is unique as 0001 made it")
		_, err = s.DB().ExecContext(ctx, `INSERT INTO memberships VALUES (?, ?, 'read')`, o.ID.String(), practice.NewID().String())
		require.Error(t, err, "after undoing 0002, memberships refer to people again")

		down("0001_kernel.down.sql")
		var tables []string
		require.NoError(t, s.DB().NewSelect().ColumnExpr("name").TableExpr("sqlite_schema").
			Where("type = 'table' AND name NOT LIKE 'sqlite_%'").Scan(ctx, &tables))
		require.Equal(t, []string{"praksis_migration"}, tables, "undoing 0001 drops the kernel's tables")
	})
}

// legacyStore returns a store on a database as the first releases of the
// adapter left it: the legacy 0001 applied and recorded in the legacy
// bookkeeping table.
func legacyStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "praksis.db"))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	execRaw(t, s, legacyKernel(t))
	execRaw(t, s, legacyMigrationTable)
	execRaw(t, s, `INSERT INTO praksis_migration (version, applied_at) VALUES ('0001_kernel', '2025-05-01T10:00:00.000000Z')`)
	return s
}

// testAdoptLegacy migrates a database made by the first releases of the
// adapter, holding rows in every table, and checks that the data survived
// and the new rules hold.
func testAdoptLegacy(t *testing.T) {
	ctx := context.Background()
	s := legacyStore(t)
	at := time.Date(2025, 5, 2, 8, 0, 0, 0, time.UTC)
	inst := practice.Institution{ID: practice.NewID(), Name: "Politihøgskolen", Code: "PHS", Version: 1, CreatedAt: at, UpdatedAt: at}
	org := practice.Organisation{ID: practice.NewID(), Name: "Oslo kommune", OrgNumber: "974770482", Version: 3, CreatedAt: at, UpdatedAt: at}
	place := practice.Place{ID: practice.NewID(), OrganisationID: org.ID, Version: 1, CreatedAt: at, UpdatedAt: at,
		Presentation: practice.Presentation{Description: "Legevakten"}}
	version := practice.PlaceVersion{PlaceID: place.ID, From: practice.NewDate(2025, 8, 1), Name: "Legevakten", CreatedAt: at}
	// The tables of institutions, organisations and places are the same in
	// both schemas, so the store writes them; people are written as the
	// legacy adapter wrote them.
	require.NoError(t, s.CreateInstitution(ctx, inst))
	require.NoError(t, s.CreateOrganisation(ctx, org))
	require.NoError(t, s.CreatePlace(ctx, place))
	require.NoError(t, s.AddPlaceVersion(ctx, version))
	n, err := practice.ParseNationalID("01010750160")
	require.NoError(t, err)
	kari := practice.Person{ID: practice.NewID(), Name: "Kari Nordmann", Email: "kari@example.no", Phone: "+4790000000", NationalID: n,
		Profile: practice.Profile{Teaches: []string{"Førstehjelp"}}, Version: 2, CreatedAt: at, UpdatedAt: at}
	oystein := practice.Person{ID: practice.NewID(), Name: "ØYSTEIN Ås", Email: "oystein@example.no", Version: 1, CreatedAt: at, UpdatedAt: at}
	execRaw(t, s, `INSERT INTO people (id, name, email, phone, national_id, profile, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, '{"teaches":["Førstehjelp"],"supervises":null}', ?, ?, ?)`,
		kari.ID.String(), kari.Name, kari.Email, kari.Phone, n.Reveal(), kari.Version, formatTime(at), formatTime(at))
	execRaw(t, s, `INSERT INTO people (id, name, email, version, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)`,
		oystein.ID.String(), oystein.Name, oystein.Email, formatTime(at), formatTime(at))
	member := practice.Membership{OrganisationID: org.ID, PersonID: kari.ID, Right: practice.Admin}
	staff := practice.StaffMembership{InstitutionID: inst.ID, PersonID: oystein.ID, Role: practice.Teacher}
	require.NoError(t, s.PutMembership(ctx, member))
	require.NoError(t, s.PutStaffRole(ctx, staff))

	require.NoError(t, s.Migrate(ctx), "Migrate adopts a database of the first releases")

	got := appliedOf(t, s)
	require.Len(t, got, 5)
	require.Equal(t, applied{1, "0001_kernel.up.sql", "2025-05-01T10:00:00.000000Z"}, got[0],
		"the legacy record becomes version 1, named by its up file, applied when it was")
	require.Equal(t, 2, got[1].Version)
	var versionType string
	require.NoError(t, s.DB().QueryRowContext(ctx, `SELECT type FROM pragma_table_info('praksis_migration') WHERE name = 'version'`).Scan(&versionType))
	require.Equal(t, "INTEGER", versionType, "the bookkeeping table has the runner's shape")

	gotInst, err := s.Institution(ctx, inst.ID)
	require.NoError(t, err)
	require.Equal(t, inst, gotInst)
	gotOrg, err := s.Organisation(ctx, org.ID)
	require.NoError(t, err)
	require.Equal(t, org, gotOrg)
	gotPlace, err := s.Place(ctx, place.ID)
	require.NoError(t, err)
	require.Equal(t, place, gotPlace)
	versions, err := s.PlaceVersions(ctx, practice.PlaceVersionFilter{PlaceID: place.ID})
	require.NoError(t, err)
	require.Equal(t, []practice.PlaceVersion{version}, versions.Items)
	gotKari, err := s.PersonByNationalID(ctx, n)
	require.NoError(t, err)
	require.Equal(t, kari, gotKari, "a person survives the rebuild of people, every field as it was")
	members, err := s.Memberships(ctx, practice.MembershipFilter{PersonID: kari.ID})
	require.NoError(t, err)
	require.Equal(t, []practice.Membership{member}, members.Items, "rights survive the rebuild of people")
	roles, err := s.StaffRoles(ctx, practice.StaffFilter{PersonID: oystein.ID})
	require.NoError(t, err)
	require.Equal(t, []practice.StaffMembership{staff}, roles.Items, "roles survive the rebuild of people")

	// The new rules hold for the old rows.
	clash := practice.Person{ID: practice.NewID(), Name: "Kari", Email: "KARI@example.no", Version: 1, CreatedAt: at, UpdatedAt: at}
	err = s.CreatePerson(ctx, clash)
	require.ErrorIs(t, err, practice.ErrConflict, "an e-mail that differs only in case is taken")
	var e *practice.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, "email", e.Field)
	byEmail, err := s.People(ctx, practice.PeopleFilter{Email: " Kari@Example.NO "})
	require.NoError(t, err)
	require.Equal(t, []practice.Person{kari}, byEmail.Items, "an old row is found by its e-mail key")
	found, err := s.People(ctx, practice.PeopleFilter{Query: "øystein"})
	require.NoError(t, err)
	require.Equal(t, []practice.Person{oystein}, found.Items, "an old row is found by a search beyond ASCII: its search key was computed in Go")
	err = s.PutMembership(ctx, practice.Membership{OrganisationID: org.ID, PersonID: practice.NewID(), Right: practice.Read})
	require.ErrorIs(t, err, practice.ErrNotFound, "memberships still refer to people")
	var broken int
	require.NoError(t, s.DB().QueryRowContext(ctx, `SELECT count(*) FROM pragma_foreign_key_check`).Scan(&broken))
	require.Zero(t, broken, "no reference is broken")
	var left int
	require.NoError(t, s.DB().QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE name LIKE 'people_0%'`).Scan(&left))
	require.Zero(t, left, "the copy of the old rows is gone")

	fresh := open(t)
	require.Equal(t, schemaOf(t, fresh), schemaOf(t, s), "an adopted database has the schema of a new one")
	require.NoError(t, s.Migrate(ctx), "migrating an adopted database again changes nothing")
	require.Equal(t, got, appliedOf(t, s))
}

// TestBackfill checks that people stored without a search key, as a
// migration tool of the application's own leaves them, are found by a
// search once Backfill has run.
func TestBackfill(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := open(t)
	at := formatTime(time.Now())
	id := practice.NewID()
	execRaw(t, s, `INSERT INTO people (id, name, email, email_key, version, created_at, updated_at)
		VALUES (?, 'Åse Ødegård', 'ase@example.no', 'ase@example.no', 1, ?, ?)`, id.String(), at, at)
	search := func() []practice.Person {
		page, err := s.People(ctx, practice.PeopleFilter{Query: "ødegård"})
		require.NoError(t, err)
		return page.Items
	}
	require.Empty(t, search(), "a person without a search key is found by no search")
	require.NoError(t, s.Backfill(ctx))
	got := search()
	require.Len(t, got, 1, "Backfill computes the missing search keys")
	require.Equal(t, id, got[0].ID)
	var key string
	require.NoError(t, s.DB().QueryRowContext(ctx, `SELECT search_key FROM people WHERE id = ?`, id.String()).Scan(&key))
	require.Equal(t, practice.SearchKey(got[0]), key, "the key is practice.SearchKey's")
	require.NoError(t, s.Backfill(ctx), "Backfill with nothing to do succeeds")
}

func TestMigrations(t *testing.T) {
	t.Parallel()
	names, err := fs.Glob(Migrations, "*")
	require.NoError(t, err)
	require.Equal(t, []string{
		"0001_kernel.down.sql", "0001_kernel.up.sql",
		"0002_keys.down.sql", "0002_keys.up.sql",
		"0003_planner.down.sql", "0003_planner.up.sql",
		"0004_invite.down.sql", "0004_invite.up.sql",
		"0005_agreement.down.sql", "0005_agreement.up.sql",
	}, names, "Migrations holds the SQL files at its root, in golang-migrate's naming")
	require.NoError(t, fstest.TestFS(Migrations, names...))
	ms, err := migrate.Load(Migrations)
	require.NoError(t, err, "the shared runner reads the files")
	var loaded []string
	for _, m := range ms {
		loaded = append(loaded, fmt.Sprintf("%d %s", m.Version, m.Name))
	}
	require.Equal(t, []string{"1 0001_kernel.up.sql", "2 0002_keys.up.sql", "3 0003_planner.up.sql", "4 0004_invite.up.sql", "5 0005_agreement.up.sql"}, loaded)
}
