package practice_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

func TestCursor(t *testing.T) {
	t.Parallel()
	c := practice.NewCursor("Øystein", "0190f5a2-7b3c-7d4e-8f5a-1b2c3d4e5f60")
	key, err := c.Key(2)
	require.NoError(t, err)
	require.Equal(t, []string{"Øystein", "0190f5a2-7b3c-7d4e-8f5a-1b2c3d4e5f60"}, key)
	require.Regexp(t, `^[A-Za-z0-9_-]+$`, string(c), "a cursor is safe in a URL as it is")
	key, err = practice.Cursor("").Key(2)
	require.NoError(t, err)
	require.Nil(t, key, "the zero cursor is the start")
	for _, bad := range []practice.Cursor{"!!", "bm90IGpzb24", c[:len(c)-2], practice.NewCursor("a")} {
		_, err := bad.Key(2)
		require.Equal(t, map[string]string{"cursor": "cursor"}, fieldErrors(t, err), "%q", bad)
	}
}

func TestPageRequest(t *testing.T) {
	t.Parallel()
	require.Equal(t, practice.DefaultLimit, practice.PageRequest{}.Size())
	require.Equal(t, practice.DefaultLimit, practice.PageRequest{Limit: -3}.Size())
	require.Equal(t, 7, practice.PageRequest{Limit: 7}.Size())
	require.Equal(t, practice.MaxLimit, practice.PageRequest{Limit: 1 << 30}.Size(), "a store never lists more than MaxLimit")
	require.NoError(t, practice.PageRequest{Limit: practice.MaxLimit, After: practice.NewCursor("x")}.Check())
	require.Equal(t, map[string]string{"limit": "range", "cursor": "cursor"},
		fieldErrors(t, practice.PageRequest{Limit: practice.MaxLimit + 1, After: "not base64!"}.Check()))
	require.Equal(t, map[string]string{"limit": "range"}, fieldErrors(t, practice.PageRequest{Limit: -1}.Check()))
}

func TestAllAndPageOf(t *testing.T) {
	t.Parallel()
	var xs []int
	for i := range 1234 {
		xs = append(xs, i)
	}
	key := func(i int) []string { return []string{fmt.Sprintf("%05d", i)} }
	calls := 0
	got, err := practice.All(func(p practice.PageRequest) (practice.Page[int], error) {
		calls++
		after, err := p.After.Key(1)
		if err != nil {
			return practice.Page[int]{}, err
		}
		start := 0
		if after != nil {
			fmt.Sscanf(after[0], "%d", &start)
			start++
		}
		return practice.PageOf(xs[start:min(len(xs), start+p.Size()+1)], p.Size(), key), nil
	})
	require.NoError(t, err)
	require.Equal(t, xs, got)
	require.Equal(t, 3, calls, "All reads pages of MaxLimit")

	boom := errors.New("boom")
	_, err = practice.All(func(practice.PageRequest) (practice.Page[int], error) { return practice.Page[int]{}, boom })
	require.Same(t, boom, err)
	require.Equal(t, practice.Page[int]{Items: []int{}}, practice.PageOf[int](nil, 3, key), "a page's items are never nil")
}
