package learn

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ppworkbook/workbook/lessons"
)

func testCatalog(t *testing.T) *catalog {
	t.Helper()
	c, err := loadCatalog(os.DirFS("testdata/lessons"), "test")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestLearnerProgram(t *testing.T) {
	c := testCatalog(t)
	e, err := c.Exercise("greet")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		src    string
		source string
		lines  []lessons.Pos
	}{
		{
			name:   "whole file",
			src:    "package main\n\nfunc main() {}\n",
			source: "//line my/main.go:1\npackage main\n\nfunc main() {}\n",
			lines:  []lessons.Pos{{}, {File: "my/main.go", Line: 1}, {File: "my/main.go", Line: 2}, {File: "my/main.go", Line: 3}},
		},
		{
			name:   "no package clause",
			src:    "// hi\nfunc main() {}",
			source: "package main\n//line my/main.go:1\n// hi\nfunc main() {}\n",
			lines:  []lessons.Pos{{}, {}, {File: "my/main.go", Line: 1}, {File: "my/main.go", Line: 2}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := learnerProgram(e, "my/main.go", []byte(tt.src))
			if p.Source != tt.source {
				t.Errorf("Source:\n%q\nwant:\n%q", p.Source, tt.source)
			}
			if len(p.Map.Lines) != len(tt.lines) {
				t.Fatalf("Map has %d lines, want %d", len(p.Map.Lines), len(tt.lines))
			}
			for i, want := range tt.lines {
				if p.Map.Lines[i] != want {
					t.Errorf("Map line %d = %v, want %v", i+1, p.Map.Lines[i], want)
				}
			}
			if p.File != "my/main.go" || p.Line != 0 || p.Exercise != "greet" || p.Role != lessons.RoleSolution {
				t.Errorf("program %+v", p)
			}
			if p.Expect.Stdout == nil || strings.TrimSpace(p.Expect.Stdout.Text) != "hello, workbook" {
				t.Errorf("the starter's expectations were not kept: %+v", p.Expect.Stdout)
			}
			if e.Ex.Starter.File == "my/main.go" {
				t.Error("learnerProgram changed the starter")
			}
		})
	}
}

func TestHasPackageClause(t *testing.T) {
	tests := []struct {
		src  string
		want bool
	}{
		{"package main\n", true},
		{"// doc\n\n/* block\ncomment */\npackage main", true},
		{"/* a */ package main", false},
		{"func main() {}", false},
		{"packagex", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := hasPackageClause([]byte(tt.src)); got != tt.want {
			t.Errorf("hasPackageClause(%q) = %v, want %v", tt.src, got, tt.want)
		}
	}
}

func TestCatalogLookup(t *testing.T) {
	c := testCatalog(t)
	lessonsTests := []struct{ arg, want, err string }{
		{"1", "01-hello", ""},
		{"02", "02-counting", ""},
		{"01-hello", "01-hello", ""},
		{"hello", "01-hello", ""},
		{"count", "02-counting", ""},
		{"01-hello.md", "01-hello", ""},
		{"3", "", "there is no lesson 3"},
		{"0", "", "there is no lesson 0"},
		{"zzz", "", `no lesson "zzz"`},
	}
	for _, tt := range lessonsTests {
		l, err := c.Lesson(tt.arg)
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("Lesson(%q) error %v, want %q", tt.arg, err, tt.err)
		case tt.err == "" && (err != nil || l.Slug != tt.want):
			t.Errorf("Lesson(%q) = %v, %v; want %s", tt.arg, l, err, tt.want)
		}
	}
	exTests := []struct{ arg, want, err string }{
		{"greet", "01-hello/greet", ""},
		{"01-hello/greet", "01-hello/greet", ""},
		{"1/greet", "01-hello/greet", ""},
		{"hello/greet", "01-hello/greet", ""},
		{"workbook/02-counting/count/main.go", "02-counting/count", ""},
		{"/home/me/workbook/02-counting/count/", "02-counting/count", ""},
		{"2/greet", "", `has no exercise "greet"`},
		{"nope", "", `no exercise "nope"`},
	}
	for _, tt := range exTests {
		e, err := c.Exercise(tt.arg)
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("Exercise(%q) error %v, want %q", tt.arg, err, tt.err)
		case tt.err == "" && (err != nil || e.ID != tt.want):
			t.Errorf("Exercise(%q) = %v, %v; want %s", tt.arg, e, err, tt.want)
		}
	}
}

func TestCatalogOrderAndErrors(t *testing.T) {
	c := testCatalog(t)
	if len(c.Lessons) != 2 || c.Lessons[0].Slug != "01-hello" || c.Lessons[1].Num != 2 {
		t.Errorf("lessons out of order: %v", lessonSlugs(c.Lessons))
	}
	if _, err := loadCatalog(os.DirFS(t.TempDir()), "x"); err == nil || !strings.Contains(err.Error(), "no lessons") {
		t.Errorf("empty dir: %v", err)
	}
}

func TestReadmeTitle(t *testing.T) {
	fsys := fstest.MapFS{
		"README.md": {Data: []byte("Intro\n\n```\n# not this\n```\n# Systems class #\n")},
		"01-a.md":   {Data: []byte("# A\n")},
	}
	c, err := loadCatalog(fsys, "default")
	if err != nil {
		t.Fatal(err)
	}
	if c.Title != "Systems class" || len(c.Lessons) != 1 {
		t.Errorf("title %q, %d lessons; want \"Systems class\", 1", c.Title, len(c.Lessons))
	}
}
