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
	codeCheckViolation      = "23514"
	// classDataException is the class of errors such as "invalid input
	// syntax for type uuid", whose messages may quote the value.
	classDataException = "22"
)

// uniqueFields names, for each unique constraint of the schema, the field
// whose value a violation says is taken, as practice.Error.Field spells it.
var uniqueFields = map[string]string{
	"institutions_pkey":            "id",
	"institutions_code_key":        "code",
	"organisations_pkey":           "id",
	"organisations_org_number_key": "orgNumber",
	"places_pkey":                  "id",
	"place_versions_pkey":          "from",
	"people_pkey":                  "id",
	"people_email_key":             "email",
	"people_national_id_key":       "nationalId",

	"praksis_audit_pkey":                "id",
	"praksis_invitation_pkey":           "id",
	"praksis_invitation_token_hash_key": "token",
}

// missingReferences says, for each foreign key of the schema, what does not
// exist when a row refers to nothing.
var missingReferences = map[string]string{
	"places_organisation_id_fkey":      "the organisation does not exist",
	"place_versions_place_id_fkey":     "the place does not exist",
	"place_versions_parent_id_fkey":    "the parent place does not exist",
	"memberships_organisation_id_fkey": "the organisation does not exist",
	"memberships_person_id_fkey":       "the person does not exist",
	"staff_roles_institution_id_fkey":  "the institution does not exist",
	"staff_roles_person_id_fkey":       "the person does not exist",

	"praksis_audit_organisation_id_fkey":      "the organisation does not exist",
	"praksis_invitation_organisation_id_fkey": "the organisation does not exist",
	"praksis_invitation_invited_by_fkey":      "the inviting person does not exist",
	"praksis_invitation_person_id_fkey":       "the person does not exist",
	"praksis_invitation_replaced_by_fkey":     "the replacing invitation does not exist",
}

// invalidValues gives, for each check constraint of the schema that keeps
// a value in its domain, the *practice.ValidationError of a value it
// refuses.
var invalidValues = map[string]func() error{
	"memberships_access_right_check": practice.Right("").Check,
	"staff_roles_role_check":         practice.StaffRole("").Check,

	"praksis_invitation_access_right_check": practice.Right("").Check,
}

// dbError is a server error this package could not tell in the domain's
// words. Its message is written here, so it never quotes a stored value,
// and it unwraps to the server's error.
type dbError struct {
	msg string
	err *pgconn.PgError
}

func (e *dbError) Error() string { return e.msg }
func (e *dbError) Unwrap() error { return e.err }

// invalidError is a *practice.ValidationError with the server's error as
// its cause: its text is the validation error's, and errors.As finds both.
type invalidError struct {
	invalid error
	cause   *pgconn.PgError
}

func (e *invalidError) Error() string   { return e.invalid.Error() }
func (e *invalidError) Unwrap() []error { return []error{e.invalid, e.cause} }

// interpretError translates an error of the driver or the server into the
// domain's errors; it is the only place that does. A nil err gives nil.
//
//   - pgx.ErrNoRows is the ErrNotFound *practice.Error with the message
//     missing, which names the record looked for ("there is no
//     organisation <id>"), or a general one if missing is "".
//   - A unique violation is practice.Taken, naming the field of the
//     constraint (uniqueFields).
//   - A foreign key violation, a reference to a record that does not
//     exist, is an ErrNotFound *practice.Error saying which
//     (missingReferences).
//   - A check violation of a right or a role is the *practice.ValidationError
//     of that field (invalidValues).
//
// These keep the server's *pgconn.PgError as their cause, for errors.As,
// and never show its text. Other server errors keep their message and
// SQLSTATE, for logs, except that a data exception's message, which may
// quote the value, is left out; pgconn's Detail, which quotes the values
// of a row (national identity numbers among them), is never shown. Other
// errors (a closed connection, a cancelled context) are returned as they
// are.
func interpretError(err error, missing string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		if missing == "" {
			missing = "the record does not exist"
		}
		return &practice.Error{Code: practice.ErrNotFound, Message: missing, Err: err}
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return err
	}
	switch pgErr.Code {
	case codeUniqueViolation:
		if field, ok := uniqueFields[pgErr.ConstraintName]; ok {
			return practice.Taken(field, pgErr)
		}
		return &practice.Error{Code: practice.ErrConflict, Message: "a unique value is taken", Err: pgErr}
	case codeForeignKeyViolation:
		msg, ok := missingReferences[pgErr.ConstraintName]
		if !ok {
			msg = "a record it refers to does not exist"
		}
		return &practice.Error{Code: practice.ErrNotFound, Message: msg, Err: pgErr}
	case codeCheckViolation:
		if invalid, ok := invalidValues[pgErr.ConstraintName]; ok {
			return &invalidError{invalid(), pgErr}
		}
	}
	msg := pgErr.Message
	if strings.HasPrefix(pgErr.Code, classDataException) {
		msg = "invalid data"
	}
	if pgErr.ConstraintName != "" {
		msg += " (constraint " + pgErr.ConstraintName + ")"
	}
	return &dbError{msg: fmt.Sprintf("postgres: %s (SQLSTATE %s)", msg, pgErr.Code), err: pgErr}
}
