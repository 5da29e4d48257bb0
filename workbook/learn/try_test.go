package learn

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTry(t *testing.T) {
	f := newFixture(t)
	code, out, errOut := f.run("try", "1", "hello")
	if code != 0 {
		t.Fatalf("try: %d\n%s%s", code, out, errOut)
	}
	copyFile := filepath.Join(f.dir, "playground", "01-hello", "hello", "main.go")
	src, err := os.ReadFile(copyFile)
	if err != nil {
		t.Fatalf("the example was not copied: %v", err)
	}
	if !strings.Contains(string(src), `fmt.Println("hello")`) || !strings.Contains(string(src), "package main") {
		t.Errorf("the copy is not the example's whole program:\n%s", src)
	}
	for _, want := range []string{
		"Copied example hello of lesson 1 to $WORK/playground/01-hello/hello/main.go",
		"your program printed │ the lesson says",
		"output of hello      ≠ hello",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// The copy is the learner's: a second try keeps it and runs it.
	if err := os.WriteFile(copyFile, []byte("package main\n\n// mine\nfunc main() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := f.run("try", "hello", "hello"); code != 0 || !strings.Contains(out, "kept as you left it") || !strings.Contains(f.fake.source(copyFile), "// mine") {
		t.Errorf("second try: %d\n%s", code, out)
	}
	// Mistakes.
	if code, _, errOut := f.run("try", "1", "nope"); code != 1 || !strings.Contains(errOut, `lesson 1 has no example "nope"; its examples are: hello`) {
		t.Errorf("try of an unknown example: %d %q", code, errOut)
	}
	if code, _, _ := f.run("try", "1"); code != 2 {
		t.Errorf("try without a program: status %d, want 2", code)
	}
}
