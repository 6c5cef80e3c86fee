package allocation_test

import (
	"fmt"

	"github.com/praksis/praksis/allocation"
	"github.com/praksis/praksis/practice"
)

// exampleRound: three nursing students and two wards of one seat each.
// Kari has a documented need (priority class "tilrettelegging"); the
// surgical ward ranks Ola before Nora.
func exampleRound() (allocation.Round, func(practice.ID) string) {
	id := func(s string) practice.ID {
		v, err := practice.ParseID(s)
		if err != nil {
			panic(err)
		}
		return v
	}
	var (
		medical  = id("0190f5a2-0000-7000-8000-00000000000a")
		surgical = id("0190f5a2-0000-7000-8000-00000000000b")
		ola      = id("0190f5a2-0000-7000-8000-000000000001")
		nora     = id("0190f5a2-0000-7000-8000-000000000002")
		kari     = id("0190f5a2-0000-7000-8000-000000000003")
	)
	names := map[practice.ID]string{medical: "Medisinsk sengepost", surgical: "Kirurgisk sengepost", ola: "Ola", nora: "Nora", kari: "Kari"}
	return allocation.Round{
		Classes: []string{"tilrettelegging"},
		Places: []allocation.Place{
			{ID: medical, Seats: 1},
			{ID: surgical, Seats: 1, Priorities: []practice.ID{ola, nora}},
		},
		Students: []allocation.Student{
			{ID: ola, Preferences: []practice.ID{medical, surgical}},
			{ID: nora, Preferences: []practice.ID{surgical, medical}},
			{ID: kari, Preferences: []practice.ID{medical}, Class: "tilrettelegging"},
		},
	}, func(id practice.ID) string { return names[id] }
}

func printResult(r allocation.Round, res *allocation.Result, name func(practice.ID) string) {
	for i, a := range res.Assignments() {
		if a.Placed() {
			fmt.Printf("%s: %s (choice %d)\n", name(r.Students[i].ID), name(a.Place), a.Rank)
		} else {
			fmt.Printf("%s: not placed\n", name(r.Students[i].ID))
		}
	}
}

// Deferred acceptance, the default: Kari's class puts her first at the
// medical ward; Ola, rejected there, takes the surgical seat from Nora,
// whom that ward ranks lower.
func ExampleAllocate() {
	r, name := exampleRound()
	res, err := allocation.Allocate(r, allocation.Options{Seed: 2027})
	if err != nil {
		fmt.Println(err)
		return
	}
	printResult(r, res, name)
	fmt.Println(res.Explain(1).Text(allocation.English, name))
	fmt.Println("blocking pairs:", res.Metrics().BlockingPairs)
	// Output:
	// Ola: Kirurgisk sengepost (choice 2)
	// Nora: not placed
	// Kari: Medisinsk sengepost (choice 1)
	// Not placed: every place in the list was full with students ahead in priority.
	// - Kirurgisk sengepost (choice 1) was full with students ahead in priority: 1 without a priority class.
	// - Medisinsk sengepost (choice 2) was full with students ahead in priority: 1 in priority class tilrettelegging.
	// blocking pairs: 0
}

// Serial dictatorship: students choose in the shared order (class, credit,
// lottery); the wards' own lists play no part. With this seed Ola's
// lottery number is lower than Nora's, so he chooses first.
func ExampleAllocate_serialDictatorship() {
	r, name := exampleRound()
	res, err := allocation.Allocate(r, allocation.Options{Algorithm: allocation.SerialDictatorship, Seed: 2027})
	if err != nil {
		fmt.Println(err)
		return
	}
	printResult(r, res, name)
	fmt.Println(res.Explain(0).Text(allocation.Norwegian, name))
	// Output:
	// Ola: Kirurgisk sengepost (choice 2)
	// Nora: not placed
	// Kari: Medisinsk sengepost (choice 1)
	// Plassert ved Kirurgisk sengepost, ønske 2 av 2.
	// - Medisinsk sengepost (ønske 1) var fullt med studenter foran i prioritet: 1 i prioritetsklassen tilrettelegging.
}

// The optimal mode: Kari's class is served first; then as many others as
// possible, with the least total rank.
func ExampleAllocate_optimal() {
	r, name := exampleRound()
	res, err := allocation.Allocate(r, allocation.Options{Algorithm: allocation.Optimal, Seed: 2027})
	if err != nil {
		fmt.Println(err)
		return
	}
	printResult(r, res, name)
	m := res.Metrics()
	fmt.Printf("placed %d of %d, mean rank %.1f\n", m.Placed, m.Students, m.MeanRank)
	// Output:
	// Ola: not placed
	// Nora: Kirurgisk sengepost (choice 1)
	// Kari: Medisinsk sengepost (choice 1)
	// placed 2 of 3, mean rank 1.0
}

// A further round for a student who applied late, on the seat left.
func ExampleResult_NextRound() {
	r, name := exampleRound()
	r.Places[1].Seats = 3
	res, err := allocation.Allocate(r, allocation.Options{Seed: 2027})
	if err != nil {
		fmt.Println(err)
		return
	}
	printResult(r, res, name)
	late, _ := practice.ParseID("0190f5a2-0000-7000-8000-000000000004")
	next := res.NextRound([]allocation.Student{{ID: late, Preferences: []practice.ID{r.Places[0].ID, r.Places[1].ID}}})
	res, err = allocation.Allocate(next, allocation.Options{Seed: 2027})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Explain(0).Text(allocation.English, name))
	// Output:
	// Ola: Kirurgisk sengepost (choice 2)
	// Nora: Kirurgisk sengepost (choice 1)
	// Kari: Medisinsk sengepost (choice 1)
	// Placed at Kirurgisk sengepost, choice 2 of 2.
	// - Medisinsk sengepost (choice 1) has no seats this round.
}
