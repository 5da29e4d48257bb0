package cli

import (
	"bytes"
	"context"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/engine"
	"github.com/ppworkbook/workbook/workbook/learn"
	"github.com/ppworkbook/workbook/workbook/sandbox"
	"github.com/ppworkbook/workbook/workbook/verify"
)

func TestParseVerify(t *testing.T) {
	tests := []struct {
		args  []string
		paths []string
		check func(f *verifyFlags) bool
		err   string
	}{
		{args: nil, check: func(f *verifyFlags) bool {
			return f.engine == "auto" && f.timeout == 10*time.Second && f.Color == "auto" && f.jobs > 0
		}},
		{args: []string{"a.md", "--json", "dir", "-j", "3"}, paths: []string{"a.md", "dir"}, check: func(f *verifyFlags) bool { return f.json && f.jobs == 3 }},
		{args: []string{"--engine=both", "--timeout", "2s", "--", "-odd.md"}, paths: []string{"-odd.md"}, check: func(f *verifyFlags) bool { return f.engine == "both" && f.timeout == 2*time.Second }},
		{args: []string{"--shard", "1/2", "--junit", "r.xml", "--run", "x", "--list", "--color=never"}, check: func(f *verifyFlags) bool {
			return f.shard == "1/2" && f.junit == "r.xml" && f.run == "x" && f.list && f.Color == "never"
		}},
		{args: []string{"--engine", "gcc"}, err: `bad --engine "gcc"`},
		{args: []string{"--color", "sometimes"}, err: `bad --color "sometimes"`},
		{args: []string{"-j", "0"}, err: "bad -j 0"},
		{args: []string{"--timeout", "-1s"}, err: "bad --timeout"},
		{args: []string{"--nope"}, err: "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f, err := parseVerify(tt.args, learn.Globals{Color: "auto"})
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(f.paths, tt.paths) {
				t.Errorf("paths = %q, want %q", f.paths, tt.paths)
			}
			if !tt.check(f) {
				t.Errorf("flags = %+v", f)
			}
		})
	}
}

func TestColour(t *testing.T) {
	tests := []struct {
		when     string
		noColor  string
		terminal bool
		want     bool
	}{
		{"auto", "", true, true},
		{"auto", "", false, false},
		{"auto", "1", true, false},
		{"always", "1", false, true},
		{"never", "", true, false},
	}
	for _, tt := range tests {
		env := Env{
			Getenv:     func(k string) string { return map[string]string{"NO_COLOR": tt.noColor}[k] },
			IsTerminal: func(any) bool { return tt.terminal },
		}
		if got := colour(tt.when, io.Discard, env); got != tt.want {
			t.Errorf("colour(%s, NO_COLOR=%q, terminal %v) = %v, want %v", tt.when, tt.noColor, tt.terminal, got, tt.want)
		}
	}
}

func TestDispatch(t *testing.T) {
	env := Env{Getenv: func(string) string { return "" }, IsTerminal: func(any) bool { return false }}
	tests := []struct {
		args   []string
		code   int
		stdout string
	}{
		{[]string{"help"}, 0, "workbook verify [flags] [PATH...]"},
		{[]string{"help", "verify"}, 0, "Usage: workbook verify"},
		{[]string{"version"}, 0, "workbook "},
		{[]string{"verify", "-h"}, 0, "Usage: workbook verify"},
		{[]string{"verify", "--shard", "0/1"}, 2, ""},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		code := run(context.Background(), tt.args, env, strings.NewReader(""), &out, &errOut)
		if code != tt.code || !strings.Contains(out.String(), tt.stdout) {
			t.Errorf("%q: status %d stdout %q stderr %q; want %d and %q", tt.args, code, out.String(), errOut.String(), tt.code, tt.stdout)
		}
	}
}

func TestHistoryPath(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
		err  bool
	}{
		{env: map[string]string{"XDG_CACHE_HOME": "/c", "HOME": "/h"}, want: "/c/ppworkbook/durations.json"},
		{env: map[string]string{"HOME": "/h"}, want: "/h/.cache/ppworkbook/durations.json"},
		{env: map[string]string{}, err: true},
	}
	for _, tt := range tests {
		env := Env{Getenv: func(k string) string { return tt.env[k] }}
		got, err := historyPath(env)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("historyPath(%v) = %q, %v; want %q (error %v)", tt.env, got, err, tt.want, tt.err)
		}
	}
}

