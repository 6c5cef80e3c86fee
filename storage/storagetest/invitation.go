package storagetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/invite"
	"github.com/praksis/praksis/practice"
)

// newToken returns a new token hash: the size of a SHA-256 hash, random,
// with a zero byte first and 0xff last, so that a store that keeps bytes as
// text, or trims them, is caught.
func newToken() []byte {
	b := make([]byte, sha256.Size)
	_, _ = rand.Read(b) // never fails
	b[0], b[len(b)-1] = 0x00, 0xff
	return b
}

// newInvitation returns a pending invitation to org from the system, not
// yet stored, with no national identity number and no reminder.
func newInvitation(org practice.ID) invite.Invitation {
	at := now()
	sealed := make([]byte, 60)
	_, _ = rand.Read(sealed)
	sealed[10] = 0
	return invite.Invitation{ID: practice.NewID(), OrganisationID: org, Name: "Kari Nordmann",
		Email: fmt.Sprintf("invitert%d@example.no", next()), Right: practice.Write, Language: "nb",
		State: invite.Pending, ExpiresAt: at.Add(7 * 24 * time.Hour), TokenHash: newToken(), SealedToken: sealed,
		Version: 1, CreatedAt: at, UpdatedAt: at}
}

func createInvitation(t *testing.T, b inviteBundle, in invite.Invitation) invite.Invitation {
	t.Helper()
	require.NoError(t, b.inv.CreateInvitation(b.ctx, in), "rule: CreateInvitation stores a new invitation")
	return in
}

// storedAs returns in as a store returns it: times in UTC at microsecond
// precision, and HasNationalID false, for it is not stored.
func storedAs(in invite.Invitation) invite.Invitation {
	for _, t := range []*time.Time{&in.ExpiresAt, &in.RemindAt, &in.RemindedAt, &in.CreatedAt, &in.UpdatedAt} {
		*t = t.UTC().Truncate(time.Microsecond)
	}
	in.HasNationalID = false
	return in
}

func (b inviteBundle) invitation(t *testing.T, id practice.ID) invite.Invitation {
	t.Helper()
	got, err := b.inv.Invitation(b.ctx, id)
	require.NoError(t, err, "rule: Invitation returns a stored invitation")
	return got
}

func (b inviteBundle) invitations(t *testing.T, f invite.InvitationFilter) []invite.Invitation {
	t.Helper()
	return listed(b.inv.Invitations(b.ctx, f)).items(t)
}

