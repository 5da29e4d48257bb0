package lessons

import (
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// para is one visible paragraph of the document.
type para struct {
	Line int
	Text string
}

// Shown failures: a snippet followed by the compiler's error, a panic, a
// deadlock or a failing test run (in an output, text, console, shell or
// untagged fence), or by prose saying it does not compile, is expected to
// fail that way (see "Expected failures" in the spec).

var (
	// positioned is a compiler message with its position
	// ("./main.go:9:6: undefined: x"); a panic trace's frames
	// ("\t/x/main.go:5 +0x1d") have no ": " after the number.
	positioned = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^\s*(?:#\s*)?\S*\.go:\d+(?::\d+)?:\s+(.+)$`)
	})
	// compilerSays matches the messages of the Go compiler shown without
	// a position (compilerMessages).
	compilerSays = sync.OnceValue(func() *regexp.Regexp {
		alts := make([]string, len(compilerMessages))
		for i, m := range compilerMessages {
			alts[i] = m.re
		}
		return regexp.MustCompile(`^(?:` + strings.Join(alts, "|") + `)`)
	})
	failedTest = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s*--- FAIL: (\S+)`) })
	failLine   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^FAIL(?:\s|$)`) })
	goroutine  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^goroutine \d+ \[`) })
)

// compilerMessages are the messages of the Go compiler shown without a
// position: a pattern (matched at the start of the message) and a piece of
// text every match of it contains. A line without any of the pieces (an
// example's ordinary output) is not matched against compilerSays, which is
// then never compiled: a one-block document does not pay for it.
var compilerMessages = [...]struct{ re, lit string }{
	{`undefined: \S`, "undefined: "},
	{`cannot use `, "cannot use "},
	{`invalid operation`, "invalid operation"},
	{`missing return`, "missing return"},
	{`too many (?:arguments|return values)`, "too many "},
	{`not enough (?:arguments|return values)`, "not enough "},
	{`syntax error`, "syntax error"},
	{`non-declaration statement`, "non-declaration statement"},
	{`cannot assign to `, "cannot assign to "},
	{`no new variables`, "no new variables"},
	{`mismatched types`, "mismatched types"},
	{`cannot infer `, "cannot infer "},
	{`invalid recursive type`, "invalid recursive type"},
	{`assignment mismatch`, "assignment mismatch"},
	{`cannot convert `, "cannot convert "},
	{`missing function body`, "missing function body"},
	{`invalid argument`, "invalid argument"},
	{`first argument to append`, "first argument to append"},
	{`constant \S+ overflows `, " overflows "},
	{`\S+ \(.*constant.*\) overflows`, " overflows"},
	{`.+ declared and not used`, " declared and not used"},
	{`declared and not used`, "declared and not used"},
	{`.+ declared but not used`, " declared but not used"},
	{`.+ imported and not used`, " imported and not used"},
	{`"[^"]+" imported and not used`, " imported and not used"},
	{`.+ redeclared in this block`, " redeclared in this block"},
	{`.+ is not used$`, " is not used"},
	{`.+ does not implement .+`, " does not implement "},
	{`.+ has no field or method .+`, " has no field or method "},
	{`.+ used as value`, " used as value"},
	{`.+ is not a type`, " is not a type"},
	{`.+ \(untyped .+ constant\) truncated`, " constant) truncated"},
	{`.+ not an expression`, " not an expression"},
}

// positionedMessage matches l against positioned, which needs ".go:".
func positionedMessage(l string) []string {
	if !strings.Contains(l, ".go:") {
		return nil
	}
	return positioned().FindStringSubmatch(l)
}

// compilerSaid reports whether s is a message of the Go compiler
// (compilerSays), trying the regexp only when s holds a piece of one.
func compilerSaid(s string) bool {
	for _, m := range compilerMessages {
		if strings.Contains(s, m.lit) {
			return compilerSays().MatchString(s)
		}
	}
	return false
}

