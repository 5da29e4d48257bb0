package verify

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/check"
	"github.com/ppworkbook/workbook/workbook/engine"
)

func withSource(body string) func(*lessons.Program) {
	return func(p *lessons.Program) {
		p.Source = "package main\n\nimport (\n\t\"context\"\n\t\"os/exec\"\n\t\"time\"\n)\n\nfunc main() {\n" + body + "\n}\n"
	}
}

func TestEstimate(t *testing.T) {
	tests := []struct {
		name string
		mut  func(*lessons.Program)
		want time.Duration
	}{
		{"nothing", nil, 0},
		{"sleep literal", withSource(`time.Sleep(100 * time.Millisecond)`), 100 * time.Millisecond},
		{"sleep unit", withSource(`time.Sleep(time.Second)`), time.Second},
		{"sleep parenthesised and divided", withSource(`time.Sleep((3 * time.Second) / 2)`), 1500 * time.Millisecond},
		{"sleep Duration conversion", withSource(`time.Sleep(time.Duration(250) * time.Millisecond)`), 250 * time.Millisecond},
		{"sleeps add up", withSource("time.Sleep(time.Second)\n<-time.After(2 * time.Second)"), 3 * time.Second},
		{"sleep variable is unknown", withSource("d := time.Second\ntime.Sleep(d)"), 0},
		{"sleep command", withSource(`exec.Command("sleep", "2").Run()`), 2 * time.Second},
		{"sleep command fraction", withSource(`exec.Command("sleep", "0.1").Run()`), 100 * time.Millisecond},
		{"sleep command context", withSource(`exec.CommandContext(context.Background(), "sleep", "5").Run()`), 5 * time.Second},
		{"context timeout", withSource(`context.WithTimeout(context.Background(), 300*time.Millisecond)`), 300 * time.Millisecond},
		{"other command", withSource(`exec.Command("echo", "2").Run()`), 0},
		{"own timeout", func(p *lessons.Program) { p.Timeout = 4 * time.Second }, 4 * time.Second},
		{"until: the timeout", func(p *lessons.Program) { p.Expect.Until = true }, 7 * time.Second},
		{"until with longer sleeps", func(p *lessons.Program) {
			withSource(`time.Sleep(9 * time.Second)`)(p)
			p.Expect.Until = true
		}, 9 * time.Second},
		{"syntax error", func(p *lessons.Program) { p.Source = "package main\nfunc main() {" }, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it := Item{Program: program("a.md", 1, "p", tt.mut)}
			if got := Estimate(it, 7*time.Second); got != tt.want {
				t.Errorf("Estimate = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestHistoryRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cache", "ppworkbook", "durations.json")
	h, err := OpenHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	k1, k2 := HistoryKey("src", "yaegi"), HistoryKey("src", "compiled")
	if k1 == k2 || k1 != HistoryKey("src", "yaegi") {
		t.Fatalf("keys %q %q: want stable and engine-dependent", k1, k2)
	}
	if _, ok := h.Get(k1); ok {
		t.Fatal("empty history knows a key")
	}
	h.Record(k1, 1500*time.Millisecond)
	if err := h.Save(); err != nil {
		t.Fatal(err)
	}
	h2, err := OpenHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	if d, ok := h2.Get(k1); !ok || d != 1500*time.Millisecond {
		t.Errorf("after reload Get = %v, %v; want 1.5s", d, ok)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("cache dir holds %d entries, want only durations.json (no temporary file left)", len(entries))
	}

	// A corrupt file is an empty history and an error; a nil history is
	// a valid no-op.
	if err := os.WriteFile(path, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	h3, err := OpenHistory(path)
	if err == nil || h3 == nil {
		t.Fatalf("corrupt history: %v, %v", h3, err)
	}
	if _, ok := h3.Get(k1); ok {
		t.Error("corrupt history knows a key")
	}
	var none *History
	none.Record(k1, time.Second)
	if _, ok := none.Get(k1); ok || none.Save() != nil {
		t.Error("nil history is not a no-op")
	}
}

func names(items []Item, order []int) string {
	s := make([]string, len(order))
	for i, k := range order {
		s[i] = items[k].Program.Name
	}
	return strings.Join(s, " ")
}

func TestOrderLongestFirst(t *testing.T) {
	items := []Item{
		{Program: program("a.md", 1, "quick", nil)},
		{Program: program("a.md", 2, "skipped", func(p *lessons.Program) { p.Mode = lessons.ModeSkip })},
		{Program: program("a.md", 3, "sleeper", withSource(`time.Sleep(time.Second)`))},
		{Program: program("a.md", 4, "until", func(p *lessons.Program) {
			withSource(`println("until")`)(p)
			p.Expect.Until, p.Timeout = true, 5*time.Second
		})},
		{Program: program("a.md", 5, "quick2", withSource(`println()`))},
	}
	opts := Options{Timeout: 10 * time.Second}
	if got, want := names(items, Order(items, opts)), "until sleeper quick quick2 skipped"; got != want {
		t.Errorf("static order = %s, want %s", got, want)
	}
	// The history wins over the estimate.
	h, err := OpenHistory(filepath.Join(t.TempDir(), "d.json"))
	if err != nil {
		t.Fatal(err)
	}
	h.Record(HistoryKey(items[3].Program.Source, engine.Auto), 20*time.Millisecond)
	h.Record(HistoryKey(items[4].Program.Source, engine.Auto), 3*time.Second)
	opts.History = h
	if got, want := names(items, Order(items, opts)), "quick2 sleeper until quick skipped"; got != want {
		t.Errorf("order with history = %s, want %s", got, want)
	}
}

// orderRunner records the order in which programs start and fails the
// runs listed in fail (by program name and run number, from 1).
type orderRunner struct {
	mu      sync.Mutex
	started []string
	runs    map[string]int
	fail    map[string][]int
}

func (o *orderRunner) Run(ctx context.Context, req engine.Request) (*engine.Verdict, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	name := req.Program.Name
	o.started = append(o.started, name)
	if o.runs == nil {
		o.runs = map[string]int{}
	}
	o.runs[name]++
	v := ok("hi\n")
	v.Engine = engine.Yaegi
	v.Duration = time.Duration(o.runs[name]) * time.Millisecond
	for _, n := range o.fail[name] {
		if n == o.runs[name] {
			v.Stdout = []byte("ho\n")
		}
	}
	return v, nil
}

func TestRunStartsLongestFirstAndRecords(t *testing.T) {
	items := []Item{
		{Program: program("a.md", 1, "quick", expect("hi\n"))},
		{Program: program("a.md", 3, "sleeper", func(p *lessons.Program) {
			expect("hi\n")(p)
			withSource(`time.Sleep(time.Second)`)(p)
		})},
	}
	h, err := OpenHistory(filepath.Join(t.TempDir(), "d.json"))
	if err != nil {
		t.Fatal(err)
	}
	o := &orderRunner{}
	results := Run(context.Background(), o, items, Options{Jobs: 1, History: h}, nil)
	if got, want := strings.Join(o.started, " "), "sleeper quick"; got != want {
		t.Errorf("started %s, want %s", got, want)
	}
	if results[0].Item.Program.Name != "quick" || results[1].Item.Program.Name != "sleeper" {
		t.Error("results are not in the order of items")
	}
	for _, it := range items {
		if d, ok := h.Get(HistoryKey(it.Program.Source, engine.Auto)); !ok || d != time.Millisecond {
			t.Errorf("history of %s = %v, %v; want 1ms", it.Program.Name, d, ok)
		}
	}
}

func TestRunCount(t *testing.T) {
	items := []Item{
		{Program: program("a.md", 1, "steady", expect("hi\n"))},
		{Program: program("a.md", 5, "flaky", expect("hi\n"))},
		{Program: program("a.md", 9, "later", func(p *lessons.Program) { p.Mode = lessons.ModeSkip })},
	}
	o := &orderRunner{fail: map[string][]int{"flaky": {3, 5}}}
	var reported []string
	results := Run(context.Background(), o, items, Options{Jobs: 1, Count: 5}, func(r Result) {
		reported = append(reported, r.Item.Program.Name)
	})
	if len(reported) != 3 {
		t.Errorf("reported %v, want each program once", reported)
	}
	if o.runs["steady"] != 5 || o.runs["flaky"] != 5 || o.runs["later"] != 0 {
		t.Errorf("runs = %v, want 5, 5 and none for the skipped one", o.runs)
	}
	steady, flaky, later := results[0], results[1], results[2]
	if steady.Status != Pass || steady.Runs != 5 || steady.FailedRuns != 0 || !strings.HasSuffix(steady.Reason(), "(all 5 runs)") {
		t.Errorf("steady = %s %d/%d %q", steady.Status, steady.FailedRuns, steady.Runs, steady.Reason())
	}
	if steady.Duration != 3*time.Millisecond {
		t.Errorf("steady duration = %v, want the mean 3ms", steady.Duration)
	}
	want := `a.md:5: run 3 of 5 failed (2 of 5 runs failed): "flaky" printed a different stdout`
	if flaky.Status != Fail || flaky.Failure != check.FailOutput || flaky.Runs != 5 || flaky.FailedRuns != 2 || !strings.HasPrefix(flaky.Reason(), want) {
		t.Errorf("flaky = %s %s %d/%d %q, want reason starting %q", flaky.Status, flaky.Failure, flaky.FailedRuns, flaky.Runs, flaky.Reason(), want)
	}
	if later.Status != Skip || later.Runs != 0 {
		t.Errorf("later = %s runs %d", later.Status, later.Runs)
	}
}
