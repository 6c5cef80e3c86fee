package practice_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

func fieldErrors(t *testing.T, err error) map[string]string {
	t.Helper()
	var v *practice.ValidationError
	require.ErrorAs(t, err, &v)
	out := map[string]string{}
	for _, f := range v.Fields {
		out[f.Field] = f.Rule
	}
	return out
}

func TestValidate(t *testing.T) {
	t.Parallel()
	require.NoError(t, practice.Validate(practice.OrganisationInput{Name: "Brønnøysundregistrene", OrgNumber: "974760673"}))
	require.Equal(t, map[string]string{"name": "required", "orgNumber": "orgnr"},
		fieldErrors(t, practice.Validate(practice.OrganisationInput{OrgNumber: "974760674"})),
		"fields are named by their JSON names, with the rule broken")

	var nid practice.NationalID
	require.NoError(t, json.Unmarshal([]byte(`"01010750161"`), &nid))
	err := practice.Validate(practice.PersonInput{Name: "Kari", Email: "not-an-address", NationalID: nid,
		Profile: practice.Profile{Teaches: []string{""}}})
	require.Equal(t, map[string]string{"email": "email", "nationalId": "natid", "profile.teaches[0]": "required"}, fieldErrors(t, err))
	require.NotContains(t, err.Error(), "0101075", "a validation error never quotes a national identity number")
	require.Contains(t, err.Error(), "nationalId: must be a valid Norwegian national identity number")

	require.Equal(t, map[string]string{"organisationId": "required", "from": "required", "name": "required"},
		fieldErrors(t, practice.Validate(practice.NewPlace{})), "IDs and dates are required by their zero values")
	require.Equal(t, map[string]string{"presentation.email": "email", "presentation.pictureRef": "pictureref"},
		fieldErrors(t, practice.Validate(practice.NewPlace{OrganisationID: practice.NewID(), Name: "X", From: d("2027-01-01"),
			Presentation: practice.Presentation{Email: "x", PictureRef: "not a uri"}})))
}

func TestValidationErrorMessage(t *testing.T) {
	t.Parallel()
	var v practice.ValidationError
	require.NoError(t, v.Err(), "an empty ValidationError is no error")
	v.Add("name", "required", "is required")
	v.Add("orgNumber", "orgnr", "must be valid")
	require.EqualError(t, v.Err(), "invalid input: name: is required; orgNumber: must be valid")
}

