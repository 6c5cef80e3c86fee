package memory

import (
	"context"
	"slices"

	"github.com/praksis/praksis/invite"
	"github.com/praksis/praksis/practice"
)

var _ invite.InvitationStore = (*Store)(nil)

// invitationData is the invitations. Its zero value holds none: the first
// invitation created makes its maps.
type invitationData struct {
	byID    map[practice.ID]invite.Invitation
	tokens  map[string]practice.ID                   // by TokenHash
	byOrg   map[practice.ID]map[practice.ID]struct{} // organisation → invitations
	byEmail map[string]map[practice.ID]struct{}      // practice.EmailKey → invitations
}

// init makes the maps of an empty invitationData; it runs under the write
// lock. The empty maps stay when a transaction that made them rolls back.
func (v *invitationData) init() {
	if v.byID != nil {
		return
	}
	v.byID = map[practice.ID]invite.Invitation{}
	v.tokens = map[string]practice.ID{}
	v.byOrg = map[practice.ID]map[practice.ID]struct{}{}
	v.byEmail = map[string]map[practice.ID]struct{}{}
}

func invitationKey(in invite.Invitation) []string { return []string{in.ID.String()} }

// cloneInvitation returns in as the store keeps and returns it: its bytes
// copied, so that neither the caller's slices nor the store's are shared,
// and HasNationalID false, for it is not stored.
func cloneInvitation(in invite.Invitation) invite.Invitation {
	in.TokenHash = slices.Clone(in.TokenHash)
	in.SealedToken = slices.Clone(in.SealedToken)
	in.HasNationalID = false
	return in
}

// invitationRefs checks that the people and the invitation in refers to
// exist: its inviter, the person who accepted it and its replacement,
// each where set.
func invitationRefs(d *data, in invite.Invitation) error {
	if _, ok := d.people[in.InvitedBy]; !ok && in.InvitedBy != practice.NilID {
		return practice.NotFound("there is no person %s", in.InvitedBy)
	}
	if _, ok := d.people[in.PersonID]; !ok && in.PersonID != practice.NilID {
		return practice.NotFound("there is no person %s", in.PersonID)
	}
	if _, ok := d.invitations.byID[in.ReplacedBy]; !ok && in.ReplacedBy != practice.NilID && in.ReplacedBy != in.ID {
		return practice.NotFound("there is no invitation %s", in.ReplacedBy)
	}
	return nil
}

// CreateInvitation implements invite.InvitationStore.
func (s *Store) CreateInvitation(ctx context.Context, in invite.Invitation) error {
	if err := in.Right.Check(); err != nil {
		return err
	}
	return s.write(ctx, func(d *data, c change) error {
		v := &d.invitations
		if _, ok := v.byID[in.ID]; ok {
			return practice.Taken("id", nil)
		}
		if _, ok := v.tokens[string(in.TokenHash)]; ok {
			return practice.Taken("token", nil)
		}
		if _, ok := d.organisations[in.OrganisationID]; !ok {
			return practice.NotFound("there is no organisation %s", in.OrganisationID)
		}
		if err := invitationRefs(d, in); err != nil {
			return err
		}
		v.init()
		in = cloneInvitation(in)
		in.ExpiresAt, in.RemindAt, in.RemindedAt = utc(in.ExpiresAt), utc(in.RemindAt), utc(in.RemindedAt)
		in.CreatedAt, in.UpdatedAt = utc(in.CreatedAt), utc(in.UpdatedAt)
		put(c, v.byID, in.ID, in)
		put(c, v.tokens, string(in.TokenHash), in.ID)
		addTo(c, v.byOrg, in.OrganisationID, in.ID)
		addTo(c, v.byEmail, practice.EmailKey(in.Email), in.ID)
		return nil
	})
}

// UpdateInvitation implements invite.InvitationStore.
func (s *Store) UpdateInvitation(ctx context.Context, in invite.Invitation) error {
	return s.write(ctx, func(d *data, c change) error {
		v := &d.invitations
		old, err := update(v.byID, in.ID, func(x invite.Invitation) int { return x.Version }, in.Version, "invitation")
		if err != nil {
			return err
		}
		if err := invitationRefs(d, invite.Invitation{ID: in.ID, PersonID: in.PersonID, ReplacedBy: in.ReplacedBy}); err != nil {
			return err
		}
		next := old
		next.State, next.RemindedAt, next.FailedLogins = in.State, utc(in.RemindedAt), in.FailedLogins
		next.PersonID, next.ReplacedBy, next.UpdatedAt = in.PersonID, in.ReplacedBy, utc(in.UpdatedAt)
		next.Version = old.Version + 1
		put(c, v.byID, in.ID, next)
		return nil
	})
}

// Invitation implements invite.InvitationStore.
func (s *Store) Invitation(ctx context.Context, id practice.ID) (out invite.Invitation, err error) {
	err = s.read(ctx, func(d *data) error {
		in, ok := d.invitations.byID[id]
		if !ok {
			return practice.NotFound("there is no invitation %s", id)
		}
		out = cloneInvitation(in)
		return nil
	})
	return out, err
}

// InvitationByToken implements invite.InvitationStore. No invitation has
// an empty hash.
func (s *Store) InvitationByToken(ctx context.Context, hash []byte) (out invite.Invitation, err error) {
	err = s.read(ctx, func(d *data) error {
		id, ok := d.invitations.tokens[string(hash)]
		if !ok || len(hash) == 0 {
			return practice.NotFound("no invitation has that token")
		}
		out = cloneInvitation(d.invitations.byID[id])
		return nil
	})
	return out, err
}

// Invitations implements invite.InvitationStore. It starts from the
// organisation's invitations, or the address's, or all, and sorts those
// the filter selects.
func (s *Store) Invitations(ctx context.Context, f invite.InvitationFilter) (out invite.Page, err error) {
	err = s.read(ctx, func(d *data) error {
		v := &d.invitations
		email := practice.EmailKey(f.Email)
		dueBy := utc(f.DueBy)
		matches := func(in invite.Invitation) bool {
			switch {
			case f.OrganisationID != practice.NilID && in.OrganisationID != f.OrganisationID,
				f.State != "" && in.State != f.State,
				f.Email != "" && practice.EmailKey(in.Email) != email:
				return false
			case f.DueBy.IsZero():
				return true
			}
			expires := !in.ExpiresAt.After(dueBy)
			remind := !in.RemindAt.IsZero() && !in.RemindAt.After(dueBy) && in.RemindedAt.IsZero()
			return expires || remind
		}
		// The narrowest index first: an address has few invitations, an
		// organisation may have thousands.
		var some []invite.Invitation
		switch {
		case f.Email != "":
			some = valuesOf(v.byID, v.byEmail[email])
		case f.OrganisationID != practice.NilID:
			some = valuesOf(v.byID, v.byOrg[f.OrganisationID])
		default:
			some = allValues(v.byID)
		}
		some = slices.DeleteFunc(some, func(in invite.Invitation) bool { return !matches(in) })
		out, err = list(some, invitationKey, f.Page)
		for i := range out.Items {
			out.Items[i] = cloneInvitation(out.Items[i])
		}
		return err
	})
	return out, err
}
