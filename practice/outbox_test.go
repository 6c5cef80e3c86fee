package practice_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

func TestEventCheck(t *testing.T) {
	t.Parallel()
	ok := []practice.Event{
		{Kind: "invite.mail"},
		{Kind: "invite.mail", Key: "01a2/invitation", At: time.Now(), Payload: json.RawMessage(`{"a":1}`)},
	}
	for _, e := range ok {
		require.NoError(t, e.Check(), "%+v", e)
	}
	bad := []practice.Event{
		{},
		{Kind: "invite\x00mail"},
		{Kind: string(make([]byte, 101))},
		{Kind: "invite.mail", Key: "a\nb"},
		{Kind: "invite.mail", Key: "ø"},
		{Kind: "invite.mail", Payload: json.RawMessage(`{"a":`)},
	}
	for _, e := range bad {
		require.Error(t, e.Check(), "%+v", e)
	}
	e, err := practice.NewEvent("invite.mail", map[string]int{"a": 1})
	require.NoError(t, err)
	require.JSONEq(t, `{"a":1}`, string(e.Payload))
	_, err = practice.NewEvent("invite.mail", func() {})
	require.Error(t, err, "a payload that is not JSON")
}

func TestDeliveryOptionsWithDefaults(t *testing.T) {
	t.Parallel()
	o, err := practice.DeliveryOptions{}.WithDefaults()
	require.NoError(t, err)
	require.Equal(t, practice.DeliveryOptions{Workers: 4, Timeout: time.Minute, RescueAfter: 5 * time.Minute, MaxAttempts: 25, Poll: time.Second}, o,
		"the zero value of each option is its documented default")
	for _, o := range []practice.DeliveryOptions{
		{Workers: -1},
		{Timeout: time.Minute, RescueAfter: time.Minute},
		{MaxAttempts: practice.MaxDeliveryAttempts + 1},
		{Poll: time.Microsecond},
		{Periodic: []practice.Periodic{{Every: time.Millisecond, Event: practice.Event{Kind: "sweep"}}}},
		{Periodic: []practice.Periodic{{Every: time.Minute}}},
	} {
		_, err := o.WithDefaults()
		require.Error(t, err, "%+v", o)
	}
}

func TestHandlers(t *testing.T) {
	t.Parallel()
	var got string
	h := practice.Handlers{"a.b": practice.HandlerFunc(func(_ context.Context, d practice.Delivery) error {
		got = d.ID
		return nil
	})}
	require.NoError(t, h.Handle(context.Background(), practice.Delivery{ID: "7", Event: practice.Event{Kind: "a.b"}}))
	require.Equal(t, "7", got)
	require.Error(t, h.Handle(context.Background(), practice.Delivery{ID: "8", Event: practice.Event{Kind: "c.d"}}),
		"an event no handler takes fails, so it is kept")
}
