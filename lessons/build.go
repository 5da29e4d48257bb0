package lessons

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// progBuilder collects one program while the document is processed.
type progBuilder struct {
	name      string
	exercise  string
	role      Role
	blocks    []*fence
	units     []*unit
	emptyMain bool // no main anywhere: add an empty one
	orphan    bool // helpers with no main: compile only by default
	target    *target
	prog      *Program
}

// line is the program's line: the opening fence of its first visible block.
func (pb *progBuilder) line() int {
	for _, b := range pb.blocks {
		if !b.Hidden {
			return b.Line
		}
	}
	return pb.blocks[0].Line
}

// target holds what a document says a program must do; the starter and
// the solution of an exercise share one.
type target struct {
	expect       Expect
	stdoutFromGo bool // Expect.Stdout came from an // Output: comment
	stdin        *string
	stdinLine    int
	settings     map[string]setting
	mode         Mode
	engine       string
	timeout      time.Duration
	untilLine    int
}

// exBuilder collects one exercise.
type exBuilder struct {
	name     string
	starter  *progBuilder
	solution *progBuilder
	hints    []string
}

// builder turns the scanned fences into programs and exercises.
type builder struct {
	file     string
	fences   []*fence
	sections []Section
	parents  []int // parents[i]: the section holding section i, or -1
	lastLine int
	defaults Defaults

	progs     []*progBuilder
	byFence   map[*fence]*progBuilder
	byName    map[string]*progBuilder
	exercises []*exBuilder
	exByName  map[string]*exBuilder
}

