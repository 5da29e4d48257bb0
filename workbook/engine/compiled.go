package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/sandbox"
)

// compiledEngine builds programs with `go build` in a temporary module,
// caches the binaries, and runs them in the sandbox.
type compiledEngine struct {
	cache     binCache
	tc        toolchain
	xsys      string
	limits    sandbox.Limits
	maxOutput int64
	box       Sandbox
	// builds counts toolchain invocations (tests prove cache hits with it).
	builds atomic.Int64

	mu       sync.Mutex
	inflight map[string]*buildCall // builds under way, by cache key
}

// buildCall is one build under way; concurrent requests for the same
// program wait for it instead of running the toolchain again.
type buildCall struct {
	done  chan struct{}
	bin   string
	diags []Diagnostic
	err   error
	// cancelled: the build stopped because its request's context ended,
	// which says nothing about the program; waiters build it themselves.
	cancelled bool
	retry     bool // a batch could not build it: build it on its own
}

// newCompiledEngine returns a compiled engine configured by opts.
func newCompiledEngine(opts Options) (*compiledEngine, error) {
	dir := opts.CacheDir
	if dir == "" {
		d, err := defaultCacheDir()
		if err != nil {
			return nil, err
		}
		dir = d
	}
	return &compiledEngine{
		cache:     binCache{dir: dir, max: cacheMax(opts.CacheMax)},
		tc:        findToolchain(),
		xsys:      xsysVersion(),
		limits:    opts.Limits,
		maxOutput: opts.MaxOutput,
		box:       opts.Sandbox,
	}, nil
}

// build returns the binary of p, from the cache or built now. A program
// that does not compile yields its diagnostics and no error; the error is
// for failures of the engine (no toolchain, unwritable cache).
func (c *compiledEngine) build(ctx context.Context, p *lessons.Program) (bin string, diags []Diagnostic, err error) {
	key := cacheKey(p.Source, c.tc, c.xsys)
	if bin, ok := c.cache.lookup(key); ok {
		return bin, nil, nil
	}
	c.mu.Lock()
	for {
		call, ok := c.inflight[key]
		if !ok {
			break
		}
		c.mu.Unlock()
		select {
		case <-call.done:
		case <-ctx.Done():
			return "", nil, fmt.Errorf("compiled engine: build: %w", ctx.Err())
		}
		if !call.cancelled && !call.retry {
			return call.bin, call.diags, call.err
		}
		// The build we waited for was cancelled by its own request (a
		// speculative run that was not needed), or a batch could not
		// build it: build it for this one.
		c.mu.Lock()
	}
	if bin, ok := c.cache.lookup(key); ok { // built while we looked
		c.mu.Unlock()
		return bin, nil, nil
	}
	call := &buildCall{done: make(chan struct{})}
	if c.inflight == nil {
		c.inflight = map[string]*buildCall{}
	}
	c.inflight[key] = call
	c.mu.Unlock()
	defer func() {
		call.bin, call.diags, call.err = bin, diags, err
		call.cancelled = err != nil && ctx.Err() != nil
		c.mu.Lock()
		delete(c.inflight, key)
		c.mu.Unlock()
		close(call.done)
	}()
	return c.buildNow(ctx, p, key)
}

