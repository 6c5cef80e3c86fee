package agreement_test

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/agreement"
	"github.com/praksis/praksis/practice"
)

// A capacity term names its programme: an empty or blank programme, or one
// of any length, is refused like a scope code is, and nothing is stored.
func TestTermProgrammeRequired(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	for _, tt := range []struct{ name, programme string }{
		{"empty", ""}, {"blank", "   "}, {"invisible", "\u200b"}, {"huge", strings.Repeat("X", 100000)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := w.input(w.clinic)
			in.Terms = []agreement.Term{{Programme: tt.programme, AcademicYear: 2027, Students: 4, AtOnce: 2}}
			_, err := w.svc.Create(w.ctx, w.admin, w.inst.ID, in)
			var v *practice.ValidationError
			require.ErrorAs(t, err, &v, "a term with a %s programme is refused", tt.name)
			require.Equal(t, "terms[0].programme", v.Fields[0].Field)
		})
	}
	require.Zero(t, w.count(t), "a refused create stores nothing")
}

// A one-day agreement (start = end) covers its day: the coverage of a
// longer period names it, and the gaps leave its day out.
func TestOneDayAgreementCoverage(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	in := w.input(w.clinic)
	in.Period = practice.Period{Start: date("2027-03-01"), End: date("2027-03-01")}
	ag := w.create(t, in)
	got, err := w.svc.Covers(w.ctx, w.planner, agreement.CoverageQuery{InstitutionID: w.inst.ID, PlaceID: w.wardA,
		Period: practice.Period{Start: date("2027-02-25"), End: date("2027-03-05")}})
	require.NoError(t, err)
	require.False(t, got.Covered)
	require.Equal(t, []practice.ID{ag.ID}, got.Agreements, "the agreement covers 1 March")
	require.Equal(t, []agreement.Gap{
		{Period: practice.Period{Start: date("2027-02-25"), End: date("2027-02-28")}, Reason: agreement.NoAgreement},
		{Period: practice.Period{Start: date("2027-03-02"), End: date("2027-03-05")}, Reason: agreement.NoAgreement},
	}, got.Gaps)
}

// A restructuring before an agreement starts still affects it once it is
// in force: the preview names it.
func TestPreviewAgreementStartingAfterTheChange(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	in := w.input(w.clinic)
	in.Period = practice.Period{Start: date("2027-08-01"), End: date("2028-07-31")}
	ag := w.create(t, in)
	imp, err := w.svc.Preview(w.ctx, w.admin, practice.StructureChange{PlaceID: w.wardB, From: date("2027-03-01"), ParentID: &w.clinic2})
	require.NoError(t, err)
	require.Len(t, imp.Agreements, 1, "ward B will not be covered by the agreement that starts in August")
	require.Equal(t, ag.ID, imp.Agreements[0].AgreementID)
	require.Equal(t, agreement.Leaves, imp.Agreements[0].Effects[0].Kind)
}

// A zip that is not a Word document is refused, even if its first entry is
// named as if it were; so is a macro-enabled Word document (.docm), which
// is not of the allowed type.
func TestZipThatIsNotAWordDocument(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ag := w.create(t, w.input(w.clinic))
	for name, b := range map[string][]byte{
		"an executable in a zip": zipOf(t, "word/setup.exe", "MZ\x90\x00"+strings.Repeat("\x00", 200)),
		"a macro-enabled document": zipOf(t,
			"[Content_Types].xml", `<Types><Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>`,
			"word/document.xml", "<w:document/>",
			"word/vbaProject.bin", "\xd0\xcf\x11\xe0"),
	} {
		_, err := w.svc.AddDocument(w.ctx, w.admin, ag.ID, "avtale.docx", bytes.NewReader(b))
		if err == nil {
			t.Errorf("%s is taken as a Word document", name)
			continue
		}
		requireField(t, err, "file", "content-type")
	}
}

// A restructuring recorded after an agreement was made (or last reviewed),
// but effective from an earlier date, takes a covered place out of it: the
// report must show it, or the agreement silently stops matching the
// structure.
func TestBackdatedMoveIsReported(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ag := w.create(t, w.input(w.clinic)) // reviewed on 2027-01-10, ward B under the clinic
	w.clock.add(31 * day)                // 2027-02-10
	w.restructure(t, practice.StructureChange{PlaceID: w.wardB, From: date("2027-01-05"), ParentID: &w.clinic2})
	got, err := w.svc.Covers(w.ctx, w.planner, agreement.CoverageQuery{InstitutionID: w.inst.ID, PlaceID: w.wardB,
		Period: practice.Period{Start: date("2027-02-10"), End: date("2027-02-10")}})
	require.NoError(t, err)
	require.False(t, got.Covered, "ward B has left the clinic")
	r, err := w.svc.Report(w.ctx, w.planner, w.inst.ID, date("2027-02-10"))
	require.NoError(t, err)
	var moved []agreement.Finding
	for _, f := range r.Findings {
		if f.Kind == agreement.FindingPlaceMoved {
			moved = append(moved, f)
		}
	}
	require.Len(t, moved, 1, "ward B, covered when the agreement was made, left it: %v", r.Findings)
	require.Equal(t, ag.ID, moved[0].Objects[0].ID)
}

// A review acknowledges the changes there are, not those not yet made: a
// review dated in the future is refused, or it hides every move recorded
// later.
func TestFutureReviewDate(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ag := w.create(t, w.input(w.clinic))
	_, err := w.svc.Review(w.ctx, w.admin, ag.ID, ag.Version, date("2030-01-01"))
	if err != nil {
		return // refused: fine
	}
	w.clock.add(60 * day)
	w.restructure(t, practice.StructureChange{PlaceID: w.wardB, From: date("2027-06-01"), ParentID: &w.clinic2})
	r, err := w.svc.Report(w.ctx, w.planner, w.inst.ID, date("2027-06-15"))
	require.NoError(t, err)
	require.Equal(t, 1, kinds(r)[agreement.FindingPlaceMoved], "ward B moved out after the review was made: %v", r.Findings)
}

