package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/validation"
	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

func TestProblemFor(t *testing.T) {
	t.Parallel()
	notFound := fmt.Errorf("store: read person: %w", &practice.Error{Code: practice.ErrNotFound, Message: "there is no person x",
		Err: errors.New("sql: no rows in result set")})
	invalid := &practice.ValidationError{Fields: []practice.FieldError{{Field: "limit", Rule: "range", Message: "must be from 1 to 500"}}}
	mixed := &practice.ValidationError{Fields: []practice.FieldError{{Field: "limit", Rule: "range", Message: "m"}, {Field: "name", Rule: "required", Message: "m"}}}
	for _, tc := range []struct {
		name      string
		err       error
		anonymous bool
		status    int
		detail    string
	}{
		{"a wrapped domain error tells only its message", notFound, false, 404, "not found: there is no person x"},
		{"a conflict", fmt.Errorf("tx: %w", practice.Stale(errors.New("pq: 40001"))), false, 409, "conflict: the record changed since it was read"},
		{"a refusal", fmt.Errorf("x: %w", practice.ErrForbidden), false, 403, "forbidden"},
		{"a refusal of nobody", fmt.Errorf("x: %w", practice.ErrForbidden), true, 401, "log in first: forbidden"},
		{"a validation error of query parameters", fmt.Errorf("x: %w", invalid), false, 400, "invalid input: limit: must be from 1 to 500"},
		{"a validation error of the body as well", mixed, false, 422, "invalid input: limit: m; name: m"},
		{"anything else", errors.New("dial tcp db.internal:5432: refused"), false, 500, "something went wrong on our side; quote the request ID when you report it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := problemFor(tc.err, tc.anonymous, []string{"limit", "cursor"})
			require.Equal(t, tc.status, p.Status)
			require.Equal(t, tc.detail, p.Detail)
			require.Equal(t, kinds[p.Type].status, p.Status)
			if tc.status == 500 {
				require.Equal(t, tc.err, p.cause, "the cause is kept for the log")
			}
		})
	}
}

func TestHumaProblem(t *testing.T) {
	t.Parallel()
	nid := "12897810032"
	detail := func(loc, msg string) error { return &huma.ErrorDetail{Location: loc, Message: msg, Value: nid} }
	for _, tc := range []struct {
		name   string
		status int
		errs   []error
		want   int
		fields map[string]string
	}{
		{"a path parameter names nothing", 422, []error{detail("path.id", "invalid value"), detail("body.name", validation.MsgExpectedString)}, 404, nil},
		{"a body too large", 413, []error{detail("query.limit", "invalid integer")}, 413, nil},
		{"a body not JSON", 415, []error{detail("body", "unknown content type")}, 415, nil},
		{"a query parameter", 422, []error{detail("query.limit", "invalid integer"), detail("query.x"+nid, unknownQueryMessage)}, 400,
			map[string]string{"limit": "type", "x***********": "unknown"}},
		{"an unknown field wins over others", 422, []error{detail("body.name", validation.MsgExpectedString), detail("body."+nid, validation.MsgUnexpectedProperty)}, 400,
			map[string]string{"***********": "unknown"}},
		{"fields of the body", 422, []error{
			detail("body.from", validation.MsgExpectedRFC3339Date),
			detail("body.parentId", huma.ErrorFormatter(validation.MsgExpectedRFC4122UUID, "invalid length "+nid)),
			detail("body.parentId", uuidPatternMessage),
			detail("body", huma.ErrorFormatter(validation.MsgExpectedRequiredProperty, "name")),
			detail("body.profile", huma.ErrorFormatter(validation.MsgExpectedRequiredProperty, "teaches")),
			detail("body.version", huma.ErrorFormatter(validation.MsgExpectedMaximumNumber, 2147483647)),
			detail("body.profile.teaches[1]", validation.MsgExpectedString),
			detail("body.x", "a message huma may add one day "+nid),
		}, 422, map[string]string{"from": "date", "parentId": "uuid", "name": "required", "profile.teaches": "required",
			"version": "range", "profile.teaches[1]": "type", "x": "invalid"}},
		{"not an object", 422, []error{detail("body", validation.MsgExpectedObject)}, 400, nil},
		{"no body", 400, []error{detail("body", "request body is required")}, 400, nil},
		{"malformed", 400, []error{detail("body", "malformed JSON at byte 3")}, 400, nil},
		{"a cookie", 422, []error{detail("cookie.praksis_login", "invalid")}, 400, map[string]string{"cookie.praksis_login": "invalid"}},
		{"a failure", 500, []error{errors.New("read tcp: reset")}, 500, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := humaProblem(tc.status, tc.errs)
			require.Equal(t, tc.want, p.Status)
			require.Equal(t, kinds[p.Type].status, p.Status)
			if tc.fields == nil {
				require.Empty(t, p.Errors)
			} else {
				got := map[string]string{}
				for _, f := range p.Errors {
					got[f.Field] = f.Rule
					require.NotEmpty(t, f.Message)
				}
				require.Equal(t, tc.fields, got)
			}
			data, err := json.Marshal(p)
			require.NoError(t, err)
			require.NotContains(t, string(data), nid, "no value huma found reaches the problem")
			require.NotContains(t, string(data), "10032")
		})
	}
	require.Equal(t, http.StatusInternalServerError, humaProblem(http.StatusTeapot, nil).Status, "a status without details is a failure")
}
