package sqlite

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/praksis/praksis/practice"
)

// auditRow is a row of the table praksis_audit. Its columns state_before
// and state_after hold the entry's Before and After.
type auditRow struct {
	bun.BaseModel `bun:"table:praksis_audit"`

	ID             string `bun:"id,pk"`
	At             string `bun:"at"`
	OrganisationID string `bun:"organisation_id"`
	ActorID        string `bun:"actor_id,nullzero"` // NULL for the system
	Action         string `bun:"action"`
	SubjectID      string `bun:"subject_id,nullzero"`
	InvitationID   string `bun:"invitation_id,nullzero"`
	Before         string `bun:"state_before"`
	After          string `bun:"state_after"`
}

func auditToRow(e practice.AuditEntry) auditRow {
	return auditRow{
		ID: e.ID.String(), At: formatTime(e.At), OrganisationID: e.OrganisationID.String(),
		ActorID: nullID(e.ActorID), Action: string(e.Action), SubjectID: nullID(e.SubjectID), InvitationID: nullID(e.InvitationID),
		Before: e.Before, After: e.After,
	}
}

func (r auditRow) domain() (practice.AuditEntry, error) {
	var c converter
	e := practice.AuditEntry{
		ID: c.id(r.ID), At: c.time(r.At), OrganisationID: c.id(r.OrganisationID),
		ActorID: c.nullID(r.ActorID), Action: practice.AuditAction(r.Action),
		SubjectID: c.nullID(r.SubjectID), InvitationID: c.nullID(r.InvitationID),
		Before: r.Before, After: r.After,
	}
	return e, c.err("audit entry", r.ID)
}

// auditOrder is the order of AuditEntries, by column; auditKey gives the
// same key of an entry.
var auditOrder = []string{"at", "id"}

func auditKey(e practice.AuditEntry) []string { return []string{formatTime(e.At), e.ID.String()} }

// AddAudit implements practice.AuditStore.
func (s *Store) AddAudit(ctx context.Context, e practice.AuditEntry) error {
	row := auditToRow(e)
	return s.insert(ctx, &row, "there is no organisation %s", e.OrganisationID)
}

// AuditEntries implements practice.AuditStore.
func (s *Store) AuditEntries(ctx context.Context, f practice.AuditFilter) (practice.Page[practice.AuditEntry], error) {
	q := s.reader(ctx).NewSelect()
	if f.OrganisationID != practice.NilID {
		q = q.Where("organisation_id = ?", f.OrganisationID.String())
	}
	if f.SubjectID != practice.NilID {
		q = q.Where("subject_id = ?", f.SubjectID.String())
	}
	if f.InvitationID != practice.NilID {
		q = q.Where("invitation_id = ?", f.InvitationID.String())
	}
	return list(ctx, q, f.Page, auditOrder, auditRow.domain, auditKey)
}
