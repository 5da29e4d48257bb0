package learn

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/check"
)

func TestStripEngines(t *testing.T) {
	tests := []struct{ in, want string }{
		{`main.go: "deadline" does not use exec.CommandContext (yaegi)`, `main.go: "deadline" does not use exec.CommandContext`},
		{`main.go:11: "deadline" does not build (compiled, because compiler-checks: the Go compiler rejects it: "io/fs" imported and not used): "io/fs" imported and not used`,
			`main.go:11: "deadline" does not build: "io/fs" imported and not used`},
		{`x did not finish within 1s (auto, because f (g (h))) and was stopped`, `x did not finish within 1s and was stopped`},
		{`printed (a list) of (yaegi) things (compiled)`, `printed (a list) of things`},
		{`unbalanced (yaegi, because (`, `unbalanced (yaegi, because (`},
		{`no engine here (yaegiX)`, `no engine here (yaegiX)`},
	}
	for _, tt := range tests {
		if got := stripEngines(tt.in); got != tt.want {
			t.Errorf("stripEngines(%q)\n = %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func TestLearnerResult(t *testing.T) {
	f := newFixture(t)
	a, err := newApp(context.Background(), f.env, Globals{Dir: f.dir, Color: "never"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name              string
		res               check.Result
		wantMsg, wantDetl string
	}{
		{"one compiler error, said once",
			check.Result{Failure: check.FailBuild,
				Pos: lessons.Pos{File: "w/main.go", Line: 11}, Message: `"greet" does not build (compiled, because compiler-checks: the Go compiler rejects it: "io/fs" imported and not used): "io/fs" imported and not used`,
				Detail: "w/main.go:11:2: \"io/fs\" imported and not used\n"},
			`w/main.go:11: "greet" does not build: "io/fs" imported and not used`, ""},
		{"two compiler errors: the second in the detail",
			check.Result{Failure: check.FailBuild,
				Pos: lessons.Pos{File: "w/main.go", Line: 3}, Message: `"greet" does not build (yaegi): undefined: x`,
				Detail: "w/main.go:3:5: undefined: x\nw/main.go:4:5: undefined: y"},
			`w/main.go:3: "greet" does not build: undefined: x`, "w/main.go:4:5: undefined: y"},
		{"lesson position by title",
			check.Result{Failure: check.FailOutput,
				Pos: lessons.Pos{File: "w/main.go"}, Message: `"greet" printed a different stdout (yaegi) than expected at 01-hello.md:51`,
				Detail: "-a\n+b"},
			`w/main.go: "greet" printed a different stdout than expected at lesson 1 "Saying hello", section "Exercise: greet the workbook"`, "-a\n+b"},
		{"a file that is not a lesson stays",
			check.Result{Failure: check.FailOutput, Pos: lessons.Pos{File: "notes.md", Line: 3}, Message: `odd`},
			`notes.md:3: odd`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg, detail := a.learnerResult(tt.res)
			if msg != tt.wantMsg || detail != tt.wantDetl {
				t.Errorf("got\n%q\n%q\nwant\n%q\n%q", msg, detail, tt.wantMsg, tt.wantDetl)
			}
		})
	}
}

func TestInvokedAs(t *testing.T) {
	env := func(cache string) func(string) string {
		return func(k string) string {
			if k == "GOCACHE" {
				return cache
			}
			return ""
		}
	}
	tests := []struct{ exe, cache, want string }{
		{"/home/ann/go/bin/workbook", "", "workbook"},
		{"/usr/local/bin/wb", "", "workbook"},
		{"/tmp/go-build2736261/b001/exe/workbook", "", "go run ."},
		{"/root/.cache/go-build/4f/4f2a-d/workbook", "", "go run ."},
		{"/srv/cache/x/exe/workbook", "/srv/cache", "go run ."},
		{"/srv/cachex/workbook", "/srv/cache", "workbook"},
		{"", "", "workbook"},
	}
	for _, tt := range tests {
		if got := invokedAs(tt.exe, env(tt.cache)); got != tt.want {
			t.Errorf("invokedAs(%q, GOCACHE=%q) = %q, want %q", tt.exe, tt.cache, got, tt.want)
		}
	}
}

func TestProgWriter(t *testing.T) {
	var b bytes.Buffer
	w := asInvoked(&b, "go run .")
	in := "Next: workbook init writes into workbook-exercises; then `workbook watch`.\nThe workbook is yours. workbook help.\n"
	if _, err := w.Write([]byte(in)); err != nil {
		t.Fatal(err)
	}
	want := "Next: go run . init writes into workbook-exercises; then `go run . watch`.\nThe workbook is yours. go run . help.\n"
	if b.String() != want {
		t.Errorf("got  %q\nwant %q", b.String(), want)
	}
	if asInvoked(&b, "workbook") != &b {
		t.Error("an installed workbook's output is rewritten")
	}
}

// TestStarterAsInvoked: started through go run, the starter files suggest
// go run commands.
func TestStarterAsInvoked(t *testing.T) {
	f := newFixture(t)
	f.env.Prog = "go run ."
	if code, out, errOut := f.run("init"); code != 0 {
		t.Fatalf("init: %d\n%s%s", code, out, errOut)
	}
	src, err := os.ReadFile(f.file("01-hello/greet"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"`go run . read 1`", "`go run . watch`", "`go run . check 01-hello/greet`", "`go run . hint 01-hello/greet`"} {
		if !strings.Contains(string(src), want) {
			t.Errorf("the starter lacks %s:\n%s", want, src)
		}
	}
	if strings.Contains(string(src), "`workbook ") {
		t.Errorf("the starter still suggests workbook commands:\n%s", src)
	}
}

func FuzzStripEngines(f *testing.F) {
	f.Add(`main.go:11: "x" does not build (compiled, because compiler-checks: the Go compiler rejects it: "io/fs" (y)): z`)
	f.Add(`a (yaegi) b (both, because (`)
	f.Fuzz(func(t *testing.T, s string) {
		got := stripEngines(s)
		if len(got) > len(s) {
			t.Fatalf("stripEngines made %q longer: %q", s, got)
		}
		// It only removes: what is left is s with parts cut out.
		j := 0
		for i := 0; i < len(got); i++ {
			for j < len(s) && s[j] != got[i] {
				j++
			}
			if j == len(s) {
				t.Fatalf("stripEngines(%q) = %q is not s with parts removed", s, got)
			}
			j++
		}
	})
}

// TestRawOutputAsInvoked: started through go run, suggested commands are
// rewritten, but machine-readable output (here the Classroom workflow, whose
// comments name `workbook check`) reaches standard output byte for byte.
func TestRawOutputAsInvoked(t *testing.T) {
	f := newFixture(t)
	var raw bytes.Buffer
	env := f.env
	env.Prog = "go run ."
	env.RawStdout = &raw
	env.Stdout = asInvoked(&raw, env.Prog)
	env.Stderr = io.Discard
	if code := run(context.Background(), env, []string{"--dir", f.dir, "classroom"}); code != 0 {
		t.Fatalf("classroom: status %d\n%s", code, raw.String())
	}
	if !strings.Contains(raw.String(), "`workbook check --all --json`") {
		t.Errorf("the workflow was rewritten for go run:\n%s", raw.String())
	}
}
