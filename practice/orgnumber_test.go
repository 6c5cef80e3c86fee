package practice

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestValidOrgNumber(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want bool
	}{
		// Real organisation numbers, each checked against a published source.
		// Brønnøysundregistrene (Registerenheten i Brønnøysund).
		{"Brønnøysundregistrene", "974760673", true},
		// Universitetet i Oslo, "Org.nummer" in its Norwegian Wikipedia infobox.
		{"Universitetet i Oslo", "971035854", true},
		// NTNU, "Org.nummer" in its Norwegian Wikipedia infobox. The weighted
		// sum is divisible by 11, so the check digit is 0 (11 -> 0).
		{"NTNU, check digit 0", "974767880", true},
		// Skatteetaten – skatteinnkreving, given on skatteetaten.no/kontonummer.
		{"Skatteetaten skatteinnkreving", "924616733", true},

		{"wrong check digit", "974760674", false},
		{"wrong check digit, NTNU plus one", "974767881", false},
		{"two digits swapped", "947760673", false},
		// 4*3 = 12 = 1 mod 11, so the check digit would be 10: no valid number
		// starts with these eight digits.
		// 9*3 + 9*2 = 45 = 1 mod 11, so the check digit would be 10: no
		// valid number starts with these eight digits.
		{"check digit would be 10", "900000090", false},
		{"check digit would be 10, last digit 1", "900000091", false},
		// The check digit of eight zeros is 0, but no organisation number
		// starts with anything but 8 or 9.
		{"all zeros", "000000000", false},
		{"first digit 1, check digit right", "123456785", false},
		{"first digit 8", "811111112", true},
		{"empty", "", false},
		{"eight digits", "97476067", false},
		{"ten digits", "9747606730", false},
		{"letter", "97476067A", false},
		{"letters only", "ABCDEFGHI", false},
		{"grouped with spaces", "974 760 673", false},
		{"leading space", " 974760673", false},
		{"trailing space", "974760673 ", false},
		{"minus sign", "-97476067", false},
		{"full-width digits", "９７４７６０６７３", false},
		{"country prefix", "NO974760673", false},
		{"VAT suffix", "974760673MVA", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, ValidOrgNumber(tt.in))
		})
	}
}

// TestValidOrgNumberOneCheckDigit checks that, for first eight digits whose
// check digit is not 10, exactly one ninth digit is accepted.
func TestValidOrgNumberOneCheckDigit(t *testing.T) {
	t.Parallel()
	for _, first8 := range []string{"97476067", "97103585", "97476788", "92461673", "81234567", "80000000"} {
		t.Run(first8, func(t *testing.T) {
			t.Parallel()
			valid := 0
			for d := 0; d <= 9; d++ {
				if ValidOrgNumber(first8 + strconv.Itoa(d)) {
					valid++
				}
			}
			require.Equal(t, 1, valid)
		})
	}
}
