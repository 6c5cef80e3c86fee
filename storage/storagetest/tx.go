package storagetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

func testTransactions(t *testing.T, h Harness) {
	t.Run("Commit", func(t *testing.T) {
		t.Parallel()
		b := h.fresh(t)
		var o practice.Organisation
		require.NoError(t, b.s.InTx(b.ctx, func(ctx context.Context) error {
			in := bundle{s: b.s, ctx: ctx}
			o = createOrg(t, in, "A")
			got, err := b.s.Organisation(ctx, o.ID)
			require.NoError(t, err, "rule: a transaction reads its own writes")
			require.Equal(t, o, got)
			createPlace(t, in, o.ID, "Avdeling", practice.NilID, date(t, "2026-01-01"))
			return nil
		}))
		_, err := b.s.Organisation(b.ctx, o.ID)
		require.NoError(t, err, "rule: what a committed transaction wrote is stored")
		places := listed(b.s.Places(b.ctx, practice.PlaceFilter{OrganisationID: o.ID})).items(t)
		require.Len(t, places, 1, "rule: what a committed transaction wrote is stored")
	})
	t.Run("Rollback", func(t *testing.T) {
		t.Parallel()
		b := h.fresh(t)
		kept := createOrg(t, b, "Kept")
		boom := errors.New("boom")
		var w written
		err := b.s.InTx(b.ctx, func(ctx context.Context) error {
			w = writeEverywhere(t, bundle{s: b.s, ctx: ctx}, kept)
			return boom
		})
		require.Same(t, boom, err, "rule: InTx returns fn's error unchanged")
		w.assertGone(t, b)
		got, err := b.s.Organisation(b.ctx, kept.ID)
		require.NoError(t, err)
		require.Equal(t, kept, got, "rule: a rolled-back update leaves the record as it was")
	})
	t.Run("Panic", func(t *testing.T) {
		t.Parallel()
		b := h.fresh(t)
		kept := createOrg(t, b, "Kept")
		var w written
		require.PanicsWithValue(t, "boom", func() {
			_ = b.s.InTx(b.ctx, func(ctx context.Context) error {
				w = writeEverywhere(t, bundle{s: b.s, ctx: ctx}, kept)
				panic("boom")
			})
		}, "rule: InTx lets fn's panic through")
		w.assertGone(t, b)
		createOrg(t, b, "After the panic")
	})
	t.Run("NestedRollsBackWithTheOuter", func(t *testing.T) {
		t.Parallel()
		b := h.fresh(t)
		kept := createOrg(t, b, "Kept")
		boom := errors.New("boom")
		var w written
		err := b.s.InTx(b.ctx, func(ctx context.Context) error {
			require.NoError(t, b.s.InTx(ctx, func(ctx context.Context) error {
				w = writeEverywhere(t, bundle{s: b.s, ctx: ctx}, kept)
				return nil
			}), "rule: InTx inside a transaction runs in it")
			return boom
		})
		require.ErrorIs(t, err, boom)
		w.assertGone(t, b)
	})
	t.Run("NestedIsASavepoint", func(t *testing.T) {
		t.Parallel()
		b := h.fresh(t)
		kept := createOrg(t, b, "Kept")
		boom := errors.New("boom")
		var before, inner practice.Organisation
		var w written
		require.NoError(t, b.s.InTx(b.ctx, func(ctx context.Context) error {
			before = createOrg(t, bundle{s: b.s, ctx: ctx}, "Before")
			err := b.s.InTx(ctx, func(ctx context.Context) error {
				w = writeEverywhere(t, bundle{s: b.s, ctx: ctx}, kept)
				return boom
			})
			require.Same(t, boom, err, "rule: a nested InTx returns fn's error unchanged")
			err = b.s.InTx(ctx, func(ctx context.Context) error {
				return b.s.CreateOrganisation(ctx, before) // a failed statement
			})
			isConflict(t, err, "id", "a store call that fails in a nested InTx returns its error")
			inner = createOrg(t, bundle{s: b.s, ctx: ctx}, "After")
			return nil
		}), "rule: after a nested InTx fails, the outer transaction goes on and commits")
		w.assertGone(t, b)
		for _, o := range []practice.Organisation{before, inner, kept} {
			got, err := b.s.Organisation(b.ctx, o.ID)
			require.NoError(t, err, "rule: what the outer transaction wrote before and after a failed nested InTx is committed")
			require.Equal(t, o, got)
		}
	})
	t.Run("Snapshot", func(t *testing.T) {
		t.Parallel()
		b := h.fresh(t)
		o := createOrg(t, b, "Before")
		refused := newOrganisation("Write")
		changed := make(chan error, 1)
		require.NoError(t, b.s.InSnapshot(b.ctx, func(ctx context.Context) error {
			first, err := b.s.Organisation(ctx, o.ID)
			require.NoError(t, err)
			go func() {
				v := o
				v.Name = "After"
				changed <- b.s.UpdateOrganisation(context.Background(), v)
			}()
			select { // a store may make the writer wait for the snapshot
			case err := <-changed:
				require.NoError(t, err)
				changed <- nil
			case <-time.After(100 * time.Millisecond):
			}
			again, err := b.s.Organisation(ctx, o.ID)
			require.NoError(t, err)
			require.Equal(t, first, again, "rule: reads in a snapshot see one state, untouched by a write committed meanwhile")
			places := listed(b.s.Places(ctx, practice.PlaceFilter{OrganisationID: o.ID})).items(t)
			require.Empty(t, places, "rule: a snapshot lists as well as it reads")

			require.Error(t, b.s.CreateOrganisation(ctx, refused), "rule: a write with a snapshot's context returns an error")
			require.Error(t, b.s.InTx(ctx, func(context.Context) error { return nil }), "rule: InTx in a snapshot returns an error")
			require.Error(t, b.s.Lock(ctx, practice.LockStructure, o.ID), "rule: Lock in a snapshot returns an error")
			return nil
		}))
		require.NoError(t, <-changed)
		got, err := b.s.Organisation(b.ctx, o.ID)
		require.NoError(t, err)
		require.Equal(t, "After", got.Name, "rule: a write made during a snapshot is stored")
		_, err = b.s.Organisation(b.ctx, refused.ID)
		isRule(t, err, practice.ErrNotFound, "a write refused in a snapshot is not stored")

		boom := errors.New("boom")
		require.Same(t, boom, b.s.InSnapshot(b.ctx, func(context.Context) error { return boom }), "rule: InSnapshot returns fn's error unchanged")
		require.NoError(t, b.s.InTx(b.ctx, func(ctx context.Context) error {
			w := createOrg(t, bundle{s: b.s, ctx: ctx}, "In the transaction")
			return b.s.InSnapshot(ctx, func(ctx context.Context) error {
				_, err := b.s.Organisation(ctx, w.ID)
				require.NoError(t, err, "rule: InSnapshot in a transaction runs in it and reads its writes")
				return nil
			})
		}))
	})
	t.Run("WithTx", func(t *testing.T) {
		t.Parallel()
		if h.Begin == nil {
			t.Skip("the store has no transactions of the caller's own (Harness.Begin is nil)")
		}
		b := h.fresh(t)
		for _, commit := range []bool{false, true} {
			ctx, end := h.Begin(t, b.s)
			var o practice.Organisation
			require.NoError(t, b.s.InTx(ctx, func(ctx context.Context) error {
				o = createOrg(t, bundle{s: b.s, ctx: ctx}, "A")
				return nil
			}), "rule: InTx joins a transaction of the caller's own")
			_, err := b.s.Organisation(ctx, o.ID)
			require.NoError(t, err, "rule: the caller's transaction reads the store's writes")
			require.NoError(t, end(commit))
			_, err = b.s.Organisation(b.ctx, o.ID)
			if commit {
				require.NoError(t, err, "rule: the caller's commit stores the store's writes")
			} else {
				isRule(t, err, practice.ErrNotFound, "the caller's rollback removes the store's writes")
			}
		}
	})
}

