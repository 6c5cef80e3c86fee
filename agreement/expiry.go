package agreement

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/praksis/praksis/practice"
)

// Sweep finds the agreements that end within the horizon, do not renew and
// were not reminded of that end, and publishes, for each, a reminder
// ([EventExpiring]) to each practice administrator of its institution,
// recording that it did in the same transaction, so each is reminded once
// per end date (an agreement extended and ending again is reminded again).
// An agreement whose institution has no practice administrator waits for
// one. It returns the number of agreements reminded. It is the system's
// and takes no actor.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	today := s.today()
	due, err := practice.All(func(p practice.PageRequest) (Page, error) {
		return s.store.Agreements(ctx, Filter{EndsWithin: practice.Period{Start: today, End: today.AddDays(s.horizon)}, Page: p})
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, ag := range due {
		if ag.ExpiryNotified == ag.EndsOn() {
			continue
		}
		sent, err := s.remind(ctx, ag.ID, today)
		if err != nil {
			return n, err
		}
		if sent {
			n++
		}
	}
	return n, nil
}

// remind publishes the reminders of one agreement's end, if still due.
func (s *Service) remind(ctx context.Context, id practice.ID, today practice.Date) (sent bool, err error) {
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.Lock(ctx, LockAgreement, id); err != nil {
			return err
		}
		ag, err := s.store.Agreement(ctx, id)
		if err != nil {
			return err
		}
		end := ag.EndsOn()
		if end.IsZero() || end.Before(today) || end.After(today.AddDays(s.horizon)) || ag.ExpiryNotified == end || !ag.InForce(today) {
			return nil
		}
		admins, err := practice.All(func(p practice.PageRequest) (practice.Page[practice.StaffMembership], error) {
			return s.store.StaffRoles(ctx, practice.StaffFilter{InstitutionID: ag.InstitutionID, Role: practice.Administrator, Page: p})
		})
		if err != nil || len(admins) == 0 {
			return err
		}
		events := make([]practice.Event, 0, len(admins))
		for _, m := range admins {
			ref := ExpiryRef{AgreementID: ag.ID, PersonID: m.PersonID, EndsOn: end}
			e, err := practice.NewEvent(EventExpiring, ref)
			if err != nil {
				return err
			}
			e.Key = fmt.Sprintf("%s/%s/%s", ag.ID, end, m.PersonID)
			events = append(events, e)
		}
		if err := s.store.Publish(ctx, events...); err != nil {
			return err
		}
		ag.ExpiryNotified, ag.UpdatedAt = end, s.now()
		if err := s.store.UpdateAgreement(ctx, ag); err != nil {
			return err
		}
		sent = true
		return nil
	})
	return sent, err
}

// ExpiryMail returns the reminder r asks for, with ok true; or ok false if
// it is no longer due: the agreement no longer ends on r.EndsOn, or the
// person is no longer a practice administrator of its institution.
func (s *Service) ExpiryMail(ctx context.Context, r ExpiryRef) (m ExpiryMail, ok bool, err error) {
	err = s.store.InSnapshot(ctx, func(ctx context.Context) error {
		ag, err := s.store.Agreement(ctx, r.AgreementID)
		if errors.Is(err, practice.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if ag.EndsOn() != r.EndsOn || ag.EndsOn().IsZero() {
			return nil
		}
		roles, err := s.store.StaffRoles(ctx, practice.StaffFilter{InstitutionID: ag.InstitutionID, PersonID: r.PersonID, Role: practice.Administrator})
		if err != nil || len(roles.Items) == 0 {
			return err
		}
		p, err := s.store.Person(ctx, r.PersonID)
		if err != nil {
			return err
		}
		inst, err := s.store.Institution(ctx, ag.InstitutionID)
		if err != nil {
			return err
		}
		org, err := s.store.Organisation(ctx, ag.OrganisationID)
		if err != nil {
			return err
		}
		m = ExpiryMail{AgreementID: ag.ID, To: p.Email, Name: p.Name, AgreementName: ag.Name, InstitutionName: inst.Name,
			OrganisationName: org.Name, EndsOn: r.EndsOn, DaysLeft: max(0, daysBetween(s.today(), r.EndsOn))}
		ok = true
		return nil
	})
	return m, ok, err
}

// ExpiryRefOf returns the ExpiryRef of a delivery of an [EventExpiring]
// event, or an error, which quotes nothing of the payload, if its payload
// is not one.
func ExpiryRefOf(d practice.Delivery) (ExpiryRef, error) {
	var r ExpiryRef
	if err := json.Unmarshal(d.Event.Payload, &r); err != nil || r.AgreementID.IsZero() || r.PersonID.IsZero() || r.EndsOn.IsZero() {
		return ExpiryRef{}, fmt.Errorf("agreement: event %s: the payload is not a reminder of an agreement's end", d.ID)
	}
	return r, nil
}

// Handlers returns the handlers of the package's events but the mails,
// which the delivery code sends (add a handler of EventExpiring to the
// map).
func (s *Service) Handlers() practice.Handlers {
	return practice.Handlers{
		EventSweep: practice.HandlerFunc(func(ctx context.Context, _ practice.Delivery) error {
			_, err := s.Sweep(ctx)
			return err
		}),
	}
}

// SweepEvery returns the periodic sweep for a deliverer's options.
func SweepEvery(every time.Duration) practice.Periodic {
	return practice.Periodic{Every: every, Event: practice.Event{Kind: EventSweep}}
}
