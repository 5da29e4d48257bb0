package lessons_test

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ppworkbook/workbook/lessons"
)

// corpusDir holds Markdown written the way people write Go tutorials, with
// no annotations at all (see testdata/corpus/README.md).
const corpusDir = "../testdata/corpus"

// corpusWant is, for each corpus document, the programs a careful reader
// finds in it: "NAME MODE FENCES", FENCES the opening-fence lines of the
// program's blocks joined by commas. It is written by hand, not generated.
var corpusWant = map[string][]string{
	"blog-exec-context.md": {
		"the-naive-way run 12",
		"enter-context-2 skip 26", // a signature: the example below keeps the name
		"enter-context run 33",
		"customising-the-kill skip 53", // elided with "..."
		"putting-it-together run 64,83",
	},
	"console-run.md": {
		"exit-codes run 8",
		"reading-the-exit-code-from-go run 39",
		"panics-exit-with-2 run 68",
	},
	"crlf.md": {
		"running-dir run 12,24", // the helper after main
		"counting-lines run 36",
	},
	"gobyexample-spawning.md": {
		"go-by-example-spawning-processes run 5",
		"execing-processes run 87",
	},
	"hugo-yaml.md": {
		"a-fixed-path run 15",
		"a-better-way run 35",
		"when-things-go-wrong run 52",
		"an-ospipe-between-two-goroutines run 75",
	},
	"improved-version.md": {
		"reading-lines-from-a-file-two-ways run 9,21,46", // the better readLines replaces the first
		"records run 69,79,88",                           // the second entry type replaces the first
	},
	"output-comments.md": {
		"environment-of-a-child run 10",
		"goroutines-finish-in-any-order run 28",
		"two-small-examples run 51",
		"two-small-examples-2 run 64,74", // the helper goes to the main that uses it
		"no-output-at-all run 86",
	},
	"readme-quickstart.md": {
		"quickstart skip 15", // a third-party module
		"without-procctl run 39",
		"configuration skip 57", // its package again
	},
	"scanner-pipes.md": {
		"scanning-a-string run 10",
		"scanning-a-childs-stdout run 27,42", // main split across two fences
		"words-instead-of-lines run 68,80",
		"very-long-lines run 96",
	},
	"signals.md": {
		"waiting-for-a-signal run 10",
		"sending-a-signal-to-ourselves run 37,53", // the helper in a subsection
		"ignoring-a-signal run 64",
		"signals-and-child-processes run 75,91",
	},
	"spawn-children.md": {
		"the-problem run 8",
		"the-fix run 33,52", // the helper two levels down
		"feeding-a-child-through-its-stdin run 64",
		"a-child-that-never-exits run 96",
	},
	"statements-only.md": {
		"slices-of-commands-step-by-step run 10,22,35", // statements building on each other
		"an-unrelated-aside run 44",
		"an-unrelated-aside-2 run 55",
	},
	"stdlib-tour.md": {
		"random-numbers run 8",
		"process-ids-with-xsysunix run 17",
		"json run 25",
		"templates run 53",
		"hashing run 67",
		"paths run 75",
		"counting-with-atomics run 83",
		"time-briefly run 100",
	},
	"types-to-look-at.md": {
		"the-struct compile 10",
		"its-methods skip 26,35", // signatures
		"an-interface-of-our-own compile 43,51",
		"the-processstate skip 62",
		"using-it run 73",
	},
}

// loadCorpus parses every document of the corpus.
func loadCorpus(t *testing.T) []*lessons.Document {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	var docs []*lessons.Document
	for _, path := range files {
		if filepath.Base(path) == "README.md" {
			continue
		}
		doc, err := lessons.LoadFile(path)
		if err != nil {
			t.Fatalf("%v", err)
		}
		docs = append(docs, doc)
	}
	return docs
}

