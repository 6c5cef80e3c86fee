package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/uptrace/bun"

	"github.com/praksis/praksis/agreement"
	"github.com/praksis/praksis/practice"
)

var _ agreement.Store = (*Store)(nil)

// agreementRow is a row of the table praksis_agreement. Its places and
// terms are rows of praksis_agreement_place and praksis_agreement_term.
type agreementRow struct {
	bun.BaseModel `bun:"table:praksis_agreement"`

	ID             string `bun:"id,pk"`
	InstitutionID  string `bun:"institution_id"`
	OrganisationID string `bun:"organisation_id"`
	Name           string `bun:"name"`
	PeriodStart    string `bun:"period_start"`
	PeriodEnd      string `bun:"period_end,nullzero"` // NULL: without end
	RenewMonths    int    `bun:"renew_months"`
	NoticeDays     int    `bun:"notice_days"`
	Scope          string `bun:"scope"` // a JSON array, in code order
	Status         string `bun:"status"`
	NoticeGiven    string `bun:"notice_given,nullzero"`
	ReviewedOn     string `bun:"reviewed_on"`
	ReviewedBy     string `bun:"reviewed_by,nullzero"` // NULL for the system
	ExpiryNotified string `bun:"expiry_notified,nullzero"`
	Version        int    `bun:"version"`
	CreatedAt      string `bun:"created_at"`
	UpdatedAt      string `bun:"updated_at"`
}

// agreementPlaceRow is a row of the table praksis_agreement_place.
type agreementPlaceRow struct {
	bun.BaseModel `bun:"table:praksis_agreement_place"`

	AgreementID string `bun:"agreement_id,pk"`
	PlaceID     string `bun:"place_id,pk"`
	Only        bool   `bun:"only"`
}

// agreementTermRow is a row of the table praksis_agreement_term.
type agreementTermRow struct {
	bun.BaseModel `bun:"table:praksis_agreement_term"`

	AgreementID  string `bun:"agreement_id,pk"`
	Programme    string `bun:"programme,pk"`
	AcademicYear int    `bun:"academic_year,pk"`
	Students     int    `bun:"students"`
	AtOnce       int    `bun:"at_once"`
}

func agreementToRow(a agreement.Agreement) agreementRow {
	codes := slices.Sorted(slices.Values(a.Scope))
	if codes == nil {
		codes = []string{}
	}
	scope, _ := json.Marshal(codes) // a list of strings always marshals
	return agreementRow{
		ID: a.ID.String(), InstitutionID: a.InstitutionID.String(), OrganisationID: a.OrganisationID.String(),
		Name: a.Name, PeriodStart: a.Period.Start.String(), PeriodEnd: a.Period.End.String(), // "" for a zero date: NULL
		RenewMonths: a.Renewal.Months, NoticeDays: a.Renewal.NoticeDays, Scope: string(scope), Status: string(a.Status),
		NoticeGiven: a.NoticeGiven.String(), ReviewedOn: a.ReviewedOn.String(),
		ReviewedBy: nullID(a.ReviewedBy), ExpiryNotified: a.ExpiryNotified.String(),
		Version: a.Version, CreatedAt: formatTime(a.CreatedAt), UpdatedAt: formatTime(a.UpdatedAt),
	}
}

// domain returns the agreement of r without its places and terms.
func (r agreementRow) domain() (agreement.Agreement, error) {
	var c converter
	a := agreement.Agreement{
		ID: c.id(r.ID), InstitutionID: c.id(r.InstitutionID), OrganisationID: c.id(r.OrganisationID),
		Name: r.Name, Period: practice.Period{Start: c.date(r.PeriodStart), End: c.nullDate(r.PeriodEnd)},
		Renewal: agreement.Renewal{Months: r.RenewMonths, NoticeDays: r.NoticeDays}, Status: agreement.Status(r.Status),
		NoticeGiven: c.nullDate(r.NoticeGiven), ReviewedOn: c.date(r.ReviewedOn),
		ReviewedBy: c.nullID(r.ReviewedBy), ExpiryNotified: c.nullDate(r.ExpiryNotified),
		Version: r.Version, CreatedAt: c.time(r.CreatedAt), UpdatedAt: c.time(r.UpdatedAt),
	}
	if err := json.Unmarshal([]byte(r.Scope), &a.Scope); err != nil {
		c.fail(fmt.Errorf("scope: %w", err))
	}
	if len(a.Scope) == 0 {
		a.Scope = nil
	}
	return a, c.err("agreement", r.ID)
}

