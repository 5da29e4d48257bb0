package learn

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	goldenfile "github.com/ppworkbook/workbook/internal/golden"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/check"
	"github.com/ppworkbook/workbook/workbook/progress"
)

// t0 is the fake clock of every test.
var t0 = time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)

// Markers the fake checker reads in a learner's program.
const (
	markPass  = "workbook:pass"  // the program passes its check
	markPanic = "workbook:panic" // the checker panics (a broken machinery)
	markError = "workbook:error" // the checker returns an error
)

// fakeChecker stands in for the engines: a program passes when its source
// holds markPass. Safe for concurrent use.
type fakeChecker struct {
	mu       sync.Mutex
	sources  map[string]string           // file -> last source checked
	settings map[string]lessons.Settings // program name -> last settings
	calls    int
	checked  chan string // when not nil, receives each file checked
}

func (f *fakeChecker) Check(ctx context.Context, p *lessons.Program, set lessons.Settings, out io.Writer) (check.Result, error) {
	f.mu.Lock()
	if f.sources == nil {
		f.sources, f.settings = map[string]string{}, map[string]lessons.Settings{}
	}
	f.sources[p.File] = p.Source
	f.settings[p.Name] = set
	f.calls++
	f.mu.Unlock()
	if f.checked != nil {
		defer func() { f.checked <- p.File }()
	}
	switch {
	case strings.Contains(p.Source, markPanic):
		panic("boom")
	case strings.Contains(p.Source, markError):
		return check.Result{}, errors.New("engine exploded")
	}
	if out != nil {
		fmt.Fprintf(out, "output of %s", p.Name)
	}
	if strings.Contains(p.Source, markPass) {
		return check.Result{Pass: true}, nil
	}
	return check.Result{
		Failure: check.FailOutput,
		Pos:     lessons.Pos{File: p.File, Line: p.Line},
		Message: "the output differs from what is expected",
		Detail:  "-want\n+got",
	}, nil
}

func (f *fakeChecker) source(file string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sources[file]
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// fixture is a work dir, the test lessons and a fake checker.
type fixture struct {
	t    *testing.T
	dir  string
	fake *fakeChecker
	env  environment
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	t.Setenv("HOME", t.TempDir())
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	f := &fixture{t: t, dir: filepath.Join(t.TempDir(), "work"), fake: &fakeChecker{}}
	f.env = environment{
		Stdin:    strings.NewReader(""),
		Width:    72,
		Now:      func() time.Time { return t0 },
		Location: time.UTC,
		Lessons:  os.DirFS("testdata/lessons"),
		Checker:  f.fake,
	}
	return f
}

// run runs a command with --dir set to the fixture's work dir and returns
// its status and its output, with the work dir's path written $WORK.
func (f *fixture) run(args ...string) (int, string, string) {
	f.t.Helper()
	var stdout, stderr syncBuffer
	env := f.env
	env.Stdout, env.Stderr = &stdout, &stderr
	code := run(context.Background(), env, append([]string{"--dir", f.dir}, args...))
	return code, f.clean(stdout.String()), f.clean(stderr.String())
}

func (f *fixture) clean(s string) string { return strings.ReplaceAll(s, f.dir, "$WORK") }

func (f *fixture) file(id string) string {
	return filepath.Join(f.dir, filepath.FromSlash(id), "main.go")
}

func (f *fixture) write(id, src string) {
	f.t.Helper()
	if err := os.MkdirAll(filepath.Dir(f.file(id)), 0o755); err != nil {
		f.t.Fatal(err)
	}
	if err := os.WriteFile(f.file(id), []byte(src), 0o644); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) read(path string) string {
	f.t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		f.t.Fatal(err)
	}
	return string(b)
}

func (f *fixture) state() *progress.State {
	f.t.Helper()
	s, err := progress.Store{Dir: f.dir}.Load()
	if err != nil {
		f.t.Fatal(err)
	}
	return s
}

// golden compares got with the golden file NAME (see internal/golden).
func golden(t *testing.T, name, got string) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", "golden", name), got)
}

const greetSolved = "package main\n\nimport \"fmt\"\n\n// " + markPass + "\nfunc main() { fmt.Println(\"hello, workbook\") }\n"

