// Package verify proves that the programs of lesson documents still do what
// their documents say: it selects programs of documents loaded by package
// lessons (by name, by shard), runs them in parallel through an engine,
// checks each verdict and reports the results as lines, JSON, JUnit XML or
// GitHub annotations.
package verify

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/check"
	"github.com/ppworkbook/workbook/workbook/engine"
)

// Runner runs one program. *engine.Runner implements it; tests use fakes.
type Runner interface {
	Run(ctx context.Context, req engine.Request) (*engine.Verdict, error)
}

// Prebuilder is a Runner that can build many programs at once before
// they run (*engine.Runner: one toolchain call for all the programs that
// need the compiler); the function it returns waits for the build.
type Prebuilder interface {
	Prebuild(ctx context.Context, reqs []engine.Request) (wait func())
}

// Item is one program to verify, with the defaults of its document.
type Item struct {
	Program  *lessons.Program
	Defaults lessons.Defaults
}

// Status is the outcome of verifying one program.
type Status string

// The statuses.
const (
	Pass Status = "pass"
	Fail Status = "fail"
	Skip Status = "skip"
)

// Result is the verified outcome of one program.
type Result struct {
	Item    Item
	Engine  string // the engine that produced the verdict ("" when skipped)
	Status  Status
	Failure check.Failure // when Status is Fail
	// Pos is where the result is about (the program, or the line of what
	// failed) and Message the one-paragraph message without it: only
	// reporters join them (see Reason).
	Pos      lessons.Pos
	Message  string
	Detail   string        // diff or outputs, possibly coloured
	Duration time.Duration // with Options.Count, the mean of the runs
	// Runs is how many times the program ran (with Options.Count) and
	// FailedRuns how many of those runs failed.
	Runs, FailedRuns int
	// YaegiDisagreed and OutputCut are check.Result's: how yaegi's run
	// differed from the compiled one, and which output was cut at the cap.
	YaegiDisagreed string
	OutputCut      string
	// Summary, for a pass, says what ran when it is more than the
	// program ("3 tests passed").
	Summary string
	// Why, for a program skipped after it was tried (an inferred program
	// that elides code and does not build), says why; the program's own
	// SkipReason otherwise.
	Why string
}

// SkipWhy is the one-line reason of a skipped result.
func (r Result) SkipWhy() string {
	if r.Why != "" {
		return r.Why
	}
	if why := r.Item.Program.SkipReason; why != "" {
		return why
	}
	return "skip=true"
}

// Reason is the message as reporters print it: "file.md:line: message".
func (r Result) Reason() string {
	if r.Pos.File == "" {
		return r.Message
	}
	return r.Pos.String() + ": " + r.Message
}

// Options configure Run.
type Options struct {
	// Engine and Timeout are the command line's settings ("" and 0: not
	// given): they apply to programs that set none of their own, before
	// their document's front matter (see Item.Settings).
	Engine  string
	Timeout time.Duration
	// Jobs is how many programs run at once; 0 means DefaultJobs().
	Jobs int
	// Colour puts ANSI colour in Result.Detail.
	Colour bool
	// Count runs every program Count times (0 and 1: once); a program
	// passes only when every run passes, to expose nondeterministic output.
	Count int
	// History, when not nil, orders the runs (longest expected first, see
	// Order) and records the duration of every run. The caller saves it.
	History *History
	// OnDisk says the documents were read from disk: each program sees
	// its document's folder, read-only (engine.Request.Dir).
	OnDisk bool
}

// JobsPerCPU is how many programs run at once per CPU by default. Most
// lesson programs spend their time waiting (sleeps, pipes, children), and
// every run also waits for its sandbox child to start, so more programs
// than CPUs keep the CPUs busy: measured on 2 cores (docs/performance.md,
// section "verify"), -j 8 verified the embedded lessons in 0.44-0.58 s
// against 1.07 s for -j 2, and 200 small programs in 0.84 s against 1.33 s;
// -j 16 was no better on the lessons and slower on the 200 programs.
const JobsPerCPU = 4

// DefaultJobs is the default of -j: JobsPerCPU times runtime.NumCPU().
func DefaultJobs() int { return JobsPerCPU * runtime.NumCPU() }

