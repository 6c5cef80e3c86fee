package storagetest

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

func testTransactions(t *testing.T, newStore NewStore) {
	t.Run("Commit", func(t *testing.T) {
		t.Parallel()
		s, ctx := setup(t, newStore)
		var o practice.Organisation
		require.NoError(t, s.InTx(ctx, func(ctx context.Context) error {
			o = createOrg(t, ctx, s, "A")
			got, err := s.Organisation(ctx, o.ID)
			require.NoError(t, err, "rule: a transaction reads its own writes")
			require.Equal(t, o, got)
			createPlace(t, ctx, s, o.ID, "Avdeling", practice.NilID, date(t, "2026-01-01"))
			return nil
		}))
		_, err := s.Organisation(ctx, o.ID)
		require.NoError(t, err, "rule: what a committed transaction wrote is stored")
		places, err := s.Places(ctx, o.ID)
		require.NoError(t, err)
		require.Len(t, places, 1, "rule: what a committed transaction wrote is stored")
	})
	t.Run("Rollback", func(t *testing.T) {
		t.Parallel()
		s, ctx := setup(t, newStore)
		kept := createOrg(t, ctx, s, "Kept")
		boom := errors.New("boom")
		var o practice.Organisation
		var p practice.Person
		err := s.InTx(ctx, func(ctx context.Context) error {
			o = createOrg(t, ctx, s, "A")
			createPlace(t, ctx, s, o.ID, "Avdeling", practice.NilID, date(t, "2026-01-01"))
			p = createPerson(t, ctx, s, "Kari")
			require.NoError(t, s.PutMembership(ctx, practice.Membership{OrganisationID: o.ID, PersonID: p.ID, Right: practice.Admin}))
			renamed := kept
			renamed.Name = "Renamed"
			require.NoError(t, s.UpdateOrganisation(ctx, renamed))
			return boom
		})
		require.Same(t, boom, err, "rule: InTx returns fn's error unchanged")
		assertGone(t, ctx, s, o, p)
		got, err := s.Organisation(ctx, kept.ID)
		require.NoError(t, err)
		require.Equal(t, kept, got, "rule: a rolled-back update leaves the record as it was")
	})
	t.Run("Panic", func(t *testing.T) {
		t.Parallel()
		s, ctx := setup(t, newStore)
		var o practice.Organisation
		var p practice.Person
		require.Panics(t, func() {
			_ = s.InTx(ctx, func(ctx context.Context) error {
				o = createOrg(t, ctx, s, "A")
				p = createPerson(t, ctx, s, "Kari")
				panic("boom")
			})
		}, "rule: InTx lets fn's panic through")
		assertGone(t, ctx, s, o, p)
		createOrg(t, ctx, s, "After the panic")
	})
	t.Run("Nested", func(t *testing.T) {
		t.Parallel()
		s, ctx := setup(t, newStore)
		boom := errors.New("boom")
		var o practice.Organisation
		var p practice.Person
		err := s.InTx(ctx, func(ctx context.Context) error {
			o = createOrg(t, ctx, s, "A")
			require.NoError(t, s.InTx(ctx, func(ctx context.Context) error {
				p = createPerson(t, ctx, s, "Kari")
				return nil
			}), "rule: InTx inside a transaction joins it")
			return boom
		})
		require.ErrorIs(t, err, boom)
		assertGone(t, ctx, s, o, p)
	})
}

// assertGone checks that a rolled-back transaction left nothing behind.
func assertGone(t *testing.T, ctx context.Context, s practice.Store, o practice.Organisation, p practice.Person) {
	t.Helper()
	const rule = "a rolled-back transaction leaves nothing behind"
	_, err := s.Organisation(ctx, o.ID)
	isRule(t, err, practice.ErrNotFound, rule)
	_, err = s.Person(ctx, p.ID)
	isRule(t, err, practice.ErrNotFound, rule)
	places, err := s.Places(ctx, o.ID)
	require.NoError(t, err)
	require.Empty(t, places, "rule: %s", rule)
	versions, err := s.PlaceVersions(ctx, o.ID)
	require.NoError(t, err)
	require.Empty(t, versions, "rule: %s", rule)
	ms, err := s.Memberships(ctx, practice.MembershipFilter{PersonID: p.ID})
	require.NoError(t, err)
	require.Empty(t, ms, "rule: %s", rule)
}
