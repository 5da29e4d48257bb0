package verify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	goldenfile "github.com/ppworkbook/workbook/internal/golden"
	"github.com/ppworkbook/workbook/workbook/term"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/check"
	"github.com/ppworkbook/workbook/workbook/engine"
)

// golden compares got with the golden file NAME (see internal/golden).
func golden(t *testing.T, name, got string) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", name), got)
}

// fakeRunner answers from a table keyed by program name, and records the
// requests it saw.
type fakeRunner struct {
	verdicts map[string]*engine.Verdict
	mu       sync.Mutex
	reqs     map[string]engine.Request
	running  atomic.Int32
	peak     atomic.Int32
	gate     chan struct{} // when not nil, every run waits for it
}

func (f *fakeRunner) Run(ctx context.Context, req engine.Request) (*engine.Verdict, error) {
	n := f.running.Add(1)
	defer f.running.Add(-1)
	for {
		p := f.peak.Load()
		if n <= p || f.peak.CompareAndSwap(p, n) {
			break
		}
	}
	if f.gate != nil {
		select {
		case <-f.gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	f.mu.Lock()
	if f.reqs == nil {
		f.reqs = map[string]engine.Request{}
	}
	f.reqs[req.Program.Name] = req
	f.mu.Unlock()
	v, ok := f.verdicts[req.Program.Name]
	if !ok {
		return nil, fmt.Errorf("no verdict for %q", req.Program.Name)
	}
	c := *v
	if c.Engine == "" {
		c.Engine = engine.Yaegi
	}
	return &c, nil
}

func ok(stdout string) *engine.Verdict {
	return &engine.Verdict{End: engine.Exited, Stdout: []byte(stdout), Duration: 12 * time.Millisecond}
}

func program(file string, line int, name string, mut func(*lessons.Program)) *lessons.Program {
	p := &lessons.Program{File: file, Line: line, Name: name,
		Blocks: []lessons.Block{{File: file, Line: line, BodyLine: line + 1, Lang: "go", Code: "fmt.Println(\"hi\")\n"}},
		Source: "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"hi\")\n}\n"}
	if mut != nil {
		mut(p)
	}
	return p
}

func expect(text string) func(*lessons.Program) {
	return func(p *lessons.Program) {
		p.Expect.Stdout = &lessons.Output{Text: text, Match: lessons.MatchExact, File: p.File, Line: p.Line + 4}
	}
}

// sample is a document set exercising every status.
func sample() ([]*lessons.Document, *fakeRunner) {
	docs := []*lessons.Document{
		{File: "b.md", Programs: []*lessons.Program{
			program("b.md", 5, "hello", expect("hi\n")),
			program("b.md", 20, "broken", expect("hi\n")),
		}},
		{File: "a.md", Defaults: lessons.Defaults{Engine: engine.Compiled, Timeout: 3 * time.Second}, Programs: []*lessons.Program{
			program("a.md", 30, "skipped", func(p *lessons.Program) { p.Mode = lessons.ModeSkip }),
			program("a.md", 10, "deadline", func(p *lessons.Program) {
				expect("killed\n")(p)
				p.Exercise, p.Role = "deadline", lessons.RoleSolution
			}),
			program("a.md", 8, "deadline/starter", func(p *lessons.Program) {
				expect("killed\n")(p)
				p.Exercise, p.Role = "deadline", lessons.RoleStarter
			}),
		}},
	}
	f := &fakeRunner{verdicts: map[string]*engine.Verdict{
		"hello":            ok("hi\n"),
		"broken":           ok("ho\n"),
		"deadline":         {Engine: engine.Compiled, End: engine.Exited, Stdout: []byte("killed\n"), Duration: 40 * time.Millisecond},
		"deadline/starter": {Engine: engine.Compiled, End: engine.Exited, Duration: 5 * time.Millisecond},
		// The print-only version of the solution panics: the check
		// cannot be passed without doing the work.
		"deadline (print-only)": {Engine: engine.Compiled, End: engine.Panicked, Panic: "print-only: run does no work"},
	}}
	return docs, f
}

// TestPrintOnly checks the author check of a solution: a print-only
// version that passes the check makes the solution fail verify; one that
// fails leaves it passing.
func TestPrintOnly(t *testing.T) {
	for _, tt := range []struct {
		name      string
		printOnly *engine.Verdict
		status    Status
		reason    string
	}{
		{"print-only passes", ok("killed\n"), Fail, "a.md:10: exercise deadline can be passed without doing the work"},
		{"print-only fails", &engine.Verdict{End: engine.Panicked, Panic: "print-only"}, Pass, "a print-only version fails the check, as it should"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := program("a.md", 10, "deadline", func(p *lessons.Program) {
				expect("killed\n")(p)
				p.Exercise, p.Role = "deadline", lessons.RoleSolution
				p.Source = "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(work()) }\n\nfunc work() string { return \"killed\" }\n"
			})
			f := &fakeRunner{verdicts: map[string]*engine.Verdict{"deadline": ok("killed\n"), "deadline (print-only)": tt.printOnly}}
			res := One(context.Background(), f, Item{Program: p}, Options{})
			if res.Status != tt.status || !strings.Contains(res.Reason(), tt.reason) {
				t.Fatalf("One = %s %q, want %s ~%q", res.Status, res.Reason(), tt.status, tt.reason)
			}
			src := f.reqs["deadline (print-only)"].Program.Source
			for _, want := range []string{`workbook_os.Stdout.WriteString("killed\n"); workbook_os.Stderr.WriteString(""); workbook_os.Exit(0);`, `func work() string { if workbook_printonly { panic("print-only: work does no work") }; return "killed" }`} {
				if !strings.Contains(src, want) {
					t.Errorf("print-only source lacks %q:\n%s", want, src)
				}
			}
			if got, want := strings.Count(src, "\n"), strings.Count(p.Source, "\n")+4; got != want {
				t.Errorf("print-only source has %d lines, want %d (the original's lines keep their numbers)", got, want)
			}
		})
	}
}

func TestSelectOrderAndShards(t *testing.T) {
	docs, _ := sample()
	names := func(items []Item) string {
		var s []string
		for _, it := range items {
			s = append(s, it.Key())
		}
		return strings.Join(s, " ")
	}
	if got, want := names(Select(docs, Selection{})), "a.md:8:deadline/starter a.md:10:deadline a.md:30:skipped b.md:5:hello b.md:20:broken"; got != want {
		t.Errorf("Select = %s, want %s", got, want)
	}
	if got, want := names(Select(docs, Selection{Run: regexp.MustCompile("^dead")})), "a.md:8:deadline/starter a.md:10:deadline"; got != want {
		t.Errorf("Select --run = %s, want %s", got, want)
	}
	var union []string
	for k := 1; k <= 3; k++ {
		union = append(union, names(Select(docs, Selection{Shard: k, Shards: 3})))
	}
	if got, want := strings.Join(union, " | "), "a.md:8:deadline/starter b.md:5:hello | a.md:10:deadline b.md:20:broken | a.md:30:skipped"; got != want {
		t.Errorf("shards = %s, want %s", got, want)
	}
}

func TestParseShard(t *testing.T) {
	for _, tt := range []struct {
		in   string
		k, n int
		bad  bool
	}{{"1/4", 1, 4, false}, {"4/4", 4, 4, false}, {"0/4", 0, 0, true}, {"5/4", 0, 0, true}, {"x", 0, 0, true}, {"1/4x", 0, 0, true}} {
		k, n, err := ParseShard(tt.in)
		if (err != nil) != tt.bad || k != tt.k || n != tt.n {
			t.Errorf("ParseShard(%q) = %d, %d, %v", tt.in, k, n, err)
		}
	}
}

func TestRun(t *testing.T) {
	docs, f := sample()
	items := Select(docs, Selection{})
	var seen []string
	results := Run(context.Background(), f, items, Options{Jobs: 2}, func(r Result) {
		seen = append(seen, r.Item.Program.Name)
	})
	if len(seen) != len(items) {
		t.Errorf("report called %d times, want %d", len(seen), len(items))
	}
	want := []struct {
		name    string
		status  Status
		failure check.Failure
		reason  string
	}{
		{"deadline/starter", Pass, "", `a.md:8: exercise starter "deadline/starter" fails its check as shipped, as it should`},
		{"deadline", Pass, "", "passed (compiled)"},
		{"skipped", Skip, "", `a.md:30: "skipped" is skipped`},
		{"hello", Pass, "", "passed"},
		{"broken", Fail, check.FailOutput, `b.md:20: "broken" printed a different stdout (yaegi)`},
	}
	for i, w := range want {
		r := results[i]
		if r.Item.Program.Name != w.name || r.Status != w.status || r.Failure != w.failure || !strings.Contains(r.Reason(), w.reason) {
			t.Errorf("result %d = %s %s %q %q, want %s %s %q ~%q", i, r.Item.Program.Name, r.Status, r.Failure, r.Reason(), w.name, w.status, w.failure, w.reason)
		}
	}
	if got := Count(results).String(); got != "4 passed, 1 failed, 0 skipped" && got != "3 passed, 1 failed, 1 skipped" {
		t.Errorf("summary = %q", got)
	}
	if got, want := Count(results).String(), "3 passed, 1 failed, 1 skipped"; got != want {
		t.Errorf("summary = %q, want %q", got, want)
	}
	// Requests: engine and timeout from the document's defaults, else the
	// built-in defaults (TestRunCommandLineSettings: the command line's).
	if r := f.reqs["deadline"]; r.Engine != engine.Compiled || r.Timeout != 3*time.Second {
		t.Errorf("deadline request engine %q timeout %v", r.Engine, r.Timeout)
	}
	if r := f.reqs["hello"]; r.Engine != engine.Auto || r.Timeout != lessons.DefaultTimeout {
		t.Errorf("hello request engine %q timeout %v", r.Engine, r.Timeout)
	}
	if _, ran := f.reqs["skipped"]; ran {
		t.Error("a skipped program was run")
	}
}

func TestStarterThatPassesFails(t *testing.T) {
	p := program("a.md", 8, "ex/starter", expect("x\n"))
	p.Role = lessons.RoleStarter
	f := &fakeRunner{verdicts: map[string]*engine.Verdict{"ex/starter": ok("x\n")}}
	r := One(context.Background(), f, Item{Program: p}, Options{})
	if r.Status != Fail || r.Failure != check.FailOutput || !strings.Contains(r.Reason(), "already passes its check") {
		t.Errorf("got %s %s %q", r.Status, r.Failure, r.Reason())
	}
}

func TestRunnerErrorIsEngineFailure(t *testing.T) {
	p := program("a.md", 3, "lost", nil)
	r := One(context.Background(), &fakeRunner{}, Item{Program: p}, Options{})
	if r.Status != Fail || r.Failure != check.FailEngine || !strings.HasPrefix(r.Reason(), "a.md:3: ") {
		t.Errorf("got %s %s %q", r.Status, r.Failure, r.Reason())
	}
}

func TestUntilGetsSeen(t *testing.T) {
	p := program("a.md", 3, "logs", expect("ERROR\n"))
	p.Expect.Until = true
	f := &fakeRunner{verdicts: map[string]*engine.Verdict{"logs": {End: engine.Stopped, Stdout: []byte("ERROR\n")}}}
	r := One(context.Background(), f, Item{Program: p}, Options{})
	if r.Status != Pass {
		t.Errorf("got %s %q", r.Status, r.Reason())
	}
	if f.reqs["logs"].Seen == nil {
		t.Error("the request of an until program has no Seen")
	}
}

func TestJobsBoundParallelism(t *testing.T) {
	var items []Item
	verdicts := map[string]*engine.Verdict{}
	for i := range 8 {
		name := fmt.Sprintf("p%d", i)
		items = append(items, Item{Program: program("a.md", i+1, name, nil)})
		verdicts[name] = ok("")
	}
	f := &fakeRunner{verdicts: verdicts, gate: make(chan struct{})}
	done := make(chan []Result)
	go func() { done <- Run(context.Background(), f, items, Options{Jobs: 3}, nil) }()
	for range items {
		f.gate <- struct{}{}
	}
	results := <-done
	if c := Count(results); c.Passed != 8 {
		t.Errorf("counts %v", c)
	}
	if p := f.peak.Load(); p > 3 {
		t.Errorf("peak parallelism %d > 3", p)
	}
}

func TestCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	docs, f := sample()
	results := Run(ctx, f, Select(docs, Selection{}), Options{}, nil)
	for _, r := range results {
		if r.Status == Pass && r.Item.Program.Role != lessons.RoleStarter {
			t.Errorf("%s passed after cancel", r.Item.Program.Name)
		}
	}
}

