// Package storagetest is the conformance suite of praksis storage adapters.
// It has one entry per domain area, [RunPractice] for the kernel's
// practice.Store and [RunInvite] for invite.InvitationStore (later
// RunAgreement ...), so an adapter adopts one area at a time: its own test
// calls each entry with a harness ([Harness], [InviteHarness]) that makes
// its stores. A behaviour change to an adapter starts with a new case
// here. Each failure names the rule of the store contract that was broken;
// the contract itself is documented once, beside the interfaces in package
// practice.
//
// Each area's cases live in files of their own (institution.go, place.go,
// tx.go ...). A case that needs no commit runs, when the harness can, in a
// transaction on a store shared with other cases, rolled back when the case
// ends: on a database server that is far faster than a new schema per case.
// Cases that commit, or run transactions side by side, get a store of their
// own. [RunOutbox] (outbox.go) runs the outbox's cases with an [OutboxHarness].
package storagetest

import (
	"context"
	"testing"

	"github.com/praksis/praksis/agreement"
	"github.com/praksis/praksis/invite"
	"github.com/praksis/praksis/practice"
)

// Harness makes the stores the suite runs on. Only NewStore is required;
// the other fields are the optional capabilities of a store.
type Harness struct {
	// NewStore returns a new, empty store for one case, and arranges its
	// cleanup with t.Cleanup. It is called from parallel cases.
	NewStore func(t *testing.T) practice.Store

	// Begin, if set, begins a transaction on s the way an embedding
	// application does, outside the store (on the adapter's database
	// handle), and returns a context that carries it (the adapter's
	// WithTx) and a function that commits it (true) or rolls it back
	// (false). A store without such transactions leaves it nil, and the
	// cases about them are skipped.
	Begin func(t *testing.T, s practice.Store) (ctx context.Context, end func(commit bool) error)

	// Shared, if set with Begin, is an empty store that cases which never
	// commit share: each runs in a transaction of its own from Begin, rolled
	// back when the case ends, so Shared stays empty.
	Shared practice.Store
}

// RunPractice runs every case of the kernel's store contract,
// practice.Store, against the stores h makes.
func RunPractice(t *testing.T, h Harness) {
	t.Helper()
	if h.NewStore == nil {
		t.Fatal("storagetest: Harness.NewStore is required")
	}
	t.Run("Institution", func(t *testing.T) { testInstitutions(t, h) })
	t.Run("Organisation", func(t *testing.T) { testOrganisations(t, h) })
	t.Run("Place", func(t *testing.T) { testPlaces(t, h) })
	t.Run("Person", func(t *testing.T) { testPeople(t, h) })
	t.Run("Membership", func(t *testing.T) { testMemberships(t, h) })
	t.Run("Staff", func(t *testing.T) { testStaff(t, h) })
	t.Run("Audit", func(t *testing.T) { testAudit(t, h) })
	t.Run("Page", func(t *testing.T) { testPages(t, h) })
	t.Run("Values", func(t *testing.T) { testValues(t, h) })
	t.Run("Tx", func(t *testing.T) { testTransactions(t, h) })
	t.Run("Lock", func(t *testing.T) { testLocks(t, h) })
	t.Run("Concurrency", func(t *testing.T) { testConcurrency(t, h) })
	t.Run("Service", func(t *testing.T) { testService(t, h) })
}

// InviteStore is a store of the invite package's area: the kernel's store
// and the invitations, in its transactions.
type InviteStore interface {
	practice.Store
	invite.InvitationStore
}

// InviteHarness makes the stores [RunInvite] runs on. It is a [Harness]
// whose stores keep invitations too; only NewStore is required.
type InviteHarness struct {
	// NewStore returns a new, empty store for one case, as Harness.NewStore
	// does.
	NewStore func(t *testing.T) InviteStore
	// Begin, if set, begins a transaction of the caller's own on s, as
	// Harness.Begin does; s is a store NewStore made, or Shared.
	Begin func(t *testing.T, s practice.Store) (ctx context.Context, end func(commit bool) error)
	// Shared, if set with Begin, is an empty store that the cases which
	// never commit share, as Harness.Shared is.
	Shared InviteStore
}

// RunInvite runs every case of the invitations' store contract,
// invite.InvitationStore, against the stores h makes.
func RunInvite(t *testing.T, h InviteHarness) {
	t.Helper()
	if h.NewStore == nil {
		t.Fatal("storagetest: InviteHarness.NewStore is required")
	}
	t.Run("Invitation", func(t *testing.T) { testInvitations(t, h) })
}

