package invite

import (
	"fmt"
	"time"
)

// Policy is how long invitations live, and when they remind. Its defaults,
// from the user guide, are [DefaultPolicy]'s.
type Policy struct {
	// WithNationalID is how long an invitation that names a national
	// identity number may be used (default 7 days).
	WithNationalID time.Duration
	// WithoutNationalID is how long one that names none may be used
	// (default 14 days).
	WithoutNationalID time.Duration
	// Reminder is when, after it was sent, an invitation that names no
	// national identity number and is still pending sends a reminder
	// (default 7 days); zero sends none. One that names a number sends
	// none (by default it expires the day the reminder would come).
	Reminder time.Duration
	// MaxFailedLogins is how many logins with another national identity
	// number an invitation takes before it dies (default 3).
	MaxFailedLogins int
}

// DefaultPolicy returns the user guide's deadlines: 7 days with a national
// identity number; 14 days without, with a reminder after 7; dead after 3
// logins with another number.
func DefaultPolicy() Policy {
	const day = 24 * time.Hour
	return Policy{WithNationalID: 7 * day, WithoutNationalID: 14 * day, Reminder: 7 * day, MaxFailedLogins: 3}
}

// Check returns an error if p cannot be followed: a lifetime that is not
// positive, a reminder not within the lifetime, or no failed login allowed.
func (p Policy) Check() error {
	switch {
	case p.WithNationalID <= 0 || p.WithoutNationalID <= 0:
		return fmt.Errorf("invite: policy: lifetimes must be positive")
	case p.Reminder < 0 || p.Reminder >= p.WithoutNationalID:
		return fmt.Errorf("invite: policy: the reminder must come before an invitation expires")
	case p.MaxFailedLogins < 1:
		return fmt.Errorf("invite: policy: MaxFailedLogins must be at least 1")
	}
	return nil
}

// deadlines returns when an invitation sent at now expires and, if at all,
// reminds.
func (p Policy) deadlines(now time.Time, withNationalID bool) (expires, remind time.Time) {
	if withNationalID {
		return now.Add(p.WithNationalID), time.Time{}
	}
	if p.Reminder > 0 {
		remind = now.Add(p.Reminder)
	}
	return now.Add(p.WithoutNationalID), remind
}
