// Package memory is a praksis store held in memory: for unit tests,
// simulations and trying things out. It is safe for concurrent use;
// transactions are serialised, and a transaction that fails leaves nothing
// behind.
//
// # Errors
//
// As every adapter, it returns errors for which errors.Is reports
// practice.ErrNotFound or practice.ErrConflict in the cases the
// practice.Store contract names.
package memory

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/praksis/praksis/practice"
)

// Store is a practice.Store in memory. The zero value is not usable; call
// [New].
type Store struct {
	mu sync.Mutex
	d  *data
}

type data struct {
	institutions  map[practice.ID]practice.Institution
	organisations map[practice.ID]practice.Organisation
	places        map[practice.ID]practice.Place
	versions      map[practice.ID][]practice.PlaceVersion // by place, in ValidFrom order
	people        map[practice.ID]practice.Person
	memberships   map[[2]practice.ID]practice.Membership // by organisation, person
	staff         map[practice.StaffMembership]bool
}

func (d *data) clone() *data {
	return &data{
		institutions:  maps.Clone(d.institutions),
		organisations: maps.Clone(d.organisations),
		places:        maps.Clone(d.places),
		versions:      maps.Clone(d.versions),
		people:        maps.Clone(d.people),
		memberships:   maps.Clone(d.memberships),
		staff:         maps.Clone(d.staff),
	}
}

// New returns an empty Store.
func New() *Store {
	return &Store{d: &data{
		institutions:  map[practice.ID]practice.Institution{},
		organisations: map[practice.ID]practice.Organisation{},
		places:        map[practice.ID]practice.Place{},
		versions:      map[practice.ID][]practice.PlaceVersion{},
		people:        map[practice.ID]practice.Person{},
		memberships:   map[[2]practice.ID]practice.Membership{},
		staff:         map[practice.StaffMembership]bool{},
	}}
}

var _ practice.Store = (*Store)(nil)

type txKey struct{}

// tx is a transaction's working copy of the data.
type tx struct {
	store *Store
	d     *data
}

// InTx runs fn on a copy of the data, holding the store's lock, and keeps
// the copy only if fn returns nil. Store calls inside fn must use the context
// fn receives; a call with another context would wait for the lock forever.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) (err error) {
	if t, ok := ctx.Value(txKey{}).(*tx); ok && t.store == s {
		return fn(ctx)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := &tx{store: s, d: s.d.clone()}
	if err := fn(context.WithValue(ctx, txKey{}, t)); err != nil {
		return err
	}
	s.d = t.d
	return nil
}

// with runs fn on the data: the transaction's copy if ctx carries one, or
// the store's data under its lock. A change outside a transaction must check
// everything before it changes anything, so a failed call changes nothing.
func (s *Store) with(ctx context.Context, fn func(d *data) error) error {
	if t, ok := ctx.Value(txKey{}).(*tx); ok && t.store == s {
		return fn(t.d)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return fn(s.d)
}

func notFound(what string, id practice.ID) error {
	return fmt.Errorf("%s %s: %w", what, id, practice.ErrNotFound)
}

func conflict(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), practice.ErrConflict)
}

// update stores v under id if the stored version is expected: the
// optimistic-concurrency rule of every Update method.
func update[T any](m map[practice.ID]T, id practice.ID, version func(T) int, expected int, v T, what string) error {
	old, ok := m[id]
	if !ok {
		return notFound(what, id)
	}
	if version(old) != expected {
		return conflict("%s %s: version %d is stale, the stored version is %d", what, id, expected, version(old))
	}
	m[id] = v
	return nil
}

// CreateInstitution implements practice.Store.
func (s *Store) CreateInstitution(ctx context.Context, in practice.Institution) error {
	return s.with(ctx, func(d *data) error {
		if _, ok := d.institutions[in.ID]; ok {
			return conflict("institution %s exists", in.ID)
		}
		for _, x := range d.institutions {
			if x.Code == in.Code {
				return conflict("institution code %q is taken", in.Code)
			}
		}
		d.institutions[in.ID] = in
		return nil
	})
}

// UpdateInstitution implements practice.Store.
func (s *Store) UpdateInstitution(ctx context.Context, in practice.Institution) error {
	return s.with(ctx, func(d *data) error {
		for _, x := range d.institutions {
			if x.Code == in.Code && x.ID != in.ID {
				return conflict("institution code %q is taken", in.Code)
			}
		}
		in.Version++
		return update(d.institutions, in.ID, func(x practice.Institution) int { return x.Version }, in.Version-1, in, "institution")
	})
}

