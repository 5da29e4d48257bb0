package engine

import (
	"context"
	"strings"
	"testing"

	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/sandbox"
)

// TestPrebuildOneToolchainCall builds three programs that need the
// compiler in one go build: the two that compile run from the cache with
// no further toolchain call, the one that does not gets its own
// diagnostics, and a program yaegi runs is left out.
func TestPrebuildOneToolchainCall(t *testing.T) {
	r, err := New(Options{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	a := program(`fmt.Println("a")`)
	b := program(`fmt.Println("b")`)
	bad := program(`x := 1`)
	interpreted := program(`fmt.Println("yaegi")`)
	reqs := []Request{
		{Program: a, Engine: Compiled},
		{Program: b, Engine: Compiled},
		{Program: bad, Engine: Compiled},
		{Program: interpreted, Engine: Yaegi},
	}
	c, _ := r.engines()
	if c.tc.path == "" {
		t.Skip("no go toolchain on PATH")
	}
	r.Prebuild(context.Background(), reqs)()
	if n := c.builds.Load(); n != 1 {
		t.Fatalf("%d toolchain calls for the batch, want 1", n)
	}
	for _, p := range []*lessons.Program{a, b} {
		v, err := r.Run(context.Background(), Request{Program: p, Engine: Compiled})
		if err != nil || v.End != Exited || v.ExitCode != 0 {
			t.Fatalf("%s: %v", verdictSummary(v), err)
		}
	}
	v, err := r.Run(context.Background(), Request{Program: bad, Engine: Compiled})
	if err != nil || v.End != BuildFailed || len(v.Diagnostics) == 0 || !strings.Contains(v.Diagnostics[0].Msg, "declared and not used") {
		t.Fatalf("the program that does not build: %s %+v, %v", verdictSummary(v), v.Diagnostics, err)
	}
	if n := c.builds.Load(); n != 2 {
		// The failed build is not cached: running it builds it again.
		t.Fatalf("%d toolchain calls in all, want 2 (the batch, then the failing program on its own)", n)
	}
}

func TestFailedPackages(t *testing.T) {
	out := "# workbook.lesson/batch/p0002\ndoc.md:4:2: declared and not used: x\n# other/pkg\nx.go:1:1: boom\n"
	got := failedPackages([]byte(out), "workbook.lesson/batch")
	if len(got) != 1 || got["p0002"] != "doc.md:4:2: declared and not used: x\n" {
		t.Fatalf("got %q", got)
	}
}

// TestPrebuildIsNotARequest: a batch build takes no pre-started child and
// does not start the pool (the first request still gets the child New
// started), and the runs after the pool has started share the batch's
// builds (one toolchain call for both programs).
func TestPrebuildIsNotARequest(t *testing.T) {
	r, err := New(Options{CacheDir: t.TempDir(), Warm: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.compiled.tc.path == "" {
		t.Skip("no go toolchain on PATH")
	}
	a := program(`fmt.Println("a")`)
	b := program(`fmt.Println("b")`)
	wait := r.Prebuild(context.Background(), []Request{{Program: a, Engine: Compiled}, {Program: b, Engine: Compiled}})
	defer wait()
	pool := func() *sandbox.Pool {
		r.mu.Lock()
		defer r.mu.Unlock()
		return r.pool
	}
	v, err := r.Run(context.Background(), Request{Program: a, Engine: Compiled})
	if err != nil || v.End != Exited || string(v.Stdout) != "a\n" {
		t.Fatalf("a: %s, %v", verdictSummary(v), err)
	}
	if pool() != nil {
		t.Fatal("the pool started at the first request: Prebuild counted as one")
	}
	v, err = r.Run(context.Background(), Request{Program: b, Engine: Compiled})
	if err != nil || v.End != Exited || string(v.Stdout) != "b\n" {
		t.Fatalf("b: %s, %v", verdictSummary(v), err)
	}
	if pool() == nil {
		t.Fatal("no pool after the second request")
	}
	wait()
	if n := r.compiled.builds.Load(); n != 1 {
		t.Fatalf("%d toolchain calls, want 1 (the batch, shared by both runs)", n)
	}
}