// docDir is the folder of the document file, for a document on disk.
func docDir(file string, onDisk bool) string {
	if !onDisk {
		return ""
	}
	dir, err := filepath.Abs(filepath.Dir(file))
	if err != nil {
		return ""
	}
	return dir
}

// Selection chooses programs.
type Selection struct {
	// Run, when not nil, keeps the programs whose name it matches.
	Run *regexp.Regexp
	// Shard and Shards keep the Shard-th (1-based) of Shards parts; zero
	// Shards keeps everything.
	Shard, Shards int
}

// ParseShard parses "K/N" (1 <= K <= N).
func ParseShard(s string) (k, n int, err error) {
	if _, err := fmt.Sscanf(s, "%d/%d", &k, &n); err != nil || fmt.Sprintf("%d/%d", k, n) != s {
		return 0, 0, fmt.Errorf("bad shard %q: want K/N, like 1/4", s)
	}
	if n < 1 || k < 1 || k > n {
		return 0, 0, fmt.Errorf("bad shard %q: want 1 <= K <= N", s)
	}
	return k, n, nil
}

// Select returns the programs of docs that sel keeps, sorted by file, line
// and name. Sharding is round-robin over that sorted list (after --run), so
// every shard is deterministic and the shards of a CI matrix together hold
// every program exactly once.
func Select(docs []*lessons.Document, sel Selection) []Item {
	var items []Item
	for _, doc := range docs {
		for _, p := range doc.Programs {
			if sel.Run != nil && !sel.Run.MatchString(p.Name) {
				continue
			}
			items = append(items, Item{Program: p, Defaults: doc.Defaults})
		}
	}
	slices.SortStableFunc(items, func(a, b Item) int {
		return cmp.Or(
			cmp.Compare(a.Program.File, b.Program.File),
			cmp.Compare(a.Program.Line, b.Program.Line),
			cmp.Compare(a.Program.Name, b.Program.Name),
		)
	})
	if sel.Shards <= 1 {
		return items
	}
	var kept []Item
	for i, it := range items {
		if i%sel.Shards == sel.Shard-1 {
			kept = append(kept, it)
		}
	}
	return kept
}

// Key is a stable identity of a program, "file:line:name", used to merge
// reports.
func (it Item) Key() string {
	return fmt.Sprintf("%s:%d:%s", it.Program.File, it.Program.Line, it.Program.Name)
}

// Settings are the settings a run of the item uses: its program's own,
// else the command line's (opts.Engine, opts.Timeout), else its document's,
// else the built-in defaults (see lessons.Resolve).
func (it Item) Settings(opts Options) lessons.Settings {
	return lessons.Resolve(it.Program, it.Defaults, lessons.CommandLine{Engine: opts.Engine, Timeout: opts.Timeout})
}

// Run verifies items with r, at most opts.Jobs at a time, and returns the
// results in the order of items. Programs start longest expected first (see
// Order), so that long waits overlap the short programs. With opts.Count
// each program runs that many times and its result merges the runs.
// report, when not nil, is called with each program's result as soon as it
// is known (never concurrently). A cancelled ctx stops the programs not yet
// started: they fail with "engine".
func Run(ctx context.Context, r Runner, items []Item, opts Options, report func(Result)) []Result {
	jobs := opts.Jobs
	if jobs <= 0 {
		jobs = DefaultJobs()
	}
	count := max(opts.Count, 1)
	type task struct{ item, run int }
	runs := make([][]Result, len(items))
	pending := make([]int, len(items))
	ntasks := 0
	for i, it := range items {
		n := count
		if it.Program.Mode == lessons.ModeSkip {
			n = 1
		}
		runs[i], pending[i] = make([]Result, n), n
		ntasks += n
	}
	results := make([]Result, len(items))
	// Build what needs the compiler in one toolchain call, while the
	// interpreted programs run.
	if pb, ok := r.(Prebuilder); ok {
		reqs := make([]engine.Request, 0, len(items))
		for _, it := range items {
			p := it.Program
			if p.Mode == lessons.ModeSkip {
				continue
			}
			reqs = append(reqs, engine.NewRequest(p, it.Settings(opts)))
		}
		defer pb.Prebuild(ctx, reqs)()
	}
	var mu sync.Mutex
	next := make(chan task)
	var wg sync.WaitGroup
	for range min(jobs, max(ntasks, 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range next {
				it := items[t.item]
				res := One(ctx, r, it, opts)
				if res.Status != Skip && res.Failure != check.FailEngine {
					opts.History.Record(HistoryKey(it.Program.Source, it.Settings(opts).Engine), res.Duration)
				}
				mu.Lock()
				runs[t.item][t.run] = res
				pending[t.item]--
				if pending[t.item] == 0 {
					results[t.item] = merge(runs[t.item])
					if report != nil {
						report(results[t.item])
					}
				}
				mu.Unlock()
			}
		}()
	}
	for _, i := range Order(items, opts) {
		for k := range runs[i] {
			next <- task{i, k}
		}
	}
	close(next)
	wg.Wait()
	return results
}

