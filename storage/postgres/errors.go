package postgres

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/praksis/praksis/practice"
)

// The SQLSTATE codes interpretError translates
// (https://www.postgresql.org/docs/current/errcodes-appendix.html).
const (
	codeUniqueViolation     = "23505"
	codeForeignKeyViolation = "23503"
	// classDataException is the class of errors such as "invalid input
	// syntax for type uuid", whose messages may quote the value.
	classDataException = "22"
)

// dbError is a translated driver error: its message is written here, so it
// never quotes a stored value, and it unwraps to the domain's sentinel (if
// any) and to the driver's error.
type dbError struct {
	msg  string
	errs []error
}

func (e *dbError) Error() string   { return e.msg }
func (e *dbError) Unwrap() []error { return e.errs }

// interpretError translates a driver error into the domain's errors; it is
// the only place that does. pgx.ErrNoRows becomes practice.ErrNotFound, a
// unique violation practice.ErrConflict and a foreign key violation (a
// reference to a missing record) practice.ErrNotFound. Other server errors
// keep their SQLSTATE and, unless they are data exceptions, their message.
// The message never holds pgconn's Detail, which can quote the values of a
// row, among them national identity numbers. A nil err gives nil.
func interpretError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return practice.ErrNotFound
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return fmt.Errorf("postgres: %w", err)
	}
	switch {
	case pgErr.Code == codeUniqueViolation:
		return &dbError{
			msg:  fmt.Sprintf("%s: the value is taken (unique constraint %s)", practice.ErrConflict, pgErr.ConstraintName),
			errs: []error{practice.ErrConflict, pgErr},
		}
	case pgErr.Code == codeForeignKeyViolation:
		return &dbError{
			msg:  fmt.Sprintf("%s: a referenced record does not exist (foreign key %s)", practice.ErrNotFound, pgErr.ConstraintName),
			errs: []error{practice.ErrNotFound, pgErr},
		}
	}
	msg := pgErr.Message
	if strings.HasPrefix(pgErr.Code, classDataException) {
		msg = "invalid data"
	}
	if pgErr.ConstraintName != "" {
		msg += " (constraint " + pgErr.ConstraintName + ")"
	}
	return &dbError{msg: fmt.Sprintf("postgres: %s (SQLSTATE %s)", msg, pgErr.Code), errs: []error{pgErr}}
}