// harness returns h as the Harness whose bundles the cases use.
func (h InviteHarness) harness() Harness {
	return Harness{NewStore: func(t *testing.T) practice.Store { return h.NewStore(t) }, Begin: h.Begin, Shared: h.Shared}
}

// inviteBundle is a bundle whose store keeps invitations too.
type inviteBundle struct {
	bundle
	inv InviteStore
}

// setup and fresh return the bundles Harness.setup and Harness.fresh
// return, on stores of h.
func (h InviteHarness) setup(t *testing.T) inviteBundle {
	t.Helper()
	b := h.harness().setup(t)
	return inviteBundle{b, b.s.(InviteStore)}
}

func (h InviteHarness) fresh(t *testing.T) inviteBundle {
	t.Helper()
	b := h.harness().fresh(t)
	return inviteBundle{b, b.s.(InviteStore)}
}

// AgreementStore is a store of the agreement package's area: the kernel's
// store, the outbox, the agreements, their documents and their bytes, in its
// transactions. It is agreement.Store.
type AgreementStore = agreement.Store

// AgreementHarness makes the stores [RunAgreement] runs on. Only NewStore
// is required.
type AgreementHarness struct {
	// NewStore returns a new, empty store for one case, as Harness.NewStore
	// does.
	NewStore func(t *testing.T) AgreementStore
	// Begin, if set, begins a transaction of the caller's own on s, as
	// Harness.Begin does; s is a store NewStore made, or Shared.
	Begin func(t *testing.T, s practice.Store) (ctx context.Context, end func(commit bool) error)
	// Shared, if set with Begin, is an empty store that the cases which
	// never commit share, as Harness.Shared is.
	Shared AgreementStore
}

// RunAgreement runs every case of the agreements' store contract
// (agreement.AgreementStore, agreement.DocumentStore and agreement.Blobs),
// and the agreement service's rules over the stores h makes: coverage as of
// dates, across renewals and restructurings, documents, and the
// consistency report on a restructured tree.
func RunAgreement(t *testing.T, h AgreementHarness) {
	t.Helper()
	if h.NewStore == nil {
		t.Fatal("storagetest: AgreementHarness.NewStore is required")
	}
	t.Run("Agreement", func(t *testing.T) { testAgreements(t, h) })
	t.Run("Document", func(t *testing.T) { testDocuments(t, h) })
	t.Run("AgreementService", func(t *testing.T) { testAgreementService(t, h) })
}

// harness returns h as the Harness whose bundles the cases use.
func (h AgreementHarness) harness() Harness {
	return Harness{NewStore: func(t *testing.T) practice.Store { return h.NewStore(t) }, Begin: h.Begin, Shared: h.Shared}
}

// agreementBundle is a bundle whose store keeps agreements too.
type agreementBundle struct {
	bundle
	ag AgreementStore
}

// setup and fresh return the bundles Harness.setup and Harness.fresh
// return, on stores of h.
func (h AgreementHarness) setup(t *testing.T) agreementBundle {
	t.Helper()
	b := h.harness().setup(t)
	return agreementBundle{b, b.s.(AgreementStore)}
}

func (h AgreementHarness) fresh(t *testing.T) agreementBundle {
	t.Helper()
	b := h.harness().fresh(t)
	return agreementBundle{b, b.s.(AgreementStore)}
}

// bundle is what a case works with: a store, the context to call it with,
// and whether that context carries a transaction to be rolled back.
type bundle struct {
	s   practice.Store
	ctx context.Context
	// inTx is true when ctx carries the harness's transaction: a store call
	// expected to fail then runs in a nested InTx (a savepoint), so that
	// the failure does not abort the case's transaction.
	inTx bool
}

// setup returns the bundle of a case that commits nothing: on the shared
// store in a transaction rolled back when the case ends, if the harness
// can, or else on a store of its own.
func (h Harness) setup(t *testing.T) bundle {
	t.Helper()
	if h.Shared == nil || h.Begin == nil {
		return h.fresh(t)
	}
	ctx, end := h.Begin(t, h.Shared)
	t.Cleanup(func() {
		if err := end(false); err != nil {
			t.Errorf("roll back the case's transaction: %v", err)
		}
	})
	return bundle{s: h.Shared, ctx: ctx, inTx: true}
}

// fresh returns the bundle of a case on a store of its own, outside any
// transaction.
func (h Harness) fresh(t *testing.T) bundle {
	t.Helper()
	return bundle{s: h.NewStore(t), ctx: context.Background()}
}

// try makes a store call that may fail: in a nested InTx when the case
// runs in a transaction, else directly.
func (b bundle) try(fn func(ctx context.Context) error) error {
	if b.inTx {
		return b.s.InTx(b.ctx, fn)
	}
	return fn(b.ctx)
}
