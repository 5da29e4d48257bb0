// Package check compares a program's verdict with what its document expects.
//
// The rules, in the order they are applied:
//
//  1. An engine failure (the engine itself broke) fails with "engine".
//  2. Build: a program that does not build fails with "build", at the
//     Markdown line of the first diagnostic. For mode="compile-fail" it is
//     the other way round: the build must fail (and its messages match
//     the optional error regexp), and building is the "build" failure.
//  3. Requires: each entry (exec.CommandContext, exec.Cmd.StdinPipe,
//     errors.As|errors.AsType) must be used by the program, by meaning
//     (see missingRequires); a missing one fails with "output" and the
//     reason "does not use exec.CommandContext" (the program does not do
//     what its expectation asks for).
//  4. A program stopped at its timeout fails with "timeout", quoting what it
//     printed before it was stopped; a resource limit fails with "limit".
//  5. Runs until stopped (until="output"): the program passes as soon as
//     the expected stdout has appeared (see Seen); its exit status is then
//     not checked.
//  6. Exit status: a panic is exit status 2 and a signal a non-zero status;
//     they fail with "exit" unless the expected status allows them.
//  7. Output: stdout, then stderr, with the expectation's matching mode;
//     a difference fails with "output" and a diff in Detail.
//
// With no expectation at all, a program passes when it builds and exits 0.
package check

import (
	"bytes"
	"fmt"
	"go/scanner"
	"go/token"
	"regexp"
	"strings"
	"time"

	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/engine"
	"github.com/ppworkbook/workbook/workbook/term"
)

// Failure classifies why a program failed its check.
type Failure string

// The failure kinds (as reported by verify --json).
const (
	FailBuild   Failure = "build"
	FailExit    Failure = "exit"
	FailOutput  Failure = "output"
	FailTimeout Failure = "timeout"
	FailLimit   Failure = "limit"
	FailEngine  Failure = "engine"
)

// Result is the outcome of checking one program.
type Result struct {
	Pass    bool
	Failure Failure // when !Pass
	// Pos is where the result is about: the program's first line, or the
	// line of what failed (a diagnostic, a panicking frame).
	Pos lessons.Pos
	// Message is the one-paragraph human message, without the position:
	// reporters put Pos in front of it (see Reason).
	Message string
	Detail  string // longer text for a person (diff, both outputs), may hold colour when Colour was set
	// Summary, for a pass, says what ran when it is more than the
	// program ("3 tests passed").
	Summary string
	// Engine is the engine whose run gave this result: under
	// engine="both", the second one when it is the run that failed.
	Engine string
	// YaegiDisagreed says how yaegi's run differed from the compiled one
	// whose verdict stands (engine auto), or how yaegi's run failed or
	// differed (engine both); "" when it did not. The reason says it too.
	YaegiDisagreed string
	// OutputCut says which output was cut at the cap ("stdout cut at
	// 1 MiB"), pass or fail; "" when none was. The reason says it too.
	OutputCut string
}

// Reason is the message as the reporters print it: "file.md:line: message".
func (r Result) Reason() string {
	if r.Pos.File == "" {
		return r.Message
	}
	return r.Pos.String() + ": " + r.Message
}

// Options tune the presentation of a Result.
type Options struct {
	Colour bool // ANSI colour in Detail
	// Timeout is the timeout the program ran with, named in the reason of
	// a timed-out program (its run time, when zero).
	Timeout time.Duration
}

// maxQuote is how much of a program's output a reason quotes.
const maxQuote = 400

// Check compares v with what p's document expects.
func Check(p *lessons.Program, v *engine.Verdict, opts Options) Result {
	if p.Mode == lessons.ModeSkip {
		return Result{Pass: true, Pos: programPos(p), Message: fmt.Sprintf("%q is skipped", p.Name)}
	}
	if v == nil {
		return Result{Failure: FailEngine, Pos: programPos(p), Message: fmt.Sprintf("%q: the engine returned no verdict", p.Name)}
	}
	return annotate(both(p, v, opts), v)
}

// both is Check without the notes: under engine="both" (v.Other set), the
// second verdict must pass too, and agree.
func both(p *lessons.Program, v *engine.Verdict, opts Options) Result {
	pal := term.NewPalette(opts.Colour)
	r := checkOne(p, v, pal, opts)
	r.Engine = v.Engine
	if !r.Pass || v.Other == nil {
		return r
	}
	r2 := checkOne(p, v.Other, pal, opts)
	if !r2.Pass {
		r2.Engine = v.Other.Engine
		r2.YaegiDisagreed = "yaegi's run fails, the compiled one passes: " + r2.Message
		return r2
	}
	if d := disagreement(p, v, v.Other); d != "" {
		return Result{
			Failure:        FailOutput,
			Pos:            programPos(p),
			Message:        fmt.Sprintf("%q behaves differently with yaegi and compiled: %s", p.Name, d),
			Detail:         bothOutputs(v, pal),
			Engine:         v.Engine,
			YaegiDisagreed: d,
		}
	}
	return r
}

