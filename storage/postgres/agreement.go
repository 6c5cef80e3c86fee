package postgres

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/praksis/praksis/agreement"
	"github.com/praksis/praksis/practice"
)

var _ agreement.Store = (*Store)(nil)

// The agreements are in praksis_agreement, the places they name in
// praksis_agreement_place and their capacity terms in
// praksis_agreement_term (migration 0004).

// agreementColumns are the columns an agreement is read from, selected
// from agreementFrom: its row's, then its places and its terms, each as
// arrays in one order, which [agreementRow.agreement] sorts, or NULL for
// none. agreementFields is their number.
const (
	agreementColumns = `a.id, a.institution_id, a.organisation_id, a.name, a.period_start, a.period_end, a.renew_months,
	a.notice_days, a.scope, a.status, a.notice_given, a.reviewed_on, a.reviewed_by, a.expiry_notified, a.version,
	a.created_at, a.updated_at,
	pl.place_ids, pl.only_places, tm.programmes, tm.academic_years, tm.students, tm.at_once`
	agreementFields = 23
)

// versionFields is the number of columns of a place's version that
// Coverage reads.
const versionFields = 6

// The places and terms of agreements as arrays, the columns of pl and tm
// in agreementColumns: aggregated over agreement_id, each array in the
// order of the same rows.
const (
	placeArrays = `array_agg(place_id) AS place_ids, array_agg(only_place) AS only_places`
	termArrays  = `array_agg(programme) AS programmes, array_agg(academic_year) AS academic_years,
		array_agg(students) AS students, array_agg(at_once) AS at_once`
)

// agreementFrom is the agreements, a, each with its places, pl, and its
// terms, tm, aggregated from their primary keys' indexes row by row, as
// suits the few agreements a get or a page reads.
const agreementFrom = `praksis_agreement a
	CROSS JOIN LATERAL (SELECT ` + placeArrays + ` FROM praksis_agreement_place WHERE agreement_id = a.id) pl
	CROSS JOIN LATERAL (SELECT ` + termArrays + ` FROM praksis_agreement_term WHERE agreement_id = a.id) tm`

// agreementOrder is the order of Agreements, and agreementKey an
// agreement's place in it.
var agreementOrder = []keyColumn{idKey("a.id")}

func agreementKey(a agreement.Agreement) []string { return []string{a.ID.String()} }

// agreementRow holds what the columns of an agreement are scanned into.
// Its IDs and dates are scanned into the types pgx scans without
// reflection ([16]byte, pgtype.UUID, pgtype.Date), which matters when
// Coverage reads thousands of agreements.
type agreementRow struct {
	a                       agreement.Agreement
	status                  string
	start, reviewedOn       time.Time
	end, notice, notified   pgtype.Date
	reviewedBy              pgtype.UUID
	placeIDs                pgtype.FlatArray[[16]byte]
	only                    []bool
	programmes              []string
	years, students, atOnce []int
}

// targets returns the targets of agreementColumns, in their order.
func (r *agreementRow) targets() []any {
	a := &r.a
	return []any{(*[16]byte)(&a.ID), (*[16]byte)(&a.InstitutionID), (*[16]byte)(&a.OrganisationID), &a.Name, &r.start, &r.end,
		&a.Renewal.Months, &a.Renewal.NoticeDays, &a.Scope, &r.status, &r.notice, &r.reviewedOn, &r.reviewedBy, &r.notified,
		&a.Version, &a.CreatedAt, &a.UpdatedAt,
		&r.placeIDs, &r.only, &r.programmes, &r.years, &r.students, &r.atOnce}
}

