package check

import (
	"context"
	"go/parser"
	"go/token"
	"strings"
	"sync"
	"testing"

	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/engine"
)

func TestMissingRequires(t *testing.T) {
	const sortSrc = `package main

import (
	"errors"
	"fmt"
	ex "os/exec"
)

func main() {
	sorter := ex.Command("sort")
	w, _ := sorter.StdinPipe()
	w.Close()
	err := sorter.Run()
	if e, ok := err.(*ex.ExitError); ok {
		fmt.Println(e.ExitCode())
	}
	_ = errors.New
}
`
	tests := []struct {
		name     string
		requires []string
		missing  string
	}{
		{"package name through an alias", []string{"exec.Command"}, ""},
		{"import path", []string{"os/exec.Command"}, ""},
		{"method on a variable of any name", []string{"exec.Cmd.StdinPipe"}, ""},
		{"method written as a method expression", []string{"(*os/exec.Cmd).StdinPipe"}, ""},
		{"promoted method by its own type", []string{"os.ProcessState.ExitCode"}, ""},
		{"promoted method by the embedding type", []string{"exec.ExitError.ExitCode"}, ""},
		{"a type", []string{"exec.ExitError"}, ""},
		{"method not called", []string{"exec.Cmd.StdoutPipe"}, "exec.Cmd.StdoutPipe"},
		{"method of another type", []string{"os.File.Close"}, "os.File.Close"},
		{"alternatives, second used", []string{"errors.As|exec.ExitError"}, ""},
		{"alternatives, none used", []string{"errors.As|errors.AsType"}, "errors.As|errors.AsType"},
		{"a variable's spelling, other name", []string{"cmd.StdinPipe"}, "cmd.StdinPipe"},
		{"a variable's spelling, same name", []string{"sorter.StdinPipe"}, ""},
		{"package not imported", []string{"context.WithTimeout"}, "context.WithTimeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &lessons.Program{File: "x.go", Source: sortSrc, Expect: lessons.Expect{Requires: tt.requires}}
			if got := strings.Join(missingRequires(p), " "); got != tt.missing {
				t.Errorf("missing = %q, want %q", got, tt.missing)
			}
		})
	}
}

func TestParseWanted(t *testing.T) {
	for in, want := range map[string]wanted{
		"exec.Command":                   {pkg: "exec", name: "Command"},
		"os/exec.Command":                {pkg: "os/exec", name: "Command"},
		"exec.Cmd.Wait":                  {pkg: "exec", typ: "Cmd", name: "Wait"},
		"(*os/exec.Cmd).Wait":            {pkg: "os/exec", typ: "Cmd", name: "Wait"},
		"golang.org/x/sys/unix.Mkfifo":   {pkg: "golang.org/x/sys/unix", name: "Mkfifo"},
		"(*golang.org/x/sys/unix.T).M":   {pkg: "golang.org/x/sys/unix", typ: "T", name: "M"},
		"golang.org/x/sys/unix.Stat_t.X": {pkg: "golang.org/x/sys/unix", typ: "Stat_t", name: "X"},
	} {
		if got := parseWanted(in); got != want {
			t.Errorf("parseWanted(%q) = %+v, want %+v", in, got, want)
		}
	}
}

const learnerSrc = `package main

import (
	"fmt"
	"os"
	"strings"
)

// shout upper-cases s.
func shout(s string) string { return strings.ToUpper(s) }

// main reads its argument.
func main() {
	fmt.Println(shout(os.Args[1]))
}
`

const harnessSrc = "package main\nimport (\n\t\"fmt\"\n)\n//line lesson.md:40\nfunc main() {\n\tfmt.Println(shout(\"a\"))\n}\n"

