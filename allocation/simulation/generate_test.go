package simulation_test

import (
	"bytes"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/allocation"
	"github.com/praksis/praksis/allocation/simulation"
	"github.com/praksis/praksis/practice"
)

func generate(t testing.TB, c simulation.Config) *simulation.Scenario {
	t.Helper()
	sc, err := simulation.Generate(c)
	require.NoError(t, err)
	return sc
}

func save(t testing.TB, sc *simulation.Scenario) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, sc.Save(&b))
	return b.Bytes()
}

// everything is a config that turns every knob.
var everything = simulation.Config{
	Seed: 7, Students: 300, Places: 25, MinSeats: 2, MaxSeats: 6, ListLength: 6, Skew: 1,
	Classes:         []simulation.ClassShare{{Name: "health", Share: 0.1}, {Name: "parents", Share: 0.2}},
	Regions:         3,
	PlacePriorities: 0.4,
	Groups:          5,
	Earlier:         2,
	Pins:            0.05,
}

func TestGenerateIsDeterministicBySeed(t *testing.T) {
	t.Parallel()
	a, b := generate(t, everything), generate(t, everything)
	require.Equal(t, a, b)
	require.Equal(t, save(t, a), save(t, b))

	other := everything
	other.Seed++
	c := generate(t, other)
	require.NotEqual(t, a.Base.Students[0].ID, c.Base.Students[0].ID)
	require.NotEqual(t, save(t, a), save(t, c))

	// IDs depend on the seed only: more places leave the students' IDs.
	more := everything
	more.Places++
	d := generate(t, more)
	for i := range a.Base.Students {
		require.Equal(t, a.Base.Students[i].ID, d.Base.Students[i].ID)
	}
	for i := range a.Base.Places {
		require.Equal(t, a.Base.Places[i].ID, d.Base.Places[i].ID)
	}
	for _, st := range a.Base.Students {
		require.Equal(t, byte(0x40), st.ID[6]&0xf0, "version 4")
		require.Equal(t, byte(0x80), st.ID[8]&0xc0, "RFC 9562 variant")
	}
}

func TestGenerateDefaults(t *testing.T) {
	t.Parallel()
	sc := generate(t, simulation.Config{Seed: 1})
	c := sc.Config
	require.Equal(t, simulation.Config{
		Seed: 1, Students: 1000, Places: 100, MinSeats: 5, MaxSeats: 15, ListLength: 10, Regions: 4,
	}, c)
	require.Len(t, sc.Base.Students, 1000)
	require.Len(t, sc.Base.Places, 100)
	require.Empty(t, sc.Base.Pins)
	require.Empty(t, sc.Base.Classes)
	require.Nil(t, sc.Earlier)
	r := sc.Round()
	require.Nil(t, r.Exclude, "no earlier placements, no filter")
	require.NotNil(t, r.Cost)

	// Seats default around a lone bound.
	require.Equal(t, 3, simulation.Config{MaxSeats: 3}.WithDefaults().MinSeats)
	require.Equal(t, 20, simulation.Config{MinSeats: 20}.WithDefaults().MaxSeats)
	require.Equal(t, 4, simulation.Config{Places: 4}.WithDefaults().ListLength, "capped at Places")
	require.Zero(t, simulation.Config{Skew: -1}.WithDefaults().Skew)
}

func TestGenerateRespectsKnobs(t *testing.T) {
	t.Parallel()
	sc := generate(t, everything)
	c := everything
	r := sc.Base
	require.Len(t, r.Students, c.Students)
	require.Len(t, r.Places, c.Places)
	require.Equal(t, []string{"health", "parents"}, r.Classes)
	require.Len(t, sc.Homes, c.Students)
	require.Len(t, sc.Sites, c.Places)

	places := map[practice.ID]int{}
	regions := map[string]bool{}
	for i, p := range r.Places {
		places[p.ID] = i
		require.GreaterOrEqual(t, p.Seats, c.MinSeats)
		require.LessOrEqual(t, p.Seats, c.MaxSeats)
		regions[p.Region] = true
		require.Contains(t, sc.Sites, p.ID)
	}
	require.LessOrEqual(t, len(regions), c.Regions)

	listers := make([][]practice.ID, len(r.Places))
	groups := map[string]bool{}
	classes := map[string]int{}
	for _, st := range r.Students {
		require.Len(t, st.Preferences, c.ListLength)
		for j, pl := range st.Preferences {
			require.Contains(t, places, pl)
			require.NotContains(t, st.Preferences[:j], pl, "no place twice")
			listers[places[pl]] = append(listers[places[pl]], st.ID)
		}
		require.Contains(t, sc.Homes, st.ID)
		require.Zero(t, st.Credit)
		require.NotEmpty(t, st.Region)
		require.NotEmpty(t, st.Group)
		groups[st.Group] = true
		classes[st.Class]++
	}
	require.LessOrEqual(t, len(groups), c.Groups)
	require.Greater(t, len(groups), 1)
	require.Equal(t, 30, classes["health"])
	require.Equal(t, 60, classes["parents"])
	require.Equal(t, 210, classes[""])

	// Places with priorities rank exactly the students who list them.
	withPriorities := 0
	for i, p := range r.Places {
		if p.Priorities == nil {
			continue
		}
		withPriorities++
		require.ElementsMatch(t, listers[i], p.Priorities)
	}
	require.Equal(t, 10, withPriorities, "round(0.4 × 25)")

	// Pins: 5% of 300, each at an allowed place with its seat.
	require.Len(t, r.Pins, 15)
	pinnedAt := map[practice.ID]int{}
	pinned := map[practice.ID]bool{}
	for _, pin := range r.Pins {
		require.False(t, pinned[pin.Student], "a student pinned twice")
		pinned[pin.Student] = true
		require.NotContains(t, sc.Earlier[pin.Student], pin.Place)
		require.Equal(t, simulation.PinReason, pin.Reason)
		pinnedAt[pin.Place]++
	}
	for id, n := range pinnedAt {
		require.LessOrEqual(t, n, r.Places[places[id]].Seats)
	}
	_, err := allocation.Prepare(sc.Round())
	require.NoError(t, err)
}

