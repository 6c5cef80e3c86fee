package httpapi_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/agreement"
	"github.com/praksis/praksis/examples/demo"
	"github.com/praksis/praksis/practice"
)

// demoAgreements returns NIH's active agreement with OUS and its draft,
// from the store.
func (b *testBundle) demoAgreements() (active, draft agreement.Agreement) {
	b.t.Helper()
	page, err := b.store.Agreements(context.Background(), agreement.Filter{InstitutionID: b.nih.ID})
	require.NoError(b.t, err)
	for _, ag := range page.Items {
		switch ag.Name {
		case demoAgreementName:
			active = ag
		case demoDraftName:
			draft = ag
		}
	}
	require.Equal(b.t, agreement.Active, active.Status)
	require.Equal(b.t, agreement.Draft, draft.Status)
	return active, draft
}

// documents returns the documents of an agreement, from the store.
func (b *testBundle) documents(agreementID practice.ID) []agreement.Document {
	b.t.Helper()
	page, err := b.store.Documents(context.Background(), agreement.DocumentFilter{AgreementID: agreementID})
	require.NoError(b.t, err)
	return page.Items
}

// ousTree returns OUS's place tree as of demo.Since.
func (b *testBundle) ousTree() practice.Tree {
	b.t.Helper()
	tree, err := b.svc.Tree(context.Background(), practice.Actor{}, b.ous.ID, demo.Since)
	require.NoError(b.t, err)
	return tree
}

// TestAgreementLifecycle makes, edits, activates, reviews and terminates an
// agreement through the API, and reads and lists it as its study site and
// its organisation.
func TestAgreementLifecycle(t *testing.T) {
	t.Parallel()
	b := setup(t)
	admin := b.login(demo.StudySiteAdmin.Email)
	ousAdmin := b.login(demo.OUSAdmin.Email)
	tree := b.ousTree()
	nih := "/api/institutions/" + b.nih.ID.String()
	body := map[string]any{
		"organisationId": b.ous.ID, "name": "Samarbeidsavtale 2027",
		"places":  []any{map[string]any{"placeId": tree.Roots[1].ID}},
		"period":  map[string]any{"start": "2027-01-01", "end": "2028-12-31"},
		"renewal": map[string]any{"months": 12, "noticeDays": 90},
		"scope":   []string{"SYKEPLEIE"},
		"terms":   []any{map[string]any{"programme": "SYKEPLEIE", "academicYear": 2027, "students": 10, "atOnce": 4}},
	}

	res := b.do("POST", nih+"/agreements", admin, body)
	ag := ok[agreement.Agreement](t, res, http.StatusCreated)
	path := "/api/agreements/" + ag.ID.String()
	require.Equal(t, path, res.header.Get("Location"))
	require.Equal(t, agreement.Draft, ag.Status)
	require.Equal(t, b.nih.ID, ag.InstitutionID)
	require.Equal(t, 1, ag.Version)
	require.Equal(t, agreement.Renewal{Months: 12, NoticeDays: 90}, ag.Renewal)
	require.Equal(t, []agreement.Term{{Programme: "SYKEPLEIE", AcademicYear: 2027, Students: 10, AtOnce: 4}}, ag.Terms)
	require.Equal(t, ag, ok[agreement.Agreement](t, b.do("GET", path, admin, nil), http.StatusOK))

	drafts := ok[agreement.Page](t, b.do("GET", nih+"/agreements?organisationId="+b.ous.ID.String()+"&status=draft", admin, nil), http.StatusOK)
	require.Len(t, drafts.Items, 2, "the demo's draft and the new one")
	require.Empty(t, ok[agreement.Page](t, b.do("GET", nih+"/agreements?organisationId="+b.oslo.ID.String(), admin, nil), http.StatusOK).Items)
	first := ok[agreement.Page](t, b.do("GET", nih+"/agreements?limit=1", admin, nil), http.StatusOK)
	require.Len(t, first.Items, 1)
	require.NotEmpty(t, first.Next)

	// The organisation sees no drafts.
	problem(t, b.do("GET", path, ousAdmin, nil), http.StatusNotFound)
	orgList := "/api/organisations/" + b.ous.ID.String() + "/agreements"
	require.Len(t, ok[agreement.Page](t, b.do("GET", orgList, ousAdmin, nil), http.StatusOK).Items, 1)
	require.Empty(t, ok[agreement.Page](t, b.do("GET", orgList+"?status=draft", ousAdmin, nil), http.StatusOK).Items)

	// An edit carries the version read.
	body["name"], body["version"] = "Samarbeidsavtale 2027–2028", 1
	ag = ok[agreement.Agreement](t, b.do("PUT", path, admin, body), http.StatusOK)
	require.Equal(t, "Samarbeidsavtale 2027–2028", ag.Name)
	require.Equal(t, 2, ag.Version)
	p := problem(t, b.do("PUT", path, admin, body), http.StatusConflict)
	require.Contains(t, p.Detail, "changed since version 1")
	body["version"], body["status"] = 2, "active"
	p = problem(t, b.do("PUT", path, admin, body), http.StatusUnprocessableEntity)
	require.Equal(t, map[string]string{"status": "unchanged"}, fields(p))
	delete(body, "status")

	ag = ok[agreement.Agreement](t, b.do("POST", path+"/activate", admin, map[string]any{"version": 2}), http.StatusOK)
	require.Equal(t, agreement.Active, ag.Status)
	p = problem(t, b.do("POST", path+"/activate", admin, map[string]any{"version": 3}), http.StatusUnprocessableEntity)
	require.Equal(t, map[string]string{"status": "draft"}, fields(p))
	require.Equal(t, ag, ok[agreement.Agreement](t, b.do("GET", path, ousAdmin, nil), http.StatusOK), "active, the organisation sees it")
	require.Len(t, ok[agreement.Page](t, b.do("GET", orgList+"?status=active", ousAdmin, nil), http.StatusOK).Items, 2)

	yesterday := practice.DateOf(time.Now()).AddDays(-1)
	ag = ok[agreement.Agreement](t, b.do("POST", path+"/review", admin, map[string]any{"version": 3, "on": yesterday}), http.StatusOK)
	require.Equal(t, yesterday, ag.ReviewedOn)
	require.Equal(t, b.personID(demo.StudySiteAdmin), ag.ReviewedBy)

	ag = ok[agreement.Agreement](t, b.do("POST", path+"/terminate", admin, map[string]any{"version": 4, "noticeGiven": yesterday}), http.StatusOK)
	require.Equal(t, agreement.Terminated, ag.Status)
	require.Equal(t, yesterday, ag.NoticeGiven)
	require.False(t, ag.Period.End.Before(yesterday.AddDays(90)), "it ends at the end of the first term at least 90 days after the notice")
	require.Equal(t, time.December, ag.Period.End.Month(), "the terms end on 31 December")
	require.Equal(t, 31, ag.Period.End.Day())
	body["version"] = 5
	p = problem(t, b.do("PUT", path, admin, body), http.StatusUnprocessableEntity)
	require.Equal(t, map[string]string{"status": "not-terminated"}, fields(p))
	p = problem(t, b.do("POST", path+"/terminate", admin, map[string]any{"version": 5}), http.StatusUnprocessableEntity)
	require.Equal(t, map[string]string{"status": "active"}, fields(p))

	t.Run("a list's status and organisation are checked", func(t *testing.T) {
		p := problem(t, b.do("GET", nih+"/agreements?status=lost", admin, nil), http.StatusBadRequest)
		require.Equal(t, map[string]string{"status": "oneof"}, fields(p))
		require.Contains(t, p.Errors[0].Message, "draft, active, terminated")
		p = problem(t, b.do("GET", nih+"/agreements?organisationId=x", admin, nil), http.StatusBadRequest)
		require.Equal(t, map[string]string{"organisationId": "uuid"}, fields(p))
		p = problem(t, b.do("GET", nih+"/agreements?colour=red", admin, nil), http.StatusBadRequest)
		require.Equal(t, map[string]string{"colour": "unknown"}, fields(p))
	})
}