// agreement returns the agreement scanned, with its places ordered by
// place ID and its terms by programme (by its bytes), then year. Scope,
// Places and Terms are nil when empty.
func (r *agreementRow) agreement() agreement.Agreement {
	a := r.a
	a.Status = agreement.Status(r.status)
	a.Period = practice.Period{Start: practice.DateOf(r.start), End: dateOf(r.end)}
	a.NoticeGiven, a.ReviewedOn, a.ExpiryNotified = dateOf(r.notice), practice.DateOf(r.reviewedOn), dateOf(r.notified)
	a.ReviewedBy = uuidOf(r.reviewedBy)
	if len(a.Scope) == 0 {
		a.Scope = nil
	}
	if len(r.placeIDs) > 0 {
		a.Places = make([]agreement.Covered, len(r.placeIDs))
		for i, id := range r.placeIDs {
			a.Places[i] = agreement.Covered{PlaceID: id, Only: r.only[i]}
		}
	}
	slices.SortFunc(a.Places, func(x, y agreement.Covered) int { return x.PlaceID.Compare(y.PlaceID) })
	if len(r.programmes) > 0 {
		a.Terms = make([]agreement.Term, len(r.programmes))
		for i, p := range r.programmes {
			a.Terms[i] = agreement.Term{Programme: p, AcademicYear: r.years[i], Students: r.students[i], AtOnce: r.atOnce[i]}
		}
	}
	slices.SortFunc(a.Terms, func(x, y agreement.Term) int {
		return cmp.Or(strings.Compare(x.Programme, y.Programme), cmp.Compare(x.AcademicYear, y.AcademicYear))
	})
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return a
}

func scanAgreement(row pgx.Row) (agreement.Agreement, error) {
	var r agreementRow
	if err := row.Scan(r.targets()...); err != nil {
		return agreement.Agreement{}, err
	}
	return r.agreement(), nil
}

// nullDate returns d, or nil (SQL NULL) for the zero Date.
func nullDate(d practice.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.Time()
}

// dateOf returns the date a nullable date column held: the zero Date for
// NULL.
func dateOf(d pgtype.Date) practice.Date {
	if !d.Valid {
		return practice.Date{}
	}
	return practice.DateOf(d.Time)
}

// uuidOf returns the ID a nullable uuid column held: NilID for NULL.
func uuidOf(u pgtype.UUID) practice.ID {
	if !u.Valid {
		return practice.NilID
	}
	return u.Bytes
}

// The statements of CreateAgreement and UpdateAgreement take the
// agreement's ID as $1, its places as the arrays $2 (IDs) and $3 (Only),
// its terms as the arrays $4 to $7 (agreementArgs), then the values of the
// columns each sets.
const (
	unnestPlaces = `unnest($2::uuid[], $3::boolean[]) AS u (place_id, only_place)`
	unnestTerms  = `unnest($4::text[], $5::integer[], $6::integer[], $7::integer[]) AS u (programme, academic_year, students, at_once)`
)

// agreementArgs returns the arguments $1 to $7 of a's statement, then
// those in more.
func agreementArgs(a agreement.Agreement, more ...any) []any {
	placeIDs, only := make([]practice.ID, len(a.Places)), make([]bool, len(a.Places))
	for i, p := range a.Places {
		placeIDs[i], only[i] = p.PlaceID, p.Only
	}
	programmes, years := make([]string, len(a.Terms)), make([]int, len(a.Terms))
	students, atOnce := make([]int, len(a.Terms)), make([]int, len(a.Terms))
	for i, t := range a.Terms {
		programmes[i], years[i], students[i], atOnce[i] = t.Programme, t.AcademicYear, t.Students, t.AtOnce
	}
	return append([]any{a.ID, placeIDs, only, programmes, years, students, atOnce}, more...)
}

// agreementUpdated lists the columns an update sets, and agreementValues
// returns their values, in that order.
const agreementUpdated = `name, period_start, period_end, renew_months, notice_days, scope, status, notice_given, reviewed_on,
	reviewed_by, expiry_notified, updated_at`