// nullDate parses a date column that may be NULL (read as ""): NULL is
// the zero date.
func (c *converter) nullDate(s string) practice.Date {
	if s == "" {
		return practice.Date{}
	}
	return c.date(s)
}

// agreementOrder is the order of Agreements, by column; agreementKey gives
// the same key of an agreement.
var agreementOrder = []string{"id"}

func agreementKey(a agreement.Agreement) []string { return []string{a.ID.String()} }

// missingOf returns the message of a reference to a record that does not
// exist, naming each record of refs that is not NilID, and its arguments:
// SQLite does not tell which reference failed.
func missingOf(refs ...ref) (string, []any) {
	var what []string
	var args []any
	for _, r := range refs {
		if r.id != practice.NilID {
			what, args = append(what, r.what), append(args, r.id)
		}
	}
	if len(what) == 1 {
		return "there is no " + what[0], args
	}
	return fmt.Sprintf("one of the %s does not exist", strings.Join(what, ", the ")), args
}

// ref is a reference of a row to a record: what the record is, with %s
// for its ID, and its ID.
type ref struct {
	what string
	id   practice.ID
}

// CreateAgreement implements agreement.AgreementStore. The agreement, its
// places and its terms are written in one transaction (a savepoint of the
// transaction ctx carries, if any).
func (s *Store) CreateAgreement(ctx context.Context, a agreement.Agreement) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		row := agreementToRow(a)
		missing, args := missingOf(ref{"institution %s", a.InstitutionID}, ref{"organisation %s", a.OrganisationID},
			ref{"reviewing person %s", a.ReviewedBy})
		if err := s.insert(ctx, &row, missing, args...); err != nil {
			return err
		}
		return s.putCovered(ctx, a, false)
	})
}

// UpdateAgreement implements agreement.AgreementStore. The agreement's
// places and terms are replaced, deleted and inserted anew, in the
// transaction of its update.
func (s *Store) UpdateAgreement(ctx context.Context, a agreement.Agreement) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		db, err := s.writer(ctx)
		if err != nil {
			return err
		}
		row := agreementToRow(a)
		res, err := db.NewUpdate().Model(&row).
			Column("name", "period_start", "period_end", "renew_months", "notice_days", "scope", "status",
				"notice_given", "reviewed_on", "reviewed_by", "expiry_notified", "updated_at").
			Set("version = version + 1").
			Where("id = ?", row.ID).
			Where("version = ?", a.Version).
			Exec(ctx)
		if err != nil {
			// Of the columns updated, only reviewed_by refers to a record.
			return interpretError(err, "there is no reviewing person %s", a.ReviewedBy)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return interpretError(err, "")
		}
		if n == 0 { // no agreement a.ID, or not of a.Version
			exists, err := db.NewSelect().Table("praksis_agreement").Where("id = ?", row.ID).Exists(ctx)
			if err != nil {
				return interpretError(err, "")
			}
			if !exists {
				return practice.NotFound("there is no agreement %s", a.ID)
			}
			return practice.Stale(nil)
		}
		return s.putCovered(ctx, a, true)
	})
}

// putCovered stores the places and terms of a, a stored agreement,
// replacing the stored ones if replace is set. It runs in the transaction
// of ctx. An unknown place is named by the error.
func (s *Store) putCovered(ctx context.Context, a agreement.Agreement, replace bool) error {
	db, err := s.writer(ctx)
	if err != nil {
		return err
	}
	id := a.ID.String()
	if replace {
		for _, model := range []any{(*agreementPlaceRow)(nil), (*agreementTermRow)(nil)} {
			if _, err := db.NewDelete().Model(model).Where("agreement_id = ?", id).Exec(ctx); err != nil {
				return interpretError(err, "")
			}
		}
	}
	if len(a.Places) > 0 {
		places := make([]agreementPlaceRow, len(a.Places))
		for i, p := range a.Places {
			places[i] = agreementPlaceRow{AgreementID: id, PlaceID: p.PlaceID.String(), Only: p.Only}
		}
		if _, err := db.NewInsert().Model(&places).Exec(ctx); err != nil {
			return interpretError(err, "there is no place %s", s.missingPlace(ctx, a.Places))
		}
	}
	if len(a.Terms) > 0 {
		terms := make([]agreementTermRow, len(a.Terms))
		for i, t := range a.Terms {
			terms[i] = agreementTermRow{AgreementID: id, Programme: t.Programme, AcademicYear: t.AcademicYear,
				Students: t.Students, AtOnce: t.AtOnce}
		}
		if _, err := db.NewInsert().Model(&terms).Exec(ctx); err != nil {
			return interpretError(err, "")
		}
	}
	return nil
}

