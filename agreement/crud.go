package agreement

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/praksis/praksis/practice"
)

// NewService returns a Service over store. It returns an error if an
// option is out of range.
func NewService(store Store, opts ...Option) (*Service, error) {
	s := &Service{store: store, blobs: store, ownBlobs: true, clock: practice.SystemClock, newID: practice.NewID,
		horizon: DefaultHorizon, maxSize: DefaultMaxDocumentSize, types: DefaultDocumentTypes}
	for _, o := range opts {
		o(s)
	}
	switch {
	case s.horizon < 1 || s.horizon > maxNoticeDays:
		return nil, fmt.Errorf("agreement: the horizon must be from 1 to %d days", maxNoticeDays)
	case s.maxSize < 1:
		return nil, errors.New("agreement: the largest document must be at least a byte")
	case len(s.types) == 0:
		return nil, errors.New("agreement: no document type is allowed")
	case s.blobs == nil:
		return nil, errors.New("agreement: WithBlobs needs a Blobs")
	}
	s.kernel = practice.NewService(store, practice.WithClock(s.clock), practice.WithIDs(s.newID))
	return s, nil
}

func (s *Service) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }

// today returns the date of now in UTC.
func (s *Service) today() practice.Date { return practice.DateOf(s.now()) }

// Horizon returns how many days before its end an agreement counts as
// ending soon.
func (s *Service) Horizon() int { return s.horizon }

// MaxDocumentSize returns the largest document the service takes, in
// bytes, so that a server reads no more of an upload.
func (s *Service) MaxDocumentSize() int64 { return s.maxSize }

// checkPlaces checks that the organisation exists and that every place in
// names is one of its places, naming the field of each that is not.
func (s *Service) checkPlaces(ctx context.Context, in Input) error {
	if _, err := s.store.Organisation(ctx, in.OrganisationID); errors.Is(err, practice.ErrNotFound) {
		return practice.Invalid("organisationId", "exists", "there is no such organisation")
	} else if err != nil {
		return err
	}
	var v practice.ValidationError
	for i, c := range in.Places {
		p, err := s.store.Place(ctx, c.PlaceID)
		switch {
		case errors.Is(err, practice.ErrNotFound):
			v.Add(fmt.Sprintf("places[%d].placeId", i), "exists", "there is no such place")
		case err != nil:
			return err
		case p.OrganisationID != in.OrganisationID:
			v.Add(fmt.Sprintf("places[%d].placeId", i), "same-organisation", "must be a place of the agreement's organisation")
		}
	}
	return v.Err()
}

// prepare trims, validates and orders an input.
func prepare(in *Input) error {
	in.trim()
	if err := practice.Validate(*in); err != nil {
		return err
	}
	if err := in.check(); err != nil {
		return err
	}
	in.order()
	return nil
}

// saveError tells a store's error on saving an agreement in the domain's
// words.
func saveError(err error, id practice.ID, version int) error {
	var e *practice.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &e) && e.Code == practice.ErrConflict && e.Stale:
		return &practice.Error{Code: practice.ErrConflict, Stale: true, Err: err,
			Message: fmt.Sprintf("the agreement changed since version %d was read; read it again", version)}
	case errors.Is(err, practice.ErrNotFound):
		return &practice.Error{Code: practice.ErrNotFound, Message: fmt.Sprintf("there is no agreement %s", id), Err: err}
	}
	return err
}

// Create creates an agreement of an institution, a draft or, if in.Status
// says so, active. Its places must be places of its organisation. The
// institution's practice administrators may.
func (s *Service) Create(ctx context.Context, a practice.Actor, institutionID practice.ID, in Input) (Agreement, error) {
	if err := canManage(a, institutionID); err != nil {
		return Agreement{}, err
	}
	if err := prepare(&in); err != nil {
		return Agreement{}, err
	}
	if in.Status == "" {
		in.Status = Draft
	}
	now := s.now()
	ag := Agreement{ID: s.newID(), InstitutionID: institutionID, OrganisationID: in.OrganisationID, Name: in.Name,
		Places: in.Places, Period: in.Period, Renewal: in.Renewal, Scope: in.Scope, Terms: in.Terms, Status: in.Status,
		ReviewedOn: practice.DateOf(now), ReviewedBy: a.PersonID, Version: 1, CreatedAt: now, UpdatedAt: now}
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		if _, err := s.store.Institution(ctx, institutionID); err != nil {
			if errors.Is(err, practice.ErrNotFound) {
				return practice.NotFound("there is no institution %s", institutionID)
			}
			return err
		}
		if err := s.checkPlaces(ctx, in); err != nil {
			return err
		}
		return saveError(s.store.CreateAgreement(ctx, ag), ag.ID, 0)
	})
	if err != nil {
		return Agreement{}, err
	}
	return ag, nil
}