// Institution implements practice.Store.
func (s *Store) Institution(ctx context.Context, id practice.ID) (out practice.Institution, err error) {
	err = s.with(ctx, func(d *data) error {
		var ok bool
		if out, ok = d.institutions[id]; !ok {
			return notFound("institution", id)
		}
		return nil
	})
	return out, err
}

// Institutions implements practice.Store.
func (s *Store) Institutions(ctx context.Context) (out []practice.Institution, err error) {
	err = s.with(ctx, func(d *data) error {
		out = sortedValues(d.institutions, func(a, b practice.Institution) int {
			return cmp.Or(cmp.Compare(a.Name, b.Name), compareIDs(a.ID, b.ID))
		})
		return nil
	})
	return out, err
}

func sortedValues[K comparable, V any](m map[K]V, cmp func(a, b V) int) []V {
	out := slices.Collect(maps.Values(m))
	slices.SortFunc(out, cmp)
	if out == nil {
		out = []V{}
	}
	return out
}

func compareIDs(a, b practice.ID) int { return a.Compare(b) }

// CreateOrganisation implements practice.Store.
func (s *Store) CreateOrganisation(ctx context.Context, o practice.Organisation) error {
	return s.with(ctx, func(d *data) error {
		if _, ok := d.organisations[o.ID]; ok {
			return conflict("organisation %s exists", o.ID)
		}
		if err := orgNumberFree(d, o); err != nil {
			return err
		}
		d.organisations[o.ID] = o
		return nil
	})
}

func orgNumberFree(d *data, o practice.Organisation) error {
	for _, x := range d.organisations {
		if x.OrgNumber == o.OrgNumber && x.ID != o.ID {
			return conflict("organisation number %s is taken", o.OrgNumber)
		}
	}
	return nil
}

// UpdateOrganisation implements practice.Store.
func (s *Store) UpdateOrganisation(ctx context.Context, o practice.Organisation) error {
	return s.with(ctx, func(d *data) error {
		if err := orgNumberFree(d, o); err != nil {
			return err
		}
		o.Version++
		return update(d.organisations, o.ID, func(x practice.Organisation) int { return x.Version }, o.Version-1, o, "organisation")
	})
}

// Organisation implements practice.Store.
func (s *Store) Organisation(ctx context.Context, id practice.ID) (out practice.Organisation, err error) {
	err = s.with(ctx, func(d *data) error {
		var ok bool
		if out, ok = d.organisations[id]; !ok {
			return notFound("organisation", id)
		}
		return nil
	})
	return out, err
}

// LockOrganisation implements practice.Store. Transactions are serialised
// already, so it only checks that the organisation exists.
func (s *Store) LockOrganisation(ctx context.Context, id practice.ID) error {
	if _, ok := ctx.Value(txKey{}).(*tx); !ok {
		return errors.New("memory: LockOrganisation called outside a transaction")
	}
	_, err := s.Organisation(ctx, id)
	return err
}

// Organisations implements practice.Store.
func (s *Store) Organisations(ctx context.Context, f practice.OrganisationFilter) (out []practice.Organisation, err error) {
	err = s.with(ctx, func(d *data) error {
		out = sortedValues(d.organisations, func(a, b practice.Organisation) int {
			return cmp.Or(cmp.Compare(a.Name, b.Name), compareIDs(a.ID, b.ID))
		})
		if f.OrgNumber != "" {
			out = slices.DeleteFunc(out, func(o practice.Organisation) bool { return o.OrgNumber != f.OrgNumber })
		}
		return nil
	})
	return out, err
}

// CreatePlace implements practice.Store.
func (s *Store) CreatePlace(ctx context.Context, p practice.Place) error {
	return s.with(ctx, func(d *data) error {
		if _, ok := d.places[p.ID]; ok {
			return conflict("place %s exists", p.ID)
		}
		if _, ok := d.organisations[p.OrganisationID]; !ok {
			return notFound("organisation", p.OrganisationID)
		}
		d.places[p.ID] = p
		return nil
	})
}

// UpdatePlace implements practice.Store.
func (s *Store) UpdatePlace(ctx context.Context, p practice.Place) error {
	return s.with(ctx, func(d *data) error {
		old, ok := d.places[p.ID]
		if !ok {
			return notFound("place", p.ID)
		}
		p.OrganisationID, p.CreatedAt = old.OrganisationID, old.CreatedAt
		p.Version++
		return update(d.places, p.ID, func(x practice.Place) int { return x.Version }, p.Version-1, p, "place")
	})
}

