package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"

	"github.com/uptrace/bun"

	"github.com/praksis/praksis/agreement"
	"github.com/praksis/praksis/practice"
)

// documentRow is a row of the table praksis_agreement_document.
type documentRow struct {
	bun.BaseModel `bun:"table:praksis_agreement_document"`

	ID          string `bun:"id,pk"`
	AgreementID string `bun:"agreement_id"`
	Name        string `bun:"name"`
	ContentType string `bun:"content_type"`
	Size        int64  `bun:"size"`
	SHA256      string `bun:"sha256"`
	UploadedBy  string `bun:"uploaded_by,nullzero"` // NULL for the system
	CreatedAt   string `bun:"created_at"`
}

func documentToRow(d agreement.Document) documentRow {
	return documentRow{
		ID: d.ID.String(), AgreementID: d.AgreementID.String(), Name: d.Name, ContentType: d.ContentType,
		Size: d.Size, SHA256: d.SHA256, UploadedBy: nullID(d.UploadedBy), CreatedAt: formatTime(d.CreatedAt),
	}
}

func (r documentRow) domain() (agreement.Document, error) {
	var c converter
	d := agreement.Document{
		ID: c.id(r.ID), AgreementID: c.id(r.AgreementID), Name: r.Name, ContentType: r.ContentType,
		Size: r.Size, SHA256: r.SHA256, UploadedBy: c.nullID(r.UploadedBy), CreatedAt: c.time(r.CreatedAt),
	}
	return d, c.err("document", r.ID)
}

// documentOrder is the order of Documents, by column; documentKey gives
// the same key of a document.
var documentOrder = []string{"id"}

func documentKey(d agreement.Document) []string { return []string{d.ID.String()} }

// CreateDocument implements agreement.DocumentStore.
func (s *Store) CreateDocument(ctx context.Context, d agreement.Document) error {
	row := documentToRow(d)
	missing, args := missingOf(ref{"agreement %s", d.AgreementID}, ref{"uploading person %s", d.UploadedBy})
	return s.insert(ctx, &row, missing, args...)
}

// Document implements agreement.DocumentStore.
func (s *Store) Document(ctx context.Context, id practice.ID) (agreement.Document, error) {
	var row documentRow
	if err := s.reader(ctx).NewSelect().Model(&row).Where("id = ?", id.String()).Scan(ctx); err != nil {
		return agreement.Document{}, interpretError(err, "there is no document %s", id)
	}
	return row.domain()
}

// Documents implements agreement.DocumentStore.
func (s *Store) Documents(ctx context.Context, f agreement.DocumentFilter) (practice.Page[agreement.Document], error) {
	q := s.reader(ctx).NewSelect()
	if f.AgreementID != practice.NilID {
		q = q.Where("agreement_id = ?", f.AgreementID.String())
	}
	return list(ctx, q, f.Page, documentOrder, documentRow.domain, documentKey)
}

// DeleteDocument implements agreement.DocumentStore. It leaves the
// document's bytes in Blobs.
func (s *Store) DeleteDocument(ctx context.Context, id practice.ID) error {
	db, err := s.writer(ctx)
	if err != nil {
		return err
	}
	res, err := db.NewDelete().Model((*documentRow)(nil)).Where("id = ?", id.String()).Exec(ctx)
	return deleted(res, err, "there is no document %s", id)
}

// blobChunk is how many bytes a reader of OpenBlob reads at a time.
const blobChunk = 1 << 20

// rawDB is what the statements of blobs run on: database/sql's *sql.Tx or
// *sql.DB, not bun's. They bind their arguments, where bun would write a
// blob into the statement's text as hex, twice its size.
type rawDB interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// raw returns the rawDB a statement made with ctx runs on: the
// transaction ctx carries, or else the database.
func (s *Store) raw(ctx context.Context) rawDB {
	if t, ok := s.txOf(ctx); ok {
		return t.tx.Tx
	}
	return s.bun.DB
}

