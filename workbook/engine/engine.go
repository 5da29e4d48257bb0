// Package engine runs lesson programs through the yaegi interpreter or as
// compiled binaries, always inside the sandbox.
package engine

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
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
	// Accept, when not nil, says whether a verdict meets the program's
	// expectations (check.Accept builds it from the document). Under Auto,
	// a yaegi verdict it rejects is never final: the compiled engine
	// decides (see Run). Nil accepts a run that exited 0, was stopped by
	// Seen, or built (CompileOnly).
	Accept func(*Verdict) bool
	// Dir, when set, is the folder of the program's document on disk: the
	// program runs in a copy of it and reads the files beside its
	// document, read-only (sandbox.Spec.DocDir).
	Dir string
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
	// YaegiDisagreed is, under Auto, set when yaegi's run was set aside
	// (it failed Accept, panicked or failed on its own) and the compiled
	// verdict that replaced it differs: how they disagree. Empty when
	// yaegi's verdict stands or both engines failed alike.
	YaegiDisagreed string
	// OutputCap is the per-stream output cap in force (bytes), set when
	// StdoutTruncated or StderrTruncated: the reports say where output
	// was cut.
	OutputCap int64
}

// Options configure a Runner.
type Options struct {
	CacheDir string // compiled-binary cache; default DefaultCacheDir()
	// CacheMax caps the binary cache, in bytes (least recently used
	// entries go first): 0 means DefaultCacheMax, negative no cap.
	// ParseCacheMax reads $WORKBOOK_CACHE_MAX for it.
	CacheMax  int64
	Limits    sandbox.Limits // zero fields take the documented defaults
	MaxOutput int64
	// Warm is how many interpreter children to keep pre-started (0: none).
	Warm int
	// Offline: the pre-started children serve offline programs only
	// (Offline, sandbox.PoolOptions.Offline), which saves each a network
	// namespace; a program that is not offline gets a fresh child. For
	// callers that know every program they will run is offline.
	Offline bool
	// Sandbox is what every run's sandbox adds to the defaults.
	Sandbox Sandbox
}

// Sandbox configures the sandbox of every run (docs/sandbox.md).
type Sandbox struct {
	// Hide are directories hidden from the programs on top of the
	// homes and the workbook's cache (grading: the other students').
	Hide []string
	// Strict makes a missing protection a failure of the run.
	Strict bool
}

// DefaultTimeout is the run timeout when neither the request nor the
// program gives one.
const DefaultTimeout = lessons.DefaultTimeout

// Runner runs programs. It is safe for concurrent use; Close releases
// pre-started workers.
type Runner struct {
	opts Options

	// compiled is the compiled engine: its cache and the builds under
	// way, shared by every request (and Prebuild).
	compiled *compiledEngine

	mu sync.Mutex
	// pool, once started, holds pre-started sandbox children with the
	// interpreter warmed; any child can also exec a compiled binary
	// where the sandbox cannot start one directly (see docs/sandbox.md,
	// "Direct start of binaries").
	pool *sandbox.Pool
	// early, when Warm > 0, is the one child started by New for the
	// first request, so that its start overlaps the caller's work.
	early    *sandbox.Pool
	requests int
	closed   bool
	cancel   context.CancelFunc
}

// New returns a Runner: the compiled engine and, when opts.Warm > 0, a pool
// of opts.Warm pre-started interpreter children. With Warm > 0, New starts
// one child at once, for the first request (yaegi or compiled: any child
// can run either), so that its start overlaps what the caller does
// before that request; the pool starts with the second request (or with
// Start): a single run does not pay for children it never uses (on two
// cores, starting them slows the one run down).
func New(opts Options) (*Runner, error) {
	c, err := newCompiledEngine(opts)
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	r := &Runner{opts: opts, compiled: c, cancel: func() {}}
	if opts.Warm > 0 {
		// A pool that starts one child in all (if it fails, the first
		// request starts its own). It warms nothing: the request follows
		// closely, and a one-off run builds only the tables it imports.
		r.early, _ = sandbox.NewPool(context.Background(), 1, sandbox.PoolOptions{Total: 1, Offline: opts.Offline})
	}
	return r, nil
}