func TestGenerateSkewMakesTopPlacesPopular(t *testing.T) {
	t.Parallel()
	firstChoices := func(skew float64) (top, median int) {
		sc := generate(t, simulation.Config{Seed: 3, Students: 5000, Places: 100, Skew: skew})
		count := map[practice.ID]int{}
		for _, p := range sc.Base.Places {
			count[p.ID] = 0
		}
		for _, st := range sc.Base.Students {
			count[st.Preferences[0]]++
		}
		var ns []int
		for _, n := range count {
			ns = append(ns, n)
		}
		slices.Sort(ns)
		return ns[len(ns)-1], ns[len(ns)/2]
	}
	top, median := firstChoices(1)
	require.Greater(t, top, 10*median, "Zipf: the top place is far more popular than the median one")
	top, median = firstChoices(0)
	require.Less(t, top, 2*median, "uniform: no place stands out")
	top, median = firstChoices(2)
	require.Greater(t, top, 100*max(median, 1))
}

func TestGenerateStudentsPreferTheirOwnRegion(t *testing.T) {
	t.Parallel()
	sc := generate(t, simulation.Config{Seed: 5, Students: 4000, Places: 200, Regions: 4})
	region := map[practice.ID]string{}
	for _, p := range sc.Base.Places {
		region[p.ID] = p.Region
	}
	local, all := 0, 0
	for _, st := range sc.Base.Students {
		for _, pl := range st.Preferences {
			all++
			if region[pl] == st.Region {
				local++
			}
		}
	}
	share := float64(local) / float64(all)
	// A quarter of the places are local; with RegionBoost 2 a local place
	// weighs twice, so about 2/5 of the choices are local.
	require.InDelta(t, 0.4, share, 0.05)

	// Homes lie nearer to the places of their own region.
	var near, far float64
	var nNear, nFar int
	for _, st := range sc.Base.Students[:500] {
		for _, p := range sc.Base.Places {
			d := sc.Homes[st.ID].Distance(sc.Sites[p.ID])
			if p.Region == st.Region {
				near += d
				nNear++
			} else {
				far += d
				nFar++
			}
		}
	}
	require.Less(t, near/float64(nNear), far/float64(nFar))
}

func TestGenerateEarlierPlacementsAreExcluded(t *testing.T) {
	t.Parallel()
	sc := generate(t, simulation.Config{Seed: 11, Students: 400, Places: 12, Earlier: 3, ListLength: 5, MinSeats: 30, MaxSeats: 40})
	r := sc.Round()
	require.NotNil(t, r.Exclude)
	require.Len(t, sc.Earlier, 400)
	listedEarlier := 0
	for i := range r.Students {
		st := &r.Students[i]
		earlier := sc.Earlier[st.ID]
		require.Len(t, earlier, 3)
		require.Len(t, slices.Compact(slices.SortedFunc(slices.Values(earlier), practice.ID.Compare)), 3, "distinct")
		for j := range r.Places {
			p := &r.Places[j]
			want := ""
			if slices.Contains(earlier, p.ID) {
				want = simulation.ConstraintEarlier
			}
			require.Equal(t, want, r.Exclude(st, p))
		}
		for _, pl := range st.Preferences {
			if slices.Contains(earlier, pl) {
				listedEarlier++
			}
		}
	}
	require.Positive(t, listedEarlier, "some students list a place they had before")

	for _, alg := range algorithms {
		res := allocate(t, r, alg.o)
		require.NoError(t, simulation.Check(r, res))
		excluded := 0
		for i, a := range res.Assignments() {
			require.NotContains(t, sc.Earlier[a.Student], a.Place, alg.name)
			for _, ps := range res.Explain(i).Passed {
				if ps.Reason == allocation.Excluded {
					require.Equal(t, simulation.ConstraintEarlier, ps.Constraint)
					excluded++
				}
			}
		}
		require.Positive(t, excluded, alg.name)
	}
}