// missingPlace returns the first of places that names no place, for the
// message of an insert of them that failed; or, if it cannot tell, the
// first of them. It runs only once the insert has failed.
func (s *Store) missingPlace(ctx context.Context, places []agreement.Covered) practice.ID {
	ids := make([]string, len(places))
	for i, p := range places {
		ids[i] = p.PlaceID.String()
	}
	var found []string
	err := s.reader(ctx).NewSelect().Table("places").Column("id").Where("id IN (?)", bun.List(ids)).Scan(ctx, &found)
	if err == nil {
		known := make(map[string]bool, len(found))
		for _, id := range found {
			known[id] = true
		}
		for i, id := range ids {
			if !known[id] {
				return places[i].PlaceID
			}
		}
	}
	return places[0].PlaceID
}

// Agreement implements agreement.AgreementStore. The agreement, its
// places and its terms are read in one snapshot.
func (s *Store) Agreement(ctx context.Context, id practice.ID) (agreement.Agreement, error) {
	var a agreement.Agreement
	err := s.InSnapshot(ctx, func(ctx context.Context) error {
		var row agreementRow
		if err := s.reader(ctx).NewSelect().Model(&row).Where("id = ?", id.String()).Scan(ctx); err != nil {
			return interpretError(err, "there is no agreement %s", id)
		}
		var err error
		if a, err = row.domain(); err != nil {
			return err
		}
		as := []agreement.Agreement{a}
		if err := s.readCovered(ctx, as, bun.List([]string{id.String()})); err != nil {
			return err
		}
		a = as[0]
		return nil
	})
	return a, err
}

// Agreements implements agreement.AgreementStore. A page's agreements,
// their places and their terms are read in one snapshot, in three
// statements.
func (s *Store) Agreements(ctx context.Context, f agreement.Filter) (agreement.Page, error) {
	var page agreement.Page
	err := s.InSnapshot(ctx, func(ctx context.Context) error {
		q := s.reader(ctx).NewSelect()
		if f.InstitutionID != practice.NilID {
			q = q.Where("institution_id = ?", f.InstitutionID.String())
		}
		if f.OrganisationID != practice.NilID {
			q = q.Where("organisation_id = ?", f.OrganisationID.String())
		}
		if f.PlaceID != practice.NilID {
			q = q.Where("id IN (SELECT agreement_id FROM praksis_agreement_place WHERE place_id = ?)", f.PlaceID.String())
		}
		if f.Status != "" {
			q = q.Where("status = ?", string(f.Status))
		}
		if w := f.EndsWithin; !w.Start.IsZero() {
			q = q.Where("(status = ? OR (status = ? AND renew_months = 0))", string(agreement.Terminated), string(agreement.Active)).
				Where("period_end >= ?", w.Start.String())
			if !w.End.IsZero() {
				q = q.Where("period_end <= ?", w.End.String())
			}
		}
		var err error
		if page, err = list(ctx, q, f.Page, agreementOrder, agreementRow.domain, agreementKey); err != nil || len(page.Items) == 0 {
			return err
		}
		ids := make([]string, len(page.Items))
		for i, a := range page.Items {
			ids[i] = a.ID.String()
		}
		return s.readCovered(ctx, page.Items, bun.List(ids))
	})
	return page, err
}

// readCovered reads the places and terms of as, agreements ordered by ID,
// into them: those of the agreements in selects, the argument of
// "agreement_id IN (?)" (a list of IDs or a subquery), which are as.
func (s *Store) readCovered(ctx context.Context, as []agreement.Agreement, in any) error {
	db := s.reader(ctx)
	var places []agreementPlaceRow
	err := db.NewSelect().Model(&places).Where("agreement_id IN (?)", in).OrderExpr("agreement_id, place_id").Scan(ctx)
	if err != nil {
		return interpretError(err, "")
	}
	var terms []agreementTermRow
	err = db.NewSelect().Model(&terms).Where("agreement_id IN (?)", in).OrderExpr("agreement_id, programme, academic_year").Scan(ctx)
	if err != nil {
		return interpretError(err, "")
	}
	return attachCovered(as, places, terms)
}

