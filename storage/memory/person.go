package memory

import (
	"context"
	"slices"
	"strings"

	"github.com/praksis/praksis/practice"
)

func personKey(p practice.Person) []string { return []string{p.Name, p.ID.String()} }

func clonePerson(p practice.Person) practice.Person {
	p.Profile.Teaches = slices.Clone(p.Profile.Teaches)
	p.Profile.Supervises = slices.Clone(p.Profile.Supervises)
	p.HasNationalID = false
	return p
}

// personFree checks p's unique values against everyone else's.
func personFree(d *data, p practice.Person) error {
	if id, ok := d.emails[practice.EmailKey(p.Email)]; ok && id != p.ID {
		return practice.Taken("email", nil)
	}
	if !p.NationalID.IsZero() {
		if id, ok := d.nationalIDs[p.NationalID.Reveal()]; ok && id != p.ID {
			return practice.Taken("nationalId", nil)
		}
	}
	return nil
}

// indexPerson adds p to the indexes of people, and unindexPerson removes
// it.
func indexPerson(c change, d *data, p practice.Person) {
	put(c, d.emails, practice.EmailKey(p.Email), p.ID)
	if !p.NationalID.IsZero() {
		put(c, d.nationalIDs, p.NationalID.Reveal(), p.ID)
	}
	index(c, d.peopleByName, named{p.Name, p.ID})
}

func unindexPerson(c change, d *data, p practice.Person) {
	remove(c, d.emails, practice.EmailKey(p.Email))
	if !p.NationalID.IsZero() {
		remove(c, d.nationalIDs, p.NationalID.Reveal())
	}
	unindex(c, d.peopleByName, named{p.Name, p.ID})
}

// CreatePerson implements practice.PersonStore.
func (s *Store) CreatePerson(ctx context.Context, p practice.Person) error {
	return s.write(ctx, func(d *data, c change) error {
		if _, ok := d.people[p.ID]; ok {
			return practice.Taken("id", nil)
		}
		if err := personFree(d, p); err != nil {
			return err
		}
		p = clonePerson(p)
		p.CreatedAt, p.UpdatedAt = utc(p.CreatedAt), utc(p.UpdatedAt)
		put(c, d.people, p.ID, p)
		indexPerson(c, d, p)
		return nil
	})
}

// UpdatePerson implements practice.PersonStore.
func (s *Store) UpdatePerson(ctx context.Context, p practice.Person) error {
	return s.write(ctx, func(d *data, c change) error {
		old, err := update(d.people, p.ID, func(x practice.Person) int { return x.Version }, p.Version, "person")
		if err != nil {
			return err
		}
		if err := personFree(d, p); err != nil {
			return err
		}
		p = clonePerson(p)
		p.CreatedAt, p.UpdatedAt, p.Version = old.CreatedAt, utc(p.UpdatedAt), old.Version+1
		unindexPerson(c, d, old)
		put(c, d.people, p.ID, p)
		indexPerson(c, d, p)
		return nil
	})
}

// Person implements practice.PersonStore.
func (s *Store) Person(ctx context.Context, id practice.ID) (out practice.Person, err error) {
	err = s.read(ctx, func(d *data) error {
		p, ok := d.people[id]
		if !ok {
			return practice.NotFound("there is no person %s", id)
		}
		out = clonePerson(p)
		return nil
	})
	return out, err
}

// PersonByNationalID implements practice.PersonStore.
func (s *Store) PersonByNationalID(ctx context.Context, n practice.NationalID) (out practice.Person, err error) {
	err = s.read(ctx, func(d *data) error {
		id, ok := d.nationalIDs[n.Reveal()]
		if n.IsZero() || !ok {
			return practice.NotFound("nobody has that national identity number")
		}
		out = clonePerson(d.people[id])
		return nil
	})
	return out, err
}

// People implements practice.PersonStore. Without an organisation or an
// e-mail, it walks the people in name order from the cursor, matching the
// query as it goes.
func (s *Store) People(ctx context.Context, f practice.PeopleFilter) (out practice.Page[practice.Person], err error) {
	err = s.read(ctx, func(d *data) error {
		q := practice.QueryKey(f.Query)
		matches := func(p practice.Person) bool {
			if _, member := d.memberships[membershipKey{f.OrganisationID, p.ID}]; f.OrganisationID != practice.NilID && !member {
				return false
			}
			return q == "" || strings.Contains(practice.SearchKey(p), q)
		}
		if f.Email == "" && f.OrganisationID == practice.NilID {
			out, err = listNamed(d.peopleByName, f.Page, func(k named) (practice.Person, bool) {
				p := d.people[k.id]
				if !matches(p) {
					return practice.Person{}, false
				}
				return clonePerson(p), true
			}, personKey)
			return err
		}
		var some []practice.Person
		if f.Email != "" {
			if id, ok := d.emails[practice.EmailKey(f.Email)]; ok {
				some = append(some, d.people[id])
			}
		} else {
			some = valuesOf(d.people, d.membersByOrg[f.OrganisationID])
		}
		some = slices.DeleteFunc(some, func(p practice.Person) bool { return !matches(p) })
		out, err = list(some, personKey, f.Page)
		for i := range out.Items {
			out.Items[i] = clonePerson(out.Items[i])
		}
		return err
	})
	return out, err
}
