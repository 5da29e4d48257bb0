package engine

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ppworkbook/workbook/lessons"
)

// corpusProgram loads testdata/gaps/NAME.go as a program of "gaps.md". Its
// first line says what the test expects:
//
//	// want: engine=yaegi rewrite=loopvar exit=3
//	// want: route=builtins
//	// want: fallback end=panicked
//	// want: build-failed
func corpusProgram(t *testing.T, path string) (*lessons.Program, map[string]string) {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(src), "\n")
	spec, ok := strings.CutPrefix(first, "// want: ")
	if !ok {
		t.Fatalf("%s: first line must be a // want: comment", path)
	}
	want := map[string]string{}
	for _, f := range strings.Fields(spec) {
		k, v, _ := strings.Cut(f, "=")
		want[k] = v
	}
	p := &lessons.Program{
		File:   "gaps.md",
		Line:   1,
		Name:   strings.TrimSuffix(filepath.Base(path), ".go"),
		Source: string(src),
		Map:    lessons.SourceMap{Lines: make([]lessons.Pos, strings.Count(string(src), "\n")+1)},
	}
	return p, want
}

// TestGapCorpus runs one program per known yaegi gap under Auto and under
// the compiled engine: the verdicts must agree (how the run ended, exit
// status, stdout, stderr), and the gap analysis must have done what the
// program's want line says (route, rewrite, or nothing).
func TestGapCorpus(t *testing.T) {
	files, err := filepath.Glob("testdata/gaps/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	r, err := New(Options{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	if r.compiled.tc.path == "" {
		t.Fatal("the corpus needs the go toolchain on PATH")
	}
	for _, file := range files {
		p, want := corpusProgram(t, file)
		t.Run(p.Name, func(t *testing.T) {
			t.Parallel()
			a := analyze(p)
			if route := want["route"]; route != "" {
				if !strings.HasPrefix(a.route, route+": ") {
					t.Errorf("route = %q, want rule %s", a.route, route)
				}
			} else if a.route != "" {
				t.Errorf("routed (%s), want yaegi", a.route)
			}
			if rw := want["rewrite"]; rw != "" && !strings.Contains(strings.Join(a.rewrites, ","), rw) {
				t.Errorf("rewrites = %v, want %s", a.rewrites, rw)
			}
			ctx := context.Background()
			// Accept checks only the exit status the want line gives: the
			// output must agree with the compiled run by prevention, which
			// the differ check below proves.
			wantExit := 0
			if x := want["exit"]; x != "" {
				wantExit, _ = strconv.Atoi(x)
			}
			accept := func(v *Verdict) bool { return v.End == Exited && v.ExitCode == wantExit }
			auto, err := r.Run(ctx, Request{Program: p, Engine: Auto, Timeout: 30 * time.Second, Accept: accept})
			if err != nil {
				t.Fatal(err)
			}
			comp, err := r.Run(ctx, Request{Program: p, Engine: Compiled, Timeout: 30 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("auto: %s fallback=%q", verdictSummary(auto), auto.Fallback)
			switch {
			case want["engine"] == "yaegi":
				if auto.Engine != Yaegi {
					t.Errorf("auto ran %s (fallback %q), want yaegi", auto.Engine, auto.Fallback)
				}
			case want["route"] != "", want["fallback"] != "", want["build-failed"] != "" || hasKey(want, "build-failed"):
				if auto.Engine != Compiled {
					t.Errorf("auto ran %s, want compiled", auto.Engine)
				}
			}
			if hasKey(want, "fallback") && (auto.Fallback == "" || want["route"] != "") {
				if auto.Fallback == "" {
					t.Errorf("no Fallback reason")
				}
			}
			if hasKey(want, "build-failed") {
				if auto.End != BuildFailed || len(auto.Diagnostics) == 0 {
					t.Errorf("auto %s, want build-failed with diagnostics", verdictSummary(auto))
				}
				return
			}
			if e := want["end"]; e != "" && string(auto.End) != e {
				t.Errorf("auto end %s, want %s", auto.End, e)
			}
			if x := want["exit"]; x != "" && auto.End == Exited && x != strconv.Itoa(auto.ExitCode) {
				t.Errorf("auto exit %d, want %s", auto.ExitCode, x)
			}
			if d := differ(comp, auto); d != "" {
				t.Errorf("auto and compiled differ: %s\nauto:     %s\n  stdout %q\n  stderr %q\ncompiled: %s\n  stdout %q\n  stderr %q",
					d, verdictSummary(auto), auto.Stdout, auto.Stderr, verdictSummary(comp), comp.Stdout, comp.Stderr)
			}
		})
	}
}

func hasKey(m map[string]string, k string) bool {
	_, ok := m[k]
	return ok
}

// TestYaegiEngine runs programs through the yaegi engine alone (no
// analysis routing): exit codes, panics at Markdown lines, build errors at
// Markdown lines, arguments, stdin, goroutine panics.
func TestYaegiEngine(t *testing.T) {
	r, err := New(Options{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	tests := []struct {
		name  string
		body  string
		stdin *string
		check func(t *testing.T, v *Verdict)
	}{
		{"hello", `fmt.Println("hello")`, nil, func(t *testing.T, v *Verdict) {
			if v.End != Exited || string(v.Stdout) != "hello\n" {
				t.Errorf("%s stdout %q stderr %q", verdictSummary(v), v.Stdout, v.Stderr)
			}
		}},
		{"exit code", `fmt.Fprintln(os.Stderr, "bye"); os.Exit(3)`, nil, func(t *testing.T, v *Verdict) {
			if v.End != Exited || v.ExitCode != 3 || string(v.Stderr) != "bye\n" {
				t.Errorf("%s stderr %q", verdictSummary(v), v.Stderr)
			}
		}},
		{"panic", "x := []int{}\n_ = x\npanic(\"at line 12\")", nil, func(t *testing.T, v *Verdict) {
			if v.End != Panicked || v.ExitCode != 2 || v.Panic != "at line 12" || v.PanicPos != (lessons.Pos{File: "lesson.md", Line: 12}) {
				t.Errorf("%s stderr %q", verdictSummary(v), v.Stderr)
			}
		}},
		{"goroutine panic", "go func() { panic(\"in goroutine\") }()\nselect {}", nil, func(t *testing.T, v *Verdict) {
			if v.End != Panicked || v.ExitCode != 2 || v.Panic != "in goroutine" || v.PanicPos != (lessons.Pos{File: "lesson.md", Line: 10}) {
				t.Errorf("%s stderr %q", verdictSummary(v), v.Stderr)
			}
		}},
		{"goroutine panic deeper", "boom := func(s []int) int {\n\treturn 1 + s[3]\n}\ngo func() {\n\tfmt.Println(\"in\")\n\tboom(nil)\n}()\nselect {}", nil, func(t *testing.T, v *Verdict) {
			if v.End != Panicked || v.PanicPos != (lessons.Pos{File: "lesson.md", Line: 11}) || string(v.Stdout) != "in\n" {
				t.Errorf("%s stdout %q stderr %q", verdictSummary(v), v.Stdout, v.Stderr)
			}
		}},
		{"goroutine panic in a named func", "go worker()\nselect {}\n}\n\nfunc worker() {\n\tdefer fmt.Println(\"deferred\")\n\tpanic(\"named\")", nil, func(t *testing.T, v *Verdict) {
			if v.End != Panicked || v.ExitCode != 2 || v.Panic != "named" || v.PanicPos != (lessons.Pos{File: "lesson.md", Line: 16}) ||
				string(v.Stdout) != "deferred\n" || !strings.Contains(string(v.Stderr), "main.worker(...)") {
				t.Errorf("%s stdout %q stderr %q", verdictSummary(v), v.Stdout, v.Stderr)
			}
		}},
		{"goroutine panic recovered in a named func", "done := make(chan bool)\ngo worker(done)\n<-done\nfmt.Println(\"main\")\n}\n\nfunc worker(done chan bool) {\n\tdefer func() { fmt.Println(\"recovered\", recover()); done <- true }()\n\tpanic(\"named\")", nil, func(t *testing.T, v *Verdict) {
			if v.End != Exited || v.ExitCode != 0 || string(v.Stdout) != "recovered named\nmain\n" {
				t.Errorf("%s stdout %q stderr %q", verdictSummary(v), v.Stdout, v.Stderr)
			}
		}},
		{"timeout", "for {\n}", nil, func(t *testing.T, v *Verdict) {
			if v.End != TimedOut {
				t.Errorf("%s", verdictSummary(v))
			}
		}},
		{"build error", "fmt.Println(1)\nfmt.Println(nope)", nil, func(t *testing.T, v *Verdict) {
			if v.End != BuildFailed || len(v.Diagnostics) != 1 || v.Diagnostics[0].Pos != (lessons.Pos{File: "lesson.md", Line: 11}) ||
				!strings.Contains(v.Diagnostics[0].Msg, "nope") {
				t.Errorf("%s diags %+v", verdictSummary(v), v.Diagnostics)
			}
			if len(v.Stderr) != 0 {
				t.Errorf("stderr %q, want the report removed", v.Stderr)
			}
		}},
		{"args", `fmt.Println(os.Args)`, nil, func(t *testing.T, v *Verdict) {
			if string(v.Stdout) != "[prog]\n" {
				t.Errorf("%s stdout %q", verdictSummary(v), v.Stdout)
			}
		}},
		{"stdin", `b := make([]byte, 10); n, _ := os.Stdin.Read(b); fmt.Printf("%q", b[:n])`, ptr("abc"), func(t *testing.T, v *Verdict) {
			if string(v.Stdout) != `"abc"` {
				t.Errorf("%s stdout %q", verdictSummary(v), v.Stdout)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := program(tt.body)
			p.Stdin = tt.stdin
			timeout := 20 * time.Second
			if tt.name == "timeout" {
				timeout = 300 * time.Millisecond
			}
			v, err := r.Run(context.Background(), Request{Program: p, Engine: Yaegi, Timeout: timeout})
			if err != nil {
				t.Fatal(err)
			}
			if v.Engine != Yaegi {
				t.Errorf("engine %s", v.Engine)
			}
			tt.check(t, v)
		})
	}
}

// TestWarmPool runs programs through a Runner with pre-started
// interpreters, concurrently.
func TestWarmPool(t *testing.T) {
	r, err := New(Options{CacheDir: t.TempDir(), Warm: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	for i, body := range []string{`fmt.Println("a")`, `fmt.Println("b")`, `os.Exit(4)`, `fmt.Println("d")`} {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			t.Parallel()
			v, err := r.Run(context.Background(), Request{Program: program(body), Engine: Yaegi, Timeout: 20 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			if v.End != Exited || v.Engine != Yaegi {
				t.Errorf("%s stderr %q", verdictSummary(v), v.Stderr)
			}
		})
	}
}

// TestSeenStops checks that a program that runs until stopped is stopped
// as soon as Seen says so.
func TestSeenStops(t *testing.T) {
	r, err := New(Options{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	for _, engine := range []string{Yaegi, Auto} {
		t.Run(engine, func(t *testing.T) {
			p := program("for i := 0; ; i++ {\n\tfmt.Println(i)\n}")
			seen := func(out []byte) bool { return bytes.Contains(out, []byte("\n3\n")) }
			v, err := r.Run(context.Background(), Request{Program: p, Engine: engine, Timeout: 20 * time.Second, Seen: seen})
			if err != nil {
				t.Fatal(err)
			}
			if v.End != Stopped || v.Engine != Yaegi || !bytes.HasPrefix(v.Stdout, []byte("0\n1\n2\n3\n")) {
				t.Errorf("%s stdout %.40q", verdictSummary(v), v.Stdout)
			}
		})
	}
}

// TestBoth checks that Both reports agreement and disagreement.
func TestBoth(t *testing.T) {
	r, err := New(Options{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	tests := []struct {
		name, body string
		differ     bool
	}{
		{"agree", `fmt.Println("same")`, false},
		// yaegi writes println to stdout (a documented gap): Both sees it.
		{"disagree", `println("where?")`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v, err := r.Run(context.Background(), Request{Program: program(tt.body), Engine: Both, Timeout: 20 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			if v.Engine != Compiled || v.Other == nil || v.Other.Engine != Yaegi {
				t.Fatalf("verdict %s other %v", verdictSummary(v), v.Other)
			}
			if (v.Differ != "") != tt.differ {
				t.Errorf("Differ = %q, want differ=%v", v.Differ, tt.differ)
			}
		})
	}
}

// TestStreamingFiltersReport checks that live stderr never shows the
// payload's report.
func TestStreamingFiltersReport(t *testing.T) {
	r, err := New(Options{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	var out, errb bytes.Buffer
	v, err := r.Run(context.Background(), Request{Program: program("fmt.Println(nope)"), Engine: Yaegi, Stdout: &out, Stderr: &errb, Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if v.End != BuildFailed {
		t.Errorf("%s", verdictSummary(v))
	}
	if strings.Contains(errb.String(), reportPrefix) {
		t.Errorf("live stderr shows the report: %q", errb.String())
	}
}

func TestNilProgram(t *testing.T) {
	r, err := New(Options{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	if _, err := r.Run(context.Background(), Request{}); err == nil {
		t.Error("no error for a nil program")
	}
	if _, err := r.Run(context.Background(), Request{Program: program(""), Engine: "nope"}); err == nil {
		t.Error("no error for an unknown engine")
	}
}

// TestNoSymbolTable: a program importing a package the interpreter has no
// table for (the tables are trimmed to what lessons plausibly use) is a
// clear build error at the import's line under engine yaegi, and runs
// compiled under auto with the reason.
func TestNoSymbolTable(t *testing.T) {
	r, err := New(Options{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	src := "package main\n\nimport (\n\t\"archive/tar\"\n\t\"fmt\"\n)\n\nfunc main() { fmt.Println(tar.TypeReg == '0') }\n"
	m := lessons.SourceMap{Lines: make([]lessons.Pos, strings.Count(src, "\n")+1)}
	m.Lines[3] = lessons.Pos{File: "lesson.md", Line: 21} // line 4: "archive/tar"
	p := &lessons.Program{File: "lesson.md", Line: 17, Name: "tar", Source: src, Map: m}

	v, err := r.Run(context.Background(), Request{Program: p, Engine: Yaegi})
	if err != nil {
		t.Fatal(err)
	}
	if v.End != BuildFailed || len(v.Diagnostics) != 1 || v.Diagnostics[0].Pos != (lessons.Pos{File: "lesson.md", Line: 21}) ||
		!strings.Contains(v.Diagnostics[0].Msg, `"archive/tar" is not available to the interpreter`) {
		t.Errorf("engine yaegi: %s diags %+v", verdictSummary(v), v.Diagnostics)
	}

	if r.compiled.tc.path == "" {
		t.Skip("no go toolchain on PATH")
	}
	v, err = r.Run(context.Background(), Request{Program: p, Engine: Auto})
	if err != nil {
		t.Fatal(err)
	}
	if v.Engine != Compiled || v.End != Exited || string(v.Stdout) != "true\n" ||
		v.Fallback != `imports: import "archive/tar" (no symbol table)` {
		t.Errorf("engine auto: %s fallback %q stdout %q", verdictSummary(v), v.Fallback, v.Stdout)
	}
}

// TestEarlyChild: with Warm, New starts one child for the first request
// (either engine); later requests use the pool, which WaitReady fills.
func TestEarlyChild(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for _, first := range []string{Yaegi, Compiled} {
		t.Run(first, func(t *testing.T) {
			r, err := New(Options{CacheDir: t.TempDir(), Warm: 1})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if first == Compiled && r.compiled.tc.path == "" {
				t.Skip("no go toolchain on PATH")
			}
			p := program(`fmt.Println("hello")`)
			for i, eng := range []string{first, Yaegi} {
				if i == 1 {
					if err := r.WaitReady(ctx); err != nil {
						t.Fatal(err)
					}
				}
				v, err := r.Run(ctx, Request{Program: p, Engine: eng})
				if err != nil || v.End != Exited || string(v.Stdout) != "hello\n" {
					t.Fatalf("request %d (%s): %v %s", i+1, eng, err, verdictSummary(v))
				}
			}
			if err := r.Close(); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestDeadlockFallsBack: a deadlock stops the interpreter with a Go runtime
// trace of yaegi's own frames; auto runs the program compiled, whose trace
// points at the Markdown line.
func TestDeadlockFallsBack(t *testing.T) {
	r, err := New(Options{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	p := program("ch := make(chan int)\nch <- 1")

	v, err := r.Run(context.Background(), Request{Program: p, Engine: Yaegi, Timeout: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if raceEnabled && v.End == TimedOut {
		t.Skip("built with -race: the runtime reports no deadlock, the program runs to its timeout")
	}
	if v.End != Exited || v.ExitCode != 2 || !strings.Contains(string(v.Stderr), "all goroutines are asleep") {
		t.Errorf("engine yaegi: %s stderr %q", verdictSummary(v), v.Stderr)
	}

	if r.compiled.tc.path == "" {
		t.Skip("no go toolchain on PATH")
	}
	v, err = r.Run(context.Background(), Request{Program: p, Engine: Auto, Timeout: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if v.Engine != Compiled || v.End != Exited || v.ExitCode != 2 ||
		!strings.Contains(v.Fallback, "deadlock") || !strings.Contains(string(v.Stderr), "lesson.md:11") {
		t.Errorf("engine auto: %s fallback %q stderr %q", verdictSummary(v), v.Fallback, v.Stderr)
	}
}

// TestFallbackReason: which yaegi verdicts auto replaces with a compiled run.
func TestFallbackReason(t *testing.T) {
	deadlock := "fatal error: all goroutines are asleep - deadlock!\n\ngoroutine 1 [chan send]:\n" +
		"reflect.chansend0(...)\ngithub.com/traefik/yaegi/interp.send.func1(0x1)\n\t/x/interp/run.go:3694 +0x69\n"
	tests := []struct {
		name string
		v    Verdict
		want string // a substring; "" means the verdict stands
	}{
		{"exited cleanly", Verdict{End: Exited}, ""},
		{"program's own exit status", Verdict{End: Exited, ExitCode: 3, Stderr: []byte("bye\n")}, ""},
		{"timeout stands", Verdict{End: TimedOut}, ""},
		{"build failure", Verdict{End: BuildFailed, Diagnostics: []Diagnostic{{Msg: "undefined: x"}}}, "yaegi could not compile it: undefined: x"},
		{"engine failure", Verdict{End: EngineError, Message: "boom\nmore"}, "yaegi failed: boom"},
		{"panic", Verdict{End: Panicked}, "panicked under yaegi"},
		{"runtime error traced in the interpreter", Verdict{End: Exited, ExitCode: 2, Stderr: []byte(deadlock)}, "yaegi stopped with fatal error: all goroutines are asleep - deadlock!"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fallbackReason(&tt.v)
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Errorf("fallbackReason = %q, want %q", got, tt.want)
			}
		})
	}
}
