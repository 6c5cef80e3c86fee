package httpapi_test

import (
	"bytes"
	"mime/multipart"
	"net/textproto"
	"testing"

	"github.com/praksis/praksis/examples/demo"
)

// The fuzz targets of the agreements' bodies; see fuzz_test.go.

func FuzzCreateAgreement(f *testing.F) {
	fuzzBody(f, &demo.StudySiteAdmin, "POST", "/api/institutions/{nih}/agreements",
		`{"organisationId":"{ous}","name":"Ny avtale","places":[{"placeId":"{place}"}],"period":{"start":"2030-01-01"}}`,
		`{"organisationId":"{ous}","name":"Samarbeidsavtale 2027","places":[{"placeId":"{place}","only":true}],`+
			`"period":{"start":"2027-01-01","end":"2028-12-31"},"renewal":{"months":12,"noticeDays":90},"scope":["SYKEPLEIE"],`+
			`"terms":[{"programme":"SYKEPLEIE","academicYear":2027,"students":10,"atOnce":4}],"status":"active"}`,
		`{"organisationId":"{ous}","name":"Baklengs","places":[{"placeId":"{place}"}],"period":{"start":"2030-01-01","end":"2029-01-01"}}`,
		`{"organisationId":"{nih}","name":"Feil","places":[{"placeId":"{ous}"}],"period":{"start":"2030-01-01"}}`)
}

func FuzzUpdateAgreement(f *testing.F) {
	fuzzBody(f, &demo.StudySiteAdmin, "PUT", "/api/agreements/{agreement}",
		`{"organisationId":"{ous}","name":"Nytt navn","places":[{"placeId":"{place}"}],"period":{"start":"2020-01-01"},"version":1}`,
		`{"organisationId":"{ous}","name":"Avtale","places":[{"placeId":"{place}","only":true}],"period":{"start":"2020-01-01","end":"2030-12-31"},`+
			`"renewal":{"months":24,"noticeDays":180},"scope":["IDRETT","SYKEPLEIE"],"status":"active","version":1}`,
		`{"organisationId":"{ous}","name":"Avtale","places":[{"placeId":"{place}"}],"period":{"start":"2020-01-01"},"status":"draft","version":1}`)
}

func FuzzActivateAgreement(f *testing.F) {
	fuzzBody(f, &demo.StudySiteAdmin, "POST", "/api/agreements/{draft}/activate", `{"version":1}`, `{"version":2}`, `{}`)
}

func FuzzTerminateAgreement(f *testing.F) {
	fuzzBody(f, &demo.StudySiteAdmin, "POST", "/api/agreements/{agreement}/terminate",
		`{"version":1}`, `{"version":1,"noticeGiven":"2030-01-01"}`, `{"version":1,"noticeGiven":"2030-01-01","endsOn":"2031-06-30"}`,
		`{"version":1,"endsOn":"2019-12-31"}`)
}

func FuzzReviewAgreement(f *testing.F) {
	fuzzBody(f, &demo.StudySiteAdmin, "POST", "/api/agreements/{agreement}/review",
		`{"version":1}`, `{"version":1,"on":"2030-01-01"}`, `{"version":1,"on":"1969-12-31"}`)
}

func FuzzPreviewPlaceChange(f *testing.F) {
	fuzzBody(f, &demo.StudySiteAdmin, "POST", "/api/places/{place}/changes/preview",
		`{"from":"2030-01-01","name":"Nytt navn"}`,
		`{"from":"2031-06-30","parentId":"00000000-0000-0000-0000-000000000000"}`,
		`{"from":"2032-01-01","close":true}`)
}

// fuzzBoundary is the boundary of the multipart bodies of FuzzAddDocument.
const fuzzBoundary = "praksis-fuzz-boundary"

// fuzzForm returns a multipart body of parts, each a Content-Disposition
// and the part's content, with fuzzBoundary.
func fuzzForm(parts ...[2]string) []byte {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.SetBoundary(fuzzBoundary)
	for _, p := range parts {
		pw, _ := w.CreatePart(textproto.MIMEHeader{"Content-Disposition": {p[0]}, "Content-Type": {"application/pdf"}})
		_, _ = pw.Write([]byte(p[1]))
	}
	_ = w.Close()
	return buf.Bytes()
}

func FuzzAddDocument(f *testing.F) {
	fuzzRequest(f, &demo.StudySiteAdmin, "POST", "/api/agreements/{agreement}/documents", "multipart/form-data; boundary="+fuzzBoundary,
		fuzzForm([2]string{`form-data; name="file"; filename="Avtale.pdf"`, string(demoPDF)}),
		fuzzForm([2]string{`form-data; name="file"; filename*=UTF-8''Avtale%20%C3%A6%C3%B8%C3%A5.pdf`, string(demoPDF)}),
		fuzzForm([2]string{`form-data; name="file"; filename="../a.pdf"`, "\x7fELF\x02\x01\x01\x00"}),
		fuzzForm([2]string{`form-data; name="file"; filename="a.pdf"`, string(demoPDF)}, [2]string{`form-data; name="note"`, "hei"}),
		fuzzForm())
}
