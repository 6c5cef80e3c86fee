package practice

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/go-playground/validator/v10"
)

var (
	validateOnce sync.Once
	validate     *validator.Validate
)

// Validator returns the one validator instance that every praksis package
// shares. It names fields by their JSON names and knows the rules "orgnr"
// (a Norwegian organisation number) and "natid" (a Norwegian national
// identity number), and it validates [Date], [ID] and [NationalID] fields
// by their text forms. Register further rules on it only at start-up.
func Validator() *validator.Validate {
	validateOnce.Do(func() {
		v := validator.New(validator.WithRequiredStructEnabled())
		v.RegisterTagNameFunc(func(f reflect.StructField) string {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			switch name {
			case "-":
				return ""
			case "":
				return f.Name
			}
			return name
		})
		v.RegisterCustomTypeFunc(func(f reflect.Value) any {
			return f.Interface().(Date).String()
		}, Date{})
		v.RegisterCustomTypeFunc(func(f reflect.Value) any {
			id := f.Interface().(ID)
			if id == NilID {
				return ""
			}
			return id.String()
		}, NilID)
		v.RegisterCustomTypeFunc(func(f reflect.Value) any {
			return f.Interface().(NationalID).Reveal()
		}, NationalID{})
		must(v.RegisterValidation("orgnr", func(fl validator.FieldLevel) bool {
			return ValidOrgNumber(fl.Field().String())
		}))
		must(v.RegisterValidation("natid", func(fl validator.FieldLevel) bool {
			return ValidNationalID(fl.Field().String())
		}))
		validate = v
	})
	return validate
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// Validate checks v against its `validate` struct tags with the shared
// [Validator]. It returns nil or a *[ValidationError] with one field error
// per broken rule. Messages never quote the value given.
func Validate(v any) error {
	err := Validator().Struct(v)
	if err == nil {
		return nil
	}
	var errs validator.ValidationErrors
	if !errors.As(err, &errs) {
		return fmt.Errorf("validate %T: %w", v, err)
	}
	var out ValidationError
	for _, fe := range errs {
		out.Add(fieldPath(fe), fe.Tag(), ruleMessage(fe))
	}
	return &out
}

// fieldPath turns "PersonInput.profile.teaches[0]" into "profile.teaches[0]".
func fieldPath(fe validator.FieldError) string {
	ns := fe.Namespace()
	if _, rest, ok := strings.Cut(ns, "."); ok {
		return rest
	}
	return ns
}

func ruleMessage(fe validator.FieldError) string {
	p := fe.Param()
	switch fe.Tag() {
	case "required":
		return "is required"
	case "max":
		if fe.Kind() == reflect.String {
			return "must be at most " + p + " characters"
		}
		return "must have at most " + p + " items"
	case "min":
		if fe.Kind() == reflect.String {
			return "must be at least " + p + " characters"
		}
		return "must have at least " + p + " items"
	case "email":
		return "must be an e-mail address"
	case "e164":
		return "must be a phone number in international form, e.g. +4722334455"
	case "oneof":
		return "must be one of: " + strings.ReplaceAll(p, " ", ", ")
	case "orgnr":
		return "must be a 9-digit Norwegian organisation number with a valid check digit"
	case "natid":
		return "must be a valid Norwegian national identity number (11 digits, valid date and check digits)"
	case "url", "uri":
		return "must be a URL"
	case "printascii", "printunicode":
		return "must contain printable characters only"
	}
	return "breaks the rule " + fe.Tag()
}
