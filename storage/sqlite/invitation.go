package sqlite

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/praksis/praksis/invite"
	"github.com/praksis/praksis/practice"
)

var _ invite.InvitationStore = (*Store)(nil)

// invitationRow is a row of the table praksis_invitation. EmailKey is
// practice.EmailKey of the e-mail, so that SQL can select an address by
// it; it is not read back.
type invitationRow struct {
	bun.BaseModel `bun:"table:praksis_invitation"`

	ID             string `bun:"id,pk"`
	OrganisationID string `bun:"organisation_id"`
	Name           string `bun:"name"`
	Email          string `bun:"email"`
	EmailKey       string `bun:"email_key"`
	Right          string `bun:"right"`
	NationalID     string `bun:"national_id,nullzero"` // NULL when none is named
	Language       string `bun:"language"`
	InvitedBy      string `bun:"invited_by,nullzero"` // NULL for the system
	State          string `bun:"state"`
	ExpiresAt      string `bun:"expires_at"`
	RemindAt       string `bun:"remind_at,nullzero"`   // NULL for the zero time
	RemindedAt     string `bun:"reminded_at,nullzero"` // NULL for the zero time
	FailedLogins   int    `bun:"failed_logins"`
	PersonID       string `bun:"person_id,nullzero"`
	ReplacedBy     string `bun:"replaced_by,nullzero"`
	TokenHash      []byte `bun:"token_hash"`
	SealedToken    []byte `bun:"sealed_token"`
	Version        int    `bun:"version"`
	CreatedAt      string `bun:"created_at"`
	UpdatedAt      string `bun:"updated_at"`
}

// nullTime returns t as formatTime does, or "" (stored as NULL) for the
// zero time.
func nullTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return formatTime(t)
}

// nullTime parses a time column that may be NULL (read as ""): NULL is
// the zero time.
func (c *converter) nullTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	return c.time(s)
}

func invitationToRow(in invite.Invitation) invitationRow {
	return invitationRow{
		ID: in.ID.String(), OrganisationID: in.OrganisationID.String(),
		Name: in.Name, Email: in.Email, EmailKey: practice.EmailKey(in.Email), Right: string(in.Right),
		NationalID: in.NationalID.Reveal(), // "" for the zero value: stored as NULL
		Language:   in.Language, InvitedBy: nullID(in.InvitedBy), State: string(in.State),
		ExpiresAt: formatTime(in.ExpiresAt), RemindAt: nullTime(in.RemindAt), RemindedAt: nullTime(in.RemindedAt),
		FailedLogins: in.FailedLogins, PersonID: nullID(in.PersonID), ReplacedBy: nullID(in.ReplacedBy),
		TokenHash: in.TokenHash, SealedToken: in.SealedToken,
		Version: in.Version, CreatedAt: formatTime(in.CreatedAt), UpdatedAt: formatTime(in.UpdatedAt),
	}
}

func (r invitationRow) domain() (invite.Invitation, error) {
	var c converter
	in := invite.Invitation{
		ID: c.id(r.ID), OrganisationID: c.id(r.OrganisationID),
		Name: r.Name, Email: r.Email, Right: practice.Right(r.Right),
		Language: r.Language, InvitedBy: c.nullID(r.InvitedBy), State: invite.State(r.State),
		ExpiresAt: c.time(r.ExpiresAt), RemindAt: c.nullTime(r.RemindAt), RemindedAt: c.nullTime(r.RemindedAt),
		FailedLogins: r.FailedLogins, PersonID: c.nullID(r.PersonID), ReplacedBy: c.nullID(r.ReplacedBy),
		TokenHash: r.TokenHash, SealedToken: r.SealedToken,
		Version: r.Version, CreatedAt: c.time(r.CreatedAt), UpdatedAt: c.time(r.UpdatedAt),
	}
	if r.NationalID != "" {
		_ = in.NationalID.UnmarshalText([]byte(r.NationalID)) // never fails
	}
	return in, c.err("invitation", r.ID)
}

