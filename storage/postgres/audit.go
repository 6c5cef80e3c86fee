package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/praksis/praksis/practice"
)

const auditColumns = `id, at, organisation_id, actor_id, action, subject_id, invitation_id, state_before, state_after`

// auditOrder is the order of AuditEntries, and auditKey an entry's place in
// it.
var auditOrder = []keyColumn{timeKey("at"), idKey("id")}

// atLayout is the text of a time in a cursor: UTC with six fractional
// digits, fixed width, so that text order is time order.
const atLayout = "2006-01-02T15:04:05.000000Z"

func auditKey(e practice.AuditEntry) []string {
	return []string{e.At.UTC().Format(atLayout), e.ID.String()}
}

// timeKey returns the key column of a timestamp, whose cursor text is in
// atLayout.
func timeKey(column string) keyColumn {
	return keyColumn{order: column, cast: "timestamptz",
		text: `to_char(` + column + ` AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') COLLATE "C"`,
		parse: func(s string) (any, bool) {
			t, err := time.Parse(atLayout, s)
			return t, err == nil && t.Format(atLayout) == s
		}}
}

func scanAudit(row pgx.Row) (practice.AuditEntry, error) {
	var (
		e                          practice.AuditEntry
		actor, subject, invitation *practice.ID
	)
	if err := row.Scan(&e.ID, &e.At, &e.OrganisationID, &actor, &e.Action, &subject, &invitation, &e.Before, &e.After); err != nil {
		return practice.AuditEntry{}, err
	}
	e.ActorID, e.SubjectID, e.InvitationID = idOf(actor), idOf(subject), idOf(invitation)
	e.At = e.At.UTC()
	return e, nil
}

// idOf returns the ID a nullable uuid column held: NilID for NULL.
func idOf(id *practice.ID) practice.ID {
	if id == nil {
		return practice.NilID
	}
	return *id
}

// AddAudit implements practice.AuditStore. Before and After are stored in
// the columns state_before and state_after.
func (s *Store) AddAudit(ctx context.Context, e practice.AuditEntry) error {
	_, err := s.exec(ctx, `INSERT INTO praksis_audit (`+auditColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		e.ID, e.At, e.OrganisationID, nullID(e.ActorID), string(e.Action), nullID(e.SubjectID), nullID(e.InvitationID), e.Before, e.After)
	return err
}

// AuditEntries implements practice.AuditStore.
func (s *Store) AuditEntries(ctx context.Context, f practice.AuditFilter) (practice.Page[practice.AuditEntry], error) {
	q := psql.Select(auditColumns).From("praksis_audit")
	if f.OrganisationID != practice.NilID {
		q = q.Where("organisation_id = ?", f.OrganisationID)
	}
	if f.SubjectID != practice.NilID {
		q = q.Where("subject_id = ?", f.SubjectID)
	}
	if f.InvitationID != practice.NilID {
		q = q.Where("invitation_id = ?", f.InvitationID)
	}
	return list(ctx, s.reader(ctx), q, auditOrder, f.Page, scanAudit, auditKey)
}
