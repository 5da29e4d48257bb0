// Package golden compares what a test produced with a golden file, and
// rewrites the file instead when the test binary runs with -update. It owns
// the one -update flag of every test binary of the module: tests that keep
// their golden data in another shape (a section of a txtar archive, a
// testscript's cmp files) ask Update.
//
//	go test ./workbook/check -update   # rewrite, then review the diff
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files instead of comparing with them")

// Update reports whether the tests run with -update: golden data is to be
// rewritten, not compared.
func Update() bool { return *update }

// Check compares got with the file at path (relative to the package under
// test), or writes got there when the tests run with -update.
func Check(t testing.TB, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update creates it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update rewrites it)\n--- got:\n%s\n--- want:\n%s", path, got, want)
	}
}