func TestCommandsGolden(t *testing.T) {
	tests := []struct {
		name  string
		setup func(f *fixture)
		args  []string
		code  int
	}{
		{name: "overview-fresh", code: 0},
		{name: "overview-started", setup: func(f *fixture) { f.run("init") }},
		{name: "overview-one-done", setup: func(f *fixture) {
			f.run("init")
			f.write("01-hello/greet", greetSolved)
			f.run("check")
		}},
		{name: "list", setup: func(f *fixture) { f.run("init"); f.run("check", "count") }, args: []string{"list"}},
		{name: "init", args: []string{"init"}},
		{name: "init-again", setup: func(f *fixture) { f.run("init") }, args: []string{"init"}},
		{name: "read-1", args: []string{"read", "1"}},
		{name: "read-unknown", args: []string{"read", "9"}, code: 1},
		{name: "read-missing-arg", args: []string{"read"}, code: 2},
		{name: "run-1", args: []string{"run", "1"}, code: 1},
		{name: "run-solution-refused", args: []string{"run", "1", "greet"}, code: 1},
		{name: "check-missing", args: []string{"check"}, code: 1},
		{name: "check-fail", setup: func(f *fixture) { f.run("init") }, args: []string{"check"}, code: 1},
		{name: "check-pass", setup: func(f *fixture) { f.run("init"); f.write("01-hello/greet", greetSolved) }, args: []string{"check", "greet"}},
		{name: "check-all", setup: func(f *fixture) { f.run("init"); f.write("01-hello/greet", greetSolved) }, args: []string{"check", "--all"}, code: 1},
		{name: "hint-1", args: []string{"hint", "greet"}},
		{name: "hint-2", setup: func(f *fixture) { f.run("hint", "greet") }, args: []string{"hint", "greet"}},
		{name: "hint-3", setup: func(f *fixture) { f.run("hint", "greet"); f.run("hint", "greet") }, args: []string{"hint", "greet"}},
		{name: "hint-all", args: []string{"hint", "--all", "1/greet"}},
		{name: "solution-locked", setup: func(f *fixture) { f.run("hint", "greet") }, args: []string{"solution", "greet"}, code: 1},
		{name: "solution-open", setup: func(f *fixture) { f.run("init"); f.write("01-hello/greet", greetSolved); f.run("check") }, args: []string{"solution", "greet"}},
		{name: "progress", setup: func(f *fixture) {
			f.run("init")
			f.write("01-hello/greet", greetSolved)
			f.run("check")
			f.run("hint", "count")
		}, args: []string{"progress"}},
		{name: "unknown-command", args: []string{"frobnicate"}, code: 2},
		{name: "unknown-exercise", args: []string{"hint", "nope"}, code: 1},
		{name: "bad-color", args: []string{"--color", "purple", "list"}, code: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			if tt.setup != nil {
				tt.setup(f)
			}
			args := tt.args
			if args == nil {
				args = []string{}
			}
			code, stdout, stderr := f.run(args...)
			if code != tt.code {
				t.Errorf("exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, stdout, stderr)
			}
			golden(t, "cmd-"+tt.name+".txt", "$ workbook "+strings.Join(args, " ")+"\n"+stdout+"--- stderr\n"+stderr)
		})
	}
}

func TestCheckRecordsProgress(t *testing.T) {
	f := newFixture(t)
	f.run("init")
	if code, out, _ := f.run("check"); code != 1 || !strings.Contains(out, "FAIL 01-hello/greet") {
		t.Fatalf("check of the starter: %d\n%s", code, out)
	}
	if s := f.state(); s.Current != "01-hello/greet" || s.IsDone("01-hello/greet") {
		t.Errorf("after a failed check: %+v", s)
	}
	f.write("01-hello/greet", greetSolved)
	if code, out, _ := f.run("check"); code != 0 {
		t.Fatalf("check of a solution: %d\n%s", code, out)
	}
	s := f.state()
	if !s.Done["01-hello/greet"].Equal(t0) {
		t.Errorf("done = %v, want greet done at %v", s.Done, t0)
	}
	// The program checked is the learner's file, mapped to itself.
	src := f.fake.source(f.file("01-hello/greet"))
	if want := "//line " + f.file("01-hello/greet") + ":1\n" + greetSolved; src != want {
		t.Errorf("program source:\n%s\nwant:\n%s", src, want)
	}
	// Without an argument, check goes on to the first exercise not done.
	if _, out, _ := f.run("check"); !strings.Contains(out, "02-counting/count") {
		t.Errorf("second check did not move on:\n%s", out)
	}
}