// shownFailure reads the text of a fence shown after a snippet: when it
// shows the snippet failing (a compiler error, a panic, a deadlock, another
// fatal error of the runtime, a failing test), it returns how and the
// messages shown.
func shownFailure(text string) (FailKind, []string, bool) {
	var compile, tests []string
	var panicMsg, fatal string
	panicked, failed, buildFailed := false, false, false
	for _, l := range strings.Split(text, "\n") {
		t := strings.TrimSpace(l)
		switch {
		case t == "":
			continue
		case strings.HasPrefix(t, "$ ") || strings.HasPrefix(t, "% "):
			cmd := strings.Fields(t[2:])
			if len(cmd) >= 2 && cmd[0] == "go" && (cmd[1] == "vet" || cmd[1] == "fmt" || cmd[1] == "mod" || cmd[1] == "get") {
				// What go vet reports is not a failure to build.
				return "", nil, false
			}
			continue
		case strings.HasPrefix(t, "panic: "):
			panicked = true
			if panicMsg == "" {
				panicMsg = strings.TrimSuffix(strings.TrimPrefix(t, "panic: "), " [recovered]")
			}
			continue
		case strings.HasPrefix(t, "goroutine ") && goroutine().MatchString(t):
			panicked = true
			continue
		case strings.HasPrefix(t, "fatal error: "):
			if fatal == "" {
				fatal = strings.TrimPrefix(t, "fatal error: ")
			}
			continue
		case strings.Contains(t, "[build failed]") || strings.Contains(t, "[setup failed]"):
			buildFailed = true
			continue
		}
		if strings.Contains(t, "--- FAIL: ") {
			if m := failedTest().FindStringSubmatch(t); m != nil {
				failed = true
				tests = append(tests, m[1])
				continue
			}
		}
		if strings.HasPrefix(t, "FAIL") && failLine().MatchString(t) {
			failed = true
			continue
		}
		if m := positionedMessage(l); m != nil && !strings.HasPrefix(l, "\t") {
			// A message at a position is the compiler's when it reads
			// like one or comes under the toolchain's package header;
			// a log line with its file (log.Lshortfile) is not.
			if msg := strings.TrimSpace(m[1]); compilerSaid(msg) || buildHeader(text) {
				compile = append(compile, msg)
			}
			continue
		}
		if compilerSaid(t) {
			compile = append(compile, t)
		}
	}
	switch {
	case buildFailed || (failed && len(compile) > 0 && len(tests) == 0):
		return FailsBuild, compile, true
	case failed && len(tests) > 0:
		return FailsTest, tests, true
	case strings.HasPrefix(fatal, "all goroutines are asleep"):
		return FailsDeadlock, nil, true
	case panicked:
		var msgs []string
		if panicMsg != "" {
			msgs = []string{panicMsg}
		}
		return FailsPanic, msgs, true
	case fatal != "":
		return FailsFatal, []string{fatal}, true
	case failed:
		return FailsTest, nil, true
	case len(compile) > 0:
		return FailsBuild, compile, true
	}
	return "", nil, false
}

var (
	proseBuild = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b(?:(?:does not|doesn't|doesn’t|do not|don't|don’t|will not|won't|won’t|cannot|can't|can’t|did not|didn't|didn’t|fails? to|refuses to)\s+(?:even\s+)?(?:compile|build)\b|compil(?:e|ation|er)[- ](?:time )?errors?\b|compiler (?:complains|rejects|reports|says|will complain|will reject|stops))`)
	})
	prosePanic = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b(?:(?:this|it|which|that|code|program|snippet|call|line) (?:will )?panics\b|(?:this|it|which|that|code|program|snippet|call|line) will panic\b|causes? a (?:runtime )?panic|results? in a (?:runtime )?panic|triggers? a (?:runtime )?panic)`)
	})
	proseDeadlock = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b(?:(?:this|it|which|that|code|program) (?:will )?deadlocks?\b|causes? a deadlock|results? in a deadlock|ends? in a deadlock)`)
	})
	// proseNot marks a sentence about another version of the code, or a
	// hypothetical one.
	proseNot = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b(?:if|unless|when|otherwise|no longer|fix|fixes|fixed|avoid|avoids|prevent|prevents|instead|no compile|no compilation|without a panic|now)\b`)
	})
	sentenceEnd = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[.!?;]\s+`) })
)