func TestWithHarness(t *testing.T) {
	got, err := withHarness("main.go", learnerSrc, harnessSrc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := parser.ParseFile(token.NewFileSet(), "x.go", got, 0); err != nil {
		t.Fatalf("merged source does not parse: %v\n%s", err, got)
	}
	lines := strings.Split(got, "\n")
	// The learner's lines keep their numbers: shout stays on line 10.
	if !strings.Contains(lines[9], "func shout") {
		t.Errorf("line 10 = %q, want the learner's shout", lines[9])
	}
	for _, bad := range []string{"os.Args", "main reads"} {
		if strings.Contains(got, bad) {
			t.Errorf("the learner's main (%q) is still there:\n%s", bad, got)
		}
	}
	// "os" was only used by the learner's main: it stays, as a blank import.
	if !strings.Contains(got, `_ "os"`) {
		t.Errorf("os is not blank-imported:\n%s", got)
	}
	if !strings.HasSuffix(got, "//line lesson.md:40\nfunc main() {\n\tfmt.Println(shout(\"a\"))\n}\n") {
		t.Errorf("the harness is not at the end:\n%s", got)
	}
	if n, want := strings.Count(got, "\n"), strings.Count(learnerSrc, "\n")+4; n != want {
		t.Errorf("%d lines, want %d", n, want)
	}
}

func TestWithHarnessAddsImports(t *testing.T) {
	h := "package main\nimport (\n\t\"bytes\"\n)\n//line lesson.md:40\nfunc main() { var b bytes.Buffer; b.WriteString(shout(\"a\")); println(b.String()) }\n"
	got, err := withHarness("main.go", learnerSrc, h)
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(got, "\n")
	if first != `package main; import ("bytes")` {
		t.Errorf("first line = %q", first)
	}
}

func TestWithInputs(t *testing.T) {
	in := "x\n"
	c := &lessons.Case{Name: "c", File: "lesson.md", Line: 50, Args: []string{"a b", `"q"`}, Env: []string{"K=v"}, Stdin: &in,
		Files: map[string]string{"dir/f.txt": "one\ntwo\n"}}
	got, err := withInputs("main.go", learnerSrc, c)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := parser.ParseFile(token.NewFileSet(), "x.go", got, 0); err != nil {
		t.Fatalf("source does not parse: %v\n%s", err, got)
	}
	for _, want := range []string{
		`package main; import workbook_os "os"`,
		"//line lesson.md:50\nfunc init() {",
		`args := []string{workbook_os.Args[0], "a b", "\"q\""}`,
		`workbook_os.Setenv("K", "v")`,
		`workbook_os.MkdirAll("dir", 0o755)`,
		`workbook_os.WriteFile("dir/f.txt", []byte("one\ntwo\n"), 0o644)`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("source lacks %q:\n%s", want, got)
		}
	}
	plain, err := withInputs("main.go", learnerSrc, &lessons.Case{Name: "stdin only", Stdin: &in})
	if err != nil || plain != learnerSrc {
		t.Errorf("a case with only stdin changed the source: %v\n%s", err, plain)
	}
}

func TestPrintOnlySource(t *testing.T) {
	src := "package main\n\nimport \"fmt\"\n\nvar x = twice(2)\n\nfunc init() { fmt.Print() }\n\nfunc twice(n int) int { return 2 * n }\n\ntype T struct{}\n\nfunc (T) M() {}\n\nfunc main() {\n\tfmt.Println(twice(x))\n}\n"
	p := &lessons.Program{File: "lesson.md", Line: 3, Name: "ex", Source: src}
	po, err := PrintOnly(p, []byte("8\n"), []byte("warn\n"), 3)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := parser.ParseFile(token.NewFileSet(), "x.go", po.Source, 0); err != nil {
		t.Fatalf("print-only source does not parse: %v\n%s", err, po.Source)
	}
	for _, want := range []string{
		"func init() { fmt.Print() }", // init functions run as written
		`func twice(n int) int { if workbook_printonly { panic("print-only: twice does no work") }; return 2 * n }`,
		`func (T) M() { if workbook_printonly { panic("print-only: M does no work") };}`,
		"func main() { workbook_os.Stdout.WriteString(\"8\\n\"); workbook_os.Stderr.WriteString(\"warn\\n\"); workbook_os.Exit(3);\n",
		"func init() { workbook_printonly = true }\n",
	} {
		if !strings.Contains(po.Source, want) {
			t.Errorf("print-only source lacks %q:\n%s", want, po.Source)
		}
	}
	if po.Name != "ex (print-only)" {
		t.Errorf("name %q", po.Name)
	}
	if _, err := PrintOnly(&lessons.Program{File: "l.md", Name: "lib", Source: "package main\n\nfunc f() {}\n"}, nil, nil, 0); err == nil {
		t.Error("a program without main gave a print-only version")
	}
}

