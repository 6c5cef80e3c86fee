package postgres

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

// secret is a national identity number (a synthetic one) that no error may
// quote.
const secret = "01010750160"

func TestInterpretError(t *testing.T) {
	t.Parallel()
	other := errors.New("connection reset")
	tests := []struct {
		name     string
		err      error
		is       []error // errors.Is must hold for each
		contains string
	}{
		{name: "nil", err: nil},
		{name: "no rows", err: pgx.ErrNoRows, is: []error{practice.ErrNotFound}},
		{name: "wrapped no rows", err: fmt.Errorf("scan: %w", pgx.ErrNoRows), is: []error{practice.ErrNotFound}},
		{
			name: "unique violation",
			err: &pgconn.PgError{Code: "23505", Message: `duplicate key value violates unique constraint "people_national_id_key"`,
				Detail: "Key (national_id)=(" + secret + ") already exists.", ConstraintName: "people_national_id_key"},
			is:       []error{practice.ErrConflict},
			contains: "people_national_id_key",
		},
		{
			name: "foreign key violation",
			err: &pgconn.PgError{Code: "23503", Message: `insert or update on table "memberships" violates foreign key constraint "memberships_person_id_fkey"`,
				Detail: "Key (person_id)=(x) is not present in table \"people\".", ConstraintName: "memberships_person_id_fkey"},
			is:       []error{practice.ErrNotFound},
			contains: "memberships_person_id_fkey",
		},
		{
			name: "check violation",
			err: &pgconn.PgError{Code: "23514", Message: `new row for relation "memberships" violates check constraint "memberships_access_right_check"`,
				Detail: "Failing row contains (" + secret + ").", ConstraintName: "memberships_access_right_check"},
			contains: "memberships_access_right_check",
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
			got := interpretError(tt.err)
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

// TestServerErrors checks the translation against the server's real errors.
func TestServerErrors(t *testing.T) {
	t.Parallel()
	s, _ := setup(t)
	ctx := context.Background()
	o := practice.Organisation{ID: practice.NewID(), Name: "A", OrgNumber: "974760673", Version: 1}
	require.NoError(t, s.CreateOrganisation(ctx, o))
	p := practice.Person{ID: practice.NewID(), Name: "Kari", Email: "kari@example.no", Version: 1}
	require.NoError(t, p.NationalID.UnmarshalText([]byte(secret)))
	require.NoError(t, s.CreatePerson(ctx, p))

	t.Run("EmailIgnoresCase", func(t *testing.T) {
		q := practice.Person{ID: practice.NewID(), Name: "Kari", Email: "KARI@example.no", Version: 1}
		require.ErrorIs(t, s.CreatePerson(ctx, q), practice.ErrConflict, "e-mail is unique in lower case")
		got, err := s.People(ctx, practice.PeopleFilter{Email: "Kari@Example.no"})
		require.NoError(t, err)
		require.Len(t, got, 1)
	})
	t.Run("CheckConstraint", func(t *testing.T) {
		err := s.PutMembership(ctx, practice.Membership{OrganisationID: o.ID, PersonID: p.ID, Right: "owner"})
		require.ErrorContains(t, err, "memberships_access_right_check")
		require.NotErrorIs(t, err, practice.ErrConflict)
		require.NotErrorIs(t, err, practice.ErrNotFound)
		var pgErr *pgconn.PgError
		require.ErrorAs(t, err, &pgErr)
		require.NotEmpty(t, pgErr.Detail)
		require.NotContains(t, err.Error(), pgErr.Detail, "the message leaves out the server's detail")
	})
	t.Run("NationalIDConflict", func(t *testing.T) {
		q := practice.Person{ID: practice.NewID(), Name: "Ola", Email: "ola@example.no", Version: 1, NationalID: p.NationalID}
		err := s.CreatePerson(ctx, q)
		require.ErrorIs(t, err, practice.ErrConflict)
		var pgErr *pgconn.PgError
		require.ErrorAs(t, err, &pgErr)
		require.Contains(t, pgErr.Detail, secret, "the server's detail quotes the number...")
		require.NotContains(t, err.Error(), secret, "...but the error message never does")
	})
	t.Run("ZeroNationalID", func(t *testing.T) {
		_, err := s.PersonByNationalID(ctx, practice.NationalID{})
		require.ErrorIs(t, err, practice.ErrNotFound, "nobody has the zero national identity number")
	})
}
