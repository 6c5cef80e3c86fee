package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/praksis/praksis/invite"
	"github.com/praksis/praksis/practice"
)

var _ invite.InvitationStore = (*Store)(nil)

const invitationColumns = `id, organisation_id, name, email, access_right, national_id, language, invited_by, state,
	expires_at, remind_at, reminded_at, failed_logins, person_id, replaced_by, token_hash, sealed_token,
	version, created_at, updated_at`

// invitationOrder is the order of Invitations, and invitationKey an
// invitation's place in it.
var invitationOrder = []keyColumn{idKey("id")}

func invitationKey(in invite.Invitation) []string { return []string{in.ID.String()} }

// nullTime returns t, or nil (SQL NULL) for the zero time.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// timeOf returns the time a nullable timestamptz column held, in UTC: the
// zero time for NULL.
func timeOf(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

func scanInvitation(row pgx.Row) (invite.Invitation, error) {
	var (
		in                             invite.Invitation
		nationalID                     *string
		invitedBy, person, replacement *practice.ID
		remindAt, remindedAt           *time.Time
	)
	if err := row.Scan(&in.ID, &in.OrganisationID, &in.Name, &in.Email, &in.Right, &nationalID, &in.Language, &invitedBy, &in.State,
		&in.ExpiresAt, &remindAt, &remindedAt, &in.FailedLogins, &person, &replacement, &in.TokenHash, &in.SealedToken,
		&in.Version, &in.CreatedAt, &in.UpdatedAt); err != nil {
		return invite.Invitation{}, err
	}
	if nationalID != nil {
		_ = in.NationalID.UnmarshalText([]byte(*nationalID)) // never fails
	}
	in.InvitedBy, in.PersonID, in.ReplacedBy = idOf(invitedBy), idOf(person), idOf(replacement)
	in.RemindAt, in.RemindedAt = timeOf(remindAt), timeOf(remindedAt)
	in.ExpiresAt, in.CreatedAt, in.UpdatedAt = in.ExpiresAt.UTC(), in.CreatedAt.UTC(), in.UpdatedAt.UTC()
	return in, nil
}

// CreateInvitation implements invite.InvitationStore. Besides the
// invitation, it stores practice.EmailKey of the e-mail in email_key, by
// which Invitations selects an address.
func (s *Store) CreateInvitation(ctx context.Context, in invite.Invitation) error {
	if err := in.Right.Check(); err != nil {
		return err
	}
	_, err := s.exec(ctx, `INSERT INTO praksis_invitation (`+invitationColumns+`, email_key)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)`,
		in.ID, in.OrganisationID, in.Name, in.Email, string(in.Right), nullNationalID(in.NationalID), in.Language,
		nullID(in.InvitedBy), string(in.State), in.ExpiresAt, nullTime(in.RemindAt), nullTime(in.RemindedAt), in.FailedLogins,
		nullID(in.PersonID), nullID(in.ReplacedBy), in.TokenHash, in.SealedToken, in.Version, in.CreatedAt, in.UpdatedAt,
		practice.EmailKey(in.Email))
	return err
}

// UpdateInvitation implements invite.InvitationStore.
func (s *Store) UpdateInvitation(ctx context.Context, in invite.Invitation) error {
	return s.update(ctx, "invitation", "praksis_invitation",
		`state = $3, reminded_at = $4, failed_logins = $5, person_id = $6, replaced_by = $7, updated_at = $8`,
		in.ID, in.Version, string(in.State), nullTime(in.RemindedAt), in.FailedLogins, nullID(in.PersonID), nullID(in.ReplacedBy), in.UpdatedAt)
}

// Invitation implements invite.InvitationStore.
func (s *Store) Invitation(ctx context.Context, id practice.ID) (invite.Invitation, error) {
	return get(ctx, s.reader(ctx), scanInvitation, "there is no invitation "+id.String(),
		`SELECT `+invitationColumns+` FROM praksis_invitation WHERE id = $1`, id)
}

// InvitationByToken implements invite.InvitationStore. No invitation has
// an empty hash.
func (s *Store) InvitationByToken(ctx context.Context, hash []byte) (invite.Invitation, error) {
	const missing = "no invitation has that token"
	if len(hash) == 0 {
		return invite.Invitation{}, practice.NotFound(missing)
	}
	return get(ctx, s.reader(ctx), scanInvitation, missing,
		`SELECT `+invitationColumns+` FROM praksis_invitation WHERE token_hash = $1`, hash)
}

// Invitations implements invite.InvitationStore. The e-mail of the filter
// is compared by email_key.
func (s *Store) Invitations(ctx context.Context, f invite.InvitationFilter) (invite.Page, error) {
	q := psql.Select(invitationColumns).From("praksis_invitation")
	if f.OrganisationID != practice.NilID {
		q = q.Where("organisation_id = ?", f.OrganisationID)
	}
	if f.State != "" {
		q = q.Where("state = ?", string(f.State))
	}
	if f.Email != "" {
		q = q.Where("email_key = ?", practice.EmailKey(f.Email))
	}
	if !f.DueBy.IsZero() {
		q = q.Where("(expires_at <= ? OR (remind_at <= ? AND reminded_at IS NULL))", f.DueBy, f.DueBy)
	}
	return list(ctx, s.reader(ctx), q, invitationOrder, f.Page, scanInvitation, invitationKey)
}
