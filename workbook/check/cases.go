package check

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/engine"
	"github.com/ppworkbook/workbook/workbook/term"
)

// Run is one run of a program's check: the program as written, or one of
// its exercise's cases (the program with the case's inputs, driven by the
// exercise's harness when it has one).
type Run struct {
	Program *lessons.Program
	Case    *lessons.Case // nil for the run without inputs
}

// RunFunc runs one program and returns its verdict; the error is for
// failures of the machinery, never of the program.
type RunFunc func(ctx context.Context, p *lessons.Program) (*engine.Verdict, error)

// Runs returns the runs that check p, in order: p itself, unless it has
// cases and no expected output of its own, then one run per case. A
// program that does not parse runs once, as it is, so that its syntax
// error is reported.
func Runs(p *lessons.Program) ([]Run, error) {
	if len(p.Expect.Cases) == 0 || p.Mode != lessons.ModeRun {
		return []Run{{Program: p}}, nil
	}
	base := *p
	base.Expect.Cases, base.Expect.Harness = nil, nil
	if _, err := parseSource(p.File, p.Source); err != nil {
		// A program that does not parse cannot take the cases' inputs
		// or the harness: one run lets the engine report the syntax
		// error at its line.
		return []Run{{Program: &base}}, nil
	}
	var runs []Run
	if p.Expect.Stdout != nil || p.Expect.Stderr != nil {
		runs = append(runs, Run{Program: &base})
	}
	for _, c := range p.Expect.Cases {
		cp, err := caseProgram(p, c)
		if err != nil {
			return nil, err
		}
		runs = append(runs, Run{Program: cp, Case: c})
	}
	return runs, nil
}

// caseProgram is p prepared for case c: with the harness in place of its
// main when there is one, and a func init that sets the arguments and the
// environment and writes the case's files before anything else runs.
func caseProgram(p *lessons.Program, c *lessons.Case) (*lessons.Program, error) {
	cp := *p
	src := p.Source
	if h := p.Expect.Harness; h != nil && !c.OwnMain {
		var err error
		if src, err = withHarness(p.File, src, h.Source); err != nil {
			return nil, fmt.Errorf("%s: exercise %q: %w", lessons.Pos{File: h.File, Line: h.Line}, p.Exercise, err)
		}
	}
	src, err := withInputs(p.File, src, c)
	if err != nil {
		return nil, fmt.Errorf("%s: case %q: %w", lessons.Pos{File: c.File, Line: c.Line}, c.Name, err)
	}
	cp.Source = src
	lines := strings.Count(src, "\n")
	m := append([]lessons.Pos(nil), p.Map.Lines...)
	for len(m) < lines {
		m = append(m, lessons.Pos{})
	}
	cp.Map = lessons.SourceMap{Lines: m}
	cp.Name = p.Name + " [" + c.Name + "]"
	cp.Stdin = c.Stdin
	cp.Expect = lessons.Expect{Stdout: c.Stdout, Stderr: c.Stderr, Exit: c.Exit}
	return &cp, nil
}

// inputsPkg is the name under which a case's init imports "os".
const inputsPkg = "workbook_os"

// withInputs adds to src the func init that gives case c its arguments,
// environment and files. Nothing is added for a case with none of these.
func withInputs(name, src string, c *lessons.Case) (string, error) {
	if len(c.Args) == 0 && len(c.Env) == 0 && len(c.Files) == 0 {
		return src, nil
	}
	pf, err := parseSource(name, src)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n//line %s:%d\nfunc init() {\n", c.File, c.Line)
	if len(c.Args) > 0 {
		// Through a variable: yaegi drops a composite literal assigned
		// straight to a variable of a compiled package.
		fmt.Fprintf(&b, "\targs := []string{%s.Args[0]", inputsPkg)
		for _, a := range c.Args {
			b.WriteString(", " + strconv.Quote(a))
		}
		fmt.Fprintf(&b, "}\n\t%s.Args = args\n", inputsPkg)
	}
	for _, kv := range c.Env {
		k, v, _ := strings.Cut(kv, "=")
		fmt.Fprintf(&b, "\tif err := %s.Setenv(%q, %q); err != nil {\n\t\tpanic(err)\n\t}\n", inputsPkg, k, v)
	}
	names := make([]string, 0, len(c.Files))
	for n := range c.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if dir := path.Dir(n); dir != "." {
			fmt.Fprintf(&b, "\tif err := %s.MkdirAll(%q, 0o755); err != nil {\n\t\tpanic(err)\n\t}\n", inputsPkg, dir)
		}
		fmt.Fprintf(&b, "\tif err := %s.WriteFile(%q, []byte(%s), 0o644); err != nil {\n\t\tpanic(err)\n\t}\n", inputsPkg, n, strconv.Quote(c.Files[n]))
	}
	b.WriteString("}\n")
	at := pf.afterPackage()
	out := applyEdits(src, []edit{{from: at, to: at, text: "; import " + inputsPkg + ` "os"`}})
	if !strings.HasSuffix(out, "\n") {
		out += "\n"
	}
	return out + b.String(), nil
}

// CaseResult is the outcome of one run of a check.
type CaseResult struct {
	Run     Run
	Verdict *engine.Verdict
	Result  Result
}

// maxParallelRuns bounds how many runs of one check run at once.
const maxParallelRuns = 4

