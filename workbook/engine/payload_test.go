package engine

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/ppworkbook/workbook/lessons"
)

// TestReportFilter feeds a stream in every possible split and checks that
// the report never gets through and the rest always does.
func TestReportFilter(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"no report", "a\nb\n", "a\nb\n"},
		{"report only", "\n" + reportPrefix + "build\nx.md:1: bad\n", ""},
		{"output then report", "warning\n\n" + reportPrefix + "internal\nboom\n", "warning\n"},
		{"partial marker at end", "a\n\x00work", "a\n\x00work"},
	}
	for _, tt := range tests {
		for cut := 0; cut <= len(tt.in); cut++ {
			var out bytes.Buffer
			f := &reportFilter{w: &out}
			f.Write([]byte(tt.in[:cut]))
			f.Write([]byte(tt.in[cut:]))
			f.flush()
			if out.String() != tt.want {
				t.Errorf("%s, cut at %d: got %q, want %q", tt.name, cut, out.String(), tt.want)
			}
		}
	}
}

func TestSplitReport(t *testing.T) {
	kind, lines, rest := splitReport([]byte("out\n\n" + reportPrefix + "build\nf.md:3: one\nf.md:4: two\n\tcontinued\n"))
	if kind != "build" || string(rest) != "out\n" {
		t.Errorf("kind %q rest %q", kind, rest)
	}
	if want := []string{"f.md:3: one", "f.md:4: two\ncontinued"}; strings.Join(lines, "|") != strings.Join(want, "|") {
		t.Errorf("lines %q, want %q", lines, want)
	}
	if kind, _, rest := splitReport([]byte("plain")); kind != "" || string(rest) != "plain" {
		t.Errorf("no report: kind %q rest %q", kind, rest)
	}
}

func TestDiagnostic(t *testing.T) {
	p := &lessons.Program{File: "dir/lesson.md", Map: lessons.SourceMap{Lines: []lessons.Pos{{}, {File: "dir/lesson.md", Line: 40}}}}
	tests := []struct {
		line string
		want Diagnostic
		ok   bool
	}{
		{"dir/lesson.md:12: undefined: x", Diagnostic{Pos: lessons.Pos{File: "dir/lesson.md", Line: 12}, Msg: "undefined: x"}, true},
		{"dir/lesson.md:12:5: undefined: x", Diagnostic{Pos: lessons.Pos{File: "dir/lesson.md", Line: 12}, Msg: "undefined: x"}, true},
		{"_.go:2:1: bad", Diagnostic{Pos: lessons.Pos{File: "dir/lesson.md", Line: 40}, Msg: "bad"}, true},
		{"/root/go/pkg/mod/github.com/traefik/yaegi/x.go:3:4: undefined type for E", Diagnostic{Msg: "/root/go/pkg/mod/github.com/traefik/yaegi/x.go:3:4: undefined type for E"}, false},
		{"no position", Diagnostic{Msg: "no position"}, true},
		{"2:30: cannot use x", Diagnostic{Pos: lessons.Pos{File: "dir/lesson.md", Line: 40}, Msg: "cannot use x"}, true},
	}
	for _, tt := range tests {
		got, ok := diagnostic(tt.line, p)
		if got != tt.want || ok != tt.ok {
			t.Errorf("diagnostic(%q) = %+v, %v; want %+v, %v", tt.line, got, ok, tt.want, tt.ok)
		}
	}
}

// TestPlaceFrames checks that frames reported at a function's first
// statement move to the panicking call.
func TestPlaceFrames(t *testing.T) {
	src := "package main\n\nfunc f(s []int) int {\n//line l.md:10\n\tx := 1\n\t_ = x\n\tpanic(\"boom\")\n}\n\nfunc main() {\n//line l.md:20\n\tprintln()\n\tf(nil)\n}\n"
	got := placeFrames(src, []frame{{"l.md", "10", "main.f"}, {"l.md", "20", "main.main"}})
	want := []frame{{"l.md", "12", "main.f"}, {"l.md", "21", "main.main"}}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

type str string

func (s str) String() string { return "S:" + string(s) }

func TestPanicValue(t *testing.T) {
	tests := []struct {
		v    any
		want string
	}{
		{"text", "text"},
		{errors.New("an error"), "an error"},
		{str("x"), "S:x"},
		{42, "42"},
		{nil, "nil"},
	}
	for _, tt := range tests {
		if got := panicValue(tt.v); got != tt.want {
			t.Errorf("panicValue(%#v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

// TestPanicFramesPassThrough checks that the interpreter's stderr passes
// everything but yaegi's per-frame panic lines.
func TestPanicFramesPassThrough(t *testing.T) {
	var out bytes.Buffer
	p := &panicFrames{w: &out}
	p.Write([]byte("l.md:10: panic: main.f(...)\nordinary"))
	p.Write([]byte(" line\n"))
	if out.String() != "ordinary line\n" {
		t.Errorf("passed %q", out.String())
	}
	if len(p.frames) != 1 || p.frames[0] != (frame{"l.md", "10", "main.f"}) {
		t.Errorf("frames %+v", p.frames)
	}
	out.Reset()
	p.crash("boom")
	want := "panic: boom\n\ngoroutine 1 [running]:\nmain.f(...)\n\tl.md:10 +0x0\nexit status 2\n"
	if out.String() != want {
		t.Errorf("crash wrote %q, want %q", out.String(), want)
	}
}
