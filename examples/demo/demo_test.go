package demo_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/examples/demo"
	"github.com/praksis/praksis/invite"
	"github.com/praksis/praksis/practice"
	"github.com/praksis/praksis/storage/memory"
)

func setup(t *testing.T) (*practice.Service, context.Context) {
	t.Helper()
	return practice.NewService(memory.New()), t.Context()
}

func TestLoad(t *testing.T) {
	t.Parallel()
	svc, ctx := setup(t)
	system := practice.SystemActor()

	loaded, err := demo.Load(ctx, svc)
	require.NoError(t, err)
	require.True(t, loaded)

	instPage, err := svc.Institutions(ctx, system, practice.InstitutionFilter{})
	require.NoError(t, err)
	insts := instPage.Items
	require.Len(t, insts, 2)
	require.Equal(t, demo.InstitutionCode, insts[0].Code, "ordered by name: Norges idrettshøgskole, Politihøgskolen")
	require.Equal(t, demo.OtherInstitutionCode, insts[1].Code)

	orgs, err := svc.Organisations(ctx, system, practice.OrganisationFilter{})
	require.NoError(t, err)
	require.Len(t, orgs.Items, 2)
	for _, o := range orgs.Items {
		require.True(t, practice.ValidOrgNumber(o.OrgNumber), o.OrgNumber)
	}

	t.Run("people hold every right", func(t *testing.T) {
		t.Parallel()
		want := map[string]practice.Right{
			demo.OUSAdmin.Email: practice.Admin, demo.OUSWriter.Email: practice.Write, demo.OUSReader.Email: practice.Read,
		}
		ous := orgByNumber(t, svc, demo.OUSOrgNumber)
		ms, err := svc.Members(ctx, system, ous.ID, practice.PageRequest{})
		require.NoError(t, err)
		got := map[string]practice.Right{}
		for _, m := range ms.Items {
			got[m.Person.Email] = m.Right
		}
		require.Equal(t, want, got)

		oslo := orgByNumber(t, svc, demo.OsloOrgNumber)
		ms, err = svc.Members(ctx, system, oslo.ID, practice.PageRequest{})
		require.NoError(t, err)
		require.Len(t, ms.Items, 4, "three members and the hospital's coordinator as reader")
	})

	t.Run("study site staff", func(t *testing.T) {
		t.Parallel()
		staff, err := svc.Staff(ctx, system, insts[0].ID, practice.PageRequest{})
		require.NoError(t, err)
		roles := map[practice.StaffRole]int{}
		for _, s := range staff.Items {
			roles[s.Role]++
		}
		require.Equal(t, map[practice.StaffRole]int{practice.Administrator: 1, practice.Planner: 1, practice.Teacher: 1}, roles)
	})

	t.Run("national IDs are valid synthetic numbers and find their person", func(t *testing.T) {
		t.Parallel()
		for _, u := range demo.Users {
			if u.NationalID == "" {
				continue
			}
			n, err := practice.ParseNationalID(u.NationalID)
			require.NoError(t, err, u.Email)
			require.True(t, n.Synthetic(), "%s: demo numbers must be synthetic", u.Email)
			a, err := svc.ActorByNationalID(ctx, n)
			require.NoError(t, err, u.Email)
			p, err := svc.Person(ctx, a, a.PersonID)
			require.NoError(t, err)
			require.Equal(t, u.Email, p.Email)
		}
	})

	t.Run("trees are three levels deep and change in the future", func(t *testing.T) {
		t.Parallel()
		today := practice.DateOf(time.Now())
		later := today.AddDays(demo.ChangesAfter)
		for _, number := range []string{demo.OUSOrgNumber, demo.OsloOrgNumber} {
			o := orgByNumber(t, svc, number)
			tree, err := svc.Tree(ctx, practice.Actor{}, o.ID, today)
			require.NoError(t, err)
			depth := 0
			tree.Walk(func(_ *practice.PlaceNode, d int) bool { depth = max(depth, d); return true })
			require.GreaterOrEqual(t, depth, 2, number)

			future, err := svc.Tree(ctx, practice.Actor{}, o.ID, later)
			require.NoError(t, err)
			require.NotEqual(t, names(tree), names(future), "the tree of %s should change on %s", number, later)
		}
	})
}

