package memory

import (
	"bytes"
	"context"
	"io"

	"github.com/praksis/praksis/agreement"
	"github.com/praksis/praksis/practice"
)

// documentData is the agreements' documents and their bytes. Its zero
// value holds none: the first document or blob stored makes its maps.
type documentData struct {
	byID        map[practice.ID]agreement.Document
	byAgreement map[practice.ID]map[practice.ID]struct{} // agreement → documents
	blobs       map[practice.ID][]byte                   // by key
}

// init makes the maps of an empty documentData; it runs under the write
// lock. The empty maps stay when a transaction that made them rolls back.
func (v *documentData) init() {
	if v.byID != nil {
		return
	}
	v.byID = map[practice.ID]agreement.Document{}
	v.byAgreement = map[practice.ID]map[practice.ID]struct{}{}
	v.blobs = map[practice.ID][]byte{}
}

func documentKey(doc agreement.Document) []string { return []string{doc.ID.String()} }

// CreateDocument implements agreement.DocumentStore.
func (s *Store) CreateDocument(ctx context.Context, doc agreement.Document) error {
	return s.write(ctx, func(d *data, c change) error {
		v := &d.documents
		if _, ok := v.byID[doc.ID]; ok {
			return practice.Taken("id", nil)
		}
		if _, ok := d.agreements.byID[doc.AgreementID]; !ok {
			return practice.NotFound("there is no agreement %s", doc.AgreementID)
		}
		if _, ok := d.people[doc.UploadedBy]; !ok && doc.UploadedBy != practice.NilID {
			return practice.NotFound("there is no person %s", doc.UploadedBy)
		}
		v.init()
		doc.CreatedAt = utc(doc.CreatedAt)
		put(c, v.byID, doc.ID, doc)
		addTo(c, v.byAgreement, doc.AgreementID, doc.ID)
		return nil
	})
}

// Document implements agreement.DocumentStore.
func (s *Store) Document(ctx context.Context, id practice.ID) (out agreement.Document, err error) {
	err = s.read(ctx, func(d *data) error {
		var ok bool
		if out, ok = d.documents.byID[id]; !ok {
			return practice.NotFound("there is no document %s", id)
		}
		return nil
	})
	return out, err
}

// Documents implements agreement.DocumentStore. It starts from the
// agreement's documents, or all.
func (s *Store) Documents(ctx context.Context, f agreement.DocumentFilter) (out practice.Page[agreement.Document], err error) {
	err = s.read(ctx, func(d *data) error {
		v := &d.documents
		var some []agreement.Document
		if f.AgreementID != practice.NilID {
			some = valuesOf(v.byID, v.byAgreement[f.AgreementID])
		} else {
			some = allValues(v.byID)
		}
		out, err = list(some, documentKey, f.Page)
		return err
	})
	return out, err
}

// DeleteDocument implements agreement.DocumentStore. The document's bytes
// stay, under their key, until DeleteBlob.
func (s *Store) DeleteDocument(ctx context.Context, id practice.ID) error {
	return s.write(ctx, func(d *data, c change) error {
		v := &d.documents
		doc, ok := v.byID[id]
		if !ok {
			return practice.NotFound("there is no document %s", id)
		}
		remove(c, v.byID, id)
		removeFrom(c, v.byAgreement, doc.AgreementID, id)
		return nil
	})
}

// PutBlob implements agreement.Blobs. It reads r to its end before it
// takes the store's lock, so a slow reader holds up no one else (unless
// ctx carries a transaction, which holds the lock already).
func (s *Store) PutBlob(ctx context.Context, key practice.ID, r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	return s.write(ctx, func(d *data, c change) error {
		v := &d.documents
		if _, ok := v.blobs[key]; ok {
			return practice.Taken("id", nil)
		}
		v.init()
		put(c, v.blobs, key, b)
		return nil
	})
}

// OpenBlob implements agreement.Blobs. The reader reads a copy of the
// bytes, which a later DeleteBlob leaves as they are.
func (s *Store) OpenBlob(ctx context.Context, key practice.ID) (out io.ReadCloser, err error) {
	err = s.read(ctx, func(d *data) error {
		b, ok := d.documents.blobs[key]
		if !ok {
			return practice.NotFound("there are no bytes under %s", key)
		}
		out = io.NopCloser(bytes.NewReader(bytes.Clone(b)))
		return nil
	})
	return out, err
}

// DeleteBlob implements agreement.Blobs.
func (s *Store) DeleteBlob(ctx context.Context, key practice.ID) error {
	return s.write(ctx, func(d *data, c change) error {
		v := &d.documents
		if _, ok := v.blobs[key]; !ok {
			return practice.NotFound("there are no bytes under %s", key)
		}
		remove(c, v.blobs, key)
		return nil
	})
}
