package memory

import (
	"context"

	"github.com/praksis/praksis/practice"
)

func organisationKey(o practice.Organisation) []string { return []string{o.Name, o.ID.String()} }

// CreateOrganisation implements practice.OrganisationStore.
func (s *Store) CreateOrganisation(ctx context.Context, o practice.Organisation) error {
	return s.write(ctx, func(d *data, c change) error {
		if _, ok := d.organisations[o.ID]; ok {
			return practice.Taken("id", nil)
		}
		if _, ok := d.orgNumbers[o.OrgNumber]; ok {
			return practice.Taken("orgNumber", nil)
		}
		o.CreatedAt, o.UpdatedAt = utc(o.CreatedAt), utc(o.UpdatedAt)
		put(c, d.organisations, o.ID, o)
		put(c, d.orgNumbers, o.OrgNumber, o.ID)
		index(c, d.organisationsByName, named{o.Name, o.ID})
		return nil
	})
}

// UpdateOrganisation implements practice.OrganisationStore.
func (s *Store) UpdateOrganisation(ctx context.Context, o practice.Organisation) error {
	return s.write(ctx, func(d *data, c change) error {
		old, err := update(d.organisations, o.ID, func(x practice.Organisation) int { return x.Version }, o.Version, "organisation")
		if err != nil {
			return err
		}
		if id, ok := d.orgNumbers[o.OrgNumber]; ok && id != o.ID {
			return practice.Taken("orgNumber", nil)
		}
		o.CreatedAt, o.UpdatedAt, o.Version = old.CreatedAt, utc(o.UpdatedAt), old.Version+1
		remove(c, d.orgNumbers, old.OrgNumber)
		put(c, d.orgNumbers, o.OrgNumber, o.ID)
		unindex(c, d.organisationsByName, named{old.Name, old.ID})
		index(c, d.organisationsByName, named{o.Name, o.ID})
		put(c, d.organisations, o.ID, o)
		return nil
	})
}

// Organisation implements practice.OrganisationStore.
func (s *Store) Organisation(ctx context.Context, id practice.ID) (out practice.Organisation, err error) {
	err = s.read(ctx, func(d *data) error {
		var ok bool
		if out, ok = d.organisations[id]; !ok {
			return practice.NotFound("there is no organisation %s", id)
		}
		return nil
	})
	return out, err
}

// Organisations implements practice.OrganisationStore.
func (s *Store) Organisations(ctx context.Context, f practice.OrganisationFilter) (out practice.Page[practice.Organisation], err error) {
	err = s.read(ctx, func(d *data) error {
		if f.OrgNumber != "" {
			var one []practice.Organisation
			if id, ok := d.orgNumbers[f.OrgNumber]; ok {
				one = append(one, d.organisations[id])
			}
			out, err = list(one, organisationKey, f.Page)
			return err
		}
		out, err = listNamed(d.organisationsByName, f.Page, func(k named) (practice.Organisation, bool) {
			return d.organisations[k.id], true
		}, organisationKey)
		return err
	})
	return out, err
}