// buildNow runs go build for p and stores the binary under key.
func (c *compiledEngine) buildNow(ctx context.Context, p *lessons.Program, key string) (bin string, diags []Diagnostic, err error) {
	if c.tc.path == "" {
		return "", nil, errors.New("compiled engine: the go command was not found on PATH")
	}
	sweepStale(os.TempDir(), "workbook-build-", staleAfter)
	sweepStale(c.cache.dir, ".tmp-", staleAfter)
	mod, err := os.MkdirTemp("", "workbook-build-")
	if err != nil {
		return "", nil, fmt.Errorf("compiled engine: %w", err)
	}
	defer os.RemoveAll(mod)
	gomod := fmt.Sprintf("module workbook.lesson/program\n\ngo %s\n\nrequire %s %s\n", goLine(), xsysModule, c.xsys)
	if err := os.WriteFile(filepath.Join(mod, "go.mod"), []byte(gomod), 0o644); err != nil {
		return "", nil, fmt.Errorf("compiled engine: %w", err)
	}
	if err := os.WriteFile(filepath.Join(mod, "main.go"), []byte(p.Source), 0o644); err != nil {
		return "", nil, fmt.Errorf("compiled engine: %w", err)
	}
	tmp, err := c.cache.tempFile(key)
	if err != nil {
		return "", nil, err
	}
	defer os.Remove(tmp) // a no-op once committed
	cmd, err := c.goCommand(ctx, mod, UsesCgo(p.Source), "build", "-o", tmp, ".")
	if err != nil {
		return "", nil, err
	}
	c.builds.Add(1)
	out, err := cmd.CombinedOutput()
	if err != nil {
		if ctx.Err() != nil {
			return "", nil, fmt.Errorf("compiled engine: build: %w", ctx.Err())
		}
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			return "", nil, fmt.Errorf("compiled engine: running go build: %w", err)
		}
		diags := parseBuildErrors(out, p)
		if len(diags) == 0 {
			diags = []Diagnostic{{Msg: strings.TrimSpace(string(out))}}
		}
		return "", diags, nil
	}
	bin, err = c.cache.commit(tmp, key)
	if err != nil {
		return "", nil, err
	}
	return bin, nil, nil
}

// cacheMax is the cache cap for Options.CacheMax (see there).
func cacheMax(n int64) int64 {
	if n == 0 {
		return DefaultCacheMax
	}
	return n
}

// buildEnv is the environment of go build: the workbook's, with the
// settings that make the temporary module build for this machine, offline
// once the module cache holds x/sys.
// goCommand is the go command running args in the module directory mod
// with buildEnv (and cgo when asked). Its temporary directory (GOTMPDIR)
// is inside mod: a build killed because its run was cancelled (auto's
// speculative build, a timeout) cannot remove its work directory, and
// would otherwise leave a go-build directory in the user's /tmp; mod is
// removed whatever happened.
func (c *compiledEngine) goCommand(ctx context.Context, mod string, cgo bool, args ...string) (*exec.Cmd, error) {
	gotmp := filepath.Join(mod, ".gotmp")
	if err := os.Mkdir(gotmp, 0o700); err != nil {
		return nil, fmt.Errorf("compiled engine: %w", err)
	}
	cmd := exec.CommandContext(ctx, c.tc.path, args...)
	cmd.Dir = mod
	cmd.Env = append(buildEnv(), "GOTMPDIR="+gotmp)
	if cgo {
		cmd.Env = withCgo(cmd.Env)
	}
	return cmd, nil
}

func buildEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "GOFLAGS", "GOWORK", "GO111MODULE", "GOOS", "GOARCH", "CGO_ENABLED", "GOTMPDIR":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "GOFLAGS=-mod=mod", "GOWORK=off", "GO111MODULE=on",
		"GOOS="+runtime.GOOS, "GOARCH="+runtime.GOARCH, "CGO_ENABLED=0")
}

