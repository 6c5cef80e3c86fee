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
	require.Equal(t, map[string]string{"presentation.email": "email", "presentation.pictureRef": "uri"},
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
