package practice

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/go-playground/validator/v10"
)

var (
	validateOnce sync.Once
	validate     *validator.Validate
)

// Validator returns the one validator instance that every praksis package
// shares. It names fields by their JSON names and knows these rules beside
// the validator's own:
//
//   - "orgnr": a Norwegian organisation number (see [ValidOrgNumber]);
//   - "natid": a Norwegian national identity number (see [ParseNationalID]);
//   - "visible": text with a visible character (see [Visible]);
//   - "pictureref": an https URL or a file under /media/ on the server (see
//     [ValidPictureRef]);
//   - "multiline": marks text that may span lines (see [Validate]).
//
// It validates [Date], [ID] and [NationalID] fields by their text forms.
// Register further rules on it only at start-up.
func Validator() *validator.Validate {
	validateOnce.Do(func() {
		v := validator.New(validator.WithRequiredStructEnabled())
		v.RegisterTagNameFunc(jsonName)
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
		must(v.RegisterValidation("visible", func(fl validator.FieldLevel) bool {
			return Visible(fl.Field().String())
		}))
		must(v.RegisterValidation("pictureref", func(fl validator.FieldLevel) bool {
			return ValidPictureRef(fl.Field().String())
		}))
		// multiline only marks a field for the text rules of Validate.
		must(v.RegisterValidation("multiline", func(validator.FieldLevel) bool { return true }))
		validate = v
	})
	return validate
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	switch name {
	case "-":
		return ""
	case "":
		return f.Name
	}
	return name
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// Validate checks v, a struct or a pointer to one, and returns nil or a
// *[ValidationError] with one field error per broken rule, each named by
// its JSON path (such as "profile.teaches[1]"). Messages never quote the
// value given.
//
// It checks, in this order: every string of v, at any depth, as text (the
// rules "utf8", "control" and "bidi": valid UTF-8, no control character
// such as NUL, no bidirectional embedding, override or isolate; a field
// tagged "multiline" may hold line breaks and tabs); every non-zero [Date]
// for the range of [FirstDate] to [LastDate] (rule "range"); then the
// `validate` struct tags with the shared [Validator], for the fields that
// broke no rule before.
func Validate(v any) error {
	var out ValidationError
	broken := map[string]bool{}
	walkInput(reflect.ValueOf(v), "", false, func(path, rule, message string) {
		if !broken[path] {
			broken[path] = true
			out.Add(path, rule, message)
		}
	})
	err := Validator().Struct(v)
	var errs validator.ValidationErrors
	switch {
	case err == nil:
	case errors.As(err, &errs):
		for _, fe := range errs {
			if path := fieldPath(fe); !broken[path] {
				broken[path] = true
				out.Add(path, fe.Tag(), ruleMessage(fe))
			}
		}
	default:
		return fmt.Errorf("validate %T: %w", v, err)
	}
	return out.Err()
}

var dateType = reflect.TypeFor[Date]()

// walkInput calls report for each string in v that breaks a text rule and
// each Date out of range, with its JSON path. multiline tells that v's
// field is tagged "multiline".
func walkInput(v reflect.Value, path string, multiline bool, report func(path, rule, message string)) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkInput(v.Elem(), path, multiline, report)
		}
	case reflect.String:
		if rule, msg := textRule(v.String(), multiline); rule != "" {
			report(path, rule, msg)
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 { // bytes, an ID
			return
		}
		for i := range v.Len() {
			walkInput(v.Index(i), path+"["+strconv.Itoa(i)+"]", multiline, report)
		}
	case reflect.Struct:
		if v.Type() == dateType {
			d := v.Interface().(Date)
			if !d.IsZero() && !d.InRange() {
				report(path, "range", "must be a date from "+FirstDate.String()+" to "+LastDate.String())
			}
			return
		}
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name := jsonName(f)
			if name == "" {
				continue
			}
			child := path
			if !f.Anonymous {
				child = joinPath(path, name)
			}
			ml := strings.Contains(","+f.Tag.Get("validate")+",", ",multiline,")
			walkInput(v.Field(i), child, ml, report)
		}
	}
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// msgOrgNumber explains the rule "orgnr".
const msgOrgNumber = "must be a 9-digit Norwegian organisation number, starting with 8 or 9, with a valid check digit"

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
		return msgOrgNumber
	case "natid":
		return "must be a valid Norwegian national identity number (11 digits, valid date and check digits)"
	case "url", "uri":
		return "must be a URL"
	case "pictureref":
		return "must be an https URL, or a file under /media/ on the server such as /media/picture.jpg"
	case "visible":
		return msgVisible
	case "printascii", "printunicode":
		return "must contain printable characters only"
	}
	return "breaks the rule " + fe.Tag()
}