// engines returns the engines for one request, starting the pool when
// this is the second request of a Runner with opts.Warm > 0.
func (r *Runner) engines() (*compiledEngine, *sandbox.Pool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests++
	if r.requests == 1 && r.early != nil {
		return r.compiled, r.early
	}
	if r.requests >= 2 {
		r.startPool()
	}
	return r.compiled, r.pool
}

// startPool starts the pool of opts.Warm children unless it runs already,
// the Runner has none or is closed. r.mu is held.
func (r *Runner) startPool() {
	if r.pool != nil || r.opts.Warm <= 0 || r.closed {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	pool, err := sandbox.NewPool(ctx, r.opts.Warm, sandbox.PoolOptions{Payload: yaegiPayload, Offline: r.opts.Offline})
	if err != nil {
		cancel()
		r.opts.Warm = 0 // run without a pool
		return
	}
	r.pool, r.cancel = pool, cancel
}

// Start starts the pool of opts.Warm children now rather than at the
// second request: for callers that know several runs will come (watch
// mode, grading, a verify of many programs), so that the children start
// while the caller still loads its documents. Without Warm it does
// nothing.
func (r *Runner) Start() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.startPool()
}

// WaitReady starts the pool (see Start) and waits until it holds
// opts.Warm ready children, or ctx is done. It returns at once for a
// Runner without Warm.
func (r *Runner) WaitReady(ctx context.Context) error {
	r.mu.Lock()
	r.startPool()
	pool, n := r.pool, r.opts.Warm
	r.mu.Unlock()
	if pool == nil {
		return nil
	}
	if err := pool.Ready(ctx, n); err != nil {
		return fmt.Errorf("engine: %w", err)
	}
	return nil
}

// run is one request with the engines it uses.
type run struct {
	compiled *compiledEngine
	pool     *sandbox.Pool
	opts     Options
}

// Run runs one program and returns its verdict. The error is for problems
// of the caller (a nil program, an unknown engine), never for the program's
// own failures.
//
// Engines: Yaegi interprets (after the rewrites of the gap analysis, which
// keep the meaning); Compiled builds and runs; Auto (the default) runs
// yaegi unless the gap analysis routes the program to the compiled engine
// (CompileOnly requests always build with the Go compiler), and keeps
// yaegi's verdict only when it passes req.Accept: any other yaegi verdict
// (wrong output, exit status, timeout, a panic, a build or engine
// failure) is decided by the compiled engine, saying why in
// Verdict.Fallback and how yaegi differed in Verdict.YaegiDisagreed (see
// auto.go); Both runs both and returns the compiled verdict with Other set
// to yaegi's and Differ saying how they disagree.
func (r *Runner) Run(ctx context.Context, req Request) (*Verdict, error) {
	if req.Program == nil {
		return nil, errors.New("engine: no program")
	}
	// A request not made by NewRequest may leave settings out: the
	// program's own, else the built-in defaults.
	req.Engine = cmp.Or(req.Engine, req.Program.Engine, lessons.DefaultEngine)
	if req.Timeout <= 0 {
		req.Timeout = cmp.Or(req.Program.Timeout, DefaultTimeout)
	}
	name := req.Engine
	switch name {
	case Yaegi, Compiled, Auto, Both:
	default:
		return nil, fmt.Errorf("engine: unknown engine %q", name)
	}
	c, pool := r.engines()
	if PackageRun(req.Program) {
		return c.runPackage(ctx, req, pool)
	}
	x := &run{compiled: c, pool: pool, opts: r.opts}
	switch name {
	case Yaegi:
		return x.yaegi(ctx, req, analyze(req.Program)), nil
	case Compiled:
		return x.compiled.runWith(ctx, req, x.pool)
	case Both:
		return x.both(ctx, req)
	}
	return x.auto(ctx, req)
}

