package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/praksis/praksis/agreement"
	"github.com/praksis/praksis/practice"
)

// takenFields names the field of a taken unique value (see
// practice.Error.Field) by the columns SQLite reports in "UNIQUE
// constraint failed: <table>.<column>[, <table>.<column>]". A primary key
// "<table>.id" is the field "id" in every table.
var takenFields = map[string]string{
	"institutions.code":        "code",
	"organisations.org_number": "orgNumber",
	"people.email_key":         "email",
	"people.national_id":       "nationalId",
	"place_versions.place_id, place_versions.valid_from": "from",
	"praksis_invitation.token_hash":                      "token",
}

// invalidValues gives, for each CHECK that keeps a value in its domain, by
// what SQLite names it in "CHECK constraint failed: <name>", the
// *practice.ValidationError of a value it refuses.
var invalidValues = map[string]func() error{
	"right": practice.Right("").Check,
	"role":  practice.StaffRole("").Check,
	// agreement.Status; a status that is not valid fails the CHECK named
	// "status" of praksis_agreement.
	"status": agreement.Status("").Check,
}

// invalidError is a *practice.ValidationError with the driver's error as
// its cause: its text is the validation error's, and errors.As finds both.
type invalidError struct {
	invalid error
	cause   error
}

func (e *invalidError) Error() string   { return e.invalid.Error() }
func (e *invalidError) Unwrap() []error { return []error{e.invalid, e.cause} }

// checkFailed precedes the name of a CHECK in SQLite's message of its
// violation.
const checkFailed = "CHECK constraint failed: "

// uniqueFailed precedes the columns in SQLite's message of a unique or
// primary key violation.
const uniqueFailed = "UNIQUE constraint failed: "

// interpretError translates err, an error of the driver or of
// database/sql, into the domain's errors; it is the only place that does.
// A nil err gives nil.
//
//   - A missing row (sql.ErrNoRows) and a reference to a missing row (a
//     foreign key violation) give a *practice.Error with code
//     practice.ErrNotFound. Its message is made of missing and args as
//     fmt.Sprintf makes it, in the words of the method that knows what it
//     looked for ("there is no organisation %s"); if missing is empty, it
//     says that the record, or one it refers to, does not exist.
//   - A taken unique value or primary key gives practice.Taken, naming the
//     field by the columns SQLite reports (see takenFields).
//   - A failed CHECK of a right or a role gives the *practice.ValidationError
//     of that field (see invalidValues).
//   - Any other error is wrapped as it is.
//
// The driver's error stays the cause, so errors.As finds a *sqlite.Error of
// modernc.org/sqlite. No message quotes a stored value, so none can carry a
// national identity number: the domain's messages are written here and by
// the methods, and SQLite's name the columns of a constraint, never the
// values.
func interpretError(err error, missing string, args ...any) error {
	if err == nil {
		return nil
	}
	notFound := func(otherwise string) error {
		e := practice.NotFound("%s", otherwise)
		if missing != "" {
			e = practice.NotFound(missing, args...)
		}
		e.Err = err
		return e
	}
	if errors.Is(err, sql.ErrNoRows) {
		return notFound("the record does not exist")
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY, sqlite3.SQLITE_CONSTRAINT_UNIQUE:
			if field := takenField(se.Error()); field != "" {
				return practice.Taken(field, err)
			}
			return &practice.Error{Code: practice.ErrConflict, Message: "a value that must be unique is taken", Err: err}
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return notFound("a record it refers to does not exist")
		case sqlite3.SQLITE_CONSTRAINT_CHECK:
			if _, name, ok := strings.Cut(se.Error(), checkFailed); ok {
				name, _, _ = strings.Cut(name, " (")
				if invalid, ok := invalidValues[name]; ok {
					return &invalidError{invalid(), err}
				}
			}
		}
	}
	return fmt.Errorf("sqlite: %w", err)
}

// takenField returns the field whose value is taken according to msg, the
// driver's message of a unique or primary key violation, which ends in
// "UNIQUE constraint failed: <columns>" and the result code in
// parentheses; or "" if msg names no constraint this adapter knows.
func takenField(msg string) string {
	_, cols, ok := strings.Cut(msg, uniqueFailed)
	if !ok {
		return ""
	}
	if i := strings.LastIndex(cols, " ("); i >= 0 && strings.HasSuffix(cols, ")") {
		cols = cols[:i]
	}
	if field, ok := takenFields[cols]; ok {
		return field
	}
	if _, col, ok := strings.Cut(cols, "."); ok && col == "id" {
		return "id"
	}
	return ""
}