// read returns the agreement id if a may read it.
func (s *Service) read(ctx context.Context, a practice.Actor, id practice.ID) (Agreement, error) {
	if err := loggedIn(a); err != nil {
		return Agreement{}, err
	}
	ag, err := s.store.Agreement(ctx, id)
	if errors.Is(err, practice.ErrNotFound) {
		return Agreement{}, hidden(id)
	}
	if err != nil {
		return Agreement{}, err
	}
	if !mayRead(a, ag) {
		return Agreement{}, hidden(id)
	}
	return ag, nil
}

// change runs fn on the agreement id, locked, and stores what fn made of
// it, if a may manage it and the caller read version.
//
// The right is checked first, then check validates the input, then the
// version: a caller who may not change the agreement learns nothing of
// their input.
func (s *Service) change(ctx context.Context, a practice.Actor, id practice.ID, version int, check func() error, fn func(ctx context.Context, ag *Agreement) error) (Agreement, error) {
	var out Agreement
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.Lock(ctx, LockAgreement, id); err != nil {
			return err
		}
		ag, err := s.read(ctx, a, id)
		if err != nil {
			return err
		}
		if err := canManage(a, ag.InstitutionID); err != nil {
			return err
		}
		if err := check(); err != nil {
			return err
		}
		if version < 1 {
			return practice.Invalid("version", "required", "is required: give the version you read")
		}
		if ag.Version != version {
			return &practice.Error{Code: practice.ErrConflict, Stale: true,
				Message: fmt.Sprintf("the agreement changed since version %d was read; read it again", version)}
		}
		if err := fn(ctx, &ag); err != nil {
			return err
		}
		ag.UpdatedAt = s.now()
		if err := saveError(s.store.UpdateAgreement(ctx, ag), id, version); err != nil {
			return err
		}
		ag.Version++
		out = ag
		return nil
	})
	return out, err
}

// Update edits an agreement that is not terminated; version is the version
// the caller read. If its places change, its coverage counts as reviewed
// today. The institution's practice administrators may.
func (s *Service) Update(ctx context.Context, a practice.Actor, id practice.ID, version int, in Input) (Agreement, error) {
	return s.change(ctx, a, id, version, func() error { return prepare(&in) }, func(ctx context.Context, ag *Agreement) error {
		switch {
		case ag.Status == Terminated:
			return practice.Invalid("status", "not-terminated", "a terminated agreement cannot be edited")
		case in.Status != "" && in.Status != ag.Status:
			return practice.Invalid("status", "unchanged", "activate or terminate the agreement to change its status")
		case in.OrganisationID != ag.OrganisationID:
			return practice.Invalid("organisationId", "unchanged", "an agreement's organisation cannot change")
		}
		if err := s.checkPlaces(ctx, in); err != nil {
			return err
		}
		if !samePlaces(ag.Places, in.Places) {
			ag.ReviewedOn, ag.ReviewedBy = s.today(), a.PersonID
		}
		ag.Name, ag.Places, ag.Period, ag.Renewal, ag.Scope, ag.Terms = in.Name, in.Places, in.Period, in.Renewal, in.Scope, in.Terms
		return nil
	})
}

func samePlaces(a, b []Covered) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Agreement returns an agreement to those who may read it.
func (s *Service) Agreement(ctx context.Context, a practice.Actor, id practice.ID) (Agreement, error) {
	return s.read(ctx, a, id)
}

// Agreements lists agreements, ordered by ID: an institution's to its
// practice administrators and planners, and an organisation's (not the
// drafts) to its site administrators.
func (s *Service) Agreements(ctx context.Context, a practice.Actor, f ListFilter) (Page, error) {
	if err := loggedIn(a); err != nil {
		return Page{}, err
	}
	var v practice.ValidationError
	if f.InstitutionID.IsZero() && f.OrganisationID.IsZero() {
		v.Add("institutionId", "required_without", "give an institution or an organisation")
	}
	if f.Status != "" && !f.Status.Valid() {
		v.Add("status", "oneof", "must be one of: draft, active, terminated")
	}
	if err := f.Page.Check(); err != nil {
		return Page{}, err
	}
	if err := v.Err(); err != nil {
		return Page{}, err
	}
	sf := Filter{InstitutionID: f.InstitutionID, OrganisationID: f.OrganisationID, Status: f.Status, Page: f.Page}
	switch {
	case !f.InstitutionID.IsZero() && canPlan(a, f.InstitutionID) == nil:
	case !f.OrganisationID.IsZero() && a.Has(f.OrganisationID, practice.Admin):
		if f.Status == Draft {
			return Page{Items: []Agreement{}}, nil
		}
		if f.Status == "" {
			// The organisation sees no drafts: list the others.
			return s.nonDrafts(ctx, sf)
		}
	default:
		return Page{}, forbidden("only the institution's practice administrators and planners, and the organisation's administrators, may list its agreements")
	}
	return s.store.Agreements(ctx, sf)
}

