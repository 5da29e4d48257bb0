package check

import (
	"strings"
	"testing"
	"time"

	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/engine"
)

// prog builds a program at lesson.md:10 whose single block's body spans
// lines 11..13.
func prog(mut func(p *lessons.Program)) *lessons.Program {
	p := &lessons.Program{
		File: "lesson.md",
		Line: 10,
		Name: "hello",
		Blocks: []lessons.Block{{
			File: "lesson.md", Line: 10, BodyLine: 11, Lang: "go",
			Code: "fmt.Println(\"hi\")\n// Output:\n// hi\n",
		}},
		Source: "package main\n\nimport (\n\t\"fmt\"\n\t\"os/exec\"\n)\n\nfunc main() {\n\tfmt.Println(exec.Command)\n}\n",
	}
	if mut != nil {
		mut(p)
	}
	return p
}

func out(text string, m lessons.Match) *lessons.Output {
	return &lessons.Output{Text: text, Match: m, File: "lesson.md", Line: 20}
}

func exited(code int, stdout, stderr string) *engine.Verdict {
	return &engine.Verdict{Engine: engine.Yaegi, End: engine.Exited, ExitCode: code, Stdout: []byte(stdout), Stderr: []byte(stderr), Duration: 12 * time.Millisecond}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name    string
		p       *lessons.Program
		v       *engine.Verdict
		pass    bool
		failure Failure
		reason  string // substring of the reason
	}{
		{"no expectation exit 0", prog(nil), exited(0, "anything", ""), true, "", `lesson.md:10: "hello" passed (yaegi)`},
		{"no expectation exit 1", prog(nil), exited(1, "", "boom\n"), false, FailExit, `lesson.md:10: "hello" exited with status 1 (yaegi), expected status 0; stderr: "boom"`},
		{"exact ok", prog(func(p *lessons.Program) { p.Expect.Stdout = out("hi\n", lessons.MatchExact) }), exited(0, "hi\n\n", ""), true, "", "passed"},
		{"exact trailing space", prog(func(p *lessons.Program) { p.Expect.Stdout = out("hi\n", lessons.MatchExact) }), exited(0, "hi \n", ""), false, FailOutput, `lesson.md:10: "hello" printed a different stdout (yaegi) than expected at lesson.md:20`},
		{"go trims", prog(func(p *lessons.Program) { p.Expect.Stdout = out("hi", lessons.MatchGo) }), exited(0, "\n  hi \n", ""), true, "", ""},
		{"go empty expects nothing", prog(func(p *lessons.Program) { p.Expect.Stdout = out("", lessons.MatchGo) }), exited(0, "x\n", ""), false, FailOutput, "stdout"},
		{"stderr checked", prog(func(p *lessons.Program) { p.Expect.Stderr = out("warn\n", lessons.MatchExact) }), exited(0, "", "warn\n"), true, "", ""},
		{"stderr differs", prog(func(p *lessons.Program) { p.Expect.Stderr = out("warn\n", lessons.MatchExact) }), exited(0, "", "oops\n"), false, FailOutput, "different stderr"},
		{"exit 3 expected", prog(func(p *lessons.Program) { p.Expect.Exit = 3 }), exited(3, "", ""), true, "", ""},
		{"exit nonzero", prog(func(p *lessons.Program) { p.Expect.Exit = lessons.ExitNonZero }), exited(0, "", ""), false, FailExit, "expected a non-zero status"},
		{"exit any", prog(func(p *lessons.Program) { p.Expect.Exit = lessons.ExitAny }), exited(7, "", ""), true, "", ""},
		{"panic at line", prog(nil), &engine.Verdict{Engine: engine.Compiled, End: engine.Panicked, Panic: "runtime error: index out of range [3] with length 1", PanicPos: lessons.Pos{File: "lesson.md", Line: 12}},
			false, FailExit, `lesson.md:12: "hello" panicked: runtime error: index out of range [3] with length 1 (compiled), expected status 0`},
		{"panic allowed by nonzero", prog(func(p *lessons.Program) { p.Expect.Exit = lessons.ExitNonZero }), &engine.Verdict{Engine: engine.Yaegi, End: engine.Panicked, Panic: "x"}, true, "", ""},
		{"signal", prog(nil), &engine.Verdict{Engine: engine.Yaegi, End: engine.Signaled, Signal: "killed"}, false, FailExit, "was killed by killed"},
		{"build failed", prog(nil), &engine.Verdict{Engine: engine.Yaegi, End: engine.BuildFailed, Diagnostics: []engine.Diagnostic{{Pos: lessons.Pos{File: "lesson.md", Line: 12}, Msg: "undefined: foo"}}},
			false, FailBuild, `lesson.md:12: "hello" does not build (yaegi): undefined: foo`},
		{"missing brace joins the next block", prog(func(p *lessons.Program) {
			p.Blocks = []lessons.Block{
				{File: "lesson.md", Line: 10, BodyLine: 11, Lang: "go", Code: "func main() {\n\tfor {\n\t\tfmt.Println(\"{\") // }\n}\n"},
				{File: "lesson.md", Line: 18, BodyLine: 19, Lang: "go", Code: "func main() {\n}\n"},
			}
		}), &engine.Verdict{Engine: engine.Compiled, End: engine.BuildFailed, Diagnostics: []engine.Diagnostic{{Pos: lessons.Pos{File: "lesson.md", Line: 19}, Msg: "syntax error: unexpected name main, expected ("}}},
			false, FailBuild, `lesson.md:19: "hello" does not build (compiled): syntax error: unexpected name main, expected (; note: the Go blocks from line 10 to line 18 open 1 more brace than they close (a missing ` + "`}`" + `?)`},
		{"split main is no mistake", prog(func(p *lessons.Program) {
			p.Blocks = []lessons.Block{
				{File: "lesson.md", Line: 10, BodyLine: 11, Lang: "go", Code: "func main() {\n\tx := 1\n"},
				{File: "lesson.md", Line: 18, BodyLine: 19, Lang: "go", Code: "\tfmt.Println(y)\n}\n"},
			}
		}), &engine.Verdict{Engine: engine.Compiled, End: engine.BuildFailed, Diagnostics: []engine.Diagnostic{{Pos: lessons.Pos{File: "lesson.md", Line: 19}, Msg: "undefined: y"}}},
			false, FailBuild, `lesson.md:19: "hello" does not build (compiled): undefined: y`},
		{"compile-fail ok", prog(func(p *lessons.Program) { p.Mode = lessons.ModeCompileFail; p.Expect.CompileError = "undefined" }),
			&engine.Verdict{Engine: engine.Compiled, End: engine.BuildFailed, Diagnostics: []engine.Diagnostic{{Msg: "undefined: foo"}}}, true, "", "fails to build as expected"},
		{"compile-fail wrong message", prog(func(p *lessons.Program) { p.Mode = lessons.ModeCompileFail; p.Expect.CompileError = "mismatched types" }),
			&engine.Verdict{Engine: engine.Compiled, End: engine.BuildFailed, Diagnostics: []engine.Diagnostic{{Msg: "undefined: foo"}}}, false, FailBuild, `no compiler message matches "mismatched types"`},
		{"compile-fail builds", prog(func(p *lessons.Program) { p.Mode = lessons.ModeCompileFail }), &engine.Verdict{Engine: engine.Compiled, End: engine.Built}, false, FailBuild, "expects a compile error"},
		{"compile only", prog(func(p *lessons.Program) { p.Mode = lessons.ModeCompile }), &engine.Verdict{Engine: engine.Compiled, End: engine.Built}, true, "", "builds"},
		{"requires ok", prog(func(p *lessons.Program) { p.Expect.Requires = []string{"exec.Command", "fmt.Println"} }), exited(0, "", ""), true, "", ""},
		{"requires missing", prog(func(p *lessons.Program) { p.Expect.Requires = []string{"exec.CommandContext"} }), exited(0, "", ""), false, FailOutput, `"hello" does not use exec.CommandContext (yaegi)`},
		{"engine error", prog(nil), &engine.Verdict{Engine: engine.Yaegi, End: engine.EngineError, Message: "child crashed"}, false, FailEngine, "could not be run (yaegi): child crashed"},
		{"timeout quotes output", prog(nil), &engine.Verdict{Engine: engine.Yaegi, End: engine.TimedOut, Duration: 10 * time.Second, Stdout: []byte("ERROR: one\nERROR: two\n")},
			false, FailTimeout, `did not finish within 10s (yaegi) and was stopped; before that it printed: "ERROR: one\nERROR: two"`},
		{"flood stopped at the timeout", prog(nil), &engine.Verdict{Engine: engine.Yaegi, End: engine.TimedOut, Duration: 10 * time.Second, Stdout: []byte(strings.Repeat("yes\n", 1<<18)), StdoutTruncated: true},
			false, FailLimit, `hit the output limit (1 MiB of stdout, the rest was discarded) and was stopped at its 10s timeout (yaegi); before that it printed: "yes\nyes`},
		{"out of memory shows the crash, not the trace", prog(nil), &engine.Verdict{Engine: engine.Yaegi, End: engine.LimitHit, Limit: "memory", Stderr: []byte("fatal error: runtime: out of memory\n\ngoroutine 1 [running]:\nmain.main()\n\t/x.go:3\n")},
			false, FailLimit, `hit the memory limit (yaegi) and was stopped; before that it printed on stderr: "fatal error: runtime: out of memory" and a goroutine trace`},
		{"limit", prog(nil), &engine.Verdict{Engine: engine.Compiled, End: engine.LimitHit, Limit: "memory"}, false, FailLimit, "hit the memory limit (compiled)"},
		{"until stopped", prog(func(p *lessons.Program) {
			p.Expect.Until = true
			p.Expect.Stdout = out("ERROR: x\n", lessons.MatchExact)
		}),
			&engine.Verdict{Engine: engine.Yaegi, End: engine.Stopped, Stdout: []byte("ERROR: x\n")}, true, "", "printed its expected output and was stopped"},
		{"until timeout", prog(func(p *lessons.Program) {
			p.Expect.Until = true
			p.Expect.Stdout = out("ERROR: x\n", lessons.MatchExact)
		}),
			&engine.Verdict{Engine: engine.Yaegi, End: engine.TimedOut, Duration: 2 * time.Second, Stdout: []byte("INFO: y\n")}, false, FailTimeout, `did not print its expected output within 2s (yaegi) and was stopped; before that it printed: "INFO: y"`},
		{"fallback named", prog(nil), &engine.Verdict{Engine: engine.Compiled, Fallback: "yaegi lacks unix.Mkfifo", End: engine.Exited, ExitCode: 1},
			false, FailExit, "(compiled, because yaegi lacks unix.Mkfifo)"},
		{"both differ", prog(nil), &engine.Verdict{Engine: engine.Yaegi, End: engine.Exited, Stdout: []byte("a\n"), Differ: "stdout differs", Other: &engine.Verdict{Engine: engine.Compiled, End: engine.Exited, Stdout: []byte("b\n")}},
			false, FailOutput, "behaves differently with yaegi and compiled: stdout differs"},
		{"both differ within an unordered match", prog(func(p *lessons.Program) {
			p.Expect.Stdout = out("a\nb\n", lessons.MatchUnordered)
		}),
			&engine.Verdict{Engine: engine.Yaegi, End: engine.Exited, Stdout: []byte("a\nb\n"), Differ: "stdout differs", Other: &engine.Verdict{Engine: engine.Compiled, End: engine.Exited, Stdout: []byte("b\na\n")}},
			true, "", "passed"},
		{"both differ in exit status", prog(func(p *lessons.Program) { p.Expect.Exit = lessons.ExitAny }),
			&engine.Verdict{Engine: engine.Yaegi, End: engine.Exited, ExitCode: 1, Other: &engine.Verdict{Engine: engine.Compiled, End: engine.Exited, ExitCode: 2}},
			false, FailOutput, "exit status yaegi 1, compiled 2"},
		{"both second fails", prog(nil), &engine.Verdict{Engine: engine.Yaegi, End: engine.Exited, Other: &engine.Verdict{Engine: engine.Compiled, End: engine.Exited, ExitCode: 1}},
			false, FailExit, "(compiled)"},
		{"skip", prog(func(p *lessons.Program) { p.Mode = lessons.ModeSkip }), nil, true, "", "skipped"},
		{"nil verdict", prog(nil), nil, false, FailEngine, "no verdict"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Check(tt.p, tt.v, Options{})
			if r.Pass != tt.pass || r.Failure != tt.failure {
				t.Fatalf("Check = pass %v failure %q (%s), want pass %v failure %q", r.Pass, r.Failure, r.Reason(), tt.pass, tt.failure)
			}
			if !strings.Contains(r.Reason(), tt.reason) {
				t.Errorf("reason = %q, want it to contain %q", r.Reason(), tt.reason)
			}
			if !strings.HasPrefix(r.Reason(), "lesson.md:") {
				t.Errorf("reason %q does not start with the file", r.Reason())
			}
			if strings.Contains(r.Reason(), "\n") {
				t.Errorf("reason %q is not one paragraph", r.Reason())
			}
		})
	}
}