func TestChildRuns(t *testing.T) {
	prog := func(mode lessons.Mode, eng string) verify.Item {
		return verify.Item{Program: &lessons.Program{Mode: mode, Engine: eng}}
	}
	items := []verify.Item{
		prog(lessons.ModeRun, ""),                      // auto: may be interpreted
		prog(lessons.ModeRun, engine.Yaegi),            // interpreted
		prog(lessons.ModeRun, engine.Both),             // interpreted too
		prog(lessons.ModeRun, engine.Compiled),         // a child only without direct starts
		prog(lessons.ModeSkip, ""),                     // never runs
		prog(lessons.ModeCompile, ""),                  // built by the go command
		prog(lessons.ModeCompileFail, engine.Yaegi),    // checked by the interpreter
		prog(lessons.ModeCompileFail, engine.Compiled), // built by the go command
	}
	want := 4
	if !sandbox.DirectStart() {
		want = 5
	}
	if got := childRuns(items, engine.Auto); got != want {
		t.Errorf("childRuns = %d, want %d (direct starts: %v)", got, want, sandbox.DirectStart())
	}
	// --engine compiled applies to the programs that name no engine.
	if got := childRuns(items[:1], engine.Compiled); got != 0 && sandbox.DirectStart() {
		t.Errorf("childRuns with --engine compiled = %d, want 0", got)
	}
}

// TestVerifyCommandLineSettings checks that only the settings given on the
// command line override a document's front matter.
func TestVerifyCommandLineSettings(t *testing.T) {
	tests := []struct {
		args []string
		want lessons.CommandLine
	}{
		{nil, lessons.CommandLine{}},
		{[]string{"--engine", "auto"}, lessons.CommandLine{Engine: "auto"}},
		{[]string{"a.md", "--timeout=3s"}, lessons.CommandLine{Timeout: 3 * time.Second}},
		{[]string{"--engine=compiled", "a.md", "--timeout", "1m"}, lessons.CommandLine{Engine: "compiled", Timeout: time.Minute}},
	}
	for _, tt := range tests {
		f, err := parseVerify(tt.args, learn.Globals{Color: "auto"})
		if err != nil {
			t.Fatal(err)
		}
		if got := f.commandLine(); got != tt.want {
			t.Errorf("%q: command line %+v, want %+v", tt.args, got, tt.want)
		}
	}
}

func TestCommand(t *testing.T) {
	tests := []struct {
		args  []string
		g     learn.Globals
		name  string
		rest  []string
		found bool
	}{
		{[]string{"verify", "a.md"}, learn.Globals{Color: "auto"}, "verify", []string{"a.md"}, true},
		{[]string{"--color", "never", "verify", "a.md", "--json"}, learn.Globals{Color: "never"}, "verify", []string{"a.md", "--json"}, true},
		{[]string{"--lessons=L", "--dir", "D", "list"}, learn.Globals{Color: "auto", Lessons: "L", Dir: "D"}, "list", []string{}, true},
		{[]string{"--dir", "verify", "list"}, learn.Globals{Color: "auto", Dir: "verify"}, "list", []string{}, true},
		{[]string{"--color", "never"}, learn.Globals{Color: "never"}, "", nil, false},
		{[]string{"--nope", "verify"}, learn.Globals{Color: "auto"}, "", nil, false},
		{[]string{"--", "verify"}, learn.Globals{Color: "auto"}, "", nil, false},
		{nil, learn.Globals{Color: "auto"}, "", nil, false},
	}
	for _, tt := range tests {
		g, name, rest, ok := command(tt.args)
		if ok != tt.found || name != tt.name || (ok && (g != tt.g || !slices.Equal(rest, tt.rest))) {
			t.Errorf("command(%q) = %+v %q %q %v; want %+v %q %q %v", tt.args, g, name, rest, ok, tt.g, tt.name, tt.rest, tt.found)
		}
	}
}

// FuzzCommand checks that splitting a command line never panics and that
// the command and its arguments are the tail of the arguments.
func FuzzCommand(f *testing.F) {
	f.Add("--color\x00never\x00verify\x00a.md")
	f.Add("--lessons=x\x00list\x00--dir\x00y")
	f.Add("-h")
	f.Fuzz(func(t *testing.T, joined string) {
		args := strings.Split(joined, "\x00")
		_, name, rest, ok := command(args)
		if !ok {
			return
		}
		tail := append([]string{name}, rest...)
		if len(tail) > len(args) || !slices.Equal(args[len(args)-len(tail):], tail) {
			t.Errorf("command(%q): name %q and rest %q are not the tail of the arguments", args, name, rest)
		}
	})
}
