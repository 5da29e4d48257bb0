// Package sandbox runs one untrusted program so that nothing it does can take
// the workbook down, hang it, or leave a process or a file behind.
//
// # Model
//
// Every run happens in a child process that re-executes the workbook binary
// (os.Executable, or Spec.Executable) with the environment marker
// WORKBOOK_SANDBOX_CHILD=1. main (or a test's TestMain, see MainForTest)
// hands such a process to ChildMain. The parent passes the child two extra
// pipes: a control pipe (fd 3) carrying the Spec as JSON, and a status pipe
// (fd 4, close-on-exec) on which the child reports that it is ready and,
// if it must, why it could not start the program.
//
// The child is started in its own process group and, where the kernel allows
// it, in new PID and mount namespaces (CLONE_NEWPID|CLONE_NEWNS). It is the
// init of its PID namespace, so when it (or the program it became through
// exec) exits, the kernel kills every process left in the namespace, even
// ones that called setsid. In the mount namespace, / is made recursively
// private and a fresh tmpfs (TmpSize) is mounted on /tmp, so programs
// hard-coding /tmp paths (FIFOs, lock files) never collide with each other
// and leave nothing in the real /tmp. The run's working directory (HOME
// and TMPDIR are inside it) is created by the child under os.TempDir: in
// the private tmpfs when that is /tmp, else on the real file system, and
// then the parent removes it after the run.
//
// After the child has set up the namespaces (and, in a Pool, run the
// payload's Warm), it reads the Spec, applies what depends on it
// (resource limits, environment, stdin, working directory) and then either
// execs Spec.Path (one exec, no extra process) or runs the named Payload in
// process, with its standard streams as the program's.
//
// # Direct start
//
// A binary (Spec.Path: the compiled engine's) does not need the workbook
// re-executed around it. Where the workbook may create namespaces itself
// (root, or CAP_SYS_ADMIN), it starts the binary directly, with the same
// isolation: a goroutine locked to its OS thread gives that thread alone a
// new mount namespace with the private /tmp, starts the program from it in
// a new PID namespace, traced so that it stops right after the exec, sets
// the resource limits with prlimit and detaches (see runDirect). That is
// one exec per run instead of two, and no pre-started child is used up.
// Result.Direct says a run was started this way; anything the kernel
// refuses falls back to a child.
//
// # Fallback
//
// Where namespaces are refused (not root and no user namespaces), the child
// is started with CLONE_NEWUSER (mapping the caller's uid and gid to root in
// the namespace) plus the PID and mount namespaces; where that fails too, it
// runs with a process group only. Then descendants that left the group with
// setsid can survive the run, /tmp is the real one (TMPDIR still points
// inside the run directory) and Result.PrivateTmp is false.
//
// # Ending a run
//
// On timeout, on Spec.Seen returning true or when the context is done, the
// whole process group receives SIGTERM, then SIGKILL after Spec.Grace; the
// init of the PID namespace receives them too. After the program exits,
// whatever is left in its process group is killed, and output pipes still
// held open by a stray grandchild are closed after WaitDelay, so a run never
// hangs the workbook.
package sandbox

import (
	"context"
	"errors"
	"io"
	"time"
)

// Limits are the resource limits applied to every sandboxed run. A zero
// field takes its default (see DefaultLimits).
type Limits struct {
	MemoryBytes uint64 // RLIMIT_DATA (RLIMIT_AS would break the Go runtime)
	Processes   uint64 // RLIMIT_NPROC (per user; root is exempt, see docs/sandbox.md)
	FileSize    uint64 // RLIMIT_FSIZE
	OpenFiles   uint64 // RLIMIT_NOFILE
	CPUSeconds  uint64 // RLIMIT_CPU; default: the timeout rounded up, plus one second
}

// Defaults for Limits and Spec.
const (
	DefaultMemoryBytes = 1 << 30  // 1 GiB of data segment
	DefaultProcesses   = 256      // processes of the user (not enforced for root)
	DefaultFileSize    = 64 << 20 // 64 MiB per file written
	DefaultOpenFiles   = 256      // open file descriptors
	DefaultTimeout     = 10 * time.Second
	DefaultGrace       = 500 * time.Millisecond
	DefaultMaxOutput   = 1 << 20 // 1 MiB per stream
	// WaitDelay is how long output pipes may stay open after the program
	// exited (held by a stray descendant) before they are closed.
	WaitDelay = 500 * time.Millisecond
	// TmpSize is the size of the private tmpfs mounted on /tmp.
	TmpSize = 256 << 20
)

// DefaultLimits returns the limits used for a run with the given timeout
// when Spec.Limits leaves a field zero.
func DefaultLimits(timeout time.Duration) Limits {
	return Limits{
		MemoryBytes: DefaultMemoryBytes,
		Processes:   DefaultProcesses,
		FileSize:    DefaultFileSize,
		OpenFiles:   DefaultOpenFiles,
		CPUSeconds:  uint64((timeout+time.Second-1)/time.Second) + 1,
	}
}