// nonDrafts lists the agreements f selects but drafts, one page of them.
func (s *Service) nonDrafts(ctx context.Context, f Filter) (Page, error) {
	size := f.Page.Size()
	out := Page{Items: []Agreement{}}
	for {
		p, err := s.store.Agreements(ctx, f)
		if err != nil {
			return Page{}, err
		}
		for _, ag := range p.Items {
			if ag.Status == Draft {
				continue
			}
			if len(out.Items) == size {
				// Another follows: the page ends at the last one taken.
				out.Next = practice.NewCursor(out.Items[size-1].ID.String())
				return out, nil
			}
			out.Items = append(out.Items, ag)
		}
		if p.Next == "" {
			return out, nil
		}
		f.Page.After = p.Next
	}
}

// Activate puts a draft agreement in force. The institution's practice
// administrators may.
func (s *Service) Activate(ctx context.Context, a practice.Actor, id practice.ID, version int) (Agreement, error) {
	return s.change(ctx, a, id, version, func() error { return nil }, func(_ context.Context, ag *Agreement) error {
		if ag.Status != Draft {
			return practice.Invalid("status", "draft", "only a draft can be activated")
		}
		ag.Status = Active
		return nil
	})
}

// Terminate gives notice of termination of an active agreement: it ends at
// the end of the first term that ends at least the notice after
// t.NoticeGiven (for one that does not renew, the notice after it, or its
// own end if that comes first), or on t.EndsOn if that is later, and it no
// longer renews. The institution's practice administrators may.
func (s *Service) Terminate(ctx context.Context, a practice.Actor, id practice.ID, version int, t Termination) (Agreement, error) {
	if t.NoticeGiven.IsZero() {
		t.NoticeGiven = s.today()
	}
	check := func() error {
		if err := practice.Validate(t); err != nil {
			return err
		}
		if t.NoticeGiven.After(s.today()) {
			return practice.Invalid("noticeGiven", "not-future", "notice is given today or was given before")
		}
		return nil
	}
	return s.change(ctx, a, id, version, check, func(_ context.Context, ag *Agreement) error {
		if ag.Status != Active {
			return practice.Invalid("status", "active", "only an active agreement can be terminated")
		}
		end := ag.endAfterNotice(t.NoticeGiven)
		switch {
		case !t.EndsOn.IsZero() && t.EndsOn.Before(end):
			return practice.Invalid("endsOn", "notice", fmt.Sprintf("the notice lets the agreement end on %s at the earliest", end))
		case !t.EndsOn.IsZero() && ag.Renewal.Months == 0 && !ag.Period.End.IsZero() && t.EndsOn.After(ag.Period.End):
			return practice.Invalid("endsOn", "within", fmt.Sprintf("the agreement ends on %s anyway", ag.Period.End))
		case !t.EndsOn.IsZero():
			end = t.EndsOn
		}
		if end.Before(ag.Period.Start) {
			return practice.Invalid("noticeGiven", "after-start", fmt.Sprintf(
				"with that notice the agreement would end on %s, before it starts on %s", end, ag.Period.Start))
		}
		ag.Status, ag.NoticeGiven, ag.Period.End = Terminated, t.NoticeGiven, end
		return nil
	})
}

// Review acknowledges the changes to the place structure effective before
// on (zero: today) for an agreement's coverage: the consistency report
// shows only the changes effective on it and after. A place the agreement
// names that is closed is shown until an edit drops it. The institution's practice administrators may.
func (s *Service) Review(ctx context.Context, a practice.Actor, id practice.ID, version int, on practice.Date) (Agreement, error) {
	if on.IsZero() {
		on = s.today()
	}
	check := func() error {
		switch {
		case !on.InRange():
			return practice.Invalid("on", "range", "must be a date from "+practice.FirstDate.String()+" to "+practice.LastDate.String())
		case on.After(s.today()):
			return practice.Invalid("on", "not-future", "a review acknowledges the changes made so far: it cannot be dated in the future")
		}
		return nil
	}
	return s.change(ctx, a, id, version, check, func(_ context.Context, ag *Agreement) error {
		ag.ReviewedOn, ag.ReviewedBy = on, a.PersonID
		return nil
	})
}
