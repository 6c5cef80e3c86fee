package practice

import (
	"cmp"
	"fmt"
	"slices"
)

// PlaceNode is a place as it stands on one date, with its children.
type PlaceNode struct {
	// ID is the place's ID.
	ID ID `json:"id"`
	// OrganisationID is the organisation that owns the place.
	OrganisationID ID `json:"organisationId"`
	// ParentID is the parent place, or NilID at the top of the tree.
	ParentID ID `json:"parentId,omitzero"`
	// Name is the place's name on the tree's date.
	Name string `json:"name"`
	// From is the date the place's structure (name, parent) as shown took
	// effect: the From of its version in force.
	From Date `json:"from"`
	// Presentation is what the place shows of itself now.
	Presentation Presentation `json:"presentation"`
	// Version is the presentation's version, for an update.
	Version int `json:"version"`
	// Children are the open places under this one, ordered by name.
	Children []*PlaceNode `json:"children,omitempty"`
}

// PlaceOn is a place as it stands on one date: its identity and
// presentation, and the version of its structure in force then.
type PlaceOn struct {
	Place
	// AsOf is the date.
	AsOf Date `json:"asOf"`
	// Structure is the version in force on AsOf (which may be closed), or
	// nil if the place did not exist yet.
	Structure *PlaceVersion `json:"structure"`
}

// Tree is an organisation's place structure as of one date.
type Tree struct {
	// OrganisationID is the organisation whose places these are.
	OrganisationID ID `json:"organisationId"`
	// AsOf is the date the tree stands on.
	AsOf Date `json:"asOf"`
	// Roots are the places at the top of the organisation, ordered by name.
	Roots []*PlaceNode `json:"roots"`
}

// Find returns the node of the place id, or nil if it is not in the tree.
func (t Tree) Find(id ID) *PlaceNode {
	var found *PlaceNode
	t.Walk(func(n *PlaceNode, _ int) bool {
		if n.ID == id {
			found = n
		}
		return found == nil
	})
	return found
}

// Walk calls fn for every node depth first, children in name order, with the
// node's depth (0 for a root). It stops when fn returns false.
func (t Tree) Walk(fn func(n *PlaceNode, depth int) bool) {
	var walk func(ns []*PlaceNode, depth int) bool
	walk = func(ns []*PlaceNode, depth int) bool {
		for _, n := range ns {
			if !fn(n, depth) || !walk(n.Children, depth+1) {
				return false
			}
		}
		return true
	}
	walk(t.Roots, 0)
}

// VersionAsOf returns the version of a place in force on date d: the one with
// the latest From not after d. versions must be one place's versions; ok
// is false if the place did not exist yet on d.
func VersionAsOf(versions []PlaceVersion, d Date) (v PlaceVersion, ok bool) {
	for _, x := range versions {
		if !x.From.After(d) && (!ok || x.From.After(v.From)) {
			v, ok = x, true
		}
	}
	return v, ok
}

// structureAsOf returns the open places on d, by ID.
func structureAsOf(byPlace map[ID][]PlaceVersion, d Date) map[ID]PlaceVersion {
	out := make(map[ID]PlaceVersion, len(byPlace))
	for id, vs := range byPlace {
		if v, ok := VersionAsOf(vs, d); ok && !v.Closed {
			out[id] = v
		}
	}
	return out
}

func groupVersions(versions []PlaceVersion) map[ID][]PlaceVersion {
	byPlace := make(map[ID][]PlaceVersion)
	for _, v := range versions {
		byPlace[v.PlaceID] = append(byPlace[v.PlaceID], v)
	}
	return byPlace
}

// BuildTree returns the tree of an organisation's open places as of date
// asOf, from its places and all their versions. Children are ordered by name,
// then ID. A place whose parent is not open on asOf (which the service never
// lets happen) is shown at the top.
func BuildTree(organisationID ID, places []Place, versions []PlaceVersion, asOf Date) Tree {
	open := structureAsOf(groupVersions(versions), asOf)
	nodes := make(map[ID]*PlaceNode, len(open))
	for _, p := range places {
		v, ok := open[p.ID]
		if !ok {
			continue
		}
		nodes[p.ID] = &PlaceNode{
			ID: p.ID, OrganisationID: p.OrganisationID, ParentID: v.ParentID, Name: v.Name,
			From: v.From, Presentation: p.Presentation, Version: p.Version,
		}
	}
	t := Tree{OrganisationID: organisationID, AsOf: asOf, Roots: []*PlaceNode{}}
	for _, n := range nodes {
		if parent, ok := nodes[n.ParentID]; ok {
			parent.Children = append(parent.Children, n)
		} else {
			t.Roots = append(t.Roots, n)
		}
	}
	sortNodes(t.Roots)
	for _, n := range nodes {
		sortNodes(n.Children)
	}
	return t
}

func sortNodes(ns []*PlaceNode) {
	slices.SortFunc(ns, func(a, b *PlaceNode) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), compareIDs(a.ID, b.ID))
	})
}

func compareIDs(a, b ID) int { return a.Compare(b) }

// checkStructure checks the rules of a place tree on each of the dates:
// every open place's parent is open, and no place is its own ancestor. It
// returns a *ValidationError naming the field of the change that breaks one;
// closing tells that the change closes a place.
func checkStructure(versions []PlaceVersion, dates []Date, closing bool) error {
	byPlace := groupVersions(versions)
	for _, d := range dates {
		open := structureAsOf(byPlace, d)
		for id, v := range open {
			if v.ParentID == NilID {
				continue
			}
			if _, ok := open[v.ParentID]; !ok {
				if closing {
					return Invalid("close", "no-open-children", fmt.Sprintf(
						"on %s the place %q would still be open under it: close or move it first", d, v.Name))
				}
				return Invalid("parentId", "open-parent", fmt.Sprintf(
					"on %s the place %q would be under a parent that does not exist or is closed then", d, v.Name))
			}
			seen := map[ID]bool{id: true}
			for p := v.ParentID; p != NilID; p = open[p].ParentID {
				if seen[p] {
					return Invalid("parentId", "acyclic", fmt.Sprintf(
						"on %s the place %q would be inside itself", d, v.Name))
				}
				seen[p] = true
			}
		}
	}
	return nil
}
