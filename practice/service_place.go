package practice

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// CreatePlace adds a place to an organisation's tree, existing from in.From,
// under in.ParentID (which must be open on that date and on every later date
// the tree changes) or at the top. Study site practice administrators may.
func (s *Service) CreatePlace(ctx context.Context, a Actor, in NewPlace) (PlaceNode, error) {
	if err := a.CanManageStructure(); err != nil {
		return PlaceNode{}, err
	}
	in.Name = strings.TrimSpace(in.Name)
	in.Presentation.Email = EmailKey(in.Presentation.Email)
	if err := Validate(in); err != nil {
		return PlaceNode{}, err
	}
	now := s.now()
	p := Place{ID: s.newID(), OrganisationID: in.OrganisationID, Presentation: in.Presentation, Version: 1, CreatedAt: now, UpdatedAt: now}
	v := PlaceVersion{PlaceID: p.ID, From: in.From, Name: in.Name, ParentID: in.ParentID, CreatedAt: now}
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.lockStructure(ctx, in.OrganisationID); err != nil {
			return err
		}
		if err := s.checkParent(ctx, in.OrganisationID, p.ID, in.ParentID); err != nil {
			return err
		}
		if err := s.checkChange(ctx, in.OrganisationID, v, false); err != nil {
			return err
		}
		if err := s.store.CreatePlace(ctx, p); err != nil {
			return saveError(err, "place", p.ID, 0, nil)
		}
		return saveError(s.store.AddPlaceVersion(ctx, v), "place", p.ID, 0, nil)
	})
	if err != nil {
		return PlaceNode{}, err
	}
	return PlaceNode{ID: p.ID, OrganisationID: p.OrganisationID, ParentID: v.ParentID, Name: v.Name,
		From: v.From, Presentation: p.Presentation, Version: p.Version}, nil
}

// lockStructure locks an organisation's place tree for the transaction of
// ctx and checks that the organisation exists.
func (s *Service) lockStructure(ctx context.Context, organisationID ID) error {
	if err := s.store.Lock(ctx, LockStructure, organisationID); err != nil {
		return err
	}
	if _, err := s.store.Organisation(ctx, organisationID); err != nil {
		return notFound(err, "organisation", organisationID)
	}
	return nil
}

// checkParent checks that parent is NilID or another place of the
// organisation.
func (s *Service) checkParent(ctx context.Context, organisationID, placeID, parent ID) error {
	if parent == NilID {
		return nil
	}
	if parent == placeID {
		return Invalid("parentId", "acyclic", "a place cannot be its own parent")
	}
	pp, err := s.store.Place(ctx, parent)
	if errors.Is(err, ErrNotFound) || err == nil && pp.OrganisationID != organisationID {
		return Invalid("parentId", "same-organisation", "must be a place of the same organisation")
	}
	return err
}

// versionsOf returns every version of every place of an organisation.
func (s *Service) versionsOf(ctx context.Context, f PlaceVersionFilter) ([]PlaceVersion, error) {
	return All(func(p PageRequest) (Page[PlaceVersion], error) {
		f.Page = p
		return s.store.PlaceVersions(ctx, f)
	})
}

// checkChange checks the organisation's tree with v added, on v's date and
// on every later date the tree changes.
func (s *Service) checkChange(ctx context.Context, organisationID ID, v PlaceVersion, closing bool) error {
	versions, err := s.versionsOf(ctx, PlaceVersionFilter{OrganisationID: organisationID})
	if err != nil {
		return err
	}
	dates := []Date{v.From}
	for _, x := range versions {
		if x.From.After(v.From) {
			dates = append(dates, x.From)
		}
	}
	return checkStructure(append(versions, v), dates, closing)
}

// Restructure renames, moves or closes a place from a date on, as a new
// version of its structure; the tree before that date is unchanged. Changes
// to one place are recorded in date order: ch.From must be after the place's
// latest change (a change from the same date as the latest is a conflict:
// someone made a change from that date already). The tree must hold its
// rules on ch.From and on every later date it changes: a place's parent is
// open, no place is inside itself, and a closed place has no open children.
// Study site practice administrators may restructure.
func (s *Service) Restructure(ctx context.Context, a Actor, ch StructureChange) (PlaceVersion, error) {
	if err := a.CanManageStructure(); err != nil {
		return PlaceVersion{}, err
	}
	ch.Name = strings.TrimSpace(ch.Name)
	var rules ValidationError
	switch {
	case ch.Close && (ch.Name != "" || ch.ParentID != nil):
		rules.Add("close", "excluded_with", "closing cannot be combined with a rename or a move")
	case !ch.Close && ch.Name == "" && ch.ParentID == nil:
		rules.Add("name", "required_without_all", "give a new name, a new parent or close the place")
	}
	if err := validateAll(Validate(ch), rules.Err()); err != nil {
		return PlaceVersion{}, err
	}
	var v PlaceVersion
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		p, err := s.store.Place(ctx, ch.PlaceID)
		if err != nil {
			return notFound(err, "place", ch.PlaceID)
		}
		if err := s.lockStructure(ctx, p.OrganisationID); err != nil {
			return err
		}
		mine, err := s.versionsOf(ctx, PlaceVersionFilter{PlaceID: p.ID})
		if err != nil {
			return err
		}
		if len(mine) == 0 {
			return NotFound("the place %s has no structure", p.ID)
		}
		// Versions come in date order, and a change must follow the latest,
		// so the latest is the version the change starts from.
		first, cur := mine[0], mine[len(mine)-1]
		switch {
		case ch.From.Before(first.From):
			return Invalid("from", "after-opening", fmt.Sprintf("the place exists only from %s", first.From))
		case ch.From == cur.From:
			return &Error{Code: ErrConflict, Field: "from", Message: fmt.Sprintf(
				"the place already has a change from %s; read its history and change it from a later date", cur.From)}
		case ch.From.Before(cur.From):
			return Invalid("from", "after-latest-change", fmt.Sprintf(
				"changes to a place are recorded in date order; its latest change is from %s", cur.From))
		}
		if cur.Closed {
			return Invalid("placeId", "open", fmt.Sprintf("the place is closed from %s", cur.From))
		}
		v = cur
		v.From, v.CreatedAt = ch.From, s.now()
		if ch.Name != "" {
			v.Name = ch.Name
		}
		if ch.ParentID != nil {
			if err := s.checkParent(ctx, p.OrganisationID, p.ID, *ch.ParentID); err != nil {
				return err
			}
			v.ParentID = *ch.ParentID
		}
		v.Closed = ch.Close
		if err := s.checkChange(ctx, p.OrganisationID, v, ch.Close); err != nil {
			return err
		}
		return saveError(s.store.AddPlaceVersion(ctx, v), "place", p.ID, 0, map[string]string{
			"from": fmt.Sprintf("the place already has a change from %s", v.From)})
	})
	if err != nil {
		return PlaceVersion{}, err
	}
	return v, nil
}