func TestLoadTwice(t *testing.T) {
	t.Parallel()
	svc, ctx := setup(t)

	loaded, err := demo.Load(ctx, svc)
	require.NoError(t, err)
	require.True(t, loaded)

	loaded, err = demo.Load(ctx, svc)
	require.NoError(t, err)
	require.False(t, loaded, "a second load must load nothing")

	orgs, err := svc.Organisations(ctx, practice.SystemActor(), practice.OrganisationFilter{})
	require.NoError(t, err)
	require.Len(t, orgs.Items, 2)
}

// failingStore is a memory store whose PutMembership fails, part-way
// through the demo data.
type failingStore struct{ *memory.Store }

var errMembership = errors.New("membership refused")

func (failingStore) PutMembership(context.Context, practice.Membership) error { return errMembership }

func TestLoadInTransaction(t *testing.T) {
	t.Parallel()

	t.Run("commits", func(t *testing.T) {
		t.Parallel()
		store := memory.New()
		svc := practice.NewService(store)
		var loaded bool
		err := store.InTx(t.Context(), func(ctx context.Context) error {
			var err error
			loaded, err = demo.Load(ctx, svc)
			return err
		})
		require.NoError(t, err)
		require.True(t, loaded)
		insts, err := svc.Institutions(t.Context(), practice.Actor{}, practice.InstitutionFilter{})
		require.NoError(t, err)
		require.Len(t, insts.Items, 2)
	})

	t.Run("a failed load leaves nothing behind", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		store := memory.New()
		svc := practice.NewService(failingStore{store})
		err := store.InTx(ctx, func(ctx context.Context) error {
			loaded, err := demo.Load(ctx, svc)
			require.ErrorIs(t, err, errMembership)
			require.False(t, loaded)
			orgs, err2 := store.Organisations(ctx, practice.OrganisationFilter{})
			require.NoError(t, err2)
			require.NotEmpty(t, orgs.Items, "the load failed part-way, after it wrote")
			return err
		})
		require.ErrorIs(t, err, errMembership, "InTx returns the load's error")

		insts, err := store.Institutions(ctx, practice.InstitutionFilter{})
		require.NoError(t, err)
		require.Empty(t, insts.Items, "no institution")
		orgs, err := store.Organisations(ctx, practice.OrganisationFilter{})
		require.NoError(t, err)
		require.Empty(t, orgs.Items, "no organisation")
		people, err := store.People(ctx, practice.PeopleFilter{})
		require.NoError(t, err)
		require.Empty(t, people.Items, "no person")

		// The store is as good as new: a later load succeeds.
		loaded, err := demo.Load(ctx, practice.NewService(store))
		require.NoError(t, err)
		require.True(t, loaded)
	})
}

func orgByNumber(t *testing.T, svc *practice.Service, number string) practice.Organisation {
	t.Helper()
	os, err := svc.Organisations(t.Context(), practice.Actor{}, practice.OrganisationFilter{OrgNumber: number})
	require.NoError(t, err)
	require.Len(t, os.Items, 1)
	return os.Items[0]
}

// names returns "parent/child" paths of every node, depth first.
func names(tree practice.Tree) []string {
	var out []string
	var walk func(prefix string, ns []*practice.PlaceNode)
	walk = func(prefix string, ns []*practice.PlaceNode) {
		for _, n := range ns {
			out = append(out, prefix+n.Name)
			walk(prefix+n.Name+"/", n.Children)
		}
	}
	walk("", tree.Roots)
	return out
}

func TestLoadInvitations(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	store := memory.New()
	svc := practice.NewService(store)
	key := make([]byte, invite.KeySize)
	now := time.Now()
	require.NoError(t, store.InTx(ctx, func(ctx context.Context) error {
		loaded, err := demo.Load(ctx, svc)
		require.True(t, loaded)
		if err != nil {
			return err
		}
		return demo.LoadInvitations(ctx, svc, store, key, now)
	}))
	invites, err := invite.NewService(store, key)
	require.NoError(t, err)
	var pending []invite.Invitation
	for _, number := range []string{demo.OUSOrgNumber, demo.OsloOrgNumber} {
		org := orgByNumber(t, svc, number)
		page, err := invites.Invitations(ctx, practice.SystemActor(), org.ID, invite.InvitationFilter{State: invite.Pending})
		require.NoError(t, err)
		pending = append(pending, page.Items...)
	}
	require.Len(t, pending, len(demo.Invitees), "every demo invitation is pending")
	soon := 0
	for _, inv := range pending {
		if left := inv.ExpiresAt.Sub(now); left > 0 && left <= time.Hour+time.Second {
			soon++
		}
	}
	require.Equal(t, 1, soon, "one demo invitation expires within the hour")
}
