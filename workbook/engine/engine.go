// Package engine runs lesson programs through the yaegi interpreter or as
// compiled binaries, always inside the sandbox.
package engine

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/sandbox"
)

// Engine names.
const (
	Auto     = "auto"
	Yaegi    = "yaegi"
	Compiled = "compiled"
	Both     = "both"
)

// Request is one program to run.
type Request struct {
	Program *lessons.Program
	Engine  string        // Auto when empty
	Timeout time.Duration // the program's own, or the caller's default
	// CompileOnly builds (or type-checks) without running.
	CompileOnly bool
	// Stdout and Stderr, when not nil, stream the output as it is produced.
	Stdout, Stderr io.Writer
	// Seen, when not nil, is called with all the stdout so far each time
	// more arrives; returning true stops the program (Verdict.Stopped).
	Seen func(stdout []byte) bool
}

// End says how a run ended.
type End string

// The ways a run can end.
const (
	Exited      End = "exited"       // the program exited (see ExitCode)
	Signaled    End = "signaled"     // killed by a signal it did not handle
	Panicked    End = "panicked"     // a Go panic (see Panic, PanicPos)
	TimedOut    End = "timeout"      // stopped at the timeout
	Stopped     End = "stopped"      // stopped because Seen returned true
	LimitHit    End = "limit"        // a resource limit stopped it (see Limit)
	BuildFailed End = "build-failed" // did not compile (see Diagnostics)
	EngineError End = "engine"       // the engine itself failed
	Built       End = "built"        // CompileOnly: it compiled
)

// Diagnostic is one compiler or interpreter message at a Markdown position.
type Diagnostic struct {
	Pos lessons.Pos // zero when it could not be mapped
	Msg string
}

// Verdict is the outcome of a run.
type Verdict struct {
	Engine   string // the engine that produced the verdict: Yaegi or Compiled
	Fallback string // when Auto ran Compiled: why yaegi was not used
	End      End
	ExitCode int
	Signal   string
	Panic    string      // the panic message
	PanicPos lessons.Pos // the Markdown line of the panicking frame inside the program
	Limit    string      // for LimitHit
	// Diagnostics are the build errors for BuildFailed.
	Diagnostics     []Diagnostic
	Message         string // human summary for EngineError and others
	Stdout, Stderr  []byte
	StdoutTruncated bool
	StderrTruncated bool
	Duration        time.Duration
	// Other is, for Both, the second engine's verdict (compiled); Differ
	// says the two disagreed and why.
	Other  *Verdict
	Differ string
}

// Options configure a Runner.
type Options struct {
	CacheDir  string         // compiled-binary cache; default under os.UserCacheDir
	Limits    sandbox.Limits // zero fields take the documented defaults
	MaxOutput int64
	// Warm is how many interpreter children to keep pre-started (0: none).
	Warm int
}

// Runner runs programs. It is safe for concurrent use; Close releases
// pre-started workers.
type Runner struct{}

// New returns a Runner.
func New(opts Options) (*Runner, error) { return &Runner{}, nil }

// Run runs one program and returns its verdict. The error is for problems
// of the caller (a nil program), never for the program's own failures.
func (r *Runner) Run(ctx context.Context, req Request) (*Verdict, error) {
	return nil, errors.New("engine.Run: not implemented yet")
}

// Close stops pre-started workers.
func (r *Runner) Close() error { return nil }

// Payloads returns the in-process payloads the sandbox child can run (the
// yaegi interpreter); main hands them to sandbox.ChildMain.
func Payloads() map[string]sandbox.Payload { return nil }
