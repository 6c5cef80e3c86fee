// Package allocation will own the allocation of students to places with
// confirmed capacity: fair, explainable and reproducible rounds under hard
// constraints and priorities, with a simulation kit that test suites import
// to run whole seasons.
//
// Like every domain package it imports only practice and the standard
// library; time and randomness come in through its inputs.
package allocation