func TestInitNeverOverwrites(t *testing.T) {
	f := newFixture(t)
	if code, out, errOut := f.run("init"); code != 0 {
		t.Fatalf("init: %d\n%s%s", code, out, errOut)
	}
	for _, name := range []string{"go.mod", "go.sum", "01-hello/greet/main.go", "02-counting/count/main.go"} {
		if _, err := os.Stat(filepath.Join(f.dir, name)); err != nil {
			t.Errorf("init did not write %s: %v", name, err)
		}
	}
	mine := "package main // my work\n"
	f.write("01-hello/greet", mine)
	if err := os.WriteFile(filepath.Join(f.dir, "go.mod"), []byte("module mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(f.file("02-counting/count")); err != nil {
		t.Fatal(err)
	}
	code, out, _ := f.run("init")
	if code != 0 {
		t.Fatalf("second init: %d", code)
	}
	if got := f.read(f.file("01-hello/greet")); got != mine {
		t.Errorf("init overwrote the learner's file: %q", got)
	}
	if got := f.read(filepath.Join(f.dir, "go.mod")); got != "module mine\n" {
		t.Errorf("init overwrote go.mod: %q", got)
	}
	if _, err := os.Stat(f.file("02-counting/count")); err != nil {
		t.Errorf("init did not restore a deleted starter: %v", err)
	}
	if !strings.Contains(out, "Wrote 1 new files") {
		t.Errorf("second init said:\n%s", out)
	}
}

func TestStarterFile(t *testing.T) {
	f := newFixture(t)
	f.run("init")
	golden(t, "starter-greet.go.txt", f.read(f.file("01-hello/greet")))
	golden(t, "go.mod.txt", f.read(filepath.Join(f.dir, "go.mod")))
}

func TestReset(t *testing.T) {
	tests := []struct {
		name        string
		args        []string
		interactive bool
		stdin       string
		code        int
		reset       bool // the starter is back and the work kept
	}{
		{name: "yes", args: []string{"reset", "--yes", "greet"}, reset: true},
		{name: "no terminal no yes", args: []string{"reset", "greet"}, code: 1},
		{name: "terminal y", args: []string{"reset", "greet"}, interactive: true, stdin: "y\n", reset: true},
		{name: "terminal default no", args: []string{"reset", "greet"}, interactive: true, stdin: "\n"},
		{name: "terminal eof", args: []string{"reset", "greet"}, interactive: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.run("init")
			starter := f.read(f.file("01-hello/greet"))
			mine := "package main\n// my precious work\n"
			f.write("01-hello/greet", mine)
			f.env.Interactive = tt.interactive
			f.env.Stdin = strings.NewReader(tt.stdin)
			code, out, errOut := f.run(tt.args...)
			if code != tt.code {
				t.Fatalf("status %d, want %d\n%s%s", code, tt.code, out, errOut)
			}
			backups, _ := filepath.Glob(f.file("01-hello/greet") + ".*.bak")
			got := f.read(f.file("01-hello/greet"))
			if !tt.reset {
				if got != mine || len(backups) != 0 {
					t.Errorf("file changed to %q, backups %v; want it untouched", got, backups)
				}
				return
			}
			if got != starter {
				t.Errorf("file after reset:\n%s\nwant the starter:\n%s", got, starter)
			}
			want := f.file("01-hello/greet") + ".20261127-093000.bak"
			if len(backups) != 1 || backups[0] != want {
				t.Fatalf("backups %v, want [%s]", backups, want)
			}
			if b := f.read(backups[0]); b != mine {
				t.Errorf("backup holds %q, want the learner's work", b)
			}
		})
	}
}

func TestResetTwiceKeepsBothBackups(t *testing.T) {
	f := newFixture(t)
	f.run("init")
	for i, work := range []string{"first\n", "second\n"} {
		f.write("01-hello/greet", work)
		if code, out, errOut := f.run("reset", "--yes", "greet"); code != 0 {
			t.Fatalf("reset %d: %d %s%s", i, code, out, errOut)
		}
	}
	backups, _ := filepath.Glob(f.file("01-hello/greet") + ".*.bak*")
	var got []string
	for _, b := range backups {
		got = append(got, f.read(b))
	}
	if strings.Join(got, "") != "first\nsecond\n" && strings.Join(got, "") != "second\nfirst\n" {
		t.Errorf("backups %v hold %q, want both versions", backups, got)
	}
}

