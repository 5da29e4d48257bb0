package learn

import (
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/check"
	"github.com/ppworkbook/workbook/workbook/engine"
)

// Checker runs one program and checks it against its expectations. It must
// be safe for concurrent use (grade checks many programs at once).
type Checker interface {
	// Check runs p with the settings s (from lessons.Resolve) and checks
	// its verdict. When out is not nil the program's output streams to it
	// as it runs. The error is for failures of the machinery; a failing
	// program is a Result.
	Check(ctx context.Context, p *lessons.Program, s lessons.Settings, out io.Writer) (check.Result, error)
}

// engineChecker is the real Checker: the sandboxed engines, then check.Check.
type engineChecker struct {
	runner *engine.Runner
	colour bool
}

// newEngineChecker starts the engines, with the binary cache capped by
// cacheMax (engine.ParseCacheMax) and every run's sandbox configured by
// box; Close the checker when done.
func newEngineChecker(colour bool, cacheMax string, box engine.Sandbox) (*engineChecker, error) {
	max, err := engine.ParseCacheMax(cacheMax)
	if err != nil {
		return nil, fmt.Errorf("$%s: %w", engine.CacheMaxEnv, err)
	}
	r, err := engine.New(engine.Options{CacheMax: max, Sandbox: box})
	if err != nil {
		return nil, fmt.Errorf("starting the engines: %w", err)
	}
	return &engineChecker{runner: r, colour: colour}, nil
}

// Check implements Checker. An exercise with cases runs once per case
// (see check.CheckRuns).
func (c *engineChecker) Check(ctx context.Context, p *lessons.Program, s lessons.Settings, out io.Writer) (check.Result, error) {
	var sw io.Writer
	// Cases run at once: their output would interleave, so only a
	// program without cases streams its output.
	if out != nil && len(p.Expect.Cases) == 0 {
		sw = &syncWriter{w: out}
	}
	run := func(ctx context.Context, p *lessons.Program) (*engine.Verdict, error) {
		req := engine.NewRequest(p, s)
		req.Seen = check.Seen(p)
		req.Accept = check.Accept(p)
		req.Stdout, req.Stderr = sw, sw
		v, err := c.runner.Run(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("running %s: %w", p.Name, err)
		}
		return v, nil
	}
	res, _, err := check.CheckRuns(ctx, p, run, check.Options{Colour: c.colour, Timeout: s.Timeout})
	return res, err
}

// Close stops the engines.
func (c *engineChecker) Close() error { return c.runner.Close() }

// syncWriter serialises writes from the two output streams.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(b)
}

// safeCheck calls c.Check and turns a panic in the machinery into an error,
// so that one strange program never takes a whole grading run down.
func safeCheck(ctx context.Context, c Checker, p *lessons.Program, s lessons.Settings, out io.Writer) (res check.Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("checking %s: internal error: %v", p.Name, r)
		}
	}()
	return c.Check(ctx, p, s, out)
}
