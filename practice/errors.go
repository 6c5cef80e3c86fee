package practice

import (
	"errors"
	"strings"
)

// The sentinel errors of the domain. Service methods and store adapters wrap
// them with context; test for them with errors.Is.
var (
	// ErrNotFound: the requested record does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the record changed since it was read (a stale version), or
	// the change would duplicate a unique value.
	ErrConflict = errors.New("conflict")
	// ErrForbidden: the actor lacks the right to do this.
	ErrForbidden = errors.New("forbidden")
)

// FieldError is one broken rule of one input field.
type FieldError struct {
	// Field is the field's name as the caller spells it (the JSON name).
	Field string `json:"field"`
	// Rule names the rule broken, e.g. "required", "max", "orgnr".
	Rule string `json:"rule"`
	// Message explains the rule in a sentence. It never quotes a national
	// identity number.
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