// Place implements practice.Store.
func (s *Store) Place(ctx context.Context, id practice.ID) (out practice.Place, err error) {
	err = s.with(ctx, func(d *data) error {
		var ok bool
		if out, ok = d.places[id]; !ok {
			return notFound("place", id)
		}
		return nil
	})
	return out, err
}

// Places implements practice.Store.
func (s *Store) Places(ctx context.Context, organisationID practice.ID) (out []practice.Place, err error) {
	err = s.with(ctx, func(d *data) error {
		out = sortedValues(d.places, func(a, b practice.Place) int { return compareIDs(a.ID, b.ID) })
		out = slices.DeleteFunc(out, func(p practice.Place) bool { return p.OrganisationID != organisationID })
		return nil
	})
	return out, err
}

// AddPlaceVersion implements practice.Store.
func (s *Store) AddPlaceVersion(ctx context.Context, v practice.PlaceVersion) error {
	return s.with(ctx, func(d *data) error {
		if _, ok := d.places[v.PlaceID]; !ok {
			return notFound("place", v.PlaceID)
		}
		if _, ok := d.places[v.ParentID]; !ok && v.ParentID != practice.NilID {
			return notFound("parent place", v.ParentID)
		}
		vs := d.versions[v.PlaceID]
		i, found := slices.BinarySearchFunc(vs, v.ValidFrom, func(x practice.PlaceVersion, t practice.Date) int {
			return x.ValidFrom.Compare(t)
		})
		if found {
			return conflict("place %s already has a version from %s", v.PlaceID, v.ValidFrom)
		}
		d.versions[v.PlaceID] = slices.Insert(slices.Clone(vs), i, v)
		return nil
	})
}

// PlaceVersions implements practice.Store.
func (s *Store) PlaceVersions(ctx context.Context, organisationID practice.ID) (out []practice.PlaceVersion, err error) {
	err = s.with(ctx, func(d *data) error {
		out = []practice.PlaceVersion{}
		places := sortedValues(d.places, func(a, b practice.Place) int { return compareIDs(a.ID, b.ID) })
		for _, p := range places {
			if p.OrganisationID == organisationID {
				out = append(out, d.versions[p.ID]...)
			}
		}
		return nil
	})
	return out, err
}

func clonePerson(p practice.Person) practice.Person {
	p.Profile.Teaches = slices.Clone(p.Profile.Teaches)
	p.Profile.Supervises = slices.Clone(p.Profile.Supervises)
	return p
}

func personFree(d *data, p practice.Person) error {
	for _, x := range d.people {
		if x.ID == p.ID {
			continue
		}
		if x.Email == p.Email {
			return conflict("e-mail %s is taken", p.Email)
		}
		if !p.NationalID.IsZero() && x.NationalID.Reveal() == p.NationalID.Reveal() {
			return conflict("the national identity number is taken")
		}
	}
	return nil
}

// CreatePerson implements practice.Store.
func (s *Store) CreatePerson(ctx context.Context, p practice.Person) error {
	return s.with(ctx, func(d *data) error {
		if _, ok := d.people[p.ID]; ok {
			return conflict("person %s exists", p.ID)
		}
		if err := personFree(d, p); err != nil {
			return err
		}
		d.people[p.ID] = clonePerson(p)
		return nil
	})
}

// UpdatePerson implements practice.Store.
func (s *Store) UpdatePerson(ctx context.Context, p practice.Person) error {
	return s.with(ctx, func(d *data) error {
		if err := personFree(d, p); err != nil {
			return err
		}
		p = clonePerson(p)
		p.Version++
		return update(d.people, p.ID, func(x practice.Person) int { return x.Version }, p.Version-1, p, "person")
	})
}

// Person implements practice.Store.
func (s *Store) Person(ctx context.Context, id practice.ID) (out practice.Person, err error) {
	err = s.with(ctx, func(d *data) error {
		p, ok := d.people[id]
		if !ok {
			return notFound("person", id)
		}
		out = clonePerson(p)
		return nil
	})
	return out, err
}

// PersonByNationalID implements practice.Store.
func (s *Store) PersonByNationalID(ctx context.Context, n practice.NationalID) (out practice.Person, err error) {
	err = s.with(ctx, func(d *data) error {
		for _, p := range d.people {
			if !n.IsZero() && p.NationalID.Reveal() == n.Reveal() {
				out = clonePerson(p)
				return nil
			}
		}
		return fmt.Errorf("person by national identity number: %w", practice.ErrNotFound)
	})
	return out, err
}

