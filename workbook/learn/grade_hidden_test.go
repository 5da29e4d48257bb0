package learn

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ppworkbook/workbook/workbook/sandbox"
)

// peekLesson has two exercises: peek, whose right output is what a program
// sees of another student's directory when it is hidden, and notes, which
// reads a file of the class directory that is no student's (the control:
// the class directory itself is not hidden).
const peekLesson = `# Peek

## Exercise: peek

` + "```go {exercise=\"peek\" timeout=\"10s\"}" + `
func main() {}
` + "```" + `

` + "```output" + `
could not read B's program
could not read B's secret
could not list B's directory
could not write B's secret
` + "```" + `

## Exercise: notes

` + "```go {exercise=\"notes\" timeout=\"10s\"}" + `
func main() {}
` + "```" + `

` + "```output" + `
class notes
` + "```" + `
`

// peekProgram is student A's attempt at B's work, by absolute path.
const peekProgram = `package main

import (
	"fmt"
	"os"
)

const dirB = %q

func main() {
	if b, err := os.ReadFile(dirB + "/01-peek/peek/main.go"); err == nil {
		fmt.Printf("read B's program: %%q\n", b)
	} else {
		fmt.Println("could not read B's program")
	}
	if b, err := os.ReadFile(dirB + "/secret.txt"); err == nil {
		fmt.Printf("read B's secret: %%q\n", b)
	} else {
		fmt.Println("could not read B's secret")
	}
	if es, err := os.ReadDir(dirB); err == nil && len(es) > 0 {
		var names []string
		for _, e := range es {
			names = append(names, e.Name())
		}
		fmt.Println("listed B's directory:", names)
	} else {
		fmt.Println("could not list B's directory")
	}
	if err := os.WriteFile(dirB+"/secret.txt", []byte("overwritten by A\n"), 0o644); err == nil {
		fmt.Println("overwrote B's secret")
	} else {
		fmt.Println("could not write B's secret")
	}
}
`

// notesProgram reads the class's notes, outside every student directory.
const notesProgram = `package main

import (
	"fmt"
	"os"
)

func main() {
	b, err := os.ReadFile(%q)
	if err != nil {
		fmt.Println("could not read the notes:", err)
		return
	}
	fmt.Print(string(b))
}
`

// bProgram is student B's honest program: it prints out.
const bProgram = "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Print(%q) }\n"

// TestGradeHidesStudentsEndToEnd grades, through the real engines and
// sandbox, a class whose directory is outside /tmp (every run has a /tmp
// of its own, so a class under /tmp would be out of reach anyway): student
// A's program tries to read student B's program and secret by absolute
// path, list B's directory and overwrite B's secret. The grade report must
// show that it could do none of it, and B's files must be unchanged.
func TestGradeHidesStudentsEndToEnd(t *testing.T) {
	if rep := sandbox.Predict(); !slices.Contains(rep.Active, sandbox.ProtHidden) {
		t.Skipf("no namespaces here (not root and no user namespaces, or WORKBOOK_SANDBOX_ISOLATION "+
			"forcing a weaker isolation): the sandbox cannot hide a directory with a mount (%s)", rep.Line())
	}
	f := newFixture(t)
	withEngines(t, f)

	// The class directory, in the package's directory: not under /tmp.
	rel, err := os.MkdirTemp(".", "class-outside-tmp-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(rel) })
	class, err := filepath.Abs(rel)
	if err != nil {
		t.Fatal(err)
	}
	if real, err := filepath.EvalSymlinks(class); err == nil {
		class = real
	}
	for _, tmp := range []string{"/tmp", os.TempDir()} {
		if within(class, tmp) {
			t.Fatalf("the class directory %s is under %s: the test proves nothing there", class, tmp)
		}
	}

	dirA, dirB := filepath.Join(class, "a"), filepath.Join(class, "b")
	notes := filepath.Join(class, "notes.txt")
	secret := filepath.Join(dirB, "secret.txt")
	files := map[string]string{
		filepath.Join(dirA, "01-peek", "peek", "main.go"):  fmt.Sprintf(peekProgram, dirB),
		filepath.Join(dirA, "01-peek", "notes", "main.go"): fmt.Sprintf(notesProgram, notes),
		filepath.Join(dirB, "01-peek", "peek", "main.go"): fmt.Sprintf(bProgram,
			"could not read B's program\ncould not read B's secret\ncould not list B's directory\ncould not write B's secret\n"),
		filepath.Join(dirB, "01-peek", "notes", "main.go"): fmt.Sprintf(bProgram, "class notes\n"),
		secret: "B's secret answer\n",
		notes:  "class notes\n",
	}
	for path, content := range files {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	lessonsDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(lessonsDir, "01-peek.md"), []byte(peekLesson), 0o644); err != nil {
		t.Fatal(err)
	}

	code, out, errOut := f.run("grade", "--lessons", lessonsDir, "--json", "-", dirA, dirB)
	if code != 0 {
		t.Fatalf("grade: %d\n%s%s", code, out, errOut)
	}
	var rep gradeReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("grade --json: %v\n%s", err, out)
	}
	results := map[string]gradeResult{}
	for _, s := range rep.Students {
		for _, r := range s.Results {
			results[s.Student+" "+r.Exercise] = r
		}
	}
	if r := results["a 01-peek/peek"]; r.Status != statusPass {
		t.Errorf("student A's program reached student B's directory: %s\n%s", r.Status, r.Reason)
	}
	for _, id := range []string{"b 01-peek/peek", "b 01-peek/notes"} {
		if r := results[id]; r.Status != statusPass {
			t.Errorf("%s: %s, want pass (B's own programs run)\n%s", id, r.Status, r.Reason)
		}
	}
	// The control: only the students' directories are hidden, not the
	// class directory around them (unless the sandbox hides it anyway, as
	// it hides /home where a checkout may live).
	hiddenAnyway := slices.ContainsFunc(sandbox.DefaultHidden(), func(d string) bool { return within(class, d) })
	if r := results["a 01-peek/notes"]; r.Status != statusPass && !hiddenAnyway {
		t.Errorf("student A's program could not read the class's notes outside every student directory: %s\n%s", r.Status, r.Reason)
	}
	for path, content := range files {
		if b, err := os.ReadFile(path); err != nil || string(b) != content {
			t.Errorf("%s changed by grading: %q, %v; want %q", path, b, err, content)
		}
	}
}

// within reports whether path is dir or lies under it.
func within(path, dir string) bool {
	r, err := filepath.Rel(filepath.Clean(dir), filepath.Clean(path))
	return err == nil && r != ".." && !strings.HasPrefix(r, "../")
}