// The organisation's list (drafts left out) keeps the page contract: the
// last page has no next cursor.
func TestOrganisationListLastPageHasNoNext(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.create(t, w.input(w.clinic))
	page, err := w.svc.Agreements(w.ctx, w.hospitalAdmin, agreement.ListFilter{OrganisationID: w.hospital.ID, Page: practice.PageRequest{Limit: 1}})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	require.Empty(t, page.Next, "the only agreement is on the last page")
}

// A terminated agreement no longer renews: the end of its term in force on
// a date after its end is its end, not a term it will never have.
func TestTermEndOfTerminated(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	in := w.input(w.clinic)
	in.Period = practice.Period{Start: date("2025-01-01"), End: date("2025-12-31")}
	in.Renewal = agreement.Renewal{Months: 12, NoticeDays: 90}
	ag := w.create(t, in)
	ended, err := w.svc.Terminate(w.ctx, w.admin, ag.ID, ag.Version, agreement.Termination{})
	require.NoError(t, err)
	require.Equal(t, date("2027-12-31"), ended.EndsOn())
	require.Equal(t, date("2027-12-31"), ended.TermEnd(date("2028-06-01")), "it does not renew once terminated")
}

// An agreement made for a later start covers the clinic with ward B under
// it; a reorganisation recorded after, effective before the agreement
// starts, moves ward B out. The report shows the move (the changes
// effective on ReviewedOn and after), not only those after the start.
func TestMoveBeforeTheStartIsReported(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	in := w.input(w.clinic)
	in.Period = practice.Period{Start: date("2027-08-01"), End: date("2028-07-31")}
	w.create(t, in) // reviewed on 2027-01-10
	w.clock.add(30 * day)
	w.restructure(t, practice.StructureChange{PlaceID: w.wardB, From: date("2027-05-01"), ParentID: &w.clinic2})
	r, err := w.svc.Report(w.ctx, w.planner, w.inst.ID, date("2027-09-01"))
	require.NoError(t, err)
	require.Equal(t, 1, kinds(r)[agreement.FindingPlaceMoved], "ward B left the agreement after it was made: %v", r.Findings)
}

// A Word document and an OpenDocument text, packaged as their types are,
// are taken, with the type their content has.
func TestWellPackagedDocuments(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ag := w.create(t, w.input(w.clinic))
	docx := zipOf(t,
		"[Content_Types].xml", `<Types><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
		"_rels/.rels", "<Relationships/>",
		"word/document.xml", "<w:document/>")
	d, err := w.svc.AddDocument(w.ctx, w.admin, ag.ID, "avtale.docx", bytes.NewReader(docx))
	require.NoError(t, err)
	require.Equal(t, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", d.ContentType)
	// An OpenDocument file stores its "mimetype" entry first, uncompressed.
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	f, err := zw.CreateHeader(&zip.FileHeader{Name: "mimetype", Method: zip.Store})
	require.NoError(t, err)
	_, err = f.Write([]byte("application/vnd.oasis.opendocument.text"))
	require.NoError(t, err)
	f, err = zw.Create("content.xml")
	require.NoError(t, err)
	_, err = f.Write([]byte("<office:document-content/>"))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	odt := buf.Bytes()
	d, err = w.svc.AddDocument(w.ctx, w.admin, ag.ID, "avtale.odt", bytes.NewReader(odt))
	require.NoError(t, err)
	require.Equal(t, "application/vnd.oasis.opendocument.text", d.ContentType)
}

// The right is checked before the input: a caller who may not change an
// agreement learns nothing of their input, however bad it is.
func TestRightBeforeInput(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ag := w.create(t, w.input(w.clinic))
	bad := w.input(w.clinic)
	bad.Period.End = date("2000-01-01")
	_, err := w.svc.Update(w.ctx, w.planner, ag.ID, 0, bad)
	requireCode(t, err, practice.ErrForbidden, "a planner's bad edit is refused for the right")
	_, err = w.svc.Update(w.ctx, w.otherAdmin, ag.ID, 0, bad)
	requireCode(t, err, practice.ErrNotFound, "another institution's bad edit finds no agreement")
	_, err = w.svc.Terminate(w.ctx, w.planner, ag.ID, ag.Version, agreement.Termination{NoticeGiven: date("2099-01-01")})
	requireCode(t, err, practice.ErrForbidden, "a planner's bad termination is refused for the right")
	_, err = w.svc.Review(w.ctx, w.hospitalAdmin, ag.ID, ag.Version, date("2099-01-01"))
	requireCode(t, err, practice.ErrForbidden, "the organisation's bad review is refused for the right")
	_, err = w.svc.AddDocument(w.ctx, w.planner, ag.ID, "bad\x00name", strings.NewReader("x"))
	requireCode(t, err, practice.ErrForbidden, "a planner's bad upload is refused for the right")
	_, err = w.svc.AddDocument(w.ctx, w.admin, ag.ID, " ", strings.NewReader("x"))
	requireField(t, err, "name", "required")
}

// zipOf returns a zip file of the given names and contents, in pairs.
func zipOf(t *testing.T, files ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i < len(files); i += 2 {
		f, err := zw.Create(files[i])
		require.NoError(t, err)
		_, err = f.Write([]byte(files[i+1]))
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}
