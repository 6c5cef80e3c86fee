package postgres

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

// secret is a synthetic national identity number (of the kind in
// Skatteetaten's test data, month + 80) that no error may quote.
const secret = "01810750045"

func secretID(t *testing.T) practice.NationalID {
	t.Helper()
	n, err := practice.ParseNationalID(secret)
	require.NoError(t, err)
	require.True(t, n.Synthetic(), "the test's number is a synthetic one, no real person's")
	return n
}

func TestInterpretError(t *testing.T) {
	t.Parallel()
	secretID(t)
	other := errors.New("connection reset")
	tests := []struct {
		name     string
		err      error
		missing  string
		is       []error // errors.Is must hold for each
		field    string  // the field a conflict names
		contains string
	}{
		{name: "nil", err: nil},
		{name: "no rows", err: pgx.ErrNoRows, is: []error{practice.ErrNotFound}, contains: "not found: the record does not exist"},
		{name: "no rows of a record", err: fmt.Errorf("scan: %w", pgx.ErrNoRows), missing: "there is no place 42",
			is: []error{practice.ErrNotFound}, contains: "not found: there is no place 42"},
		{
			name: "unique violation",
			err: &pgconn.PgError{Code: "23505", Message: `duplicate key value violates unique constraint "people_national_id_key"`,
				Detail: "Key (national_id)=(" + secret + ") already exists.", ConstraintName: "people_national_id_key"},
			is: []error{practice.ErrConflict}, field: "nationalId", contains: "conflict: the nationalId is taken",
		},
		{
			name: "unique violation of a place's date",
			err: &pgconn.PgError{Code: "23505", Message: `duplicate key value violates unique constraint "place_versions_pkey"`,
				Detail: "Key (place_id, valid_from)=(x, 2026-01-01) already exists.", ConstraintName: "place_versions_pkey"},
			is: []error{practice.ErrConflict}, field: "from", contains: "the from is taken",
		},
		{
			name: "unique violation of another constraint",
			err:  &pgconn.PgError{Code: "23505", Message: `duplicate key value violates unique constraint "x_key"`, ConstraintName: "x_key"},
			is:   []error{practice.ErrConflict}, contains: "conflict: a unique value is taken",
		},
		{
			name: "foreign key violation",
			err: &pgconn.PgError{Code: "23503", Message: `insert or update on table "memberships" violates foreign key constraint "memberships_person_id_fkey"`,
				Detail: "Key (person_id)=(" + secret + ") is not present in table \"people\".", ConstraintName: "memberships_person_id_fkey"},
			is: []error{practice.ErrNotFound}, contains: "not found: the person does not exist",
		},
		{
			name:     "foreign key violation of another constraint",
			err:      &pgconn.PgError{Code: "23503", Message: `violates foreign key constraint "x_fkey"`, ConstraintName: "x_fkey"},
			is:       []error{practice.ErrNotFound},
			contains: "not found: a record it refers to does not exist",
		},
		{
			name: "check violation of a right",
			err: &pgconn.PgError{Code: "23514", Message: `new row for relation "memberships" violates check constraint "memberships_access_right_check"`,
				Detail: "Failing row contains (" + secret + ").", ConstraintName: "memberships_access_right_check"},
			contains: "right: must be one of",
		},
		{
			name: "another check violation",
			err: &pgconn.PgError{Code: "23514", Message: `new row for relation "people" violates check constraint "people_x_check"`,
				Detail: "Failing row contains (" + secret + ").", ConstraintName: "people_x_check"},
			contains: "people_x_check",
		},
		{
			name:     "data exception quoting a value",
			err:      &pgconn.PgError{Code: "22P02", Message: `invalid input syntax for type uuid: "` + secret + `"`},
			contains: "22P02",
		},
		{name: "other error", err: other, is: []error{other}, contains: "connection reset"},
		{name: "cancelled", err: context.Canceled, is: []error{context.Canceled}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := interpretError(tt.err, tt.missing)
			if tt.err == nil {
				require.NoError(t, got)
				return
			}
			require.Error(t, got)
			for _, target := range tt.is {
				require.ErrorIs(t, got, target)
			}
			require.NotContains(t, got.Error(), secret, "an error never quotes a national identity number")
			require.Contains(t, got.Error(), tt.contains)
			for _, sentinel := range []error{practice.ErrNotFound, practice.ErrConflict} {
				if !contains(tt.is, sentinel) {
					require.NotErrorIs(t, got, sentinel, "only the documented cases become sentinels")
					continue
				}
				var e *practice.Error
				require.ErrorAs(t, got, &e, "a not found or a conflict is a *practice.Error")
				require.Equal(t, tt.field, e.Field)
				require.False(t, e.Stale)
				for _, w := range []string{"postgres", "pgx", "SQLSTATE", "constraint", "duplicate key", "violates"} {
					require.NotContains(t, got.Error(), w, "a not found or a conflict is told in the domain's words")
				}
			}
			var pgErr *pgconn.PgError
			if errors.As(tt.err, &pgErr) {
				require.ErrorAs(t, got, &pgErr, "the server's error stays reachable")
			}
		})
	}
}

