package notify

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Mailbox is a [Sender] for development: it writes each message as an
// .eml file (RFC 5322, which mail clients open) into a directory, instead
// of sending it. A message whose ID was written before replaces the file.
// It is safe for concurrent use.
//
// The files hold the links with their secret tokens, as a recipient's
// mailbox would: the directory is made readable by its owner only, and a
// server shows the mailbox on a development page only.
type Mailbox struct {
	dir    string
	from   *mail.Address
	domain string
}

// Stored is a message in a [Mailbox].
type Stored struct {
	// ID is the message's ID ([Message.ID]).
	ID string
	// Subject, To and ToName are from the message's headers.
	Subject string
	To      string
	ToName  string
	// Time is when it was written (the file's modification time).
	Time time.Time
	// Path is the file.
	Path string
}

// OpenMailbox returns the mailbox in dir, made (mode 0700) if it does not
// exist. Its messages are from from (default praksis@localhost), whose
// domain is that of their Message-IDs.
func OpenMailbox(dir string, from mail.Address) (*Mailbox, error) {
	if from.Address == "" {
		from.Address = "praksis@localhost"
	}
	a, err := parseFrom(from)
	if err != nil {
		return nil, fmt.Errorf("notify: mailbox: the sender %v", err)
	}
	domain, err := idDomain("", a)
	if err != nil {
		return nil, fmt.Errorf("notify: mailbox: the sender's domain %v", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("notify: mailbox: %w", err)
	}
	return &Mailbox{dir: dir, from: a, domain: domain}, nil
}

// Send writes m into the mailbox as the file <ID>.eml (mode 0600), the ID
// escaped as in the Message-ID. It implements [Sender].
func (b *Mailbox) Send(ctx context.Context, m Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	msg, err := compose(m, b.from, b.domain, time.Now())
	if err != nil {
		return err
	}
	// 8bit, not quoted-printable: the file is read by people and tools,
	// and a link stays on one line.
	msg.SetEncoding(gomail.NoEncoding)
	f, err := os.CreateTemp(b.dir, ".tmp-*") // mode 0600
	if err != nil {
		return fmt.Errorf("notify: mailbox: %w", err)
	}
	_, err = msg.WriteTo(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), b.path(m.ID))
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return fmt.Errorf("notify: mailbox: message %s: %w", m.ID, err)
	}
	return nil
}

// path returns the file of the message id.
func (b *Mailbox) path(id string) string {
	return filepath.Join(b.dir, escapeID(id)+".eml")
}

// List returns the messages in the mailbox, newest first.
func (b *Mailbox) List() ([]Stored, error) {
	entries, err := os.ReadDir(b.dir)
	if err != nil {
		return nil, fmt.Errorf("notify: mailbox: %w", err)
	}
	var out []Stored
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".eml")
		if !ok || !e.Type().IsRegular() {
			continue
		}
		id, err := url.PathUnescape(name)
		if err != nil {
			continue // not written by Send
		}
		s, err := b.stored(id)
		if errors.Is(err, fs.ErrNotExist) {
			continue // replaced or removed meanwhile
		}
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(x, y Stored) int {
		return cmp.Or(y.Time.Compare(x.Time), strings.Compare(x.ID, y.ID))
	})
	return out, nil
}

// stored reads the headers of the message id.
func (b *Mailbox) stored(id string) (Stored, error) {
	s := Stored{ID: id, Path: b.path(id)}
	f, err := os.Open(s.Path)
	if err != nil {
		return s, fmt.Errorf("notify: mailbox: %w", err)
	}
	defer f.Close()
	m, err := mail.ReadMessage(f)
	if err != nil {
		return s, fmt.Errorf("notify: mailbox: message %s: %w", id, err)
	}
	var dec mime.WordDecoder
	if s.Subject, err = dec.DecodeHeader(m.Header.Get("Subject")); err != nil {
		s.Subject = m.Header.Get("Subject")
	}
	if to, err := m.Header.AddressList("To"); err == nil && len(to) > 0 {
		s.To, s.ToName = to[0].Address, to[0].Name
	}
	fi, err := f.Stat()
	if err != nil {
		return s, fmt.Errorf("notify: mailbox: %w", err)
	}
	s.Time = fi.ModTime()
	return s, nil
}

// Read returns the message id as written: an RFC 5322 message. A message
// not in the mailbox is an error that matches fs.ErrNotExist.
func (b *Mailbox) Read(id string) ([]byte, error) {
	data, err := os.ReadFile(b.path(id))
	if err != nil {
		return nil, fmt.Errorf("notify: mailbox: %w", err)
	}
	return data, nil
}
