package check

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/engine"
	"github.com/ppworkbook/workbook/workbook/term"
)

// checkFails checks a program the document shows failing (a compiler
// error, a panic, a deadlock, a failing test): it passes when it fails that
// way (the shown message, or its gist, matches), and fails when it builds,
// runs to the end, or fails differently, so that the document stays
// checked.
func checkFails(p *lessons.Program, v *engine.Verdict, pal term.Palette) Result {
	f := p.Expect.Fails
	name := fmt.Sprintf("%q", p.Name)
	eng := engineName(v)
	here := programPos(p)
	shown := lessons.Pos{File: f.File, Line: f.Line}.String()
	pass := func(what string) Result {
		return Result{Pass: true, Pos: here, Message: fmt.Sprintf("%s %s, as the document shows at %s (%s)", name, what, shown, eng)}
	}
	fail := func(kind Failure, format string, args ...any) Result {
		r := Result{Failure: kind, Pos: here, Message: name + " " + fmt.Sprintf(format, args...)}
		if v.End != engine.BuildFailed {
			r.Detail = outputs(v, pal)
		} else {
			r.Detail = diagnosticsText(v)
		}
		return r
	}
	want := "fails to build"
	switch f.Kind {
	case lessons.FailsPanic:
		want = "panics"
	case lessons.FailsDeadlock:
		want = "deadlocks"
	case lessons.FailsFatal:
		want = "stops with a fatal error"
	case lessons.FailsTest:
		want = "fails its tests"
	}
	if f.Kind != lessons.FailsBuild && f.Kind != lessons.FailsTest && v.End == engine.BuildFailed {
		return fail(FailBuild, "does not build (%s), but the document shows it running and then it %s at %s: %s", eng, want, shown, oneLine(firstDiag(v)))
	}
	var got string // how it ended, when not as shown
	switch f.Kind {
	case lessons.FailsBuild:
		if v.End != engine.BuildFailed {
			return fail(FailBuild, "builds (%s), but the document shows it failing to build at %s", eng, shown)
		}
		var msgs []string
		for _, d := range v.Diagnostics {
			msgs = append(msgs, d.Msg)
		}
		if anyGist(f.Messages, msgs) {
			return pass("fails to build")
		}
		r := fail(FailBuild, "fails to build (%s), but not as the document shows at %s: it shows %q, the compiler says %q", eng, shown, f.Messages[0], oneLine(firstDiag(v)))
		r.Pos = diagPos(p, v)
		return r
	case lessons.FailsPanic:
		if v.End == engine.Panicked {
			if anyGist(f.Messages, []string{v.Panic}) {
				return pass("panics")
			}
			return fail(FailExit, "panics (%s), but not as the document shows at %s: it shows %q, the program says %q", eng, shown, f.Messages[0], v.Panic)
		}
	case lessons.FailsDeadlock:
		if strings.Contains(string(v.Stderr), "all goroutines are asleep") {
			return pass("deadlocks")
		}
	case lessons.FailsFatal:
		if i := strings.Index(string(v.Stderr), "fatal error: "); i >= 0 {
			line, _, _ := strings.Cut(string(v.Stderr[i+len("fatal error: "):]), "\n")
			if anyGist(f.Messages, []string{line}) {
				return pass("stops with a fatal error")
			}
			got = "stops with another fatal error: " + line
		}
	case lessons.FailsTest:
		out := string(v.Stdout) + string(v.Stderr)
		if v.End == engine.BuildFailed {
			return fail(FailBuild, "does not build (%s), but the document shows its tests running and failing at %s: %s", eng, shown, oneLine(firstDiag(v)))
		}
		if v.End == engine.Exited && v.ExitCode != 0 && strings.Contains(out, "--- FAIL") {
			if len(f.Messages) == 0 {
				return pass("fails its tests")
			}
			for _, t := range f.Messages {
				if strings.Contains(out, "--- FAIL: "+t+" ") || strings.Contains(out, "--- FAIL: "+t+"\n") {
					return pass("fails its tests")
				}
			}
			got = "fails other tests than " + strings.Join(f.Messages, ", ")
		}
	}
	if got == "" {
		code, how := exitOf(v)
		switch {
		case v.End == engine.TimedOut:
			got = "did not finish within its timeout"
		case v.End == engine.Panicked:
			got = "panics: " + v.Panic
		case v.End == engine.Exited && code == 0:
			got = "runs to the end"
		default:
			got = how
		}
	}
	return fail(FailExit, "%s (%s), but the document shows that it %s at %s", got, eng, want, shown)
}