// disagreement says how two passing verdicts of the same program differ in
// ways its expectations do not allow, or "" when they agree. A stream
// checked with a pattern, an unordered or a contains match, or the output of
// a program that runs until stopped, may legitimately differ from run to run
// (goroutine scheduling, timing), so raw byte differences there are not
// interpreter bugs.
func disagreement(p *lessons.Program, a, b *engine.Verdict) string {
	var out []string
	if a.End != b.End && !p.Expect.Until {
		out = append(out, fmt.Sprintf("%s %s, %s %s", a.Engine, a.End, b.Engine, b.End))
	}
	if a.End == engine.Exited && b.End == engine.Exited && a.ExitCode != b.ExitCode {
		out = append(out, fmt.Sprintf("exit status %s %d, %s %d", a.Engine, a.ExitCode, b.Engine, b.ExitCode))
	}
	if a.End == engine.Panicked && b.End == engine.Panicked && a.Panic != b.Panic {
		out = append(out, fmt.Sprintf("panic %s %q, %s %q", a.Engine, a.Panic, b.Engine, b.Panic))
	}
	strict := func(o *lessons.Output) bool {
		if p.Expect.Until {
			return false
		}
		return o == nil || ((o.Match == "" || o.Match == lessons.MatchExact || o.Match == lessons.MatchGo) && !o.Unordered)
	}
	if strict(p.Expect.Stdout) && !bytes.Equal(a.Stdout, b.Stdout) {
		out = append(out, "stdout differs")
	}
	if strict(p.Expect.Stderr) && a.End != engine.Panicked && !bytes.Equal(a.Stderr, b.Stderr) {
		out = append(out, "stderr differs")
	}
	return strings.Join(out, "; ")
}