// TestValidateHostileText feeds every kind of text the rules refuse to
// every kind of field: each is refused naming the field (by its JSON path)
// and the rule, and no message quotes the value.
func TestValidateHostileText(t *testing.T) {
	t.Parallel()
	person := func(name string, teaches ...string) practice.PersonInput {
		return practice.PersonInput{Name: name, Email: "kari@example.no", Profile: practice.Profile{Teaches: teaches}}
	}
	place := func(pr practice.Presentation) practice.NewPlace {
		return practice.NewPlace{OrganisationID: practice.NewID(), Name: "Post", From: d("2027-01-01"), Presentation: pr}
	}
	for _, tc := range []struct {
		name  string
		in    any
		field string
		rule  string
	}{
		{"NUL in a name", person("Kari\x00Nordmann"), "name", "control"},
		{"NUL in a list item", person("Kari", "Førstehjelp", "Akutt\x00medisin"), "profile.teaches[1]", "control"},
		{"NUL in multi-line text", place(practice.Presentation{Description: "Linje 1\nLinje\x002"}), "presentation.description", "control"},
		{"a line break in a name", person("Kari\nNordmann"), "name", "control"},
		{"escape in a phone", practice.PersonInput{Name: "Kari", Email: "k@example.no", Phone: "\x1b[31m+47"}, "phone", "control"},
		{"DEL", practice.OrganisationInput{Name: "A\x7fB", OrgNumber: "974760673"}, "name", "control"},
		{"C1 control", practice.OrganisationInput{Name: "A\u0085B", OrgNumber: "974760673"}, "name", "control"},
		{"line separator", practice.OrganisationInput{Name: "A\u2028B", OrgNumber: "974760673"}, "name", "control"},
		{"right-to-left override", person("Kari \u202eannamdroN"), "name", "bidi"},
		{"isolate", place(practice.Presentation{Address: "Gate \u2066 1"}), "presentation.address", "bidi"},
		{"invalid UTF-8", person("Kari \xff\xfe"), "name", "utf8"},
		{"invalid UTF-8 in a list", person("Kari", "\xc3"), "profile.teaches[0]", "utf8"},
		{"zero-width spaces only", person("\u200b\u200b"), "name", "visible"},
		{"hangul fillers only", practice.OrganisationInput{Name: "\u3164\u3164", OrgNumber: "974760673"}, "name", "visible"},
		{"braille blank", practice.InstitutionInput{Name: "\u2800", Code: "X"}, "name", "visible"},
		{"invisible place name", practice.NewPlace{OrganisationID: practice.NewID(), Name: "\u2060", From: d("2027-01-01")}, "name", "visible"},
		{"invisible list item", person("Kari", "\u200d"), "profile.teaches[0]", "visible"},
		{"organisation number of zeros", practice.OrganisationInput{Name: "A", OrgNumber: "000000000"}, "orgNumber", "orgnr"},
		{"javascript picture", place(practice.Presentation{PictureRef: "javascript:alert(1)"}), "presentation.pictureRef", "pictureref"},
		{"data picture", place(practice.Presentation{PictureRef: "data:image/svg+xml;base64,PHN2Zz4="}), "presentation.pictureRef", "pictureref"},
		{"http picture", place(practice.Presentation{PictureRef: "http://example.no/a.jpg"}), "presentation.pictureRef", "pictureref"},
		{"protocol-relative picture", place(practice.Presentation{PictureRef: "//evil.example/a.jpg"}), "presentation.pictureRef", "pictureref"},
		{"picture path climbing out", place(practice.Presentation{PictureRef: "/media/../etc/passwd"}), "presentation.pictureRef", "pictureref"},
		{"picture at an action of the API", place(practice.Presentation{PictureRef: "/auth/logout"}), "presentation.pictureRef", "pictureref"},
		{"picture at a hidden file", place(practice.Presentation{PictureRef: "/media/.env"}), "presentation.pictureRef", "pictureref"},
		{"picture with user information", place(practice.Presentation{PictureRef: "https://user:pw@example.no/a.jpg"}), "presentation.pictureRef", "pictureref"},
		{"a date long ago", practice.NewPlace{OrganisationID: practice.NewID(), Name: "Post", From: practice.NewDate(0, 1, 1)}, "from", "range"},
		{"a date far ahead", practice.StructureChange{PlaceID: practice.NewID(), From: practice.NewDate(9999, 12, 31), Name: "X"}, "from", "range"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := practice.Validate(tc.in)
			require.Equal(t, tc.rule, fieldErrors(t, err)[tc.field], "%v", err)
			require.NotContains(t, err.Error(), "Nordmann", "a message never quotes the value")
			require.NotContains(t, err.Error(), "alert", "a message never quotes the value")
		})
	}
	ok := []any{
		person("Kari Nordmann", "Førstehjelp"),
		person("Nguyễn Thị Minh Khai"),
		person("أحمد\u200f"), // a right-to-left mark is allowed
		person("\u00a0Kari\u00a0"),
		place(practice.Presentation{Description: "Linje 1\r\nLinje 2\tmed tabulator", PictureRef: "https://ous.example.org/bilder/a.jpg"}),
		place(practice.Presentation{PictureRef: "/media/akutt-2.jpg"}),
		practice.NewPlace{OrganisationID: practice.NewID(), Name: "Post", From: practice.FirstDate},
		practice.NewPlace{OrganisationID: practice.NewID(), Name: "Post", From: practice.LastDate},
		practice.OrganisationInput{Name: "A", OrgNumber: "811111112"},
	}
	for _, in := range ok {
		require.NoError(t, practice.Validate(in), "%+v", in)
	}
}