// proseFailure finds, in a paragraph about a snippet, a sentence saying
// that it does not compile, panics or deadlocks.
func proseFailure(text string) (FailKind, bool) {
	// Each of the three regexps needs one of these words (case ignored;
	// ToLower folds the Kelvin sign that (?i) matches as k): a paragraph
	// without them costs no regexp compilation.
	lower := strings.ToLower(text)
	if !strings.Contains(lower, "compil") && !strings.Contains(lower, "build") &&
		!strings.Contains(lower, "panic") && !strings.Contains(lower, "deadlock") {
		return "", false
	}
	for _, s := range sentenceEnd().Split(text, -1) {
		if proseNot().MatchString(s) {
			continue
		}
		switch {
		case proseBuild().MatchString(s):
			return FailsBuild, true
		case proseDeadlock().MatchString(s):
			return FailsDeadlock, true
		case prosePanic().MatchString(s):
			return FailsPanic, true
		}
	}
	return "", false
}

// expectsFailure reports whether the shown failures of the page may set
// what an inferred program expects: nothing on its blocks says how it
// ends, and it runs or is built.
func (pb *progBuilder) expectsFailure() bool {
	t := pb.target
	if !pb.inferred || pb.fragment || pb.exercise != "" || t.expect.Fails != nil {
		return false
	}
	for _, k := range []string{"mode", "exit", "skip", "until", "error"} {
		if _, ok := t.settings[k]; ok {
			return false
		}
	}
	return t.mode == ModeRun || t.mode == ModeCompile
}

// setFails makes pb expect the failure it is shown with. The compiled
// engine runs it: the messages shown are the toolchain's and the
// runtime's.
func (b *builder) setFails(pb *progBuilder, kind FailKind, msgs []string, line int) {
	t := pb.target
	t.expect.Fails = &ShownFailure{Kind: kind, Messages: msgs, File: b.file, Line: line}
	switch kind {
	case FailsBuild:
		t.mode = ModeCompileFail
	case FailsTest:
	default:
		t.mode = ModeRun
	}
	if _, ok := t.settings["engine"]; !ok {
		t.engine = "compiled"
	}
}

// shownFailures finds the failures the page shows for its inferred
// programs: a fence after a snippet (before the next Go block) showing it
// fail, else a paragraph right after it (or one right before it that
// introduces it) saying it does not compile, panics or deadlocks. Fences
// read this way are not taken as expected output.
func (b *builder) shownFailures() error {
	b.failFences = map[*fence]bool{}
	var above *fence
	for _, f := range b.fences {
		if f.kind == kindGo {
			above = f
			continue
		}
		if above == nil || f.program != "" || f.exercise != "" || f.kind == kindInput || f.kind == kindHint {
			continue
		}
		if _, ok := f.Attrs["output"]; ok {
			continue
		}
		pb := b.byFence[above]
		if pb == nil || !pb.expectsFailure() {
			continue
		}
		kind, msgs, ok := shownFailure(f.Code)
		if !ok || (kind == FailsTest && !hasTests(pb.units)) {
			// A program printing FAIL is not a failing test run.
			continue
		}
		b.setFails(pb, kind, msgs, f.Line)
		b.failFences[f] = true
	}
	// A trailing comment in the code that says its line fails.
	for _, pb := range b.progs {
		if !pb.expectsFailure() {
			continue
		}
		for _, u := range pb.units {
			if u.failCue != "" {
				b.setFails(pb, u.failCue, nil, u.failLine)
				break
			}
		}
	}
	// Prose, for the programs no fence shows failing.
	var gos []*fence
	for _, f := range b.fences {
		if f.kind == kindGo && !f.Hidden {
			gos = append(gos, f)
		}
	}
	first, lastOf := map[*progBuilder]*fence{}, map[*progBuilder]*fence{}
	for _, f := range gos {
		if pb := b.byFence[f]; pb != nil {
			if first[pb] == nil {
				first[pb] = f
			}
			lastOf[pb] = f
		}
	}
	for i, f := range gos {
		pb := b.byFence[f]
		if pb == nil || !pb.expectsFailure() || (lastOf[pb] != f && first[pb] != f) {
			continue
		}
		next := b.lastLine + 1
		if i+1 < len(gos) {
			next = gos[i+1].Line
		}
		prev := 0
		if i > 0 {
			prev = gos[i-1].closeLine
		}
		// The first paragraph after the block, unless it introduces
		// the next one ("The fix does not compile either:").
		for _, p := range b.paras {
			if lastOf[pb] != f {
				break
			}
			if p.Line <= f.closeLine || p.Line >= next {
				continue
			}
			// Under the next heading, it is about what follows.
			if b.innermost(p.Line) == b.innermost(f.Line) && !strings.HasSuffix(strings.TrimSpace(p.Text), ":") {
				if kind, ok := proseFailure(p.Text); ok {
					b.setFails(pb, kind, nil, p.Line)
				}
			}
			break
		}
		if pb.target.expect.Fails != nil {
			continue
		}
		// The last paragraph before it, when it introduces it: it
		// ends with a colon, or it is not the one right after the
		// block before (which is about that block), or a heading
		// separates them.
		var last *para
		n := 0
		for j := range b.paras {
			if p := &b.paras[j]; p.Line > prev && p.Line < f.Line {
				last = p
				n++
			}
		}
		intro := last != nil && (strings.HasSuffix(strings.TrimSpace(last.Text), ":") || n > 1 || i == 0 ||
			b.innermost(last.Line) != b.innermost(gos[i-1].Line))
		if intro && first[pb] == f {
			if kind, ok := proseFailure(last.Text); ok {
				b.setFails(pb, kind, nil, last.Line)
			}
		}
	}
	return nil
}