func agreementValues(a agreement.Agreement) []any {
	// In code order, compared by bytes; never NULL, as the column is NOT
	// NULL: no programme means all.
	scope := slices.Sorted(slices.Values(a.Scope))
	if scope == nil {
		scope = []string{}
	}
	return []any{a.Name, a.Period.Start.Time(), nullDate(a.Period.End), a.Renewal.Months, a.Renewal.NoticeDays, scope,
		string(a.Status), nullDate(a.NoticeGiven), a.ReviewedOn.Time(), nullID(a.ReviewedBy), nullDate(a.ExpiryNotified),
		a.UpdatedAt}
}

// CreateAgreement implements agreement.AgreementStore in one statement,
// whose inserts of the places and terms read the new row's ID, so the
// agreement's own ID is checked first.
func (s *Store) CreateAgreement(ctx context.Context, a agreement.Agreement) error {
	_, err := s.exec(ctx, `WITH a AS (
			INSERT INTO praksis_agreement (id, institution_id, organisation_id, version, created_at, `+agreementUpdated+`)
			VALUES ($1, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)
			RETURNING id
		), places AS (
			INSERT INTO praksis_agreement_place (agreement_id, place_id, only_place)
			SELECT a.id, u.place_id, u.only_place FROM a, `+unnestPlaces+`
		), terms AS (
			INSERT INTO praksis_agreement_term (agreement_id, programme, academic_year, students, at_once)
			SELECT a.id, u.programme, u.academic_year, u.students, u.at_once FROM a, `+unnestTerms+`
		)
		SELECT 1`, agreementArgs(a, append([]any{a.InstitutionID, a.OrganisationID, a.Version, a.CreatedAt}, agreementValues(a)...)...)...)
	return err
}

// UpdateAgreement implements agreement.AgreementStore in one statement, so
// it is atomic in or out of a transaction: the update of the row, which
// checks its version as [Store.update] does, and, only if it changed the
// row, the removal of the places and terms no longer named and the upsert
// of those named (a row named again unchanged is left as it is).
func (s *Store) UpdateAgreement(ctx context.Context, a agreement.Agreement) error {
	db, err := s.writer(ctx)
	if err != nil {
		return err
	}
	var changed, exists bool
	err = db.QueryRow(ctx, `WITH a AS (
			UPDATE praksis_agreement SET (`+agreementUpdated+`) = ($9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20),
				version = version + 1
			WHERE id = $1 AND version = $8
			RETURNING id
		), gone_places AS (
			DELETE FROM praksis_agreement_place p USING a
			WHERE p.agreement_id = a.id AND p.place_id <> ALL ($2::uuid[])
		), places AS (
			INSERT INTO praksis_agreement_place (agreement_id, place_id, only_place)
			SELECT a.id, u.place_id, u.only_place FROM a, `+unnestPlaces+`
			ON CONFLICT (agreement_id, place_id) DO UPDATE SET only_place = excluded.only_place
			WHERE praksis_agreement_place.only_place <> excluded.only_place
		), gone_terms AS (
			DELETE FROM praksis_agreement_term t USING a
			WHERE t.agreement_id = a.id
			AND (t.programme, t.academic_year) NOT IN (SELECT * FROM unnest($4::text[], $5::integer[]))
		), terms AS (
			INSERT INTO praksis_agreement_term (agreement_id, programme, academic_year, students, at_once)
			SELECT a.id, u.programme, u.academic_year, u.students, u.at_once FROM a, `+unnestTerms+`
			ON CONFLICT (agreement_id, programme, academic_year) DO UPDATE
			SET students = excluded.students, at_once = excluded.at_once
			WHERE (praksis_agreement_term.students, praksis_agreement_term.at_once) <> (excluded.students, excluded.at_once)
		)
		SELECT EXISTS (SELECT 1 FROM a), EXISTS (SELECT 1 FROM praksis_agreement WHERE id = $1)`,
		agreementArgs(a, append([]any{a.Version}, agreementValues(a)...)...)...).Scan(&changed, &exists)
	switch {
	case err != nil:
		return interpretError(err, "")
	case changed:
		return nil
	case !exists:
		return practice.NotFound("there is no agreement %s", a.ID)
	}
	return practice.Stale(nil)
}

