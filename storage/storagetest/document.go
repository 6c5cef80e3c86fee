package storagetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/agreement"
	"github.com/praksis/praksis/practice"
)

// newDocument returns a document of the agreement ag, uploaded by the
// system, not yet stored.
func newDocument(ag practice.ID) agreement.Document {
	sum := sha256.Sum256([]byte("signert avtale"))
	return agreement.Document{ID: practice.NewID(), AgreementID: ag, Name: fmt.Sprintf("avtale-%d.pdf", next()),
		ContentType: "application/pdf", Size: 14, SHA256: hex.EncodeToString(sum[:]), CreatedAt: now()}
}

func createDocument(t *testing.T, b agreementBundle, d agreement.Document) agreement.Document {
	t.Helper()
	require.NoError(t, b.ag.CreateDocument(b.ctx, d), "rule: CreateDocument stores a new document")
	d.CreatedAt = d.CreatedAt.UTC().Truncate(time.Microsecond)
	return d
}

// createAgreementOf stores an agreement with a new institution and
// organisation, for a case about its documents.
func createAgreementOf(t *testing.T, b agreementBundle) agreement.Agreement {
	t.Helper()
	p := createParties(t, b, 1)
	return createAgreement(t, b, newAgreement(p.inst.ID, p.org.ID, p.places...))
}

func (b agreementBundle) document(t *testing.T, id practice.ID) agreement.Document {
	t.Helper()
	got, err := b.ag.Document(b.ctx, id)
	require.NoError(t, err, "rule: Document returns a stored document")
	return got
}

func (b agreementBundle) documents(t *testing.T, f agreement.DocumentFilter) []agreement.Document {
	t.Helper()
	return listed(b.ag.Documents(b.ctx, f)).items(t)
}

// newBlob returns n random bytes (n at least 2) with a zero byte first and
// 0xff last, so that a store that keeps bytes as text, or trims them, is
// caught.
func newBlob(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails
	b[0], b[n-1] = 0x00, 0xff
	return b
}

func putBlob(t *testing.T, b agreementBundle, key practice.ID, data []byte) {
	t.Helper()
	require.NoError(t, b.ag.PutBlob(b.ctx, key, bytes.NewReader(data)), "rule: PutBlob stores the bytes under a new key")
}

// readBlob returns the bytes under key, read to the end, and closes the
// reader.
func readBlob(t *testing.T, b agreementBundle, key practice.ID) []byte {
	t.Helper()
	r, err := b.ag.OpenBlob(b.ctx, key)
	require.NoError(t, err, "rule: OpenBlob opens the bytes under a key")
	got, err := io.ReadAll(r)
	require.NoError(t, err, "rule: the reader of OpenBlob reads the bytes to the end without error")
	require.NoError(t, r.Close(), "rule: the reader of OpenBlob closes without error")
	return got
}

// sameBytes fails the test, naming the rule, unless got is want, without
// printing them.
func sameBytes(t *testing.T, want, got []byte, rule string) {
	t.Helper()
	require.True(t, bytes.Equal(want, got), "rule: %s: want %d bytes (sha256 %x), got %d bytes (sha256 %x)",
		rule, len(want), sha256.Sum256(want), len(got), sha256.Sum256(got))
}

