package storagetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

// entity describes one kind of versioned record, so the rules every
// versioned record shares are written once.
type entity[T any] struct {
	kind string
	// make returns a new record, not yet stored; it may store what the
	// record refers to.
	make    func(t *testing.T, ctx context.Context, s practice.Store) T
	create  func(s practice.Store, ctx context.Context, v T) error
	update  func(s practice.Store, ctx context.Context, v T) error
	get     func(s practice.Store, ctx context.Context, id practice.ID) (T, error)
	id      func(v T) practice.ID
	version func(v *T) *int
	// change edits a field that the update must store.
	change func(v *T)
}

func testVersioned[T any](t *testing.T, newStore NewStore, e entity[T]) {
	t.Run("RoundTrip", func(t *testing.T) {
		t.Parallel()
		s, ctx := setup(t, newStore)
		v := e.make(t, ctx, s)
		require.NoError(t, e.create(s, ctx, v), "rule: Create%s stores a new record", e.kind)
		got, err := e.get(s, ctx, e.id(v))
		require.NoError(t, err, "rule: %s returns a stored record", e.kind)
		require.Equal(t, v, got, "rule: %s returns every field as stored (times in UTC, microseconds)", e.kind)
	})
	t.Run("NotFound", func(t *testing.T) {
		t.Parallel()
		s, ctx := setup(t, newStore)
		_, err := e.get(s, ctx, practice.NewID())
		isRule(t, err, practice.ErrNotFound, e.kind+" of an unknown ID returns ErrNotFound")
	})
	t.Run("DuplicateID", func(t *testing.T) {
		t.Parallel()
		s, ctx := setup(t, newStore)
		v := e.make(t, ctx, s)
		require.NoError(t, e.create(s, ctx, v))
		isRule(t, e.create(s, ctx, v), practice.ErrConflict, "Create"+e.kind+" with a taken ID returns ErrConflict")
	})
	t.Run("Update", func(t *testing.T) {
		t.Parallel()
		s, ctx := setup(t, newStore)
		v := e.make(t, ctx, s)
		require.NoError(t, e.create(s, ctx, v))
		e.change(&v)
		require.NoError(t, e.update(s, ctx, v), "rule: Update%s with the stored version succeeds", e.kind)
		got, err := e.get(s, ctx, e.id(v))
		require.NoError(t, err)
		*e.version(&v)++
		require.Equal(t, v, got, "rule: Update%s stores the record with its version plus one", e.kind)
	})
	t.Run("StaleVersion", func(t *testing.T) {
		t.Parallel()
		s, ctx := setup(t, newStore)
		v := e.make(t, ctx, s)
		require.NoError(t, e.create(s, ctx, v))
		first := v
		e.change(&first)
		require.NoError(t, e.update(s, ctx, first))
		stale := v
		e.change(&stale)
		e.change(&stale)
		isRule(t, e.update(s, ctx, stale), practice.ErrConflict, "Update"+e.kind+" with a stale version returns ErrConflict")
		got, err := e.get(s, ctx, e.id(v))
		require.NoError(t, err)
		*e.version(&first)++
		require.Equal(t, first, got, "rule: a refused Update%s changes nothing", e.kind)
	})
	t.Run("UpdateUnknown", func(t *testing.T) {
		t.Parallel()
		s, ctx := setup(t, newStore)
		v := e.make(t, ctx, s)
		isRule(t, e.update(s, ctx, v), practice.ErrNotFound, "Update"+e.kind+" of an unknown ID returns ErrNotFound")
	})
}
