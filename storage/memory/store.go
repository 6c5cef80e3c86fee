// Package memory is a praksis store held in memory: for unit tests,
// simulations and trying things out. [Store] implements practice.Store,
// invite.InvitationStore and agreement.Store; the contracts are documented
// there.
//
// It is safe for concurrent use. Transactions are serialised: InTx holds
// the store's write lock until fn returns, and changes the data in place,
// keeping an undo log that a rollback (or the rollback of a nested InTx, a
// savepoint) replays backwards, so a transaction costs what it changes, not
// a copy of the store. InSnapshot and reads outside a transaction share a
// read lock. Unique values are found through indexes, and so are an
// organisation's places, a person's or an organisation's rights, an
// organisation's or an address's invitations, an institution's, an
// organisation's or a place's agreements, and an agreement's documents.
//
// A store call made with another context while an InTx callback runs in the
// same goroutine waits for the callback for ever: inside a callback, use
// its context.
//
// # Errors
//
// The store returns the errors the practice.Store contract names:
// *practice.Error values with ErrNotFound or ErrConflict, saying which
// value is taken or that a version is stale.
package memory

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/google/btree"

	"github.com/praksis/praksis/practice"
)

// Store is a practice.Store in memory. The zero value is not usable; call
// [New].
type Store struct {
	mu sync.RWMutex
	d  data
}

// data is the store's tables and their indexes.
type data struct {
	institutions       map[practice.ID]practice.Institution
	institutionCodes   map[string]practice.ID
	institutionsByName *btree.BTreeG[named]

	organisations       map[practice.ID]practice.Organisation
	orgNumbers          map[string]practice.ID
	organisationsByName *btree.BTreeG[named]

	places      map[practice.ID]practice.Place
	placesByOrg map[practice.ID]map[practice.ID]struct{}
	versions    map[practice.ID][]practice.PlaceVersion // by place, in From order

	people       map[practice.ID]practice.Person
	emails       map[string]practice.ID // by practice.EmailKey
	nationalIDs  map[string]practice.ID // by the number's digits
	peopleByName *btree.BTreeG[named]

	memberships   map[membershipKey]practice.Right
	membersByOrg  map[practice.ID]map[practice.ID]struct{} // organisation → people
	orgsByPerson  map[practice.ID]map[practice.ID]struct{} // person → organisations
	staff         map[practice.StaffMembership]struct{}
	staffByInst   map[practice.ID]map[practice.StaffMembership]struct{}
	staffByPerson map[practice.ID]map[practice.StaffMembership]struct{}

	// The areas of the other packages, each in its own file; their zero
	// values are usable.
	audit       auditData
	invitations invitationData
	agreements  agreementData // agreement.AgreementStore
	// orgVersions caches each organisation's place versions, for
	// Coverage; AddPlaceVersion drops an organisation's, and so does its
	// undo.
	orgVersions cache[[]practice.PlaceVersion]
	documents   documentData // agreement.DocumentStore and agreement.Blobs
	events      outboxData
}

type membershipKey struct{ organisation, person practice.ID }

// New returns an empty Store.
func New() *Store {
	return &Store{d: data{
		institutions:        map[practice.ID]practice.Institution{},
		institutionCodes:    map[string]practice.ID{},
		institutionsByName:  btree.NewG(32, named.less),
		organisations:       map[practice.ID]practice.Organisation{},
		orgNumbers:          map[string]practice.ID{},
		organisationsByName: btree.NewG(32, named.less),
		peopleByName:        btree.NewG(32, named.less),
		places:              map[practice.ID]practice.Place{},
		placesByOrg:         map[practice.ID]map[practice.ID]struct{}{},
		versions:            map[practice.ID][]practice.PlaceVersion{},
		people:              map[practice.ID]practice.Person{},
		emails:              map[string]practice.ID{},
		nationalIDs:         map[string]practice.ID{},
		memberships:         map[membershipKey]practice.Right{},
		membersByOrg:        map[practice.ID]map[practice.ID]struct{}{},
		orgsByPerson:        map[practice.ID]map[practice.ID]struct{}{},
		staff:               map[practice.StaffMembership]struct{}{},
		staffByInst:         map[practice.ID]map[practice.StaffMembership]struct{}{},
		staffByPerson:       map[practice.ID]map[practice.StaffMembership]struct{}{},
	}}
}

var _ practice.Store = (*Store)(nil)

type txKey struct{}

// tx is a transaction: InTx's holds the write lock and logs how to undo
// each change; InSnapshot's holds the read lock and may not write.
type tx struct {
	store    *Store
	readOnly bool
	ended    bool
	undo     []func()
}

// rollbackTo undoes the changes logged after the first n, last first.
func (t *tx) rollbackTo(n int) {
	for i := len(t.undo) - 1; i >= n; i-- {
		t.undo[i]()
	}
	t.undo = t.undo[:n]
}