func TestTimeoutQuoteIsTrimmed(t *testing.T) {
	long := strings.Repeat("ERROR: An error occurred\n", 100)
	v := &engine.Verdict{Engine: engine.Yaegi, End: engine.TimedOut, Duration: time.Second, Stdout: []byte(long)}
	r := Check(prog(nil), v, Options{})
	if len(r.Reason()) > maxQuote+200 {
		t.Errorf("reason is %d bytes long: %s", len(r.Reason()), r.Reason())
	}
	if !strings.Contains(r.Reason(), "of 2499 bytes") {
		t.Errorf("reason %q does not say the output was cut", r.Reason())
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		name      string
		want      string
		match     lessons.Match
		unordered bool
		got       string
		ok        bool
	}{
		{"exact", "a\nb\n", lessons.MatchExact, false, "a\nb", true},
		{"exact crlf", "a\nb\n", lessons.MatchExact, false, "a\r\nb\n", false},
		{"exact leading space counts", "a\n", lessons.MatchExact, false, " a\n", false},
		{"default is exact", "a\n", "", false, "a\n", true},
		{"unordered", "b\na\na\n", lessons.MatchUnordered, false, "a\nb\na\n", true},
		{"unordered counts", "a\nb\n", lessons.MatchUnordered, false, "a\na\nb\n", false},
		{"wildcard inline", "took ...ms\n", lessons.MatchWildcard, false, "took 12ms\n", true},
		{"wildcard two", "pid ... exited ...\n", lessons.MatchWildcard, false, "pid 42 exited 0\n", true},
		{"wildcard anchors", "pid ...\n", lessons.MatchWildcard, false, "the pid 42\n", false},
		{"wildcard lines", "start\n...\nend\n", lessons.MatchWildcard, false, "start\nx\ny\nend\n", true},
		{"wildcard zero lines", "start\n...\nend\n", lessons.MatchWildcard, false, "start\nend\n", true},
		{"wildcard extra line", "start\nend\n", lessons.MatchWildcard, false, "start\nend\nmore\n", false},
		{"regexp", "Task \\d+\nEOD\n", lessons.MatchRegexp, false, "Task 12\nEOD\n", true},
		{"regexp whole line", "Task \\d\n", lessons.MatchRegexp, false, "Task 12\n", false},
		{"unordered regexp", "b\\d\na\\d\n", lessons.MatchRegexp, true, "a1\nb2\n", true},
		{"unordered regexp count", "a\\d\n", lessons.MatchRegexp, true, "a1\nb2\n", false},
		{"unordered wildcard ellipsis", "Task 3\n...\n", lessons.MatchWildcard, true, "Task 1\nTask 3\nTask 2\n", true},
		{"unordered wildcard needs distinct", "Task ...\nTask ...\n", lessons.MatchWildcard, true, "Task 1\n", false},
		{"contains", "one\nthree\n", lessons.MatchContains, false, "zero\none!\ntwo\nthree\n", true},
		{"contains order", "three\none\n", lessons.MatchContains, false, "one\ntwo\nthree\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := prog(nil)
			o := &lessons.Output{Text: tt.want, Match: tt.match, Unordered: tt.unordered, File: "lesson.md", Line: 30}
			m, err := match(p, o, tt.got)
			if err != nil {
				t.Fatal(err)
			}
			if (m == nil) != tt.ok {
				t.Errorf("match(%q, %q) = %+v, want ok %v", tt.want, tt.got, m, tt.ok)
			}
		})
	}
}