// fakeRun answers each program by its name.
type fakeRun struct {
	mu       sync.Mutex
	verdicts map[string]*engine.Verdict
	ran      []string
}

func (f *fakeRun) run(_ context.Context, p *lessons.Program) (*engine.Verdict, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ran = append(f.ran, p.Name)
	v := f.verdicts[p.Name]
	if v == nil {
		v = exited(0, "", "")
	}
	return v, nil
}

func TestCheckRuns(t *testing.T) {
	in := "pear\napple\n"
	cases := []*lessons.Case{
		{Name: "two fruit", File: "lesson.md", Line: 30, Args: []string{"-r"}, Stdin: &in, Stdout: out("pear\napple\n", lessons.MatchExact)},
		{Name: "nothing", File: "lesson.md", Line: 40, Exit: 2, Stderr: out("usage\n", lessons.MatchExact)},
	}
	mk := func(withOutput bool) *lessons.Program {
		return prog(func(p *lessons.Program) {
			p.Expect.Cases = cases
			if withOutput {
				p.Expect.Stdout = out("hi\n", lessons.MatchExact)
			}
		})
	}
	tests := []struct {
		name     string
		p        *lessons.Program
		verdicts map[string]*engine.Verdict
		pass     bool
		ran      int
		reason   string
		detail   []string
	}{
		{"all pass, cases only", mk(false), map[string]*engine.Verdict{
			"hello [two fruit]": exited(0, "pear\napple\n", ""), "hello [nothing]": exited(2, "", "usage\n")},
			true, 2, `lesson.md:10: "hello" passed all 2 cases (yaegi)`, nil},
		{"the run and the cases", mk(true), map[string]*engine.Verdict{
			"hello": exited(0, "hi\n", ""), "hello [two fruit]": exited(0, "pear\napple\n", ""), "hello [nothing]": exited(2, "", "usage\n")},
			true, 3, `passed its run and all 2 cases`, nil},
		{"a case fails on its exit status", mk(false), map[string]*engine.Verdict{
			"hello [two fruit]": exited(0, "pear\napple\n", ""), "hello [nothing]": exited(0, "", "usage\n")},
			false, 2, `lesson.md:10: case "nothing" failed: "hello" exited with status 0 (yaegi), expected status 2`,
			[]string{`case "nothing":`, "expected exit status: 2", "expected stderr:\n    usage"}},
		{"a case fails on its output", mk(false), map[string]*engine.Verdict{
			"hello [two fruit]": exited(0, "apple\npear\n", ""), "hello [nothing]": exited(2, "", "usage\n")},
			false, 2, `case "two fruit" failed: "hello" printed a different stdout (yaegi) than expected at lesson.md:20`,
			[]string{"arguments: -r", "stdin:\n    pear\n    apple", "+apple\n", "-apple\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeRun{verdicts: tt.verdicts}
			res, runs, err := CheckRuns(context.Background(), tt.p, f.run, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Pass != tt.pass || !strings.Contains(res.Reason(), tt.reason) {
				t.Errorf("result %v %q, want %v ~%q", res.Pass, res.Reason(), tt.pass, tt.reason)
			}
			if len(runs) != tt.ran || len(f.ran) != tt.ran {
				t.Errorf("%d runs (%v), want %d", len(runs), f.ran, tt.ran)
			}
			for _, d := range tt.detail {
				if !strings.Contains(res.Detail, d) {
					t.Errorf("detail lacks %q:\n%s", d, res.Detail)
				}
			}
		})
	}
}

func TestCheckRunsRequiresAfterBuild(t *testing.T) {
	p := prog(func(p *lessons.Program) {
		p.Expect.Cases = []*lessons.Case{{Name: "c", Exit: 0}}
		p.Expect.Requires = []string{"exec.Cmd.StdinPipe"}
	})
	f := &fakeRun{}
	res, _, err := CheckRuns(context.Background(), p, f.run, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Pass || res.Failure != FailOutput || !strings.Contains(res.Reason(), "does not use exec.Cmd.StdinPipe") {
		t.Errorf("result %v %s %q", res.Pass, res.Failure, res.Reason())
	}
}

// FuzzWithInputs checks that any arguments, environment and files give a
// source that still parses, with the learner's lines where they were.
func FuzzWithInputs(f *testing.F) {
	f.Add("a b", "K", "v\n", "dir/f.txt", "one\ntwo")
	f.Add("`\"\\", "X_1", "\x00\xff", "a", "*/")
	f.Fuzz(func(t *testing.T, arg, key, val, name, content string) {
		c := &lessons.Case{Name: "c", File: "l.md", Line: 3, Args: []string{arg}, Env: []string{key + "=" + val},
			Files: map[string]string{name: content}}
		got, err := withInputs("main.go", learnerSrc, c)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := parser.ParseFile(token.NewFileSet(), "x.go", got, 0); err != nil {
			t.Fatalf("source does not parse: %v\n%s", err, got)
		}
		if !strings.HasPrefix(strings.SplitAfterN(got, "\n", 2)[1], learnerSrc[strings.Index(learnerSrc, "\n")+1:]) {
			t.Fatalf("the learner's lines moved:\n%s", got)
		}
	})
}

// TestCheckRunsHarnessBuildFailure: a learner's program that no longer
// builds with the harness is told so at its own first line, never at the
// harness's hidden line.
func TestCheckRunsHarnessBuildFailure(t *testing.T) {
	p := prog(func(p *lessons.Program) {
		p.File, p.Source = "main.go", learnerSrc
		p.Expect.Harness = &lessons.Harness{File: "lesson.md", Line: 40, Source: harnessSrc}
		p.Expect.Cases = []*lessons.Case{{Name: "c", File: "lesson.md", Line: 50, Stdout: out("A\n", lessons.MatchExact)}}
	})
	f := &fakeRun{verdicts: map[string]*engine.Verdict{"hello [c]": {Engine: engine.Compiled, End: engine.BuildFailed,
		Diagnostics: []engine.Diagnostic{{Pos: lessons.Pos{File: "lesson.md", Line: 41}, Msg: "undefined: shout"}}}}}
	res, _, err := CheckRuns(context.Background(), p, f.run, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := `main.go:10: case "c" failed: "hello" does not build (compiled): undefined: shout (the check calls your functions: keep their names and signatures as the starter has them)`
	if res.Pass || res.Failure != FailBuild || res.Reason() != want {
		t.Errorf("result %v %s\n%q\nwant\n%q", res.Pass, res.Failure, res.Reason(), want)
	}
	if strings.Contains(res.Detail, "fmt.Println(shout") {
		t.Errorf("the detail quotes the harness:\n%s", res.Detail)
	}
}

// TestRunsSyntaxError: a learner's program that does not parse runs once,
// as it is, so that the engine reports the syntax error at its line
// instead of the check failing to prepare the cases.
func TestRunsSyntaxError(t *testing.T) {
	p := prog(func(p *lessons.Program) {
		p.Source = "package main\n\nfunc main() {\n"
		p.Expect.Cases = []*lessons.Case{{Name: "c", Args: []string{"x"}, Exit: 1}}
		p.Expect.Harness = &lessons.Harness{File: "lesson.md", Line: 40, Source: harnessSrc}
	})
	runs, err := Runs(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 || runs[0].Case != nil || runs[0].Program.Source != p.Source || len(runs[0].Program.Expect.Cases) != 0 {
		t.Errorf("runs = %+v, want the program once, as it is", runs)
	}
}

// TestCaseFailureGolden shows what a learner sees when a case fails: the
// reason, then the case's inputs and expectations, then the diff.
func TestCaseFailureGolden(t *testing.T) {
	in := "ERROR: disk full\nINFO: ok\n"
	c := &lessons.Case{Name: "errors only", File: "lesson.md", Line: 30, Args: []string{"ERROR", "two words"},
		Env: []string{"LANG=C"}, Stdin: &in, Files: map[string]string{"conf/levels.txt": "ERROR\nWARN\n"},
		Stdout: out("ERROR: disk full\n", lessons.MatchExact), Exit: 0}
	p := prog(func(p *lessons.Program) {
		p.File, p.Line, p.Source = "main.go", 1, learnerSrc
		p.Expect.Cases = []*lessons.Case{c}
	})
	f := &fakeRun{verdicts: map[string]*engine.Verdict{"hello [errors only]": exited(0, "ERROR: disk full\nINFO: ok\n", "")}}
	res, _, err := CheckRuns(context.Background(), p, f.run, Options{})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "case-failure.golden", res.Reason()+"\n"+res.Detail)
}
