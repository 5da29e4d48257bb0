//go:build race

package engine

// raceEnabled: this test binary (and so every sandbox child it re-executes)
// is built with the race detector, under which the Go runtime does not
// report a deadlock of the interpreter's goroutines.
const raceEnabled = true