func TestRoundCostIsTravelDistance(t *testing.T) {
	t.Parallel()
	sc := generate(t, simulation.Config{Seed: 2, Students: 50, Places: 10, Regions: 3})
	r := sc.Round()
	seen := map[int]bool{}
	for i := range r.Students {
		for j := range r.Places {
			st, p := &r.Students[i], &r.Places[j]
			c := r.Cost(st, p)
			d := sc.Homes[st.ID].Distance(sc.Sites[p.ID])
			require.Equal(t, int(d/simulation.KilometresPerCost), c)
			require.GreaterOrEqual(t, c, 0)
			require.LessOrEqual(t, c, allocation.MaxCost)
			seen[c] = true
		}
	}
	require.Greater(t, len(seen), 2, "costs vary")

	// Far away costs MaxCost; a missing point costs 0.
	far := *sc
	far.Homes = map[practice.ID]simulation.Point{r.Students[0].ID: {X: 1e9}}
	fr := far.Round()
	require.Equal(t, allocation.MaxCost, fr.Cost(&fr.Students[0], &fr.Places[0]))
	require.Zero(t, fr.Cost(&fr.Students[1], &fr.Places[0]))
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		edit        func(*simulation.Config)
		field, rule string
	}{
		{"negative students", func(c *simulation.Config) { c.Students = -1 }, "students", "range"},
		{"too many students", func(c *simulation.Config) { c.Students = simulation.MaxStudents + 1 }, "students", "range"},
		{"negative places", func(c *simulation.Config) { c.Places = -3 }, "places", "range"},
		{"negative min seats", func(c *simulation.Config) { c.MinSeats = -1 }, "minSeats", "range"},
		{"seats upside down", func(c *simulation.Config) { c.MinSeats, c.MaxSeats = 9, 3 }, "maxSeats", "gtefield"},
		{"negative list", func(c *simulation.Config) { c.ListLength = -1 }, "listLength", "min"},
		{"skew too big", func(c *simulation.Config) { c.Skew = 5 }, "skew", "max"},
		{"skew NaN", func(c *simulation.Config) { c.Skew = math.NaN() }, "skew", "max"},
		{"class without name", func(c *simulation.Config) { c.Classes = []simulation.ClassShare{{Share: 0.1}} }, "classes[0].name", "required"},
		{"class twice", func(c *simulation.Config) {
			c.Classes = []simulation.ClassShare{{Name: "a", Share: 0.1}, {Name: "a", Share: 0.1}}
		}, "classes[1].name", "unique"},
		{"class share", func(c *simulation.Config) { c.Classes = []simulation.ClassShare{{Name: "a", Share: 1.5}} }, "classes[0].share", "range"},
		{"shares over 1", func(c *simulation.Config) {
			c.Classes = []simulation.ClassShare{{Name: "a", Share: 0.6}, {Name: "b", Share: 0.6}}
		}, "classes", "sum"},
		{"negative regions", func(c *simulation.Config) { c.Regions = -1 }, "regions", "range"},
		{"place priorities", func(c *simulation.Config) { c.PlacePriorities = 2 }, "placePriorities", "range"},
		{"negative groups", func(c *simulation.Config) { c.Groups = -1 }, "groups", "range"},
		{"negative earlier", func(c *simulation.Config) { c.Earlier = -1 }, "earlier", "min"},
		{"earlier all places", func(c *simulation.Config) { c.Places, c.Earlier = 5, 5 }, "earlier", "ltfield"},
		{"pins", func(c *simulation.Config) { c.Pins = -0.5 }, "pins", "range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := simulation.Config{Seed: 1, Students: 10, Places: 10}
			tt.edit(&c)
			err := c.Validate()
			var ve *practice.ValidationError
			require.True(t, errors.As(err, &ve), "%v", err)
			require.Len(t, ve.Fields, 1, "%v", err)
			require.Equal(t, tt.field, ve.Fields[0].Field)
			require.Equal(t, tt.rule, ve.Fields[0].Rule)
			sc, gerr := simulation.Generate(c)
			require.Nil(t, sc)
			require.Equal(t, err, gerr)
		})
	}
	require.NoError(t, everything.Validate())
	require.NoError(t, simulation.Config{}.Validate())
	require.NoError(t, simulation.Config{Skew: -3}.Validate(), "a negative skew means 0")
}