func (b *builder) errorf(line int, format string, args ...any) error {
	return &Error{File: b.file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// group sorts the Go blocks into programs: named ones, exercises, and the
// rest by inference.
func (b *builder) group() error {
	b.setParents()
	b.byFence = map[*fence]*progBuilder{}
	b.byName = map[string]*progBuilder{}
	b.exByName = map[string]*exBuilder{}
	named := map[string]*progBuilder{}
	var inferred []*fence
	for _, f := range b.fences {
		if f.kind != kindGo {
			continue
		}
		switch {
		case f.exercise != "":
			ex := b.exByName[f.exercise]
			if ex == nil {
				ex = &exBuilder{name: f.exercise}
				b.exByName[f.exercise] = ex
				b.exercises = append(b.exercises, ex)
			}
			pp := &ex.starter
			if f.solution {
				pp = &ex.solution
			}
			if *pp == nil {
				*pp = &progBuilder{exercise: ex.name}
			}
			(*pp).blocks = append((*pp).blocks, f)
			b.byFence[f] = *pp
		case f.program != "":
			pb := named[f.program]
			if pb == nil {
				pb = &progBuilder{name: f.program, target: &target{}}
				named[f.program] = pb
				b.progs = append(b.progs, pb)
			}
			pb.blocks = append(pb.blocks, f)
			b.byFence[f] = pb
		default:
			inferred = append(inferred, f)
		}
	}
	for _, pb := range b.progs {
		pb.units = splitUnits(pb.blocks)
		b.byName[pb.name] = pb
	}
	for _, ex := range b.exercises {
		if ex.starter == nil {
			return b.errorf(ex.solution.blocks[0].Line, "exercise %q has a solution but no starter", ex.name)
		}
		for _, n := range []string{ex.name, ex.name + "/starter"} {
			if _, ok := b.byName[n]; ok {
				return b.errorf(ex.starter.blocks[0].Line, "exercise %q clashes with program %q", ex.name, n)
			}
		}
		t := &target{}
		ex.starter.name, ex.starter.role, ex.starter.target = ex.name+"/starter", RoleStarter, t
		ex.starter.units = splitUnits(ex.starter.blocks)
		b.progs = append(b.progs, ex.starter)
		b.byName[ex.starter.name] = ex.starter
		if ex.solution != nil {
			ex.solution.name, ex.solution.role, ex.solution.target = ex.name, RoleSolution, t
			ex.solution.units = splitUnits(ex.solution.blocks)
			b.progs = append(b.progs, ex.solution)
			b.byName[ex.solution.name] = ex.solution
		}
	}
	for _, pb := range b.progs {
		if !hasRoot(pb.units) {
			pb.emptyMain = true
			pb.orphan = true
		}
	}
	return b.infer(inferred)
}

func hasRoot(units []*unit) bool {
	for _, u := range units {
		if u.root() {
			return true
		}
	}
	return false
}

// infer builds the programs of the blocks without program= or exercise=.
func (b *builder) infer(blocks []*fence) error {
	units := splitUnits(blocks)
	var roots []*unit
	for _, u := range units {
		if u.root() {
			roots = append(roots, u)
		}
	}
	progOf := map[*unit]*progBuilder{}
	var newProgs []*progBuilder
	for _, u := range roots {
		pb := &progBuilder{target: &target{}}
		progOf[u] = pb
		newProgs = append(newProgs, pb)
	}
	orphans := map[int]*progBuilder{} // by innermost section
	for _, u := range units {
		if u.root() {
			continue
		}
		if r := b.rootFor(u, roots); r != nil {
			progOf[u] = progOf[r]
			continue
		}
		sec := b.innermost(u.line())
		pb := orphans[sec]
		if pb == nil {
			pb = &progBuilder{target: &target{}, emptyMain: true, orphan: true}
			orphans[sec] = pb
			newProgs = append(newProgs, pb)
		}
		progOf[u] = pb
	}
	for _, u := range units {
		pb := progOf[u]
		pb.units = append(pb.units, u)
		pb.blocks = append(pb.blocks, u.blocks...)
		for _, f := range u.blocks {
			b.byFence[f] = pb
		}
	}
	sort.SliceStable(newProgs, func(i, j int) bool { return newProgs[i].line() < newProgs[j].line() })
	for _, pb := range newProgs {
		pb.name = b.uniqueName(b.slugFor(pb))
		b.byName[pb.name] = pb
	}
	b.progs = append(b.progs, newProgs...)
	return nil
}

// chain returns the indexes of the sections containing line, innermost
// first; -1 stands for the whole document and comes last.
func (b *builder) chain(line int) []int {
	// The last heading at or before line starts the innermost section
	// holding it; its parents hold it too.
	i := sort.Search(len(b.sections), func(i int) bool { return b.sections[i].Line > line }) - 1
	var out []int
	for ; i >= 0; i = b.parents[i] {
		out = append(out, i)
	}
	return append(out, -1)
}

// setParents records, for each section, the section that contains it
// (-1: the whole document).
func (b *builder) setParents() {
	b.parents = make([]int, len(b.sections))
	var stack []int
	for i, s := range b.sections {
		for len(stack) > 0 && b.sections[stack[len(stack)-1]].Level >= s.Level {
			stack = stack[:len(stack)-1]
		}
		b.parents[i] = -1
		if len(stack) > 0 {
			b.parents[i] = stack[len(stack)-1]
		}
		stack = append(stack, i)
	}
}

func (b *builder) innermost(line int) int { return b.chain(line)[0] }

// bounds returns the lines a section spans (-1: the whole document).
func (b *builder) bounds(sec int) (int, int) {
	if sec < 0 {
		return 1, b.lastLine
	}
	return b.sections[sec].Line, b.sections[sec].End
}

// rootFor finds the program a helper unit joins: the one whose main lies
// in the smallest enclosing section holding any main; the nearest main
// before the helper, else the nearest after. roots are in document order.
func (b *builder) rootFor(h *unit, roots []*unit) *unit {
	line := h.line()
	// roots[k] is the first root whose main is after the helper.
	k := sort.Search(len(roots), func(i int) bool { return roots[i].mainLine >= line })
	for _, sec := range b.chain(line) {
		lo, hi := b.bounds(sec)
		if k > 0 && roots[k-1].mainLine >= lo {
			return roots[k-1]
		}
		if k < len(roots) && roots[k].mainLine <= hi {
			return roots[k]
		}
	}
	return nil
}

// slugFor names an inferred program after the smallest section holding all
// its blocks.
func (b *builder) slugFor(pb *progBuilder) string {
	first, last := pb.blocks[0].Line, pb.blocks[len(pb.blocks)-1].Line
	for _, sec := range b.chain(first) {
		if sec < 0 {
			break
		}
		if b.sections[sec].End >= last && b.sections[sec].Slug != "" {
			return b.sections[sec].Slug
		}
	}
	return "program"
}

// uniqueName returns base, or base-2, base-3, ... whichever is free.
func (b *builder) uniqueName(base string) string {
	name := base
	for i := 2; ; i++ {
		if _, taken := b.byName[name]; !taken {
			if _, taken := b.exByName[name]; !taken {
				return name
			}
		}
		name = fmt.Sprintf("%s-%d", base, i)
	}
}

// settle merges the program-level keys of each target's blocks, checking
// that no two blocks disagree.
func (b *builder) settle() error {
	for _, pb := range b.progs {
		t := pb.target
		if t.settings == nil {
			t.settings = map[string]setting{}
		}
		for _, f := range pb.blocks {
			for _, s := range f.settings {
				if old, ok := t.settings[s.key]; ok && old.value != s.value {
					return b.errorf(s.line, "conflicting %s: %q here, %q at line %d", s.key, s.value, old.value, old.line)
				}
				t.settings[s.key] = s
			}
			t.expect.Requires = appendNew(t.expect.Requires, f.requires)
		}
	}
	for _, pb := range b.progs {
		if err := b.apply(pb); err != nil {
			return err
		}
	}
	return nil
}

func appendNew(list, add []string) []string {
	for _, a := range add {
		dup := false
		for _, l := range list {
			dup = dup || l == a
		}
		if !dup {
			list = append(list, a)
		}
	}
	return list
}

// apply turns a target's settings into the program's mode, engine,
// timeout and exit expectations.
func (b *builder) apply(pb *progBuilder) error {
	t := pb.target
	s := t.settings
	t.mode = ModeRun
	if pb.orphan {
		t.mode = ModeCompile
	}
	if m, ok := s["mode"]; ok {
		switch m.value {
		case "run":
			t.mode = ModeRun
		case "compile":
			t.mode = ModeCompile
		case "compile-fail":
			t.mode = ModeCompileFail
		}
	}
	if sk, ok := s["skip"]; ok && sk.value == "true" {
		if m, ok := s["mode"]; ok {
			return b.errorf(max(sk.line, m.line), "conflicting attributes: skip=true and mode=%q", m.value)
		}
		t.mode = ModeSkip
	}
	if e, ok := s["error"]; ok {
		if t.mode != ModeCompileFail {
			return b.errorf(e.line, "error=%q needs mode=\"compile-fail\"", e.value)
		}
		t.expect.CompileError = e.value
	}
	t.engine = b.defaults.Engine
	if e, ok := s["engine"]; ok {
		t.engine = e.value
	}
	t.timeout = b.defaults.Timeout
	if v, ok := s["timeout"]; ok {
		t.timeout, _ = parseTimeout(v.value)
	}
	if v, ok := s["exit"]; ok {
		t.expect.Exit, _ = parseExit(v.value)
	}
	if v, ok := s["until"]; ok {
		t.expect.Until = true
		t.untilLine = v.line
	}
	return nil
}

// attach gives each output, input and hint fence to its program: the one
// it names, else the program of the Go block above it.
func (b *builder) attach() error {
	var above *fence
	for _, f := range b.fences {
		switch f.kind {
		case kindGo:
			above = f
			continue
		case kindOutput, kindInput, kindHint:
		default:
			continue
		}
		what := map[fenceKind]string{kindOutput: "output", kindInput: "input", kindHint: "hint"}[f.kind]
		var pb *progBuilder
		var ex *exBuilder
		switch {
		case f.program != "":
			pb = b.byName[f.program]
			if pb == nil {
				return b.errorf(f.Line, "%s fence names program %q, which does not exist", what, f.program)
			}
		case f.exercise != "":
			ex = b.exByName[f.exercise]
			if ex == nil {
				return b.errorf(f.Line, "%s fence names exercise %q, which does not exist", what, f.exercise)
			}
			pb = ex.starter
		case above == nil:
			return b.errorf(f.Line, "%s fence with no program above it", what)
		default:
			pb = b.byFence[above]
		}
		if ex == nil && pb.exercise != "" {
			ex = b.exByName[pb.exercise]
		}
		t := pb.target
		switch f.kind {
		case kindOutput:
			o := &Output{Text: f.Code, Match: f.match, Unordered: f.unordered, File: b.file, Line: f.Line}
			if o.Match == "" {
				o.Match = b.defaults.Match
			}
			if o.Match == "" {
				o.Match = MatchExact
			}
			slot := &t.expect.Stdout
			if f.stream == "stderr" {
				slot = &t.expect.Stderr
			}
			if *slot != nil {
				return b.errorf(f.Line, "a second %s expectation for program %q (the first is at line %d)", f.stream, pb.name, (*slot).Line)
			}
			*slot = o
		case kindInput:
			if t.stdin != nil {
				return b.errorf(f.Line, "a second stdin for program %q (the first is at line %d)", pb.name, t.stdinLine)
			}
			in := f.Code
			t.stdin, t.stdinLine = &in, f.Line
		case kindHint:
			if ex == nil {
				if f.program == "" && above == nil {
					return b.errorf(f.Line, "hint fence with no exercise above it")
				}
				return b.errorf(f.Line, "hint fence for program %q, which is not part of an exercise", pb.name)
			}
			ex.hints = append(ex.hints, strings.TrimRight(f.Code, "\n"))
		}
	}
	return nil
}

// finish assembles every program and fills the document.
func (b *builder) finish(doc *Document) error {
	for _, pb := range b.progs {
		src, m, out, err := b.assemble(pb)
		if err != nil {
			return err
		}
		if out != nil {
			t := pb.target
			if t.expect.Stdout != nil && !(t.stdoutFromGo && t.expect.Stdout.Text == out.Text && t.expect.Stdout.Match == out.Match) {
				return b.errorf(out.Line, "program %q has both an output fence (line %d) and an // Output: comment", pb.name, t.expect.Stdout.Line)
			}
			t.expect.Stdout, t.stdoutFromGo = out, true
		}
		pb.prog = &Program{
			File:     b.file,
			Line:     pb.line(),
			Name:     pb.name,
			Blocks:   blocksOf(pb.blocks),
			Source:   src,
			Map:      m,
			Exercise: pb.exercise,
			Role:     pb.role,
		}
	}
	for _, pb := range b.progs {
		t := pb.target
		if t.expect.Until && t.expect.Stdout == nil {
			return b.errorf(t.untilLine, "until=\"output\" needs an expected stdout (an output fence or an // Output: comment)")
		}
		p := pb.prog
		p.Mode, p.Engine, p.Timeout = t.mode, t.engine, t.timeout
		p.Stdin = t.stdin
		p.Expect = t.expect
		p.Expect.Requires = append([]string(nil), t.expect.Requires...)
		doc.Programs = append(doc.Programs, p)
	}
	sort.SliceStable(doc.Programs, func(i, j int) bool { return doc.Programs[i].Line < doc.Programs[j].Line })
	for _, ex := range b.exercises {
		e := &Exercise{
			Name:    ex.name,
			File:    b.file,
			Line:    ex.starter.prog.Line,
			Starter: ex.starter.prog,
			Hints:   ex.hints,
		}
		if sec := b.innermost(e.Line); sec >= 0 {
			e.Title = b.sections[sec].Title
		}
		if ex.solution != nil {
			e.Solution = ex.solution.prog
		}
		doc.Exercises = append(doc.Exercises, e)
	}
	sort.SliceStable(doc.Exercises, func(i, j int) bool { return doc.Exercises[i].Line < doc.Exercises[j].Line })
	return nil
}

func blocksOf(fs []*fence) []Block {
	out := make([]Block, len(fs))
	for i, f := range fs {
		out[i] = f.Block
	}
	return out
}