func testInvitations(t *testing.T, h InviteHarness) {
	t.Run("RoundTrip", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		o := createOrg(t, b.bundle, "A")
		inviter, invitee := createPerson(t, b.bundle, "Admin"), createPerson(t, b.bundle, "Kari")
		replacement := createInvitation(t, b, newInvitation(o.ID))
		oslo, err := time.LoadLocation("Europe/Oslo")
		if err != nil {
			oslo = time.FixedZone("CET", 3600)
		}
		given := time.Date(2026, 11, 29, 7, 30, 15, 123456789, oslo)
		full := newInvitation(o.ID)
		full.Right, full.NationalID, full.HasNationalID, full.Language = practice.Admin, newNationalID(t), true, "en"
		full.InvitedBy, full.State, full.FailedLogins = inviter.ID, invite.Replaced, 2
		full.ExpiresAt, full.RemindAt, full.RemindedAt = given.AddDate(0, 0, 14), given.AddDate(0, 0, 7), given.AddDate(0, 0, 7).Add(time.Minute)
		full.PersonID, full.ReplacedBy = invitee.ID, replacement.ID
		full.Version, full.CreatedAt, full.UpdatedAt = 3, given, given.Add(time.Hour)
		bare := newInvitation(o.ID)
		for _, in := range []invite.Invitation{full, bare} {
			createInvitation(t, b, in)
		}
		const rule = "an invitation round-trips every field: times in UTC at microsecond precision, the token's bytes exactly, " +
			"a NationalID, RemindAt, RemindedAt, InvitedBy, PersonID and ReplacedBy zero or set as given, and HasNationalID false, for it is not stored"
		for _, in := range []invite.Invitation{full, bare} {
			want := storedAs(in)
			require.Equal(t, want, b.invitation(t, in.ID), "rule: Invitation: %s", rule)
			got, err := b.inv.InvitationByToken(b.ctx, in.TokenHash)
			require.NoError(t, err, "rule: InvitationByToken finds an invitation by its TokenHash")
			require.Equal(t, want, got, "rule: InvitationByToken: %s", rule)
		}
		require.Equal(t, time.UTC, b.invitation(t, full.ID).ExpiresAt.Location(), "rule: a time is returned in UTC")
		require.Equal(t, []invite.Invitation{replacement, storedAs(full), storedAs(bare)}, b.invitations(t, invite.InvitationFilter{OrganisationID: o.ID}),
			"rule: Invitations: %s", rule)
	})
	t.Run("OwnBytes", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		in := newInvitation(createOrg(t, b.bundle, "A").ID)
		want := in
		want.TokenHash, want.SealedToken = slices.Clone(in.TokenHash), slices.Clone(in.SealedToken)
		createInvitation(t, b, in)
		in.TokenHash[3]++
		in.SealedToken[3]++
		got := b.invitation(t, in.ID)
		require.Equal(t, want, got, "rule: a store keeps its own copy of the bytes it was given")
		got.TokenHash[3]++
		got.SealedToken[3]++
		require.Equal(t, want, b.invitation(t, in.ID), "rule: a store returns its own copy of the bytes it keeps")
	})
	t.Run("NotFound", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		createInvitation(t, b, newInvitation(createOrg(t, b.bundle, "A").ID))
		_, err := b.inv.Invitation(b.ctx, practice.NewID())
		isRule(t, err, practice.ErrNotFound, "Invitation of an unknown ID returns ErrNotFound")
		inDomainWords(t, err, "Invitation of an unknown ID")
		for _, hash := range [][]byte{newToken(), nil, {}} {
			_, err = b.inv.InvitationByToken(b.ctx, hash)
			isRule(t, err, practice.ErrNotFound, "InvitationByToken of a hash no invitation has returns ErrNotFound")
			inDomainWords(t, err, "InvitationByToken of an unknown hash")
		}
	})
	t.Run("Taken", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		o := createOrg(t, b.bundle, "A")
		a := createInvitation(t, b, newInvitation(o.ID))
		create := func(in invite.Invitation) error {
			return b.try(func(ctx context.Context) error { return b.inv.CreateInvitation(ctx, in) })
		}
		dup := newInvitation(o.ID)
		dup.ID = a.ID
		isConflict(t, create(dup), "id", "CreateInvitation with a taken ID is a conflict on id")
		dup.TokenHash = slices.Clone(a.TokenHash)
		isConflict(t, create(dup), "id", "CreateInvitation checks the ID before the other unique values: a taken ID and token is a conflict on id")
		dup = newInvitation(practice.NewID())
		dup.ID = a.ID
		isConflict(t, create(dup), "id", "CreateInvitation checks the ID before the organisation it refers to")
		v := newInvitation(o.ID)
		v.TokenHash = slices.Clone(a.TokenHash)
		isConflict(t, create(v), "token", "CreateInvitation with a taken TokenHash is a conflict on token")
		v.OrganisationID, v.InvitedBy = practice.NewID(), practice.NewID()
		isConflict(t, create(v), "token", "CreateInvitation checks its unique values before the records it refers to")
		require.Equal(t, []invite.Invitation{a}, b.invitations(t, invite.InvitationFilter{OrganisationID: o.ID}),
			"rule: a refused CreateInvitation stores nothing")
	})
	t.Run("UnknownReference", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		o := createOrg(t, b.bundle, "A")
		create := func(in invite.Invitation) error {
			return b.try(func(ctx context.Context) error { return b.inv.CreateInvitation(ctx, in) })
		}
		err := create(newInvitation(practice.NewID()))
		isRule(t, err, practice.ErrNotFound, "CreateInvitation to an unknown organisation returns ErrNotFound")
		inDomainWords(t, err, "CreateInvitation to an unknown organisation")
		for _, ref := range []struct {
			what string
			set  func(in *invite.Invitation)
		}{
			{"inviting person (InvitedBy)", func(in *invite.Invitation) { in.InvitedBy = practice.NewID() }},
			{"person who accepted it (PersonID)", func(in *invite.Invitation) { in.PersonID = practice.NewID() }},
			{"replacing invitation (ReplacedBy)", func(in *invite.Invitation) { in.ReplacedBy = practice.NewID() }},
		} {
			in := newInvitation(o.ID)
			ref.set(&in)
			err := create(in)
			isRule(t, err, practice.ErrNotFound, "CreateInvitation that refers to an unknown "+ref.what+" returns ErrNotFound")
			inDomainWords(t, err, "CreateInvitation that refers to an unknown "+ref.what)
		}
		require.Empty(t, b.invitations(t, invite.InvitationFilter{OrganisationID: o.ID}), "rule: a refused CreateInvitation stores nothing")
	})
	t.Run("InvalidRight", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		o := createOrg(t, b.bundle, "A")
		in := newInvitation(o.ID)
		in.Right = "owner"
		err := b.try(func(ctx context.Context) error { return b.inv.CreateInvitation(ctx, in) })
		isValidation(t, err, "right", "CreateInvitation of a right that is not valid is a *ValidationError on right")
		inDomainWords(t, err, "CreateInvitation of a right that is not valid")
		require.Empty(t, b.invitations(t, invite.InvitationFilter{OrganisationID: o.ID}), "rule: a refused right is not stored")
	})
	t.Run("Update", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		o, other := createOrg(t, b.bundle, "A"), createOrg(t, b.bundle, "B")
		inviter, invitee, someone := createPerson(t, b.bundle, "Admin"), createPerson(t, b.bundle, "Kari"), createPerson(t, b.bundle, "Ola")
		in := newInvitation(o.ID)
		in.NationalID, in.InvitedBy, in.RemindAt = newNationalID(t), inviter.ID, in.ExpiresAt.Add(-7*24*time.Hour)
		createInvitation(t, b, in)
		replacement := createInvitation(t, b, newInvitation(o.ID))

		// The fields UpdateInvitation stores ...
		changed := in
		changed.State, changed.FailedLogins, changed.PersonID, changed.ReplacedBy = invite.Replaced, 3, invitee.ID, replacement.ID
		changed.RemindedAt = time.Date(2026, 11, 29, 7, 30, 15, 123456789, time.FixedZone("UTC+1", 3600))
		changed.UpdatedAt = now().Add(time.Hour)
		want := storedAs(changed)
		want.Version++
		// ... and the fields it keeps.
		changed.OrganisationID, changed.Name, changed.Email, changed.Right = other.ID, "Ola", "annen@example.no", practice.Read
		changed.NationalID, changed.Language, changed.InvitedBy = newNationalID(t), "en", someone.ID
		changed.ExpiresAt, changed.RemindAt = in.ExpiresAt.Add(time.Hour), in.RemindAt.Add(time.Hour)
		changed.TokenHash, changed.SealedToken = newToken(), []byte("another sealed token")
		changed.CreatedAt = now().Add(time.Hour)
		require.NoError(t, b.inv.UpdateInvitation(b.ctx, changed), "rule: UpdateInvitation with the stored version succeeds")
		require.Equal(t, want, b.invitation(t, in.ID),
			"rule: UpdateInvitation stores exactly State, RemindedAt, FailedLogins, PersonID, ReplacedBy and UpdatedAt, "+
				"with the version plus one, and never changes CreatedAt, TokenHash or the other fields")
		got, err := b.inv.InvitationByToken(b.ctx, in.TokenHash)
		require.NoError(t, err)
		require.Equal(t, want, got, "rule: an updated invitation is found by the token it was created with")
		_, err = b.inv.InvitationByToken(b.ctx, changed.TokenHash)
		isRule(t, err, practice.ErrNotFound, "UpdateInvitation never changes the TokenHash")
		require.Empty(t, b.invitations(t, invite.InvitationFilter{OrganisationID: other.ID}), "rule: UpdateInvitation never changes the organisation")

		back := want
		back.State, back.RemindedAt, back.FailedLogins, back.PersonID, back.ReplacedBy = invite.Pending, time.Time{}, 0, practice.NilID, practice.NilID
		back.UpdatedAt = now().Add(2 * time.Hour)
		require.NoError(t, b.inv.UpdateInvitation(b.ctx, back))
		back.Version++
		require.Equal(t, back, b.invitation(t, in.ID), "rule: UpdateInvitation stores zero values too: RemindedAt zero, PersonID and ReplacedBy NilID")
	})
	t.Run("StaleVersion", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		in := createInvitation(t, b, newInvitation(createOrg(t, b.bundle, "A").ID))
		first := in
		first.State, first.UpdatedAt = invite.Accepted, now().Add(time.Minute)
		require.NoError(t, b.inv.UpdateInvitation(b.ctx, first))
		stale := in
		stale.State, stale.FailedLogins = invite.Revoked, 5
		update := func(in invite.Invitation) error {
			return b.try(func(ctx context.Context) error { return b.inv.UpdateInvitation(ctx, in) })
		}
		isConflict(t, update(stale), "", "UpdateInvitation with a stale version is a conflict on the version")
		stale.PersonID = practice.NewID()
		isConflict(t, update(stale), "", "UpdateInvitation checks the version before the records it refers to")
		first.Version++
		require.Equal(t, first, b.invitation(t, in.ID), "rule: a refused UpdateInvitation changes nothing")
	})
	t.Run("UpdateUnknown", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		o := createOrg(t, b.bundle, "A")
		update := func(in invite.Invitation) error {
			return b.try(func(ctx context.Context) error { return b.inv.UpdateInvitation(ctx, in) })
		}
		v := newInvitation(o.ID)
		err := update(v)
		isRule(t, err, practice.ErrNotFound, "UpdateInvitation of an unknown ID returns ErrNotFound")
		inDomainWords(t, err, "UpdateInvitation of an unknown ID")
		v.Version, v.PersonID = 7, practice.NewID()
		isRule(t, update(v), practice.ErrNotFound, "UpdateInvitation checks that the record exists first")

		in := createInvitation(t, b, newInvitation(o.ID))
		for _, ref := range []struct {
			what string
			set  func(in *invite.Invitation)
		}{
			{"person (PersonID)", func(in *invite.Invitation) { in.PersonID = practice.NewID() }},
			{"replacing invitation (ReplacedBy)", func(in *invite.Invitation) { in.ReplacedBy = practice.NewID() }},
		} {
			v := in
			v.State = invite.Accepted
			ref.set(&v)
			err := update(v)
			isRule(t, err, practice.ErrNotFound, "UpdateInvitation that refers to an unknown "+ref.what+" returns ErrNotFound")
			inDomainWords(t, err, "UpdateInvitation that refers to an unknown "+ref.what)
		}
		require.Equal(t, in, b.invitation(t, in.ID), "rule: a refused UpdateInvitation changes nothing")
	})
	t.Run("ByToken", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		a := createInvitation(t, b, newInvitation(createOrg(t, b.bundle, "A").ID))
		c := createInvitation(t, b, newInvitation(createOrg(t, b.bundle, "B").ID))
		for _, in := range []invite.Invitation{a, c} {
			got, err := b.inv.InvitationByToken(b.ctx, slices.Clone(in.TokenHash))
			require.NoError(t, err)
			require.Equal(t, in, got, "rule: InvitationByToken finds the invitation whose TokenHash is the hash")
		}
		near := slices.Clone(a.TokenHash)
		near[len(near)/2] ^= 1
		for _, hash := range [][]byte{near, a.TokenHash[:len(a.TokenHash)-1], append(slices.Clone(a.TokenHash), 0)} {
			_, err := b.inv.InvitationByToken(b.ctx, hash)
			isRule(t, err, practice.ErrNotFound, "InvitationByToken finds only the exact hash: a byte changed, missing or added finds nothing")
		}
	})
	t.Run("List", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		o, other := createOrg(t, b.bundle, "A"), createOrg(t, b.bundle, "B")
		n := next()
		mixed, annen := fmt.Sprintf("mixed%d@x.no", n), fmt.Sprintf("annen%d@x.no", n)
		made := func(org practice.ID, state invite.State, email string) invite.Invitation {
			in := newInvitation(org)
			in.State, in.Email = state, email
			return in
		}
		a1 := made(o.ID, invite.Pending, mixed)
		a2 := made(o.ID, invite.Accepted, annen)
		a3 := made(o.ID, invite.Pending, mixed) // a second invitation to the address
		b1 := made(other.ID, invite.Pending, fmt.Sprintf("Mixed%d@X.no", n))
		for _, in := range []invite.Invitation{b1, a3, a2, a1} { // against the order of their IDs
			createInvitation(t, b, in)
		}
		for _, c := range []struct {
			f    invite.InvitationFilter
			want []invite.Invitation
			rule string
		}{
			{invite.InvitationFilter{OrganisationID: o.ID}, []invite.Invitation{a1, a2, a3},
				"InvitationFilter.OrganisationID selects the organisation's invitations, ordered by ID"},
			{invite.InvitationFilter{State: invite.Pending}, []invite.Invitation{a1, a3, b1},
				"InvitationFilter.State selects the invitations in that state"},
			{invite.InvitationFilter{Email: fmt.Sprintf("Mixed%d@X.no", n)}, []invite.Invitation{a1, a3, b1},
				"InvitationFilter.Email compares by practice.EmailKey: Mixed@X.no finds mixed@x.no, and mixed@x.no Mixed@X.no"},
			{invite.InvitationFilter{Email: fmt.Sprintf(" MIXED%d@x.NO ", n)}, []invite.Invitation{a1, a3, b1},
				"InvitationFilter.Email compares by practice.EmailKey, trimmed and in any case"},
			{invite.InvitationFilter{OrganisationID: o.ID, State: invite.Pending}, []invite.Invitation{a1, a3},
				"the filter's fields combine: organisation and state"},
			{invite.InvitationFilter{OrganisationID: other.ID, Email: annen}, []invite.Invitation{},
				"the filter's fields combine: organisation and e-mail"},
			{invite.InvitationFilter{OrganisationID: o.ID, State: invite.Pending, Email: mixed}, []invite.Invitation{a1, a3},
				"the filter's fields combine: organisation, state and e-mail"},
			{invite.InvitationFilter{State: invite.Revoked}, []invite.Invitation{},
				"InvitationFilter.State of a state no invitation is in selects nothing"},
			{invite.InvitationFilter{}, []invite.Invitation{a1, a2, a3, b1}, "the zero InvitationFilter selects every invitation"},
		} {
			require.Equal(t, c.want, b.invitations(t, c.f), "rule: %s", c.rule)
		}
	})
	t.Run("DueBy", func(t *testing.T) { t.Parallel(); testDueBy(t, h) })
	t.Run("Page", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		o := createOrg(t, b.bundle, "A")
		for range 7 {
			in := newInvitation(o.ID)
			in.ExpiresAt = now().Add(-time.Hour)
			createInvitation(t, b, in)
		}
		createInvitation(t, b, newInvitation(createOrg(t, b.bundle, "B").ID))
		for _, f := range []invite.InvitationFilter{{OrganisationID: o.ID}, {State: invite.Pending, DueBy: now()}} {
			all := pageThrough(t, "Invitations", 3, func(p practice.PageRequest) (invite.Page, error) {
				f.Page = p
				return b.inv.Invitations(b.ctx, f)
			})
			require.Len(t, all, 7, "rule: Invitations: the pages hold every invitation the filter selects once")
		}
		for _, c := range []practice.Cursor{"not a cursor", "%%%", practice.NewCursor("a", "b")} {
			err := b.try(func(ctx context.Context) error {
				_, err := b.inv.Invitations(ctx, invite.InvitationFilter{OrganisationID: o.ID, Page: practice.PageRequest{After: c}})
				return err
			})
			isValidation(t, err, "cursor", "a cursor that Invitations did not give is a *ValidationError on cursor")
		}
	})
	t.Run("Rollback", func(t *testing.T) {
		t.Parallel()
		b := h.fresh(t)
		o := createOrg(t, b.bundle, "A")
		kept := createInvitation(t, b, newInvitation(o.ID))
		in := newInvitation(o.ID)
		boom := errors.New("boom")
		err := b.s.InTx(b.ctx, func(ctx context.Context) error {
			require.NoError(t, b.inv.CreateInvitation(ctx, in))
			changed := kept
			changed.State, changed.FailedLogins = invite.Revoked, 5
			require.NoError(t, b.inv.UpdateInvitation(ctx, changed))
			e := newAudit(o.ID, now())
			e.InvitationID = in.ID
			require.NoError(t, b.s.AddAudit(ctx, e))
			return boom
		})
		require.Same(t, boom, err, "rule: InTx returns fn's error unchanged")
		const rule = "a rolled-back transaction leaves no invitation or audit entry behind"
		_, err = b.inv.Invitation(b.ctx, in.ID)
		isRule(t, err, practice.ErrNotFound, rule)
		_, err = b.inv.InvitationByToken(b.ctx, in.TokenHash)
		isRule(t, err, practice.ErrNotFound, rule)
		require.Equal(t, []invite.Invitation{kept}, b.invitations(t, invite.InvitationFilter{OrganisationID: o.ID}),
			"rule: %s, and leaves an updated invitation as it was", rule)
		require.Empty(t, auditOf(t, b.bundle, practice.AuditFilter{InvitationID: in.ID}), "rule: %s", rule)
		require.NoError(t, b.inv.CreateInvitation(b.ctx, in), "rule: a rolled-back invitation's ID and token are free again")
	})
}

