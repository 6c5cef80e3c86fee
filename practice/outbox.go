package practice

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// The outbox. A use case that must have something done outside its
// transaction (an e-mail sent, a reminder due in a week) publishes an
// [Event] with the same context as its writes: the event is stored in the
// transaction and delivered after it commits, never if it rolls back, and
// never lost by a crash in between. Delivery runs a [Handler] at least once
// per event; a handler that fails is retried later, and a crash between a
// handler's effect and the record of its success can repeat the effect
// once, so a handler gives what it does an identity ([Delivery.ID]) that
// the receiver can drop a duplicate by.
//
// The adapters implement [Publisher] on the transaction they carry, and
// [Deliverer] to run the handlers: the SQL stores on a job queue in the
// same database, the memory store on a queue of its own with the same
// contract. Domain packages see only these types.

// Event is a fact that work outside the transaction acts on. Its Kind names
// it ("invite.mail"), and its Payload is the JSON its handler reads.
type Event struct {
	// Kind names the event, as "package.noun"; the handler is chosen by it.
	// It is required, at most 100 bytes of printable ASCII.
	Kind string `json:"kind"`
	// Key, if not empty, makes the event unique among the events of its
	// Kind: publishing an event whose Kind and Key are those of an event
	// already stored, waiting or running, or delivered, stores nothing and
	// is no error. A store may forget a delivered event after a day (the
	// SQL stores do; the memory store never forgets), so a handler must
	// still do its work once however often it is asked. At most 200 bytes
	// of printable ASCII.
	Key string `json:"key,omitempty"`
	// At, if not zero, is when the event is due: it is not delivered
	// before.
	At time.Time `json:"at,omitzero"`
	// Payload is what the handler reads: a JSON value, or empty.
	Payload json.RawMessage `json:"payload,omitempty"`
}

// NewEvent returns an event of kind with v, marshalled as JSON, for its
// payload.
func NewEvent(kind string, v any) (Event, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return Event{}, fmt.Errorf("event %s: %w", kind, err)
	}
	return Event{Kind: kind, Payload: b}, nil
}

