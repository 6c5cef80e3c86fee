package storagetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

// newAudit returns an audit entry at org, at the time at, about nothing:
// no actor, subject or invitation, and no state before or after.
func newAudit(org practice.ID, at time.Time) practice.AuditEntry {
	return practice.AuditEntry{ID: practice.NewID(), At: at, OrganisationID: org, Action: practice.AuditRightGranted}
}

// auditOf lists the entries f selects, failing the test on an error.
func auditOf(t *testing.T, b bundle, f practice.AuditFilter) []practice.AuditEntry {
	t.Helper()
	return listed(b.s.AuditEntries(b.ctx, f)).items(t)
}

func testAudit(t *testing.T, h Harness) {
	t.Run("RoundTrip", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		o := createOrg(t, b, "A")
		actor, subject := createPerson(t, b, "Admin"), createPerson(t, b, "Kari")
		oslo, err := time.LoadLocation("Europe/Oslo")
		if err != nil {
			oslo = time.FixedZone("CET", 3600)
		}
		given := time.Date(2026, 11, 29, 7, 30, 15, 123456789, oslo)
		full := practice.AuditEntry{ID: practice.NewID(), At: given, OrganisationID: o.ID, ActorID: actor.ID,
			Action: practice.AuditRightChanged, SubjectID: subject.ID, InvitationID: practice.NewID(),
			Before: "read", After: "admin"}
		bare := newAudit(o.ID, given.Add(time.Hour))
		bare.Action = "invite.expired"
		for _, e := range []practice.AuditEntry{full, bare} {
			require.NoError(t, b.s.AddAudit(b.ctx, e), "rule: AddAudit stores an entry")
		}
		wantFull, wantBare := full, bare
		wantFull.At, wantBare.At = given.UTC().Truncate(time.Microsecond), bare.At.UTC().Truncate(time.Microsecond)
		got := auditOf(t, b, practice.AuditFilter{OrganisationID: o.ID})
		require.Equal(t, []practice.AuditEntry{wantFull, wantBare}, got,
			"rule: an audit entry round-trips every field, its time in UTC at microsecond precision, "+
				"NilID actor, subject and invitation and empty Before and After as given")
		require.Equal(t, time.UTC, got[0].At.Location(), "rule: a time is returned in UTC")
	})
	t.Run("DuplicateID", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		o := createOrg(t, b, "A")
		e := newAudit(o.ID, now())
		require.NoError(t, b.s.AddAudit(b.ctx, e))
		dup := e
		dup.At, dup.Action = now().Add(time.Minute), practice.AuditRightRemoved
		err := b.try(func(ctx context.Context) error { return b.s.AddAudit(ctx, dup) })
		isConflict(t, err, "id", "AddAudit with a taken ID is a conflict on id")
		dup.OrganisationID = practice.NewID()
		err = b.try(func(ctx context.Context) error { return b.s.AddAudit(ctx, dup) })
		isConflict(t, err, "id", "AddAudit checks the ID before the organisation it refers to")
		require.Equal(t, []practice.AuditEntry{e}, auditOf(t, b, practice.AuditFilter{OrganisationID: o.ID}),
			"rule: a refused AddAudit changes nothing")
	})
	t.Run("UnknownOrganisation", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		e := newAudit(practice.NewID(), now())
		err := b.try(func(ctx context.Context) error { return b.s.AddAudit(ctx, e) })
		isRule(t, err, practice.ErrNotFound, "AddAudit at an unknown organisation returns ErrNotFound")
		inDomainWords(t, err, "AddAudit at an unknown organisation")
	})
	t.Run("Order", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		o := createOrg(t, b, "A")
		base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		// IDs made in this order sort in it, so each tie of At below is
		// broken by ID against the order of adding.
		ids := []practice.ID{practice.NewID(), practice.NewID(), practice.NewID(), practice.NewID(), practice.NewID(), practice.NewID()}
		want := []practice.AuditEntry{
			{ID: ids[3], At: base.Add(-24 * time.Hour)},
			{ID: ids[1], At: base},
			{ID: ids[4], At: base},
			{ID: ids[0], At: base.Add(time.Microsecond)},
			{ID: ids[5], At: base.Add(time.Second)},
			{ID: ids[2], At: base.AddDate(1, 0, 0)},
		}
		for i := range want {
			want[i].OrganisationID, want[i].Action = o.ID, practice.AuditRightGranted
		}
		plus2 := time.FixedZone("UTC+2", 2*3600) // the same instants, told in another zone
		for _, i := range []int{4, 2, 5, 0, 3, 1} {
			e := want[i]
			e.At = e.At.In(plus2)
			require.NoError(t, b.s.AddAudit(b.ctx, e))
		}
		require.Equal(t, want, auditOf(t, b, practice.AuditFilter{OrganisationID: o.ID}),
			"rule: AuditEntries orders by At (the instant, whatever its zone), then ID")
	})
	t.Run("Filter", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		o, other := createOrg(t, b, "A"), createOrg(t, b, "B")
		kari, ola := createPerson(t, b, "Kari"), createPerson(t, b, "Ola")
		inv := practice.NewID()
		at := now()
		entry := func(org, subject, invitation practice.ID) practice.AuditEntry {
			at = at.Add(time.Second)
			e := newAudit(org, at)
			e.SubjectID, e.InvitationID = subject, invitation
			require.NoError(t, b.s.AddAudit(b.ctx, e))
			return e
		}
		invited := entry(o.ID, practice.NilID, inv)
		accepted := entry(o.ID, kari.ID, inv)
		granted := entry(o.ID, kari.ID, practice.NilID)
		olas := entry(o.ID, ola.ID, practice.NilID)
		elsewhere := entry(other.ID, kari.ID, practice.NilID)
		system := entry(o.ID, practice.NilID, practice.NilID)

		for _, c := range []struct {
			f    practice.AuditFilter
			want []practice.AuditEntry
			rule string
		}{
			{practice.AuditFilter{OrganisationID: o.ID}, []practice.AuditEntry{invited, accepted, granted, olas, system},
				"AuditFilter.OrganisationID selects the organisation's entries"},
			{practice.AuditFilter{SubjectID: kari.ID}, []practice.AuditEntry{accepted, granted, elsewhere},
				"AuditFilter.SubjectID selects the entries about that person, at every organisation"},
			{practice.AuditFilter{InvitationID: inv}, []practice.AuditEntry{invited, accepted},
				"AuditFilter.InvitationID selects the entries about that invitation"},
			{practice.AuditFilter{OrganisationID: o.ID, SubjectID: kari.ID}, []practice.AuditEntry{accepted, granted},
				"the filter's fields combine: organisation and subject"},
			{practice.AuditFilter{SubjectID: kari.ID, InvitationID: inv}, []practice.AuditEntry{accepted},
				"the filter's fields combine: subject and invitation"},
			{practice.AuditFilter{OrganisationID: other.ID, InvitationID: inv}, []practice.AuditEntry{},
				"the filter's fields combine: organisation and invitation"},
			{practice.AuditFilter{SubjectID: practice.NewID()}, []practice.AuditEntry{},
				"AuditFilter.SubjectID of a person nothing is about selects nothing"},
			{practice.AuditFilter{}, []practice.AuditEntry{invited, accepted, granted, olas, elsewhere, system},
				"the zero AuditFilter selects every entry"},
		} {
			require.Equal(t, c.want, auditOf(t, b, c.f), "rule: %s", c.rule)
		}
	})
	t.Run("Page", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		o := createOrg(t, b, "A")
		subject := createPerson(t, b, "Kari")
		at := now()
		for i := range 7 {
			e := newAudit(o.ID, at.Add(time.Duration(i/3)*time.Millisecond)) // ties of three
			e.SubjectID = subject.ID
			require.NoError(t, b.s.AddAudit(b.ctx, e))
		}
		for _, f := range []practice.AuditFilter{{OrganisationID: o.ID}, {SubjectID: subject.ID}, {}} {
			all := pageThrough(t, "AuditEntries", 2, func(p practice.PageRequest) (practice.Page[practice.AuditEntry], error) {
				f.Page = p
				return b.s.AuditEntries(b.ctx, f)
			})
			require.Len(t, all, 7, "rule: AuditEntries: the pages hold every entry once")
		}
		for _, c := range []practice.Cursor{"not a cursor", practice.NewCursor("a"), practice.NewCursor("a", "b", "c")} {
			err := b.try(func(ctx context.Context) error {
				_, err := b.s.AuditEntries(ctx, practice.AuditFilter{OrganisationID: o.ID, Page: practice.PageRequest{After: c}})
				return err
			})
			isValidation(t, err, "cursor", "a cursor that AuditEntries did not give is a *ValidationError on cursor")
		}
	})
	t.Run("Rollback", func(t *testing.T) {
		t.Parallel()
		b := h.fresh(t)
		o := createOrg(t, b, "A")
		e := newAudit(o.ID, now())
		boom := errors.New("boom")
		err := b.s.InTx(b.ctx, func(ctx context.Context) error {
			require.NoError(t, b.s.AddAudit(ctx, e))
			require.Len(t, listed(b.s.AuditEntries(ctx, practice.AuditFilter{OrganisationID: o.ID})).items(t), 1,
				"rule: a transaction reads the entries it added")
			return boom
		})
		require.Same(t, boom, err)
		require.Empty(t, auditOf(t, b, practice.AuditFilter{OrganisationID: o.ID}), "rule: a rolled-back transaction leaves no audit entry behind")
		require.Empty(t, auditOf(t, b, practice.AuditFilter{}), "rule: a rolled-back transaction leaves no audit entry behind")
		require.NoError(t, b.s.AddAudit(b.ctx, e), "rule: a rolled-back entry's ID is free again")
	})
}