// anyGist reports whether any shown message has its gist in any actual
// one (all match when nothing is shown).
func anyGist(shown, actual []string) bool {
	if len(shown) == 0 {
		return true
	}
	for _, s := range shown {
		for _, a := range actual {
			if gist(s, a) {
				return true
			}
		}
	}
	return false
}

// gist reports whether the actual message says what the shown one says:
// at least 60% of the shown message's words appear in it. Go's messages
// change wording between releases ("x declared but not used", "declared
// and not used: x"; "cannot use x (type int) as type string", "cannot use
// x (variable of type int) as string value") but keep their words.
func gist(shown, actual string) bool {
	sw := words(shown)
	if len(sw) == 0 {
		return true
	}
	have := map[string]bool{}
	for _, w := range words(actual) {
		have[w] = true
	}
	n := 0
	for _, w := range sw {
		if have[w] {
			n++
		}
	}
	return n*10 >= len(sw)*6
}

// words splits a message into lower-case words of letters, digits and _.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_'
	})
}

// checkTests checks a program whose tests ran with go test: it passes
// when they pass, saying how many ran; a failing test fails it with the
// tests that failed.
func checkTests(p *lessons.Program, v *engine.Verdict, pal term.Palette) (Result, bool) {
	if v.End != engine.Exited {
		return Result{}, false
	}
	here := programPos(p)
	out := string(v.Stdout)
	var passed, failed []string
	benchmarks := 0
	for _, l := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(l, "--- PASS: "):
			passed = append(passed, strings.Fields(l)[2])
		case strings.HasPrefix(l, "--- FAIL: "):
			failed = append(failed, strings.Fields(l)[2])
		case strings.HasPrefix(l, "Benchmark") && strings.Contains(l, "ns/op"):
			benchmarks++
		}
	}
	if v.ExitCode == 0 {
		what := plural(len(passed), "test") + " passed"
		if benchmarks > 0 {
			what += ", " + plural(benchmarks, "benchmark") + " ran"
		}
		return Result{Pass: true, Summary: what, Pos: here, Message: fmt.Sprintf("%q passed: %s (%s)", p.Name, what, engineName(v))}, true
	}
	why := "fails its tests"
	if len(failed) > 0 {
		why = "fails its tests: " + strings.Join(failed, ", ")
	}
	return Result{Failure: FailExit, Pos: here, Message: fmt.Sprintf("%q %s (%s)", p.Name, why, engineName(v)), Detail: outputs(v, pal)}, true
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// logStamp is the date and time the log package puts before a line, and
// the file and line it may add (log.Lshortfile: main.go:14, which the
// workbook's assembled program reports as the Markdown file's line).
var logStamp = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(?:\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)? )?(?:[\w./-]+\.(?:go|md):\d+: )?`)
})

// terminalMatch reports whether an inferred program's output fence shows
// what a terminal shows when it runs: its standard output and its standard
// error together (log lines, written to stderr), each log line with
// whatever date and time it was written at. With nothing on stderr the
// lines must come in order; with both streams, in any order (the page
// shows them interleaved as they came).
func terminalMatch(p *lessons.Program, o *lessons.Output, v *engine.Verdict) bool {
	if !p.Inferred || p.Expect.Stderr != nil || (o.Match != lessons.MatchExact && o.Match != "") || o.Unordered {
		return false
	}
	want := termLines(o.Text)
	got := append(termLines(string(v.Stdout)), termLines(string(v.Stderr))...)
	if len(v.Stderr) > 0 {
		slices.Sort(want)
		slices.Sort(got)
	}
	return slices.Equal(want, got)
}

// termLines splits output into lines without trailing blanks or a log
// line's date, time and file, dropping blank lines at the end.
func termLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		out = append(out, logStamp().ReplaceAllString(strings.TrimRight(l, " \t\r"), ""))
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}