// Agreement implements agreement.AgreementStore.
func (s *Store) Agreement(ctx context.Context, id practice.ID) (agreement.Agreement, error) {
	return get(ctx, s.reader(ctx), scanAgreement, "there is no agreement "+id.String(),
		`SELECT `+agreementColumns+` FROM `+agreementFrom+` WHERE a.id = $1`, id)
}

// Agreements implements agreement.AgreementStore.
func (s *Store) Agreements(ctx context.Context, f agreement.Filter) (agreement.Page, error) {
	q := psql.Select(agreementColumns).From(agreementFrom)
	if f.InstitutionID != practice.NilID {
		q = q.Where("a.institution_id = ?", f.InstitutionID)
	}
	if f.OrganisationID != practice.NilID {
		q = q.Where("a.organisation_id = ?", f.OrganisationID)
	}
	if f.PlaceID != practice.NilID {
		q = q.Where("a.id IN (SELECT agreement_id FROM praksis_agreement_place WHERE place_id = ?)", f.PlaceID)
	}
	if f.Status != "" {
		q = q.Where("a.status = ?", string(f.Status))
	}
	if w := f.EndsWithin; !w.Start.IsZero() {
		q = q.Where("a.status IN ('active', 'terminated') AND (a.status = 'terminated' OR a.renew_months = 0) AND a.period_end >= ?",
			w.Start.Time())
		if !w.End.IsZero() {
			q = q.Where("a.period_end <= ?", w.End.Time())
		}
	}
	return list(ctx, s.reader(ctx), q, agreementOrder, f.Page, scanAgreement, agreementKey)
}

// Coverage implements agreement.AgreementStore in one statement, whatever
// the filter: the agreements it selects, with their places and terms, and
// the versions of the places of the organisations concerned, as the rows of
// one UNION ALL (see coverageQuery). The store sorts what it read, so the
// server has no sort to make. A zero filter is a *practice.ValidationError
// on "filter".
func (s *Store) Coverage(ctx context.Context, f agreement.CoverageFilter) (agreement.CoverageSet, error) {
	sql, args, err := coverageQuery(f)
	if err != nil {
		return agreement.CoverageSet{}, err
	}
	rows, err := s.reader(ctx).Query(ctx, sql, args...)
	if err != nil {
		return agreement.CoverageSet{}, interpretError(err, "")
	}
	defer rows.Close()
	set := agreement.CoverageSet{Agreements: []agreement.Agreement{}, Versions: []practice.PlaceVersion{}}
	var (
		v        practice.PlaceVersion
		from     time.Time
		parent   pgtype.UUID
		dest     = make([]any, agreementFields+versionFields)
		skipRest = make([]any, len(dest)) // nil: pgx skips the column
	)
	for rows.Next() {
		copy(dest, skipRest)
		if rows.RawValues()[0] != nil { // an agreement: its ID is never NULL
			var r agreementRow
			copy(dest, r.targets())
			if err := rows.Scan(dest...); err != nil {
				return agreement.CoverageSet{}, interpretError(err, "")
			}
			set.Agreements = append(set.Agreements, r.agreement())
			continue
		}
		v = practice.PlaceVersion{}
		copy(dest[agreementFields:], versionTargets(&v, &from, &parent))
		if err := rows.Scan(dest...); err != nil {
			return agreement.CoverageSet{}, interpretError(err, "")
		}
		v.From, v.ParentID, v.CreatedAt = practice.DateOf(from), uuidOf(parent), v.CreatedAt.UTC()
		set.Versions = append(set.Versions, v)
	}
	if err := rows.Err(); err != nil {
		return agreement.CoverageSet{}, interpretError(err, "")
	}
	sortCoverage(set)
	return set, nil
}