// TestBadAgreementBodies sends agreements that break a rule: each is
// refused with a problem naming the field, and nothing is stored.
func TestBadAgreementBodies(t *testing.T) {
	t.Parallel()
	b := setup(t)
	admin := b.login(demo.StudySiteAdmin.Email)
	tree := b.ousTree()
	oslo, err := b.svc.Tree(context.Background(), practice.Actor{}, b.oslo.ID, demo.Since)
	require.NoError(t, err)
	active, _ := b.demoAgreements()
	create := "/api/institutions/" + b.nih.ID.String() + "/agreements"
	update := "/api/agreements/" + active.ID.String()
	place := tree.Roots[0].ID.String()
	valid := func(change func(m map[string]any)) map[string]any {
		m := map[string]any{"organisationId": b.ous.ID.String(), "name": "Avtale",
			"places": []any{map[string]any{"placeId": place}}, "period": map[string]any{"start": "2027-01-01"}}
		change(m)
		return m
	}
	list := func() int {
		return len(ok[agreement.Page](t, b.do("GET", create, admin, nil), http.StatusOK).Items)
	}
	before, count := b.state(), list()
	for _, tc := range []struct {
		name   string
		method string
		path   string
		body   any
		status int
		errors map[string]string
	}{
		{"an end before the start", "POST", create, valid(func(m map[string]any) {
			m["period"] = map[string]any{"start": "2027-06-01", "end": "2027-05-31"}
		}), 422, map[string]string{"period.end": "gtefield"}},
		{"an end before the start, in an edit", "PUT", update, valid(func(m map[string]any) {
			m["period"], m["version"] = map[string]any{"start": "2027-06-01", "end": "2027-05-31"}, 1
		}), 422, map[string]string{"period.end": "gtefield"}},
		{"a place of another organisation", "POST", create, valid(func(m map[string]any) {
			m["places"] = []any{map[string]any{"placeId": place}, map[string]any{"placeId": oslo.Roots[0].ID.String()}}
		}), 422, map[string]string{"places[1].placeId": "same-organisation"}},
		{"a place of another organisation, in an edit", "PUT", update, valid(func(m map[string]any) {
			m["places"], m["version"] = []any{map[string]any{"placeId": oslo.Roots[0].ID.String()}}, 1
		}), 422, map[string]string{"places[0].placeId": "same-organisation"}},
		{"an unknown place", "POST", create, valid(func(m map[string]any) {
			m["places"] = []any{map[string]any{"placeId": practice.NewID().String()}}
		}), 422, map[string]string{"places[0].placeId": "exists"}},
		{"an unknown organisation", "POST", create, valid(func(m map[string]any) {
			m["organisationId"] = practice.NewID().String()
		}), 422, map[string]string{"organisationId": "exists"}},
		{"no places", "POST", create, valid(func(m map[string]any) { m["places"] = []any{} }), 422, map[string]string{"places": "min"}},
		{"places left out", "POST", create, valid(func(m map[string]any) { delete(m, "places") }), 422, map[string]string{"places": "required"}},
		{"a place twice", "POST", create, valid(func(m map[string]any) {
			m["places"] = []any{map[string]any{"placeId": place}, map[string]any{"placeId": place, "only": true}}
		}), 422, map[string]string{"places[1].placeId": "unique"}},
		{"a terminated new agreement", "POST", create, valid(func(m map[string]any) { m["status"] = "terminated" }), 422,
			map[string]string{"status": "oneof"}},
		{"a renewal too long", "POST", create, valid(func(m map[string]any) {
			m["renewal"] = map[string]any{"months": 500}
			m["period"] = map[string]any{"start": "2027-01-01", "end": "2027-12-31"}
		}), 422, map[string]string{"renewal.months": "range"}},
		{"a renewal without the end of the first term", "POST", create, valid(func(m map[string]any) {
			m["renewal"] = map[string]any{"months": 12}
		}), 422, map[string]string{"period.end": "required_with"}},
		{"more students at once than in the year", "POST", create, valid(func(m map[string]any) {
			m["terms"] = []any{map[string]any{"programme": "SYKEPLEIE", "academicYear": 2027, "students": 2, "atOnce": 3}}
		}), 422, map[string]string{"terms[0].atOnce": "range"}},
		{"a start that is no date", "POST", create, valid(func(m map[string]any) { m["period"] = map[string]any{"start": "1.1.2027"} }), 422,
			map[string]string{"period.start": "date"}},
		{"a control character in the name", "POST", create, valid(func(m map[string]any) { m["name"] = "Avtale\u0000" }), 422,
			map[string]string{"name": "control"}},
		{"a field the body does not have", "POST", create, valid(func(m map[string]any) { m["institutionId"] = b.phs.ID.String() }), 400,
			map[string]string{"institutionId": "unknown"}},
		{"an edit without the version", "PUT", update, valid(func(map[string]any) {}), 422, map[string]string{"version": "required"}},
		{"an edit of the organisation", "PUT", update, valid(func(m map[string]any) {
			m["organisationId"], m["places"], m["version"] = b.oslo.ID.String(), []any{map[string]any{"placeId": oslo.Roots[0].ID.String()}}, 1
		}), 422, map[string]string{"organisationId": "unchanged"}},
		{"a termination before the notice allows", "POST", update + "/terminate", map[string]any{"version": 1, "endsOn": "1999-12-31"}, 422,
			map[string]string{"endsOn": "notice"}},
		{"a review date out of range", "POST", update + "/review", map[string]any{"version": 1, "on": "2200-01-01"}, 422,
			map[string]string{"on": "range"}},
		{"a stale version", "POST", update + "/review", map[string]any{"version": 7}, 409, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := problem(t, b.do(tc.method, tc.path, admin, tc.body), tc.status)
			if tc.errors == nil {
				require.Empty(t, p.Errors)
			} else {
				require.Equal(t, tc.errors, fields(p))
			}
		})
	}
	require.Equal(t, before, b.state(), "no refused body changed anything")
	require.Equal(t, count, list())
	require.Equal(t, active, ok[agreement.Agreement](t, b.do("GET", update, admin, nil), http.StatusOK))
}

