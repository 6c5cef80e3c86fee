package agreement

import (
	"testing"
	"time"

	"github.com/praksis/praksis/practice"
)

// TestDayOf checks the arithmetic of dayOf against the time package on every
// day of the range praksis takes, and a little more.
func TestDayOf(t *testing.T) {
	t.Parallel()
	for d := practice.NewDate(1969, time.December, 1); d.Before(practice.NewDate(2201, time.March, 1)); d = d.AddDays(1) {
		if got, want := dayOf(d), int32(d.Time().Unix()/86400); got != want {
			t.Fatalf("dayOf(%s) = %d, want %d", d, got, want)
		}
	}
}