// PutBlob implements agreement.Blobs. It reads r to its end before it
// writes, and keeps the bytes in the table praksis_blob.
func (s *Store) PutBlob(ctx context.Context, key practice.ID, r io.Reader) error {
	if _, err := s.writer(ctx); err != nil {
		return err
	}
	content, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("sqlite: read the bytes of %s: %w", key, err)
	}
	res, err := s.raw(ctx).ExecContext(ctx, `INSERT INTO praksis_blob ("key", content) VALUES (?, ?) ON CONFLICT ("key") DO NOTHING`,
		key.String(), content)
	if err != nil {
		return interpretError(err, "")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return interpretError(err, "")
	}
	if n == 0 {
		return practice.Taken("id", nil)
	}
	return nil
}

// OpenBlob implements agreement.Blobs. It reads the length of the bytes
// under key; the reader then reads them 1 MiB at a time, each with ctx: in
// the transaction ctx carries while it lasts, and on the database once it
// has ended. Bytes removed, or a transaction that wrote them rolled back,
// before they are read to the end, are an error of the reader.
func (s *Store) OpenBlob(ctx context.Context, key practice.ID) (io.ReadCloser, error) {
	var size int64
	err := s.raw(ctx).QueryRowContext(ctx, `SELECT length(content) FROM praksis_blob WHERE "key" = ?`, key.String()).Scan(&size)
	if err != nil {
		return nil, interpretError(err, "there are no bytes under the key %s", key)
	}
	return &blobReader{s: s, ctx: ctx, db: s.raw(ctx), key: key, size: size}, nil
}

// blobReader reads the bytes under key, size of them, a chunk at a time.
type blobReader struct {
	s      *Store
	ctx    context.Context
	db     rawDB // the transaction of ctx, until it has ended
	key    practice.ID
	size   int64
	off    int64  // how many bytes were read from the database
	buf    []byte // what was read and not yet returned
	closed bool
}

// errBlobClosed is the error of a read after Close.
var errBlobClosed = errors.New("sqlite: read of closed bytes")

// Read implements io.Reader.
func (r *blobReader) Read(p []byte) (int, error) {
	if r.closed {
		return 0, errBlobClosed
	}
	if len(r.buf) == 0 {
		if r.off >= r.size {
			return 0, io.EOF
		}
		if len(p) == 0 {
			return 0, nil
		}
		if err := r.next(); err != nil {
			return 0, err
		}
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// next reads the next chunk into buf.
func (r *blobReader) next() error {
	n := min(blobChunk, r.size-r.off)
	const chunk = `SELECT substr(content, ?, ?) FROM praksis_blob WHERE "key" = ?`
	err := r.db.QueryRowContext(r.ctx, chunk, r.off+1, n, r.key.String()).Scan(&r.buf)
	if errors.Is(err, sql.ErrTxDone) {
		r.db = r.s.bun.DB
		err = r.db.QueryRowContext(r.ctx, chunk, r.off+1, n, r.key.String()).Scan(&r.buf)
	}
	if err != nil {
		return interpretError(err, "the bytes under the key %s were removed while they were read", r.key)
	}
	if int64(len(r.buf)) != n {
		return fmt.Errorf("sqlite: the bytes under the key %s changed while they were read", r.key)
	}
	r.off += n
	return nil
}

// Close implements io.Closer.
func (r *blobReader) Close() error {
	r.closed, r.buf = true, nil
	return nil
}

// DeleteBlob implements agreement.Blobs.
func (s *Store) DeleteBlob(ctx context.Context, key practice.ID) error {
	if _, err := s.writer(ctx); err != nil {
		return err
	}
	res, err := s.raw(ctx).ExecContext(ctx, `DELETE FROM praksis_blob WHERE "key" = ?`, key.String())
	return deleted(res, err, "there are no bytes under the key %s", key)
}
