package verify

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/engine"
	"github.com/ppworkbook/workbook/workbook/term"
)

// TestNotesGolden: every report says when a program's output was cut at
// the cap (pass or fail) and when yaegi disagreed with the compiled
// verdict that stands.
func TestNotesGolden(t *testing.T) {
	docs := []*lessons.Document{{File: "n.md", Programs: []*lessons.Program{
		program("n.md", 5, "flood-pass", nil),
		program("n.md", 15, "flood-fail", expect("hi\n")),
		program("n.md", 25, "gap", expect("error\n")),
		program("n.md", 35, "plain", expect("hi\n")),
	}}}
	big := bytes.Repeat([]byte("y\n"), 8)
	f := &fakeRunner{verdicts: map[string]*engine.Verdict{
		"flood-pass": {End: engine.Exited, Stdout: big, StdoutTruncated: true, OutputCap: 1 << 20, Duration: 30 * time.Millisecond},
		"flood-fail": {End: engine.Exited, Stdout: big, StderrTruncated: true, StdoutTruncated: true, OutputCap: 64 << 10, Duration: 30 * time.Millisecond},
		"gap": {Engine: engine.Compiled, End: engine.Exited, Stdout: []byte("error\n"), Duration: 9 * time.Millisecond,
			Fallback:       "yaegi's run failed its check: exit status 0",
			YaegiDisagreed: "stdout differs"},
		"plain": ok("hi\n"),
	}}
	results := Run(context.Background(), f, Select(docs, Selection{}), Options{Jobs: 1}, nil)
	var out bytes.Buffer
	for _, r := range results {
		WriteLine(&out, r, term.NewPalette(false))
	}
	fmt.Fprintln(&out, Count(results))
	golden(t, "notes-lines.golden", out.String())
	out.Reset()
	if err := WriteJSON(&out, results); err != nil {
		t.Fatal(err)
	}
	golden(t, "notes-report.json", out.String())
	out.Reset()
	if err := WriteJUnit(&out, results); err != nil {
		t.Fatal(err)
	}
	golden(t, "notes-junit.xml", out.String())
	out.Reset()
	WriteAnnotations(&out, results)
	golden(t, "notes-annotations.golden", out.String())
	if f.reqs["gap"].Accept == nil {
		t.Errorf("verify gave the engine no Accept")
	}
}

// TestAcceptStarter: the engine's Accept asks for what makes verify pass:
// an exercise starter must fail its check (its output, or requires=).
func TestAcceptStarter(t *testing.T) {
	starter := program("a.md", 8, "ex/starter", func(p *lessons.Program) {
		expect("x\n")(p)
		p.Role = lessons.RoleStarter
	})
	lazy := program("a.md", 8, "ex/starter", func(p *lessons.Program) {
		expect("x\n")(p)
		p.Role = lessons.RoleStarter
		p.Expect.Requires = []string{"exec.CommandContext"}
	})
	solution := program("a.md", 20, "ex", expect("x\n"))
	tests := []struct {
		name string
		p    *lessons.Program
		v    *engine.Verdict
		want bool
	}{
		{"starter fails its check", starter, ok("y\n"), true},
		{"starter passes its check", starter, ok("x\n"), false},
		{"starter lacks a required name", lazy, ok("x\n"), true},
		{"solution passes", solution, ok("x\n"), true},
		{"solution fails", solution, ok("y\n"), false},
	}
	for _, tt := range tests {
		if got := accept(tt.p)(tt.v); got != tt.want {
			t.Errorf("%s: accept = %v, want %v", tt.name, got, tt.want)
		}
	}
}