func checkOne(p *lessons.Program, v *engine.Verdict, pal term.Palette, opts Options) Result {
	name := fmt.Sprintf("%q", p.Name)
	eng := engineName(v)
	here := programPos(p)
	fail := func(f Failure, pos lessons.Pos, format string, args ...any) Result {
		return Result{Failure: f, Pos: pos, Message: name + " " + fmt.Sprintf(format, args...)}
	}
	pass := func(format string, args ...any) Result {
		return Result{Pass: true, Pos: here, Message: name + " " + fmt.Sprintf(format, args...)}
	}

	if v.End == engine.EngineError {
		msg := v.Message
		if msg == "" {
			msg = "unknown engine error"
		}
		return fail(FailEngine, here, "could not be run (%s): %s", eng, oneLine(msg))
	}

	if p.Expect.Fails != nil {
		return checkFails(p, v, pal)
	}
	if p.Tests != "" {
		if r, ok := checkTests(p, v, pal); ok {
			return r
		}
	}

	// Build.
	if p.Mode == lessons.ModeCompileFail {
		if v.End != engine.BuildFailed {
			return fail(FailBuild, here, "builds (%s), but the document expects a compile error", eng)
		}
		if p.Expect.CompileError != "" {
			re, err := regexp.Compile(p.Expect.CompileError)
			if err != nil {
				return fail(FailBuild, here, "has a bad error regexp %q: %v", p.Expect.CompileError, err)
			}
			all := diagnosticsText(v)
			if !re.MatchString(all) {
				r := fail(FailBuild, diagPos(p, v), "fails to build (%s) as expected, but no compiler message matches %q: %s",
					eng, p.Expect.CompileError, oneLine(firstDiag(v)))
				r.Detail = all
				return r
			}
		}
		return pass("fails to build as expected (%s)", eng)
	}
	if v.End == engine.BuildFailed {
		r := fail(FailBuild, diagPos(p, v), "does not build (%s): %s", eng, oneLine(firstDiag(v)))
		if note := braceNote(p, v); note != "" {
			r.Message += "; " + note
		}
		r.Detail = diagnosticsText(v)
		return r
	}

	// Requires.
	if missing := missingRequires(p); len(missing) > 0 {
		return fail(FailOutput, here, "does not use %s (%s)", strings.Join(missing, ", "), eng)
	}

	if p.Mode == lessons.ModeCompile || v.End == engine.Built {
		r := pass("builds (%s)", eng)
		if p.Note != "" {
			r.Message += ": " + p.Note
		}
		return r
	}

	// Timeout and limits.
	switch v.End {
	case engine.TimedOut:
		limit := opts.Timeout
		if limit <= 0 {
			limit = roundDuration(v.Duration)
		}
		if stream := flooded(v); stream != "" {
			r := fail(FailLimit, here, "hit the output limit (%s of %s, the rest was discarded) and was stopped at its %s timeout (%s); %s",
				byteSize(len(streamOf(v, stream))), stream, limit, eng, printed(v))
			r.Detail = outputs(v, pal)
			return r
		}
		what := "did not finish"
		if p.Expect.Until {
			what = "did not print its expected output"
		}
		r := fail(FailTimeout, here, "%s within %s (%s) and was stopped; %s", what, limit, eng, printed(v))
		r.Detail = outputs(v, pal)
		return r
	case engine.LimitHit:
		limit := v.Limit
		if limit == "" {
			limit = "a resource"
		}
		r := fail(FailLimit, here, "hit the %s limit (%s) and was stopped; %s", limit, eng, printed(v))
		r.Detail = outputs(v, pal)
		return r
	}

	// Runs until stopped.
	if p.Expect.Until && p.Expect.Stdout != nil {
		if v.End == engine.Stopped || seenMatch(p.Expect.Stdout, string(v.Stdout), true) {
			return pass("printed its expected output and was stopped (%s)", eng)
		}
	}

	// Exit status.
	code, how := exitOf(v)
	if !exitOK(p.Expect.Exit, code, v.End) {
		pos := here
		if v.End == engine.Panicked && v.PanicPos.Line > 0 {
			pos = v.PanicPos
		}
		r := fail(FailExit, pos, "%s (%s), expected %s", how, eng, wantExit(p.Expect.Exit))
		if tail := strings.TrimSpace(string(v.Stderr)); tail != "" && v.End != engine.Panicked {
			r.Message += "; stderr: " + quote(tail)
		}
		r.Detail = outputs(v, pal)
		return r
	}

	// Output.
	for _, s := range []struct {
		name   string
		expect *lessons.Output
		got    []byte
		trunc  bool
	}{
		{"stdout", p.Expect.Stdout, v.Stdout, v.StdoutTruncated},
		{"stderr", p.Expect.Stderr, v.Stderr, v.StderrTruncated},
	} {
		if s.expect == nil {
			continue
		}
		var m *mismatch
		var err error
		if p.Expect.Until && s.name == "stdout" {
			if !seenMatch(s.expect, string(s.got), true) {
				m = &mismatch{Why: "the expected output never appeared"}
			}
		} else {
			m, err = match(p, s.expect, string(s.got))
			if m != nil && err == nil && s.name == "stdout" && terminalMatch(p, s.expect, v) {
				m = nil
			}
		}
		if err != nil {
			return fail(FailOutput, lessons.Pos{File: s.expect.File, Line: s.expect.Line}, "has a bad %s expectation: %v", s.name, err)
		}
		if m == nil {
			continue
		}
		where := lessons.Pos{File: s.expect.File, Line: s.expect.Line}
		msg := fmt.Sprintf("printed a different %s (%s) than expected at %s", s.name, eng, where)
		if s.expect.Match != "" && s.expect.Match != lessons.MatchExact {
			mode := string(s.expect.Match)
			if s.expect.Unordered && s.expect.Match != lessons.MatchUnordered {
				mode = "unordered " + mode
			}
			msg += " (match " + mode + ")"
		}
		if m.Why != "" {
			msg += ": " + m.Why
		}
		r := fail(FailOutput, here, "%s", msg)
		r.Detail = Diff(normalize(s.expect, s.expect.Text, p), normalize(s.expect, string(s.got), p), pal)
		return r
	}
	return pass("passed (%s)", eng)
}

// normalize applies to text what the matching mode ignores, so that the
// diff shows only the differences that count.
func normalize(o *lessons.Output, text string, p *lessons.Program) string {
	switch {
	case o.Match == lessons.MatchGo:
		text = strings.TrimSpace(text)
	case o.Match == lessons.MatchUnordered && fromComment(p, o):
		text = sortLines(strings.TrimSpace(text))
	case o.Match == lessons.MatchUnordered:
		text = sortLines(trimFinalNewlines(text))
	default:
		text = trimFinalNewlines(text)
	}
	if text == "" {
		return ""
	}
	return text + "\n"
}

