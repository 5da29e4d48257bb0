package learn

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ppworkbook/workbook/workbook/engine"
	"github.com/ppworkbook/workbook/workbook/sandbox"
)

// TestMain lets the test binary act as the sandbox child of the real engines.
func TestMain(m *testing.M) { sandbox.MainForTest(m, engine.Payloads()) }

// withEngines makes f use the real, sandboxed engines.
func withEngines(t *testing.T, f *fixture) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs programs through the real engines")
	}
	f.env.Checker = nil
}

// TestRealEngineCheck checks a starter (fails) and a solution (passes)
// through the real engines.
func TestRealEngineCheck(t *testing.T) {
	f := newFixture(t)
	withEngines(t, f)
	f.run("init")
	code, out, errOut := f.run("check", "greet")
	if code != 1 || !strings.Contains(out, "FAIL 01-hello/greet") || !strings.Contains(out, "+hello") {
		t.Fatalf("check of the starter: %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "$WORK/01-hello/greet/main.go:1:") {
		t.Errorf("the failure does not point at the learner's file:\n%s", out)
	}
	f.write("01-hello/greet", greetSolved)
	if code, out, errOut := f.run("check", "greet"); code != 0 {
		t.Fatalf("check of a solution: %d\n%s%s", code, out, errOut)
	}
	if !f.state().IsDone("01-hello/greet") {
		t.Error("not recorded as done")
	}
}

// TestRealEngineGrade grades the testdata class for real: bob's program
// that never ends is stopped by the sandbox and graded as failing.
func TestRealEngineGrade(t *testing.T) {
	f := newFixture(t)
	withEngines(t, f)
	// count's starter has no timeout: give bob's endless loop a short one.
	lessonsDir := t.TempDir()
	for _, name := range []string{"01-hello.md", "02-counting.md"} {
		src, err := os.ReadFile(filepath.Join("testdata", "lessons", name))
		if err != nil {
			t.Fatal(err)
		}
		s := strings.ReplaceAll(string(src), `{exercise="count" points=3}`, `{exercise="count" points=3 timeout="3s"}`)
		if err := os.WriteFile(filepath.Join(lessonsDir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errOut := f.run("grade", "--lessons", lessonsDir, "--csv", "-", "testdata/class/alice", "testdata/class/bob", "testdata/class/carol")
	if code != 0 {
		t.Fatalf("grade: %d\n%s%s", code, out, errOut)
	}
	want := "student,01-hello/greet,02-counting/count,points,total\n" +
		"alice,pass,pass,4,4\n" +
		"bob,fail,fail,0,4\n" +
		"carol,missing,missing,0,4\n"
	if out != want {
		t.Errorf("grades:\n%s\nwant:\n%s", out, want)
	}
}