func TestCorruptProgressIsKept(t *testing.T) {
	f := newFixture(t)
	f.run("init")
	path := filepath.Join(f.dir, progress.FileName)
	if err := os.WriteFile(path, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := f.run("hint", "greet")
	if code != 0 || !strings.Contains(errOut, "is not a valid progress file") {
		t.Fatalf("status %d, stderr %q", code, errOut)
	}
	backups, _ := filepath.Glob(path + ".corrupt-*")
	if len(backups) != 1 || f.read(backups[0]) != "{not json" {
		t.Errorf("corrupt file not kept aside: %v", backups)
	}
	if f.state().HintsUsed("01-hello/greet") != 1 {
		t.Errorf("the hint was not recorded in a fresh progress file")
	}
}

func TestColourDecision(t *testing.T) {
	tests := []struct {
		name     string
		flag     string
		terminal bool
		noColor  bool
		want     bool
	}{
		{"pipe", "auto", false, false, false},
		{"terminal", "auto", true, false, true},
		{"terminal NO_COLOR", "auto", true, true, false},
		{"always", "always", false, true, true},
		{"never", "never", true, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.env.Terminal, f.env.NoColor = tt.terminal, tt.noColor
			a, err := newApp(context.Background(), f.env, Globals{Color: tt.flag, Dir: f.dir})
			if err != nil {
				t.Fatal(err)
			}
			if a.colour != tt.want {
				t.Errorf("colour = %v, want %v", a.colour, tt.want)
			}
		})
	}
}

func TestParseInterspersed(t *testing.T) {
	tests := []struct {
		args []string
		rest string
		json string
		v    bool
	}{
		{[]string{"a", "b"}, "a b", "", false},
		{[]string{"--json", "x", "a", "-v", "b"}, "a b", "x", true},
		{[]string{"a", "--json=y", "b"}, "a b", "y", false},
		{[]string{"a", "--", "-v", "b"}, "a -v b", "", false},
	}
	for _, tt := range tests {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		json := fs.String("json", "", "")
		v := fs.Bool("v", false, "")
		rest, err := parseInterspersed(fs, tt.args)
		if err != nil {
			t.Fatalf("%q: %v", tt.args, err)
		}
		if strings.Join(rest, " ") != tt.rest || *json != tt.json || *v != tt.v {
			t.Errorf("%q: rest %q json %q v %v; want %q %q %v", tt.args, rest, *json, *v, tt.rest, tt.json, tt.v)
		}
	}
}

