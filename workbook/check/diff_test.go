package check

import (
	goldenfile "github.com/ppworkbook/workbook/internal/golden"
	"github.com/ppworkbook/workbook/workbook/term"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ppworkbook/workbook/lessons"
)

// golden compares got with the golden file NAME (see internal/golden).
func golden(t *testing.T, name, got string) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", name), got)
}

func TestDiffGolden(t *testing.T) {
	tests := []struct {
		name     string
		expected string
		actual   string
		colour   bool
	}{
		{"changed-line", "Task 0\nTask 1\nTask 2\nAll tasks sent.\n", "Task 0\nTask 1\nTask 3\nAll tasks sent.\n", false},
		{"trailing-space", "hello\nworld\n", "hello  \nworld\n", false},
		{"tab", "a b\n", "a\tb\n", false},
		{"crlf", "one\ntwo\n", "one\r\ntwo\r\n", false},
		{"no-final-newline", "done\n", "done", false},
		{"missing-lines", "a\nb\nc\n", "a\n", false},
		{"colour", "hello\nworld\n", "hello\nWorld \n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			golden(t, "diff-"+tt.name+".golden", Diff(tt.expected, tt.actual, term.NewPalette(tt.colour)))
		})
	}
}

func TestDiffEqual(t *testing.T) {
	if d := Diff("a\n", "a\n", term.NewPalette(true)); d != "" {
		t.Errorf("Diff of equal texts = %q", d)
	}
}

func TestCheckDetailGolden(t *testing.T) {
	p := prog(func(p *lessons.Program) { p.Expect.Stdout = out("Reading tasks\nTask 1\nTask 2\n", lessons.MatchExact) })
	r := Check(p, exited(0, "Reading tasks\nTask 1 \nTask 2\n", ""), Options{})
	golden(t, "check-output-mismatch.golden", r.Reason()+"\n\n"+r.Detail)

	r = Check(prog(nil), exited(0, "", ""), Options{Colour: true})
	if strings.Contains(r.Detail, "\x1b[") {
		t.Errorf("a pass has coloured detail %q", r.Detail)
	}
}
