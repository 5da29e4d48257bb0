package lessons

import (
	"cmp"
	"time"
)

// Built-in defaults of a run, for a program, page and command line that set
// nothing.
const (
	DefaultEngine  = "auto"
	DefaultTimeout = 10 * time.Second
)

// Settings are what one run of a program uses, resolved once by Resolve
// from the program's own attributes, the command line, its document's front
// matter and the built-in defaults. Every command that runs programs
// (verify, run, check, watch, grade) takes them from Resolve.
type Settings struct {
	// Engine is auto, yaegi, compiled or both; never empty.
	Engine string
	// Timeout bounds the run; never zero. The sandbox's resource limits
	// (CPU time above all) are derived from it.
	Timeout time.Duration
	// Mode says whether the program is run, only built, must fail to
	// build, or is skipped. Only the program sets it.
	Mode Mode
	// Exit is the expected exit status (see Expect.Exit). Only the
	// program sets it.
	Exit int
}

// CompileOnly reports whether the run builds (or type-checks) the program
// without running it.
func (s Settings) CompileOnly() bool {
	return s.Mode == ModeCompile || s.Mode == ModeCompileFail
}

// CommandLine holds the settings given on the command line; a zero field
// was not given.
type CommandLine struct {
	Engine  string
	Timeout time.Duration
}

// Resolve returns the settings of a run of p, in a document whose front
// matter gives page, with the command line's cl. Each setting comes from
// the first of these that sets it:
//
//  1. the program's own attribute (engine="yaegi" on one of its blocks),
//  2. the command line (--engine, --timeout),
//  3. the front matter (page),
//  4. the built-in default (DefaultEngine, DefaultTimeout).
//
// "auto" is a value like any other: a program that says engine="auto"
// keeps auto whatever the page or the command line say.
func Resolve(p *Program, page Defaults, cl CommandLine) Settings {
	return Settings{
		Engine:  cmp.Or(p.Engine, cl.Engine, page.Engine, DefaultEngine),
		Timeout: cmp.Or(p.Timeout, cl.Timeout, page.Timeout, DefaultTimeout),
		Mode:    p.Mode,
		Exit:    p.Expect.Exit,
	}
}