// versionTargets returns the targets of the versionFields columns of a
// place's version in coverageQuery.
func versionTargets(v *practice.PlaceVersion, from *time.Time, parent *pgtype.UUID) []any {
	return []any{(*[16]byte)(&v.PlaceID), from, &v.Name, parent, &v.Closed, &v.CreatedAt}
}

// coverageQuery returns the statement of Coverage for f, and its
// arguments. A row of an agreement has its columns (agreementColumns), then
// those of a version NULL; a row of a version has the agreement's columns
// NULL, its ID first, then its own (versionTargets).
//
// The agreements it selects are sel, which the statement reads where it
// needs them (NOT MATERIALIZED), so that the server estimates each part
// from the tables' statistics; their places and terms, pl and tm, are
// aggregated by agreement in one pass each, not agreement by agreement;
// the organisations whose places' versions it reads are orgs: sel's,
// f.OrganisationID and f.PlaceID's.
func coverageQuery(f agreement.CoverageFilter) (string, []any, error) {
	if f == (agreement.CoverageFilter{}) {
		return "", nil, practice.Invalid("filter", "required", "select an institution, an organisation or a place")
	}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args)) + "::uuid"
	}
	where := []string{"a.status <> 'draft'"}
	orgs := []string{"SELECT organisation_id FROM sel"}
	if f.InstitutionID != practice.NilID {
		where = append(where, "a.institution_id = "+arg(f.InstitutionID))
	}
	if f.OrganisationID != practice.NilID {
		o := arg(f.OrganisationID)
		where = append(where, "a.organisation_id = "+o)
		orgs = append(orgs, "SELECT "+o)
	}
	if f.PlaceID != practice.NilID {
		o := "(SELECT organisation_id FROM places WHERE id = " + arg(f.PlaceID) + ")"
		where = append(where, "a.organisation_id = "+o)
		orgs = append(orgs, "SELECT "+o)
	}
	nulls := func(n int) string { return strings.Repeat("NULL, ", n-1) + "NULL" }
	return `WITH sel AS NOT MATERIALIZED (
			SELECT * FROM praksis_agreement a WHERE ` + strings.Join(where, " AND ") + `
		), pl AS (
			SELECT agreement_id, ` + placeArrays + ` FROM praksis_agreement_place
			WHERE agreement_id IN (SELECT id FROM sel) GROUP BY agreement_id
		), tm AS (
			SELECT agreement_id, ` + termArrays + ` FROM praksis_agreement_term
			WHERE agreement_id IN (SELECT id FROM sel) GROUP BY agreement_id
		), orgs AS (
			` + strings.Join(orgs, " UNION ") + `
		)
		SELECT ` + agreementColumns + `, ` + nulls(versionFields) + `
		FROM sel a LEFT JOIN pl ON pl.agreement_id = a.id LEFT JOIN tm ON tm.agreement_id = a.id
		UNION ALL
		SELECT ` + nulls(agreementFields) + `, v.place_id, v.valid_from, v.name, v.parent_id, v.closed, v.created_at
		FROM place_versions v JOIN places p ON p.id = v.place_id
		WHERE p.organisation_id IN (SELECT organisation_id FROM orgs)`, args, nil
}

// sortCoverage puts what Coverage read in the order the contract gives:
// agreements by ID, versions by place ID, then From.
func sortCoverage(set agreement.CoverageSet) {
	byID := func(a, b agreement.Agreement) int { return a.ID.Compare(b.ID) }
	if !slices.IsSortedFunc(set.Agreements, byID) {
		slices.SortFunc(set.Agreements, byID)
	}
	byPlace := func(a, b practice.PlaceVersion) int {
		return cmp.Or(a.PlaceID.Compare(b.PlaceID), a.From.Compare(b.From))
	}
	if !slices.IsSortedFunc(set.Versions, byPlace) {
		slices.SortFunc(set.Versions, byPlace)
	}
}
