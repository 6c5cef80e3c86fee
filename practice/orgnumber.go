package practice

// ValidOrgNumber reports whether s is a valid Norwegian organisation number
// as assigned by Brønnøysundregistrene: exactly nine ASCII digits (no spaces
// or other separators), the first of them 8 or 9 (as every organisation
// number is; so 000000000, whose check digit fits, is refused), whose last
// digit is the modulus 11 check digit of the first eight with weights
// 3 2 7 6 5 4 3 2. The check digit is 11 minus the weighted sum modulo 11;
// 11 gives 0, and 10 means no valid number has those first eight digits.
func ValidOrgNumber(s string) bool {
	if len(s) != 9 || s[0] != '8' && s[0] != '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	sum := 0
	for i, w := range [8]int{3, 2, 7, 6, 5, 4, 3, 2} {
		sum += w * int(s[i]-'0')
	}
	check := 11 - sum%11
	switch check {
	case 11:
		check = 0
	case 10:
		return false
	}
	return int(s[8]-'0') == check
}
