package memory

import (
	"context"
	"slices"

	"github.com/praksis/praksis/practice"
)

func placeKey(p practice.Place) []string { return []string{p.ID.String()} }

func placeVersionKey(v practice.PlaceVersion) []string {
	return []string{v.PlaceID.String(), v.From.String()}
}

// CreatePlace implements practice.PlaceStore.
func (s *Store) CreatePlace(ctx context.Context, p practice.Place) error {
	return s.write(ctx, func(d *data, c change) error {
		if _, ok := d.places[p.ID]; ok {
			return practice.Taken("id", nil)
		}
		if _, ok := d.organisations[p.OrganisationID]; !ok {
			return practice.NotFound("there is no organisation %s", p.OrganisationID)
		}
		p.CreatedAt, p.UpdatedAt = utc(p.CreatedAt), utc(p.UpdatedAt)
		put(c, d.places, p.ID, p)
		addTo(c, d.placesByOrg, p.OrganisationID, p.ID)
		return nil
	})
}

// UpdatePlace implements practice.PlaceStore.
func (s *Store) UpdatePlace(ctx context.Context, p practice.Place) error {
	return s.write(ctx, func(d *data, c change) error {
		old, err := update(d.places, p.ID, func(x practice.Place) int { return x.Version }, p.Version, "place")
		if err != nil {
			return err
		}
		p.OrganisationID, p.CreatedAt, p.UpdatedAt, p.Version = old.OrganisationID, old.CreatedAt, utc(p.UpdatedAt), old.Version+1
		put(c, d.places, p.ID, p)
		return nil
	})
}

// Place implements practice.PlaceStore.
func (s *Store) Place(ctx context.Context, id practice.ID) (out practice.Place, err error) {
	err = s.read(ctx, func(d *data) error {
		var ok bool
		if out, ok = d.places[id]; !ok {
			return practice.NotFound("there is no place %s", id)
		}
		return nil
	})
	return out, err
}

// Places implements practice.PlaceStore.
func (s *Store) Places(ctx context.Context, f practice.PlaceFilter) (out practice.Page[practice.Place], err error) {
	err = s.read(ctx, func(d *data) error {
		var all []practice.Place
		if f.OrganisationID != practice.NilID {
			all = valuesOf(d.places, d.placesByOrg[f.OrganisationID])
		} else {
			all = allValues(d.places)
		}
		out, err = list(all, placeKey, f.Page)
		return err
	})
	return out, err
}

// AddPlaceVersion implements practice.PlaceStore.
func (s *Store) AddPlaceVersion(ctx context.Context, v practice.PlaceVersion) error {
	return s.write(ctx, func(d *data, c change) error {
		if _, ok := d.places[v.PlaceID]; !ok {
			return practice.NotFound("there is no place %s", v.PlaceID)
		}
		vs := d.versions[v.PlaceID]
		i, found := slices.BinarySearchFunc(vs, v.From, func(x practice.PlaceVersion, t practice.Date) int {
			return x.From.Compare(t)
		})
		if found {
			return practice.Taken("from", nil)
		}
		if _, ok := d.places[v.ParentID]; !ok && v.ParentID != practice.NilID {
			return practice.NotFound("there is no parent place %s", v.ParentID)
		}
		v.CreatedAt = utc(v.CreatedAt)
		put(c, d.versions, v.PlaceID, slices.Insert(slices.Clone(vs), i, v))
		org := d.places[v.PlaceID].OrganisationID
		d.orgVersions.forget(c, org)
		return nil
	})
}

// PlaceVersions implements practice.PlaceStore.
func (s *Store) PlaceVersions(ctx context.Context, f practice.PlaceVersionFilter) (out practice.Page[practice.PlaceVersion], err error) {
	err = s.read(ctx, func(d *data) error {
		var places map[practice.ID]struct{}
		switch {
		case f.PlaceID != practice.NilID:
			places = map[practice.ID]struct{}{f.PlaceID: {}}
			if p, ok := d.places[f.PlaceID]; f.OrganisationID != practice.NilID && (!ok || p.OrganisationID != f.OrganisationID) {
				places = nil
			}
		case f.OrganisationID != practice.NilID:
			places = d.placesByOrg[f.OrganisationID]
		default:
			places = make(map[practice.ID]struct{}, len(d.versions))
			for id := range d.versions {
				places[id] = struct{}{}
			}
		}
		var all []practice.PlaceVersion
		for id := range places {
			all = append(all, d.versions[id]...)
		}
		out, err = list(all, placeVersionKey, f.Page)
		return err
	})
	return out, err
}