func TestUnorderedFromComment(t *testing.T) {
	// Line 12 is inside the block (body lines 11-13): Go's semantics apply,
	// so surrounding space is trimmed before the lines are sorted.
	p := prog(nil)
	o := &lessons.Output{Text: "b\na", Match: lessons.MatchUnordered, File: "lesson.md", Line: 12}
	if m, _ := match(p, o, "\na\nb\n\n"); m != nil {
		t.Errorf("comment: got mismatch %+v", m)
	}
	o.Line = 30 // a fence: leading blank lines count
	if m, _ := match(p, o, "\na\nb\n\n"); m == nil {
		t.Errorf("fence: want a mismatch")
	}
}

func TestBadRegexp(t *testing.T) {
	p := prog(func(p *lessons.Program) { p.Expect.Stdout = out("a(\n", lessons.MatchRegexp) })
	r := Check(p, exited(0, "a\n", ""), Options{})
	if r.Pass || !strings.Contains(r.Reason(), "lesson.md:20:") || !strings.Contains(r.Reason(), "bad regexp") {
		t.Errorf("got %+v", r)
	}
}

func TestSeen(t *testing.T) {
	tests := []struct {
		name      string
		want      string
		match     lessons.Match
		unordered bool
		steps     []string // stdout so far, growing
		firstTrue int      // index of the first step that returns true, -1 never
	}{
		{"exact prefix", "ERROR: x\nERROR: x\n", lessons.MatchExact, false, []string{"ERR", "ERROR: x\n", "ERROR: x\nERROR: x", "ERROR: x\nERROR: x\nINFO\n"}, 3},
		{"exact complete line", "ERROR: x\n", lessons.MatchExact, false, []string{"ERROR: x", "ERROR: x\n"}, 1},
		{"exact wrong start", "ERROR: x\n", lessons.MatchExact, false, []string{"INFO\nERROR: x\n"}, -1},
		{"go trims", "ERROR: x", lessons.MatchGo, false, []string{"\n", "\nERROR: x  \n"}, 1},
		{"contains", "ERROR: x\n", lessons.MatchContains, false, []string{"INFO\n", "INFO\nERROR: x\n"}, 1},
		{"wildcard", "...\nERROR: ...\n", lessons.MatchWildcard, false, []string{"INFO\n", "INFO\nERROR: boom\n"}, 1},
		{"regexp", "INFO.*\n", lessons.MatchRegexp, false, []string{"INFO: ok\n"}, 0},
		{"unordered", "b\na\n", lessons.MatchUnordered, false, []string{"a\n", "a\nc\nb\n"}, 1},
		{"unordered regexp", "b\\d\na\\d\n", lessons.MatchRegexp, true, []string{"a1\n", "a1\nb2\n"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := prog(func(p *lessons.Program) {
				p.Expect.Until = true
				p.Expect.Stdout = &lessons.Output{Text: tt.want, Match: tt.match, Unordered: tt.unordered, File: "lesson.md", Line: 30}
			})
			seen := Seen(p)
			first := -1
			for i, s := range tt.steps {
				if seen([]byte(s)) {
					first = i
					break
				}
			}
			if first != tt.firstTrue {
				t.Errorf("first true at step %d, want %d", first, tt.firstTrue)
			}
		})
	}
}

