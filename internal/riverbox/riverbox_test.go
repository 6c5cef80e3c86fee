package riverbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

func TestJob(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 1, 12, 0, 0, 1_500_000, time.FixedZone("CET", 3600)) // 1.5 ms past the second
	e := practice.Event{Kind: "invite.mail", Key: "inv-1", At: at, Payload: json.RawMessage(`{"b": 1,  "a": 2}`)}
	args, opts := Job(e)
	require.Equal(t, JobKind, args.Kind())
	require.Equal(t, Queue, opts.Queue, "events keep to their own queue")
	back := args.event()
	require.True(t, at.Equal(back.At), "the job's args give back the event's At")
	require.Equal(t, time.UTC, back.At.Location(), "At is kept in UTC")
	back.At = at
	require.Equal(t, e, back, "the job's args give back the event")
	require.Equal(t, at.UTC().Truncate(time.Millisecond).Add(time.Millisecond), opts.ScheduledAt,
		"the job is due at At rounded up to the millisecond, never before At")
	require.Equal(t, river.UniqueOpts{ByArgs: true, ByState: rivertype.JobStates()}, opts.UniqueOpts,
		"an event with a Key is unique in every state")

	encoded, err := json.Marshal(args)
	require.NoError(t, err)
	var decoded Args
	require.NoError(t, json.Unmarshal(encoded, &decoded))
	require.Equal(t, string(e.Payload), string(decoded.event().Payload), "the payload survives as text, byte for byte")

	plain, opts := Job(practice.Event{Kind: "invite.mail"})
	require.Zero(t, opts.UniqueOpts, "an event without a Key is not unique")
	require.True(t, opts.ScheduledAt.IsZero(), "an event without At is due at once")
	require.Nil(t, plain.event().Payload, "an empty payload stays empty")
}

func TestStoredAttemptsExceedEveryDeliverer(t *testing.T) {
	t.Parallel()
	require.Greater(t, storedMaxAttempts, practice.MaxDeliveryAttempts,
		"a job is stored with more attempts than any deliverer may ask for, so the worker gives it up, not River")
	_, err := practice.DeliveryOptions{MaxAttempts: practice.MaxDeliveryAttempts + 1}.WithDefaults()
	require.Error(t, err)
}

func TestWorker(t *testing.T) {
	t.Parallel()
	fail := errors.New("the mail server is down")
	var got []practice.Delivery
	w := &worker{maxAttempts: 3, h: practice.HandlerFunc(func(_ context.Context, d practice.Delivery) error {
		got = append(got, d)
		return fail
	})}
	job := func(attempt int) *river.Job[Args] {
		return &river.Job[Args]{JobRow: &rivertype.JobRow{ID: 42, Attempt: attempt}, Args: Args{EventKind: "invite.mail"}}
	}
	ctx := context.Background()

	err := w.Work(ctx, job(1))
	require.ErrorIs(t, err, fail, "a failed attempt is retried")
	var cancel *river.JobCancelError
	require.NotErrorAs(t, err, &cancel)
	require.Equal(t, practice.Delivery{ID: "42", Event: practice.Event{Kind: "invite.mail"}, Attempt: 1}, got[0])

	require.ErrorAs(t, w.Work(ctx, job(3)), &cancel, "the last attempt allowed that fails gives the event up")
	require.ErrorAs(t, w.Work(ctx, job(4)), &cancel, "an attempt beyond those allowed (after a crash) gives the event up")
	require.Len(t, got, 2, "an attempt beyond those allowed is not handed to the handler")
}

func TestLogger(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	l := slog.New(quiet{slog.NewTextHandler(&buf, nil)})
	l.Info("job done", "job_id", 1)
	l.Warn("job stuck", "job_id", 2, "args", `{"to":"kari@example.no"}`)
	l.With("encoded_args", "secret").Error("job failed", "kind", JobKind)
	out := buf.String()
	require.NotContains(t, out, "job done", "River logs below warning level are dropped")
	require.Contains(t, out, "job stuck")
	require.Contains(t, out, "job_id=2")
	require.Contains(t, out, "kind="+JobKind)
	require.NotContains(t, out, "kari@example.no", "a job's args are never logged")
	require.NotContains(t, out, "secret", "a job's args are never logged")
}

// TestMigrationVersion checks that MigrationVersion is the last migration
// of the River in go.mod, for both drivers: raise it with River.
func TestMigrationVersion(t *testing.T) {
	t.Parallel()
	pg, err := rivermigrate.New(riverpgxv5.New(nil), nil)
	require.NoError(t, err)
	lite, err := rivermigrate.New(riversqlite.New(nil), nil)
	require.NoError(t, err)
	for _, versions := range [][]rivermigrate.Migration{pg.AllVersions(), lite.AllVersions()} {
		require.Equal(t, MigrationVersion, versions[len(versions)-1].Version,
			"MigrationVersion is the last migration River ships; raise it with River, after reading River's changelog")
	}
}