// People implements practice.Store.
func (s *Store) People(ctx context.Context, f practice.PeopleFilter) (out []practice.Person, err error) {
	err = s.with(ctx, func(d *data) error {
		out = sortedValues(d.people, func(a, b practice.Person) int {
			return cmp.Or(cmp.Compare(a.Name, b.Name), compareIDs(a.ID, b.ID))
		})
		out = slices.DeleteFunc(out, func(p practice.Person) bool {
			_, member := d.memberships[[2]practice.ID{f.OrganisationID, p.ID}]
			return f.OrganisationID != practice.NilID && !member || f.Email != "" && p.Email != f.Email
		})
		for i := range out {
			out[i] = clonePerson(out[i])
		}
		return nil
	})
	return out, err
}

// PutMembership implements practice.Store.
func (s *Store) PutMembership(ctx context.Context, m practice.Membership) error {
	return s.with(ctx, func(d *data) error {
		if _, ok := d.organisations[m.OrganisationID]; !ok {
			return notFound("organisation", m.OrganisationID)
		}
		if _, ok := d.people[m.PersonID]; !ok {
			return notFound("person", m.PersonID)
		}
		d.memberships[[2]practice.ID{m.OrganisationID, m.PersonID}] = m
		return nil
	})
}

// DeleteMembership implements practice.Store.
func (s *Store) DeleteMembership(ctx context.Context, organisationID, personID practice.ID) error {
	return s.with(ctx, func(d *data) error {
		k := [2]practice.ID{organisationID, personID}
		if _, ok := d.memberships[k]; !ok {
			return fmt.Errorf("membership of person %s at organisation %s: %w", personID, organisationID, practice.ErrNotFound)
		}
		delete(d.memberships, k)
		return nil
	})
}

// Memberships implements practice.Store.
func (s *Store) Memberships(ctx context.Context, f practice.MembershipFilter) (out []practice.Membership, err error) {
	err = s.with(ctx, func(d *data) error {
		out = sortedValues(d.memberships, func(a, b practice.Membership) int {
			return cmp.Or(compareIDs(a.OrganisationID, b.OrganisationID), compareIDs(a.PersonID, b.PersonID))
		})
		out = slices.DeleteFunc(out, func(m practice.Membership) bool {
			return f.OrganisationID != practice.NilID && m.OrganisationID != f.OrganisationID ||
				f.PersonID != practice.NilID && m.PersonID != f.PersonID
		})
		return nil
	})
	return out, err
}

// PutStaffRole implements practice.Store.
func (s *Store) PutStaffRole(ctx context.Context, sm practice.StaffMembership) error {
	return s.with(ctx, func(d *data) error {
		if _, ok := d.institutions[sm.InstitutionID]; !ok {
			return notFound("institution", sm.InstitutionID)
		}
		if _, ok := d.people[sm.PersonID]; !ok {
			return notFound("person", sm.PersonID)
		}
		d.staff[sm] = true
		return nil
	})
}

// DeleteStaffRole implements practice.Store.
func (s *Store) DeleteStaffRole(ctx context.Context, sm practice.StaffMembership) error {
	return s.with(ctx, func(d *data) error {
		if !d.staff[sm] {
			return fmt.Errorf("%s role of person %s at institution %s: %w", sm.Role, sm.PersonID, sm.InstitutionID, practice.ErrNotFound)
		}
		delete(d.staff, sm)
		return nil
	})
}

// StaffRoles implements practice.Store.
func (s *Store) StaffRoles(ctx context.Context, f practice.StaffFilter) (out []practice.StaffMembership, err error) {
	err = s.with(ctx, func(d *data) error {
		out = slices.Collect(maps.Keys(d.staff))
		slices.SortFunc(out, func(a, b practice.StaffMembership) int {
			return cmp.Or(compareIDs(a.InstitutionID, b.InstitutionID), compareIDs(a.PersonID, b.PersonID), cmp.Compare(a.Role, b.Role))
		})
		out = slices.DeleteFunc(out, func(s practice.StaffMembership) bool {
			return f.InstitutionID != practice.NilID && s.InstitutionID != f.InstitutionID ||
				f.PersonID != practice.NilID && s.PersonID != f.PersonID
		})
		if out == nil {
			out = []practice.StaffMembership{}
		}
		return nil
	})
	return out, err
}