// testDueBy checks InvitationFilter.DueBy: it selects the invitations that
// expire at or before it, and those whose reminder is due at or before it
// and not yet sent.
func testDueBy(t *testing.T, h InviteHarness) {
	b := h.setup(t)
	o := createOrg(t, b.bundle, "A")
	by := now().Add(30 * 24 * time.Hour)
	const µs, week = time.Microsecond, 7 * 24 * time.Hour
	made := func(state invite.State, expires, remind, reminded time.Time) invite.Invitation {
		in := newInvitation(o.ID)
		in.State, in.ExpiresAt, in.RemindAt, in.RemindedAt = state, expires, remind, reminded
		return createInvitation(t, b, in)
	}
	var zero time.Time
	cases := []struct {
		in       invite.Invitation
		selected bool
		rule     string
	}{
		{made(invite.Pending, by.Add(-time.Hour), zero, zero), true, "one that expires before DueBy is selected"},
		{made(invite.Pending, by, zero, zero), true, "one that expires at DueBy is selected"},
		{made(invite.Pending, by.Add(µs), zero, zero), false, "one that expires after DueBy, with no reminder, is not selected"},
		{made(invite.Pending, by.Add(week), by.Add(-time.Hour), zero), true, "one whose reminder is due before DueBy and not sent is selected"},
		{made(invite.Pending, by.Add(week), by, zero), true, "one whose reminder is due at DueBy and not sent is selected"},
		{made(invite.Pending, by.Add(week), by.Add(-time.Hour), by.Add(-30*time.Minute)), false,
			"one whose reminder was sent (RemindedAt set) is not selected for it"},
		{made(invite.Expired, by.Add(-time.Hour), by.Add(-2*time.Hour), by.Add(-90*time.Minute)), true,
			"one reminded already is selected when it expires by DueBy"},
		{made(invite.Pending, by.Add(week), by.Add(µs), zero), false, "one whose reminder is due after DueBy is not selected"},
		{made(invite.Pending, by.Add(week), zero, zero), false, "a zero RemindAt never selects by reminder"},
	}
	var want, pending, all []practice.ID
	for _, c := range cases {
		all = append(all, c.in.ID)
		if c.selected {
			want = append(want, c.in.ID)
			if c.in.State == invite.Pending {
				pending = append(pending, c.in.ID)
			}
		}
	}
	ids := func(f invite.InvitationFilter) []practice.ID {
		f.OrganisationID = o.ID
		var out []practice.ID
		for _, in := range b.invitations(t, f) {
			out = append(out, in.ID)
		}
		return out
	}
	got := ids(invite.InvitationFilter{DueBy: by})
	for _, c := range cases {
		require.Equal(t, c.selected, slices.Contains(got, c.in.ID), "rule: InvitationFilter.DueBy: %s", c.rule)
	}
	require.Equal(t, want, got, "rule: Invitations orders what DueBy selects by ID")
	oslo := time.FixedZone("UTC+1", 3600)
	require.Equal(t, want, ids(invite.InvitationFilter{DueBy: by.In(oslo).Add(500 * time.Nanosecond)}),
		"rule: DueBy is compared as an instant at microsecond precision, whatever its zone")
	require.Equal(t, pending, ids(invite.InvitationFilter{DueBy: by, State: invite.Pending}),
		"rule: the filter's fields combine: DueBy and state")
	require.Equal(t, all, ids(invite.InvitationFilter{}), "rule: a zero DueBy selects by neither expiry nor reminder")
}
