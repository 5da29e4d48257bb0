package lessons

import (
	"go/parser"
	"go/token"
	"reflect"
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
