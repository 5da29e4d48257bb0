package lessons_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/ppworkbook/workbook/lessons"
)

// TestResolvePrecedence checks every pair of sources, for the engine and the
// timeout: the program's attribute beats the command line, which beats the
// front matter, which beats the built-in default; "auto" counts as set.
func TestResolvePrecedence(t *testing.T) {
	const (
		program = iota
		commandLine
		frontMatter
		builtIn
	)
	names := []string{"program", "command line", "front matter", "default"}
	engines := []string{"yaegi", "compiled", "both", lessons.DefaultEngine}
	timeouts := []time.Duration{1 * time.Second, 2 * time.Second, 3 * time.Second, lessons.DefaultTimeout}
	// set returns the sources with only those in on given a value.
	set := func(on ...int) (*lessons.Program, lessons.Defaults, lessons.CommandLine) {
		p, d, cl := &lessons.Program{}, lessons.Defaults{}, lessons.CommandLine{}
		for _, s := range on {
			switch s {
			case program:
				p.Engine, p.Timeout = engines[program], timeouts[program]
			case commandLine:
				cl.Engine, cl.Timeout = engines[commandLine], timeouts[commandLine]
			case frontMatter:
				d.Engine, d.Timeout = engines[frontMatter], timeouts[frontMatter]
			}
		}
		return p, d, cl
	}
	for hi := program; hi <= builtIn; hi++ {
		for lo := hi + 1; lo <= builtIn; lo++ {
			t.Run(fmt.Sprintf("%s over %s", names[hi], names[lo]), func(t *testing.T) {
				p, d, cl := set(hi, lo)
				got := lessons.Resolve(p, d, cl)
				if got.Engine != engines[hi] || got.Timeout != timeouts[hi] {
					t.Errorf("Resolve = engine %q timeout %v, want %q %v (from the %s)", got.Engine, got.Timeout, engines[hi], timeouts[hi], names[hi])
				}
				// The lower source alone wins over what is below it.
				p, d, cl = set(lo)
				got = lessons.Resolve(p, d, cl)
				if got.Engine != engines[lo] || got.Timeout != timeouts[lo] {
					t.Errorf("alone, Resolve = engine %q timeout %v, want %q %v (from the %s)", got.Engine, got.Timeout, engines[lo], timeouts[lo], names[lo])
				}
			})
		}
	}
}

// TestResolveAutoIsAValue checks that engine="auto" on a program or in
// front matter is kept, not taken for "not set".
func TestResolveAutoIsAValue(t *testing.T) {
	tests := []struct {
		name    string
		program string
		cl      string
		page    string
		want    string
	}{
		{"program auto, page yaegi", "auto", "", "yaegi", "auto"},
		{"program auto, command line compiled", "auto", "compiled", "yaegi", "auto"},
		{"command line auto, page yaegi", "", "auto", "yaegi", "auto"},
		{"page auto", "", "", "auto", "auto"},
		{"program yaegi, command line auto", "yaegi", "auto", "", "yaegi"},
		{"page yaegi, command line compiled", "", "compiled", "yaegi", "compiled"},
		{"page yaegi alone", "", "", "yaegi", "yaegi"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := lessons.Resolve(&lessons.Program{Engine: tt.program}, lessons.Defaults{Engine: tt.page}, lessons.CommandLine{Engine: tt.cl})
			if got.Engine != tt.want {
				t.Errorf("engine = %q, want %q", got.Engine, tt.want)
			}
		})
	}
}

// TestResolveProgramOnly checks the settings only a program gives.
func TestResolveProgramOnly(t *testing.T) {
	tests := []struct {
		mode        lessons.Mode
		exit        int
		compileOnly bool
	}{
		{lessons.ModeRun, 0, false},
		{lessons.ModeRun, 3, false},
		{lessons.ModeRun, lessons.ExitNonZero, false},
		{lessons.ModeCompile, 0, true},
		{lessons.ModeCompileFail, 0, true},
		{lessons.ModeSkip, 0, false},
	}
	for _, tt := range tests {
		p := &lessons.Program{Mode: tt.mode, Expect: lessons.Expect{Exit: tt.exit}}
		got := lessons.Resolve(p, lessons.Defaults{Engine: "yaegi"}, lessons.CommandLine{Engine: "compiled"})
		if got.Mode != tt.mode || got.Exit != tt.exit || got.CompileOnly() != tt.compileOnly {
			t.Errorf("mode %v exit %d: got mode %v exit %d compile-only %v, want compile-only %v", tt.mode, tt.exit, got.Mode, got.Exit, got.CompileOnly(), tt.compileOnly)
		}
	}
}

// TestParseKeepsPageDefaultsOut checks that a document's front matter
// reaches a run through Resolve, not through the program's own fields.
func TestParseKeepsPageDefaultsOut(t *testing.T) {
	doc, err := lessons.Parse("page.md", []byte("+++\n[workbook]\nengine = \"yaegi\"\ntimeout = \"3s\"\n+++\n\n```go {engine=\"auto\"}\npackage main\n\nfunc main() {}\n```\n\n```go\npackage main\n\nfunc main() {}\n```\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Programs) != 2 {
		t.Fatalf("got %d programs, want 2", len(doc.Programs))
	}
	tests := []struct {
		cl         lessons.CommandLine
		own, plain string
	}{
		{lessons.CommandLine{}, "auto", "yaegi"},
		{lessons.CommandLine{Engine: "compiled"}, "auto", "compiled"},
	}
	for _, tt := range tests {
		own := lessons.Resolve(doc.Programs[0], doc.Defaults, tt.cl)
		plain := lessons.Resolve(doc.Programs[1], doc.Defaults, tt.cl)
		if own.Engine != tt.own || plain.Engine != tt.plain {
			t.Errorf("command line %+v: engines %q and %q, want %q and %q", tt.cl, own.Engine, plain.Engine, tt.own, tt.plain)
		}
		if plain.Timeout != 3*time.Second {
			t.Errorf("command line %+v: timeout %v, want the page's 3s", tt.cl, plain.Timeout)
		}
	}
}