// reports runs the sample and renders every report format.
func reports(t *testing.T) []Result {
	t.Helper()
	docs, f := sample()
	return Run(context.Background(), f, Select(docs, Selection{}), Options{Jobs: 1}, nil)
}

func TestReportsGolden(t *testing.T) {
	results := reports(t)
	var lines bytes.Buffer
	for _, r := range results {
		WriteLine(&lines, r, term.NewPalette(false))
	}
	fmt.Fprintln(&lines, Count(results))
	golden(t, "lines.golden", lines.String())

	var js bytes.Buffer
	if err := WriteJSON(&js, results); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.json", js.String())
	var decoded map[string]any
	if err := json.Unmarshal(js.Bytes(), &decoded); err != nil {
		t.Fatalf("bad JSON: %v", err)
	}

	var ju bytes.Buffer
	if err := WriteJUnit(&ju, results); err != nil {
		t.Fatal(err)
	}
	golden(t, "junit.xml", ju.String())

	var gh bytes.Buffer
	WriteAnnotations(&gh, results)
	golden(t, "annotations.golden", gh.String())
}

func TestListGolden(t *testing.T) {
	docs, _ := sample()
	items := Select(docs, Selection{})
	var b bytes.Buffer
	WriteList(&b, items, "")
	golden(t, "list.golden", b.String())
	b.Reset()
	if err := WriteListJSON(&b, items, ""); err != nil {
		t.Fatal(err)
	}
	golden(t, "list.json", b.String())
}