func testDocuments(t *testing.T, h AgreementHarness) {
	t.Run("RoundTrip", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		a := createAgreementOf(t, b)
		uploader := createPerson(t, b.bundle, "Kari")
		full := newDocument(a.ID)
		full.Name, full.ContentType = "Samarbeidsavtale – signert (2026).pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
		full.Size, full.UploadedBy = 3<<20+17, uploader.ID
		full.CreatedAt = time.Date(2026, 11, 29, 7, 30, 15, 123456789, time.FixedZone("UTC+1", 3600))
		bare := newDocument(a.ID)
		createDocument(t, b, full)
		createDocument(t, b, bare)
		want := full
		want.CreatedAt = full.CreatedAt.UTC().Truncate(time.Microsecond)
		const rule = "a document round-trips every field: its name and content type byte for byte, its size, digest and uploader, " +
			"or NilID for the system, and its time in UTC at microsecond precision"
		require.Equal(t, want, b.document(t, full.ID), "rule: Document: %s", rule)
		require.Equal(t, bare, b.document(t, bare.ID), "rule: Document: %s", rule)
		require.Equal(t, time.UTC, b.document(t, full.ID).CreatedAt.Location(), "rule: a time is returned in UTC")
		require.Equal(t, []agreement.Document{want, bare}, b.documents(t, agreement.DocumentFilter{AgreementID: a.ID}), "rule: Documents: %s", rule)
	})
	t.Run("NotFound", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		createDocument(t, b, newDocument(createAgreementOf(t, b).ID))
		_, err := b.ag.Document(b.ctx, practice.NewID())
		isRule(t, err, practice.ErrNotFound, "Document of an unknown ID returns ErrNotFound")
		inDomainWords(t, err, "Document of an unknown ID")
	})
	t.Run("Taken", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		a := createAgreementOf(t, b)
		d := createDocument(t, b, newDocument(a.ID))
		create := func(v agreement.Document) error {
			return b.try(func(ctx context.Context) error { return b.ag.CreateDocument(ctx, v) })
		}
		dup := newDocument(a.ID)
		dup.ID = d.ID
		isConflict(t, create(dup), "id", "CreateDocument with a taken ID is a conflict on id")
		dup.AgreementID, dup.UploadedBy = practice.NewID(), practice.NewID()
		isConflict(t, create(dup), "id", "CreateDocument checks the ID before the records it refers to")
		require.Equal(t, []agreement.Document{d}, b.documents(t, agreement.DocumentFilter{AgreementID: a.ID}),
			"rule: a refused CreateDocument stores nothing")
		require.Equal(t, d, b.document(t, d.ID), "rule: a refused CreateDocument changes nothing")
	})
	t.Run("UnknownReference", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		a := createAgreementOf(t, b)
		create := func(v agreement.Document) error {
			return b.try(func(ctx context.Context) error { return b.ag.CreateDocument(ctx, v) })
		}
		for _, ref := range []struct {
			what string
			set  func(d *agreement.Document)
		}{
			{"agreement", func(d *agreement.Document) { d.AgreementID = practice.NewID() }},
			{"uploader (UploadedBy)", func(d *agreement.Document) { d.UploadedBy = practice.NewID() }},
		} {
			d := newDocument(a.ID)
			ref.set(&d)
			err := create(d)
			isRule(t, err, practice.ErrNotFound, "CreateDocument that refers to an unknown "+ref.what+" returns ErrNotFound")
			inDomainWords(t, err, "CreateDocument that refers to an unknown "+ref.what)
			_, err = b.ag.Document(b.ctx, d.ID)
			isRule(t, err, practice.ErrNotFound, "a refused CreateDocument stores nothing")
		}
		require.Empty(t, b.documents(t, agreement.DocumentFilter{AgreementID: a.ID}), "rule: a refused CreateDocument stores nothing")
	})
	t.Run("List", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		a, other := createAgreementOf(t, b), createAgreementOf(t, b)
		docs := []agreement.Document{newDocument(a.ID), newDocument(other.ID), newDocument(a.ID), newDocument(a.ID)}
		for _, i := range []int{3, 1, 0, 2} { // against the order of their IDs
			docs[i] = createDocument(t, b, docs[i])
		}
		require.Equal(t, []agreement.Document{docs[0], docs[2], docs[3]}, b.documents(t, agreement.DocumentFilter{AgreementID: a.ID}),
			"rule: DocumentFilter.AgreementID selects the agreement's documents, ordered by ID")
		require.Empty(t, b.documents(t, agreement.DocumentFilter{AgreementID: createAgreementOf(t, b).ID}),
			"rule: DocumentFilter.AgreementID of an agreement without documents selects nothing")
		require.Equal(t, docs, b.documents(t, agreement.DocumentFilter{}), "rule: the zero DocumentFilter selects every document, ordered by ID")
	})
	t.Run("Page", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		a := createAgreementOf(t, b)
		for range 7 {
			createDocument(t, b, newDocument(a.ID))
		}
		createDocument(t, b, newDocument(createAgreementOf(t, b).ID))
		for _, c := range []struct {
			f agreement.DocumentFilter
			n int
		}{{agreement.DocumentFilter{AgreementID: a.ID}, 7}, {agreement.DocumentFilter{}, 8}} {
			all := pageThrough(t, "Documents", 3, func(req practice.PageRequest) (practice.Page[agreement.Document], error) {
				f := c.f
				f.Page = req
				return b.ag.Documents(b.ctx, f)
			})
			require.Len(t, all, c.n, "rule: Documents: the pages hold every document the filter selects once")
		}
		for _, c := range []practice.Cursor{"not a cursor", "%%%", practice.NewCursor("a", "b")} {
			err := b.try(func(ctx context.Context) error {
				_, err := b.ag.Documents(ctx, agreement.DocumentFilter{AgreementID: a.ID, Page: practice.PageRequest{After: c}})
				return err
			})
			isValidation(t, err, "cursor", "a cursor that Documents did not give is a *ValidationError on cursor")
		}
	})
	t.Run("Delete", func(t *testing.T) {
		t.Parallel()
		b := h.setup(t)
		a := createAgreementOf(t, b)
		gone, kept := createDocument(t, b, newDocument(a.ID)), createDocument(t, b, newDocument(a.ID))
		require.NoError(t, b.ag.DeleteDocument(b.ctx, gone.ID), "rule: DeleteDocument removes a stored document")
		_, err := b.ag.Document(b.ctx, gone.ID)
		isRule(t, err, practice.ErrNotFound, "Document of a deleted document returns ErrNotFound")
		require.Equal(t, []agreement.Document{kept}, b.documents(t, agreement.DocumentFilter{AgreementID: a.ID}),
			"rule: DeleteDocument removes the document from its agreement's list, and only that document")
		require.Equal(t, kept, b.document(t, kept.ID), "rule: DeleteDocument leaves the other documents as they are")
		for _, id := range []practice.ID{gone.ID, practice.NewID()} {
			err := b.try(func(ctx context.Context) error { return b.ag.DeleteDocument(ctx, id) })
			isRule(t, err, practice.ErrNotFound, "DeleteDocument of a deleted or unknown document returns ErrNotFound")
			inDomainWords(t, err, "DeleteDocument of an unknown document")
		}
	})
	t.Run("Blob", func(t *testing.T) {
		t.Parallel()
		b := h.fresh(t)
		small, large := newBlob(64), newBlob(3<<20)
		smallKey, largeKey, emptyKey := practice.NewID(), practice.NewID(), practice.NewID()
		putBlob(t, b, smallKey, small)
		putBlob(t, b, largeKey, large)
		putBlob(t, b, emptyKey, nil)
		sameBytes(t, small, readBlob(t, b, smallKey), "OpenBlob reads exactly the bytes PutBlob stored, a zero byte first and 0xff last")
		sameBytes(t, large, readBlob(t, b, largeKey), "OpenBlob reads exactly the bytes PutBlob stored, 3 MiB of them")
		sameBytes(t, []byte{}, readBlob(t, b, emptyKey), "PutBlob stores no bytes under a key, and OpenBlob reads them: none")
		sameBytes(t, small, readBlob(t, b, smallKey), "OpenBlob reads the same bytes every time")
	})
	t.Run("BlobSmallReads", func(t *testing.T) {
		t.Parallel()
		b := h.fresh(t)
		data := newBlob(1000)
		key := practice.NewID()
		putBlob(t, b, key, data)
		open := func() io.ReadCloser {
			r, err := b.ag.OpenBlob(b.ctx, key)
			require.NoError(t, err)
			t.Cleanup(func() { _ = r.Close() })
			return r
		}
		require.NoError(t, iotest.TestReader(open(), data), "rule: the reader of OpenBlob reads as an io.Reader must, in reads of any size")
		var got bytes.Buffer
		// The structs hide WriteTo and ReadFrom, so that every read is 7 bytes at most.
		_, err := io.CopyBuffer(struct{ io.Writer }{&got}, struct{ io.Reader }{open()}, make([]byte, 7))
		require.NoError(t, err)
		sameBytes(t, data, got.Bytes(), "the reader of OpenBlob gives the same bytes in reads of 7 bytes")
		one, err := io.ReadAll(iotest.OneByteReader(open()))
		require.NoError(t, err)
		sameBytes(t, data, one, "the reader of OpenBlob gives the same bytes in reads of one byte")
	})
	t.Run("BlobTaken", func(t *testing.T) {
		t.Parallel()
		b := h.fresh(t)
		data, key := newBlob(100), practice.NewID()
		putBlob(t, b, key, data)
		err := b.ag.PutBlob(b.ctx, key, bytes.NewReader(newBlob(50)))
		isConflict(t, err, "id", "PutBlob under a taken key is a conflict on id")
		sameBytes(t, data, readBlob(t, b, key), "a refused PutBlob leaves the bytes under the key as they were")
	})
	t.Run("BlobNotFound", func(t *testing.T) {
		t.Parallel()
		b := h.fresh(t)
		putBlob(t, b, practice.NewID(), newBlob(10))
		_, err := b.ag.OpenBlob(b.ctx, practice.NewID())
		isRule(t, err, practice.ErrNotFound, "OpenBlob of an unknown key returns ErrNotFound")
		inDomainWords(t, err, "OpenBlob of an unknown key")
		err = b.ag.DeleteBlob(b.ctx, practice.NewID())
		isRule(t, err, practice.ErrNotFound, "DeleteBlob of an unknown key returns ErrNotFound")
		inDomainWords(t, err, "DeleteBlob of an unknown key")
	})
	t.Run("BlobDelete", func(t *testing.T) {
		t.Parallel()
		b := h.fresh(t)
		gone, kept := practice.NewID(), practice.NewID()
		keptData := newBlob(100)
		putBlob(t, b, gone, newBlob(100))
		putBlob(t, b, kept, keptData)
		require.NoError(t, b.ag.DeleteBlob(b.ctx, gone), "rule: DeleteBlob removes the bytes under a key")
		_, err := b.ag.OpenBlob(b.ctx, gone)
		isRule(t, err, practice.ErrNotFound, "OpenBlob of a deleted key returns ErrNotFound")
		isRule(t, b.ag.DeleteBlob(b.ctx, gone), practice.ErrNotFound, "DeleteBlob of a deleted key returns ErrNotFound")
		sameBytes(t, keptData, readBlob(t, b, kept), "DeleteBlob leaves the bytes under other keys as they are")
		again := newBlob(20)
		putBlob(t, b, gone, again)
		sameBytes(t, again, readBlob(t, b, gone), "a deleted key is free again")
	})
	t.Run("BlobFailingReader", func(t *testing.T) {
		t.Parallel()
		b := h.fresh(t)
		key := practice.NewID()
		broken := io.MultiReader(bytes.NewReader(newBlob(4096)), iotest.ErrReader(errors.New("the upload broke off")))
		require.Error(t, b.ag.PutBlob(b.ctx, key, broken), "rule: PutBlob whose reader fails returns an error")
		_, err := b.ag.OpenBlob(b.ctx, key)
		isRule(t, err, practice.ErrNotFound, "PutBlob whose reader fails stores nothing under the key")
		data := newBlob(10)
		putBlob(t, b, key, data)
		sameBytes(t, data, readBlob(t, b, key), "PutBlob whose reader fails leaves the key free")
	})
	t.Run("BlobsApart", func(t *testing.T) {
		t.Parallel()
		b := h.fresh(t)
		a := createAgreementOf(t, b)
		loose := newBlob(10)
		looseKey := practice.NewID()
		putBlob(t, b, looseKey, loose)
		sameBytes(t, loose, readBlob(t, b, looseKey), "PutBlob stores bytes under any key, whether a document has it as ID or not")
		d := createDocument(t, b, newDocument(a.ID))
		data := newBlob(100)
		putBlob(t, b, d.ID, data)
		require.NoError(t, b.ag.DeleteDocument(b.ctx, d.ID))
		sameBytes(t, data, readBlob(t, b, d.ID), "DeleteDocument leaves the document's bytes under its key: they go with DeleteBlob")
		require.NoError(t, b.ag.DeleteBlob(b.ctx, d.ID), "rule: DeleteBlob removes a deleted document's bytes")
	})
	t.Run("Rollback", func(t *testing.T) {
		t.Parallel()
		b := h.fresh(t)
		a := createAgreementOf(t, b)
		kept := createDocument(t, b, newDocument(a.ID))
		keptData := newBlob(200)
		putBlob(t, b, kept.ID, keptData)
		d, data := newDocument(a.ID), newBlob(300)
		boom := errors.New("boom")
		err := b.s.InTx(b.ctx, func(ctx context.Context) error {
			require.NoError(t, b.ag.CreateDocument(ctx, d))
			require.NoError(t, b.ag.PutBlob(ctx, d.ID, bytes.NewReader(data)))
			require.NoError(t, b.ag.DeleteDocument(ctx, kept.ID))
			require.NoError(t, b.ag.DeleteBlob(ctx, kept.ID))
			return boom
		})
		require.Same(t, boom, err, "rule: InTx returns fn's error unchanged")
		const rule = "a rolled-back transaction leaves no document or bytes behind, and takes none away"
		_, err = b.ag.Document(b.ctx, d.ID)
		isRule(t, err, practice.ErrNotFound, rule)
		_, err = b.ag.OpenBlob(b.ctx, d.ID)
		isRule(t, err, practice.ErrNotFound, rule)
		require.Equal(t, []agreement.Document{kept}, b.documents(t, agreement.DocumentFilter{AgreementID: a.ID}), "rule: %s", rule)
		sameBytes(t, keptData, readBlob(t, b, kept.ID), rule)
		require.NoError(t, b.ag.CreateDocument(b.ctx, d), "rule: a rolled-back document's ID is free again")
		putBlob(t, b, d.ID, data)
		sameBytes(t, data, readBlob(t, b, d.ID), "a rolled-back blob's key is free again")
	})
	t.Run("RefusedInTx", func(t *testing.T) {
		t.Parallel()
		b := h.fresh(t)
		a := createAgreementOf(t, b)
		var d, bad agreement.Document
		require.NoError(t, b.s.InTx(b.ctx, func(ctx context.Context) error {
			d = createDocument(t, agreementBundle{bundle{s: b.s, ctx: ctx}, b.ag}, newDocument(a.ID))
			bad = newDocument(a.ID)
			bad.UploadedBy = practice.NewID()
			err := b.s.InTx(ctx, func(ctx context.Context) error { return b.ag.CreateDocument(ctx, bad) })
			isRule(t, err, practice.ErrNotFound, "CreateDocument that refers to an unknown uploader returns ErrNotFound in a transaction")
			return b.ag.PutBlob(ctx, d.ID, bytes.NewReader(newBlob(10)))
		}), "rule: after a write refused in a nested InTx, the outer transaction goes on and commits")
		require.Equal(t, []agreement.Document{d}, b.documents(t, agreement.DocumentFilter{AgreementID: a.ID}),
			"rule: a write refused for an unknown reference in a transaction that commits leaves nothing of it behind")
	})
}
