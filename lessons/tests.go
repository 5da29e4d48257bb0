package lessons

import (
	"fmt"
	"go/parser"
	"go/token"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// Tests on the page (func TestArea(t *testing.T), benchmarks, fuzz
// targets) run with go test against the package they test; a package
// that is not main is built, never executed.

// hasTests reports whether any of units holds tests.
func hasTests(units []*unit) bool {
	for _, u := range units {
		if u.tests {
			return true
		}
	}
	return false
}

// testTarget finds the program a tests unit tests: one holding a whole
// file of the package its own clause names (shapes for shapes or
// shapes_test), else one declaring a name it uses; the nearest before
// it, else the nearest after.
func (b *builder) testTarget(h *unit, progs []*progBuilder, progOf map[*unit]*progBuilder) *progBuilder {
	pkg := strings.TrimSuffix(h.pkg, "_test")
	own := map[string]bool{}
	for _, n := range h.names {
		own[n] = true
	}
	var before, after *progBuilder
	var beforeLine, afterLine int
	for _, pb := range progs {
		if pb.fragment {
			continue
		}
		match, line := false, 0
		for u, p := range progOf {
			if p != pb || u == h {
				continue
			}
			ok := false
			if pkg != "" && pkg != "main" {
				ok = u.kind == unitFile && u.pkg == pkg
			} else {
				for _, n := range u.names {
					ok = ok || (h.refs[n] && !own[n])
				}
			}
			if ok {
				match = true
				line = max(line, u.line())
			}
		}
		if !match {
			continue
		}
		if line < h.line() {
			if before == nil || line > beforeLine {
				before, beforeLine = pb, line
			}
		} else if after == nil || line < afterLine {
			after, afterLine = pb, line
		}
	}
	if before != nil || b.showsFailure(h) {
		// A test shown failing before what it tests is written
		// ("write the test first, watch it fail") runs alone.
		return before
	}
	return after
}

// showsFailure reports whether a fence after the unit, before the next Go
// block, shows a failure.
func (b *builder) showsFailure(u *unit) bool {
	last := u.blocks[len(u.blocks)-1]
	below := false
	for _, f := range b.fences {
		switch {
		case f == last:
			below = true
		case !below:
		case f.kind == kindGo:
			return false
		case f.kind == kindInput || f.kind == kindHint:
		default:
			if _, _, ok := shownFailure(f.Code); ok {
				return true
			}
		}
	}
	return false
}

// splitTests assembles a program that holds tests: its source without
// them (the package), and its test file.
func (b *builder) splitTests(pb *progBuilder) (pkgSrc string, pkgMap SourceMap, tests string, testsMap SourceMap, pkg string, err error) {
	var code, test []*unit
	for _, u := range pb.units {
		if u.tests {
			test = append(test, u)
		} else {
			code = append(code, u)
		}
	}
	pkg = "main"
	for _, u := range append(append([]*unit(nil), code...), test...) {
		if (u.kind == unitFile || u.kind == unitFileHelper) && u.pkg != "" {
			pkg = strings.TrimSuffix(u.pkg, "_test")
			break
		}
	}
	main := &progBuilder{name: pb.name, blocks: pb.blocks, units: code, target: pb.target, emptyMain: pkg == "main" && !hasRoot(code)}
	if len(code) == 0 && pkg != "main" {
		pkgSrc = fmt.Sprintf("package %s\n", pkg)
	} else if pkgSrc, pkgMap, _, err = b.assemble(main); err != nil {
		return
	}
	tp := &progBuilder{name: pb.name, blocks: blocksOfUnits(test), units: test, target: &target{settings: map[string]setting{}}}
	if tests, testsMap, _, err = b.assemble(tp); err != nil {
		return
	}
	if pkg != "main" {
		// Test snippets without a package clause test the package.
		tests = strings.Replace(tests, pkgMain, "package "+pkg+"\n", 1)
	}
	return
}

func blocksOfUnits(units []*unit) []*fence {
	var out []*fence
	for _, u := range units {
		out = append(out, u.blocks...)
	}
	return out
}

// ownImport returns the import path of a test file's import whose last
// element is the package under test ("example.com/shapes" in a
// shapes_test file), or "".
func ownImport(tests, pkg string) string {
	f, err := parser.ParseFile(token.NewFileSet(), "", tests, parser.ImportsOnly)
	if err != nil {
		return ""
	}
	for _, sp := range f.Imports {
		p, err := strconv.Unquote(sp.Path.Value)
		if err == nil && importName(p) == pkg && !isStdPath(p) {
			return p
		}
	}
	return ""
}

// finishTests assembles an inferred program that holds tests: the
// package and its test file; it runs with go test, and a go test
// transcript on the page is not its expected output.
func (b *builder) finishTests(pb *progBuilder) error {
	// Borrow the helpers of the page it needs (the function an
	// alternative test tests).
	for range 16 {
		all, _, _, err := b.assemble(pb)
		if err != nil {
			return err
		}
		_, pkgs, names := missing(all)
		if len(names)+len(pkgs) == 0 || !b.share(pb, append(names, pkgs...)) {
			break
		}
	}
	src, m, tests, tm, pkg, err := b.splitTests(pb)
	if err != nil {
		return err
	}
	t := pb.target
	t.expect.Stdout = nil
	if _, ok := t.settings["mode"]; !ok && t.mode == ModeCompile {
		t.mode = ModeRun // helpers with tests: the tests run
	}
	p := &Program{
		File:     b.file,
		Line:     pb.line(),
		Name:     pb.name,
		Blocks:   blocksOf(pb.blocks),
		Source:   src,
		Map:      m,
		Tests:    tests,
		TestsMap: tm,
		Inferred: true,
	}
	if pkg != "main" {
		p.Package = pkg
		p.ImportPath = ownImport(tests, pkg)
	}
	var unavailable []string
	for _, code := range []string{src, tests} {
		u, _, _ := missing(code)
		for _, path := range u {
			if path != p.ImportPath {
				unavailable = append(unavailable, path)
			}
		}
	}
	_, skipSet := t.settings["skip"]
	if len(unavailable) > 0 && !skipSet && t.mode != ModeSkip {
		t.mode = ModeSkip
		pb.skipReason = fmt.Sprintf("incomplete: it imports %s, which is neither in the standard library nor in golang.org/x/sys", strings.Join(unavailable, ", "))
	}
	p.SkipReason = pb.skipReason
	pb.prog = p
	return nil
}

// packageOnly makes an inferred program that is a whole file of a
// package other than main, without tests, a package that is built and
// never executed.
func (b *builder) packageOnly(pb *progBuilder) {
	for _, u := range pb.units {
		if u.kind != unitFile || u.pkg == "" || u.pkg == "main" {
			continue
		}
		pb.prog.Package = u.pkg
		t := pb.target
		if pb.inferred && t.mode == ModeRun && t.expect.Fails == nil {
			if _, ok := t.settings["mode"]; !ok {
				t.mode = ModeCompile
				pb.prog.Note = fmt.Sprintf("package %s: built, not run", u.pkg)
			}
		}
		return
	}
}

// explicitStream reports whether a fence names its stream with output=.
func (f *fence) explicitStream() bool {
	_, ok := f.Attrs["output"]
	return ok
}

// goTestTranscript reports whether text is what go test prints: PASS,
// ok, === RUN, --- PASS lines.
func goTestTranscript(text string) bool {
	for _, l := range strings.Split(text, "\n") {
		t := strings.TrimSpace(l)
		if t == "PASS" || strings.HasPrefix(t, "ok ") || strings.HasPrefix(t, "ok\t") || strings.HasPrefix(t, "=== RUN") ||
			strings.HasPrefix(t, "--- PASS") || strings.HasPrefix(t, "$ go test") || strings.HasPrefix(t, "Benchmark") {
			return true
		}
	}
	return false
}

// placeOrphans places the helpers no program uses, the tests (when tests
// is true) or the others: a test joins the program declaring what it
// tests (see testTarget); a helper declaring no name (imports, init)
// joins the nearest main; the rest make a compile-only program of their
// own per innermost section, alternatives that declare the same names
// ("Bad", "Good") each their own.
func (b *builder) placeOrphans(tests bool, helpers []*unit, progOf map[*unit]*progBuilder, roots []*unit,
	orphans map[int]*progBuilder, use func(*progBuilder, *unit), newProgs *[]*progBuilder) {
	for _, h := range helpers {
		if progOf[h] != nil || h.tests != tests {
			continue
		}
		if tests {
			// An alternative version of a test ("Good:" after
			// "Bad:") is a program of its own, borrowing what it
			// tests.
			if pb := b.testTarget(h, *newProgs, progOf); pb != nil && !(redeclares(membersOf(progOf, pb), h) && b.labelled(h)) {
				use(pb, h)
				continue
			}
		}
		if len(h.names) == 0 {
			if r := b.rootFor(h, roots); r != nil {
				use(progOf[r], h)
				continue
			}
		}
		sec := b.innermost(h.line())
		pb := orphans[sec]
		if pb == nil || redeclares(membersOf(progOf, pb), h) || (h.tests && !hasTests(membersOf(progOf, pb))) {
			pb = &progBuilder{target: &target{}, emptyMain: true, orphan: true, inferred: true}
			orphans[sec] = pb
			*newProgs = append(*newProgs, pb)
		}
		use(pb, h)
	}
}

// altLabel matches a short paragraph that labels the snippet after it as
// one of several alternatives: "Bad:", "Good", "Don't:", "Do:", "Before:",
// "After:", "Avoid:", "Prefer:".
var altLabel = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)^(?:bad|good|don'?t|don’t|do|before|after|avoid|prefer|incorrect|correct|wrong|right|better|worse|instead)\b[^.]{0,40}:?$`)
})

// labelled reports whether the paragraph just before the unit (after the
// Go block before it) labels it as an alternative.
func (b *builder) labelled(u *unit) bool {
	line := u.line()
	prev := 0
	for _, f := range b.fences {
		if f.kind == kindGo && f.closeLine < line && f.closeLine > prev {
			prev = f.closeLine
		}
	}
	var last *para
	for i := range b.paras {
		if p := &b.paras[i]; p.Line > prev && p.Line < line {
			last = p
		}
	}
	return last != nil && altLabel().MatchString(strings.TrimSpace(last.Text))
}