var (
	errEnded    = errors.New("memory: the transaction of this context has ended")
	errReadOnly = errors.New("memory: a snapshot is read-only: write in InTx")
	errNoTx     = errors.New("memory: Lock must be called with the context of an InTx callback")
)

// usable returns an error if t has ended, or may not write and write is
// true.
func (t *tx) usable(write bool) error {
	switch {
	case t.ended:
		return errEnded
	case write && t.readOnly:
		return errReadOnly
	}
	return nil
}

// txOf returns the transaction of s that ctx carries, or nil.
func (s *Store) txOf(ctx context.Context) *tx {
	if t, ok := ctx.Value(txKey{}).(*tx); ok && t.store == s {
		return t
	}
	return nil
}

// InTx implements practice.Transactor. It holds the store's write lock
// while fn runs; nested, it marks the undo log and rolls back to the mark if
// fn fails.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if t := s.txOf(ctx); t != nil {
		if err := t.usable(true); err != nil {
			return err
		}
		mark := len(t.undo)
		ok := false
		defer func() {
			if !ok {
				t.rollbackTo(mark)
			}
		}()
		err := fn(ctx)
		ok = err == nil
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := &tx{store: s}
	ok := false
	defer func() {
		if !ok {
			t.rollbackTo(0)
		}
		t.ended, t.undo = true, nil
	}()
	err := fn(context.WithValue(ctx, txKey{}, t))
	ok = err == nil
	return err
}