// TestDocuments attaches, lists, downloads and removes documents through
// the API, and sends uploads that are refused.
func TestDocuments(t *testing.T) {
	t.Parallel()
	b := setup(t)
	admin := b.login(demo.StudySiteAdmin.Email)
	active, draft := b.demoAgreements()
	docs := "/api/agreements/" + active.ID.String() + "/documents"

	res := b.do("POST", docs, admin, fileForm("Samarbeidsavtale signert.pdf", demoPDF))
	doc := ok[agreement.Document](t, res, http.StatusCreated)
	require.Equal(t, docs+"/"+doc.ID.String(), res.header.Get("Location"))
	sum := sha256.Sum256(demoPDF)
	require.Equal(t, agreement.Document{ID: doc.ID, AgreementID: active.ID, Name: "Samarbeidsavtale signert.pdf",
		ContentType: "application/pdf", Size: int64(len(demoPDF)), SHA256: hex.EncodeToString(sum[:]),
		UploadedBy: b.personID(demo.StudySiteAdmin), CreatedAt: doc.CreatedAt}, doc)
	require.Len(t, ok[practice.Page[agreement.Document]](t, b.do("GET", docs, admin, nil), http.StatusOK).Items, 2)

	t.Run("the download is the bytes, as an attachment", func(t *testing.T) {
		for _, who := range []demo.User{demo.StudySiteAdmin, demo.Planner, demo.OUSAdmin} {
			res := b.do("GET", docs+"/"+doc.ID.String(), b.login(who.Email), nil)
			require.Equal(t, http.StatusOK, res.status, who.Email)
			require.Equal(t, demoPDF, res.body)
			require.Equal(t, "application/pdf", res.header.Get("Content-Type"))
			require.Equal(t, strconv.Itoa(len(demoPDF)), res.header.Get("Content-Length"))
			require.Equal(t, "nosniff", res.header.Get("X-Content-Type-Options"))
			require.Equal(t, `attachment; filename="Samarbeidsavtale signert.pdf"`, res.header.Get("Content-Disposition"))
		}
	})

	t.Run("a hostile file name gets a safe Content-Disposition", func(t *testing.T) {
		for _, tc := range []struct{ sent, stored, disposition string }{
			{`"sitat".pdf`, `"sitat".pdf`, `attachment; filename="\"sitat\".pdf"`},
			{`a.pdf"; filename="evil.exe`, `a.pdf"; filename="evil.exe`, `attachment; filename="a.pdf\"; filename=\"evil.exe"`},
			{"Avtale æøå.pdf", "Avtale æøå.pdf", "attachment; filename*=utf-8''Avtale%20%C3%A6%C3%B8%C3%A5.pdf"},
			{"../../etc/passwd.pdf", "passwd.pdf", `attachment; filename=passwd.pdf`},
			{`C:\Users\ola\avtale.pdf`, "avtale.pdf", `attachment; filename=avtale.pdf`},
			{`..\..\windows\avtale.pdf`, "avtale.pdf", `attachment; filename=avtale.pdf`},
			{"avtale;.pdf", "avtale;.pdf", `attachment; filename="avtale;.pdf"`},
		} {
			res := b.do("POST", docs, admin, fileForm(tc.sent, demoPDF))
			d := ok[agreement.Document](t, res, http.StatusCreated)
			require.Equal(t, tc.stored, d.Name, tc.sent)
			got := b.do("GET", docs+"/"+d.ID.String(), admin, nil)
			require.Equal(t, http.StatusOK, got.status)
			require.Equal(t, demoPDF, got.body)
			header := got.header.Get("Content-Disposition")
			require.Equal(t, tc.disposition, header, tc.sent)
			disposition, params, err := mime.ParseMediaType(header)
			require.NoError(t, err, header)
			require.Equal(t, "attachment", disposition, "never inline")
			require.Equal(t, map[string]string{"filename": tc.stored}, params, "the name, and nothing else")
			require.NotContains(t, header, "\r")
			require.NotContains(t, header, "\n")
		}
	})

	before := b.state()
	count := len(b.documents(active.ID))
	elf := append([]byte("\x7fELF\x02\x01\x01\x00"), bytes.Repeat([]byte{0}, 120)...)
	pe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"), bytes.Repeat([]byte{0}, 112)...)
	copy(pe[60:], []byte{0x80, 0, 0, 0})
	pe = append(pe, []byte("PE\x00\x00\x4c\x01")...)
	padded := func(n int) []byte {
		return append(append([]byte{}, demoPDF...), bytes.Repeat([]byte(" "), n-len(demoPDF))...)
	}
	for _, tc := range []struct {
		name   string
		body   any
		status int
		errors map[string]string
	}{
		{"an ELF executable named .pdf", fileForm("avtale.pdf", elf), 422, map[string]string{"file": "content-type"}},
		{"a PE executable named .pdf", fileForm("avtale.pdf", pe), 422, map[string]string{"file": "content-type"}},
		{"a script named .pdf", fileForm("avtale.pdf", []byte("#!/bin/sh\nrm -rf /\n")), 422, map[string]string{"file": "content-type"}},
		{"HTML named .pdf", fileForm("avtale.pdf", []byte("<html><script>alert(1)</script></html>")), 422, map[string]string{"file": "content-type"}},
		{"a document one byte too large", fileForm("stor.pdf", padded(testMaxDocument+1)), 413, map[string]string{"file": "max-size"}},
		{"a body far too large", fileForm("stor.pdf", padded(4*testMaxDocument)), 413, map[string]string{"file": "max-size"}},
		{"an empty document", fileForm("tom.pdf", nil), 422, map[string]string{"file": "required"}},
		{"no part", multipartForm(), 422, map[string]string{"file": "required"}},
		{"a part of another name", multipartForm(formPart{name: "document", filename: "a.pdf", data: demoPDF}), 400,
			map[string]string{"document": "unknown"}},
		{"a part of another name after the file", multipartForm(formPart{name: "file", filename: "a.pdf", data: demoPDF},
			formPart{name: "note", data: []byte("hei")}), 400, map[string]string{"note": "unknown"}},
		{"a part of another name before the file", multipartForm(formPart{name: "note", data: []byte("hei")},
			formPart{name: "file", filename: "a.pdf", data: demoPDF}), 400, map[string]string{"note": "unknown"}},
		{"a national identity number as a part's name", multipartForm(formPart{name: "file", filename: "a.pdf", data: demoPDF},
			formPart{name: strangerNID, data: []byte("x")}), 400, map[string]string{"***********": "unknown"}},
		{"two files", multipartForm(formPart{name: "file", filename: "a.pdf", data: demoPDF},
			formPart{name: "file", filename: "b.pdf", data: demoPDF}), 422, map[string]string{"file": "one"}},
		{"a file without a name", multipartForm(formPart{name: "file", data: demoPDF}), 422, map[string]string{"file.filename": "required"}},
		{"an empty name", multipartForm(formPart{name: "file", disposition: `form-data; name="file"; filename=""`, data: demoPDF}), 422,
			map[string]string{"file.filename": "required"}},
		{"a name with a line break", multipartForm(formPart{name: "file",
			disposition: `form-data; name="file"; filename*=UTF-8''a%0D%0AX-Evil%3A%201.pdf`, data: demoPDF}), 422,
			map[string]string{"file.filename": "control"}},
		{"a name with a NUL", multipartForm(formPart{name: "file",
			disposition: `form-data; name="file"; filename*=UTF-8''a%00.pdf`, data: demoPDF}), 422,
			map[string]string{"file.filename": "control"}},
		{"a name that turns the text around", fileForm("avtale\u202efdp.exe", demoPDF), 422, map[string]string{"file.filename": "bidi"}},
		{"a name of dots", fileForm("..", demoPDF), 422, map[string]string{"file.filename": "filename"}},
		{"a name too long", fileForm(strings.Repeat("a", 250)+".pdf", demoPDF), 422, map[string]string{"file.filename": "max"}},
		{"JSON", map[string]any{"file": "JVBERi0="}, 415, nil},
		{"plain text", form{contentType: "text/plain", data: demoPDF}, 415, nil},
		{"no Content-Type", form{data: fileForm("a.pdf", demoPDF).data}, 415, nil},
		{"multipart without a boundary", form{contentType: "multipart/form-data", data: demoPDF}, 415, nil},
		{"a body that ends early", func() form {
			f := fileForm("a.pdf", demoPDF)
			f.data = f.data[:len(f.data)-10]
			return f
		}(), 400, nil},
		{"a body without the boundary", form{contentType: "multipart/form-data; boundary=x", data: demoPDF}, 422,
			map[string]string{"file": "required"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := b.do("POST", docs, admin, tc.body)
			p := problem(t, res, tc.status)
			if tc.errors == nil {
				require.Empty(t, p.Errors)
			} else {
				require.Equal(t, tc.errors, fields(p))
			}
			require.NotContains(t, string(res.body), strangerNID)
			require.NotContains(t, string(res.body), "X-Evil")
		})
	}
	require.Equal(t, before, b.state(), "no refused upload changed anything")
	require.Len(t, ok[practice.Page[agreement.Document]](t, b.do("GET", docs, admin, nil), http.StatusOK).Items, count)

	t.Run("a document of the largest size is taken", func(t *testing.T) {
		d := ok[agreement.Document](t, b.do("POST", docs, admin, fileForm("stor.pdf", padded(testMaxDocument))), http.StatusCreated)
		require.Equal(t, int64(testMaxDocument), d.Size)
		require.Equal(t, padded(testMaxDocument), b.do("GET", docs+"/"+d.ID.String(), admin, nil).body)
	})

	t.Run("a document of another agreement is not found", func(t *testing.T) {
		other := "/api/agreements/" + draft.ID.String() + "/documents/" + doc.ID.String()
		problem(t, b.do("GET", other, admin, nil), http.StatusNotFound)
		problem(t, b.do("DELETE", other, admin, nil), http.StatusNotFound)
		problem(t, b.do("GET", docs+"/"+practice.NewID().String(), admin, nil), http.StatusNotFound)
		require.Len(t, b.documents(active.ID), count+1, "nothing was removed")
	})

	t.Run("removed, a document is gone", func(t *testing.T) {
		problem(t, b.do("DELETE", docs+"/"+doc.ID.String(), b.login(demo.OUSAdmin.Email), nil), http.StatusForbidden)
		require.Equal(t, http.StatusNoContent, b.do("DELETE", docs+"/"+doc.ID.String(), admin, nil).status)
		problem(t, b.do("GET", docs+"/"+doc.ID.String(), admin, nil), http.StatusNotFound)
		problem(t, b.do("DELETE", docs+"/"+doc.ID.String(), admin, nil), http.StatusNotFound)
		for _, d := range ok[practice.Page[agreement.Document]](t, b.do("GET", docs, admin, nil), http.StatusOK).Items {
			require.NotEqual(t, doc.ID, d.ID)
		}
	})

	t.Run("an upload by someone who may not is refused before it is read", func(t *testing.T) {
		before := b.state()
		problem(t, b.do("POST", docs, b.login(demo.Planner.Email), fileForm("a.pdf", demoPDF)), http.StatusForbidden)
		problem(t, b.do("POST", docs, b.login(demo.OtherStudySiteAdmin.Email), fileForm("a.pdf", demoPDF)), http.StatusNotFound)
		problem(t, b.do("POST", docs, "", fileForm("a.pdf", demoPDF)), http.StatusUnauthorized)
		problem(t, b.do("POST", "/api/agreements/"+practice.NewID().String()+"/documents", admin, fileForm("a.pdf", demoPDF)), http.StatusNotFound)
		require.Equal(t, before, b.state())
	})
}

