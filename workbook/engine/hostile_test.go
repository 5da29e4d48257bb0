package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ppworkbook/workbook/internal/proctest"
	"github.com/ppworkbook/workbook/lessons"
)

// hostileEngines are the engines the hostile suite runs every program
// through. Adding an engine is one line.
var hostileEngines = []string{
	Compiled,
	Yaegi,
}

// hostileFIFO is the fixed path fifo.go creates (and leaves behind).
const hostileFIFO = "/tmp/hostile_fifo"

// hostileCase is one misbehaving program of testdata/hostile.
type hostileCase struct {
	file    string
	timeout time.Duration
	stdin   *string
	runs    int // how many runs at once (default 1)
	// maxAlloc, when not 0, bounds what the test process allocates
	// during the run (all goroutines together).
	maxAlloc uint64
	want     End
	check    func(t *testing.T, v *Verdict, src, engine string)
}

var hostileCases = []hostileCase{
	{file: "exit3.go", want: Exited, check: func(t *testing.T, v *Verdict, _, _ string) {
		if v.ExitCode != 3 {
			t.Errorf("exit %d", v.ExitCode)
		}
	}},
	{file: "goroutine_panic.go", want: Panicked, check: func(t *testing.T, v *Verdict, src, engine string) {
		want := lineOf(src, `panic("boom in goroutine")`)
		if engine == Yaegi && v.Panic == "boom in goroutine" && v.PanicPos.File == "goroutine_panic.md" && v.PanicPos.Line == want-1 {
			// Known gap: the interpreter places a goroutine's panic at
			// the line of its function literal, not of the panic.
			t.Logf("yaegi: panic at line %d (the goroutine's func), not %d", v.PanicPos.Line, want)
			return
		}
		if engine == Yaegi && v.Panic == "boom in goroutine" && v.PanicPos == (lessons.Pos{}) {
			t.Skip("yaegi: no Markdown position for a panic in a goroutine")
		}
		if v.Panic != "boom in goroutine" || v.PanicPos != (lessons.Pos{File: "goroutine_panic.md", Line: want}) {
			t.Errorf("panic %q at %+v, want line %d\nstderr: %.800s", v.Panic, v.PanicPos, want, v.Stderr)
		}
	}},
	{file: "flood.go", maxAlloc: 128 << 20, want: Exited, check: func(t *testing.T, v *Verdict, _, _ string) {
		if v.ExitCode != 0 || !v.StdoutTruncated || len(v.Stdout) != 1<<20 {
			t.Errorf("exit %d truncated %v, %d bytes kept", v.ExitCode, v.StdoutTruncated, len(v.Stdout))
		}
	}},
	{file: "background.go", want: Exited, check: func(t *testing.T, v *Verdict, _, _ string) {
		if v.ExitCode != 0 || string(v.Stdout) != "started\n" {
			t.Errorf("exit %d stdout %q stderr %q", v.ExitCode, v.Stdout, v.Stderr)
		}
	}},
	{file: "grandchild_stdout.go", want: Exited, check: func(t *testing.T, v *Verdict, _, _ string) {
		if v.ExitCode != 0 || string(v.Stdout) != "left a grandchild\n" {
			t.Errorf("exit %d stdout %q stderr %q", v.ExitCode, v.Stdout, v.Stderr)
		}
	}},
	{file: "ignore_term.go", timeout: time.Second, want: TimedOut, check: func(t *testing.T, v *Verdict, _, _ string) {
		if string(v.Stdout) != "looping\n" || v.Signal != "killed" {
			t.Errorf("stdout %q signal %q", v.Stdout, v.Signal)
		}
	}},
	{file: "alloc4g.go", want: LimitHit, check: func(t *testing.T, v *Verdict, _, _ string) {
		if v.Limit != "memory" {
			t.Errorf("limit %q", v.Limit)
		}
	}},
	{file: "stdin.go", stdin: ptr("hello\n"), want: Exited, check: func(t *testing.T, v *Verdict, _, _ string) {
		if string(v.Stdout) != "6 bytes: HELLO\n" {
			t.Errorf("stdout %q stderr %q", v.Stdout, v.Stderr)
		}
	}},
	{file: "stdin.go", want: Exited, check: func(t *testing.T, v *Verdict, _, _ string) {
		if string(v.Stdout) != "0 bytes: " {
			t.Errorf("stdout %q stderr %q", v.Stdout, v.Stderr)
		}
	}},
	{file: "fifo.go", runs: 2, want: Exited, check: func(t *testing.T, v *Verdict, _, _ string) {
		out := strings.SplitN(string(v.Stdout), "\n", 3)
		if v.ExitCode != 0 || len(out) < 2 || out[0] != "through the fifo" {
			t.Fatalf("exit %d stdout %q stderr %q", v.ExitCode, v.Stdout, v.Stderr)
		}
		if _, err := os.Stat(out[1]); err == nil {
			t.Errorf("working directory %s left behind", out[1])
		}
	}},
}