// TestInitRefusesForeignDirectory: init never fills a directory that holds
// someone else's files (a project's source directory named like the default
// work dir, say) with exercises and a go.mod.
func TestInitRefusesForeignDirectory(t *testing.T) {
	f := newFixture(t)
	if err := os.MkdirAll(f.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(f.dir, "engine.go")
	if err := os.WriteFile(src, []byte("package engine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := f.run("init")
	if code == 0 || !strings.Contains(errOut, "is not a workbook work directory") {
		t.Fatalf("init in a foreign directory: status %d, stderr:\n%s", code, errOut)
	}
	entries, err := os.ReadDir(f.dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("init wrote into the foreign directory: %d entries", len(entries))
	}
}

// TestLearnerSettings checks that the learner's run and check take a
// program's settings from lessons.Resolve: its own attributes, else its
// lesson's front matter.
func TestLearnerSettings(t *testing.T) {
	f := newFixture(t)
	f.env.Lessons = fstest.MapFS{"01-page.md": {Data: []byte("+++\n[workbook]\nengine = \"yaegi\"\ntimeout = \"3s\"\n+++\n\n# Page\n\n" +
		"```go {program=\"own\" engine=\"auto\"}\npackage main\n\nfunc main() {}\n```\n\n" +
		"```go {program=\"plain\"}\npackage main\n\nfunc main() {}\n```\n\n" +
		"## Exercise: ex\n\n```go {exercise=\"ex\" timeout=\"2s\"}\npackage main\n\nfunc main() {}\n```\n\n```output\nx\n```\n")}}
	f.run("run", "1")
	f.run("init")
	f.run("check", "ex")
	want := map[string]lessons.Settings{
		"own":   {Engine: "auto", Timeout: 3 * time.Second},
		"plain": {Engine: "yaegi", Timeout: 3 * time.Second},
		"ex":    {Engine: "yaegi", Timeout: 2 * time.Second},
	}
	for name, w := range want {
		got, ok := f.fake.settings[name]
		if !ok {
			t.Errorf("%s was not checked", name)
			continue
		}
		if got.Engine != w.Engine || got.Timeout != w.Timeout {
			t.Errorf("%s: engine %q timeout %v, want %q %v", name, got.Engine, got.Timeout, w.Engine, w.Timeout)
		}
	}
}

// TestCatalogLoader checks that the catalog reads its documents through
// package lessons: the README's title, and the size cap before reading.
func TestCatalogLoader(t *testing.T) {
	lesson := []byte("# One\n\n```go\nfmt.Println(1)\n```\n")
	tests := []struct {
		name  string
		fsys  fstest.MapFS
		title string
		err   string
	}{
		{"readme heading", fstest.MapFS{"README.md": {Data: []byte("Intro\n\n# My class\n")}, "01-one.md": {Data: lesson}}, "My class", ""},
		{"readme front matter", fstest.MapFS{"README.md": {Data: []byte("---\ntitle: Pipes 101\n---\n# Other\n")}, "01-one.md": {Data: lesson}}, "Pipes 101", ""},
		{"readme without title", fstest.MapFS{"README.md": {Data: []byte("just text\n")}, "01-one.md": {Data: lesson}}, "default", ""},
		{"lesson too large", fstest.MapFS{"01-one.md": {Data: lesson}, "02-big.md": {Data: bytes.Repeat([]byte("x"), lessons.MaxSize+1)}}, "", "02-big.md: file is larger than 8 MiB"},
		{"two broken lessons", fstest.MapFS{"01-a.md": {Data: []byte("```go {timeout=\"soon\"}\n```\n")}, "02-b.md": {Data: []byte("\x00")}}, "", "01-a.md:1: bad value for timeout|02-b.md:1: binary data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := loadCatalog(tt.fsys, "default")
			if tt.err != "" {
				for _, want := range strings.Split(tt.err, "|") {
					if err == nil || !strings.Contains(err.Error(), want) {
						t.Errorf("error = %v, want %q", err, want)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Title != tt.title {
				t.Errorf("title = %q, want %q", c.Title, tt.title)
			}
			if len(c.Lessons) != 1 || c.Lessons[0].Slug != "01-one" || string(c.Lessons[0].Doc.Markdown) != string(lesson) {
				t.Errorf("lessons = %+v", c.Lessons)
			}
		})
	}
}

// TestMainTakesTheGivenEnvironment checks that the learner's commands read
// the environment the command line hands them, never the process's.
func TestMainTakesTheGivenEnvironment(t *testing.T) {
	t.Setenv("WORKBOOK_LESSONS", filepath.Join(t.TempDir(), "no-such-lessons"))
	t.Setenv("WORKBOOK_DIR", filepath.Join(t.TempDir(), "not-this-one"))
	t.Setenv("NO_COLOR", "")
	work := filepath.Join(t.TempDir(), "work")
	env := map[string]string{"WORKBOOK_LESSONS": "testdata/lessons", "WORKBOOK_DIR": work, "NO_COLOR": "1"}
	var stdout, stderr bytes.Buffer
	sys := System{
		Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr,
		Getenv:     func(k string) string { return env[k] },
		IsTerminal: func(any) bool { return true }, // colour only if NO_COLOR is read from env
	}
	if code := Main(context.Background(), []string{"init"}, sys); code != 0 {
		t.Fatalf("init: status %d\n%s%s", code, stdout.String(), stderr.String())
	}
	if _, err := os.Stat(filepath.Join(work, "02-counting", "count", "main.go")); err != nil {
		t.Errorf("init did not write into the given WORKBOOK_DIR: %v", err)
	}
	stdout.Reset()
	if code := Main(context.Background(), []string{"list"}, sys); code != 0 || !strings.Contains(stdout.String(), "Counting") {
		t.Errorf("list: status %d\n%s%s", code, stdout.String(), stderr.String())
	}
	if strings.Contains(stdout.String(), "\x1b[") {
		t.Errorf("colour despite the given NO_COLOR:\n%q", stdout.String())
	}
}
