package agreement

import "github.com/praksis/praksis/practice"

// The permission rules of agreements. Each returns nil or an
// *practice.Error with ErrForbidden.

func forbidden(msg string) error { return &practice.Error{Code: practice.ErrForbidden, Message: msg} }

// loggedIn refuses nobody (the zero actor) before anything is read.
func loggedIn(a practice.Actor) error {
	if a.PersonID.IsZero() && !a.IsSystem() {
		return forbidden("log in to see agreements")
	}
	return nil
}

// canManage allows the institution's practice administrators to create,
// edit, activate, review and terminate its agreements and their documents.
func canManage(a practice.Actor, institutionID practice.ID) error {
	if a.HasRole(institutionID, practice.Administrator) {
		return nil
	}
	return forbidden("only the institution's practice administrators may change its agreements")
}

// canPlan allows the institution's practice administrators and planners to
// read its agreements, their coverage and its consistency report.
func canPlan(a practice.Actor, institutionID practice.ID) error {
	if a.HasRole(institutionID, practice.Administrator) || a.HasRole(institutionID, practice.Planner) {
		return nil
	}
	return forbidden("only the institution's practice administrators and planners may see its agreements")
}

// mayRead reports whether a may read an agreement: the institution's
// administrators and planners, and the organisation's site administrators
// unless it is a draft.
func mayRead(a practice.Actor, ag Agreement) bool {
	return canPlan(a, ag.InstitutionID) == nil || ag.Status != Draft && a.Has(ag.OrganisationID, practice.Admin)
}

// hidden is what someone logged in who may not read an agreement is told:
// that there is none.
func hidden(id practice.ID) error {
	return practice.NotFound("there is no agreement %s", id)
}
