package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

// entity describes one kind of versioned record, so the rules every
// versioned record shares are written once.
type entity[T any] struct {
	kind string
	// make returns a new record, not yet stored; it may store what the
	// record refers to.
	make    func(t *testing.T, b bundle) T
	create  func(s practice.Store, ctx context.Context, v T) error
	update  func(s practice.Store, ctx context.Context, v T) error
	get     func(s practice.Store, ctx context.Context, id practice.ID) (T, error)
	id      func(v T) practice.ID
	version func(v *T) *int
	created func(v *T) *time.Time
	// change edits a field that the update must store.
	change func(v *T)
	// taken, if set, gives v a unique value that other holds, and names its
	// field.
	taken func(v *T, other T) string
}

func testVersioned[T any](t *testing.T, h Harness, e entity[T]) {
	t.Run("RoundTrip", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		v := e.make(t, b)
		require.NoError(t, e.create(b.s, b.ctx, v), "rule: Create%s stores a new record", e.kind)
		got, err := e.get(b.s, b.ctx, e.id(v))
		require.NoError(t, err, "rule: %s returns a stored record", e.kind)
		require.Equal(t, v, got, "rule: %s returns every field as stored (times in UTC, microseconds)", e.kind)
	})
	t.Run("NotFound", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		_, err := e.get(b.s, b.ctx, practice.NewID())
		isRule(t, err, practice.ErrNotFound, e.kind+" of an unknown ID returns ErrNotFound")
		inDomainWords(t, err, e.kind+" of an unknown ID")
	})
	t.Run("DuplicateID", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		v := e.make(t, b)
		require.NoError(t, e.create(b.s, b.ctx, v))
		err := b.try(func(ctx context.Context) error { return e.create(b.s, ctx, v) })
		isConflict(t, err, "id", "Create"+e.kind+" with a taken ID is a conflict on id")
	})
	t.Run("Update", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		v := e.make(t, b)
		require.NoError(t, e.create(b.s, b.ctx, v))
		want := v
		e.change(&want)
		changed := want
		*e.created(&changed) = now().Add(time.Hour) // must not be stored
		require.NoError(t, e.update(b.s, b.ctx, changed), "rule: Update%s with the stored version succeeds", e.kind)
		got, err := e.get(b.s, b.ctx, e.id(v))
		require.NoError(t, err)
		*e.version(&want)++
		require.Equal(t, want, got, "rule: Update%s stores the record with its version plus one, and never changes CreatedAt", e.kind)
	})
	t.Run("StaleVersion", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		v := e.make(t, b)
		require.NoError(t, e.create(b.s, b.ctx, v))
		first := v
		e.change(&first)
		require.NoError(t, e.update(b.s, b.ctx, first))
		stale := v
		e.change(&stale)
		e.change(&stale)
		err := b.try(func(ctx context.Context) error { return e.update(b.s, ctx, stale) })
		isConflict(t, err, "", "Update"+e.kind+" with a stale version is a conflict on the version")
		got, err := e.get(b.s, b.ctx, e.id(v))
		require.NoError(t, err)
		*e.version(&first)++
		require.Equal(t, first, got, "rule: a refused Update%s changes nothing", e.kind)
	})
	t.Run("UpdateUnknown", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		v := e.make(t, b)
		err := b.try(func(ctx context.Context) error { return e.update(b.s, ctx, v) })
		isRule(t, err, practice.ErrNotFound, "Update"+e.kind+" of an unknown ID returns ErrNotFound")
	})
	if e.taken == nil {
		return
	}
	t.Run("Taken", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		a := e.make(t, b)
		require.NoError(t, e.create(b.s, b.ctx, a))
		v := e.make(t, b)
		field := e.taken(&v, a)
		err := b.try(func(ctx context.Context) error { return e.create(b.s, ctx, v) })
		isConflict(t, err, field, "Create"+e.kind+" with a taken "+field+" is a conflict on "+field)

		v = e.make(t, b)
		require.NoError(t, e.create(b.s, b.ctx, v))
		want := v
		e.taken(&v, a)
		err = b.try(func(ctx context.Context) error { return e.update(b.s, ctx, v) })
		isConflict(t, err, field, "Update"+e.kind+" to a taken "+field+" is a conflict on "+field)
		got, err := e.get(b.s, b.ctx, e.id(v))
		require.NoError(t, err)
		require.Equal(t, want, got, "rule: a refused Update%s changes nothing", e.kind)

		stale := v
		*e.version(&stale) += 5
		err = b.try(func(ctx context.Context) error { return e.update(b.s, ctx, stale) })
		isConflict(t, err, "", "Update"+e.kind+" with a stale version and a taken "+field+" is a conflict on the version: the version is checked first")
	})
}
