// Package workbook verifies the Go programs of Markdown documents inside go
// test: every program of every Markdown file (*.md, *.markdown, *.mdx) becomes a subtest that builds it,
// runs it in the workbook's sandbox and checks it against what its document
// expects (see docs/lesson-format.md and docs/verify.md).
//
// The sandbox runs programs in a re-executed child of the test binary, so the
// package's TestMain must hand control to it with Main:
//
//	func TestMain(m *testing.M) { workbook.Main(m) }
//
//	func TestDocs(t *testing.T) {
//		workbook.VerifyMarkdown(t, os.DirFS("docs"))
//	}
//
// Without that TestMain, VerifyMarkdown fails with a message saying so.
package workbook

import (
	"io/fs"
	"os"
	"regexp"
	"runtime"
	"testing"
	"time"

	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/engine"
	"github.com/ppworkbook/workbook/workbook/sandbox"
	"github.com/ppworkbook/workbook/workbook/verify"
)

// hookEnv is set by Main in the test process, so that VerifyMarkdown knows
// the sandbox child is handled.
const hookEnv = "WORKBOOK_TESTMAIN_HOOK"

// Main is the body of a TestMain for packages that call VerifyMarkdown: in a
// sandbox child it runs the child and exits; otherwise it runs the tests and
// exits with their status.
func Main(m *testing.M) {
	if sandbox.IsChild() {
		os.Exit(sandbox.ChildMain(engine.Payloads()))
	}
	os.Setenv(hookEnv, "1")
	os.Exit(m.Run())
}

// Option tunes VerifyMarkdown.
type Option func(*config)

type config struct {
	engine  string
	timeout time.Duration
	jobs    int
	run     *regexp.Regexp
	runner  verify.Runner
}

// WithEngine sets the engine of programs that do not name their own: auto
// (the default), yaegi, compiled or both. Like verify's --engine, it beats
// a document's front matter (see lessons.Resolve).
func WithEngine(name string) Option { return func(c *config) { c.engine = name } }

// WithTimeout sets the timeout of programs that set none (default 10s).
// Like verify's --timeout, it beats a document's front matter.
func WithTimeout(d time.Duration) Option { return func(c *config) { c.timeout = d } }

// WithJobs sets how many programs run at once (default runtime.NumCPU()).
func WithJobs(n int) Option { return func(c *config) { c.jobs = n } }

// WithRun keeps only the programs whose name matches re.
func WithRun(re *regexp.Regexp) Option { return func(c *config) { c.run = re } }

// WithRunner runs the programs with r instead of a new engine.Runner (for
// tests of this package, or to share one runner between calls).
func WithRunner(r verify.Runner) Option { return func(c *config) { c.runner = r } }

// VerifyMarkdown verifies every program of every Markdown file of fsys, each as
// a subtest named after its file and program ("lesson.md/hello"). A failing
// program fails its subtest with its check's reason (file.md:line: ...) and
// detail (a diff, or what it printed); a skipped one is skipped. The
// subtests are parallel; at most WithJobs programs run at once.
func VerifyMarkdown(t *testing.T, fsys fs.FS, opts ...Option) {
	t.Helper()
	c := config{jobs: runtime.NumCPU()}
	for _, o := range opts {
		o(&c)
	}
	if sandbox.IsChild() {
		t.Fatal("workbook.VerifyMarkdown: running inside a sandbox child: the package's TestMain must call workbook.Main(m)")
	}
	docs, err := lessons.LoadFS(fsys)
	if err != nil {
		t.Fatalf("workbook.VerifyMarkdown: %v", err)
	}
	items := verify.Select(docs, verify.Selection{Run: c.run})
	if len(items) == 0 {
		t.Log("workbook.VerifyMarkdown: no programs")
		return
	}
	runner := c.runner
	if runner == nil {
		if os.Getenv(hookEnv) != "1" {
			t.Fatal("workbook.VerifyMarkdown: the sandbox runs programs in a child of the test binary, " +
				"so this package needs: func TestMain(m *testing.M) { workbook.Main(m) }")
		}
		cacheMax, err := engine.ParseCacheMax(os.Getenv(engine.CacheMaxEnv))
		if err != nil {
			t.Fatalf("workbook.VerifyMarkdown: $%s: %v", engine.CacheMaxEnv, err)
		}
		r, err := engine.New(engine.Options{Warm: c.jobs, CacheMax: cacheMax})
		if err != nil {
			t.Fatalf("workbook.VerifyMarkdown: %v", err)
		}
		// Cleanup runs after the parallel subtests have finished.
		t.Cleanup(func() { r.Close() })
		runner = r
	}
	vopts := verify.Options{Engine: c.engine, Timeout: c.timeout, Jobs: c.jobs}
	slots := make(chan struct{}, max(c.jobs, 1))
	for _, it := range items {
		p := it.Program
		t.Run(p.File+"/"+p.Name, func(t *testing.T) {
			t.Parallel()
			select {
			case slots <- struct{}{}:
			case <-t.Context().Done():
				t.Fatal(t.Context().Err())
			}
			r := verify.One(t.Context(), runner, it, vopts)
			<-slots
			switch r.Status {
			case verify.Skip:
				t.Skip(r.Reason())
			case verify.Fail:
				if r.Detail != "" {
					t.Errorf("%s (%s)\n%s", r.Reason(), r.Failure, r.Detail)
				} else {
					t.Errorf("%s (%s)", r.Reason(), r.Failure)
				}
			default:
				t.Logf("%s (%dms)", r.Reason(), r.Duration.Milliseconds())
			}
		})
	}
}
