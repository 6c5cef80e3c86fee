// Package allocation places students at practice places: fair, explainable
// and reproducible rounds under hard constraints, priorities and soft costs.
//
// A [Round] holds the students with their ranked preferences, the places
// with their seats for the round, the priority classes, the pins made by
// hand, a caller's filter for the hard constraints ([Round.Exclude]) and an
// optional soft cost ([Round.Cost]). [Prepare] checks and indexes it into a
// [Problem]; [Problem.Run] places the students with the [Options] chosen.
// [Allocate] does both. The [Result] gives every student's [Assignment],
// an [Explanation] of it as data (rendered in Norwegian bokmål or English by
// [Explanation.Text]), the round's [Metrics] and any blocking pairs.
//
// Like every domain package it imports only practice and the standard
// library; randomness comes in as a seed.
//
// # Priority
//
// Every algorithm serves students in priority order. At a place, student a
// comes before student b when, in turn:
//
//  1. a's priority class comes earlier in [Round.Classes] (no class is last);
//  2. the place lists a in [Place.Priorities] and not b, or earlier than b
//     (serial dictatorship and the optimal mode ignore place lists);
//  3. a has more [Student.Credit];
//  4. a's [Lottery] number is lower: one lottery for the whole round, a hash
//     of the seed and the student's ID;
//  5. a's ID is lower (the lottery has 64 bits, so this is all but unused).
//
// The order is strict and depends on no input order, so the same round and
// seed give the same result however the input is ordered, and another seed
// changes only who wins a tie.
//
// # Hard constraints
//
// No algorithm ever places a student beyond a place's seats, at a place the
// filter excludes, or at a place the student did not list (except with
// [Options.FillEmpty], for students who listed none). Pins are kept, count
// against their place's seats, and must themselves pass the filter.
//
// # Algorithms
//
// [DeferredAcceptance], the default, is student-proposing deferred
// acceptance with capacities (Gale and Shapley; Roth). Its result is
// stable: no student and allowed place both prefer each other to what they
// have (no blocking pair, see [Result.BlockingPairs]). Among stable results
// it is the best for every student at once, and no student can get a place
// they prefer by misreporting their list. It runs in O(total list length ×
// log seats).
//
// [SerialDictatorship] lets students choose one by one in the shared order
// (class, credit, lottery), each taking the best place in their list with a
// seat left. It is strategy-proof and Pareto-efficient, and ignores the
// places' own lists.
//
// [Optimal] serves the priority classes in turn. For each class it places
// as many students as the seats left allow and, among those placements, one
// of least total cost: [Options.RankWeight] per step down a list, plus
// [Round.Cost], plus the group terms of [Options.Groups]. With one class
// (or none) the result places as many students as any assignment could, and
// among those has the least total rank. It is exact: a min-cost flow whose
// search exploits that ranks are small integers. Among placements of equal
// cost it favours priority: no student could swap with one behind them in
// the shared order (or take their seat) at no extra cost and be better off.
// It is not strategy-proof:
// a student may gain by ranking a place lower than they like it, and it
// can leave blocking pairs.
//
// [Result.NextRound] makes a further round on the seats left, for students
// added late.
//
// # Explanations
//
// Every student gets an [Explanation]: their place and its rank, a pin and
// its reason, or why they were not placed. For each place ranked above the
// outcome it gives the [Reason] it did not take them: full with students
// ahead in priority (counted by priority class, never named), excluded by a
// named constraint, without seats this round, or, in the optimal mode,
// given to others for a better whole.
//
// # Errors
//
// [Prepare] and [Problem.Run] refuse bad input with a
// *[practice.ValidationError] naming each field (students[3].preferences[1])
// and rule, and change nothing.
package allocation