// attachCovered sets the places and terms of as, agreements ordered by ID,
// from the rows of their places and terms, ordered by agreement ID and
// then in the order of Agreement.Places and Agreement.Terms.
func attachCovered(as []agreement.Agreement, places []agreementPlaceRow, terms []agreementTermRow) error {
	index := make(map[string]int, len(as))
	for i, a := range as {
		index[a.ID.String()] = i
	}
	for _, r := range places {
		if i, ok := index[r.AgreementID]; ok {
			var c converter
			as[i].Places = append(as[i].Places, agreement.Covered{PlaceID: c.id(r.PlaceID), Only: r.Only})
			if err := c.err("place of the agreement", r.AgreementID); err != nil {
				return err
			}
		}
	}
	for _, r := range terms {
		if i, ok := index[r.AgreementID]; ok {
			as[i].Terms = append(as[i].Terms, agreement.Term{Programme: r.Programme, AcademicYear: r.AcademicYear,
				Students: r.Students, AtOnce: r.AtOnce})
		}
	}
	return nil
}

// Coverage implements agreement.AgreementStore. It reads in one snapshot,
// in four statements whatever f selects: the agreements, their places,
// their terms, and the versions of the places of the organisations. Each
// selects by a subquery, not by the IDs an earlier one read. A filter
// that selects nothing is a *practice.ValidationError on "filter".
func (s *Store) Coverage(ctx context.Context, f agreement.CoverageFilter) (agreement.CoverageSet, error) {
	if f == (agreement.CoverageFilter{}) {
		return agreement.CoverageSet{}, practice.Invalid("filter", "required",
			"coverage needs an institution, an organisation or a place")
	}
	// placeOrg is the organisation of the place f.PlaceID.
	const placeOrg = "(SELECT organisation_id FROM places WHERE id = ?)"
	selected := func(q *bun.SelectQuery) *bun.SelectQuery {
		q = q.Where("status <> ?", string(agreement.Draft))
		if f.InstitutionID != practice.NilID {
			q = q.Where("institution_id = ?", f.InstitutionID.String())
		}
		if f.OrganisationID != practice.NilID {
			q = q.Where("organisation_id = ?", f.OrganisationID.String())
		}
		if f.PlaceID != practice.NilID {
			q = q.Where("organisation_id = "+placeOrg, f.PlaceID.String())
		}
		return q
	}
	var set agreement.CoverageSet
	err := s.InSnapshot(ctx, func(ctx context.Context) error {
		db := s.reader(ctx)
		var rows []agreementRow
		if err := db.NewSelect().Model(&rows).Apply(selected).OrderExpr("id").Scan(ctx); err != nil {
			return interpretError(err, "")
		}
		set.Agreements = make([]agreement.Agreement, len(rows))
		for i, r := range rows {
			a, err := r.domain()
			if err != nil {
				return err
			}
			set.Agreements[i] = a
		}
		err := s.readCovered(ctx, set.Agreements, db.NewSelect().Table("praksis_agreement").Column("id").Apply(selected))
		if err != nil {
			return err
		}

		// The organisations whose places' versions are read: f's, and the
		// place's; or, for an institution alone, those of its agreements.
		// (With an organisation or a place, every agreement selected is
		// with that organisation, or the place's.)
		var orgs []string
		var args []any
		if f.OrganisationID != practice.NilID {
			orgs, args = append(orgs, "organisation_id = ?"), append(args, f.OrganisationID.String())
		}
		if f.PlaceID != practice.NilID {
			orgs, args = append(orgs, "organisation_id = "+placeOrg), append(args, f.PlaceID.String())
		}
		if len(orgs) == 0 {
			orgs, args = append(orgs, "organisation_id IN (?)"),
				append(args, db.NewSelect().Table("praksis_agreement").Column("organisation_id").Apply(selected))
		}
		var versions []placeVersionRow
		err = db.NewSelect().Model(&versions).
			Where("place_id IN (SELECT id FROM places WHERE "+strings.Join(orgs, " OR ")+")", args...).
			OrderExpr("place_id, valid_from").Scan(ctx)
		if err != nil {
			return interpretError(err, "")
		}
		set.Versions = make([]practice.PlaceVersion, len(versions))
		for i, r := range versions {
			v, err := r.domain()
			if err != nil {
				return err
			}
			set.Versions[i] = v
		}
		return nil
	})
	return set, err
}
