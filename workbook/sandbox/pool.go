package sandbox

import (
	"context"
	"errors"
	"fmt"
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
	// Total, when positive, is how many children the pool starts in all;
	// once they are taken, Run starts a fresh child per run. A pool of
	// size 1 and Total 1 starts one child ahead of a first run.
	Total int
	// Offline: the children serve offline specs only (Spec.Offline), and
	// are started without a network namespace where that saves one; a
	// spec that is not offline gets a fresh child of its own.
	Offline bool
}

// Pool keeps children started in advance (namespaces and private /tmp set
// up, the payload warmed) so that a run only has to hand over its Spec.
// Each child serves exactly one run; as soon as one is taken, its filler
// starts the next, so that the pool holds size ready children whenever
// starting them keeps up with the runs. A Pool is safe for concurrent use.
type Pool struct {
	opts   PoolOptions
	size   int
	ready  chan offer
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	offered int           // children started and waiting to be taken
	running int           // children taken from the pool whose run is not over
	started int           // children the fillers started or are starting
	changed chan struct{} // closed (and replaced) when offered changes
	// exhausted is closed when every filler has stopped because Total
	// children were started (never for a pool without Total).
	exhausted chan struct{}
}

// offer is a started child on offer, or the error of a filler that could
// not start one (given only to a Run already waiting).
type offer struct {
	c   *child
	err error
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
	p := &Pool{opts: opts, size: size, ready: make(chan offer), ctx: ctx, cancel: cancel,
		changed: make(chan struct{}), exhausted: make(chan struct{})}
	var fillers sync.WaitGroup
	fillers.Add(size)
	p.wg.Add(size + 1)
	for range size {
		go func() {
			defer p.wg.Done()
			defer fillers.Done()
			p.fill()
		}()
	}
	go func() {
		defer p.wg.Done()
		fillers.Wait()
		if p.ctx.Err() == nil {
			close(p.exhausted)
		}
	}()
	return p, nil
}

// another reports whether a filler may start one more child (Total).
func (p *Pool) another() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.opts.Total > 0 && p.started >= p.opts.Total {
		return false
	}
	p.started++
	return true
}

// count adds d to the number of children on offer and wakes Ready.
func (p *Pool) count(d int) {
	p.mu.Lock()
	p.offered += d
	close(p.changed)
	p.changed = make(chan struct{})
	p.mu.Unlock()
}

// fill keeps one started child on offer until the pool closes, starting
// the next one as soon as the previous one is taken.
func (p *Pool) fill() {
	for p.another() {
		c, err := startChild(p.ctx, p.opts.Executable, p.opts.Payload, p.opts.Offline)
		if err != nil {
			// A Run waiting for a child gets the error instead of
			// waiting for the retry.
			select {
			case p.ready <- offer{err: err}:
			default:
			}
			p.mu.Lock()
			p.started-- // it does not count towards Total
			p.mu.Unlock()
			select {
			case <-p.ctx.Done():
				return
			case <-time.After(retryDelay):
				continue
			}
		}
		p.count(1)
		select {
		case p.ready <- offer{c: c}:
			p.taken()
		case <-p.ctx.Done():
			p.count(-1)
			c.discard()
			return
		}
		if !p.waitToRefill() {
			return
		}
	}
}

// taken records that a child offered by the pool was taken for a run.
func (p *Pool) taken() {
	p.mu.Lock()
	p.offered--
	p.running++
	close(p.changed)
	p.changed = make(chan struct{})
	p.mu.Unlock()
}

// finished records that the run of a child taken from the pool is over.
func (p *Pool) finished() {
	p.mu.Lock()
	p.running--
	close(p.changed)
	p.changed = make(chan struct{})
	p.mu.Unlock()
}

// waitToRefill waits until a filler whose child was taken should start the
// next one: at once when no other child is ready (the pool is drained, and
// requests are waiting or will be), otherwise once no run is in flight, so
// that starting a child does not compete with a run for the CPU and the
// run's latency stays that of a ready child. It returns false when the
// pool is closed.
func (p *Pool) waitToRefill() bool {
	for {
		p.mu.Lock()
		now := p.offered == 0 || p.running == 0
		changed := p.changed
		p.mu.Unlock()
		if now {
			return true
		}
		select {
		case <-changed:
		case <-p.ctx.Done():
			return false
		}
	}
}

// Ready waits until n children (at most the pool's size) are ready to be
// taken, or ctx is done. Long-lived callers use it to measure or to start
// work only once the pool is warm.
func (p *Pool) Ready(ctx context.Context, n int) error {
	n = min(n, p.size)
	for {
		p.mu.Lock()
		offered, changed := p.offered, p.changed
		p.mu.Unlock()
		if offered >= n {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("sandbox: waiting for the pool: %w", ctx.Err())
		case <-p.ctx.Done():
			return errors.New("sandbox: pool closed")
		case <-p.exhausted:
			return errors.New("sandbox: the pool started its Total children")
		}
	}
}

// Run runs spec in a pre-started child and waits for its verdict. When no
// child is ready it waits for the next one: every filler is then already
// starting one, which is never slower than starting another here. A
// binary (Spec.Path) is started directly where the kernel allows it,
// without taking a child (see runDirect). Spec.Executable is ignored.
func (p *Pool) Run(ctx context.Context, spec Spec) (*Result, error) {
	if p.ctx.Err() != nil {
		return nil, errors.New("sandbox: pool closed")
	}
	if res, err := runDirect(ctx, spec); !errors.Is(err, errNoDirect) {
		return res, err
	}
	if p.opts.Offline && !spec.Offline {
		// The pool's children may have no network namespace.
		c, err := startChild(ctx, p.opts.Executable, p.opts.Payload, false)
		if err != nil {
			return nil, err
		}
		return c.run(ctx, spec)
	}
	for {
		var o offer
		select {
		case o = <-p.ready:
		case <-ctx.Done():
			return nil, fmt.Errorf("sandbox: waiting for a child: %w", ctx.Err())
		case <-p.ctx.Done():
			return nil, errors.New("sandbox: pool closed")
		case <-p.exhausted:
			// Total children were started and taken (every filler has
			// stopped, none is offering one): a fresh child.
			c, err := startChild(ctx, p.opts.Executable, p.opts.Payload, spec.Offline)
			if err != nil {
				return nil, err
			}
			return c.run(ctx, spec)
		}
		if o.err != nil {
			return nil, o.err
		}
		select {
		case <-o.c.done: // died while waiting
			o.c.discard()
			p.finished()
			continue
		default:
		}
		res, err := o.c.run(ctx, spec)
		p.finished()
		return res, err
	}
}

// Close stops the pool and kills the children it kept ready.
func (p *Pool) Close() error {
	p.cancel()
	p.wg.Wait()
	return nil
}