// merge makes one result of the runs of one program: it passes when every
// run passed; otherwise it is the first failing run, its reason saying
// which run that was and how many failed.
func merge(runs []Result) Result {
	if len(runs) == 1 {
		return runs[0]
	}
	n := len(runs)
	first, failed := -1, 0
	var total time.Duration
	for i, r := range runs {
		total += r.Duration
		if r.Status == Fail {
			failed++
			if first < 0 {
				first = i
			}
		}
	}
	res := runs[0]
	if first >= 0 {
		res = runs[first]
		res.Message = fmt.Sprintf("run %d of %d failed (%d of %d runs failed): %s", first+1, n, failed, n, res.Message)
	} else {
		res.Message += fmt.Sprintf(" (all %d runs)", n)
	}
	res.Duration = total / time.Duration(n)
	res.Runs, res.FailedRuns = n, failed
	for _, r := range runs {
		res.YaegiDisagreed = cmp.Or(res.YaegiDisagreed, r.YaegiDisagreed)
		res.OutputCut = cmp.Or(res.OutputCut, r.OutputCut)
	}
	return res
}

// One verifies one program.
func One(ctx context.Context, r Runner, it Item, opts Options) Result {
	p := it.Program
	if p.Mode == lessons.ModeSkip {
		why := p.SkipReason
		if why == "" {
			why = "skip=true"
		}
		return Result{Item: it, Status: Skip, Pos: programPos(p), Message: fmt.Sprintf("%q is skipped (%s)", p.Name, why)}
	}
	if engine.UsesCgo(p.Source) && !engine.HasCCompiler() {
		why := `it imports "C": cgo needs a C compiler, and none was found`
		return Result{Item: it, Status: Skip, Why: why, Pos: programPos(p), Message: fmt.Sprintf("%q is skipped (%s)", p.Name, why)}
	}
	start := time.Now()
	set := it.Settings(opts)
	run := func(ctx context.Context, p *lessons.Program) (*engine.Verdict, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		req := engine.NewRequest(p, set)
		req.Seen = check.Seen(p)
		req.Accept = accept(p)
		req.Dir = docDir(p.File, opts.OnDisk)
		v, err := r.Run(ctx, req)
		if err == nil && v == nil {
			err = errors.New("the engine returned no verdict")
		}
		return v, err
	}
	copts := check.Options{Colour: opts.Colour, Timeout: set.Timeout}
	c, runs, err := check.CheckRuns(ctx, p, run, copts)
	if err != nil {
		return finish(it, Result{
			Item: it, Status: Fail, Failure: check.FailEngine,
			Pos:      programPos(p),
			Message:  fmt.Sprintf("%q could not be run: %v", p.Name, err),
			Duration: time.Since(start),
		})
	}
	if len(runs) == 1 {
		v := runs[0].Verdict
		if why := buildExcuse(p, v); why != "" && !c.Pass {
			return Result{Item: it, Engine: v.Engine, Status: Skip, Why: why, Duration: v.Duration,
				Pos: programPos(p), Message: fmt.Sprintf("%q is skipped (%s)", p.Name, why)}
		}
	}
	res := Result{Item: it, Pos: c.Pos, Message: c.Message, Detail: c.Detail, Summary: c.Summary,
		YaegiDisagreed: c.YaegiDisagreed, OutputCut: c.OutputCut}
	for _, cr := range runs {
		if cr.Verdict != nil {
			res.Duration += cr.Verdict.Duration
			if res.Engine == "" {
				res.Engine = cr.Verdict.Engine
			}
		}
	}
	if c.Engine != "" {
		res.Engine = c.Engine // under engine="both", the run that failed
	}
	if c.Pass {
		res.Status = Pass
	} else {
		res.Status, res.Failure = Fail, c.Failure
	}
	if res.Status == Pass && p.Role == lessons.RoleSolution {
		res = printOnlyCheck(ctx, it, res, runs, run, copts)
	}
	return finish(it, res)
}