// TestCoverageAndOrderable asks, as a planner, whether places are covered
// and which places NIH may order from.
func TestCoverageAndOrderable(t *testing.T) {
	t.Parallel()
	b := setup(t)
	planner := b.login(demo.Planner.Email)
	active, _ := b.demoAgreements()
	tree := b.ousTree()
	oslo, err := b.svc.Tree(context.Background(), practice.Actor{}, b.oslo.ID, demo.Since)
	require.NoError(t, err)
	nih := "/api/institutions/" + b.nih.ID.String()
	period := practice.Period{Start: practice.NewDate(2027, time.January, 1), End: practice.NewDate(2027, time.June, 30)}
	coverage := func(place practice.ID, query string) response {
		return b.do("GET", nih+"/coverage?placeId="+place.String()+"&start=2027-01-01&end=2027-06-30"+query, planner, nil)
	}

	under := tree.Roots[0].Children[0].ID
	c := ok[agreement.Coverage](t, coverage(under, ""), http.StatusOK)
	require.Equal(t, agreement.Coverage{PlaceID: under, Period: period, Covered: true, Agreements: []practice.ID{active.ID}, Gaps: []agreement.Gap{}}, c)
	c = ok[agreement.Coverage](t, coverage(under, "&programme=SYKEPLEIE"), http.StatusOK)
	require.True(t, c.Covered, "an agreement for all programmes covers every programme")

	c = ok[agreement.Coverage](t, coverage(tree.Roots[1].ID, ""), http.StatusOK)
	require.False(t, c.Covered)
	require.Equal(t, []agreement.Gap{{Period: period, Reason: agreement.NotCovered}}, c.Gaps)
	c = ok[agreement.Coverage](t, coverage(oslo.Roots[0].ID, ""), http.StatusOK)
	require.Equal(t, []agreement.Gap{{Period: period, Reason: agreement.NoAgreement}}, c.Gaps)
	problem(t, coverage(practice.NewID(), ""), http.StatusNotFound)

	list := ok[practice.Page[agreement.Orderable]](t, b.do("GET", nih+"/orderable?organisationId="+b.ous.ID.String()+"&start=2027-01-01", planner, nil), http.StatusOK)
	var ids []practice.ID
	for _, o := range list.Items {
		ids = append(ids, o.PlaceID)
		require.Equal(t, []practice.ID{active.ID}, o.Agreements)
	}
	require.Contains(t, ids, tree.Roots[0].ID)
	require.Contains(t, ids, under)
	require.NotContains(t, ids, tree.Roots[1].ID)
	require.Empty(t, list.Next)
	none := ok[practice.Page[agreement.Orderable]](t, b.do("GET", nih+"/orderable?organisationId="+b.oslo.ID.String()+"&start=2027-01-01", planner, nil), http.StatusOK)
	require.Empty(t, none.Items)
	require.Contains(t, string(b.do("GET", nih+"/orderable?organisationId="+b.oslo.ID.String()+"&start=2027-01-01", planner, nil).body), `"items":[]`)

	for _, tc := range []struct {
		name, path string
		errors     map[string]string
	}{
		{"an end before the start", nih + "/coverage?placeId=" + under.String() + "&start=2027-06-01&end=2027-05-31", map[string]string{"end": "gtefield"}},
		{"no place", nih + "/coverage?start=2027-06-01", map[string]string{"placeId": "required"}},
		{"no start", nih + "/coverage?placeId=" + under.String(), map[string]string{"start": "required"}},
		{"a start in another form", nih + "/coverage?placeId=" + under.String() + "&start=1.6.2027", map[string]string{"start": "date"}},
		{"a start out of range", nih + "/coverage?placeId=" + under.String() + "&start=1900-01-01", map[string]string{"start": "range"}},
		{"a place that is no UUID", nih + "/coverage?placeId=x&start=2027-06-01", map[string]string{"placeId": "uuid"}},
		{"a programme too long", nih + "/coverage?placeId=" + under.String() + "&start=2027-06-01&programme=" + strings.Repeat("x", 51),
			map[string]string{"programme": "max"}},
		{"an unknown parameter", nih + "/coverage?placeId=" + under.String() + "&start=2027-06-01&asOf=2027-01-01", map[string]string{"asOf": "unknown"}},
		{"no organisation", nih + "/orderable?start=2027-06-01", map[string]string{"organisationId": "required"}},
		{"an orderable end before the start", nih + "/orderable?organisationId=" + b.ous.ID.String() + "&start=2027-06-01&end=2027-01-01",
			map[string]string{"end": "gtefield"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := problem(t, b.do("GET", tc.path, planner, nil), http.StatusBadRequest)
			require.Equal(t, tc.errors, fields(p))
		})
	}
}

