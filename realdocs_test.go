package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/engine"
	"github.com/ppworkbook/workbook/workbook/verify"
)

// realDocsDir holds documents written the way real documentation is
// (a test-driven book, a style guide, a wiki page of snippets, a book
// of mistakes), with the verdicts a careful reader expects in
// VERDICTS.txt, written by hand.
const realDocsDir = "testdata/realdocs"

// TestRealDocsCorpus verifies every document of testdata/realdocs and
// compares each program's verdict with VERDICTS.txt: what passes, what
// fails as the page shows, what is built but not run, what is skipped and
// why, and the real errors of the documents, which must still fail.
func TestRealDocsCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs about 90 programs")
	}
	want := readVerdicts(t, filepath.Join(realDocsDir, "VERDICTS.txt"))
	docs, err := lessons.LoadPaths([]string{realDocsDir})
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) < 30 {
		t.Fatalf("%d documents, want at least 30", len(docs))
	}
	runner, err := engine.New(engine.Options{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer runner.Close()
	items := verify.Select(docs, verify.Selection{})
	results := verify.Run(context.Background(), runner, items, verify.Options{Jobs: 4}, nil)
	got := map[string]string{}
	for _, r := range results {
		p := r.Item.Program
		key := fmt.Sprintf("%s:%d %s", filepath.Base(p.File), p.Line, p.Name)
		got[key] = verdictOf(r)
		if r.Status == verify.Skip && r.SkipWhy() == "" {
			t.Errorf("%s is skipped without a reason", key)
		}
		if p.Mode == lessons.ModeCompile && r.Status == verify.Pass && (p.Note == "" || !strings.Contains(r.Reason(), p.Note)) {
			t.Errorf("%s is built, not run, without saying why: %s", key, r.Reason())
		}
		w, ok := want[key]
		switch {
		case !ok:
			t.Errorf("%s: verdict %s, but VERDICTS.txt does not list it", key, got[key])
		case w != got[key]:
			t.Errorf("%s: verdict %s, want %s\n    %s", key, got[key], w, r.Reason())
		}
	}
	for key, w := range want {
		if _, ok := got[key]; !ok {
			t.Errorf("%s: VERDICTS.txt expects %s, but verify found no such program", key, w)
		}
	}
	if s := verify.SkipSummary(results); !strings.HasPrefix(s, "skipped: ") || !strings.Contains(s, "built, not run: ") {
		t.Errorf("summary of skips %q, want both skipped and built-not-run counts", s)
	}
}

// verdictOf writes a result as VERDICTS.txt does.
func verdictOf(r verify.Result) string {
	p := r.Item.Program
	switch r.Status {
	case verify.Skip:
		return "skip:" + verify.SkipKind(r.SkipWhy())
	case verify.Fail:
		return "fail:" + string(r.Failure)
	}
	switch {
	case p.Expect.Fails != nil:
		return "shown"
	case p.Tests != "":
		return "tests"
	case p.Mode == lessons.ModeCompile:
		return "built"
	}
	return "pass"
}

// readVerdicts reads "file.md:LINE NAME VERDICT" lines (# comments).
func readVerdicts(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, " ", 3)
		if len(parts) != 3 {
			t.Fatalf("%s:%d: want \"file.md:LINE NAME VERDICT\", got %q", path, n, line)
		}
		out[parts[0]+" "+parts[1]] = parts[2]
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