// withDefaults fills the zero fields of l from DefaultLimits(timeout).
func (l Limits) withDefaults(timeout time.Duration) Limits {
	d := DefaultLimits(timeout)
	if l.MemoryBytes == 0 {
		l.MemoryBytes = d.MemoryBytes
	}
	if l.Processes == 0 {
		l.Processes = d.Processes
	}
	if l.FileSize == 0 {
		l.FileSize = d.FileSize
	}
	if l.OpenFiles == 0 {
		l.OpenFiles = d.OpenFiles
	}
	if l.CPUSeconds == 0 {
		l.CPUSeconds = d.CPUSeconds
	}
	return l
}

// Spec describes one sandboxed run. Exactly one of Path and Payload is set.
type Spec struct {
	// Path and Args: execute this binary (an absolute path: there is no
	// PATH lookup) inside the sandbox. Args are the arguments after the
	// program name (Args[0] is not the program).
	Path string
	Args []string
	// Payload and Request: run the named in-process payload inside a
	// re-executed workbook child (see ChildMain), handing it Request.
	Payload string
	Request []byte

	Stdin     []byte        // nil: /dev/null
	Env       []string      // extra KEY=VALUE pairs on top of the controlled environment
	Timeout   time.Duration // wall clock, from start to verdict; 0: DefaultTimeout
	Grace     time.Duration // between SIGTERM and SIGKILL; 0: DefaultGrace
	Limits    Limits
	MaxOutput int64 // per stream; beyond it output is discarded and Truncated set; 0: DefaultMaxOutput

	// Stdout and Stderr, when not nil, receive the output as it is produced
	// (at most MaxOutput bytes each), from goroutines of the sandbox.
	Stdout, Stderr io.Writer
	// Seen, when not nil, is called with all the stdout captured so far each
	// time more arrives; returning true stops the run (Result.Stopped).
	Seen func(stdout []byte) bool

	// Executable is the workbook binary to re-execute as the sandbox child;
	// empty means os.Executable(). Ignored by Pool.Run (see PoolOptions).
	Executable string

	// Hide are directories hidden from the program (an empty read-only
	// tmpfs over each), on top of DefaultHidden: grading adds the
	// directories of the other students.
	Hide []string
	// DocDir, when set, is the folder of the program's document: the
	// program runs in <run directory>/doc, an overlay whose lower layer is
	// DocDir (read-only) and whose upper layer is in the run directory,
	// so it reads the files beside its document as a reader running it
	// from the document's folder would, and what it writes stays in the
	// run.
	DocDir string
	// Strict makes a missing protection a hard failure (ErrNotStrict)
	// instead of an entry in Result.Missing.
	Strict bool
	// Offline says the program cannot use the network: it imports no
	// package that opens a socket or starts a process (the engine
	// decides, engine.Offline). Where the workbook creates the namespaces
	// itself (root), such a run gets no network namespace of its own,
	// the costliest part of a run to create: socket(2) and io_uring are
	// refused to it, and to whatever it executes, by a seccomp filter
	// instead, a stricter rule. Where the filter cannot be installed the
	// run gets a network namespace as any other.
	Offline bool

	// viaChild makes a Spec.Path run go through a re-executed child even
	// where it could be started directly (the tests cover both ways).
	viaChild bool
}

// Result is how a run ended.
type Result struct {
	ExitCode        int    // -1 when killed by a signal
	Signal          string // "killed", "terminated", ... when killed by a signal
	TimedOut        bool
	Stopped         bool   // stopped because Seen returned true
	LimitHit        string // "memory", "cpu", "file-size", "processes", "open-files" or ""
	Stdout, Stderr  []byte // captured, at most MaxOutput bytes each
	StdoutTruncated bool
	StderrTruncated bool
	Duration        time.Duration
	PrivateTmp      bool // /tmp was private to the run
	// Isolation says how the child was isolated: "pid+mount",
	// "user+pid+mount" or "pgroup" (the fallback).
	Isolation string
	// Direct says the binary (Spec.Path) was started by the workbook's
	// own process, not exec'd by a re-executed child (see runDirect).
	Direct bool
	// Protections are the protections the run had, Missing the ones it
	// lacked, each with why ("no network (operation not permitted)").
	Protections []string
	Missing     []string
}

// errNoDirect says a binary cannot be started directly here (see
// runDirect): the run goes through a re-executed child instead.
var errNoDirect = errors.New("sandbox: direct start refused")

// Run runs spec in a freshly started child (a binary directly, where the
// kernel allows it: see "Direct start" above) and waits for its verdict.
// The error is only for failures of the sandbox itself (it could not start
// the program).
func Run(ctx context.Context, spec Spec) (*Result, error) {
	if res, err := runDirect(ctx, spec); !errors.Is(err, errNoDirect) {
		return res, err
	}
	c, err := startChild(ctx, spec.Executable, "", spec.Offline)
	if err != nil {
		return nil, err
	}
	return c.run(ctx, spec)
}

// Payload is code that runs inside a re-executed workbook child, with the
// child's standard streams as the program's.
type Payload struct {
	// Warm, when not nil, runs in a pre-started child before its request
	// arrives (to preload what every run needs); its result is handed to Run.
	Warm func() any
	// Run handles one request and returns the exit status.
	Run func(warm any, request []byte) int
	// WarmAhead says Warm is worth running only before the request
	// arrives: a child started for the request (not warmed ahead) hands
	// Run nil instead of running Warm, and Run prepares only what the
	// request needs. Without it such a child runs Warm after the request.
	WarmAhead bool
}
