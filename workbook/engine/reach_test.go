package engine

import (
	"testing"

	"github.com/ppworkbook/workbook/lessons"
)

// TestDocDir: a program sees its document's folder, and is not offline,
// unless it imports only packages that reach no file, process or socket.
func TestDocDir(t *testing.T) {
	for _, tc := range []struct {
		name          string
		source, tests string
		want          string
	}{
		{"fmt and strings only", "package main\n\nimport (\n\t\"fmt\"\n\t\"strings\"\n)\n\nfunc main() { fmt.Println(strings.ToUpper(\"a\")) }\n", "", ""},
		{"no imports", "package main\n\nfunc main() { println(1) }\n", "", ""},
		{"os reads files", "package main\n\nimport \"os\"\n\nfunc main() { os.ReadFile(\"data.txt\") }\n", "", "DIR"},
		{"os/exec starts processes", "package main\n\nimport \"os/exec\"\n\nfunc main() { exec.Command(\"cat\", \"data.txt\").Run() }\n", "", "DIR"},
		{"text/template parses files", "package main\n\nimport \"text/template\"\n\nfunc main() { template.ParseFiles(\"t.tmpl\") }\n", "", "DIR"},
		{"path/filepath walks", "package main\n\nimport \"path/filepath\"\n\nfunc main() { filepath.Glob(\"*\") }\n", "", "DIR"},
		{"another module", "package main\n\nimport \"example.com/files\"\n\nfunc main() { files.Read() }\n", "", "DIR"},
		{"unsafe", "package main\n\nimport \"unsafe\"\n\nvar _ = unsafe.Sizeof(0)\n\nfunc main() {}\n", "", "DIR"},
		{"tests that read files", "package calc\n\nfunc Add(a, b int) int { return a + b }\n", "package calc\n\nimport (\n\t\"os\"\n\t\"testing\"\n)\n\nfunc TestAdd(t *testing.T) { os.ReadFile(\"golden\") }\n", "DIR"},
		{"tests that do not", "package calc\n\nfunc Add(a, b int) int { return a + b }\n", "package calc\n\nimport \"testing\"\n\nfunc TestAdd(t *testing.T) {}\n", ""},
		{"does not parse", "package main\n\nimport \"fmt\n", "", "DIR"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &lessons.Program{Source: tc.source, Tests: tc.tests}
			dir, offline := runPlace(p, "DIR")
			if dir != tc.want || offline != (tc.want == "") {
				t.Errorf("runPlace = %q, %v; want %q, %v", dir, offline, tc.want, tc.want == "")
			}
			if dir, _ := runPlace(p, ""); dir != "" {
				t.Errorf("runPlace without a folder = %q", dir)
			}
		})
	}
}
