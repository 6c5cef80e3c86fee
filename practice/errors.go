package practice

import (
	"errors"
	"fmt"
	"strings"
)

// The sentinel errors of the domain. Every refusal a service or a store
// returns matches one of them with errors.Is, or is a *[ValidationError].
var (
	// ErrNotFound: the requested record does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the record changed since it was read (a stale version), or
	// the change would duplicate a unique value.
	ErrConflict = errors.New("conflict")
	// ErrForbidden: the actor lacks the right to do this.
	ErrForbidden = errors.New("forbidden")
)

// Error is a refusal told in the domain's words: what kind it is (Code),
// what a user should read (Message), and, for a conflict, what conflicted.
// Stores and services return it; errors.Is reports its Code, and
// errors.As finds it through any wrapping.
//
// Error's text is Code's text and Message, never the cause's, so it never
// carries a driver's wording, an SQL constraint name or a chain of Go
// errors; the cause stays reachable with errors.As and errors.Unwrap, for
// logs. No Message quotes text the caller gave, so none can carry a
// national identity number; it may name an ID or a date.
type Error struct {
	// Code is ErrNotFound, ErrConflict or ErrForbidden.
	Code error
	// Message says what was refused, for the user.
	Message string
	// Field names, for a conflict over a unique value, the value taken, as
	// the caller spells it ("email", "orgNumber", "nationalId", "code",
	// "from", or "id" for a taken identifier). It is empty otherwise.
	Field string
	// Stale is true for a conflict over a stale version: the record changed
	// since the caller read it.
	Stale bool
	// Err is the cause, if any: for logs, never for a user.
	Err error
}

// Error returns the code and the message, as in "conflict: the e-mail is
// taken".
func (e *Error) Error() string {
	if e.Message == "" {
		return e.Code.Error()
	}
	return e.Code.Error() + ": " + e.Message
}

// Is reports whether target is e's Code.
func (e *Error) Is(target error) bool { return target != nil && target == e.Code }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// NotFound returns an *Error with code ErrNotFound and a message made as
// fmt.Sprintf makes it.
func NotFound(format string, args ...any) *Error {
	return &Error{Code: ErrNotFound, Message: fmt.Sprintf(format, args...)}
}

// Taken returns the *Error a store returns when a change would duplicate
// the unique value of field (see [Error.Field]); cause is the driver's
// error, or nil.
func Taken(field string, cause error) *Error {
	return &Error{Code: ErrConflict, Field: field, Message: "the " + field + " is taken", Err: cause}
}

// Stale returns the *Error a store returns when an update names a version
// that is not the stored one; cause is the driver's error, or nil.
func Stale(cause error) *Error {
	return &Error{Code: ErrConflict, Stale: true, Message: "the record changed since it was read", Err: cause}
}

// forbidden returns an *Error with code ErrForbidden that says what was
// refused.
func forbidden(format string, args ...any) *Error {
	return &Error{Code: ErrForbidden, Message: fmt.Sprintf(format, args...)}
}

// FieldError is one broken rule of one input field.
type FieldError struct {
	// Field is the field's name as the caller spells it: the JSON path, such
	// as "name", "profile.teaches[1]" or, for a query parameter, "asOf".
	Field string `json:"field"`
	// Rule names the rule broken, e.g. "required", "max", "orgnr".
	Rule string `json:"rule"`
	// Message explains the rule in a sentence. It never quotes the value
	// given.
	Message string `json:"message"`
}

// ValidationError reports input that breaks one or more rules. Nothing was
// changed when a service returns one.
type ValidationError struct {
	Fields []FieldError
}

// Add appends a field error.
func (e *ValidationError) Add(field, rule, message string) {
	e.Fields = append(e.Fields, FieldError{Field: field, Rule: rule, Message: message})
}

// Err returns e if it holds any field error, and nil otherwise.
func (e *ValidationError) Err() error {
	if e == nil || len(e.Fields) == 0 {
		return nil
	}
	return e
}

// Error lists the field errors.
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("invalid input: ")
	for i, f := range e.Fields {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(f.Field)
		b.WriteString(": ")
		b.WriteString(f.Message)
	}
	return b.String()
}

// Invalid returns a *ValidationError with one field error.
func Invalid(field, rule, message string) error {
	return &ValidationError{Fields: []FieldError{{Field: field, Rule: rule, Message: message}}}
}

// validateAll joins the validation errors of several checks into one. An
// error that is not a *ValidationError is returned as it is.
func validateAll(errs ...error) error {
	var all ValidationError
	for _, err := range errs {
		var v *ValidationError
		if errors.As(err, &v) {
			all.Fields = append(all.Fields, v.Fields...)
		} else if err != nil {
			return err
		}
	}
	return all.Err()
}

// Message returns the text of err that a user may read: the message of the
// *Error or *ValidationError it holds, or else only the name of the
// sentinel it matches ("not found", "conflict", "forbidden"). It returns ""
// for any other error, whose text is for logs only.
func Message(err error) string {
	var v *ValidationError
	if errors.As(err, &v) {
		return v.Error()
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Error()
	}
	for _, s := range []error{ErrNotFound, ErrConflict, ErrForbidden} {
		if errors.Is(err, s) {
			return s.Error()
		}
	}
	return ""
}
