package simulation

import (
	"fmt"
	"math"

	"github.com/praksis/praksis/practice"
)

// Config holds the knobs of the scenario generator. Zero fields take the
// defaults noted; [Config.WithDefaults] fills them in.
type Config struct {
	// Seed makes the scenario: the same Config gives the same scenario.
	Seed uint64 `json:"seed"`
	// Students is the number of students; default 1000.
	Students int `json:"students"`
	// Places is the number of places; default 100.
	Places int `json:"places"`
	// MinSeats is the fewest seats a place has; default 5, or MaxSeats
	// when that is set lower.
	MinSeats int `json:"minSeats"`
	// MaxSeats is the most seats a place has; default 15, or MinSeats when
	// that is set higher. Seats are uniform in [MinSeats, MaxSeats].
	MaxSeats int `json:"maxSeats"`
	// ListLength is the length of every student's preference list;
	// default 10, capped at Places.
	ListLength int `json:"listLength"`
	// Skew is the popularity skew of the places: place number k (from 1,
	// in a random order) weighs 1/k^Skew, so 0 is uniform and 1 is
	// Zipf-like. The default is 0 (uniform), and so is any negative
	// value; set it explicitly. At most 4.
	Skew float64 `json:"skew"`
	// Classes are the priority classes, highest first, with the share of
	// students in each; the rest have no class. Default none.
	Classes []ClassShare `json:"classes"`
	// Regions is the number of regions; default 4. Students and places
	// each get a region and a point on a map, and students prefer the
	// places of their own region (see [Generate]).
	Regions int `json:"regions"`
	// PlacePriorities is the share of places, 0 to 1, that have their own
	// priority list over the students who list them; default 0.
	PlacePriorities float64 `json:"placePriorities"`
	// Groups is the number of student groups (cohorts at the study site)
	// for the group policies; default 0, no groups.
	Groups int `json:"groups"`
	// Earlier is the number of earlier placements of each student: places
	// they may not go to again; default 0. Fewer than Places.
	Earlier int `json:"earlier"`
	// Pins is the share of students, 0 to 1, pinned by hand to a place
	// they may go to; default 0.
	Pins float64 `json:"pins"`
}

// ClassShare is a priority class and its share of the students, 0 to 1.
type ClassShare struct {
	Name  string  `json:"name"`
	Share float64 `json:"share"`
}

// The defaults of a Config's zero fields.
const (
	DefaultStudents   = 1000 // Config.Students
	DefaultPlaces     = 100  // Config.Places
	DefaultMinSeats   = 5    // Config.MinSeats
	DefaultMaxSeats   = 15   // Config.MaxSeats
	DefaultListLength = 10   // Config.ListLength
	DefaultRegions    = 4    // Config.Regions
)

// The limits of a Config.
const (
	MaxStudents      = 10_000_000 // Config.Students and Config.Groups
	MaxPlaces        = 1_000_000  // Config.Places
	MaxSeatsPerPlace = 1 << 20    // Config.MinSeats and Config.MaxSeats
	MaxSkew          = 4          // Config.Skew
	MaxRegions       = 10_000     // Config.Regions
)

// maxClasses is the engine's limit on priority classes.
const maxClasses = 254

// WithDefaults returns the config with its zero fields set to their
// defaults, a negative Skew set to 0 and ListLength capped at Places. It
// does not validate.
func (c Config) WithDefaults() Config {
	if c.Students == 0 {
		c.Students = DefaultStudents
	}
	if c.Places == 0 {
		c.Places = DefaultPlaces
	}
	switch {
	case c.MinSeats == 0 && c.MaxSeats == 0:
		c.MinSeats, c.MaxSeats = DefaultMinSeats, DefaultMaxSeats
	case c.MinSeats == 0:
		c.MinSeats = min(DefaultMinSeats, c.MaxSeats)
	case c.MaxSeats == 0:
		c.MaxSeats = max(DefaultMaxSeats, c.MinSeats)
	}
	if c.ListLength == 0 {
		c.ListLength = DefaultListLength
	}
	if c.Places > 0 {
		c.ListLength = min(c.ListLength, c.Places)
	}
	if c.Skew < 0 {
		c.Skew = 0
	}
	if c.Regions == 0 {
		c.Regions = DefaultRegions
	}
	return c
}