// written is what writeEverywhere wrote.
type written struct {
	o     practice.Organisation
	p     practice.Person
	place practice.Place
	inst  practice.Institution
}

// writeEverywhere writes to every area of the store in the transaction of
// b, and renames kept.
func writeEverywhere(t *testing.T, b bundle, kept practice.Organisation) written {
	t.Helper()
	w := written{o: createOrg(t, b, "A"), p: createPerson(t, b, "Kari"), inst: createInstitution(t, b, "I")}
	w.place = createPlace(t, b, w.o.ID, "Avdeling", practice.NilID, date(t, "2026-01-01"))
	require.NoError(t, b.s.PutMembership(b.ctx, practice.Membership{OrganisationID: w.o.ID, PersonID: w.p.ID, Right: practice.Admin}))
	require.NoError(t, b.s.PutMembership(b.ctx, practice.Membership{OrganisationID: kept.ID, PersonID: w.p.ID, Right: practice.Read}))
	require.NoError(t, b.s.PutStaffRole(b.ctx, practice.StaffMembership{InstitutionID: w.inst.ID, PersonID: w.p.ID, Role: practice.Teacher}))
	renamed := kept
	renamed.Name = "Renamed"
	require.NoError(t, b.s.UpdateOrganisation(b.ctx, renamed))
	return w
}

// assertGone checks that a rolled-back transaction left nothing behind.
func (w written) assertGone(t *testing.T, b bundle) {
	t.Helper()
	const rule = "a rolled-back transaction leaves nothing behind"
	_, err := b.s.Organisation(b.ctx, w.o.ID)
	isRule(t, err, practice.ErrNotFound, rule)
	_, err = b.s.Person(b.ctx, w.p.ID)
	isRule(t, err, practice.ErrNotFound, rule)
	_, err = b.s.Institution(b.ctx, w.inst.ID)
	isRule(t, err, practice.ErrNotFound, rule)
	_, err = b.s.Place(b.ctx, w.place.ID)
	isRule(t, err, practice.ErrNotFound, rule)
	require.Empty(t, listed(b.s.PlaceVersions(b.ctx, practice.PlaceVersionFilter{PlaceID: w.place.ID})).items(t), "rule: %s", rule)
	require.Empty(t, listed(b.s.Memberships(b.ctx, practice.MembershipFilter{PersonID: w.p.ID})).items(t), "rule: %s", rule)
	require.Empty(t, listed(b.s.StaffRoles(b.ctx, practice.StaffFilter{PersonID: w.p.ID})).items(t), "rule: %s", rule)
	require.Empty(t, listed(b.s.People(b.ctx, practice.PeopleFilter{Email: w.p.Email})).items(t), "rule: %s: the e-mail is free again", rule)
	require.Empty(t, listed(b.s.Organisations(b.ctx, practice.OrganisationFilter{OrgNumber: w.o.OrgNumber})).items(t), "rule: %s", rule)
	// The unique values are free again.
	again := w.p
	require.NoError(t, b.s.CreatePerson(b.ctx, again), "rule: %s: a rolled-back person's unique values are free", rule)
}