// TestConsistencyReport restructures, through the API, the tree of an
// organisation under an agreement, and reads the findings as of a date
// after.
func TestConsistencyReport(t *testing.T) {
	t.Parallel()
	b := setup(t)
	admin := b.login(demo.StudySiteAdmin.Email)
	today := practice.DateOf(time.Now())
	start, changed, asOf := today.AddDays(-30), today.AddDays(30), today.AddDays(60)

	org := ok[practice.Organisation](t, b.do("POST", "/api/organisations", admin,
		map[string]any{"name": "Brønnøysundregistrene", "orgNumber": "974760673"}), http.StatusCreated)
	places := "/api/organisations/" + org.ID.String() + "/places"
	root := ok[practice.PlaceNode](t, b.do("POST", places, admin, map[string]any{"name": "Sykehuset", "from": start}), http.StatusCreated)
	moved := ok[practice.PlaceNode](t, b.do("POST", places, admin, map[string]any{"name": "Avdeling A", "from": start, "parentId": root.ID}), http.StatusCreated)
	closed := ok[practice.PlaceNode](t, b.do("POST", places, admin, map[string]any{"name": "Avdeling B", "from": start, "parentId": root.ID}), http.StatusCreated)
	ag := ok[agreement.Agreement](t, b.do("POST", "/api/institutions/"+b.nih.ID.String()+"/agreements", admin, map[string]any{
		"organisationId": org.ID, "name": "Avtale med registeret", "places": []any{map[string]any{"placeId": root.ID}},
		"period": map[string]any{"start": start}, "status": "active",
	}), http.StatusCreated)

	report := "/api/institutions/" + b.nih.ID.String() + "/consistency?asOf="
	kinds := func(r agreement.Report) map[agreement.FindingKind][]practice.ID {
		out := map[agreement.FindingKind][]practice.ID{}
		for _, f := range r.Findings {
			if f.Objects[0].ID == ag.ID {
				require.Equal(t, "agreement", f.Objects[0].Type)
				require.NotEmpty(t, f.Text.NB)
				require.NotEmpty(t, f.Text.EN)
				for _, o := range f.Objects[1:] {
					out[f.Kind] = append(out[f.Kind], o.ID)
				}
			}
		}
		return out
	}
	r := ok[agreement.Report](t, b.do("GET", report+asOf.String(), b.login(demo.Planner.Email), nil), http.StatusOK)
	require.Empty(t, kinds(r), "nothing to find before the changes")

	ok[practice.PlaceVersion](t, b.do("POST", "/api/places/"+moved.ID.String()+"/changes", admin,
		map[string]any{"from": changed, "parentId": practice.NilID}), http.StatusCreated)
	ok[practice.PlaceVersion](t, b.do("POST", "/api/places/"+closed.ID.String()+"/changes", admin,
		map[string]any{"from": changed, "close": true}), http.StatusCreated)

	r = ok[agreement.Report](t, b.do("GET", report+asOf.String(), admin, nil), http.StatusOK)
	require.Equal(t, b.nih.ID, r.InstitutionID)
	require.Equal(t, asOf, r.AsOf)
	found := kinds(r)
	require.Equal(t, []practice.ID{moved.ID}, found[agreement.FindingPlaceMoved], "%+v", r.Findings)
	require.Equal(t, []practice.ID{closed.ID}, found[agreement.FindingPlaceClosed], "%+v", r.Findings)
	require.Empty(t, kinds(ok[agreement.Report](t, b.do("GET", report+today.String(), admin, nil), http.StatusOK)),
		"as of today the changes have not happened")

	for _, tc := range []struct {
		name, query string
		errors      map[string]string
	}{
		{"no date", "", map[string]string{"asOf": "required"}},
		{"a date in another form", "31.12.2027", map[string]string{"asOf": "date"}},
		{"a date out of range", "2200-01-01", map[string]string{"asOf": "range"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := strings.TrimSuffix(report, "?asOf=")
			if tc.query != "" {
				path = report + tc.query
			}
			p := problem(t, b.do("GET", path, admin, nil), http.StatusBadRequest)
			require.Equal(t, tc.errors, fields(p))
		})
	}
	problem(t, b.do("GET", report+asOf.String(), b.login(demo.OtherStudySiteAdmin.Email), nil), http.StatusForbidden)
}

