package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/praksis/praksis/agreement"
	"github.com/praksis/praksis/practice"
)

// What is known of documents is in praksis_agreement_document, their bytes
// in praksis_blob (migration 0004), apart, as an application may keep the
// bytes elsewhere.

const documentColumns = `id, agreement_id, name, content_type, size, sha256, uploaded_by, created_at`

// documentOrder is the order of Documents, and documentKey a document's
// place in it.
var documentOrder = []keyColumn{idKey("id")}

func documentKey(d agreement.Document) []string { return []string{d.ID.String()} }

func scanDocument(row pgx.Row) (agreement.Document, error) {
	var (
		d  agreement.Document
		by *practice.ID
	)
	if err := row.Scan(&d.ID, &d.AgreementID, &d.Name, &d.ContentType, &d.Size, &d.SHA256, &by, &d.CreatedAt); err != nil {
		return agreement.Document{}, err
	}
	d.UploadedBy, d.CreatedAt = idOf(by), d.CreatedAt.UTC()
	return d, nil
}

// CreateDocument implements agreement.DocumentStore.
func (s *Store) CreateDocument(ctx context.Context, d agreement.Document) error {
	_, err := s.exec(ctx, `INSERT INTO praksis_agreement_document (`+documentColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		d.ID, d.AgreementID, d.Name, d.ContentType, d.Size, d.SHA256, nullID(d.UploadedBy), d.CreatedAt)
	return err
}

// Document implements agreement.DocumentStore.
func (s *Store) Document(ctx context.Context, id practice.ID) (agreement.Document, error) {
	return get(ctx, s.reader(ctx), scanDocument, "there is no document "+id.String(),
		`SELECT `+documentColumns+` FROM praksis_agreement_document WHERE id = $1`, id)
}

// Documents implements agreement.DocumentStore.
func (s *Store) Documents(ctx context.Context, f agreement.DocumentFilter) (practice.Page[agreement.Document], error) {
	q := psql.Select(documentColumns).From("praksis_agreement_document")
	if f.AgreementID != practice.NilID {
		q = q.Where("agreement_id = ?", f.AgreementID)
	}
	return list(ctx, s.reader(ctx), q, documentOrder, f.Page, scanDocument, documentKey)
}

// DeleteDocument implements agreement.DocumentStore. It leaves the
// document's bytes: remove them with DeleteBlob.
func (s *Store) DeleteDocument(ctx context.Context, id practice.ID) error {
	return s.execOne(ctx, "there is no document "+id.String(), `DELETE FROM praksis_agreement_document WHERE id = $1`, id)
}

// blobChunk is how many bytes of a blob a reader of OpenBlob reads at a
// time: 1 MiB, so a document of 20 MiB is read in 20 statements and never
// held whole.
const blobChunk = 1 << 20

// PutBlob implements agreement.Blobs in the table praksis_blob, in the
// transaction of ctx if it carries one. It reads r to its end first.
func (s *Store) PutBlob(ctx context.Context, key practice.ID, r io.Reader) error {
	if _, err := s.writer(ctx); err != nil {
		return err // before reading r
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("postgres: read the bytes to store: %w", err)
	}
	_, err = s.exec(ctx, `INSERT INTO praksis_blob (key, content) VALUES ($1, $2)`, key, b)
	return err
}

// OpenBlob implements agreement.Blobs. It reads the blob's length and its
// first chunk (blobChunk bytes), and the reader each further chunk as it
// goes, with one statement each, with ctx: in the transaction of ctx while
// that lasts, and on the pool once it has ended. A blob removed while it
// is read is ErrNotFound, one whose length changed io.ErrUnexpectedEOF.
func (s *Store) OpenBlob(ctx context.Context, key practice.ID) (io.ReadCloser, error) {
	br := &blobReader{s: s, ctx: ctx, key: key}
	err := s.reader(ctx).QueryRow(ctx, `SELECT octet_length(content), substring(content FROM 1 FOR $2) FROM praksis_blob WHERE key = $1`,
		key, blobChunk).Scan(&br.size, &br.buf)
	if err != nil {
		return nil, interpretError(err, br.missing())
	}
	br.off = int64(len(br.buf))
	return br, nil
}

// DeleteBlob implements agreement.Blobs.
func (s *Store) DeleteBlob(ctx context.Context, key practice.ID) error {
	return s.execOne(ctx, "there is no blob "+key.String(), `DELETE FROM praksis_blob WHERE key = $1`, key)
}

// blobReader reads a blob chunk by chunk. buf holds what was read and not
// yet returned; off is the offset in the blob of the byte after buf; mem
// is the memory of the chunks after the first.
type blobReader struct {
	s      *Store
	ctx    context.Context
	key    practice.ID
	size   int64
	off    int64
	buf    []byte
	mem    []byte
	closed bool
}

// errBlobClosed is the error of a read after Close.
var errBlobClosed = errors.New("postgres: read of a closed blob reader")

func (r *blobReader) missing() string { return "there is no blob " + r.key.String() }

func (r *blobReader) Read(p []byte) (int, error) {
	if r.closed {
		return 0, errBlobClosed
	}
	if len(r.buf) == 0 {
		if r.off >= r.size {
			return 0, io.EOF
		}
		if err := r.next(); err != nil {
			return 0, err
		}
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// next reads the chunk at off into buf, in mem, which it makes once, as
// large as the first chunk it reads, the largest.
func (r *blobReader) next() error {
	const sql = `SELECT substring(content FROM $2 FOR $3) FROM praksis_blob WHERE key = $1`
	if r.mem == nil {
		r.mem = make([]byte, min(blobChunk, r.size-r.off))
	}
	chunk := pgtype.PreallocBytes(r.mem)
	err := r.s.reader(r.ctx).QueryRow(r.ctx, sql, r.key, r.off+1, blobChunk).Scan(&chunk)
	if errors.Is(err, pgx.ErrTxClosed) { // the transaction of ctx has ended
		err = r.s.pool.QueryRow(r.ctx, sql, r.key, r.off+1, blobChunk).Scan(&chunk)
	}
	if err != nil {
		return interpretError(err, r.missing())
	}
	if want := min(blobChunk, r.size-r.off); int64(len(chunk)) != want {
		return io.ErrUnexpectedEOF
	}
	r.buf, r.off = chunk, r.off+int64(len(chunk))
	return nil
}

// Close ends the reader. It holds no connection between reads, so there is
// nothing to release but its memory.
func (r *blobReader) Close() error {
	r.closed, r.buf, r.mem = true, nil, nil
	return nil
}
