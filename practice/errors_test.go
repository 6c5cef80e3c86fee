package practice_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

func TestError(t *testing.T) {
	t.Parallel()
	cause := errors.New(`sqlite: UNIQUE constraint failed: people.email_key`)
	err := fmt.Errorf("create person: %w", practice.Taken("email", cause))
	require.ErrorIs(t, err, practice.ErrConflict)
	require.NotErrorIs(t, err, practice.ErrNotFound)
	require.ErrorIs(t, err, cause, "the cause stays reachable, for logs")
	var e *practice.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, "email", e.Field)
	require.Equal(t, "conflict: the email is taken", practice.Message(err), "Message gives the domain's words, not the chain")
	require.True(t, practice.Stale(nil).Stale)

	v := practice.Invalid("name", "required", "is required")
	require.Equal(t, "invalid input: name: is required", practice.Message(fmt.Errorf("wrapped: %w", v)))
	require.Equal(t, "not found", practice.Message(fmt.Errorf("x: %w", practice.ErrNotFound)), "a bare sentinel says only its name")
	require.Empty(t, practice.Message(cause), "any other error is for logs only")
	require.Equal(t, "forbidden: only the system may create institutions", practice.Message(practice.Actor{}.CanCreateInstitution()))
}