func TestSeenNil(t *testing.T) {
	if Seen(prog(nil)) != nil {
		t.Error("Seen of an ordinary program is not nil")
	}
	p := prog(func(p *lessons.Program) { p.Expect.Until = true })
	if Seen(p) != nil {
		t.Error("Seen without expected stdout is not nil")
	}
}

func TestTimeoutNamesTheLimit(t *testing.T) {
	v := &engine.Verdict{Engine: engine.Yaegi, End: engine.TimedOut, Duration: 2071 * time.Millisecond}
	r := Check(prog(nil), v, Options{Timeout: 2 * time.Second})
	if !strings.Contains(r.Reason(), "did not finish within 2s (yaegi)") {
		t.Errorf("reason %q does not name the 2s timeout", r.Reason())
	}
}

func TestBraceNote(t *testing.T) {
	split := prog(func(p *lessons.Program) {
		p.Blocks = []lessons.Block{
			{File: "lesson.md", Line: 10, Lang: "go", Code: "func main() {\n\tx := 1\n"},
			{File: "lesson.md", Line: 18, Lang: "go", Code: "\tfmt.Println(x)\n}\n"},
		}
	})
	tests := []struct {
		name string
		p    *lessons.Program
		msg  string
		want string
	}{
		{"type error in a split main", split, "undefined: y", ""},
		{"syntax error in a split main", split, "syntax error: unexpected }", "note: the Go block at line 10 opens 1 more brace than it closes, so it was joined with the block at line 18"},
		{"balanced blocks", prog(nil), "syntax error: unexpected }", ""},
		{"one block left open", prog(func(p *lessons.Program) {
			p.Blocks = []lessons.Block{{File: "lesson.md", Line: 10, Lang: "go", Code: "func main() {\n\tfor {\n}\n"}}
		}), "syntax error: unexpected EOF, expected }", "note: the Go block at line 10 opens 1 more brace than it closes (a missing `}`?)"},
		{"split main left open", prog(func(p *lessons.Program) {
			p.Blocks = []lessons.Block{
				{File: "lesson.md", Line: 10, Lang: "go", Code: "func main() {\n\tfor {\n"},
				{File: "lesson.md", Line: 18, Lang: "go", Code: "\t}\n"},
			}
		}), "syntax error: unexpected EOF, expected }", "note: the Go blocks from line 10 to line 18 open 1 more brace than they close"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := &engine.Verdict{End: engine.BuildFailed, Diagnostics: []engine.Diagnostic{{Msg: tt.msg}}}
			got := braceNote(tt.p, v)
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Errorf("braceNote = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestCheckEngine: the result names the engine whose run it reports, so
// that under engine="both" a failure of the second run is not attributed
// to the first.
func TestCheckEngine(t *testing.T) {
	tests := []struct {
		name string
		v    *engine.Verdict
		want string
	}{
		{"one engine", exited(0, "", ""), engine.Yaegi},
		{"both pass", &engine.Verdict{Engine: engine.Compiled, End: engine.Exited, Other: &engine.Verdict{Engine: engine.Yaegi, End: engine.Exited}}, engine.Compiled},
		{"second fails to build", &engine.Verdict{Engine: engine.Compiled, End: engine.Exited, Other: &engine.Verdict{Engine: engine.Yaegi, End: engine.BuildFailed, Diagnostics: []engine.Diagnostic{{Msg: "undefined type for U"}}}}, engine.Yaegi},
		{"first fails", &engine.Verdict{Engine: engine.Compiled, End: engine.Exited, ExitCode: 1, Other: &engine.Verdict{Engine: engine.Yaegi, End: engine.Exited}}, engine.Compiled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Check(prog(nil), tt.v, Options{}).Engine; got != tt.want {
				t.Errorf("Engine = %q, want %q", got, tt.want)
			}
		})
	}
}
