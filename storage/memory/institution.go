package memory

import (
	"context"

	"github.com/praksis/praksis/practice"
)

func institutionKey(in practice.Institution) []string { return []string{in.Name, in.ID.String()} }

// CreateInstitution implements practice.InstitutionStore.
func (s *Store) CreateInstitution(ctx context.Context, in practice.Institution) error {
	return s.write(ctx, func(d *data, c change) error {
		if _, ok := d.institutions[in.ID]; ok {
			return practice.Taken("id", nil)
		}
		if _, ok := d.institutionCodes[in.Code]; ok {
			return practice.Taken("code", nil)
		}
		in.CreatedAt, in.UpdatedAt = utc(in.CreatedAt), utc(in.UpdatedAt)
		put(c, d.institutions, in.ID, in)
		put(c, d.institutionCodes, in.Code, in.ID)
		index(c, d.institutionsByName, named{in.Name, in.ID})
		return nil
	})
}

// UpdateInstitution implements practice.InstitutionStore.
func (s *Store) UpdateInstitution(ctx context.Context, in practice.Institution) error {
	return s.write(ctx, func(d *data, c change) error {
		old, err := update(d.institutions, in.ID, func(x practice.Institution) int { return x.Version }, in.Version, "institution")
		if err != nil {
			return err
		}
		if id, ok := d.institutionCodes[in.Code]; ok && id != in.ID {
			return practice.Taken("code", nil)
		}
		in.CreatedAt, in.UpdatedAt, in.Version = old.CreatedAt, utc(in.UpdatedAt), old.Version+1
		remove(c, d.institutionCodes, old.Code)
		put(c, d.institutionCodes, in.Code, in.ID)
		unindex(c, d.institutionsByName, named{old.Name, old.ID})
		index(c, d.institutionsByName, named{in.Name, in.ID})
		put(c, d.institutions, in.ID, in)
		return nil
	})
}

// Institution implements practice.InstitutionStore.
func (s *Store) Institution(ctx context.Context, id practice.ID) (out practice.Institution, err error) {
	err = s.read(ctx, func(d *data) error {
		var ok bool
		if out, ok = d.institutions[id]; !ok {
			return practice.NotFound("there is no institution %s", id)
		}
		return nil
	})
	return out, err
}

// Institutions implements practice.InstitutionStore.
func (s *Store) Institutions(ctx context.Context, f practice.InstitutionFilter) (out practice.Page[practice.Institution], err error) {
	err = s.read(ctx, func(d *data) error {
		out, err = listNamed(d.institutionsByName, f.Page, func(k named) (practice.Institution, bool) {
			return d.institutions[k.id], true
		}, institutionKey)
		return err
	})
	return out, err
}
