package lessons_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ppworkbook/workbook/lessons"
)

func TestParseBytes(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"nul", []byte("# T\n\nsome\x00thing\n"), "a.md:3: binary data (NUL byte) in a Markdown document"},
		{"latin1", []byte("# T\n\ncaf\xe9\n"), "a.md:3: invalid UTF-8 (byte 0xe9)"},
		{"truncated rune", []byte("# T\n\xe2\x82"), "a.md:2: invalid UTF-8 (byte 0xe2)"},
		{"too large", bytes.Repeat([]byte("a"), lessons.MaxSize+1), "a.md: file is larger than 8 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := lessons.Parse("a.md", tt.data)
			var lerr *lessons.Error
			if !errors.As(err, &lerr) {
				t.Fatalf("Parse error = %v, want a *lessons.Error", err)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("Parse error = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseEmpty(t *testing.T) {
	for _, data := range []string{"", "\n", "# Only a title\n", "+++\n+++\n", "---\n---\n"} {
		doc, err := lessons.Parse("e.md", []byte(data))
		if err != nil {
			t.Errorf("Parse(%q) error: %v", data, err)
			continue
		}
		if len(doc.Programs) != 0 {
			t.Errorf("Parse(%q) = %d programs, want 0", data, len(doc.Programs))
		}
	}
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.md")
	if err := os.WriteFile(good, []byte("# Hi\n\n```go\nfmt.Println(1)\n```\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	doc, err := lessons.LoadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	if doc.File != good || len(doc.Programs) != 1 || doc.Programs[0].Name != "hi" {
		t.Errorf("LoadFile = %+v, want one program \"hi\" from %s", doc, good)
	}
	if !strings.Contains(doc.Programs[0].Source, "//line "+good+":4\n") {
		t.Errorf("source does not name the file in its //line directives:\n%s", doc.Programs[0].Source)
	}

	// A 50 MB (sparse) file is rejected from its size, without reading it.
	big := filepath.Join(dir, "big.md")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(50 << 20); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = lessons.LoadFile(big)
	var lerr *lessons.Error
	if !errors.As(err, &lerr) || err.Error() != big+": file is larger than 8 MiB" {
		t.Errorf("LoadFile(big) error = %v, want the size error", err)
	}

	if _, err := lessons.LoadFile(filepath.Join(dir, "missing.md")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("LoadFile(missing) error = %v, want os.ErrNotExist", err)
	}
}

func TestLoad(t *testing.T) {
	fsys := fstest.MapFS{
		"l.md":   {Data: []byte("# L\n\n```go\nfmt.Println(1)\n```\n")},
		"big.md": {Data: bytes.Repeat([]byte("x"), lessons.MaxSize+1)},
	}
	doc, err := lessons.Load(fsys, "l.md")
	if err != nil {
		t.Fatal(err)
	}
	if doc.File != "l.md" || len(doc.Programs) != 1 {
		t.Errorf("Load = %+v, want one program from l.md", doc)
	}
	if _, err := lessons.Load(fsys, "big.md"); err == nil || err.Error() != "big.md: file is larger than 8 MiB" {
		t.Errorf("Load(big) error = %v, want the size error", err)
	}
	if _, err := lessons.Load(fsys, "none.md"); err == nil {
		t.Error("Load(none.md) succeeded")
	}
}

func TestSlug(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Execute commands", "execute-commands"},
		{"IPC and pipes", "ipc-and-pipes"},
		{"Exercise: report how the child ended", "exercise-report-how-the-child-ended"},
		{"What's `os/exec`?", "whats-osexec"},
		{"Über straße 2", "über-straße-2"},
		{"snake_case and-dash", "snake_case-and-dash"},
	}
	for _, tt := range tests {
		if got := lessons.Slug(tt.in); got != tt.want {
			t.Errorf("Slug(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSourceMapLookup(t *testing.T) {
	doc, err := lessons.Parse("m.md", []byte("# M\n\n```go\nfmt.Println(1)\n```\n"))
	if err != nil {
		t.Fatal(err)
	}
	p := doc.Programs[0]
	lines := strings.Split(p.Source, "\n")
	found := false
	for i, l := range lines {
		pos, ok := p.Map.Lookup(i + 1)
		if l == "fmt.Println(1)" {
			found = true
			if !ok || pos != (lessons.Pos{File: "m.md", Line: 4}) {
				t.Errorf("Lookup(%d) = %v, %v; want m.md:4", i+1, pos, ok)
			}
		} else if ok {
			t.Errorf("synthetic line %d %q maps to %v", i+1, l, pos)
		}
	}
	if !found {
		t.Fatalf("code line missing from source:\n%s", p.Source)
	}
	for _, n := range []int{0, -1, len(p.Map.Lines) + 1} {
		if _, ok := p.Map.Lookup(n); ok {
			t.Errorf("Lookup(%d) ok, want false", n)
		}
	}
}

// FuzzParse checks that Parse never panics and that what it returns holds
// together: an *Error, or programs whose source map covers their source.
func FuzzParse(f *testing.F) {
	f.Add([]byte("# T\n\n```go\nfmt.Println(1)\n```\n\n```output\n1\n```\n"))
	f.Add([]byte("# T\n\n```go {exercise=\"e\"}\nfunc f() int { return 1 }\nfunc main() {}\n```\n\n" +
		"```case\nname = \"a\"\nargs = [\"x\"]\nenv = { K = \"v\" }\nfiles = { \"d/f\" = \"1\" }\nstdout = '1'\nexit = \"any\"\n```\n\n" +
		"```go {exercise=\"e\" harness=true}\nfunc main() { fmt.Println(f()) }\n```\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := lessons.Parse("f.md", data)
		if err != nil {
			var lerr *lessons.Error
			if !errors.As(err, &lerr) {
				t.Fatalf("error %v is not a *lessons.Error", err)
			}
			return
		}
		for _, p := range doc.Programs {
			if n := strings.Count(p.Source, "\n"); n != len(p.Map.Lines) {
				t.Fatalf("program %s: %d lines, %d map entries", p.Name, n, len(p.Map.Lines))
			}
			if p.Name == "" || len(p.Blocks) == 0 {
				t.Fatalf("program without name or blocks: %+v", p)
			}
			for _, c := range p.Expect.Cases {
				if c.Name == "" || (c.Stdout == nil && c.Stderr == nil && c.Exit == 0 && c.Line == 0) {
					t.Fatalf("program %s: a case without a name or a line: %+v", p.Name, c)
				}
			}
		}
	})
}

func TestParseCRLF(t *testing.T) {
	data := "# T\r\n\r\n```go\r\nfmt.Println(1)\r\n```\r\n\r\n```output\r\n1\r\n```\r\n"
	doc, err := lessons.Parse("c.md", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Programs) != 1 {
		t.Fatalf("got %d programs, want 1", len(doc.Programs))
	}
	p := doc.Programs[0]
	if got := p.Blocks[0].Code; got != "fmt.Println(1)\n" {
		t.Errorf("code = %q, want %q", got, "fmt.Println(1)\n")
	}
	if p.Expect.Stdout == nil || p.Expect.Stdout.Text != "1\n" {
		t.Errorf("stdout = %+v, want text %q", p.Expect.Stdout, "1\n")
	}
}

func TestLoadPaths(t *testing.T) {
	dir := t.TempDir()
	if _, err := lessons.LoadPaths([]string{filepath.Join(dir, "missing.md")}); err == nil {
		t.Error("LoadPaths of a missing file: no error")
	}
	docs, err := lessons.LoadPaths([]string{dir})
	if err != nil || len(docs) != 0 {
		t.Errorf("LoadPaths of an empty dir = %v, %v", docs, err)
	}
	// In a directory: *.md, *.markdown and *.mdx, in lexical order; a file
	// named on its own is a document whatever its name.
	doc := []byte("# T\n\n```go\nfmt.Println(1)\n```\n")
	for _, name := range []string{"b.md", "a.markdown", "sub/c.mdx", "notes.txt", "NOTES"} {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, doc, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	docs, err = lessons.LoadPaths([]string{dir, filepath.Join(dir, "NOTES")})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range docs {
		rel, _ := filepath.Rel(dir, d.File)
		got = append(got, filepath.ToSlash(rel))
	}
	if want := "a.markdown b.md sub/c.mdx NOTES"; strings.Join(got, " ") != want {
		t.Errorf("LoadPaths = %q, want %s", got, want)
	}
}

func TestLoadFSJoinsErrors(t *testing.T) {
	fsys := fstest.MapFS{
		"a.md":     {Data: []byte("```go {timeout=\"soon\"}\n```\n")},
		"d/b.md":   {Data: []byte("\x00")},
		"d/ok.md":  {Data: []byte("# ok\n")},
		"skip.txt": {Data: []byte("\x00")},
		"big.mdx":  {Data: bytes.Repeat([]byte("x"), lessons.MaxSize+1)},
	}
	docs, err := lessons.LoadFS(fsys)
	if len(docs) != 1 || docs[0].File != "d/ok.md" {
		t.Errorf("LoadFS docs = %v", docs)
	}
	for _, want := range []string{"a.md:1: bad value for timeout", "d/b.md:1: binary data", "big.mdx: file is larger than 8 MiB"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("LoadFS error = %v, want %q", err, want)
		}
	}
}