// InSnapshot implements practice.Transactor: fn runs under the store's read
// lock, so no write happens meanwhile.
func (s *Store) InSnapshot(ctx context.Context, fn func(ctx context.Context) error) error {
	if t := s.txOf(ctx); t != nil {
		if err := t.usable(false); err != nil {
			return err
		}
		return fn(ctx)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	t := &tx{store: s, readOnly: true}
	defer func() { t.ended = true }()
	return fn(context.WithValue(ctx, txKey{}, t))
}

// Lock implements practice.Locker. Transactions are serialised already, so
// it only checks that ctx carries one.
func (s *Store) Lock(ctx context.Context, _ practice.LockScope, _ practice.ID) error {
	t := s.txOf(ctx)
	if t == nil {
		return errNoTx
	}
	return t.usable(true)
}

// read runs fn on the data: under the transaction of ctx, or else under
// the read lock.
func (s *Store) read(ctx context.Context, fn func(d *data) error) error {
	if t := s.txOf(ctx); t != nil {
		if err := t.usable(false); err != nil {
			return err
		}
		return fn(&s.d)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return fn(&s.d)
}

// change is how a write changes the data: do applies a change and logs
// how to undo it, if a transaction may roll it back.
type change struct{ t *tx }

func (c change) do(apply, undo func()) {
	apply()
	if c.t != nil {
		c.t.undo = append(c.t.undo, undo)
	}
}

// write runs fn, which must check everything before it changes anything,
// under the transaction of ctx, or else under the write lock.
func (s *Store) write(ctx context.Context, fn func(d *data, c change) error) error {
	if t := s.txOf(ctx); t != nil {
		if err := t.usable(true); err != nil {
			return err
		}
		return fn(&s.d, change{t})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return fn(&s.d, change{})
}

// cache keeps values derived from the data, by ID, such as an
// organisation's place versions in one slice, so that a report over the
// country reads 2,000 slices, not 100,000 map entries. A write that changes
// what a value derives from forgets it, and so does its undo. Readers that
// share the read lock fill it side by side, so it has a lock of its own.
// Its zero value is empty and usable; its values are never changed.
type cache[V any] struct {
	mu sync.Mutex
	m  map[practice.ID]V
}

// get returns the value of id, made by build if the cache has none.
func (c *cache[V]) get(id practice.ID, build func() V) V {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.m[id]; ok {
		return v
	}
	v := build()
	if c.m == nil {
		c.m = map[practice.ID]V{}
	}
	c.m[id] = v
	return v
}

// forget drops the value of id, as part of change c and on its undo.
func (c *cache[V]) forget(ch change, id practice.ID) {
	drop := func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		delete(c.m, id)
	}
	ch.do(drop, drop)
}

// put sets m[k] = v, and undoes it by restoring what was there.
func put[K comparable, V any](c change, m map[K]V, k K, v V) {
	old, had := m[k]
	c.do(func() { m[k] = v }, func() {
		if had {
			m[k] = old
		} else {
			delete(m, k)
		}
	})
}

// remove deletes m[k], and undoes it by putting it back.
func remove[K comparable, V any](c change, m map[K]V, k K) {
	old, had := m[k]
	if !had {
		return
	}
	c.do(func() { delete(m, k) }, func() { m[k] = old })
}

// addTo adds k to the set m[group], and removeFrom removes it.
func addTo[G, K comparable](c change, m map[G]map[K]struct{}, group G, k K) {
	c.do(func() {
		set := m[group]
		if set == nil {
			set = map[K]struct{}{}
			m[group] = set
		}
		set[k] = struct{}{}
	}, func() { removeKey(m, group, k) })
}

func removeFrom[G, K comparable](c change, m map[G]map[K]struct{}, group G, k K) {
	if _, ok := m[group][k]; !ok {
		return
	}
	c.do(func() { removeKey(m, group, k) }, func() {
		set := m[group]
		if set == nil {
			set = map[K]struct{}{}
			m[group] = set
		}
		set[k] = struct{}{}
	})
}

func removeKey[G, K comparable](m map[G]map[K]struct{}, group G, k K) {
	delete(m[group], k)
	if len(m[group]) == 0 {
		delete(m, group)
	}
}

// utc returns t as every store keeps it: in UTC, at microsecond precision.
func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// update is the optimistic-concurrency check of every Update method: the
// record exists and has the version given.
func update[T any](m map[practice.ID]T, id practice.ID, version func(T) int, given int, what string) (T, error) {
	old, ok := m[id]
	if !ok {
		return old, practice.NotFound("there is no %s %s", what, id)
	}
	if version(old) != given {
		return old, practice.Stale(nil)
	}
	return old, nil
}

// list returns the page req asks for of items, which it orders by key: a
// tuple of strings compared part by part, as the SQL adapters order their
// columns (IDs as their text, which sorts as their bytes do).
func list[T any](items []T, key func(T) []string, req practice.PageRequest) (practice.Page[T], error) {
	type keyed struct {
		key  []string
		item T
	}
	ks := make([]keyed, len(items))
	for i, it := range items {
		ks[i] = keyed{key(it), it}
	}
	var zero T
	after, err := req.After.Key(len(key(zero)))
	if err != nil {
		return practice.Page[T]{}, err
	}
	slices.SortFunc(ks, func(a, b keyed) int { return slices.Compare(a.key, b.key) })
	start := 0
	if after != nil {
		start, _ = slices.BinarySearchFunc(ks, after, func(k keyed, t []string) int {
			return cmp.Or(slices.Compare(k.key, t), -1) // the first key > after
		})
	}
	size := req.Size()
	out := make([]T, 0, min(size+1, len(ks)-start))
	for _, k := range ks[start:min(len(ks), start+size+1)] {
		out = append(out, k.item)
	}
	return practice.PageOf(out, size, key), nil
}

// named is the sort key of a list ordered by name, then ID: an entry of an
// ordered index.
type named struct {
	name string
	id   practice.ID
}

func (a named) less(b named) bool {
	return a.name < b.name || a.name == b.name && a.id.Compare(b.id) < 0
}

// index adds k to the ordered index t, and undoes it by removing it.
func index(c change, t *btree.BTreeG[named], k named) {
	c.do(func() { t.ReplaceOrInsert(k) }, func() { t.Delete(k) })
}

// unindex removes k from the ordered index t, and undoes it by adding it.
func unindex(c change, t *btree.BTreeG[named], k named) {
	c.do(func() { t.Delete(k) }, func() { t.ReplaceOrInsert(k) })
}

// listNamed returns the page req asks for of a list ordered by name, then
// ID, walking the ordered index t from the cursor: get gives the item of
// an entry, and false if the list's filter leaves it out. A page costs
// what it reads of the index, not the size of the list. The cursor's key
// is compared as text, as the SQL adapters compare it.
func listNamed[T any](t *btree.BTreeG[named], req practice.PageRequest, get func(named) (T, bool), key func(T) []string) (practice.Page[T], error) {
	after, err := req.After.Key(2)
	if err != nil {
		return practice.Page[T]{}, err
	}
	size := req.Size()
	out := make([]T, 0, min(size+1, 64))
	visit := func(k named) bool {
		if after != nil && k.name == after[0] && k.id.String() <= after[1] {
			return true
		}
		if item, ok := get(k); ok {
			out = append(out, item)
		}
		return len(out) <= size
	}
	if after == nil {
		t.Ascend(visit)
	} else {
		t.AscendGreaterOrEqual(named{name: after[0]}, visit)
	}
	return practice.PageOf(out, size, key), nil
}

// valuesOf returns the values of m whose keys are in the set keys.
func valuesOf[K comparable, V any](m map[K]V, keys map[K]struct{}) []V {
	out := make([]V, 0, len(keys))
	for k := range keys {
		if v, ok := m[k]; ok {
			out = append(out, v)
		}
	}
	return out
}

func allValues[K comparable, V any](m map[K]V) []V {
	out := make([]V, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
