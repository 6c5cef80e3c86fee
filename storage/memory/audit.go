package memory

import (
	"context"

	"github.com/google/btree"

	"github.com/praksis/praksis/practice"
)

// auditData is the audit trail. Its zero value is an empty trail: the
// first entry added makes its maps and indexes.
type auditData struct {
	entries map[practice.ID]practice.AuditEntry
	// all orders every entry, and byOrg each organisation's, by At (as
	// text in atLayout), then ID: the list's order.
	all   *btree.BTreeG[named]
	byOrg map[practice.ID]*btree.BTreeG[named]
	// bySubject and byInvitation are the entries about a person and about
	// an invitation.
	bySubject    map[practice.ID]map[practice.ID]struct{}
	byInvitation map[practice.ID]map[practice.ID]struct{}
}

// init makes the maps and indexes of an empty trail; it runs under the
// write lock. The empty maps stay when a transaction that made them rolls
// back: they hold nothing.
func (a *auditData) init() {
	if a.entries != nil {
		return
	}
	a.entries = map[practice.ID]practice.AuditEntry{}
	a.all = btree.NewG(32, named.less)
	a.byOrg = map[practice.ID]*btree.BTreeG[named]{}
	a.bySubject = map[practice.ID]map[practice.ID]struct{}{}
	a.byInvitation = map[practice.ID]map[practice.ID]struct{}{}
}

// atLayout is the text of an entry's At in its sort key: UTC with six
// fractional digits, fixed width, so that text order is time order.
const atLayout = "2006-01-02T15:04:05.000000Z"

// atKey returns the sort key of e: its At as text, and its ID.
func atKey(e practice.AuditEntry) named { return named{e.At.Format(atLayout), e.ID} }

func auditKey(e practice.AuditEntry) []string {
	k := atKey(e)
	return []string{k.name, k.id.String()}
}

// AddAudit implements practice.AuditStore.
func (s *Store) AddAudit(ctx context.Context, e practice.AuditEntry) error {
	return s.write(ctx, func(d *data, c change) error {
		a := &d.audit
		if _, ok := a.entries[e.ID]; ok {
			return practice.Taken("id", nil)
		}
		if _, ok := d.organisations[e.OrganisationID]; !ok {
			return practice.NotFound("there is no organisation %s", e.OrganisationID)
		}
		a.init()
		e.At = utc(e.At)
		put(c, a.entries, e.ID, e)
		index(c, a.all, atKey(e))
		org, ok := a.byOrg[e.OrganisationID]
		if !ok {
			org = btree.NewG(32, named.less)
			a.byOrg[e.OrganisationID] = org // an empty index if rolled back
		}
		index(c, org, atKey(e))
		if e.SubjectID != practice.NilID {
			addTo(c, a.bySubject, e.SubjectID, e.ID)
		}
		if e.InvitationID != practice.NilID {
			addTo(c, a.byInvitation, e.InvitationID, e.ID)
		}
		return nil
	})
}

// AuditEntries implements practice.AuditStore. With a subject or an
// invitation it sorts the entries about them; otherwise it walks the
// organisation's entries, or all, in order from the cursor.
func (s *Store) AuditEntries(ctx context.Context, f practice.AuditFilter) (out practice.Page[practice.AuditEntry], err error) {
	err = s.read(ctx, func(d *data) error {
		a := &d.audit
		matches := func(e practice.AuditEntry) bool {
			return (f.OrganisationID == practice.NilID || e.OrganisationID == f.OrganisationID) &&
				(f.SubjectID == practice.NilID || e.SubjectID == f.SubjectID) &&
				(f.InvitationID == practice.NilID || e.InvitationID == f.InvitationID)
		}
		var some map[practice.ID]struct{}
		switch {
		case f.SubjectID != practice.NilID:
			some = a.bySubject[f.SubjectID]
		case f.InvitationID != practice.NilID:
			some = a.byInvitation[f.InvitationID]
		default:
			t := a.all
			if f.OrganisationID != practice.NilID {
				t = a.byOrg[f.OrganisationID]
			}
			if t == nil { // no entry yet
				t = btree.NewG(2, named.less)
			}
			out, err = listNamed(t, f.Page, func(k named) (practice.AuditEntry, bool) {
				return a.entries[k.id], true
			}, auditKey)
			return err
		}
		entries := valuesOf(a.entries, some)
		selected := entries[:0]
		for _, e := range entries {
			if matches(e) {
				selected = append(selected, e)
			}
		}
		out, err = list(selected, auditKey, f.Page)
		return err
	})
	return out, err
}
