package agreement

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/gabriel-vasile/mimetype"

	"github.com/praksis/praksis/practice"
)

// documentName checks and cleans the name of an uploaded file: its base
// name (a client may send a path), as text without control characters,
// visible, of at most 200 bytes.
func documentName(name string) (string, error) {
	if strings.TrimSpace(name) == "" {
		return "", practice.Invalid("name", "required", "is required: the file's name")
	}
	name = strings.TrimSpace(path.Base(strings.ReplaceAll(name, `\`, "/")))
	v := practice.Validate(struct {
		Name string `json:"name" validate:"required,max=200,visible"`
	}{name})
	if v != nil {
		return "", v
	}
	if name == "." || name == ".." || name == "/" {
		return "", practice.Invalid("name", "filename", "must be the name of a file")
	}
	return name, nil
}

// sniff returns the content type of b, found from its content alone, if it
// is one of the allowed types.
func (s *Service) sniff(b []byte) (string, error) {
	// Only the type found counts, not its parents: a Word document is a zip
	// file, but a zip file is not allowed for maybe being one.
	m := mimetype.Detect(b)
	for _, t := range s.types {
		if m.Is(t) && (!isZipped(t) || wellPackaged(b, t)) {
			return t, nil
		}
	}
	return "", practice.Invalid("file", "content-type", fmt.Sprintf(
		"the file's content is not of an allowed type (%s)", strings.Join(s.types, ", ")))
}

// The zipped document types, with the part that makes a package one of
// them, and what its content types must declare for that part ("" for
// OpenDocument, whose "mimetype" entry names the type).
const (
	typeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	typeODT  = "application/vnd.oasis.opendocument.text"
)

func isZipped(t string) bool { return t == typeDOCX || t == typeODT }

// wellPackaged reports whether b, which mimetype found to be of type t by
// the names of its entries, is a package of that type: an Office Open XML
// document declares its main part as a document (not a macro-enabled one)
// and holds it, an OpenDocument text names its type in its "mimetype"
// entry and holds content.xml; neither holds macros (vbaProject.bin, a
// Basic or Scripts directory) or an executable.
func wellPackaged(b []byte, t string) bool {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return false
	}
	entries := map[string]*zip.File{}
	for _, f := range zr.File {
		name := strings.ToLower(f.Name)
		base := path.Base(name)
		if base == "vbaproject.bin" || strings.HasPrefix(name, "basic/") || strings.HasPrefix(name, "scripts/") ||
			strings.HasSuffix(base, ".exe") || strings.HasSuffix(base, ".dll") || strings.HasSuffix(base, ".js") {
			return false
		}
		entries[f.Name] = f
	}
	read := func(name string, limit int64) string {
		f, ok := entries[name]
		if !ok {
			return ""
		}
		r, err := f.Open()
		if err != nil {
			return ""
		}
		defer r.Close()
		data, _ := io.ReadAll(io.LimitReader(r, limit))
		return string(data)
	}
	switch t {
	case typeDOCX:
		types := read("[Content_Types].xml", 1<<20)
		return entries["word/document.xml"] != nil &&
			strings.Contains(types, "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml") &&
			!strings.Contains(types, "macroEnabled")
	case typeODT:
		return strings.TrimSpace(read("mimetype", 100)) == typeODT && entries["content.xml"] != nil
	}
	return false
}

// AddDocument attaches a document to an agreement, such as the signed PDF:
// the bytes r yields, of at most the service's largest size, whose content
// must be of an allowed type, whatever its name says. The name is cut to
// its base name. The institution's practice administrators may.
func (s *Service) AddDocument(ctx context.Context, a practice.Actor, agreementID practice.ID, name string, r io.Reader) (Document, error) {
	// Check the right before the input and before reading the upload.
	ag, err := s.read(ctx, a, agreementID)
	if err != nil {
		return Document{}, err
	}
	if err := canManage(a, ag.InstitutionID); err != nil {
		return Document{}, err
	}
	name, err = documentName(name)
	if err != nil {
		return Document{}, err
	}
	b, err := io.ReadAll(io.LimitReader(r, s.maxSize+1))
	if err != nil {
		return Document{}, fmt.Errorf("agreement: read the document: %w", err)
	}
	switch {
	case int64(len(b)) > s.maxSize:
		return Document{}, practice.Invalid("file", "max-size", fmt.Sprintf("must be at most %d bytes", s.maxSize))
	case len(b) == 0:
		return Document{}, practice.Invalid("file", "required", "the file is empty")
	}
	contentType, err := s.sniff(b)
	if err != nil {
		return Document{}, err
	}
	sum := sha256.Sum256(b)
	d := Document{ID: s.newID(), AgreementID: agreementID, Name: name, ContentType: contentType, Size: int64(len(b)),
		SHA256: hex.EncodeToString(sum[:]), UploadedBy: a.PersonID, CreatedAt: s.now()}
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.Lock(ctx, LockAgreement, agreementID); err != nil {
			return err
		}
		if _, err := s.read(ctx, a, agreementID); err != nil {
			return err
		}
		if err := s.blobs.PutBlob(ctx, d.ID, bytes.NewReader(b)); err != nil {
			return err
		}
		return saveError(s.store.CreateDocument(ctx, d), agreementID, 0)
	})
	if err != nil {
		return Document{}, err
	}
	return d, nil
}

// Documents lists an agreement's documents, ordered by ID, to those who may
// read it.
func (s *Service) Documents(ctx context.Context, a practice.Actor, agreementID practice.ID, page practice.PageRequest) (practice.Page[Document], error) {
	if err := page.Check(); err != nil {
		return practice.Page[Document]{}, err
	}
	var out practice.Page[Document]
	err := s.store.InSnapshot(ctx, func(ctx context.Context) error {
		if _, err := s.read(ctx, a, agreementID); err != nil {
			return err
		}
		var err error
		out, err = s.store.Documents(ctx, DocumentFilter{AgreementID: agreementID, Page: page})
		return err
	})
	return out, err
}

// document returns a document whose agreement a may read.
func (s *Service) document(ctx context.Context, a practice.Actor, id practice.ID) (Document, Agreement, error) {
	if err := loggedIn(a); err != nil {
		return Document{}, Agreement{}, err
	}
	d, err := s.store.Document(ctx, id)
	if errors.Is(err, practice.ErrNotFound) {
		return Document{}, Agreement{}, practice.NotFound("there is no document %s", id)
	}
	if err != nil {
		return Document{}, Agreement{}, err
	}
	ag, err := s.read(ctx, a, d.AgreementID)
	if errors.Is(err, practice.ErrNotFound) {
		return Document{}, Agreement{}, practice.NotFound("there is no document %s", id)
	}
	return d, ag, err
}

// Document returns what is known of a document, without its bytes, to
// those who may read its agreement.
func (s *Service) Document(ctx context.Context, a practice.Actor, documentID practice.ID) (Document, error) {
	d, _, err := s.document(ctx, a, documentID)
	return d, err
}

// OpenDocument returns a document and a reader of its bytes to those who
// may read its agreement. The caller closes the reader.
func (s *Service) OpenDocument(ctx context.Context, a practice.Actor, documentID practice.ID) (Document, io.ReadCloser, error) {
	d, _, err := s.document(ctx, a, documentID)
	if err != nil {
		return Document{}, nil, err
	}
	r, err := s.blobs.OpenBlob(ctx, d.ID)
	if errors.Is(err, practice.ErrNotFound) {
		return Document{}, nil, practice.NotFound("there is no document %s", documentID)
	}
	if err != nil {
		return Document{}, nil, err
	}
	return d, r, nil
}

// RemoveDocument removes a document. The institution's practice
// administrators may.
func (s *Service) RemoveDocument(ctx context.Context, a practice.Actor, documentID practice.ID) error {
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		d, ag, err := s.document(ctx, a, documentID)
		if err != nil {
			return err
		}
		if err := canManage(a, ag.InstitutionID); err != nil {
			return err
		}
		if err := s.store.DeleteDocument(ctx, d.ID); err != nil {
			return err
		}
		if s.ownBlobs {
			return s.blobs.DeleteBlob(ctx, d.ID)
		}
		return nil
	})
	if err != nil || s.ownBlobs {
		return err
	}
	if err := s.blobs.DeleteBlob(ctx, documentID); err != nil && !errors.Is(err, practice.ErrNotFound) {
		return fmt.Errorf("agreement: the document is removed, its bytes not: %w", err)
	}
	return nil
}
