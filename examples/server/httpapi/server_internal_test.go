package httpapi

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLoggedPath(t *testing.T) {
	t.Parallel()
	const token = "q0Zx8Jc3yJk2b1N8Qf3Hk5mW7pT9rV2sU4wX6yZ8a0B"
	for _, tc := range []struct{ path, want string }{
		{"/auth/invitation/" + token, "/auth/invitation/…"},
		{"/auth/invitation/" + token + "/more", "/auth/invitation/…"},
		{"/AUTH/Invitation/" + token, "/auth/invitation/…"},
		{"/auth//invitation/" + token, "/auth/invitation/…"},
		{"/auth/./invitation/" + token, "/auth/invitation/…"},
		{"/x/auth/invitation/" + token, "/auth/invitation/…"},
		{"/auth/invitation/", "/auth/invitation/…"},
		{"/auth/invitation", "/auth/invitation"},
		{"/api/invitations/0190f5a2-7b3c-7d4e-8f5a-1b2c3d4e5f60", "/api/invitations/0190f5a2-7b3c-7d4e-8f5a-1b2c3d4e5f60"},
		{"/api/people/12897810032", "/api/people/***********"},
	} {
		require.Equal(t, tc.want, loggedPath(tc.path), tc.path)
	}
}

// TestTokenPatternInTags checks that the tags that spell out the form of an
// invitation's token agree with tokenPattern.
func TestTokenPatternInTags(t *testing.T) {
	t.Parallel()
	for _, typ := range []reflect.Type{reflect.TypeFor[InvitationToken](), reflect.TypeFor[DevAcceptRequest]()} {
		f, ok := typ.FieldByName("Token")
		require.True(t, ok, typ)
		require.Equal(t, tokenPattern, f.Tag.Get("pattern"), typ)
		require.Equal(t, "43", f.Tag.Get("minLength"), typ)
		require.Equal(t, "43", f.Tag.Get("maxLength"), typ)
	}
}