// printOnlyCheck is the author check of an exercise's reference solution
// that passed: a print-only version of it (see check.PrintOnly), which
// replays the solution's first run, must fail the exercise's check, or the
// learner could pass it without doing the work.
func printOnlyCheck(ctx context.Context, it Item, res Result, runs []check.CaseResult, run check.RunFunc, copts check.Options) Result {
	p := it.Program
	if len(runs) == 0 || runs[0].Verdict == nil || runs[0].Verdict.End != engine.Exited {
		return res
	}
	v := runs[0].Verdict
	po, err := check.PrintOnly(p, v.Stdout, v.Stderr, v.ExitCode)
	if err == nil {
		// Like a starter, the print-only version must fail its check:
		// under auto, the compiled engine decides the yaegi verdicts that
		// would let it pass (see accept).
		po.Role = lessons.RoleStarter
	}
	if err != nil {
		res.Status, res.Failure, res.Pos, res.Message = Fail, check.FailEngine, programPos(p), err.Error()
		return res
	}
	c, _, err := check.CheckRuns(ctx, po, run, copts)
	switch {
	case err != nil:
		res.Status, res.Failure, res.Pos = Fail, check.FailEngine, programPos(p)
		res.Message = fmt.Sprintf("the print-only version of %q could not be run: %v", p.Name, err)
	case c.Pass:
		res.Status, res.Failure, res.Pos = Fail, check.FailOutput, programPos(p)
		res.Message = fmt.Sprintf("exercise %s can be passed without doing the work: a program that only prints the solution's output and exits with its status passes the check; add cases with other inputs, or a harness that calls the learner's functions", p.Exercise)
		res.Detail = ""
	default:
		res.Message += "; a print-only version fails the check, as it should"
	}
	return res
}

// accept is the engine's Accept for p: the document's expectations, the
// other way round for an exercise starter, which passes verify when it
// fails its check (see finish), requires= included. So under auto the
// compiled engine decides exactly the yaegi verdicts that would make
// verify fail.
func accept(p *lessons.Program) func(*engine.Verdict) bool {
	if p.Role != lessons.RoleStarter || p.Mode == lessons.ModeSkip {
		return check.Accept(p)
	}
	return func(v *engine.Verdict) bool { return v != nil && !check.Passes(p, v) }
}

// finish applies the exercise-starter rule: a starter, as shipped, must
// fail its check, so it passes verify when it fails (and fails when it
// passes). An engine failure stays a failure.
func finish(it Item, res Result) Result {
	p := it.Program
	if p.Role != lessons.RoleStarter || res.Status == Skip {
		return res
	}
	switch {
	case res.Status == Fail && res.Failure != check.FailEngine:
		res.Status, res.Failure = Pass, ""
		res.Message = fmt.Sprintf("exercise starter %q fails its check as shipped, as it should (%s)", p.Name, res.Message)
		res.Pos = programPos(p)
		res.Detail = ""
	case res.Status == Pass:
		res.Status, res.Failure = Fail, check.FailOutput
		res.Pos = programPos(p)
		res.Message = fmt.Sprintf("exercise starter %q already passes its check; as shipped it must fail, or the learner has nothing to do", p.Name)
	}
	return res
}

// programPos is the position of p's first line.
func programPos(p *lessons.Program) lessons.Pos { return lessons.Pos{File: p.File, Line: p.Line} }

// Counts are the totals of a run.
type Counts struct{ Passed, Failed, Skipped int }

// Count totals results.
func Count(results []Result) Counts {
	var c Counts
	for _, r := range results {
		switch r.Status {
		case Pass:
			c.Passed++
		case Fail:
			c.Failed++
		case Skip:
			c.Skipped++
		}
	}
	return c
}

// String is the summary line, exactly "N passed, N failed, N skipped".
func (c Counts) String() string {
	return fmt.Sprintf("%d passed, %d failed, %d skipped", c.Passed, c.Failed, c.Skipped)
}
