package lessons_test

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/ppworkbook/workbook/internal/golden"
	"github.com/ppworkbook/workbook/lessons"
)

// TestGolden parses the document of each testdata/*.txtar archive (its
// first file) and compares the listing of the result with the archive's
// "want" file, or the error with its "error" file.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no golden files")
	}
	for _, path := range files {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(ar.Files) == 0 {
				t.Fatal("archive holds no document")
			}
			in := ar.Files[0]
			doc, err := lessons.Parse(in.Name, in.Data)
			var got, wantName string
			if err != nil {
				var lerr *lessons.Error
				if !errors.As(err, &lerr) {
					t.Fatalf("error %v is not a *lessons.Error", err)
				}
				got, wantName = err.Error()+"\n", "error"
			} else {
				got, wantName = listing(doc), "want"
				checkMap(t, doc, in.Data)
			}
			idx := -1
			for i, f := range ar.Files {
				if f.Name == "want" || f.Name == "error" {
					idx = i
				}
			}
			if golden.Update() {
				f := txtar.File{Name: wantName, Data: []byte(got)}
				if idx < 0 {
					ar.Files = append(ar.Files, f)
				} else {
					ar.Files[idx] = f
				}
				if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if idx < 0 {
				t.Fatalf("no want or error file; got:\n%s", got)
			}
			if ar.Files[idx].Name != wantName {
				t.Fatalf("got %s, want %s:\n%s", wantName, ar.Files[idx].Name, got)
			}
			if want := string(ar.Files[idx].Data); got != want {
				t.Errorf("listing differs (run go test -update to accept)\ngot:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// checkMap checks that every mapped line of every program's source is the
// Markdown line the map names (indentation and block-quote markers aside).
func checkMap(t *testing.T, doc *lessons.Document, md []byte) {
	t.Helper()
	mdLines := strings.Split(string(md), "\n")
	for _, p := range doc.Programs {
		src := strings.Split(strings.TrimSuffix(p.Source, "\n"), "\n")
		if len(src) != len(p.Map.Lines) {
			t.Errorf("program %s: %d source lines, %d map entries", p.Name, len(src), len(p.Map.Lines))
			continue
		}
		for i, l := range src {
			pos, ok := p.Map.Lookup(i + 1)
			if !ok {
				continue
			}
			if pos.File != doc.File || pos.Line < 1 || pos.Line > len(mdLines) {
				t.Errorf("program %s: line %d maps to %v", p.Name, i+1, pos)
				continue
			}
			// Fences in block quotes and list items lose their prefix.
			md := strings.TrimLeft(strings.TrimSpace(mdLines[pos.Line-1]), "> ")
			if md != strings.TrimSpace(l) {
				t.Errorf("program %s: line %d %q maps to line %d %q", p.Name, i+1, l, pos.Line, mdLines[pos.Line-1])
			}
		}
	}
}

// listing prints everything Parse returned, for golden comparison.
func listing(doc *lessons.Document) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "title %q weight %d\n", doc.Title, doc.Weight)
	d := doc.Defaults
	if d != (lessons.Defaults{}) {
		fmt.Fprintf(&b, "defaults engine=%q timeout=%v match=%q\n", d.Engine, d.Timeout, d.Match)
	}
	for _, s := range doc.Sections {
		fmt.Fprintf(&b, "section %s %q #%s lines %d-%d\n", strings.Repeat("#", s.Level), s.Title, s.Slug, s.Line, s.End)
	}
	for _, s := range doc.Shell {
		fmt.Fprintf(&b, "shell %s\n", block(s))
	}
	for _, p := range doc.Programs {
		fmt.Fprintf(&b, "program %q line %d mode %s", p.Name, p.Line, p.Mode)
		// The program's own setting, else the page's (the settings a
		// run uses without a command line).
		if e := cmp.Or(p.Engine, d.Engine); e != "" {
			fmt.Fprintf(&b, " engine %s", e)
		}
		if t := cmp.Or(p.Timeout, d.Timeout); t != 0 {
			fmt.Fprintf(&b, " timeout %v", t)
		}
		if p.Exercise != "" {
			fmt.Fprintf(&b, " exercise %q role %s", p.Exercise, p.Role)
		}
		b.WriteString("\n")
		if p.SkipReason != "" {
			fmt.Fprintf(&b, "  skip-reason %q\n", p.SkipReason)
		}
		for _, bl := range p.Blocks {
			fmt.Fprintf(&b, "  block %s\n", block(bl))
		}
		if p.Stdin != nil {
			fmt.Fprintf(&b, "  stdin %q\n", *p.Stdin)
		}
		e := p.Expect
		output(&b, "stdout", e.Stdout)
		output(&b, "stderr", e.Stderr)
		if e.Exit != 0 {
			fmt.Fprintf(&b, "  exit %d\n", e.Exit)
		}
		if e.CompileError != "" {
			fmt.Fprintf(&b, "  compile-error %q\n", e.CompileError)
		}
		if e.Until {
			b.WriteString("  until output\n")
		}
		if len(e.Requires) > 0 {
			fmt.Fprintf(&b, "  requires %s\n", strings.Join(e.Requires, " "))
		}
		for _, c := range e.Cases {
			fmt.Fprintf(&b, "  case %q line %d args %q env %q exit %d own-main %v\n", c.Name, c.Line, c.Args, c.Env, c.Exit, c.OwnMain)
			if c.Stdin != nil {
				fmt.Fprintf(&b, "    stdin %q\n", *c.Stdin)
			}
			names := make([]string, 0, len(c.Files))
			for n := range c.Files {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				fmt.Fprintf(&b, "    file %s %q\n", n, c.Files[n])
			}
			for _, o := range []struct {
				name string
				o    *lessons.Output
			}{{"stdout", c.Stdout}, {"stderr", c.Stderr}} {
				if o.o != nil {
					fmt.Fprintf(&b, "    %s %s %q\n", o.name, o.o.Match, o.o.Text)
				}
			}
		}
		if h := e.Harness; h != nil {
			fmt.Fprintf(&b, "  harness line %d:\n", h.Line)
			for _, l := range strings.SplitAfter(h.Source, "\n") {
				if l != "" {
					fmt.Fprintf(&b, "    |%s", l)
				}
			}
		}
		b.WriteString("  source:\n")
		for _, l := range strings.SplitAfter(p.Source, "\n") {
			if l != "" {
				fmt.Fprintf(&b, "    |%s", l)
			}
		}
	}
	for _, ex := range doc.Exercises {
		fmt.Fprintf(&b, "exercise %q title %q line %d starter %q", ex.Name, ex.Title, ex.Line, ex.Starter.Name)
		if ex.Solution != nil {
			fmt.Fprintf(&b, " solution %q", ex.Solution.Name)
		}
		b.WriteString("\n")
		for _, h := range ex.Hints {
			fmt.Fprintf(&b, "  hint %q\n", h)
		}
	}
	return b.String()
}

func block(bl lessons.Block) string {
	s := fmt.Sprintf("%s line %d body %d", bl.Lang, bl.Line, bl.BodyLine)
	if bl.Hidden {
		s += " hidden"
	}
	if len(bl.Attrs) > 0 {
		keys := make([]string, 0, len(bl.Attrs))
		for k := range bl.Attrs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			s += fmt.Sprintf(" %s=%q", k, bl.Attrs[k])
		}
	}
	return s
}

func output(b *bytes.Buffer, stream string, o *lessons.Output) {
	if o == nil {
		return
	}
	fmt.Fprintf(b, "  %s match %s", stream, o.Match)
	if o.Unordered {
		b.WriteString(" unordered")
	}
	fmt.Fprintf(b, " line %d %q\n", o.Line, o.Text)
}
