package lessons

import (
	"go/parser"
	"go/token"
	"reflect"
	"strings"
	"testing"
)

func TestResolveImports(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"math/rand before math/rand/v2", "rand.Intn(3)", []string{"math/rand"}},
		{"only v2 has N", "rand.N(3)", []string{"math/rand/v2"}},
		{"text/template before html/template", "template.New(\"x\")", []string{"text/template"}},
		{"html/template when only it fits", "template.HTMLEscapeString(\"\"); template.CSS(\"\")", []string{"html/template"}},
		{"x/sys/unix", "unix.Mkfifo(\"p\", 0o600)", []string{"golang.org/x/sys/unix"}},
		{"several", "fmt.Println(os.Args, strings.ToUpper(\"\"))", []string{"fmt", "os", "strings"}},
		{"unknown package", "nosuch.Thing()", nil},
		{"unknown symbol", "fmt.NoSuchThing()", nil},
		{"unexported", "fmt.newPrinter()", nil},
		{"local shadows", "fmt := 1; _ = fmt; os := struct{ Args int }{}; _ = os.Args", nil},
		{"already imported", "sort.Ints(nil)", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "package main\nimport \"sort\"\nfunc main() {\n" + tt.src + "\n}\n"
			f, err := parser.ParseFile(token.NewFileSet(), "x.go", src, 0)
			if err != nil {
				t.Fatal(err)
			}
			if got := resolveImports(f); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("resolveImports = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestImportName(t *testing.T) {
	for in, want := range map[string]string{"math/rand/v2": "rand", "fmt": "fmt", "golang.org/x/sys/unix": "unix", "v2": "v2"} {
		if got := importName(in); got != want {
			t.Errorf("importName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestImportPackages: the heads genindex writes are the index's lines, in
// order and sorted by path (isStdPath searches them).
func TestImportPackages(t *testing.T) {
	lines := strings.Split(strings.TrimSuffix(importIndex, "\n"), "\n")
	if len(lines) != len(importPackages) {
		t.Fatalf("%d lines in the index, %d heads", len(lines), len(importPackages))
	}
	at := 0
	for i, l := range lines {
		p := importPackages[i]
		if want := p.path + " " + p.name + " " + importIndex[p.syms:p.end]; l != want || p.end != at+len(l) {
			t.Fatalf("line %d is %.60q, its head says %.60q (end %d, want %d)", i, l, want, p.end, at+len(l))
		}
		if i > 0 && importPackages[i-1].path >= p.path {
			t.Errorf("%s after %s", p.path, importPackages[i-1].path)
		}
		if !isStdPath(p.path) {
			t.Errorf("isStdPath(%q) = false", p.path)
		}
		at += len(l) + 1
	}
	for _, p := range []string{"", "fmt/x", "example.com/fmt", "golang.org/x/sys", "zzz"} {
		if isStdPath(p) {
			t.Errorf("isStdPath(%q) = true", p)
		}
	}
}