// Check returns an error if e cannot be published: a Kind or Key that is
// empty, too long or not printable ASCII, or a Payload that is not JSON.
// Every [Publisher] calls it first.
func (e Event) Check() error {
	if e.Kind == "" || len(e.Kind) > 100 || !printableASCII(e.Kind) {
		return fmt.Errorf("outbox: an event's kind must be 1 to 100 bytes of printable ASCII")
	}
	if len(e.Key) > 200 || !printableASCII(e.Key) {
		return fmt.Errorf("outbox: event %s: its key must be at most 200 bytes of printable ASCII", e.Kind)
	}
	if len(e.Payload) > 0 && !json.Valid(e.Payload) {
		return fmt.Errorf("outbox: event %s: its payload is not JSON", e.Kind)
	}
	return nil
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// Publisher stores events in the transaction of a context.
type Publisher interface {
	// Publish stores the events in the transaction ctx carries (from
	// InTx), to be delivered after that transaction commits and never if it
	// rolls back; several events go in one statement. Outside a transaction
	// that may write it returns an error, and it returns the error of the
	// first event whose Check fails, storing none.
	Publish(ctx context.Context, events ...Event) error
}

// Delivery is an event being delivered to its handler.
type Delivery struct {
	// ID identifies the published event: the same on every attempt, and
	// unique among the store's events. Use it as the identity of what the
	// handler does, such as an e-mail's Message-ID.
	ID string
	// Event is the event as published.
	Event Event
	// Attempt counts the attempts, from 1.
	Attempt int
}

// Handler does what an event asks for. An error means the attempt failed:
// the event is delivered again later, until the deliverer gives up.
type Handler interface {
	Handle(ctx context.Context, d Delivery) error
}

// HandlerFunc adapts a function to a [Handler].
type HandlerFunc func(ctx context.Context, d Delivery) error

// Handle calls f.
func (f HandlerFunc) Handle(ctx context.Context, d Delivery) error { return f(ctx, d) }

// Handlers routes each event to the handler of its Kind. An event of a kind
// it has no handler for fails, and so is kept and retried: a process that
// cannot handle it leaves it for one that can.
type Handlers map[string]Handler

// Handle calls the handler of d.Event.Kind.
func (h Handlers) Handle(ctx context.Context, d Delivery) error {
	if f, ok := h[d.Event.Kind]; ok {
		return f.Handle(ctx, d)
	}
	return fmt.Errorf("outbox: no handler for events of kind %q", d.Event.Kind)
}

// Periodic is an event published again and again, such as a sweep that
// catches what a crash let slip. Among all the processes delivering from
// one store, one publishes it.
type Periodic struct {
	// Every is the interval, at least a second.
	Every time.Duration
	// Event is what is published: with no Key, every interval's event is
	// new.
	Event Event
}

// DeliveryOptions configures a [Deliverer]. The zero value of each field
// means its default.
type DeliveryOptions struct {
	// Workers is how many events are handled at once (default 4).
	Workers int
	// Timeout ends an attempt that runs longer (default 1 minute).
	Timeout time.Duration
	// RescueAfter is how long an attempt may seem to run before it is taken
	// for lost in a crash and delivered again (default 5 minutes; it must
	// exceed Timeout).
	RescueAfter time.Duration
	// MaxAttempts is how many times an event is tried before it is given up
	// (default 25, over about three weeks).
	MaxAttempts int
	// Poll is how often the store is looked at for events that are due, in
	// addition to any notification it sends (default 1 second).
	Poll time.Duration
	// Periodic are the events published at intervals.
	Periodic []Periodic
}

// MaxDeliveryAttempts is the most attempts DeliveryOptions.MaxAttempts may
// ask for.
const MaxDeliveryAttempts = 1000

// WithDefaults returns o with each zero field set to its default, or an
// error if a field is out of range: negative, a RescueAfter not above
// Timeout, MaxAttempts above [MaxDeliveryAttempts], a Poll under a
// millisecond, or a Periodic more often than every second or with an event
// that Check refuses. Every [Deliverer] calls it first.
func (o DeliveryOptions) WithDefaults() (DeliveryOptions, error) {
	if o.Workers < 0 || o.Timeout < 0 || o.RescueAfter < 0 || o.MaxAttempts < 0 || o.Poll < 0 {
		return o, errors.New("outbox: a delivery option is negative")
	}
	o.Workers = cmp.Or(o.Workers, 4)
	o.Timeout = cmp.Or(o.Timeout, time.Minute)
	o.RescueAfter = cmp.Or(o.RescueAfter, 5*time.Minute)
	o.MaxAttempts = cmp.Or(o.MaxAttempts, 25)
	o.Poll = cmp.Or(o.Poll, time.Second)
	switch {
	case o.RescueAfter <= o.Timeout:
		return o, fmt.Errorf("outbox: RescueAfter (%s) must exceed Timeout (%s)", o.RescueAfter, o.Timeout)
	case o.MaxAttempts > MaxDeliveryAttempts:
		return o, fmt.Errorf("outbox: MaxAttempts must be at most %d", MaxDeliveryAttempts)
	case o.Poll < time.Millisecond:
		return o, errors.New("outbox: Poll must be at least a millisecond")
	}
	for _, p := range o.Periodic {
		if p.Every < time.Second {
			return o, fmt.Errorf("outbox: periodic event %s: Every must be at least a second", p.Event.Kind)
		}
		if err := p.Event.Check(); err != nil {
			return o, err
		}
	}
	return o, nil
}

// Deliverer delivers a store's events.
type Deliverer interface {
	// Deliver starts handling the store's events with h in the background
	// and returns at once. Several processes may deliver from one store;
	// each event goes to one of them at a time. stop ends delivery, waiting
	// for the attempts under way until its context is done.
	Deliver(ctx context.Context, h Handler, o DeliveryOptions) (stop func(context.Context) error, err error)
}