// Seen returns the function that stops a runs-until-stopped program once its
// expected output has appeared, or nil when p is not such a program.
//
// Only complete lines of the stdout so far count. For exact (and Go
// comment) expectations, the expected lines must be the first lines
// printed; wildcard and regexp expectations must match the first lines too
// (a "..." line may stand for any number of them); contains expectations
// must have appeared in order anywhere; unordered ones must each have
// appeared, in any order. Whatever follows the match is ignored.
func Seen(p *lessons.Program) func(stdout []byte) bool {
	if p == nil || !p.Expect.Until || p.Expect.Stdout == nil {
		return nil
	}
	o := p.Expect.Stdout
	return func(stdout []byte) bool { return seenMatch(o, string(stdout), false) }
}

// at formats a Markdown position.
// programPos is the position of p's first line.
func programPos(p *lessons.Program) lessons.Pos { return lessons.Pos{File: p.File, Line: p.Line} }

// engineName names the engine that produced v, with the reason for a
// fallback when there was one.
func engineName(v *engine.Verdict) string {
	name := v.Engine
	if name == "" {
		name = "unknown engine"
	}
	if v.Fallback != "" {
		name += ", because " + v.Fallback
	}
	return name
}

func firstDiag(v *engine.Verdict) string {
	if len(v.Diagnostics) == 0 {
		if v.Message != "" {
			return v.Message
		}
		return "no compiler message"
	}
	return v.Diagnostics[0].Msg
}

// diagPos is the Markdown line of the first mapped diagnostic, else the
// program's line.
func diagPos(p *lessons.Program, v *engine.Verdict) lessons.Pos {
	for _, d := range v.Diagnostics {
		if d.Pos.Line > 0 {
			pos := d.Pos
			if pos.File == "" {
				pos.File = p.File
			}
			return pos
		}
	}
	return programPos(p)
}

func diagnosticsText(v *engine.Verdict) string {
	var b strings.Builder
	for _, d := range v.Diagnostics {
		if d.Pos.Line > 0 {
			fmt.Fprintf(&b, "%s: ", d.Pos)
		}
		b.WriteString(d.Msg + "\n")
	}
	if len(v.Diagnostics) == 0 && v.Message != "" {
		b.WriteString(v.Message + "\n")
	}
	return b.String()
}

// exitOf returns the exit status of v for checking, and a description.
func exitOf(v *engine.Verdict) (int, string) {
	switch v.End {
	case engine.Panicked:
		return 2, "panicked: " + oneLine(v.Panic)
	case engine.Signaled:
		sig := v.Signal
		if sig == "" {
			sig = "a signal"
		}
		return -1, "was killed by " + sig
	case engine.Stopped:
		return 0, "was stopped"
	}
	return v.ExitCode, fmt.Sprintf("exited with status %d", v.ExitCode)
}

func exitOK(want, got int, end engine.End) bool {
	switch want {
	case lessons.ExitAny:
		return true
	case lessons.ExitNonZero:
		return got != 0
	}
	if end == engine.Signaled {
		return false
	}
	return got == want
}

func wantExit(want int) string {
	switch want {
	case lessons.ExitAny:
		return "any status"
	case lessons.ExitNonZero:
		return "a non-zero status"
	}
	return fmt.Sprintf("status %d", want)
}

// printed summarizes what a stopped program had printed.
func printed(v *engine.Verdict) string {
	out := strings.TrimSpace(string(v.Stdout))
	if out == "" {
		if errOut := strings.TrimSpace(string(v.Stderr)); errOut != "" {
			if crash := crashLine(errOut); crash != "" {
				return "before that it printed on stderr: " + quote(crash) + " and a goroutine trace"
			}
			return "before that it printed on stderr: " + quote(errOut)
		}
		return "it printed nothing"
	}
	return "before that it printed: " + quote(out)
}

// quote keeps the end of a long output (the most recent lines are the most
// telling) and quotes it on one line.
func quote(s string) string {
	if len(s) > maxQuote {
		cut := len(s) - maxQuote
		if i := strings.IndexByte(s[cut:], '\n'); i >= 0 && i < len(s)-cut-1 {
			cut += i + 1 // start at a whole line
		}
		for cut < len(s) && s[cut]&0xC0 == 0x80 { // do not split a UTF-8 sequence
			cut++
		}
		return fmt.Sprintf("%q (last %d of %d bytes)", s[cut:], len(s)-cut, len(s))
	}
	return fmt.Sprintf("%q", s)
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " ..."
	}
	return s
}

func roundDuration(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Millisecond)
}