// TestPreview previews restructurings of a place the demo agreement
// covers: what they would do, to whom it is told, and that nothing
// changes.
func TestPreview(t *testing.T) {
	t.Parallel()
	b := setup(t)
	admin := b.login(demo.StudySiteAdmin.Email)
	active, _ := b.demoAgreements()
	tree := b.ousTree()
	child := tree.Roots[0].Children[0]
	preview := "/api/places/" + child.ID.String() + "/changes/preview"
	move := map[string]any{"from": "2030-01-01", "parentId": practice.NilID}
	before := b.state()

	impact := ok[agreement.Impact](t, b.do("POST", preview, admin, move), http.StatusOK)
	require.Equal(t, child.ID, impact.Result.PlaceID)
	require.Equal(t, practice.NilID, impact.Result.ParentID)
	require.Equal(t, practice.NewDate(2030, time.January, 1), impact.Result.From)
	require.Zero(t, impact.Hidden)
	require.Len(t, impact.Agreements, 1)
	require.Equal(t, active.ID, impact.Agreements[0].AgreementID)
	require.Equal(t, b.nih.ID, impact.Agreements[0].InstitutionID)
	var left []practice.ID
	for _, e := range impact.Agreements[0].Effects {
		require.Equal(t, agreement.Leaves, e.Kind)
		require.Equal(t, practice.NewDate(2030, time.January, 1), e.On)
		left = append(left, e.PlaceID)
	}
	require.Contains(t, left, child.ID)

	other := ok[agreement.Impact](t, b.do("POST", preview, b.login(demo.OtherStudySiteAdmin.Email), move), http.StatusOK)
	require.Empty(t, other.Agreements, "PHS may not read NIH's agreement")
	require.Equal(t, 1, other.Hidden)

	renamed := ok[agreement.Impact](t, b.do("POST", preview, admin, map[string]any{"from": "2030-01-01", "name": "Nytt navn"}), http.StatusOK)
	require.Len(t, renamed.Agreements, 1)
	require.Equal(t, agreement.Renamed, renamed.Agreements[0].Effects[0].Kind)
	require.Equal(t, child.Name, renamed.Agreements[0].Effects[0].Name)

	p := problem(t, b.do("POST", "/api/places/"+tree.Roots[0].ID.String()+"/changes/preview", admin,
		map[string]any{"from": "2030-01-01", "close": true}), http.StatusUnprocessableEntity)
	require.Equal(t, map[string]string{"close": "no-open-children"}, fields(p), "refused as the change itself would be")
	p = problem(t, b.do("POST", preview, admin, map[string]any{"from": "2030-01-01", "close": true, "name": "X"}), http.StatusUnprocessableEntity)
	require.NotEmpty(t, p.Errors)
	problem(t, b.do("POST", "/api/places/"+practice.NewID().String()+"/changes/preview", admin, move), http.StatusNotFound)
	p = problem(t, b.do("POST", preview, admin, map[string]any{"from": "2030-01-01", "colour": "red"}), http.StatusBadRequest)
	require.Equal(t, map[string]string{"colour": "unknown"}, fields(p))

	require.Equal(t, before, b.state(), "a preview changes nothing")
	now := ok[practice.PlaceOn](t, b.do("GET", "/api/places/"+child.ID.String()+"?asOf=2030-06-01", "", nil), http.StatusOK)
	require.Equal(t, tree.Roots[0].ID, now.Structure.ParentID, "the place was not moved")
}

