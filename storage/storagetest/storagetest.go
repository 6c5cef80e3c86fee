// Package storagetest is the conformance suite of praksis storage adapters.
// Every adapter's own test calls [Run] with a factory of empty stores; a
// behaviour change to an adapter starts with a new case here. Each failure
// names the rule of the store contract that was broken.
package storagetest

import (
	"testing"

	"github.com/praksis/praksis/practice"
)

// NewStore returns a new, empty store for one test, and arranges its cleanup
// with t.Cleanup. It is called once per test case, possibly from parallel
// tests.
type NewStore func(t *testing.T) practice.Store

// Run runs every case of the suite against stores made by newStore.
func Run(t *testing.T, newStore NewStore) {
	t.Helper()
	t.Run("Institution", func(t *testing.T) { testInstitutions(t, newStore) })
	t.Run("Organisation", func(t *testing.T) { testOrganisations(t, newStore) })
	t.Run("Place", func(t *testing.T) { testPlaces(t, newStore) })
	t.Run("Person", func(t *testing.T) { testPeople(t, newStore) })
	t.Run("Membership", func(t *testing.T) { testMemberships(t, newStore) })
	t.Run("Tx", func(t *testing.T) { testTransactions(t, newStore) })
	t.Run("Concurrency", func(t *testing.T) { testConcurrency(t, newStore) })
}