func TestHostile(t *testing.T) {
	if _, err := os.Lstat(hostileFIFO); err == nil {
		t.Skipf("%s exists already (left by something else)", hostileFIFO)
	}
	c := newTestEngine(t)
	runners := map[string]func(context.Context, Request) (*Verdict, error){
		Compiled: c.run,
	}
	var runner *Runner
	for _, name := range hostileEngines {
		if _, ok := runners[name]; ok {
			continue
		}
		if runner == nil {
			r, err := New(Options{CacheDir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { r.Close() })
			runner = r
		}
		runners[name] = func(ctx context.Context, req Request) (*Verdict, error) {
			req.Engine = name
			return runner.Run(ctx, req)
		}
	}
	t.Run("suite", func(t *testing.T) {
		for _, engine := range hostileEngines {
			for i, tc := range hostileCases {
				name := fmt.Sprintf("%s/%d-%s", engine, i, strings.TrimSuffix(tc.file, ".go"))
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					runHostile(t, engine, runners[engine], tc)
				})
			}
		}
	})
	if _, err := os.Lstat(hostileFIFO); err == nil {
		os.Remove(hostileFIFO)
		t.Errorf("%s appeared in the real /tmp", hostileFIFO)
	}
}

// runHostile runs tc (tc.runs times at once) and checks its verdict, its
// duration, and that no process of the run remains.
func runHostile(t *testing.T, engine string, run func(context.Context, Request) (*Verdict, error), tc hostileCase) {
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "hostile", tc.file))
	if err != nil {
		t.Fatal(err)
	}
	timeout := tc.timeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	runs := max(tc.runs, 1)
	type outcome struct {
		src, marker string
		v           *Verdict
		err         error
	}
	outcomes := make([]outcome, runs)
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var wg sync.WaitGroup
	for i := range outcomes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o := &outcomes[i]
			o.marker = fmt.Sprintf("m%d-%d-%d", os.Getpid(), i, time.Now().UnixNano())
			o.src = strings.Replace(string(data), `"HOSTILE_MARKER"`, `"`+o.marker+`"`, 1)
			md := strings.TrimSuffix(tc.file, ".go") + ".md"
			p := &lessons.Program{
				File: md, Name: tc.file, Line: 1,
				Source:  "//line " + md + ":1\n" + o.src,
				Timeout: timeout, Stdin: tc.stdin,
			}
			o.v, o.err = run(context.Background(), Request{Program: p, Timeout: timeout})
		}()
	}
	wg.Wait()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; tc.maxAlloc > 0 && alloc > tc.maxAlloc {
		t.Errorf("the test process allocated %d MiB during the run", alloc>>20)
	}
	for _, o := range outcomes {
		if pids := proctest.Marked("WB_HOSTILE=" + o.marker); len(pids) > 0 {
			t.Errorf("processes left behind: %v", pids)
		}
		if o.err != nil {
			t.Fatal(o.err)
		}
		v := o.v
		if v.End != tc.want {
			t.Fatalf("End = %s, want %s: %s\nstderr: %.500s", v.End, tc.want, verdictSummary(v), v.Stderr)
		}
		if v.Duration > timeout+2*time.Second {
			t.Errorf("took %v with a timeout of %v", v.Duration, timeout)
		}
		tc.check(t, v, o.src, engine)
	}
}

// lineOf returns the 1-based line of src holding s.
func lineOf(src, s string) int {
	for i, line := range strings.Split(src, "\n") {
		if strings.Contains(line, s) {
			return i + 1
		}
	}
	return 0
}
