package storagetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

// OutboxStore is a store with an outbox: it publishes events in its
// transactions and delivers them.
type OutboxStore interface {
	practice.Transactor
	practice.Publisher
	practice.Deliverer
}

// OutboxHarness makes the stores [RunOutbox] runs on. Only NewStore is
// required.
type OutboxHarness struct {
	// NewStore returns a new, empty store for one case, ready to publish
	// and deliver (migrated), and arranges its cleanup with t.Cleanup. It
	// is called from parallel cases. The cases stop their deliverers
	// before the cleanups that NewStore registers run.
	NewStore func(t *testing.T) OutboxStore

	// Peer, if set, returns another store on the database of s, as a
	// second process would open it, and arranges its cleanup. The cases
	// that run two deliverers run the second on it; without Peer, both
	// run on s.
	Peer func(t *testing.T, s OutboxStore) OutboxStore
}

// RunOutbox runs every case of the outbox's contract, practice.Publisher
// and practice.Deliverer, against the stores h makes. The cases run in
// parallel, and wait a few seconds at most for what they expect: an event
// due later, a retry, a periodic event.
func RunOutbox(t *testing.T, h OutboxHarness) {
	t.Helper()
	if h.NewStore == nil {
		t.Fatal("storagetest: OutboxHarness.NewStore is required")
	}
	t.Run("Committed", func(t *testing.T) { t.Parallel(); testOutboxCommitted(t, h) })
	t.Run("RolledBack", func(t *testing.T) { t.Parallel(); testOutboxRolledBack(t, h) })
	t.Run("WhileDelivering", func(t *testing.T) { t.Parallel(); testOutboxWhileDelivering(t, h) })
	t.Run("NestedRolledBack", func(t *testing.T) { t.Parallel(); testOutboxNested(t, h) })
	t.Run("OutsideTx", func(t *testing.T) { t.Parallel(); testOutboxOutsideTx(t, h) })
	t.Run("Invalid", func(t *testing.T) { t.Parallel(); testOutboxInvalid(t, h) })
	t.Run("UniqueKey", func(t *testing.T) { t.Parallel(); testOutboxUnique(t, h) })
	t.Run("At", func(t *testing.T) { t.Parallel(); testOutboxAt(t, h) })
	t.Run("Retry", func(t *testing.T) { t.Parallel(); testOutboxRetry(t, h) })
	t.Run("IDs", func(t *testing.T) { t.Parallel(); testOutboxIDs(t, h) })
	t.Run("TwoDeliverers", func(t *testing.T) { t.Parallel(); testOutboxTwoDeliverers(t, h) })
	t.Run("Periodic", func(t *testing.T) { t.Parallel(); testOutboxPeriodic(t, h) })
}

// The options of the cases' deliverers: a short poll, so that the cases
// do not wait on it, and the defaults otherwise.
var outboxOptions = practice.DeliveryOptions{Poll: 50 * time.Millisecond}

// outboxWait bounds every wait for a delivery. It is generous: River moves
// events due later (and rescued ones) to the queue every five seconds.
const outboxWait = 15 * time.Second

// settleTime is how long a case waits, after a later event arrived, for
// deliveries that must not come.
const settleTime = 200 * time.Millisecond

// delivered is a delivery as a recorder saw it, and when.
type delivered struct {
	practice.Delivery
	at time.Time
}

// recorder is a handler that records every delivery, failing those that
// fail says should fail.
type recorder struct {
	mu      sync.Mutex
	got     []delivered
	changed chan struct{} // closed and replaced on each delivery
	fail    func(practice.Delivery) error
}

func newRecorder() *recorder { return &recorder{changed: make(chan struct{})} }

// Handle implements practice.Handler.
func (r *recorder) Handle(_ context.Context, d practice.Delivery) error {
	r.mu.Lock()
	r.got = append(r.got, delivered{d, time.Now()})
	close(r.changed)
	r.changed = make(chan struct{})
	fail := r.fail
	r.mu.Unlock()
	if fail != nil {
		return fail(d)
	}
	return nil
}

// of returns the deliveries of events of kind.
func (r *recorder) of(kind string) []delivered {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []delivered
	for _, d := range r.got {
		if d.Event.Kind == kind {
			out = append(out, d)
		}
	}
	return out
}

// all returns every delivery.
func (r *recorder) all() []delivered {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]delivered(nil), r.got...)
}

// waitFor waits until there are at least n deliveries of kind and returns
// them, or fails the test with rule.
func (r *recorder) waitFor(t *testing.T, kind string, n int, rule string) []delivered {
	t.Helper()
	deadline := time.NewTimer(outboxWait)
	defer deadline.Stop()
	for {
		r.mu.Lock()
		changed := r.changed
		r.mu.Unlock()
		if got := r.of(kind); len(got) >= n {
			return got
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("rule: %s: after %s, %d of %d deliveries of %s came; all deliveries: %v",
				rule, outboxWait, len(r.of(kind)), n, kind, r.all())
		}
	}
}