// checkAsOf checks the date a read is for.
func checkAsOf(asOf Date) error {
	if asOf.IsZero() {
		return Invalid("asOf", "required", "is required")
	}
	return checkDateRange("asOf", asOf)
}

// Tree returns an organisation's place tree as of a date, to anyone: place
// information is public. It reads one snapshot of the store.
func (s *Service) Tree(ctx context.Context, a Actor, organisationID ID, asOf Date) (Tree, error) {
	if err := checkAsOf(asOf); err != nil {
		return Tree{}, err
	}
	var t Tree
	err := s.store.InSnapshot(ctx, func(ctx context.Context) error {
		if _, err := s.store.Organisation(ctx, organisationID); err != nil {
			return notFound(err, "organisation", organisationID)
		}
		places, err := All(func(p PageRequest) (Page[Place], error) {
			return s.store.Places(ctx, PlaceFilter{OrganisationID: organisationID, Page: p})
		})
		if err != nil {
			return err
		}
		versions, err := s.versionsOf(ctx, PlaceVersionFilter{OrganisationID: organisationID})
		if err != nil {
			return err
		}
		t = BuildTree(organisationID, places, versions, asOf)
		return nil
	})
	return t, err
}

// Place returns a place as it stands on a date, to anyone: place
// information is public.
func (s *Service) Place(ctx context.Context, a Actor, placeID ID, asOf Date) (PlaceOn, error) {
	if err := checkAsOf(asOf); err != nil {
		return PlaceOn{}, err
	}
	var out PlaceOn
	err := s.store.InSnapshot(ctx, func(ctx context.Context) error {
		p, err := s.store.Place(ctx, placeID)
		if err != nil {
			return notFound(err, "place", placeID)
		}
		versions, err := s.versionsOf(ctx, PlaceVersionFilter{PlaceID: placeID})
		if err != nil {
			return err
		}
		out = PlaceOn{Place: p, AsOf: asOf}
		if v, ok := VersionAsOf(versions, asOf); ok {
			out.Structure = &v
		}
		return nil
	})
	return out, err
}

// PlaceHistory returns one page of the versions of a place's structure in
// date order, to anyone: place information is public.
func (s *Service) PlaceHistory(ctx context.Context, a Actor, placeID ID, page PageRequest) (Page[PlaceVersion], error) {
	if err := page.Check(); err != nil {
		return Page[PlaceVersion]{}, err
	}
	var out Page[PlaceVersion]
	err := s.store.InSnapshot(ctx, func(ctx context.Context) error {
		if _, err := s.store.Place(ctx, placeID); err != nil {
			return notFound(err, "place", placeID)
		}
		var err error
		out, err = s.store.PlaceVersions(ctx, PlaceVersionFilter{PlaceID: placeID, Page: page})
		return err
	})
	return out, err
}

// UpdatePresentation edits what a place shows of itself; version is the
// version the caller read. The organisation's site administrators and study
// site practice administrators may.
func (s *Service) UpdatePresentation(ctx context.Context, a Actor, placeID ID, version int, pr Presentation) (Place, error) {
	p, err := s.store.Place(ctx, placeID)
	if err != nil {
		return Place{}, notFound(err, "place", placeID)
	}
	if err := a.CanEditPresentation(p.OrganisationID); err != nil {
		return Place{}, err
	}
	pr.Email = EmailKey(pr.Email)
	if err := validateAll(Validate(pr), checkVersion(version)); err != nil {
		return Place{}, err
	}
	p.Presentation, p.Version, p.UpdatedAt = pr, version, s.now()
	if err := s.store.UpdatePlace(ctx, p); err != nil {
		return Place{}, saveError(err, "place", placeID, version, nil)
	}
	p.Version++
	return p, nil
}