// exits reports whether a program may end with a status of its own
// (os.Exit, log.Fatal): only then is a last "exit status N" line go run's,
// not the program printing an error of a command it ran.
func exits(pb *progBuilder) bool {
	for _, u := range pb.units {
		c := u.code()
		if strings.Contains(c, "os.Exit(") || strings.Contains(c, ".Fatal(") || strings.Contains(c, ".Fatalf(") || strings.Contains(c, ".Fatalln(") {
			return true
		}
	}
	return false
}

// exitStatusLine splits off the last line of an output fence when it is
// what go run prints for a program that exits with a non-zero status
// ("exit status 1"), returning the rest and the status.
func exitStatusLine(text string) (string, int, bool) {
	t := strings.TrimRight(text, "\n")
	i := strings.LastIndexByte(t, '\n')
	last := strings.TrimSpace(t[i+1:])
	// "exit status N" exactly, N in 1..255 (fmt.Sscanf, tried before on
	// every output, cost a one-block document its scanner's first use).
	num, ok := strings.CutPrefix(last, "exit status ")
	n, err := strconv.Atoi(num)
	if !ok || err != nil || num != strconv.Itoa(n) || n <= 0 || n > 255 {
		return text, 0, false
	}
	if i < 0 {
		return "", n, true
	}
	return t[:i+1], n, true
}

// commentFailure reads a trailing comment that says its line fails:
// "// does not compile", "// compile error: ...", "// panics",
// "// panic: ...", "// deadlock".
func commentFailure(c string) (FailKind, bool) {
	t := strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(c, "//"), "/*"), "*/"))
	if proseNot().MatchString(t) {
		return "", false
	}
	low := strings.ToLower(t)
	switch {
	case proseBuild().MatchString(t), strings.HasPrefix(low, "compiler error"),
		strings.HasPrefix(low, "won't compile"), strings.HasPrefix(low, "does not compile"), strings.HasPrefix(low, "doesn't compile"):
		return FailsBuild, true
	case strings.HasPrefix(low, "panics"), strings.HasPrefix(low, "panic:"), strings.HasPrefix(low, "runtime panic"), strings.HasPrefix(low, "runtime error:"):
		return FailsPanic, true
	case strings.HasPrefix(low, "deadlock"), strings.HasPrefix(low, "fatal error: all goroutines"):
		return FailsDeadlock, true
	}
	return "", false
}

// buildHeader reports whether a transcript holds the go command's header
// of a package's build errors ("# command-line-arguments", "# example.com/x").
func buildHeader(text string) bool {
	for _, l := range strings.Split(text, "\n") {
		if h, ok := strings.CutPrefix(strings.TrimSpace(l), "# "); ok && h != "" && !strings.Contains(h, " ") {
			return true
		}
	}
	return false
}