// settle publishes an event of its own and waits until it is delivered,
// and a little longer: by then, every event published and committed
// before it that is due would have been delivered too.
func (r *recorder) settle(t *testing.T, s OutboxStore) {
	t.Helper()
	n := len(r.of("test.settle"))
	publish(t, s, practice.Event{Kind: "test.settle"})
	r.waitFor(t, "test.settle", n+1, "an event published in a committed transaction is delivered")
	time.Sleep(settleTime)
}

// publish publishes events in one committed transaction.
func publish(t *testing.T, s OutboxStore, events ...practice.Event) {
	t.Helper()
	require.NoError(t, s.InTx(context.Background(), func(ctx context.Context) error {
		return s.Publish(ctx, events...)
	}), "rule: Publish in InTx stores valid events, several at once")
}

// deliver starts delivery from s to h with o, stopped when the test ends.
func deliver(t *testing.T, s OutboxStore, h practice.Handler, o practice.DeliveryOptions) {
	t.Helper()
	stop, err := s.Deliver(context.Background(), h, o)
	require.NoError(t, err, "rule: Deliver starts delivery")
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := stop(ctx); err != nil {
			t.Errorf("rule: stop ends delivery once the attempts under way end: %v", err)
		}
	})
}

// payload returns v as JSON.
func payload(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

func testOutboxCommitted(t *testing.T, h OutboxHarness) {
	s, r := h.NewStore(t), newRecorder()
	// Spaces and key order that a JSON database type would change.
	e := practice.Event{Kind: "test.mail", Key: "invitation-1", Payload: json.RawMessage(`{"to": "kari@example.no",  "b": 1, "a": [1, 2.50]}`)}
	publish(t, s, e)
	deliver(t, s, r, outboxOptions)
	got := r.waitFor(t, e.Kind, 1, "an event published in a committed transaction is delivered")[0]
	require.Equal(t, e.Kind, got.Event.Kind, "rule: a delivery carries the event as published")
	require.Equal(t, e.Key, got.Event.Key, "rule: a delivery carries the event as published")
	require.Equal(t, string(e.Payload), string(got.Event.Payload), "rule: a delivery carries the payload as published, byte for byte")
	require.True(t, got.Event.At.IsZero(), "rule: a delivery carries the event as published: At was zero")
	require.Equal(t, 1, got.Attempt, "rule: the first attempt is Attempt 1")
	require.NotEmpty(t, got.ID, "rule: a delivery has an ID")
	r.settle(t, s)
	require.Len(t, r.of(e.Kind), 1, "rule: an event whose handler succeeds is delivered once")
}

func testOutboxRolledBack(t *testing.T, h OutboxHarness) {
	s, r := h.NewStore(t), newRecorder()
	boom := errors.New("boom")
	err := s.InTx(context.Background(), func(ctx context.Context) error {
		require.NoError(t, s.Publish(ctx, practice.Event{Kind: "test.rolledback"}))
		return boom
	})
	require.ErrorIs(t, err, boom)
	require.Panics(t, func() {
		_ = s.InTx(context.Background(), func(ctx context.Context) error {
			require.NoError(t, s.Publish(ctx, practice.Event{Kind: "test.rolledback"}))
			panic("boom")
		})
	})
	deliver(t, s, r, outboxOptions)
	r.settle(t, s)
	require.Empty(t, r.of("test.rolledback"), "rule: an event published in a transaction that rolls back is never delivered")
}

// testOutboxWhileDelivering publishes while a deliverer runs: an event is
// not delivered before its transaction commits, however long that takes,
// and never if it rolls back.
func testOutboxWhileDelivering(t *testing.T, h OutboxHarness) {
	s, r := h.NewStore(t), newRecorder()
	deliver(t, s, r, outboxOptions)
	boom := errors.New("boom")
	err := s.InTx(context.Background(), func(ctx context.Context) error {
		require.NoError(t, s.Publish(ctx, practice.Event{Kind: "test.rolledback"}))
		time.Sleep(6 * outboxOptions.Poll)
		return boom
	})
	require.ErrorIs(t, err, boom)
	require.NoError(t, s.InTx(context.Background(), func(ctx context.Context) error {
		require.NoError(t, s.Publish(ctx, practice.Event{Kind: "test.slow"}))
		time.Sleep(6 * outboxOptions.Poll)
		require.Empty(t, r.of("test.slow"), "rule: an event is not delivered before its transaction commits")
		return nil
	}))
	r.waitFor(t, "test.slow", 1, "rule: an event is delivered once its transaction commits")
	r.settle(t, s)
	require.Empty(t, r.of("test.rolledback"), "rule: an event published while a deliverer runs, in a transaction that rolls back, is never delivered")
}

func testOutboxNested(t *testing.T, h OutboxHarness) {
	s, r := h.NewStore(t), newRecorder()
	boom := errors.New("boom")
	require.NoError(t, s.InTx(context.Background(), func(ctx context.Context) error {
		if err := s.Publish(ctx, practice.Event{Kind: "test.outer"}); err != nil {
			return err
		}
		err := s.InTx(ctx, func(ctx context.Context) error {
			require.NoError(t, s.Publish(ctx, practice.Event{Kind: "test.inner"}))
			return boom
		})
		require.ErrorIs(t, err, boom)
		return nil
	}))
	deliver(t, s, r, outboxOptions)
	r.waitFor(t, "test.outer", 1, "the event of a transaction that commits is delivered, though a nested transaction in it failed")
	r.settle(t, s)
	require.Empty(t, r.of("test.inner"), "rule: an event published in a nested transaction that fails is never delivered, though the outer commits")
}

func testOutboxOutsideTx(t *testing.T, h OutboxHarness) {
	s, r := h.NewStore(t), newRecorder()
	ctx := context.Background()
	require.Error(t, s.Publish(ctx, practice.Event{Kind: "test.outside"}), "rule: Publish outside a transaction fails")
	err := s.InSnapshot(ctx, func(ctx context.Context) error {
		return s.Publish(ctx, practice.Event{Kind: "test.outside"})
	})
	require.Error(t, err, "rule: Publish in a snapshot, which may not write, fails")
	deliver(t, s, r, outboxOptions)
	r.settle(t, s)
	require.Empty(t, r.of("test.outside"), "rule: an event whose Publish failed is never delivered")
}

func testOutboxInvalid(t *testing.T, h OutboxHarness) {
	s, r := h.NewStore(t), newRecorder()
	invalid := []practice.Event{
		{},
		{Kind: "test.invalid\n"},
		{Kind: "test.invalid", Key: "tab\there"},
		{Kind: "test.invalid", Payload: json.RawMessage(`{"to":`)},
		{Kind: "test.invalid", Payload: json.RawMessage(`not json`)},
	}
	for _, e := range invalid {
		require.NoError(t, s.InTx(context.Background(), func(ctx context.Context) error {
			require.Error(t, s.Publish(ctx, e), "rule: Publish refuses an event that Event.Check refuses: %+v", e)
			good := practice.Event{Kind: "test.beside-invalid"}
			require.Error(t, s.Publish(ctx, good, e), "rule: Publish refuses several events if Check refuses one: %+v", e)
			return nil // and commits what there is
		}))
	}
	deliver(t, s, r, outboxOptions)
	r.settle(t, s)
	for _, d := range r.all() {
		require.Equal(t, "test.settle", d.Event.Kind, "rule: an event that Publish refused, or published beside one it refused, is not stored: %+v", d)
	}
}

func testOutboxUnique(t *testing.T, h OutboxHarness) {
	s, r := h.NewStore(t), newRecorder()
	first := practice.Event{Kind: "test.reminder", Key: "inv-1", Payload: json.RawMessage(`{"n":1}`)}
	again := first
	again.Payload = json.RawMessage(`{"n":2}`)
	publish(t, s, first, again)
	publish(t, s, again)
	otherKind := practice.Event{Kind: "test.expiry", Key: "inv-1"}
	otherKey := practice.Event{Kind: "test.reminder", Key: "inv-2"}
	publish(t, s, otherKind, otherKey)
	deliver(t, s, r, outboxOptions)
	r.waitFor(t, "test.reminder", 2, "events of one Kind with different Keys are different events")
	r.waitFor(t, "test.expiry", 1, "events of different Kinds with one Key are different events")
	r.settle(t, s)
	publish(t, s, again) // after the delivery of the first
	r.settle(t, s)
	var keyed []delivered
	for _, d := range r.of("test.reminder") {
		if d.Event.Key == first.Key {
			keyed = append(keyed, d)
		}
	}
	require.Len(t, keyed, 1, "rule: an event whose Kind and Key are those of an event stored, waiting or delivered, stores nothing (in one transaction, in another, and after the delivery)")
	require.Equal(t, string(first.Payload), string(keyed[0].Event.Payload), "rule: the event published first is the one kept")
	require.Len(t, r.of("test.reminder"), 2)
	require.Len(t, r.of("test.expiry"), 1)
}

func testOutboxAt(t *testing.T, h OutboxHarness) {
	s, r := h.NewStore(t), newRecorder()
	at := time.Now().Add(1500 * time.Millisecond)
	e := practice.Event{Kind: "test.later", At: at}
	publish(t, s, e, practice.Event{Kind: "test.now"})
	deliver(t, s, r, outboxOptions)
	r.waitFor(t, "test.now", 1, "an event without At is due at once")
	got := r.waitFor(t, e.Kind, 1, "an event with At is delivered once it is due")[0]
	require.False(t, got.at.Before(at), "rule: an event is not delivered before its At (delivered %s before)", at.Sub(got.at))
	require.True(t, at.Equal(got.Event.At), "rule: a delivery carries the event's At: published %s, delivered %s", at, got.Event.At)
}

func testOutboxRetry(t *testing.T, h OutboxHarness) {
	s, r := h.NewStore(t), newRecorder()
	r.fail = func(d practice.Delivery) error {
		if d.Attempt == 1 {
			return errors.New("the mail server is down")
		}
		return nil
	}
	e := practice.Event{Kind: "test.flaky", Payload: json.RawMessage(`{"n":1}`)}
	publish(t, s, e)
	deliver(t, s, r, outboxOptions)
	got := r.waitFor(t, e.Kind, 2, "an event whose handler fails is delivered again")
	require.Equal(t, 1, got[0].Attempt)
	require.Equal(t, 2, got[1].Attempt, "rule: the attempt after a failed one is the next Attempt")
	require.Equal(t, got[0].ID, got[1].ID, "rule: a delivery's ID is the same on every attempt")
	require.Equal(t, string(e.Payload), string(got[1].Event.Payload), "rule: a retry carries the event as published")
	r.settle(t, s)
	require.Len(t, r.of(e.Kind), 2, "rule: an event is not delivered again after its handler succeeded")
}

func testOutboxIDs(t *testing.T, h OutboxHarness) {
	s, r := h.NewStore(t), newRecorder()
	same := practice.Event{Kind: "test.id", Payload: json.RawMessage(`{}`)}
	publish(t, s, same, same)
	publish(t, s, same)
	deliver(t, s, r, outboxOptions)
	got := r.waitFor(t, same.Kind, 3, "events without a Key are each delivered, though alike")
	ids := map[string]bool{}
	for _, d := range got {
		ids[d.ID] = true
	}
	require.Len(t, ids, 3, "rule: Delivery.ID differs between events")
}

func testOutboxTwoDeliverers(t *testing.T, h OutboxHarness) {
	s, r := h.NewStore(t), newRecorder()
	other := s
	if h.Peer != nil {
		other = h.Peer(t, s)
	}
	deliver(t, s, r, outboxOptions)
	deliver(t, other, r, outboxOptions)
	const n = 50
	for batch := range 5 {
		events := make([]practice.Event, 0, n/5)
		for i := range n / 5 {
			events = append(events, practice.Event{Kind: "test.many", Payload: payload(t, batch*n/5+i)})
		}
		publish(t, s, events...)
	}
	r.waitFor(t, "test.many", n, "every event is delivered, by one deliverer or the other")
	r.settle(t, s)
	got := r.of("test.many")
	seen, ids := map[string]int{}, map[string]bool{}
	for _, d := range got {
		seen[string(d.Event.Payload)]++
		ids[d.ID] = true
	}
	for i := range n {
		require.Equal(t, 1, seen[strconv.Itoa(i)], "rule: two deliverers deliver each event once in all: event %d", i)
	}
	require.Len(t, got, n, "rule: two deliverers deliver each event once in all")
	require.Len(t, ids, n, "rule: Delivery.ID differs between events")
}

func testOutboxPeriodic(t *testing.T, h OutboxHarness) {
	s, r := h.NewStore(t), newRecorder()
	other := s
	if h.Peer != nil {
		other = h.Peer(t, s)
	}
	const every = time.Second
	o := outboxOptions
	o.Periodic = []practice.Periodic{{Every: every, Event: practice.Event{Kind: "test.sweep", Payload: json.RawMessage(`{"sweep":true}`)}}}
	deliver(t, s, r, o)
	deliver(t, other, r, o)
	got := r.waitFor(t, "test.sweep", 2, "a periodic event is published again and again")
	ids := map[string]bool{}
	for i, d := range got {
		ids[d.ID] = true
		require.Equal(t, `{"sweep":true}`, string(d.Event.Payload), "rule: a periodic event is published as configured")
		if i > 0 {
			gap := d.at.Sub(got[i-1].at)
			require.Greater(t, gap, every/2, fmt.Sprintf(
				"rule: among the deliverers of one store, one publishes a periodic event: deliveries %d and %d came %s apart, every %s", i-1, i, gap, every))
		}
	}
	require.Len(t, ids, len(got), "rule: each publication of a periodic event without a Key is a new event")
}
