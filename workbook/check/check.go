// Package check compares a program's verdict with what its document expects.
package check

import (
	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/engine"
)

// Failure classifies why a program failed its check.
type Failure string

// The failure kinds (as reported by verify --json).
const (
	FailBuild   Failure = "build"
	FailExit    Failure = "exit"
	FailOutput  Failure = "output"
	FailTimeout Failure = "timeout"
	FailLimit   Failure = "limit"
	FailEngine  Failure = "engine"
)

// Result is the outcome of checking one program.
type Result struct {
	Pass    bool
	Failure Failure // when !Pass
	Reason  string  // one-paragraph human message, starting with file.md:line
	Detail  string  // longer text for a person (diff, both outputs), may hold colour when Colour was set
}

// Options tune the presentation of a Result.
type Options struct {
	Colour bool // ANSI colour in Detail
}

// Check compares v with what p's document expects.
func Check(p *lessons.Program, v *engine.Verdict, opts Options) Result {
	panic("check.Check: not implemented yet")
}

// Seen returns the function that stops a runs-until-stopped program once its
// expected output has appeared, or nil when p is not such a program.
func Seen(p *lessons.Program) func(stdout []byte) bool {
	return nil
}
