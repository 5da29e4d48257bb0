package learn

import (
	"regexp"
	"strings"
	"testing"
)

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

func TestHighlightGo(t *testing.T) {
	tests := []struct {
		name, src string
		styled    map[string]string // a token and the style it must carry
	}{
		{"program", "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"hi\", 42) // say it\n}",
			map[string]string{"package": styleKeyword, "func": styleKeyword, `"fmt"`: styleString, "42": styleNumber, "// say it": styleComment, "Println": styleCall}},
		{"fragment", "out, err := cmd.Output()\nif err != nil {",
			map[string]string{"if": styleKeyword, "Output": styleCall}},
		{"raw string over lines", "s := `a\nb`\nx := 1",
			map[string]string{"`a": styleString, "b`": styleString, "1": styleNumber}},
		{"block comment", "/* one\ntwo */ go f()",
			map[string]string{"/* one": styleComment, "two */": styleComment, "go": styleKeyword}},
		{"invalid", "x := 'ab\n\"open",
			map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := highlightGo(tt.src)
			if got := ansi.ReplaceAllString(strings.Join(lines, "\n"), ""); got != tt.src {
				t.Fatalf("text changed by highlighting:\n%q\nwant\n%q", got, tt.src)
			}
			if len(lines) != strings.Count(tt.src, "\n")+1 {
				t.Fatalf("%d lines, want %d", len(lines), strings.Count(tt.src, "\n")+1)
			}
			joined := strings.Join(lines, "\n")
			for tok, style := range tt.styled {
				if !strings.Contains(joined, style+tok+styleReset) {
					t.Errorf("%q not styled %q in %q", tok, style, joined)
				}
			}
		})
	}
}

func FuzzHighlightGo(f *testing.F) {
	f.Add("package main\nfunc main() { println(`x\ny`) }")
	f.Add("/* a\n")
	f.Fuzz(func(t *testing.T, src string) {
		lines := highlightGo(src)
		if got := ansi.ReplaceAllString(strings.Join(lines, "\n"), ""); got != src && !strings.Contains(src, "\x1b") {
			t.Fatalf("text changed: %q -> %q", src, got)
		}
	})
}