// TestAgreementsOpenAPI checks the document's description of the upload
// and the download, which the handlers read and write themselves.
func TestAgreementsOpenAPI(t *testing.T) {
	t.Parallel()
	b := setupInProcess(t)
	type schema struct {
		Type       string            `json:"type"`
		Format     string            `json:"format"`
		Required   []string          `json:"required"`
		Properties map[string]schema `json:"properties"`
	}
	type media map[string]struct {
		Schema schema `json:"schema"`
	}
	var doc struct {
		Paths map[string]map[string]struct {
			RequestBody struct {
				Required bool  `json:"required"`
				Content  media `json:"content"`
			} `json:"requestBody"`
			Responses map[string]struct {
				Content media                     `json:"content"`
				Headers map[string]map[string]any `json:"headers"`
			} `json:"responses"`
		}
	}
	require.NoError(t, json.Unmarshal(b.spec.doc, &doc))

	upload := doc.Paths["/api/agreements/{id}/documents"]["post"]
	require.True(t, upload.RequestBody.Required)
	form := upload.RequestBody.Content["multipart/form-data"].Schema
	require.Equal(t, []string{"file"}, form.Required)
	require.Equal(t, schema{Type: "string", Format: "binary"}, form.Properties["file"])
	for _, status := range []string{"201", "400", "401", "403", "404", "413", "415", "422"} {
		require.Contains(t, upload.Responses, status)
	}

	download := doc.Paths["/api/agreements/{id}/documents/{documentId}"]["get"].Responses["200"]
	require.Equal(t, schema{Type: "string", Format: "binary"}, download.Content["*/*"].Schema)
	require.Contains(t, download.Headers, "Content-Disposition")
	require.Contains(t, download.Headers, "Content-Length")
}
