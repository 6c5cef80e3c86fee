// Package simulation is the allocation engine's simulation kit for test
// suites and tools: it generates realistic rounds, checks the engine's
// results against the rules it promises, and runs whole seasons of rounds
// over one cohort of students.
//
// # Scenarios
//
// [Generate] turns a [Config] into a [Scenario]: students and places on a
// map of regions, preference lists drawn by place popularity, seats, priority
// classes, places' own priority lists, earlier placements and pins. The same
// Config (Seed included) always gives the same Scenario, IDs included.
// [Scenario.Round] returns the round to run, with the hard constraint
// [ConstraintEarlier] and a travel cost. Scenarios are saved and loaded as
// JSON ([Scenario.Save], [Load]).
//
// # Checkers
//
// [Check] and the Check functions it combines recompute every promise of the
// engine from the round alone: feasibility, hard constraints, pins,
// explanations, metrics and, for deferred acceptance, stability
// (independently of [allocation.Result.BlockingPairs]).
// [CheckDeterminism] reruns a round with its input reordered. A broken
// promise is a *[Violation] naming the rule, the students and the places
// involved.
//
// # Seasons
//
// [RunSeason] runs several rounds over one cohort, never sending a student
// to the same place twice, optionally giving credit to students who fared
// badly earlier, checks every round, and reports the [allocation.Metrics]
// and the [Fairness] of the season so far after each round.
package simulation