func TestProgress(t *testing.T) {
	results := reports(t)
	var b bytes.Buffer
	pr := NewProgress(&b, len(results), term.NewPalette(false))
	for _, r := range results {
		pr.Result(r)
	}
	pr.Done()
	out := b.String()
	if strings.Count(out, "\n") != strings.Count(plainFail(results), "\n") {
		t.Errorf("progress printed more than the failures:\n%q", out)
	}
	if !strings.Contains(out, "[5/5] 3 passed, 1 failed, 1 skipped") || !strings.HasSuffix(out, clearLine) {
		t.Errorf("progress output %q", out)
	}
}

func plainFail(results []Result) string {
	var b bytes.Buffer
	for _, r := range results {
		if r.Status == Fail {
			WriteLine(&b, r, term.NewPalette(false))
		}
	}
	return b.String()
}

func TestEscape(t *testing.T) {
	if got, want := escapeData("50% a\r\nb: c,d"), "50%25 a%0D%0Ab: c,d"; got != want {
		t.Errorf("escapeData = %q, want %q", got, want)
	}
	if got, want := escapeProperty("a:b,c%"), "a%3Ab%2Cc%25"; got != want {
		t.Errorf("escapeProperty = %q, want %q", got, want)
	}
}

func TestInferredSkipShowsWhy(t *testing.T) {
	p := program("a.md", 3, "fragment", func(p *lessons.Program) {
		p.Mode, p.SkipReason = lessons.ModeSkip, "incomplete: it uses cmd, which no snippet of the page declares"
	})
	r := One(context.Background(), &fakeRunner{}, Item{Program: p}, Options{})
	var b bytes.Buffer
	WriteLine(&b, r, term.NewPalette(false))
	if got, want := b.String(), "SKIP a.md:3 fragment (incomplete: it uses cmd, which no snippet of the page declares)\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if !strings.HasSuffix(r.Reason(), "is skipped (incomplete: it uses cmd, which no snippet of the page declares)") {
		t.Errorf("reason %q", r.Reason())
	}
}

