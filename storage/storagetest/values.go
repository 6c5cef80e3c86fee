package storagetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

// testValues checks how a store keeps the values it is given.
func testValues(t *testing.T, h Harness) {
	t.Run("TimesInUTCMicroseconds", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		oslo, err := time.LoadLocation("Europe/Oslo")
		if err != nil {
			oslo = time.FixedZone("CET", 3600)
		}
		given := time.Date(2026, 11, 29, 7, 30, 15, 123456789, oslo)
		want := given.UTC().Truncate(time.Microsecond)
		in := newInstitution("Høgskulen på Vestlandet")
		in.CreatedAt, in.UpdatedAt = given, given
		require.NoError(t, b.s.CreateInstitution(b.ctx, in))
		got, err := b.s.Institution(b.ctx, in.ID)
		require.NoError(t, err)
		require.Equal(t, want, got.CreatedAt, "rule: a time is returned in UTC at microsecond precision")
		require.Equal(t, time.UTC, got.UpdatedAt.Location(), "rule: a time is returned in UTC")

		p := newPerson("Kari")
		p.CreatedAt, p.UpdatedAt = given, given
		require.NoError(t, b.s.CreatePerson(b.ctx, p))
		p.UpdatedAt = given.Add(time.Nanosecond)
		require.NoError(t, b.s.UpdatePerson(b.ctx, p))
		gotP, err := b.s.Person(b.ctx, p.ID)
		require.NoError(t, err)
		require.Equal(t, want, gotP.CreatedAt, "rule: an update keeps CreatedAt as it was stored")
		require.Equal(t, want, gotP.UpdatedAt, "rule: an update stores UpdatedAt in UTC at microsecond precision")

		o := createOrg(t, b, "A")
		place := createPlace(t, b, o.ID, "Post", practice.NilID, date(t, "2026-01-01"))
		v := practice.PlaceVersion{PlaceID: place.ID, From: date(t, "2027-01-01"), Name: "Ny post", CreatedAt: given}
		require.NoError(t, b.s.AddPlaceVersion(b.ctx, v))
		vs := listed(b.s.PlaceVersions(b.ctx, practice.PlaceVersionFilter{PlaceID: place.ID})).items(t)
		require.Equal(t, want, vs[1].CreatedAt, "rule: a place version's time is returned in UTC at microsecond precision")
	})
	t.Run("UniqueBeforeReferences", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		o := createOrg(t, b, "A")
		place := createPlace(t, b, o.ID, "Post", practice.NilID, date(t, "2026-01-01"))
		err := b.try(func(ctx context.Context) error {
			return b.s.AddPlaceVersion(ctx, practice.PlaceVersion{PlaceID: place.ID, From: date(t, "2026-01-01"), Name: "X",
				ParentID: practice.NewID(), CreatedAt: now()})
		})
		isConflict(t, err, "from", "a create checks its unique values before the records it refers to")
		dup := newPlace(practice.NewID())
		dup.ID = place.ID
		err = b.try(func(ctx context.Context) error { return b.s.CreatePlace(ctx, dup) })
		isConflict(t, err, "id", "a create checks its ID before the records it refers to")
	})
	t.Run("InvalidRightOrRole", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		o := createOrg(t, b, "A")
		inst := createInstitution(t, b, "I")
		p := createPerson(t, b, "Kari")
		err := b.try(func(ctx context.Context) error {
			return b.s.PutMembership(ctx, practice.Membership{OrganisationID: o.ID, PersonID: p.ID, Right: "owner"})
		})
		isValidation(t, err, "right", "PutMembership of a right that is not valid is a *ValidationError on right")
		inDomainWords(t, err, "PutMembership of a right that is not valid")
		err = b.try(func(ctx context.Context) error {
			return b.s.PutStaffRole(ctx, practice.StaffMembership{InstitutionID: inst.ID, PersonID: p.ID, Role: "dean"})
		})
		isValidation(t, err, "role", "PutStaffRole of a role that is not valid is a *ValidationError on role")
		inDomainWords(t, err, "PutStaffRole of a role that is not valid")
		require.Empty(t, listed(b.s.Memberships(b.ctx, practice.MembershipFilter{PersonID: p.ID})).items(t), "rule: a refused right is not stored")
		require.Empty(t, listed(b.s.StaffRoles(b.ctx, practice.StaffFilter{PersonID: p.ID})).items(t), "rule: a refused role is not stored")
	})
	t.Run("CursorWithControlCharacters", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		for _, c := range []practice.Cursor{practice.NewCursor("a\x00", "b"), practice.NewCursor("a\x1b", "b"), practice.NewCursor("a\u202e", "b")} {
			err := b.try(func(ctx context.Context) error {
				_, err := b.s.People(ctx, practice.PeopleFilter{Page: practice.PageRequest{After: c}})
				return err
			})
			var v *practice.ValidationError
			require.True(t, errors.As(err, &v), "rule: a cursor with a control character is no list's: a *ValidationError, got %v", err)
		}
	})
}
