package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/ppworkbook/workbook/lessons"
)

// Prebuild builds, in one toolchain call, the programs among reqs that the
// compiled engine will build (engine compiled or both; auto for a program
// only built, or that the interpreter cannot run), so that the toolchain
// shares and parallelises the work instead of running once per program.
// It registers those builds at once, so that a run that needs one waits
// for it instead of building again, and builds in a goroutine; the
// returned function waits for it. A program the batch could not build is
// built on its own when a run needs it. Packages with tests and cgo
// programs are left to their runs.
//
// Prebuild is not a request: it takes no pre-started child (the first
// request still gets the one New started) and does not start the pool.
func (r *Runner) Prebuild(ctx context.Context, reqs []Request) (wait func()) {
	c := r.compiled
	var progs []*lessons.Program
	for _, req := range reqs {
		if needsCompiler(req) {
			progs = append(progs, req.Program)
		}
	}
	jobs := c.register(progs)
	if len(jobs) == 0 {
		return func() {}
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		c.batch(ctx, jobs)
	}()
	return wg.Wait
}

// needsCompiler reports whether the compiled engine will build req's
// program.
func needsCompiler(req Request) bool {
	p := req.Program
	if p == nil || p.Mode == lessons.ModeSkip || PackageRun(p) || UsesCgo(p.Source) {
		return false
	}
	switch req.Engine {
	case Compiled, Both:
		return true
	case Auto, "":
		return req.CompileOnly || analyze(p).route != ""
	}
	return false
}

// batchJob is one program of a batch build.
type batchJob struct {
	p    *lessons.Program
	key  string
	call *buildCall
}

// register claims the builds of progs that are neither cached nor under
// way, so that their runs wait for the batch.
func (c *compiledEngine) register(progs []*lessons.Program) []batchJob {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.inflight == nil {
		c.inflight = map[string]*buildCall{}
	}
	var jobs []batchJob
	for _, p := range progs {
		key := cacheKey(p.Source, c.tc, c.xsys)
		if _, ok := c.inflight[key]; ok {
			continue
		}
		if _, ok := c.cache.lookup(key); ok {
			continue
		}
		call := &buildCall{done: make(chan struct{})}
		c.inflight[key] = call
		jobs = append(jobs, batchJob{p: p, key: key, call: call})
	}
	return jobs
}

// batch builds jobs as the packages of one module with one go build, and
// settles every job's call: its binary, its diagnostics, or a retry on
// its own.
func (c *compiledEngine) batch(ctx context.Context, jobs []batchJob) {
	done := map[int]bool{}
	settle := func(i int, bin string, diags []Diagnostic, retry bool) {
		j := jobs[i]
		j.call.bin, j.call.diags, j.call.retry = bin, diags, retry
		c.mu.Lock()
		delete(c.inflight, j.key)
		c.mu.Unlock()
		close(j.call.done)
		done[i] = true
	}
	defer func() {
		for i := range jobs {
			if !done[i] {
				settle(i, "", nil, true)
			}
		}
	}()
	if c.tc.path == "" {
		return
	}
	sweepStale(os.TempDir(), "workbook-build-", staleAfter)
	mod, err := os.MkdirTemp("", "workbook-build-")
	if err != nil {
		return
	}
	defer os.RemoveAll(mod)
	if err := os.MkdirAll(c.cache.dir, 0o755); err != nil {
		return
	}
	out, err := os.MkdirTemp(c.cache.dir, ".tmp-batch-")
	if err != nil {
		return
	}
	defer os.RemoveAll(out)
	const module = "workbook.lesson/batch"
	gomod := fmt.Sprintf("module %s\n\ngo %s\n\nrequire %s %s\n", module, goLine(), xsysModule, c.xsys)
	if err := os.WriteFile(filepath.Join(mod, "go.mod"), []byte(gomod), 0o644); err != nil {
		return
	}
	for i, j := range jobs {
		dir := filepath.Join(mod, pkgDir(i))
		if err := os.Mkdir(dir, 0o755); err != nil {
			return
		}
		if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(j.p.Source), 0o644); err != nil {
			return
		}
	}
	cmd, err := c.goCommand(ctx, mod, false, "build", "-o", out+string(filepath.Separator), "./...")
	if err != nil {
		return
	}
	c.builds.Add(1)
	msgs, _ := cmd.CombinedOutput()
	if ctx.Err() != nil {
		return
	}
	failed := failedPackages(msgs, module)
	for i, j := range jobs {
		bin := filepath.Join(out, pkgDir(i))
		if _, err := os.Stat(bin); err == nil {
			if p, err := c.cache.commit(bin, j.key); err == nil {
				settle(i, p, nil, false)
			}
			continue
		}
		if text, ok := failed[pkgDir(i)]; ok {
			diags := parseBuildErrors([]byte(text), j.p)
			if len(diags) > 0 {
				settle(i, "", diags, false)
			}
		}
	}
}

// pkgDir is the directory of the i-th program of a batch.
func pkgDir(i int) string { return fmt.Sprintf("p%04d", i) }

// failedPackages splits go build's output into the messages of each
// package that failed, by its directory: the lines after its
// "# MODULE/DIR" header.
func failedPackages(out []byte, module string) map[string]string {
	res := map[string]string{}
	cur := ""
	for line := range strings.SplitSeq(string(out), "\n") {
		if h, ok := strings.CutPrefix(line, "# "+module+"/"); ok {
			cur = strings.TrimSpace(h)
			continue
		}
		if strings.HasPrefix(line, "# ") {
			cur = ""
			continue
		}
		if cur != "" {
			res[cur] += line + "\n"
		}
	}
	return res
}
