package engine

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// This file is the decision side of the Auto engine: yaegi runs first
// (fast), but a yaegi verdict that fails in any way is never final. When
// yaegi's run does not pass the request's Accept (wrong output, exit
// status, timeout, a resource limit), panics, or yaegi fails on its own,
// the compiled engine runs the program and its verdict stands. So yaegi
// can make a correct program pass sooner, never fail: a yaegi gap the
// rules of gaps.go do not foresee costs time, not a false alarm.
//
// A program that fails under both engines must not take twice as long:
// when yaegi's run has lasted a fraction of its timeout
// (speculateAfter), the compiled build and run start beside it, without
// streaming, and are cancelled if yaegi's verdict stands. A program that
// hangs thus gets its verdict about timeout*(1+1/speculateDivisor) plus
// the build after it started, not after twice its timeout.

// speculateDivisor sets when the speculative compiled run starts: after
// timeout/speculateDivisor of yaegi's run. Most programs finish far
// sooner and never pay for a second engine: at the default 10 s timeout
// that is 2.5 s, beyond the longest of the embedded lessons (wait-delay,
// 1.27 s) and of Go by Example's timer and worker pages; an eighth
// (1.25 s) started compiled runs beside wait-delay for nothing.
const speculateDivisor = 4

// speculateAfter is how long yaegi runs alone before the compiled engine
// starts beside it.
func speculateAfter(timeout time.Duration) time.Duration { return timeout / speculateDivisor }

// acceptOf is req.Accept, or the default: exited 0, stopped by Seen, or
// built.
func acceptOf(req Request) func(*Verdict) bool {
	if req.Accept != nil {
		return req.Accept
	}
	return func(v *Verdict) bool {
		return (v.End == Exited && v.ExitCode == 0) || v.End == Stopped || v.End == Built
	}
}

// decide runs the program (analysed as a) with yaegi, and with the
// compiled engine when yaegi's verdict cannot stand (see the top of this
// file).
func (x *run) decide(ctx context.Context, req Request, a analysis) (*Verdict, error) {
	accept := acceptOf(req)
	spec := x.speculate(ctx, req)
	defer spec.stop()
	v := x.yaegi(ctx, req, a)
	why := fallbackReason(v)
	if why == "" && accept(v) {
		return v, nil
	}
	if ctx.Err() != nil {
		return v, nil
	}
	if why == "" {
		why = "yaegi's run failed its check: " + describeEnd(v)
	}
	printed := len(v.Stdout) > 0 || len(v.Stderr) > 0
	var c *Verdict
	var err error
	if spec.claim() {
		// The compiled run started beside yaegi's, without streaming.
		c, err = spec.wait()
		if err == nil && !printed {
			writeOutput(req, c)
		}
	} else {
		creq := req
		if printed {
			// What yaegi printed was streamed already: do not show it twice.
			creq.Stdout, creq.Stderr = nil, nil
		}
		c, err = x.compiled.runWith(ctx, creq, x.pool)
	}
	if err != nil {
		return nil, err
	}
	switch {
	case c.End == EngineError && v.End != BuildFailed && v.End != EngineError:
		// The compiler is not available (no toolchain, say): yaegi's
		// verdict is the only one there is.
		return v, nil
	case c.End == BuildFailed && v.End == BuildFailed:
		// A genuine compile error: the compiler's diagnostics stand.
		return c, nil
	}
	c.Fallback = why
	c.YaegiDisagreed = yaegiDisagreed(v, c, accept)
	return c, nil
}

// yaegiDisagreed says how yaegi's set-aside verdict y differs from the
// compiled verdict c that replaced it, or "" when they fail alike: when c
// passes, any difference (or, if none shows, that yaegi's run failed);
// when both fail, only a different end or exit status (the outputs of two
// failing runs say nothing about yaegi).
func yaegiDisagreed(y, c *Verdict, accept func(*Verdict) bool) string {
	if accept(c) {
		if d := differ(c, y); d != "" {
			return d
		}
		return "yaegi's run did not meet the expectations, the compiled one does"
	}
	if y.End != c.End || (y.End == Exited && y.ExitCode != c.ExitCode) {
		return differ(c, y)
	}
	return ""
}

// describeEnd says in a few words how v ended.
func describeEnd(v *Verdict) string {
	switch v.End {
	case Exited:
		return fmt.Sprintf("exit status %d", v.ExitCode)
	case LimitHit:
		return "limit " + v.Limit
	}
	return string(v.End)
}

// writeOutput writes v's output to the request's streams, for a compiled
// run that was buffered while yaegi's streamed nothing.
func writeOutput(req Request, v *Verdict) {
	if req.Stdout != nil && len(v.Stdout) > 0 {
		req.Stdout.Write(v.Stdout)
	}
	if req.Stderr != nil && len(v.Stderr) > 0 {
		req.Stderr.Write(v.Stderr)
	}
}

// speculation is a compiled run started beside a yaegi run once that has
// lasted speculateAfter. Its goroutine is owned: stop cancels it and
// waits for it.
type speculation struct {
	mu      sync.Mutex
	timer   *time.Timer
	started bool // the compiled run started
	claimed bool // the timer may no longer start it
	cancel  context.CancelFunc
	done    chan struct{} // closed when a started run has finished
	v       *Verdict
	err     error
}

// speculate arms the speculative compiled run of req.
func (x *run) speculate(ctx context.Context, req Request) *speculation {
	sctx, cancel := context.WithCancel(ctx)
	s := &speculation{cancel: cancel, done: make(chan struct{})}
	req.Stdout, req.Stderr = nil, nil
	s.timer = time.AfterFunc(speculateAfter(req.Timeout), func() {
		s.mu.Lock()
		if s.claimed {
			s.mu.Unlock()
			return
		}
		s.started = true
		s.mu.Unlock()
		defer close(s.done)
		s.v, s.err = x.compiled.runWith(sctx, req, x.pool)
	})
	return s
}

// claim stops the timer and reports whether the compiled run had
// started (wait then gives its verdict).
func (s *speculation) claim() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.timer.Stop()
	s.claimed = true
	return s.started
}

// wait returns the verdict of a started speculative run.
func (s *speculation) wait() (*Verdict, error) {
	<-s.done
	return s.v, s.err
}

// stop cancels the speculative run, if it started, and waits for it to
// end.
func (s *speculation) stop() {
	started := s.claim()
	s.cancel()
	if started {
		<-s.done
	}
}