func TestSaveLoadRoundTrip(t *testing.T) {
	t.Parallel()
	for _, c := range []simulation.Config{everything, {Seed: 9, Students: 20, Places: 3}} {
		sc := generate(t, c)
		data := save(t, sc)
		require.True(t, bytes.HasPrefix(data, []byte("{\n  \"config\": {")), "indented JSON")
		loaded, err := simulation.Load(bytes.NewReader(data))
		require.NoError(t, err)
		require.Equal(t, sc, loaded)
		require.Equal(t, data, save(t, loaded))

		// The loaded round runs as the generated one.
		a := allocate(t, sc.Round(), allocation.Options{Seed: 1})
		b := allocate(t, loaded.Round(), allocation.Options{Seed: 1, Algorithm: allocation.DeferredAcceptance})
		require.Equal(t, a.Assignments(), b.Assignments())
		o := allocation.Options{Algorithm: allocation.Optimal}
		require.Equal(t, allocate(t, sc.Round(), o).Assignments(), allocate(t, loaded.Round(), o).Assignments())
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	base := generate(t, simulation.Config{Seed: 4, Students: 4, Places: 3, ListLength: 2, Earlier: 1, Pins: 0.5})
	require.Len(t, base.Base.Pins, 2)
	stranger, nowhere := testID('s', 99), testID('p', 99)
	st0 := base.Base.Students[0].ID

	edited := func(edit func(sc *simulation.Scenario)) string {
		data := save(t, base)
		sc, err := simulation.Load(bytes.NewReader(data))
		require.NoError(t, err)
		edit(sc)
		return string(save(t, sc))
	}
	tests := []struct {
		name  string
		input string
		field string // the ValidationError's first field, or "" for another error
		text  string // in the error's text
	}{
		{"not JSON", "{", "", "unexpected EOF"},
		{"unknown field", strings.Replace(string(save(t, base)), `"config": {`, `"config": {"colour": 1,`, 1), "", `unknown field "colour"`},
		{"unknown nested field", strings.Replace(string(save(t, base)), `"places": [`, `"placez": [],"places": [`, 1), "", `unknown field "placez"`},
		{"trailing data", string(save(t, base)) + "{}", "", "data after the scenario"},
		{"home of a stranger", edited(func(sc *simulation.Scenario) { sc.Homes[stranger] = simulation.Point{} }), "homes[" + stranger.String() + "]", "not a student of the round"},
		{"site of nowhere", edited(func(sc *simulation.Scenario) { sc.Sites[nowhere] = simulation.Point{} }), "sites[" + nowhere.String() + "]", "not a place of the round"},
		{"earlier of a stranger", edited(func(sc *simulation.Scenario) { sc.Earlier[stranger] = nil }), "earlier[" + stranger.String() + "]", "not a student of the round"},
		{"earlier at nowhere", edited(func(sc *simulation.Scenario) { sc.Earlier[st0] = []practice.ID{nowhere} }), "earlier[" + st0.String() + "][0]", "not a place of the round"},
		{"bad config", edited(func(sc *simulation.Scenario) { sc.Config.Students = -1 }), "config.students", "number of students"},
		{"preference for nowhere", edited(func(sc *simulation.Scenario) { sc.Base.Students[1].Preferences[0] = nowhere }), "round.students[1].preferences[0]", "not a place of the round"},
		{"place twice", edited(func(sc *simulation.Scenario) { sc.Base.Places = append(sc.Base.Places, sc.Base.Places[0]) }), "round.places[3].id", "listed twice"},
		{"pin at an earlier place", edited(func(sc *simulation.Scenario) {
			pin := sc.Base.Pins[0]
			sc.Earlier[pin.Student] = []practice.ID{pin.Place}
		}), "round.pins[0]", simulation.ConstraintEarlier},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sc, err := simulation.Load(strings.NewReader(tt.input))
			require.Nil(t, sc)
			require.Error(t, err)
			require.Contains(t, err.Error(), tt.text)
			var ve *practice.ValidationError
			if tt.field == "" {
				require.False(t, errors.As(err, &ve), "%v", err)
				return
			}
			require.True(t, errors.As(err, &ve), "%v", err)
			require.Equal(t, tt.field, ve.Fields[0].Field, "%v", err)
		})
	}
}

func BenchmarkGenerate(b *testing.B) {
	c := simulation.Config{Seed: 1, Students: 100_000, Places: 10_000, ListLength: 10, Skew: 1}
	for b.Loop() {
		if _, err := simulation.Generate(c); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(c.Students)*float64(b.N)/b.Elapsed().Seconds(), "students/s")
}