// TestRunCommandLineSettings checks how the command line's settings reach
// the requests: over the front matter, under a program's own attribute,
// "auto" included.
func TestRunCommandLineSettings(t *testing.T) {
	doc := &lessons.Document{File: "p.md", Defaults: lessons.Defaults{Engine: engine.Yaegi, Timeout: 3 * time.Second}, Programs: []*lessons.Program{
		program("p.md", 3, "plain", expect("hi\n")),
		program("p.md", 9, "own-auto", func(p *lessons.Program) {
			expect("hi\n")(p)
			p.Engine, p.Timeout = engine.Auto, 2*time.Second
		}),
	}}
	tests := []struct {
		name             string
		opts             Options
		plain, own       string
		plainT, ownT     time.Duration
		plainList, ownLi string
	}{
		{"no command line", Options{}, engine.Yaegi, engine.Auto, 3 * time.Second, 2 * time.Second, "yaegi", "auto"},
		{"--engine compiled --timeout 5s", Options{Engine: engine.Compiled, Timeout: 5 * time.Second}, engine.Compiled, engine.Auto, 5 * time.Second, 2 * time.Second, "compiled", "auto"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeRunner{verdicts: map[string]*engine.Verdict{"plain": ok("hi\n"), "own-auto": ok("hi\n")}}
			items := Select([]*lessons.Document{doc}, Selection{})
			tt.opts.Jobs = 1
			Run(context.Background(), f, items, tt.opts, nil)
			if r := f.reqs["plain"]; r.Engine != tt.plain || r.Timeout != tt.plainT {
				t.Errorf("plain: engine %q timeout %v, want %q %v", r.Engine, r.Timeout, tt.plain, tt.plainT)
			}
			if r := f.reqs["own-auto"]; r.Engine != tt.own || r.Timeout != tt.ownT {
				t.Errorf("own-auto: engine %q timeout %v, want %q %v", r.Engine, r.Timeout, tt.own, tt.ownT)
			}
			var list strings.Builder
			WriteList(&list, items, tt.opts.Engine)
			want := fmt.Sprintf("p.md:3 plain (run, %s)\np.md:9 own-auto (run, %s)\n", tt.plainList, tt.ownLi)
			if list.String() != want {
				t.Errorf("list:\n%s\nwant:\n%s", list.String(), want)
			}
		})
	}
}

// TestAnnotationAtFailure checks that a GitHub annotation sits at the
// failure's own position (a compile error's line), else on the program.
func TestAnnotationAtFailure(t *testing.T) {
	p := program("guide.markdown", 3, "broken", nil)
	tests := []struct {
		pos  lessons.Pos
		want string
	}{
		{lessons.Pos{File: "guide.markdown", Line: 6}, "::error file=guide.markdown,line=6,title=broken failed (build)::guide.markdown:6: \"broken\" does not build\n"},
		{lessons.Pos{}, "::error file=guide.markdown,line=3,title=broken failed (build)::\"broken\" does not build\n"},
	}
	for _, tt := range tests {
		var b strings.Builder
		WriteAnnotations(&b, []Result{{Item: Item{Program: p}, Status: Fail, Failure: check.FailBuild, Pos: tt.pos, Message: `"broken" does not build`}})
		if b.String() != tt.want {
			t.Errorf("pos %v: got %q, want %q", tt.pos, b.String(), tt.want)
		}
	}
}