// summary lists a document's programs in corpusWant's format.
func summary(doc *lessons.Document) []string {
	var out []string
	for _, p := range doc.Programs {
		var lines []string
		for _, b := range p.Blocks {
			lines = append(lines, fmt.Sprint(b.Line))
		}
		out = append(out, fmt.Sprintf("%s %s %s", p.Name, p.Mode, strings.Join(lines, ",")))
	}
	return out
}

// TestCorpus checks that every corpus document yields the programs a
// reader expects, that every skipped program says why, and that every
// program's source map is right.
func TestCorpus(t *testing.T) {
	docs := loadCorpus(t)
	if len(docs) < 12 {
		t.Fatalf("%d corpus documents, want at least 12", len(docs))
	}
	seen := map[string]bool{}
	for _, doc := range docs {
		base := filepath.Base(doc.File)
		seen[base] = true
		t.Run(base, func(t *testing.T) {
			want, ok := corpusWant[base]
			if !ok {
				t.Fatalf("no expectation for %s; it yields:\n%s", base, strings.Join(summary(doc), "\n"))
			}
			got := summary(doc)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("programs differ\ngot:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			for _, p := range doc.Programs {
				if p.Mode == lessons.ModeSkip && p.SkipReason == "" {
					t.Errorf("program %s is skipped without a reason", p.Name)
				}
			}
			md, err := os.ReadFile(doc.File)
			if err != nil {
				t.Fatal(err)
			}
			checkMap(t, doc, bytes.ReplaceAll(md, []byte("\r\n"), []byte("\n")))
		})
	}
	for name := range corpusWant {
		if !seen[name] {
			t.Errorf("expectation for %s, which is not in the corpus", name)
		}
	}
}

// TestCorpusVet writes every program of the corpus that is built (all but
// skipped ones) into one module and runs go vet on it: the assembled
// sources must compile and be vet-clean.
func TestCorpusVet(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go vet")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	env := goEnv(t, goTool)
	docs := loadCorpus(t)
	dir := t.TempDir()
	mod := "module corpus\n\ngo 1.26\n\nrequire golang.org/x/sys v0.50.0\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), xsysSums(t), 0o644); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, doc := range docs {
		for _, p := range doc.Programs {
			if p.Mode == lessons.ModeSkip || p.Mode == lessons.ModeCompileFail {
				continue
			}
			n++
			pkg := filepath.Join(dir, fmt.Sprintf("p%03d", n))
			if err := os.Mkdir(pkg, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(pkg, "main.go"), []byte(p.Source), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	cmd := exec.Command(goTool, "vet", "./...")
	cmd.Dir = dir
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go vet on %d programs: %v\n%s", n, err, out)
	}
	t.Logf("%d documents, %d programs built, all vet-clean", len(docs), n)
}

// goEnv is the environment for the go command: the caches it already
// has, a private HOME, and no network.
func goEnv(t *testing.T, goTool string) []string {
	t.Helper()
	out, err := exec.Command(goTool, "env", "GOCACHE", "GOMODCACHE").Output()
	if err != nil {
		t.Skipf("go env: %v", err)
	}
	vals := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(vals) != 2 {
		t.Skipf("go env printed %q", out)
	}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "HOME", "GOFLAGS", "GOPROXY", "GOWORK", "GOCACHE", "GOMODCACHE", "GO111MODULE", "XDG_CACHE_HOME":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "HOME="+t.TempDir(), "XDG_CACHE_HOME="+t.TempDir(),
		"GOCACHE="+vals[0], "GOMODCACHE="+vals[1],
		"GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off", "GO111MODULE=on")
}

// xsysSums returns the go.sum lines of golang.org/x/sys from the
// workbook's own go.sum.
func xsysSums(t *testing.T) []byte {
	t.Helper()
	f, err := os.Open("../go.sum")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b bytes.Buffer
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "golang.org/x/sys v0.50.0") {
			b.WriteString(sc.Text() + "\n")
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
