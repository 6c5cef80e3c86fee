package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"modernc.org/sqlite"

	"github.com/praksis/praksis/practice"
)

// TestInterpretError checks the translation of real driver errors, made by
// statements that break the migrated schema's rules.
func TestInterpretError(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := open(t)
	db := s.DB().DB // database/sql, so the statements bind their arguments
	const natID = "01010750160"
	orgID, personID, instID, placeID := practice.NewID().String(), practice.NewID().String(), practice.NewID().String(), practice.NewID().String()
	for _, stmt := range []struct {
		query string
		args  []any
	}{
		{`INSERT INTO institutions VALUES (?, 'NIH', 'NIH', 1, '', '')`, []any{instID}},
		{`INSERT INTO organisations VALUES (?, 'A', '974770482', 1, '', '')`, []any{orgID}},
		{`INSERT INTO places (id, organisation_id, version, created_at, updated_at) VALUES (?, ?, 1, '', '')`, []any{placeID, orgID}},
		{`INSERT INTO place_versions (place_id, valid_from, name, created_at) VALUES (?, '2026-01-01', 'A', '')`, []any{placeID}},
		{`INSERT INTO people (id, name, email, email_key, national_id, version, created_at, updated_at)
			VALUES (?, 'Kari', 'Kari@example.no', 'kari@example.no', ?, 1, '', '')`, []any{personID, natID}},
	} {
		_, err := db.ExecContext(ctx, stmt.query, stmt.args...)
		require.NoError(t, err)
	}
	// driverError runs a statement that fails and returns the driver's own
	// error.
	driverError := func(query string, args ...any) error {
		t.Helper()
		_, err := db.ExecContext(ctx, query, args...)
		require.Error(t, err)
		var se *sqlite.Error
		require.ErrorAs(t, err, &se, "the statement fails in the driver")
		return err
	}
	// canceledError runs a statement with a cancelled context.
	canceledError := func() error {
		t.Helper()
		canceled, cancel := context.WithCancel(ctx)
		cancel()
		_, err := db.ExecContext(canceled, `SELECT 1`)
		require.ErrorIs(t, err, context.Canceled, "the error comes from the cancelled context")
		return err
	}
	newID := func() string { return practice.NewID().String() }

	for _, tc := range []struct {
		name  string
		err   error
		want  error  // nil: neither ErrNotFound nor ErrConflict
		field string // for a conflict: the field taken
	}{
		{"NoRows", sql.ErrNoRows, practice.ErrNotFound, ""},
		{"WrappedNoRows", fmt.Errorf("scan: %w", sql.ErrNoRows), practice.ErrNotFound, ""},
		{"PrimaryKey", driverError(`INSERT INTO organisations VALUES (?, 'B', '912345678', 1, '', '')`, orgID), practice.ErrConflict, "id"},
		{"PrimaryKeyOfPeople", driverError(`INSERT INTO people (id, name, email, email_key, version, created_at, updated_at)
			VALUES (?, 'Ola', 'ola@example.no', 'ola@example.no', 1, '', '')`, personID), practice.ErrConflict, "id"},
		{"Code", driverError(`INSERT INTO institutions VALUES (?, 'B', 'NIH', 1, '', '')`, newID()), practice.ErrConflict, "code"},
		{"OrgNumber", driverError(`INSERT INTO organisations VALUES (?, 'B', '974770482', 1, '', '')`, newID()), practice.ErrConflict, "orgNumber"},
		{"Email", driverError(`INSERT INTO people (id, name, email, email_key, version, created_at, updated_at)
			VALUES (?, 'Ola', 'kari@example.no', 'kari@example.no', 1, '', '')`, newID()), practice.ErrConflict, "email"},
		{"NationalID", driverError(`INSERT INTO people (id, name, email, email_key, national_id, version, created_at, updated_at)
			VALUES (?, 'Ola', 'ola@example.no', 'ola@example.no', ?, 1, '', '')`, newID(), natID), practice.ErrConflict, "nationalId"},
		{"From", driverError(`INSERT INTO place_versions (place_id, valid_from, name, created_at) VALUES (?, '2026-01-01', 'B', '')`, placeID),
			practice.ErrConflict, "from"},
		{"ForeignKey", driverError(`INSERT INTO memberships VALUES (?, ?, 'read')`, newID(), personID), practice.ErrNotFound, ""},
		{"Check", driverError(`INSERT INTO memberships VALUES (?, ?, 'owner')`, orgID, personID), nil, ""},
		{"NotNull", driverError(`INSERT INTO people (id, name, email, version, created_at, updated_at)
			VALUES (?, 'Ola', 'ola@example.no', 1, '', '')`, newID()), nil, ""},
		{"Syntax", driverError(`INSERT INTO nowhere VALUES (1)`), nil, ""},
		{"Canceled", canceledError(), nil, ""},
		{"Other", errors.New("disk on fire"), nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := interpretError(tc.err, "there is no %s %s", "organisation", orgID)
			require.Error(t, got)
			require.ErrorIs(t, got, tc.err, "the driver's error stays in the chain")
			require.NotContains(t, got.Error(), natID, "no error quotes a national identity number")
			for _, sentinel := range []error{practice.ErrNotFound, practice.ErrConflict} {
				require.Equal(t, sentinel == tc.want, errors.Is(got, sentinel), "errors.Is(%v, %v)", got, sentinel)
			}
			if tc.want == nil {
				return
			}
			var e *practice.Error
			require.ErrorAs(t, got, &e, "a translated error is a *practice.Error")
			require.Equal(t, tc.field, e.Field, "the conflict names the field taken")
			require.False(t, e.Stale)
			for _, w := range []string{"sqlite", "constraint", "unique", "bun:", "sql:"} {
				require.NotContains(t, strings.ToLower(got.Error()), w, "the error is told in the domain's words")
			}
			if tc.want == practice.ErrNotFound {
				require.Equal(t, "not found: there is no organisation "+orgID, got.Error(), "the message is the method's")
			}
			var se *sqlite.Error
			if errors.As(tc.err, &se) {
				require.ErrorAs(t, got, &se, "errors.As finds the driver's error")
			}
		})
	}
	require.ErrorIs(t, interpretError(canceledError(), ""), context.Canceled,
		"a cancelled statement stays context.Canceled, neither not found nor a conflict")
	require.Equal(t, "not found: the record does not exist", interpretError(sql.ErrNoRows, "").Error())
	require.NoError(t, interpretError(nil, ""))
}

func TestTakenField(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ msg, want string }{
		{"constraint failed: UNIQUE constraint failed: people.email_key (2067)", "email"},
		{"UNIQUE constraint failed: people.national_id", "nationalId"},
		{"constraint failed: UNIQUE constraint failed: staff_roles.id (1555)", "id"},
		{"UNIQUE constraint failed: place_versions.place_id, place_versions.valid_from (1555)", "from"},
		{"constraint failed: UNIQUE constraint failed: memberships.organisation_id, memberships.id (1555)", ""},
		{"constraint failed: UNIQUE constraint failed: people.nickname (2067)", ""},
		{"disk I/O error", ""},
	} {
		require.Equal(t, tc.want, takenField(tc.msg), "%q", tc.msg)
	}
}
