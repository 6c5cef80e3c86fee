package memory

import (
	"bytes"
	"cmp"
	"container/heap"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/praksis/praksis/practice"
)

// The outbox in memory: Publish adds an event to the data in the
// transaction, with the undo log, so a rollback takes it away again; a
// deliverer's workers take due events under the write lock, which a
// transaction holds until it ends, so they only ever see committed events.
// An event's Delivery.ID is its number in the order of publication. A
// failed attempt is retried after Attempt⁴ seconds (1 s, 16 s, 81 s ...),
// as River retries by default, without River's jitter. Nothing survives a
// crash here, so DeliveryOptions.RescueAfter is checked but has nothing to
// rescue: an attempt ends when its handler returns, which Timeout asks of
// it by cancelling its context.

var (
	_ practice.Publisher = (*Store)(nil)
	_ practice.Deliverer = (*Store)(nil)
)

// errPublishNoTx is the error of Publish outside a transaction.
var errPublishNoTx = errors.New("memory: Publish must be called with the context of an InTx callback, whose transaction stores the event")

// outboxData is the store's outbox. Its zero value is usable; like the rest
// of data, it is guarded by Store.mu.
type outboxData struct {
	// seq is the number of the last event published, its Delivery.ID.
	seq int64
	// waiting holds the events published and neither delivered nor given
	// up, by number.
	waiting map[int64]*queued
	// due orders the waiting events that no worker holds by when they are
	// due; it may hold events that a rollback took out of waiting, which
	// take drops.
	due dueHeap
	// keys holds the Kind and Key of every event published with a Key, for
	// ever.
	keys map[eventKey]struct{}
	// wake, if not nil, is closed when an event is published.
	wake chan struct{}
	// deliverers are the running deliverers in the order they started; the
	// first publishes the periodic events.
	deliverers []*deliverer
}

// eventKey is what makes an event with a Key unique.
type eventKey struct{ kind, key string }

// queued is a published event waiting for delivery.
type queued struct {
	id    int64
	event practice.Event
	// at is when the event is due next: its At, and after a failed
	// attempt the time of the retry.
	at time.Time
	// attempts counts the attempts begun.
	attempts int
}

// Publish implements practice.Publisher in the transaction of ctx.
func (s *Store) Publish(ctx context.Context, events ...practice.Event) error {
	for _, e := range events {
		if err := e.Check(); err != nil {
			return err
		}
	}
	if s.txOf(ctx) == nil {
		return errPublishNoTx
	}
	return s.write(ctx, func(d *data, c change) error {
		o := &d.events
		for _, e := range events {
			if e.Key != "" {
				k := eventKey{e.Kind, e.Key}
				if _, taken := o.keys[k]; taken {
					continue
				}
				if o.keys == nil {
					o.keys = map[eventKey]struct{}{}
				}
				put(c, o.keys, k, struct{}{})
			}
			if o.waiting == nil {
				o.waiting = map[int64]*queued{}
			}
			o.seq++
			q := &queued{id: o.seq, event: copyEvent(e), at: e.At}
			put(c, o.waiting, q.id, q)
			heap.Push(&o.due, q)
		}
		o.notify()
		return nil
	})
}

// copyEvent returns e with a payload of its own and At in UTC.
func copyEvent(e practice.Event) practice.Event {
	e.Payload = bytes.Clone(e.Payload)
	if !e.At.IsZero() {
		e.At = e.At.UTC()
	}
	return e
}

// notify wakes the workers waiting for an event.
func (o *outboxData) notify() {
	if o.wake != nil {
		close(o.wake)
		o.wake = nil
	}
}

// waker returns the channel that notify closes.
func (o *outboxData) waker() <-chan struct{} {
	if o.wake == nil {
		o.wake = make(chan struct{})
	}
	return o.wake
}

// dueHeap is a heap of events, the one due first (then published first)
// on top.
type dueHeap []*queued

func (h dueHeap) Len() int { return len(h) }
func (h dueHeap) Less(i, j int) bool {
	return cmp.Or(h[i].at.Compare(h[j].at), cmp.Compare(h[i].id, h[j].id)) < 0
}
func (h dueHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *dueHeap) Push(x any)   { *h = append(*h, x.(*queued)) }
func (h *dueHeap) Pop() any {
	old := *h
	q := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return q
}

