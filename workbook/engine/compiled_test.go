package engine

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/sandbox"
)

// TestMain lets the test binary act as the sandbox child (with the
// interpreter payloads) when the sandbox re-executes it.
func TestMain(m *testing.M) { sandbox.MainForTest(m, Payloads()) }

// program assembles a one-block program of lesson.md whose body starts at
// Markdown line 10 (as the lessons package would, with //line directives).
func program(body string) *lessons.Program {
	src := "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n\nvar _ = fmt.Sprint\nvar _ = os.Exit\n\nfunc main() {\n//line lesson.md:10\n" + body + "\n}\n"
	m := lessons.SourceMap{Lines: make([]lessons.Pos, strings.Count(src, "\n"))}
	return &lessons.Program{File: "lesson.md", Line: 9, Name: "p", Source: src, Map: m}
}

func newTestEngine(t *testing.T) *compiledEngine {
	t.Helper()
	c, err := newCompiledEngine(Options{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if c.tc.path == "" {
		t.Skip("no go toolchain on PATH")
	}
	return c
}

func TestCompiledRun(t *testing.T) {
	c := newTestEngine(t)
	tests := []struct {
		name  string
		body  string
		stdin *string
		want  End
		check func(t *testing.T, v *Verdict)
	}{
		{"hello", `fmt.Println("hello")`, nil, Exited, func(t *testing.T, v *Verdict) {
			if string(v.Stdout) != "hello\n" || v.ExitCode != 0 {
				t.Errorf("%s stdout %q", verdictSummary(v), v.Stdout)
			}
		}},
		{"exit code", `fmt.Fprintln(os.Stderr, "bye"); os.Exit(3)`, nil, Exited, func(t *testing.T, v *Verdict) {
			if v.ExitCode != 3 || string(v.Stderr) != "bye\n" {
				t.Errorf("%s stderr %q", verdictSummary(v), v.Stderr)
			}
		}},
		{"panic", "x := []int{}\n_ = x\npanic(\"at line 12\")", nil, Panicked, func(t *testing.T, v *Verdict) {
			if v.Panic != "at line 12" || v.PanicPos != (lessons.Pos{File: "lesson.md", Line: 12}) {
				t.Errorf("%s", verdictSummary(v))
			}
		}},
		{"stdin", `b := make([]byte, 10); n, _ := os.Stdin.Read(b); fmt.Printf("%q", b[:n])`, ptr("abc"), Exited, func(t *testing.T, v *Verdict) {
			if string(v.Stdout) != `"abc"` {
				t.Errorf("stdout %q", v.Stdout)
			}
		}},
		{"x/sys", "var u unix.Utsname\n_ = u\nfmt.Println(unix.Getpid() > 0)", nil, Exited, func(t *testing.T, v *Verdict) {
			if string(v.Stdout) != "true\n" {
				t.Errorf("%s stdout %q stderr %q", verdictSummary(v), v.Stdout, v.Stderr)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := program(tt.body)
			if strings.Contains(tt.body, "unix.") {
				p.Source = strings.Replace(p.Source, "\"os\"\n", "\"os\"\n\t\"golang.org/x/sys/unix\"\n", 1)
			}
			p.Stdin = tt.stdin
			v, err := c.run(context.Background(), Request{Program: p})
			if err != nil {
				t.Fatal(err)
			}
			if v.End != tt.want {
				t.Fatalf("End = %s, want %s: %s\nstderr: %s", v.End, tt.want, verdictSummary(v), v.Stderr)
			}
			tt.check(t, v)
		})
	}
}

func ptr(s string) *string { return &s }

func TestBuildErrors(t *testing.T) {
	c := newTestEngine(t)
	p := program("x := 1\nfmt.Println(\"ok\")\ny := undefined")
	// A synthetic line (main.go line 1, mapped by the source map).
	v, err := c.run(context.Background(), Request{Program: p, CompileOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if v.End != BuildFailed {
		t.Fatalf("%s", verdictSummary(v))
	}
	var got []string
	for _, d := range v.Diagnostics {
		got = append(got, d.Pos.File+":"+strconv.Itoa(d.Pos.Line)+": "+d.Msg)
	}
	want := []string{
		"lesson.md:10: declared and not used: x",
		"lesson.md:12: declared and not used: y",
		"lesson.md:12: undefined: undefined",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestParseBuildErrorsMapsMainGo(t *testing.T) {
	p := &lessons.Program{File: "doc.md", Map: lessons.SourceMap{Lines: []lessons.Pos{{}, {File: "doc.md", Line: 7}}}}
	out := "# workbook.lesson/program\n./main.go:2:3: undefined: foo\n\tmore detail\ndoc.md:9:1: bad\nmain.go:1:1: synthetic\ngo: something else\n"
	d := parseBuildErrors([]byte(out), p)
	want := []Diagnostic{
		{Pos: lessons.Pos{File: "doc.md", Line: 7}, Msg: "undefined: foo\nmore detail"},
		{Pos: lessons.Pos{File: "doc.md", Line: 9}, Msg: "bad"},
		{Msg: "synthetic"},
		{Msg: "go: something else"},
	}
	if len(d) != len(want) {
		t.Fatalf("got %+v", d)
	}
	for i := range want {
		if d[i] != want[i] {
			t.Errorf("diag %d = %+v, want %+v", i, d[i], want[i])
		}
	}
}

func TestCacheHitSkipsToolchain(t *testing.T) {
	dir := t.TempDir()
	first, err := newCompiledEngine(Options{CacheDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if first.tc.path == "" {
		t.Skip("no go toolchain on PATH")
	}
	p := program(`fmt.Println("cached")`)
	if v, _ := first.run(context.Background(), Request{Program: p}); v.End != Exited || first.builds.Load() != 1 {
		t.Fatalf("first run: %s, %d builds", verdictSummary(v), first.builds.Load())
	}
	// The second engine keeps the toolchain's identity (the cache key) but
	// can no longer run it: PATH is empty and its path is gone.
	second, err := newCompiledEngine(Options{CacheDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", "")
	second.tc.path = "/nonexistent/go"
	v, err := second.run(context.Background(), Request{Program: p})
	if err != nil {
		t.Fatal(err)
	}
	if v.End != Exited || string(v.Stdout) != "cached\n" || second.builds.Load() != 0 {
		t.Fatalf("second run: %s stdout %q, %d builds", verdictSummary(v), v.Stdout, second.builds.Load())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(entries[0].Name()) {
		t.Errorf("cache holds %v", entries)
	}
}

func TestCacheKey(t *testing.T) {
	tc := toolchain{path: "/go", id: "/go\x00100\x001"}
	base := cacheKey("src", tc, "v0.50.0")
	for name, k := range map[string]string{
		"source":    cacheKey("src2", tc, "v0.50.0"),
		"toolchain": cacheKey("src", toolchain{path: "/go", id: "/go\x00100\x002"}, "v0.50.0"),
		"x/sys":     cacheKey("src", tc, "v0.51.0"),
	} {
		if k == base {
			t.Errorf("changing the %s keeps the key", name)
		}
	}
	if cacheKey("src", tc, "v0.50.0") != base {
		t.Error("key not stable")
	}
}

func TestXsysFallbackMatchesGoMod(t *testing.T) {
	data, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*golang\.org/x/sys (v\S+)`).FindSubmatch(data)
	if m == nil {
		t.Fatal("go.mod does not require golang.org/x/sys")
	}
	if string(m[1]) != xsysFallback {
		t.Errorf("xsysFallback = %s, go.mod has %s", xsysFallback, m[1])
	}
	if v := xsysVersion(); v != string(m[1]) {
		t.Errorf("xsysVersion() = %s, go.mod has %s", v, m[1])
	}
}

// benchHello builds the hello program once and returns the engine, the
// program and the path of its cached binary.
func benchHello(b *testing.B) (*compiledEngine, *lessons.Program, string) {
	c, err := newCompiledEngine(Options{CacheDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	if c.tc.path == "" {
		b.Skip("no go toolchain on PATH")
	}
	p := program(`fmt.Println("hello")`)
	bin, _, err := c.build(context.Background(), p)
	if err != nil || bin == "" {
		b.Fatalf("build: %v", err)
	}
	return c, p, bin
}

// cpuTime is the CPU time used so far by this process and its waited-for
// children.
func cpuTime() time.Duration {
	var self, kids syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &kids)
	var d time.Duration
	for _, tv := range []syscall.Timeval{self.Utime, self.Stime, kids.Utime, kids.Stime} {
		d += time.Duration(tv.Nano())
	}
	return d
}

// reportCPU reports the CPU time per operation since start (a figure less
// sensitive than wall time to a loaded machine).
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N)/1e6, "cpu-ms/op")
}

// BenchmarkHelloBareExec is the baseline: exec of the cached binary.
func BenchmarkHelloBareExec(b *testing.B) {
	_, _, bin := benchHello(b)
	defer reportCPU(b, cpuTime())
	for b.Loop() {
		if out, err := exec.Command(bin).Output(); err != nil || string(out) != "hello\n" {
			b.Fatalf("%q %v", out, err)
		}
	}
}

// BenchmarkHelloSandbox is a cache-hit compiled run in a fresh sandbox child.
func BenchmarkHelloSandbox(b *testing.B) {
	c, p, _ := benchHello(b)
	defer reportCPU(b, cpuTime())
	for b.Loop() {
		if v, _ := c.run(context.Background(), Request{Program: p}); string(v.Stdout) != "hello\n" {
			b.Fatal(verdictSummary(v))
		}
	}
}

func TestConcurrentBuildsOfOneProgram(t *testing.T) {
	c := newTestEngine(t)
	p := program(`fmt.Println("same")`)
	bins := make([]string, 3)
	errs := make([]error, 3)
	var wg sync.WaitGroup
	for i := range bins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			bins[i], _, errs[i] = c.build(context.Background(), p)
		}()
	}
	wg.Wait()
	for i := range bins {
		if errs[i] != nil || bins[i] == "" || bins[i] != bins[0] {
			t.Fatalf("build %d: %q %v (first %q)", i, bins[i], errs[i], bins[0])
		}
	}
	if n := c.builds.Load(); n != 1 {
		t.Errorf("the toolchain ran %d times", n)
	}
	entries, _ := os.ReadDir(c.cache.dir)
	if len(entries) != 1 {
		t.Errorf("cache holds %d entries, want 1 (no temporary files left)", len(entries))
	}
	out, err := exec.Command(bins[0]).Output()
	if err != nil || string(out) != "same\n" {
		t.Errorf("binary prints %q (%v)", out, err)
	}
}

// TestSweepStale: leftovers older than the threshold go, fresh ones and
// other names stay.
func TestSweepStale(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-48 * time.Hour)
	for _, name := range []string{"workbook-build-old", "workbook-build-new", "other-old"} {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Join(path, "sub"), 0o755); err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(name, "-old") {
			if err := os.Chtimes(path, old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	sweepStale(dir, "workbook-build-", staleAfter)
	for name, want := range map[string]bool{"workbook-build-old": false, "workbook-build-new": true, "other-old": true} {
		if _, err := os.Stat(filepath.Join(dir, name)); (err == nil) != want {
			t.Errorf("%s: exists %v, want %v", name, err == nil, want)
		}
	}
}
