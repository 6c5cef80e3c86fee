package practice_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
)

func TestRightChange(t *testing.T) {
	t.Parallel()
	org, who, by := practice.NewID(), practice.NewID(), practice.NewID()
	at := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		before, after practice.Right
		action        practice.AuditAction
	}{
		{"", practice.Read, practice.AuditRightGranted},
		{practice.Read, practice.Admin, practice.AuditRightChanged},
		{practice.Admin, "", practice.AuditRightRemoved},
	} {
		id := practice.NewID()
		e := practice.RightChange(id, at, by, practice.Membership{OrganisationID: org, PersonID: who, Right: tc.after}, tc.before)
		require.Equal(t, practice.AuditEntry{ID: id, At: at, OrganisationID: org, ActorID: by, Action: tc.action,
			SubjectID: who, Before: string(tc.before), After: string(tc.after)}, e)
	}
}
