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
	if err := Validate(in); err != nil {
		return PlaceNode{}, err
	}
	now := s.now()
	p := Place{ID: s.newID(), OrganisationID: in.OrganisationID, Presentation: in.Presentation, Version: 1, CreatedAt: now, UpdatedAt: now}
	v := PlaceVersion{PlaceID: p.ID, ValidFrom: in.From, Name: in.Name, ParentID: in.ParentID, CreatedAt: now}
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.LockOrganisation(ctx, in.OrganisationID); err != nil {
			return fmt.Errorf("organisation %s: %w", in.OrganisationID, err)
		}
		if err := s.checkParent(ctx, in.OrganisationID, p.ID, in.ParentID); err != nil {
			return err
		}
		if err := s.checkChange(ctx, in.OrganisationID, v, false); err != nil {
			return err
		}
		if err := s.store.CreatePlace(ctx, p); err != nil {
			return fmt.Errorf("create place: %w", err)
		}
		return s.store.AddPlaceVersion(ctx, v)
	})
	if err != nil {
		return PlaceNode{}, err
	}
	return PlaceNode{ID: p.ID, OrganisationID: p.OrganisationID, ParentID: v.ParentID, Name: v.Name,
		Since: v.ValidFrom, Presentation: p.Presentation, Version: p.Version}, nil
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

// checkChange checks the organisation's tree with v added, on v's date and
// on every later date the tree changes.
func (s *Service) checkChange(ctx context.Context, organisationID ID, v PlaceVersion, closing bool) error {
	versions, err := s.store.PlaceVersions(ctx, organisationID)
	if err != nil {
		return fmt.Errorf("place versions: %w", err)
	}
	dates := []Date{v.ValidFrom}
	for _, x := range versions {
		if x.ValidFrom.After(v.ValidFrom) {
			dates = append(dates, x.ValidFrom)
		}
	}
	return checkStructure(append(versions, v), dates, closing)
}

// Restructure renames, moves or closes a place from a date on, as a new
// version of its structure; the tree before that date is unchanged. Changes
// to one place are recorded in date order: ch.From must be after the place's
// latest change. The tree must hold its rules on ch.From and on every later
// date it changes: a place's parent is open, no place is inside itself, and
// a closed place has no open children. Study site practice administrators
// may restructure.
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
			return fmt.Errorf("place %s: %w", ch.PlaceID, err)
		}
		if err := s.store.LockOrganisation(ctx, p.OrganisationID); err != nil {
			return fmt.Errorf("organisation %s: %w", p.OrganisationID, err)
		}
		all, err := s.store.PlaceVersions(ctx, p.OrganisationID)
		if err != nil {
			return fmt.Errorf("place versions: %w", err)
		}
		mine := groupVersions(all)[p.ID]
		if len(mine) == 0 {
			return fmt.Errorf("place %s has no structure: %w", p.ID, ErrNotFound)
		}
		// Versions come in date order, and a change must follow the latest,
		// so the latest is the version the change starts from.
		first, cur := mine[0], mine[len(mine)-1]
		switch {
		case ch.From.Before(first.ValidFrom):
			return Invalid("from", "after-opening", fmt.Sprintf("the place exists only from %s", first.ValidFrom))
		case !ch.From.After(cur.ValidFrom):
			return Invalid("from", "after-latest-change", fmt.Sprintf(
				"changes to a place are recorded in date order; its latest change is from %s", cur.ValidFrom))
		}
		if cur.Closed {
			return Invalid("placeId", "open", fmt.Sprintf("the place is closed from %s", cur.ValidFrom))
		}
		v = cur
		v.ValidFrom, v.CreatedAt = ch.From, s.now()
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
		return s.store.AddPlaceVersion(ctx, v)
	})
	if err != nil {
		return PlaceVersion{}, err
	}
	return v, nil
}

// Tree returns an organisation's place tree as of a date, to anyone: place
// information is public.
func (s *Service) Tree(ctx context.Context, a Actor, organisationID ID, asOf Date) (Tree, error) {
	if asOf.IsZero() {
		return Tree{}, Invalid("asOf", "required", "is required")
	}
	if _, err := s.store.Organisation(ctx, organisationID); err != nil {
		return Tree{}, fmt.Errorf("organisation %s: %w", organisationID, err)
	}
	places, err := s.store.Places(ctx, organisationID)
	if err != nil {
		return Tree{}, fmt.Errorf("places: %w", err)
	}
	versions, err := s.store.PlaceVersions(ctx, organisationID)
	if err != nil {
		return Tree{}, fmt.Errorf("place versions: %w", err)
	}
	return BuildTree(organisationID, places, versions, asOf), nil
}

// PlaceHistory returns every version of a place's structure in date order,
// to anyone: place information is public.
func (s *Service) PlaceHistory(ctx context.Context, a Actor, placeID ID) ([]PlaceVersion, error) {
	p, err := s.store.Place(ctx, placeID)
	if err != nil {
		return nil, fmt.Errorf("place %s: %w", placeID, err)
	}
	all, err := s.store.PlaceVersions(ctx, p.OrganisationID)
	if err != nil {
		return nil, fmt.Errorf("place versions: %w", err)
	}
	return groupVersions(all)[placeID], nil
}

// UpdatePresentation edits what a place shows of itself; version is the
// version the caller read. The organisation's site administrators and study
// site practice administrators may.
func (s *Service) UpdatePresentation(ctx context.Context, a Actor, placeID ID, version int, pr Presentation) (Place, error) {
	p, err := s.store.Place(ctx, placeID)
	if err != nil {
		return Place{}, fmt.Errorf("place %s: %w", placeID, err)
	}
	if err := a.CanEditPresentation(p.OrganisationID); err != nil {
		return Place{}, err
	}
	pr.Email = strings.ToLower(strings.TrimSpace(pr.Email))
	if err := validateAll(Validate(pr), checkVersion(version)); err != nil {
		return Place{}, err
	}
	p.Presentation, p.Version, p.UpdatedAt = pr, version, s.now()
	if err := s.store.UpdatePlace(ctx, p); err != nil {
		return Place{}, fmt.Errorf("update place %s: %w", placeID, err)
	}
	p.Version++
	return p, nil
}