// deliverer is one Deliver's workers.
type deliverer struct {
	s *Store
	h practice.Handler
	o practice.DeliveryOptions
	// quit is closed by stop: take no more events.
	quit     chan struct{}
	quitOnce sync.Once
	// ctx is the context of the attempts, cancelled when stop's context
	// is done.
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// Deliver implements practice.Deliverer with o.Workers goroutines, and one
// for each periodic event. Several deliverers may run on one store; the
// first of those running publishes the periodic events.
func (s *Store) Deliver(ctx context.Context, h practice.Handler, o practice.DeliveryOptions) (stop func(context.Context) error, err error) {
	o, err = o.WithDefaults()
	if err != nil {
		return nil, err
	}
	d := &deliverer{s: s, h: h, o: o, quit: make(chan struct{})}
	d.ctx, d.cancel = context.WithCancel(context.WithoutCancel(ctx))
	s.mu.Lock()
	s.d.events.deliverers = append(s.d.events.deliverers, d)
	s.mu.Unlock()
	for range o.Workers {
		d.wg.Go(d.work)
	}
	for _, p := range o.Periodic {
		d.wg.Go(func() { d.publishEvery(p) })
	}
	return d.stop, nil
}

// stop ends delivery: no event is taken any more, and it waits for the
// attempts under way until ctx is done, when it cancels their context.
func (d *deliverer) stop(ctx context.Context) error {
	d.quitOnce.Do(func() { close(d.quit) })
	done := make(chan struct{})
	go func() { d.wg.Wait(); close(done) }()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = fmt.Errorf("memory: outbox: stop delivery: %w", context.Cause(ctx))
	}
	d.cancel()
	d.s.mu.Lock()
	o := &d.s.d.events
	o.deliverers = slices.DeleteFunc(o.deliverers, func(x *deliverer) bool { return x == d })
	d.s.mu.Unlock()
	return err
}

// work takes due events and hands them to the handler until stop.
func (d *deliverer) work() {
	for {
		select {
		case <-d.quit:
			return
		default:
		}
		q, delivery, wait, wake := d.s.take(time.Now(), d.o.Poll)
		if q == nil {
			t := time.NewTimer(wait)
			select {
			case <-d.quit:
			case <-wake:
			case <-t.C:
			}
			t.Stop()
			continue
		}
		d.s.finish(q, d.attempt(delivery), d.o.MaxAttempts)
	}
}

// attempt runs the handler on one delivery, within the timeout, and
// returns its error, or an error if it panics.
func (d *deliverer) attempt(delivery practice.Delivery) (err error) {
	ctx, cancel := context.WithTimeout(d.ctx, d.o.Timeout)
	defer cancel()
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("memory: outbox: the handler of event %s panicked: %v", delivery.Event.Kind, v)
		}
	}()
	return d.h.Handle(ctx, delivery)
}

// take returns the due event that was due first, begun an attempt of, with
// its delivery. If none is due, it returns how long to wait (until the next
// is due, at most poll) and a channel closed when an event is published.
func (s *Store) take(now time.Time, poll time.Duration) (*queued, practice.Delivery, time.Duration, <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := &s.d.events
	for o.due.Len() > 0 {
		q := o.due[0]
		if o.waiting[q.id] != q { // rolled back
			heap.Pop(&o.due)
			continue
		}
		if q.at.After(now) {
			return nil, practice.Delivery{}, min(poll, q.at.Sub(now)), o.waker()
		}
		heap.Pop(&o.due)
		q.attempts++
		e := q.event
		e.Payload = bytes.Clone(e.Payload)
		return q, practice.Delivery{ID: strconv.FormatInt(q.id, 10), Event: e, Attempt: q.attempts}, 0, nil
	}
	return nil, practice.Delivery{}, poll, o.waker()
}

// finish records the end of an attempt of q: delivered if err is nil, else
// given up after maxAttempts, or else due again after a backoff.
func (s *Store) finish(q *queued, err error, maxAttempts int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := &s.d.events
	if err == nil || q.attempts >= maxAttempts {
		delete(o.waiting, q.id)
		return
	}
	q.at = time.Now().Add(backoff(q.attempts))
	heap.Push(&o.due, q)
}

// backoff is how long after its attempt-th failed attempt an event is
// tried again: attempt⁴ seconds, River's default without its jitter.
func backoff(attempt int) time.Duration {
	return time.Duration(math.Pow(float64(attempt), 4)) * time.Second
}

// publishEvery publishes p.Event, without its At, every p.Every while d
// runs, when d is the first of the store's running deliverers.
func (d *deliverer) publishEvery(p practice.Periodic) {
	e := practice.Event{Kind: p.Event.Kind, Key: p.Event.Key, Payload: p.Event.Payload}
	t := time.NewTicker(p.Every)
	defer t.Stop()
	for {
		select {
		case <-d.quit:
			return
		case <-t.C:
		}
		// An error here can only be a store that refuses the event, which
		// Deliver checked; there is nobody to tell.
		_ = d.s.InTx(d.ctx, func(ctx context.Context) error {
			if ds := d.s.d.events.deliverers; len(ds) == 0 || ds[0] != d {
				return nil
			}
			return d.s.Publish(ctx, e)
		})
	}
}
