package learn

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ppworkbook/workbook/lessons"
)

func TestRenderGolden(t *testing.T) {
	tests := []struct {
		lesson string
		colour bool
		width  int
	}{
		{"01-hello.md", false, 72},
		{"01-hello.md", true, 72},
		{"01-hello.md", false, 40},
		{"02-counting.md", false, 72},
	}
	for _, tt := range tests {
		name := strings.TrimSuffix(tt.lesson, ".md")
		if tt.colour {
			name += "-colour"
		}
		if tt.width != 72 {
			name += "-narrow"
		}
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("testdata", "lessons", tt.lesson))
			if err != nil {
				t.Fatal(err)
			}
			doc, err := lessons.Parse(tt.lesson, src)
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := renderMarkdown(&b, src, doc, newPalette(tt.colour), tt.width); err != nil {
				t.Fatal(err)
			}
			golden(t, "render-"+name+".txt", b.String())
			if strings.Contains(b.String(), "secret") || strings.Contains(b.String(), "Change the string") {
				t.Error("a hidden block was shown")
			}
		})
	}
}

func TestRenderWithoutDocument(t *testing.T) {
	src := "---\ntitle: x\n---\n# T\n\n```go\nx := 1\n```\n<!-- workbook\n```go\nhidden()\n```\n-->\n"
	var b bytes.Buffer
	if err := renderMarkdown(&b, []byte(src), nil, newPalette(false), 80); err != nil {
		t.Fatal(err)
	}
	want := "T\n═\n\n    go\n    1 │ x := 1\n"
	if b.String() != want {
		t.Errorf("got:\n%q\nwant:\n%q", b.String(), want)
	}
}

func TestWrap(t *testing.T) {
	r := &renderer{p: newPalette(false)}
	id := func(s string) string { return s }
	tests := []struct {
		name  string
		spans []span
		width int
		want  []string
	}{
		{"fits", []span{{text: "a b c", style: id}}, 10, []string{"a b c"}},
		{"breaks", []span{{text: "aaa bbb ccc", style: id}}, 7, []string{"aaa bbb", "ccc"}},
		{"long word alone", []span{{text: "a verylongword b", style: id}}, 5, []string{"a", "verylongword", "b"}},
		{"glued punctuation stays", []span{{text: "see ", style: id}, {text: "`x`", style: id, code: true}, {text: ". next", style: id}}, 7, []string{"see", "`x`.", "next"}},
		{"code span not split", []span{{text: "run ", style: id}, {text: "`go run .`", style: id, code: true}}, 8, []string{"run", "`go run .`"}},
		{"hard break", []span{{text: "a", style: id}, {text: "\n"}, {text: "b", style: id}}, 80, []string{"a", "b"}},
		{"empty", nil, 10, []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := r.wrap(tt.spans, tt.width)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRenderTitleAndSecrets(t *testing.T) {
	src := "+++\ntitle = \"Front\"\n+++\n\nText.\n\n```go {exercise=\"x\"}\nfunc main() {}\n```\n\n```hint {exercise=\"x\"}\nvisible hint\n```\n\n```go {exercise=\"x\" solution=true}\nfunc main() { solved() }\n```\n"
	doc, err := lessons.Parse("t.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := renderMarkdown(&b, []byte(src), doc, newPalette(false), 80); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	if !strings.HasPrefix(got, "Front\n═════\n\nText.\n") {
		t.Errorf("the front-matter title is not the heading:\n%s", got)
	}
	if strings.Contains(got, "visible hint") || strings.Contains(got, "solved()") {
		t.Errorf("a hint or a solution was shown:\n%s", got)
	}
}
