// Package sandbox runs one untrusted program so that nothing it does can take
// the workbook down, hang it, or leave a process or a file behind.
package sandbox

import (
	"context"
	"errors"
	"io"
	"time"
)

// Limits are the resource limits applied to every sandboxed run.
type Limits struct {
	MemoryBytes uint64 // RLIMIT_DATA
	Processes   uint64 // RLIMIT_NPROC
	FileSize    uint64 // RLIMIT_FSIZE
	OpenFiles   uint64 // RLIMIT_NOFILE
	CPUSeconds  uint64 // RLIMIT_CPU
}

// Spec describes one sandboxed run. Exactly one of Path and Payload is set.
type Spec struct {
	// Path and Args: execute this binary inside the sandbox.
	Path string
	Args []string
	// Payload and Request: run the named in-process payload inside a
	// re-executed workbook child (see ChildMain), handing it Request.
	Payload string
	Request []byte

	Stdin     []byte        // nil: /dev/null
	Env       []string      // extra KEY=VALUE pairs on top of the controlled environment
	Timeout   time.Duration // wall clock, from start to verdict
	Grace     time.Duration // between SIGTERM and SIGKILL
	Limits    Limits
	MaxOutput int64 // per stream; beyond it output is discarded and Truncated set

	// Stdout and Stderr, when not nil, receive the output as it is produced
	// (at most MaxOutput bytes each).
	Stdout, Stderr io.Writer
	// Seen, when not nil, is called with all the stdout captured so far each
	// time more arrives; returning true stops the run (Result.Stopped).
	Seen func(stdout []byte) bool
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
}

// Run runs spec and waits for its verdict. The error is only for failures of
// the sandbox itself (it could not start the program).
func Run(ctx context.Context, spec Spec) (*Result, error) {
	return nil, errors.New("sandbox.Run: not implemented yet")
}

// Payload is code that runs inside a re-executed workbook child, with the
// child's standard streams as the program's.
type Payload struct {
	// Warm, when not nil, runs in a pre-started child before its request
	// arrives (to preload what every run needs); its result is handed to Run.
	Warm func() any
	// Run handles one request and returns the exit status.
	Run func(warm any, request []byte) int
}

// IsChild reports whether this process was started by the sandbox as a child.
func IsChild() bool { return false }

// ChildMain is the entry point of a sandbox child: main calls it first thing
// when IsChild is true, and exits with its result.
func ChildMain(payloads map[string]Payload) int { return 2 }