// auto is the Auto engine (see Run and auto.go).
func (x *run) auto(ctx context.Context, req Request) (*Verdict, error) {
	if req.CompileOnly {
		// yaegi compiles what go build rejects (see the compiler-checks
		// rule); whether a program builds is the compiler's to say.
		return x.compiled.runWith(ctx, req, x.pool)
	}
	a := analyze(req.Program)
	if a.route != "" {
		return x.fallback(ctx, req, a.route)
	}
	return x.decide(ctx, req, a)
}

// fallbackReason says why auto should not keep yaegi's verdict v (and run
// the program compiled instead), or "" when v stands.
func fallbackReason(v *Verdict) string {
	switch v.End {
	case BuildFailed:
		why := "yaegi could not compile it"
		if len(v.Diagnostics) > 0 {
			why += ": " + v.Diagnostics[0].Msg
		}
		return why
	case EngineError:
		return "yaegi failed: " + firstLine(v.Message)
	case Panicked:
		return "the program panicked under yaegi, whose panic messages differ from Go's"
	case Exited:
		if bytes.Contains(v.Stderr, []byte("github.com/traefik/yaegi/interp.")) {
			// A fatal runtime error (a deadlock, say) whose trace is the
			// interpreter's: the compiler's trace points at the program.
			return "yaegi stopped with " + firstLine(string(v.Stderr)) + ", traced inside the interpreter"
		}
	}
	return ""
}

// fallback runs req on the compiled engine, recording why.
func (x *run) fallback(ctx context.Context, req Request, why string) (*Verdict, error) {
	v, err := x.compiled.runWith(ctx, req, x.pool)
	if err != nil {
		return nil, err
	}
	v.Fallback = why
	return v, nil
}

// both is the Both engine: the compiled verdict, with yaegi's as Other.
func (x *run) both(ctx context.Context, req Request) (*Verdict, error) {
	y := req
	y.Stdout, y.Stderr = nil, nil
	yv := x.yaegi(ctx, y, analyze(req.Program))
	cv, err := x.compiled.runWith(ctx, req, x.pool)
	if err != nil {
		return nil, err
	}
	cv.Other = yv
	cv.Differ = differ(cv, yv)
	return cv, nil
}

// differ says how two verdicts of the same program disagree, or "" when
// they agree: how the run ended, the exit status, stdout, and stderr (for
// two panics, the panic message: traces differ by nature). Durations are
// never compared.
func differ(a, b *Verdict) string {
	var out []string
	if a.End != b.End {
		out = append(out, fmt.Sprintf("end: %s %s, %s %s", a.Engine, a.End, b.Engine, b.End))
	}
	if a.End == b.End && a.End == Exited && a.ExitCode != b.ExitCode {
		out = append(out, fmt.Sprintf("exit status: %s %d, %s %d", a.Engine, a.ExitCode, b.Engine, b.ExitCode))
	}
	if a.End == BuildFailed || b.End == BuildFailed {
		return strings.Join(out, "; ")
	}
	if !bytes.Equal(a.Stdout, b.Stdout) {
		out = append(out, "stdout differs")
	}
	switch {
	case a.End == Panicked && b.End == Panicked:
		if a.Panic != b.Panic {
			out = append(out, fmt.Sprintf("panic: %s %q, %s %q", a.Engine, a.Panic, b.Engine, b.Panic))
		}
	case !bytes.Equal(a.Stderr, b.Stderr):
		out = append(out, "stderr differs")
	}
	return strings.Join(out, "; ")
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// Close stops pre-started workers.
func (r *Runner) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	var err error
	if r.early != nil {
		err = r.early.Close()
	}
	if r.pool != nil {
		err = errors.Join(err, r.pool.Close())
	}
	r.cancel()
	return err
}
