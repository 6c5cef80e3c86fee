package httpapi

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestInvalidUTF8Field(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ body, want string }{
		{"{\"name\":\"a\xff\"}", "name"},
		{"{\"a\":1,\"b\":[true,null,{\"c\":\"x\"},\"\xfe\"]}", "b[3]"},
		{"{\"a\":{\"b\":{\"c\":[\"ok\",\"\xc3\"]}}}", "a.b.c[1]"},
		{"{\"a\":[[\"x\"],[\"y\",\"\xff\"]]}", "a[1][1]"},
		{"{\"k\xffy\":1}", "k\ufffdy"},
		{"{\"12897810032\":\"\xff\"}", "***********"},
		{"[\"\xff\"]", "[0]"},
		{"\"\xff\"", ""},
		{"{\"a\":\"b\"}\xff", ""},
		{"{\"a\":", ""},
	} {
		require.Equal(t, tc.want, invalidUTF8Field([]byte(tc.body)), "%q", tc.body)
	}
}