// invitationOrder is the order of Invitations, by column; invitationKey
// gives the same key of an invitation.
var invitationOrder = []string{"id"}

func invitationKey(in invite.Invitation) []string { return []string{in.ID.String()} }

// missingRefs returns the message of a reference of in to a record that
// does not exist, naming each record in refers to, and its arguments:
// SQLite does not tell which reference failed.
func missingRefs(in invite.Invitation, organisation bool) (string, []any) {
	var what []string
	var args []any
	if organisation {
		what, args = append(what, "the organisation %s"), append(args, in.OrganisationID)
	}
	for _, ref := range []struct {
		what string
		id   practice.ID
	}{{"the inviting person %s", in.InvitedBy}, {"the person %s", in.PersonID}, {"the replacing invitation %s", in.ReplacedBy}} {
		if ref.id != practice.NilID {
			what, args = append(what, ref.what), append(args, ref.id)
		}
	}
	if len(what) == 1 {
		return what[0] + " does not exist", args
	}
	return fmt.Sprintf("one of %s does not exist", strings.Join(what, ", ")), args
}

// CreateInvitation implements invite.InvitationStore.
func (s *Store) CreateInvitation(ctx context.Context, in invite.Invitation) error {
	if err := in.Right.Check(); err != nil {
		return err
	}
	row := invitationToRow(in)
	missing, args := missingRefs(in, true)
	return s.insert(ctx, &row, missing, args...)
}

// UpdateInvitation implements invite.InvitationStore.
func (s *Store) UpdateInvitation(ctx context.Context, in invite.Invitation) error {
	db, err := s.writer(ctx)
	if err != nil {
		return err
	}
	row := invitationToRow(in)
	q := db.NewUpdate().Model(&row).
		Column("state", "reminded_at", "failed_logins", "person_id", "replaced_by", "updated_at")
	return s.update(ctx, q, "praksis_invitation", "invitation", in.ID, in.Version)
}

// Invitation implements invite.InvitationStore.
func (s *Store) Invitation(ctx context.Context, id practice.ID) (invite.Invitation, error) {
	var row invitationRow
	if err := s.reader(ctx).NewSelect().Model(&row).Where("id = ?", id.String()).Scan(ctx); err != nil {
		return invite.Invitation{}, interpretError(err, "there is no invitation %s", id)
	}
	return row.domain()
}

// InvitationByToken implements invite.InvitationStore. No invitation has
// an empty hash.
func (s *Store) InvitationByToken(ctx context.Context, hash []byte) (invite.Invitation, error) {
	const missing = "no invitation has that token"
	if len(hash) == 0 {
		return invite.Invitation{}, practice.NotFound(missing)
	}
	var row invitationRow
	if err := s.reader(ctx).NewSelect().Model(&row).Where("token_hash = ?", hash).Scan(ctx); err != nil {
		return invite.Invitation{}, interpretError(err, missing)
	}
	return row.domain()
}

// Invitations implements invite.InvitationStore. The e-mail of the filter
// is compared by email_key, and the times of DueBy as their stored text,
// which sorts as the times do.
func (s *Store) Invitations(ctx context.Context, f invite.InvitationFilter) (invite.Page, error) {
	q := s.reader(ctx).NewSelect()
	if f.OrganisationID != practice.NilID {
		q = q.Where("organisation_id = ?", f.OrganisationID.String())
	}
	if f.State != "" {
		q = q.Where("state = ?", string(f.State))
	}
	if f.Email != "" {
		q = q.Where("email_key = ?", practice.EmailKey(f.Email))
	}
	if !f.DueBy.IsZero() {
		due := formatTime(f.DueBy)
		q = q.Where("(expires_at <= ? OR (remind_at <= ? AND reminded_at IS NULL))", due, due)
	}
	return list(ctx, q, f.Page, invitationOrder, invitationRow.domain, invitationKey)
}