func contains(errs []error, target error) bool {
	for _, e := range errs {
		if e == target {
			return true
		}
	}
	return false
}

// TestServerErrors checks the translation of the server's real errors.
func TestServerErrors(t *testing.T) {
	t.Parallel()
	s, b := setup(t)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Microsecond)
	o := practice.Organisation{ID: practice.NewID(), Name: "A", OrgNumber: "974760673", Version: 1, CreatedAt: now, UpdatedAt: now}
	require.NoError(t, s.CreateOrganisation(ctx, o))
	p := practice.Person{ID: practice.NewID(), Name: "Kari", Email: "kari@example.no", NationalID: secretID(t), Version: 1,
		CreatedAt: now, UpdatedAt: now}
	require.NoError(t, s.CreatePerson(ctx, p))

	t.Run("CheckConstraint", func(t *testing.T) {
		// The server's own check, past the store's: a right it refuses is
		// the validation error of the field.
		_, err := s.pool.Exec(ctx, `INSERT INTO memberships (organisation_id, person_id, access_right) VALUES ($1, $2, 'owner')`, o.ID, p.ID)
		err = interpretError(err, "")
		var v *practice.ValidationError
		require.ErrorAs(t, err, &v)
		require.Equal(t, "right", v.Fields[0].Field)
		require.NotErrorIs(t, err, practice.ErrConflict)
		require.NotErrorIs(t, err, practice.ErrNotFound)
		var pgErr *pgconn.PgError
		require.ErrorAs(t, err, &pgErr, "the server's error stays reachable")
		require.NotEmpty(t, pgErr.Detail)
		require.NotContains(t, err.Error(), pgErr.Detail, "the message leaves out the server's detail")
		require.NotContains(t, err.Error(), "memberships_access_right_check", "the message is the domain's")
	})
	t.Run("NationalIDTaken", func(t *testing.T) {
		q := practice.Person{ID: practice.NewID(), Name: "Ola", Email: "ola@example.no", Version: 1, NationalID: p.NationalID}
		err := s.CreatePerson(ctx, q)
		var e *practice.Error
		require.ErrorAs(t, err, &e)
		require.Equal(t, "nationalId", e.Field)
		var pgErr *pgconn.PgError
		require.ErrorAs(t, err, &pgErr)
		require.Contains(t, pgErr.Detail, secret, "the server's detail quotes the number...")
		require.NotContains(t, err.Error(), secret, "...but the error message never does")
	})
	t.Run("EmailTaken", func(t *testing.T) {
		q := practice.Person{ID: practice.NewID(), Name: "Kari", Email: " KARI@example.no", Version: 1}
		err := s.CreatePerson(ctx, q)
		var e *practice.Error
		require.ErrorAs(t, err, &e, "e-mail is unique by its EmailKey")
		require.Equal(t, "email", e.Field)
		var pgErr *pgconn.PgError
		require.ErrorAs(t, err, &pgErr)
		require.Equal(t, "people_email_key", pgErr.ConstraintName)
	})
	t.Run("MissingReference", func(t *testing.T) {
		err := s.PutMembership(ctx, practice.Membership{OrganisationID: o.ID, PersonID: practice.NewID(), Right: practice.Read})
		require.ErrorIs(t, err, practice.ErrNotFound)
		require.EqualError(t, err, "not found: the person does not exist")
		var pgErr *pgconn.PgError
		require.ErrorAs(t, err, &pgErr)
		require.Equal(t, codeForeignKeyViolation, pgErr.Code)
	})
	t.Run("MissingRecord", func(t *testing.T) {
		id := practice.NewID()
		_, err := s.Organisation(ctx, id)
		require.EqualError(t, err, "not found: there is no organisation "+id.String())
		err = s.UpdateOrganisation(ctx, practice.Organisation{ID: id, Name: "B", OrgNumber: "911111111", Version: 1})
		require.EqualError(t, err, "not found: there is no organisation "+id.String())
		unknown, err := practice.ParseNationalID("01810750126") // synthetic, and nobody's here
		require.NoError(t, err)
		_, err = s.PersonByNationalID(ctx, unknown)
		require.EqualError(t, err, "not found: nobody has that national identity number")
	})
	t.Run("DataException", func(t *testing.T) {
		_, err := b.pool.Exec(ctx, `SELECT $1::text::uuid`, secret)
		require.Error(t, err)
		var pgErr *pgconn.PgError
		require.ErrorAs(t, err, &pgErr)
		require.Contains(t, pgErr.Message, secret, "the server's message quotes the value...")
		err = interpretError(err, "")
		require.ErrorContains(t, err, "invalid data")
		require.NotContains(t, err.Error(), secret, "...but the error message never does")
	})
}
