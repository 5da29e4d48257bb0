package sandbox

import (
	"context"
	"errors"
	"sync"
	"time"
)

// PoolOptions configure a Pool.
type PoolOptions struct {
	// Payload is warmed (Payload.Warm) in every pre-started child.
	Payload string
	// Executable is the workbook binary to re-execute; empty means
	// os.Executable().
	Executable string
}

// Pool keeps children started in advance (namespaces and private /tmp set
// up, the payload warmed) so that a run only has to hand over its Spec. Each
// child serves exactly one run; the pool refills in the background. A Pool
// is safe for concurrent use.
type Pool struct {
	opts   PoolOptions
	ready  chan *child
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// retryDelay is how long a filler waits after failing to start a child.
const retryDelay = time.Second

// NewPool starts a pool keeping size children ready. The pool lives until
// ctx is done or Close is called.
func NewPool(ctx context.Context, size int, opts PoolOptions) (*Pool, error) {
	if size < 1 {
		return nil, errors.New("sandbox: pool size must be at least 1")
	}
	ctx, cancel := context.WithCancel(ctx)
	p := &Pool{opts: opts, ready: make(chan *child), ctx: ctx, cancel: cancel}
	p.wg.Add(size)
	for range size {
		go p.fill()
	}
	return p, nil
}

// fill keeps one started child on offer until the pool closes.
func (p *Pool) fill() {
	defer p.wg.Done()
	for {
		c, err := startChild(p.ctx, p.opts.Executable, p.opts.Payload)
		if err != nil {
			select {
			case <-p.ctx.Done():
				return
			case <-time.After(retryDelay):
				continue
			}
		}
		select {
		case p.ready <- c:
		case <-p.ctx.Done():
			c.discard()
			return
		}
		// Refill once the run is over, so that starting the next child
		// does not compete with the run for the CPU.
		select {
		case <-c.done:
		case <-p.ctx.Done():
			return
		}
	}
}

// Run runs spec in a pre-started child (or in a fresh one when none is
// ready) and waits for its verdict. Spec.Executable is ignored.
func (p *Pool) Run(ctx context.Context, spec Spec) (*Result, error) {
	if p.ctx.Err() != nil {
		return nil, errors.New("sandbox: pool closed")
	}
	for {
		select {
		case c := <-p.ready:
			select {
			case <-c.done: // died while waiting
				c.discard()
				continue
			default:
			}
			return c.run(ctx, spec)
		default:
		}
		c, err := startChild(ctx, p.opts.Executable, p.opts.Payload)
		if err != nil {
			return nil, err
		}
		return c.run(ctx, spec)
	}
}

// Close stops the pool and kills the children it kept ready.
func (p *Pool) Close() error {
	p.cancel()
	p.wg.Wait()
	return nil
}