// buildErrorLine is one located message of go build: file:line[:col]: msg.
var buildErrorLine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(.+?):(\d+)(?::\d+)?: (.*)$`) })

// parseBuildErrors turns go build's output into diagnostics at Markdown
// positions: the //line directives make most messages name the Markdown
// file; the others name main.go and go through p.Map.
func parseBuildErrors(out []byte, p *lessons.Program) []Diagnostic {
	var diags []Diagnostic
	for line := range strings.SplitSeq(string(out), "\n") {
		switch {
		case strings.TrimSpace(line) == "", strings.HasPrefix(line, "#"):
			continue
		case strings.HasPrefix(line, "\t") && len(diags) > 0:
			diags[len(diags)-1].Msg += "\n" + strings.TrimPrefix(line, "\t")
			continue
		}
		m := buildErrorLine().FindStringSubmatch(line)
		if m == nil {
			diags = append(diags, Diagnostic{Msg: line})
			continue
		}
		n, _ := strconv.Atoi(m[2])
		d := Diagnostic{Msg: m[3]}
		switch file := m[1]; {
		case sameFile(file, p.File):
			d.Pos = lessons.Pos{File: p.File, Line: n}
		case file == "main.go" || strings.HasSuffix(file, "/main.go"):
			if pos, ok := p.Map.Lookup(n); ok {
				d.Pos = pos
			}
		default:
			d.Msg = line
		}
		diags = append(diags, d)
	}
	return diags
}

// run builds req.Program if needed and runs it in the sandbox, in a
// fresh child where the binary cannot be started directly.
func (c *compiledEngine) run(ctx context.Context, req Request) (*Verdict, error) {
	return c.runWith(ctx, req, nil)
}

// runWith is run with the children of pool (nil: a fresh child).
func (c *compiledEngine) runWith(ctx context.Context, req Request, pool *sandbox.Pool) (*Verdict, error) {
	p := req.Program
	if p == nil {
		return nil, errors.New("compiled engine: no program")
	}
	var bin string
	var diags []Diagnostic
	var err error
	release := func() {}
	for range 3 {
		bin, diags, err = c.build(ctx, p)
		if err != nil {
			return &Verdict{Engine: Compiled, End: EngineError, Message: err.Error()}, nil
		}
		if bin == "" {
			return &Verdict{Engine: Compiled, End: BuildFailed, Diagnostics: diags, Message: "the program does not compile"}, nil
		}
		if req.CompileOnly {
			return &Verdict{Engine: Compiled, End: Built}, nil
		}
		// Hold the binary for the run, so that no eviction removes it;
		// an entry evicted since the build is built again.
		var ok bool
		if release, ok = c.cache.lease(filepath.Base(bin)); ok {
			break
		}
		release = nil
	}
	if release == nil {
		return &Verdict{Engine: Compiled, End: EngineError, Message: "compiled engine: the cached binary was removed three times before it could run (is the cache cap too small?)"}, nil
	}
	defer release()
	return c.exec(ctx, req, pool, bin, nil), nil
}

// exec runs the built binary bin (a program, or a package's test binary
// with args) for req in the sandbox, with the children of pool (nil: a
// fresh child), and returns its verdict.
func (c *compiledEngine) exec(ctx context.Context, req Request, pool *sandbox.Pool, bin string, args []string) *Verdict {
	p := req.Program
	spec := sandbox.Spec{
		Path:      bin,
		Args:      args,
		Timeout:   req.Timeout,
		Limits:    c.limits,
		MaxOutput: c.maxOutput,
		Stdout:    req.Stdout,
		Stderr:    req.Stderr,
		Seen:      req.Seen,
		Hide:      c.box.Hide,
		Strict:    c.box.Strict,
	}
	spec.DocDir, spec.Offline = runPlace(p, req.Dir)
	if spec.Timeout <= 0 {
		spec.Timeout = p.Timeout
	}
	if p.Stdin != nil {
		spec.Stdin = []byte(*p.Stdin)
	}
	var res *sandbox.Result
	var err error
	if pool != nil {
		res, err = pool.Run(ctx, spec)
	} else {
		res, err = sandbox.Run(ctx, spec)
	}
	if res == nil {
		return &Verdict{Engine: Compiled, End: EngineError, Message: err.Error()}
	}
	v := verdictFrom(res, p, Compiled)
	markCap(v, c.maxOutput)
	if err != nil {
		v.Message = err.Error()
	}
	return v
}

// staleAfter is how old a build directory or a temporary binary must be
// for sweepStale to remove it: far longer than any build, so that only
// what a killed workbook left behind goes.
const staleAfter = 24 * time.Hour

// sweepStale removes the entries of dir named prefix* that were last
// modified more than age ago: build directories and temporary binaries
// left by a workbook that was killed (SIGKILL) in the middle of a build.
// It runs only before the toolchain does, so cache hits never pay for it.
// Errors are ignored: a leftover that cannot be removed is harmless.
func sweepStale(dir, prefix string, age time.Duration) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), prefix) {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > age {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}
