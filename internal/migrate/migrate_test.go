package migrate

import (
	"context"
	"errors"
	"slices"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/require"
)

func TestLoad(t *testing.T) {
	t.Parallel()
	ms, err := Load(fstest.MapFS{
		"0010_c.up.sql":   {Data: []byte("c")},
		"0002_b.up.sql":   {Data: []byte("b")},
		"0002_b.down.sql": {Data: []byte("not applied")},
		"0001_a.up.sql":   {Data: []byte("a")},
	})
	require.NoError(t, err)
	require.Equal(t, []Migration{{1, "0001_a.up.sql", "a"}, {2, "0002_b.up.sql", "b"}, {10, "0010_c.up.sql", "c"}}, ms,
		"up migrations, by version, not by file name order")

	for name, fsys := range map[string]fstest.MapFS{
		"a name without a version": {"kernel.up.sql": {}},
		"three digits":             {"001_kernel.up.sql": {}},
		"no direction":             {"0001_kernel.sql": {}},
		"upper case":               {"0001_Kernel.up.sql": {}},
		"two of one version":       {"0001_a.up.sql": {}, "0001_b.up.sql": {}},
		"a down without an up":     {"0001_a.up.sql": {}, "0002_b.down.sql": {}},
		"another file":             {"0001_a.up.sql": {}, "README.md": {}},
	} {
		_, err := Load(fsys)
		require.Error(t, err, name)
	}
}

// fakeDB records what Up does; its transactions commit only on success.
type fakeDB struct {
	table   bool
	applied []int
	ran     []string
	failOn  string
}

type fakeTx struct {
	db      *fakeDB
	table   bool
	applied []int
	ran     []string
}

func (db *fakeDB) InLockedTx(ctx context.Context, fn func(context.Context, Tx) error) error {
	tx := &fakeTx{db: db, table: db.table, applied: slices.Clone(db.applied), ran: slices.Clone(db.ran)}
	if err := fn(ctx, tx); err != nil {
		return err
	}
	db.table, db.applied, db.ran = tx.table, tx.applied, tx.ran
	return nil
}

func (tx *fakeTx) CreateTable(context.Context) error { tx.table = true; return nil }
func (tx *fakeTx) Applied(context.Context) ([]int, error) {
	if !tx.table {
		return nil, errors.New("no table")
	}
	return tx.applied, nil
}
func (tx *fakeTx) Exec(_ context.Context, script string) error {
	if script == tx.db.failOn {
		return errors.New("syntax error")
	}
	tx.ran = append(tx.ran, script)
	return nil
}
func (tx *fakeTx) Record(_ context.Context, m Migration, at time.Time) error {
	tx.applied = append(tx.applied, m.Version)
	return nil
}

func TestUp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ms := []Migration{{1, "0001_a.up.sql", "a"}, {2, "0002_b.up.sql", "b"}, {3, "0003_c.up.sql", "c"}}

	db := &fakeDB{}
	done, err := Up(ctx, db, ms[:2])
	require.NoError(t, err)
	require.Equal(t, []int{1, 2}, done)
	done, err = Up(ctx, db, ms)
	require.NoError(t, err)
	require.Equal(t, []int{3}, done, "Up applies only what is not recorded")
	require.Equal(t, []string{"a", "b", "c"}, db.ran)
	done, err = Up(ctx, db, ms)
	require.NoError(t, err)
	require.Empty(t, done, "a second Up applies nothing")

	db = &fakeDB{failOn: "b"}
	done, err = Up(ctx, db, ms)
	require.ErrorContains(t, err, "0002_b.up.sql")
	require.Equal(t, []int{1}, done, "the migrations before the failed one stay applied")
	require.Equal(t, []int{1}, db.applied, "a failed migration leaves no record")
	require.Equal(t, []string{"a"}, db.ran)
}
