package practice_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/practice"
	"github.com/praksis/praksis/storage/memory"
)

// snapshotKey marks a context of watchedStore.InSnapshot.
type snapshotKey struct{}

// watchedStore is a memory store that notes each read a service makes
// outside InSnapshot, so a test can tell that reads which must agree were
// made in one snapshot.
type watchedStore struct {
	*memory.Store
	mu      sync.Mutex
	outside []string
}

func (s *watchedStore) InSnapshot(ctx context.Context, fn func(context.Context) error) error {
	return s.Store.InSnapshot(ctx, func(ctx context.Context) error {
		return fn(context.WithValue(ctx, snapshotKey{}, true))
	})
}

func (s *watchedStore) note(ctx context.Context, read string) {
	if ctx.Value(snapshotKey{}) == nil {
		s.mu.Lock()
		s.outside = append(s.outside, read)
		s.mu.Unlock()
	}
}

func (s *watchedStore) reset() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.outside
	s.outside = nil
	return out
}

func (s *watchedStore) Organisation(ctx context.Context, id practice.ID) (practice.Organisation, error) {
	s.note(ctx, "Organisation")
	return s.Store.Organisation(ctx, id)
}

func (s *watchedStore) Place(ctx context.Context, id practice.ID) (practice.Place, error) {
	s.note(ctx, "Place")
	return s.Store.Place(ctx, id)
}

func (s *watchedStore) Places(ctx context.Context, f practice.PlaceFilter) (practice.Page[practice.Place], error) {
	s.note(ctx, "Places")
	return s.Store.Places(ctx, f)
}

func (s *watchedStore) PlaceVersions(ctx context.Context, f practice.PlaceVersionFilter) (practice.Page[practice.PlaceVersion], error) {
	s.note(ctx, "PlaceVersions")
	return s.Store.PlaceVersions(ctx, f)
}

func (s *watchedStore) People(ctx context.Context, f practice.PeopleFilter) (practice.Page[practice.Person], error) {
	s.note(ctx, "People")
	return s.Store.People(ctx, f)
}

func (s *watchedStore) Memberships(ctx context.Context, f practice.MembershipFilter) (practice.Page[practice.Membership], error) {
	s.note(ctx, "Memberships")
	return s.Store.Memberships(ctx, f)
}

func (s *watchedStore) StaffRoles(ctx context.Context, f practice.StaffFilter) (practice.Page[practice.StaffMembership], error) {
	s.note(ctx, "StaffRoles")
	return s.Store.StaffRoles(ctx, f)
}

// TestReadsInOneSnapshot: the reads that build one answer (a tree, a page
// of members, a person with their rights, an actor) are made in one
// snapshot, so a change committed meanwhile cannot show half.
func TestReadsInOneSnapshot(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := &watchedStore{Store: memory.New()}
	svc := practice.NewService(store)
	sys := practice.SystemActor()
	org, err := svc.CreateOrganisation(ctx, sys, practice.OrganisationInput{Name: "Oslo kommune", OrgNumber: "958935420"})
	require.NoError(t, err)
	place, err := svc.CreatePlace(ctx, sys, practice.NewPlace{OrganisationID: org.ID, Name: "Legevakten", From: d("2026-01-01")})
	require.NoError(t, err)
	m, err := svc.AddMember(ctx, sys, org.ID, practice.PersonInput{Name: "Kari", Email: "kari@example.no"}, practice.Admin)
	require.NoError(t, err)
	store.reset()

	for name, read := range map[string]func() error{
		"Tree":    func() error { _, err := svc.Tree(ctx, sys, org.ID, d("2026-06-01")); return err },
		"Members": func() error { _, err := svc.Members(ctx, sys, org.ID, practice.PageRequest{}); return err },
		"Place":   func() error { _, err := svc.Place(ctx, sys, place.ID, d("2026-06-01")); return err },
		"PlaceHistory": func() error {
			_, err := svc.PlaceHistory(ctx, sys, place.ID, practice.PageRequest{})
			return err
		},
		"Person": func() error { _, err := svc.Person(ctx, sys, m.Person.ID); return err },
		"Actor":  func() error { _, err := svc.Actor(ctx, m.Person.ID); return err },
	} {
		require.NoError(t, read(), name)
		require.Empty(t, store.reset(), "%s reads these outside its snapshot", name)
	}
}

// TestFromIsTheName: the date a structure change takes effect is "from" in
// input, in a tree's nodes and in a place's history.
func TestFromIsTheName(t *testing.T) {
	t.Parallel()
	for _, v := range []any{
		practice.PlaceVersion{From: d("2027-01-01")},
		practice.PlaceNode{From: d("2027-01-01")},
		practice.StructureChange{From: d("2027-01-01")},
		practice.NewPlace{From: d("2027-01-01")},
	} {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		require.Contains(t, string(b), `"from":"2027-01-01"`, "%T", v)
		require.NotRegexp(t, `"(since|validFrom|valid_from)"`, string(b), "%T", v)
	}
}
