package engine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ppworkbook/workbook/internal/golden"
	"github.com/ppworkbook/workbook/lessons"
)

func src(body string) *lessons.Program {
	return &lessons.Program{File: "lesson.md", Source: "package main\n\n" + body}
}

// TestAnalyzeRules checks each rule of the gap table on small programs:
// which rule routes, and which rewrites apply.
func TestAnalyzeRules(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		route    string // rule name, "" for none
		rewrites int
	}{
		{"plain", "import \"fmt\"\n\nfunc main() { fmt.Println(1) }\n", "", 0},
		{"unused var", "func main() { x := 1 }\n", "compiler-checks", 0},
		{"unused import", "import \"os\"\n\nfunc main() {}\n", "compiler-checks", 0},
		{"missing return", "func f() int { for {} ; }\nfunc g() int { if true { return 1 } }\nfunc main() { f(); g() }\n", "compiler-checks", 0},
		{"assign to field in map", "type P struct{ x int }\n\nfunc main() { m := map[string]P{}; m[\"a\"].x = 1 }\n", "compiler-checks", 0},
		{"duplicate case", "func main() { x := 1; switch x {\n\tcase 1:\n\tcase 1:\n\t} }\n", "compiler-checks", 0},
		{"range func literal", "func main() { for x := range func(yield func(int) bool) {} { _ = x } }\n", "range-func", 0},
		{"range seq", "import \"strings\"\n\nfunc main() { for l := range strings.Lines(\"a\") { _ = l } }\n", "range-func", 0},
		{"range int literal", "func main() { for i := range 3 { _ = i } }\n", "", 1},
		{"range int typed var", "func main() { var n uint8 = 3; for i := range n { _ = i } }\n", "", 1},
		{"range slice", "func main() { s := []int{1}; for i := range s { _ = i } }\n", "", 0},
		{"range unknown", "import \"strconv\"\n\nfunc main() { n, _ := strconv.Atoi(\"3\"); for i := range n { _ = i } }\n", "", 0},
		{"loopvar goroutine", "func main() { for i := 0; i < 3; i++ { go func() { _ = i }() } }\n", "", 2}, // and goroutine-panic
		{"goroutine on a named func", "func worker(n int) { panic(n) }\n\nfunc main() { go worker(1); go worker(2) }\n", "", 1},
		{"named func also called", "func worker() {}\n\nfunc main() { go worker(); worker() }\n", "", 0},
		{"named func as a value", "func worker() {}\n\nfunc main() { f := worker; go worker(); _ = f }\n", "", 0},
		{"named func shadowed", "func worker() {}\n\nfunc main() { go worker(); { worker := 1; _ = worker } }\n", "", 0},
		{"method goroutine", "type T struct{}\n\nfunc (T) run() {}\n\nfunc main() { go T{}.run() }\n", "", 0},
		{"loopvar wg.Go", "import \"sync\"\n\nfunc main() { var wg sync.WaitGroup; r := make([]int, 3); for i := 0; i < 3; i++ { wg.Go(func() { r[i] = i }) }; wg.Wait() }\n", "loopvar", 0},
		{"loopvar deferred literal", "import \"fmt\"\n\nfunc main() { for i := 0; i < 3; i++ { defer func() { fmt.Println(i) }() } }\n", "loopvar", 0},
		{"loopvar deferred call with literal", "func run(f func()) { f() }\n\nfunc main() { for _, s := range []string{\"a\"} { defer run(func() { _ = s }) } }\n", "loopvar", 0},
		{"body var deferred literal", "import \"fmt\"\n\nfunc main() { for i := 0; i < 3; i++ { x := i * 2; defer func() { fmt.Println(x) }() } }\n", "loopvar", 0},
		{"body var wg.Go", "import \"sync\"\n\nfunc main() { var wg sync.WaitGroup; for _, s := range []string{\"a\"} { msg := s + \"!\"; wg.Go(func() { _ = msg }) }; wg.Wait() }\n", "loopvar", 0},
		{"loopvar library struct field", "import \"os/exec\"\n\nfunc main() { for _, n := range []string{\"a\"} { c := exec.Command(n); c.Cancel = func() error { _ = n; return nil }; _ = c } }\n", "loopvar", 0},
		{"loopvar library literal", "import \"net/http\"\n\nfunc main() { for _, n := range []string{\"a\"} { _ = &http.Server{Handler: nil, ConnState: nil, BaseContext: nil}; _ = http.HandlerFunc(func(http.ResponseWriter, *http.Request) { _ = n }) } }\n", "loopvar", 0},
		{"loopvar stored closures", "func keep(f func()) {}\n\nfunc main() { var fs []func(); m := map[int]func(){}; ch := make(chan func(), 9); for i := 0; i < 3; i++ { fs = append(fs, func() { _ = i }); m[i] = func() { _ = i }; ch <- func() { _ = i }; keep(func() { _ = i }); f := func() { _ = i }; f() } }\n", "", 1},
		{"loopvar called at once", "func main() { for i := 0; i < 3; i++ { func() { _ = i }() } }\n", "", 1},
		{"body var goroutine", "func main() { for i := 0; i < 3; i++ { x := i; go func() { _ = x }() } }\n", "", 1}, // goroutine-panic; x needs no copy
		{"body var in a condition loop", "import (\n\t\"bufio\"\n\t\"os\"\n\t\"sync\"\n)\n\nfunc main() { var wg sync.WaitGroup; sc := bufio.NewScanner(os.Stdin); for sc.Scan() { line := sc.Text(); wg.Go(func() { _ = line }) }; wg.Wait() }\n", "loopvar", 0},
		{"body var in a bare range", "import \"fmt\"\n\nfunc main() { n := 0; for range 3 { n++; m := n; defer func() { fmt.Println(m) }() } }\n", "loopvar", 0},
		{"closure without per-iteration capture", "import \"sync\"\n\nfunc main() { var wg sync.WaitGroup; n := 1; for i := 0; i < 3; i++ { _ = i; wg.Go(func() { _ = n }); defer func() { _ = n }() }; wg.Wait() }\n", "", 0},
		{"recovered runtime error", "import \"fmt\"\n\nfunc main() { defer func() { fmt.Println(recover()) }(); var a []int; _ = a[3] }\n", "recovered-runtime-error", 0},
		{"recovered runtime.Error", "import (\n\t\"fmt\"\n\t\"runtime\"\n)\n\nfunc main() { defer func() { if e, ok := recover().(runtime.Error); ok { fmt.Println(e) } }(); panic(1) }\n", "recovered-runtime-error", 0},
		{"recovered own panic", "import \"fmt\"\n\nfunc main() { defer func() { fmt.Println(recover()) }(); panic(\"boom\") }\n", "", 0},
		{"loopvar changed", "func main() { for i := 0; i < 3; i++ { go func() { _ = i }(); i++ } }\n", "loopvar", 0},
		{"loopvar address", "func main() { var ps []*int; for _, v := range []int{1} { ps = append(ps, &v) }; _ = ps }\n", "", 1},
		{"loopvar not captured", "func main() { for i := 0; i < 3; i++ { _ = i } }\n", "", 0},
		{"defer changed arg", "import \"fmt\"\n\nfunc main() { x := 1; defer fmt.Println(x); x = 2 }\n", "defer-args", 0},
		{"defer in loop", "import \"fmt\"\n\nfunc main() { for i := 0; i < 3; i++ { defer fmt.Println(i) } }\n", "defer-args", 0},
		{"defer range var", "import \"fmt\"\n\nfunc main() { for _, v := range []int{1} { defer fmt.Println(v) } }\n", "defer-args", 0},
		{"defer call arg", "import (\n\t\"fmt\"\n\t\"time\"\n)\n\nfunc main() { t := time.Now(); defer fmt.Println(time.Since(t)) }\n", "defer-args", 0},
		{"defer field changed", "import \"fmt\"\n\ntype P struct{ n int }\n\nfunc main() { p := &P{}; defer fmt.Println(p.n); p.n = 2 }\n", "defer-args", 0},
		{"defer stable", "import (\n\t\"fmt\"\n\t\"os\"\n\t\"sync\"\n)\n\nfunc main() { var wg sync.WaitGroup; wg.Add(1); defer wg.Wait(); f, _ := os.Open(\"x\"); defer f.Close(); dir := \"d\"; defer os.RemoveAll(dir); defer fmt.Println(\"bye\", 1); go func() { defer wg.Done() }() }\n", "", 1},
		{"defer outer var in loop", "import \"fmt\"\n\nfunc main() { n := 3; for i := 0; i < 2; i++ { _ = i; defer fmt.Println(n) } }\n", "", 0},
		{"method value", "type C struct{ n int }\n\nfunc (c C) Get() int { return c.n }\n\nfunc main() { c := C{}; g := c.Get; c.n = 1; _ = g }\n", "method-value", 0},
		{"method call", "type C struct{ n int }\n\nfunc (c C) Get() int { return c.n }\n\nfunc main() { c := C{}; _ = c.Get() }\n", "", 0},
		{"new expr", "func main() { p := new(42); _ = p }\n", "new-expr", 0},
		{"new type", "type T struct{}\n\nfunc main() { p, q := new(T), new(int); _, _ = p, q }\n", "", 0},
		{"min", "func main() { _ = min(1, 2) }\n", "builtins", 0},
		{"min shadowed", "func min(a, b int) int { return a }\n\nfunc main() { _ = min(1, 2) }\n", "", 0},
		{"clear", "func main() { m := map[int]int{}; clear(m) }\n", "builtins", 0},
		{"println", "func main() { println(1) }\n", "print-builtin", 0},
		{"percent T", "import \"fmt\"\n\ntype C float64\n\nfunc main() { fmt.Printf(\"%T\", C(1)) }\n", "struct-format", 0},
		{"percent plus v", "import \"fmt\"\n\ntype P struct{ x int }\n\nfunc main() { fmt.Printf(\"%+v\", P{}) }\n", "struct-format", 0},
		{"percent v", "import \"fmt\"\n\ntype P struct{ x int }\n\nfunc main() { fmt.Printf(\"%v %d\", P{}, 1) }\n", "", 0},
		{"stringer d", "import \"fmt\"\n\ntype C int\n\nfunc (c C) String() string { return \"c\" }\n\nfunc main() { fmt.Printf(\"%d\", C(1)) }\n", "stringer-format", 0},
		{"stringer s", "import \"fmt\"\n\ntype C int\n\nfunc (c C) String() string { return \"c\" }\n\nfunc main() { fmt.Printf(\"%s %v\\n\", C(1), C(2)) }\n", "", 0},
		{"stringer in struct", "import \"fmt\"\n\ntype C int\n\nfunc (c C) String() string { return \"c\" }\n\ntype Car struct{ C C }\n\nfunc main() { fmt.Println(Car{}) }\n", "stringer-format", 0},
		{"stringer in slice", "import \"fmt\"\n\ntype C int\n\nfunc (c *C) String() string { return \"c\" }\n\nfunc main() { fmt.Println([]*C{}) }\n", "stringer-format", 0},
		{"loopvar method call", "type T struct{ n int }\n\nfunc (t *T) inc() { t.n++ }\n\nfunc main() { for t := (T{}); t.n < 3; t.inc() { go func() { _ = t }() } }\n", "", 2}, // and goroutine-panic
		{"loopvar method in body", "type T struct{ n int }\n\nfunc (t *T) inc() { t.n++ }\n\nfunc main() { for t := (T{}); t.n < 3; { go func() { _ = t }(); t.inc() } }\n", "loopvar", 0},
		{"assert own interface", "type G interface{ a() int }\ntype R struct{}\n\nfunc (R) a() int { return 1 }\n\nfunc main() { var x any = R{}; _, ok := x.(G); _ = ok }\n", "interface-assert", 0},
		{"switch own interface", "type G interface{ a() int }\n\nfunc main() { var x any; switch x.(type) {\n\tcase G:\n\t} }\n", "interface-assert", 0},
		{"assert library interface", "import \"fmt\"\n\nfunc main() { var x any; _, ok := x.(fmt.Stringer); _ = ok }\n", "", 0},
		{"embedded json", "import \"encoding/json\"\n\ntype B struct{ N string }\ntype D struct {\n\tB\n\tA int\n}\n\nfunc main() { json.Marshal(D{}) }\n", "embedded-reflect", 0},
		{"embedded no json", "import \"fmt\"\n\ntype B struct{ N string }\ntype D struct {\n\tB\n\tA int\n}\n\nfunc main() { fmt.Println(D{}.N) }\n", "", 0},
		{"error type", "type E struct{}\n\nfunc (E) Error() string { return \"e\" }\n\nfunc main() { var err error = E{}; _ = err }\n", "error-types", 0},
		{"slices sort", "import \"slices\"\n\nfunc main() { s := []int{2, 1}; slices.Sort(s) }\n", "generic-library", 0},
		{"slices contains", "import \"slices\"\n\nfunc main() { _ = slices.Contains([]int{1}, 1) }\n", "", 0},
		{"errors AsType", "import (\n\t\"errors\"\n\t\"io/fs\"\n)\n\nfunc main() { _, _ = errors.AsType[*fs.PathError](nil) }\n", "generic-library", 0},
		{"two type params", "func Map[T, U any](x []T, f func(T) U) []U { return nil }\n\nfunc main() { _ = Map[int, int] }\n", "generic-code", 0},
		{"one type param", "func Id[T any](x T) T { return x }\n\nfunc main() { _ = Id(1) }\n", "", 0},
		{"unsafe", "import \"unsafe\"\n\nfunc main() { _ = unsafe.Sizeof(1) }\n", "imports", 0},
		{"embed", "import _ \"embed\"\n\n//go:embed x.txt\nvar s string\n\nfunc main() { _ = s }\n", "imports", 0},
		{"unknown import", "import \"example.com/nope\"\n\nfunc main() { nope.X() }\n", "imports", 0},
		{"x/sys/unix", "import \"golang.org/x/sys/unix\"\n\nfunc main() { _ = unix.Getpid() }\n", "", 0},
		{"Lshortfile", "import \"log\"\n\nfunc main() { log.SetFlags(log.Lshortfile) }\n", "caller", 0},
		{"runtime.Caller", "import \"runtime\"\n\nfunc main() { _, _, _, _ = runtime.Caller(0) }\n", "caller", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := analyze(src(tt.body))
			if a.err != nil {
				t.Fatalf("parse: %v", a.err)
			}
			rule, _, _ := strings.Cut(a.route, ":")
			if rule != tt.route {
				t.Errorf("route = %q, want rule %q", a.route, tt.route)
			}
			if tt.route == "" && len(a.rewrites) != tt.rewrites {
				t.Errorf("rewrites = %v, want %d", a.rewrites, tt.rewrites)
			}
		})
	}
}

// TestEveryRuleTested keeps the rule table and TestAnalyzeRules in step.
func TestEveryRuleDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/yaegi-gaps.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range gapRules {
		if !strings.Contains(string(doc), "`"+r.name+"`") {
			t.Errorf("rule %s is not in docs/yaegi-gaps.md", r.name)
		}
	}
}

// TestRewriteGolden checks the rewritten sources: text edits within lines,
// so the //line directives still hold (same line count).
func TestRewriteGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/rewrite/*.go")
	if len(files) == 0 {
		t.Fatal("no inputs")
	}
	for _, in := range files {
		t.Run(filepath.Base(in), func(t *testing.T) {
			data, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			a := analyze(&lessons.Program{File: "lesson.md", Source: string(data)})
			if a.route != "" || a.err != nil {
				t.Fatalf("route %q err %v", a.route, a.err)
			}
			if strings.Count(a.source, "\n") != strings.Count(string(data), "\n") {
				t.Errorf("line count changed")
			}
			golden.Check(t, strings.TrimSuffix(in, ".go")+".golden", a.source)
		})
	}
}
