package notify_test

import (
	"io/fs"
	"net/mail"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/notify"
)

func openMailbox(t *testing.T) (*notify.Mailbox, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "mail")
	b, err := notify.OpenMailbox(dir, mail.Address{Name: "Praksisportalen", Address: "praksis@praksis.example.no"})
	require.NoError(t, err)
	return b, dir
}

func TestMailboxWritesEML(t *testing.T) {
	t.Parallel()
	b, dir := openMailbox(t)
	msg, err := newRenderer(t).Render(sampleMail())
	require.NoError(t, err)
	msg.ID = "0190f5a2-7b3c-7d4e-8f5a-1b2c3d4e5f60"
	require.NoError(t, b.Send(t.Context(), msg))

	fi, err := os.Stat(dir)
	require.NoError(t, err)
	require.Equal(t, fs.ModeDir|0o700, fi.Mode())
	path := filepath.Join(dir, msg.ID+".eml")
	fi, err = os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, fs.FileMode(0o600), fi.Mode())
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file is left")

	raw, err := b.Read(msg.ID)
	require.NoError(t, err)
	m := parse(t, string(raw))
	require.Equal(t, "<"+msg.ID+"@praksis.example.no>", m.Header.Get("Message-ID"))
	require.Equal(t, msg.Subject, subject(t, m.Header))
	require.Contains(t, m.Text, theLink)
	require.Contains(t, m.HTML, `href="`+theLink+`"`)

	list, err := b.List()
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, msg.ID, list[0].ID)
	require.Equal(t, msg.Subject, list[0].Subject)
	require.Equal(t, "ase@example.no", list[0].To)
	require.Equal(t, "Åse Øvrebø <script>alert(1)</script>", list[0].ToName)
	require.Equal(t, path, list[0].Path)
	require.WithinDuration(t, time.Now(), list[0].Time, time.Minute)
}

// The same ID twice is one message, the last one; IDs with any bytes stay
// in the directory and come back from List.
func TestMailboxOverwritesByID(t *testing.T) {
	t.Parallel()
	b, dir := openMailbox(t)
	send := func(id, subject string) {
		require.NoError(t, b.Send(t.Context(), notify.Message{ID: id, To: "ola@example.no", Subject: subject, Text: "t", HTML: "<p>h</p>"}))
	}
	send("42", "first")
	send("42", "second")
	send("../../etc/passwd", "odd")
	send("job 7", "odd")

	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 3)
	list, err := b.List()
	require.NoError(t, err)
	subjects := map[string]string{}
	for _, s := range list {
		require.Equal(t, dir, filepath.Dir(s.Path))
		subjects[s.ID] = s.Subject
	}
	require.Equal(t, map[string]string{"42": "second", "../../etc/passwd": "odd", "job 7": "odd"}, subjects)
}

func TestMailboxListsNewestFirst(t *testing.T) {
	t.Parallel()
	b, dir := openMailbox(t)
	base := time.Now().Add(-time.Hour)
	for i, id := range []string{"b", "c", "a"} {
		require.NoError(t, b.Send(t.Context(), notify.Message{ID: id, To: "ola@example.no", Subject: id, Text: "t"}))
		at := base.Add(time.Duration(i) * time.Minute)
		require.NoError(t, os.Chtimes(filepath.Join(dir, id+".eml"), at, at))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not mail"), 0o600))
	list, err := b.List()
	require.NoError(t, err)
	var ids []string
	for _, s := range list {
		ids = append(ids, s.ID)
	}
	require.Equal(t, []string{"a", "c", "b"}, ids)
}

func TestMailboxReadMissing(t *testing.T) {
	t.Parallel()
	b, _ := openMailbox(t)
	_, err := b.Read("nothing")
	require.ErrorIs(t, err, fs.ErrNotExist)
	list, err := b.List()
	require.NoError(t, err)
	require.Empty(t, list)
}