// Validate checks the config, defaults filled in. A bad config gives a
// *practice.ValidationError naming each field (as in JSON) and its rule.
func (c Config) Validate() error {
	return c.validate("")
}

func (c Config) validate(prefix string) error {
	c = c.WithDefaults()
	v := &practice.ValidationError{}
	add := func(field, rule, format string, args ...any) {
		v.Add(prefix+field, rule, fmt.Sprintf(format, args...))
	}
	if c.Students < 0 || c.Students > MaxStudents {
		add("students", "range", "the number of students must be between 1 and %d (0 for %d)", MaxStudents, DefaultStudents)
	}
	if c.Places < 0 || c.Places > MaxPlaces {
		add("places", "range", "the number of places must be between 1 and %d (0 for %d)", MaxPlaces, DefaultPlaces)
	}
	if c.MinSeats < 0 || c.MinSeats > MaxSeatsPerPlace {
		add("minSeats", "range", "the fewest seats must be between 1 and %d", MaxSeatsPerPlace)
	}
	if c.MaxSeats < 0 || c.MaxSeats > MaxSeatsPerPlace {
		add("maxSeats", "range", "the most seats must be between 1 and %d", MaxSeatsPerPlace)
	} else if c.MaxSeats < c.MinSeats {
		add("maxSeats", "gtefield", "the most seats (%d) must be at least the fewest seats (%d)", c.MaxSeats, c.MinSeats)
	}
	if c.ListLength < 0 {
		add("listLength", "min", "the list length must be 1 or more (0 for %d)", DefaultListLength)
	}
	if math.IsNaN(c.Skew) || c.Skew > MaxSkew {
		add("skew", "max", "the skew must be a number of at most %d", MaxSkew)
	}
	if len(c.Classes) > maxClasses {
		add("classes", "max", "at most %d priority classes", maxClasses)
	}
	sum := 0.0
	seen := map[string]bool{}
	for i, cl := range c.Classes {
		field := fmt.Sprintf("classes[%d]", i)
		switch {
		case cl.Name == "":
			add(field+".name", "required", "a priority class needs a name")
		case seen[cl.Name]:
			add(field+".name", "unique", "the priority class %q is listed twice", cl.Name)
		}
		seen[cl.Name] = true
		if !(cl.Share >= 0 && cl.Share <= 1) {
			add(field+".share", "range", "a class's share must be between 0 and 1")
		} else {
			sum += cl.Share
		}
	}
	if sum > 1+1e-9 {
		add("classes", "sum", "the classes' shares add up to %g, more than 1", sum)
	}
	if c.Regions < 0 || c.Regions > MaxRegions {
		add("regions", "range", "the number of regions must be between 1 and %d (0 for %d)", MaxRegions, DefaultRegions)
	}
	if !(c.PlacePriorities >= 0 && c.PlacePriorities <= 1) {
		add("placePriorities", "range", "the share of places with priorities must be between 0 and 1")
	}
	if c.Groups < 0 || c.Groups > MaxStudents {
		add("groups", "range", "the number of groups must be between 0 and %d", MaxStudents)
	}
	if c.Earlier < 0 {
		add("earlier", "min", "the number of earlier placements must be 0 or more")
	} else if c.Places > 0 && c.Earlier >= c.Places {
		add("earlier", "ltfield", "the number of earlier placements (%d) must be less than the number of places (%d)", c.Earlier, c.Places)
	}
	if !(c.Pins >= 0 && c.Pins <= 1) {
		add("pins", "range", "the share of pinned students must be between 0 and 1")
	}
	return v.Err()
}