// CheckRuns runs every run of p's check with run (at most
// maxParallelRuns at once) and returns the check's result with the
// outcome of each run. The result is the first failure in the order of
// the runs, a build failure first of all; the learner sees which case it
// was, its inputs, what was expected and what the program did, never the
// harness's code. A program that builds but does not use what its
// requires= asks for fails after its runs. The error is for failures of
// the machinery.
func CheckRuns(ctx context.Context, p *lessons.Program, run RunFunc, opts Options) (Result, []CaseResult, error) {
	runs, err := Runs(p)
	if err != nil {
		return Result{}, nil, err
	}
	if len(runs) == 1 && runs[0].Case == nil {
		v, err := run(ctx, runs[0].Program)
		if err != nil {
			return Result{}, nil, err
		}
		r := Check(p, v, opts)
		return r, []CaseResult{{Run: runs[0], Verdict: v, Result: r}}, nil
	}
	out := make([]CaseResult, len(runs))
	errs := make([]error, len(runs))
	sem := make(chan struct{}, maxParallelRuns)
	var wg sync.WaitGroup
	for i, r := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				errs[i] = ctx.Err()
				return
			}
			defer func() { <-sem }()
			v, err := run(ctx, r.Program)
			if err != nil {
				errs[i] = err
				return
			}
			out[i] = CaseResult{Run: r, Verdict: v, Result: Check(r.Program, v, opts)}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return Result{}, out, err
		}
	}
	pal := term.NewPalette(opts.Colour)
	for _, cr := range out {
		if cr.Result.Failure == FailBuild || cr.Result.Failure == FailEngine {
			return caseFailure(p, cr, pal), out, nil
		}
	}
	if missing := missingRequires(p); len(missing) > 0 {
		eng := ""
		if len(out) > 0 && out[0].Verdict != nil {
			eng = " (" + engineName(out[0].Verdict) + ")"
		}
		return Result{Failure: FailOutput, Pos: programPos(p), Message: fmt.Sprintf("%q does not use %s%s", p.Name, strings.Join(missing, ", "), eng)}, out, nil
	}
	for _, cr := range out {
		if !cr.Result.Pass {
			return caseFailure(p, cr, pal), out, nil
		}
	}
	res := Result{Pass: true, Pos: programPos(p), Message: fmt.Sprintf("%q passed %s", p.Name, countRuns(runs))}
	if len(out) > 0 {
		res.Engine = out[0].Result.Engine
		res.Message += " (" + engineName(out[0].Verdict) + ")"
	}
	for _, cr := range out { // the first case to say so
		if res.YaegiDisagreed == "" && cr.Result.YaegiDisagreed != "" {
			res.YaegiDisagreed = caseName(cr) + cr.Result.YaegiDisagreed
		}
		if res.OutputCut == "" && cr.Result.OutputCut != "" {
			res.OutputCut = caseName(cr) + cr.Result.OutputCut
		}
	}
	return res, out, nil
}

// caseName names the case of a run for a note ("case \"x\": "), or "".
func caseName(cr CaseResult) string {
	if cr.Run.Case == nil {
		return ""
	}
	return fmt.Sprintf("case %q: ", cr.Run.Case.Name)
}

// countRuns says how many runs and cases passed: "all 4 cases", "the run
// and all 3 cases".
func countRuns(runs []Run) string {
	cases := 0
	for _, r := range runs {
		if r.Case != nil {
			cases++
		}
	}
	what := fmt.Sprintf("all %d cases", cases)
	if cases == 1 {
		what = "its case"
	}
	if cases < len(runs) {
		what = "its run and " + what
	}
	return what
}

// caseFailure presents the failure of one run: for a case, its name and
// inputs first, then what went wrong. A position outside the learner's
// program (in the harness) is not the learner's to fix: the failure is
// placed at the program's first line, and never quotes the harness.
func caseFailure(p *lessons.Program, cr CaseResult, pal term.Palette) Result {
	r := cr.Result
	c := cr.Run.Case
	if c == nil {
		return r
	}
	if r.Pos.File != p.File {
		r.Pos = programPos(p)
	}
	msg := strings.Replace(r.Message, fmt.Sprintf("%q", cr.Run.Program.Name), fmt.Sprintf("%q", p.Name), 1)
	if h := p.Expect.Harness; h != nil && !c.OwnMain && r.Failure == FailBuild {
		msg += " (the check calls your functions: keep their names and signatures as the starter has them)"
	}
	r.Message = fmt.Sprintf("case %q failed: %s", c.Name, msg)
	r.Detail = describeCase(c, pal) + r.Detail
	return r
}

// describeCase shows a case's inputs and expectations to the learner.
func describeCase(c *lessons.Case, pal term.Palette) string {
	var b strings.Builder
	b.WriteString(pal.Strong("case "+strconv.Quote(c.Name)+":") + "\n")
	if len(c.Args) > 0 {
		q := make([]string, len(c.Args))
		for i, a := range c.Args {
			q[i] = shellQuote(a)
		}
		fmt.Fprintf(&b, "  arguments: %s\n", strings.Join(q, " "))
	}
	for _, kv := range c.Env {
		fmt.Fprintf(&b, "  environment: %s\n", kv)
	}
	names := make([]string, 0, len(c.Files))
	for n := range c.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, "  file %s:\n%s", n, indent(lastLines(c.Files[n], maxDetailLines)))
	}
	if c.Stdin != nil {
		b.WriteString("  stdin:\n" + indent(lastLines(*c.Stdin, maxDetailLines)))
	}
	fmt.Fprintf(&b, "  expected exit status: %s\n", strings.TrimPrefix(wantExit(c.Exit), "status "))
	if c.Stdout != nil {
		b.WriteString("  expected stdout:\n" + indent(lastLines(c.Stdout.Text, maxDetailLines)))
	}
	if c.Stderr != nil {
		b.WriteString("  expected stderr:\n" + indent(lastLines(c.Stderr.Text, maxDetailLines)))
	}
	return b.String()
}

// shellQuote quotes an argument the way a shell would need it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
