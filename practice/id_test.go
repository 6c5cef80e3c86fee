package practice_test

import (
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

func TestNewID(t *testing.T) {
	t.Parallel()
	before := time.Now().UnixMilli()
	id := practice.NewID()
	after := time.Now().UnixMilli()
	require.Equal(t, byte(0x70), id[6]&0xf0, "version 7")
	require.Equal(t, byte(0x80), id[8]&0xc0, "RFC 9562 variant")
	ms := int64(id[0])<<40 | int64(id[1])<<32 | int64(id[2])<<24 | int64(id[3])<<16 | int64(id[4])<<8 | int64(id[5])
	require.True(t, before <= ms && ms <= after, "the first 48 bits are the Unix time in milliseconds")

	// Strictly increasing, also across goroutines and within a millisecond.
	var mu sync.Mutex
	var all []string
	var wg sync.WaitGroup
	decreased := make([]bool, 4)
	for g := range 4 {
		wg.Go(func() {
			prev := practice.NilID
			mine := make([]string, 0, 2000)
			for range 2000 {
				id := practice.NewID()
				decreased[g] = decreased[g] || id.Compare(prev) <= 0
				prev = id
				mine = append(mine, id.String())
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	require.Equal(t, []bool{false, false, false, false}, decreased, "each goroutine's IDs increase strictly")
	slices.Sort(all)
	require.Len(t, slices.Compact(all), 8000, "no two IDs are equal")
}

func TestParseID(t *testing.T) {
	t.Parallel()
	id := practice.NewID()
	got, err := practice.ParseID(id.String())
	require.NoError(t, err)
	require.Equal(t, id, got)
	got, err = practice.ParseID(strings.ToUpper(id.String()))
	require.NoError(t, err)
	require.Equal(t, id, got, "upper case parses too")
	require.Equal(t, "00000000-0000-0000-0000-000000000000", practice.NilID.String())
	require.True(t, practice.NilID.IsZero())
	for _, bad := range []string{"", "0190f5a2-7b3c-7d4e-8f5a-1b2c3d4e5f6", "0190f5a27b3c7d4e8f5a1b2c3d4e5f60", "0190f5a2-7b3c-7d4e-8f5a-1b2c3d4e5fzz", "0190f5a2+7b3c-7d4e-8f5a-1b2c3d4e5f60"} {
		_, err := practice.ParseID(bad)
		require.Error(t, err, bad)
	}

	type doc struct {
		ID     practice.ID `json:"id"`
		Parent practice.ID `json:"parent,omitzero"`
	}
	b, err := json.Marshal(doc{ID: id})
	require.NoError(t, err)
	require.JSONEq(t, `{"id":"`+id.String()+`"}`, string(b))
	var back doc
	require.NoError(t, json.Unmarshal(b, &back))
	require.Equal(t, id, back.ID)
	require.Error(t, json.Unmarshal([]byte(`{"id":"nope"}`), &back))
}
