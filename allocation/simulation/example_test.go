package simulation_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/praksis/praksis/allocation"
	"github.com/praksis/praksis/allocation/simulation"
)

// Generate a round, run it, and check every promise of the engine.
func ExampleGenerate() {
	sc, err := simulation.Generate(simulation.Config{
		Seed:     1,
		Students: 500,
		Places:   40,
		Skew:     1,
		Classes:  []simulation.ClassShare{{Name: "health", Share: 0.05}},
		Earlier:  1,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(sc)

	r := sc.Round()
	res, err := allocation.Allocate(r, allocation.Options{Seed: 1})
	if err != nil {
		panic(err)
	}
	if err := simulation.Check(r, res); err != nil {
		fmt.Println("broken:", err)
		return
	}
	m := res.Metrics()
	fmt.Printf("placed %d of %d, %d blocking pairs\n", m.Placed, m.Students, m.BlockingPairs)
	fmt.Printf("health placed: %.0f%%\n", 100*m.ByClass[0].Rate)
	// Output:
	// 500 students, 40 places, 403 seats, 1 classes
	// placed 403 of 500, 0 blocking pairs
	// health placed: 100%
}

// A checker names the broken rule, the students and the places.
func ExampleCheckStable() {
	sc, _ := simulation.Generate(simulation.Config{Seed: 2, Students: 200, Places: 20, Skew: 1, PlacePriorities: 1})
	r := sc.Round()
	// Serial dictatorship ignores the places' own lists.
	res, _ := allocation.Allocate(r, allocation.Options{Algorithm: allocation.SerialDictatorship})
	err := simulation.CheckStable(r, res)
	var v *simulation.Violation
	if errors.As(err, &v) {
		fmt.Println(v.Rule, len(v.Students), len(v.Places))
	}
	fmt.Println(len(simulation.BlockingPairs(r, res)) == len(res.BlockingPairs()))
	// Output:
	// stability 1 1
	// true
}

// Run a season of six rounds with credit for students who fared badly.
func ExampleRunSeason() {
	rep, err := simulation.RunSeason(context.Background(), simulation.SeasonConfig{
		Scenario: simulation.Config{Seed: 4, Students: 300, Places: 30, MinSeats: 1, MaxSeats: 10, Skew: 1},
		Fairness: true,
	})
	if err != nil {
		panic(err)
	}
	for _, r := range rep.Rounds {
		f := r.Fairness
		fmt.Printf("year %d period %d: placed %d, mean rank %.2f, spread %.2f, never placed %d, repeats %d\n",
			r.Year, r.Period, r.Metrics.Placed, f.MeanRank, f.StdDev, f.NeverPlaced, f.Repeats)
	}
	// Output:
	// year 1 period 1: placed 194, mean rank 5.52, spread 4.39, never placed 106, repeats 0
	// year 1 period 2: placed 166, mean rank 6.07, spread 0.96, never placed 0, repeats 0
	// year 2 period 1: placed 180, mean rank 6.10, spread 1.15, never placed 0, repeats 0
	// year 2 period 2: placed 178, mean rank 6.15, spread 0.50, never placed 0, repeats 0
	// year 3 period 1: placed 147, mean rank 6.37, spread 0.61, never placed 0, repeats 0
	// year 3 period 2: placed 139, mean rank 6.53, spread 0.39, never placed 0, repeats 0
}