// outputs shows both streams of v, for the Detail of a failure.
func outputs(v *engine.Verdict, pal term.Palette) string {
	var b strings.Builder
	for _, s := range []struct {
		name  string
		out   []byte
		trunc bool
	}{{"stdout", v.Stdout, v.StdoutTruncated}, {"stderr", v.Stderr, v.StderrTruncated}} {
		if len(s.out) == 0 {
			continue
		}
		head := s.name + ":"
		if s.trunc {
			head = s.name + " (truncated):"
		}
		b.WriteString(pal.Strong(head) + "\n")
		b.WriteString(indent(lastLines(string(s.out), maxDetailLines)))
	}
	if v.End == engine.Panicked && v.Panic != "" && !strings.Contains(string(v.Stderr), v.Panic) {
		b.WriteString(pal.Strong("panic:") + "\n" + indent(v.Panic))
	}
	return b.String()
}

// maxDetailLines is how many lines of a stream a failure's detail shows.
const maxDetailLines = 40

// lastLines keeps the last n lines of s, saying how many were left out.
func lastLines(s string, n int) string {
	ls := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	if len(ls) <= n {
		return s
	}
	return fmt.Sprintf("... (%d earlier lines)\n%s\n", len(ls)-n, strings.Join(ls[len(ls)-n:], "\n"))
}

func bothOutputs(v *engine.Verdict, pal term.Palette) string {
	a := string(v.Stdout)
	var b string
	if v.Other != nil {
		b = string(v.Other.Stdout)
	}
	return Diff(a, b, pal)
}

func indent(s string) string {
	s = strings.TrimSuffix(s, "\n")
	return "    " + strings.ReplaceAll(s, "\n", "\n    ") + "\n"
}

// braceNote explains a syntax error caused by a missing closing brace:
// the compiler says "unexpected EOF" at the end of the program, or, when
// the unbalanced block was joined with the next one, complains about the
// next block ("unexpected name main"), while the author's mistake is the
// brace missing in the earlier one. It names the blocks, or returns "".
func braceNote(p *lessons.Program, v *engine.Verdict) string {
	syntax := false
	for _, d := range v.Diagnostics {
		if strings.HasPrefix(d.Msg, "syntax error") {
			syntax = true
			break
		}
	}
	if !syntax && !strings.HasPrefix(v.Message, "syntax error") {
		return ""
	}
	plural := func(n int) string {
		if n > 1 {
			return "braces"
		}
		return "brace"
	}
	total := 0
	for _, b := range p.Blocks {
		total += braceDepth(b.Code)
	}
	if total > 0 && len(p.Blocks) > 0 {
		last := p.Blocks[len(p.Blocks)-1]
		if len(p.Blocks) == 1 {
			return fmt.Sprintf("note: the Go block at line %d opens %d more %s than it closes (a missing `}`?)", last.Line, total, plural(total))
		}
		return fmt.Sprintf("note: the Go blocks from line %d to line %d open %d more %s than they close (a missing `}`?)", p.Blocks[0].Line, last.Line, total, plural(total))
	}
	for i := 0; i+1 < len(p.Blocks); i++ {
		b := p.Blocks[i]
		if d := braceDepth(b.Code); d > 0 {
			return fmt.Sprintf("note: the Go block at line %d opens %d more %s than it closes, so it was joined with the block at line %d (a missing `}`?)",
				b.Line, d, plural(d), p.Blocks[i+1].Line)
		}
	}
	return ""
}

// braceDepth counts the braces a piece of Go code leaves open, on Go
// tokens, so braces in strings and comments do not count.
func braceDepth(code string) int {
	var s scanner.Scanner
	fset := token.NewFileSet()
	src := []byte(code)
	s.Init(fset.AddFile("", -1, len(src)), src, nil, 0)
	depth := 0
	for {
		_, tok, _ := s.Scan()
		switch tok {
		case token.EOF:
			return depth
		case token.LBRACE:
			depth++
		case token.RBRACE:
			depth--
		}
	}
}

// crashLine returns the header of a Go runtime crash in stderr ("fatal
// error: runtime: out of memory", "panic: ..."), whose goroutine trace
// would otherwise bury it, or "".
func crashLine(stderr string) string {
	for _, line := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(line, "fatal error: ") || strings.HasPrefix(line, "panic: ") {
			return line
		}
	}
	return ""
}

// flooded names the stream whose output the sandbox capped ("stdout" or
// "stderr"), or "": a program stopped at its timeout after printing more
// than the cap failed because of the flood, which is what the author has
// to fix.
func flooded(v *engine.Verdict) string {
	switch {
	case v.StdoutTruncated:
		return "stdout"
	case v.StderrTruncated:
		return "stderr"
	}
	return ""
}

func streamOf(v *engine.Verdict, name string) []byte {
	if name == "stderr" {
		return v.Stderr
	}
	return v.Stdout
}

// byteSize prints n bytes the way a person reads them (1 MiB, 64 KiB).
func byteSize(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
