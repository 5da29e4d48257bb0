package lessons

import (
	"fmt"
	"sort"
	"strconv"
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

	inferred   bool            // made by inference: may be skipped when incomplete
	fragment   bool            // made of fragments: skipped
	skipReason string          // why the program is skipped
	note       string          // why it is built but not run
	shared     map[*fence]bool // helpers borrowed from another program
}

// line is the program's line: the opening fence of its first visible block.
func (pb *progBuilder) line() int {
	for _, b := range pb.blocks {
		if !b.Hidden && !pb.shared[b] {
			return b.Line
		}
	}
	return pb.blocks[0].Line
}

// target holds what a document says a program must do; the starter and
// the solution of an exercise share one.
type target struct {
	expect       Expect
	stdoutFromGo bool              // Expect.Stdout came from an // Output: comment
	slotUnit     map[*Output]*unit // the inferred unit an output fence follows
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
	harness  []*fence // harness=true blocks
	cases    int      // case fences seen so far
}

// builder turns the scanned fences into programs and exercises.
type builder struct {
	file     string
	fences   []*fence
	paras    []para
	sections []Section
	parents  []int // parents[i]: the section holding section i, or -1
	lastLine int
	defaults Defaults

	progs     []*progBuilder
	byFence   map[*fence]*progBuilder
	byName    map[string]*progBuilder
	exercises []*exBuilder
	exByName  map[string]*exBuilder
	helpers   map[string][]*unit // inferred declaration units by the names they declare, which programs may share
	unitOf    map[*fence]*unit
	// failFences are the fences that show a program failing: they are
	// not its expected output.
	failFences map[*fence]bool
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
			if f.harness {
				ex.harness = append(ex.harness, f)
				continue
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
	inferred = b.splitAll(inferred)
	for _, pb := range b.progs {
		pb.units = splitUnits(pb.blocks)
		b.byName[pb.name] = pb
	}
	for _, ex := range b.exercises {
		if ex.starter == nil && ex.solution == nil {
			return b.errorf(ex.harness[0].Line, "exercise %q has a harness but no starter", ex.name)
		}
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
	progOf := map[*unit]*progBuilder{}
	refs := map[*progBuilder]map[string]bool{} // what each program mentions
	rootOf := map[*progBuilder]*unit{}
	users := map[string][]*unit{} // name -> roots of the programs mentioning it
	use := func(pb *progBuilder, u *unit) {
		progOf[u] = pb
		if refs[pb] == nil {
			refs[pb] = map[string]bool{}
		}
		if u.root() && rootOf[pb] == nil {
			rootOf[pb] = u
		}
		for n := range u.refs {
			if !refs[pb][n] && rootOf[pb] != nil {
				users[n] = append(users[n], rootOf[pb])
			}
			refs[pb][n] = true
		}
	}
	var newProgs []*progBuilder
	// Fragments: one skipped program per innermost section.
	fragments := map[int]*progBuilder{}
	var live []*unit
	for _, u := range units {
		if u.fragment == "" {
			live = append(live, u)
			continue
		}
		sec := b.innermost(u.line())
		pb := fragments[sec]
		if pb == nil {
			pb = &progBuilder{target: &target{}, inferred: true, fragment: true}
			fragments[sec] = pb
			newProgs = append(newProgs, pb)
		}
		reason := fmt.Sprintf("the snippet at line %d %s", u.line(), u.fragment)
		if pb.skipReason != "" {
			reason = pb.skipReason + "; " + reason
		}
		pb.skipReason = reason
		use(pb, u)
	}
	// Roots, and statements that continue earlier statements.
	var roots, helpers []*unit
	var stmtProgs []*progBuilder
	defs := map[*progBuilder]map[string]bool{}
	var prevRoot *unit // the latest root unit, continued or not
	for _, u := range live {
		if !u.root() {
			helpers = append(helpers, u)
			continue
		}
		prev := prevRoot
		prevRoot = u
		if u.kind == unitStmts {
			pb := continued(u, stmtProgs, defs)
			if pb == nil && prev != nil && b.setupFor(prev, u, membersOf(progOf, progOf[prev]), defs[progOf[prev]]) {
				pb = progOf[prev]
			}
			if pb != nil && b.aside(u, membersOf(progOf, pb)) {
				sec := b.innermost(u.line())
				frag := fragments[sec]
				if frag == nil {
					frag = &progBuilder{target: &target{}, inferred: true, fragment: true}
					fragments[sec] = frag
					newProgs = append(newProgs, frag)
				}
				reason := fmt.Sprintf("the snippet at line %d continues the example at line %d after its expected output, with none of its own (an aside)", u.line(), rootOf[pb].line())
				if frag.skipReason != "" {
					reason = frag.skipReason + "; " + reason
				}
				frag.skipReason = reason
				use(frag, u)
				continue
			}
			if pb != nil {
				use(pb, u)
				for n := range u.defs {
					defs[pb][n] = true
				}
				continue
			}
		}
		pb := &progBuilder{target: &target{}, inferred: true}
		use(pb, u)
		roots = append(roots, u)
		newProgs = append(newProgs, pb)
		if u.kind == unitStmts {
			stmtProgs = append(stmtProgs, pb)
			defs[pb] = map[string]bool{}
			for n := range u.defs {
				defs[pb][n] = true
			}
		}
	}
	b.helpers = map[string][]*unit{}
	for _, h := range helpers {
		for _, n := range h.names {
			b.helpers[n] = append(b.helpers[n], h)
		}
	}
	// Helpers join the program that uses them, as near as possible...
	for changed := true; changed; {
		changed = false
		for _, h := range helpers {
			if progOf[h] != nil || len(h.names) == 0 {
				continue
			}
			if r := b.userFor(h, users); r != nil {
				use(progOf[r], h)
				changed = true
			}
		}
	}
	// ... else, when they declare nothing anyone uses, a compile-only
	// program of their own; helpers that declare no name (imports,
	// init) go to the nearest main.
	orphans := map[int]*progBuilder{} // by innermost section
	for pass := 0; pass < 2; pass++ {
		b.placeOrphans(pass == 1, helpers, progOf, roots, orphans, use, &newProgs)
	}
	b.unitOf = map[*fence]*unit{}
	for _, u := range units {
		for _, f := range u.blocks {
			b.unitOf[f] = u
		}
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
	// Programs that run are named first: a fragment does not take the
	// section's name from the example next to it.
	for _, frag := range []bool{false, true} {
		for _, pb := range newProgs {
			if pb.fragment == frag {
				pb.name = b.uniqueName(b.slugFor(pb))
				b.byName[pb.name] = pb
			}
		}
	}
	b.progs = append(b.progs, newProgs...)
	return nil
}

// redeclares reports whether the declarations unit h declares a name (a
// function, a method, a type, a variable or a constant) that one of units
// declares too.
func redeclares(units []*unit, h *unit) bool {
	have := map[string]bool{}
	for _, u := range units {
		for _, d := range u.decls {
			for _, k := range d.keys {
				have[k] = true
			}
		}
		for n := range u.defs {
			have[n] = true // statements defining it for themselves
		}
	}
	for _, d := range h.decls {
		for _, k := range d.keys {
			if have[k] {
				return true
			}
		}
	}
	return false
}

// continued returns the latest statements program that defines a name the
// statements unit u uses without defining it, or nil.
func continued(u *unit, progs []*progBuilder, defs map[*progBuilder]map[string]bool) *progBuilder {
	for i := len(progs) - 1; i >= 0; i-- {
		for _, n := range u.free {
			if defs[progs[i]][n] {
				return progs[i]
			}
		}
	}
	return nil
}

// setupFor reports whether the statements unit u continues the program pb
// of prev, the root unit just before it, because prev's program is a setup
// step: statements in the same innermost section that print nothing, with
// no expectation or input fence between them and u, which u can follow
// without redeclaring what they define (defs).
func (b *builder) setupFor(prev, u *unit, members []*unit, defs map[string]bool) bool {
	if prev.kind != unitStmts || defs == nil || b.innermost(prev.line()) != b.innermost(u.line()) {
		return false
	}
	// A step the page shows failing sets nothing up.
	if prev.failCue != "" || u.failCue != "" || b.showsFailure(prev) {
		return false
	}
	for _, pu := range members {
		if pu.refs["fmt"] || pu.refs["print"] || pu.refs["println"] {
			return false
		}
	}
	end := prev.blocks[len(prev.blocks)-1].closeLine
	for _, f := range b.fences {
		if (f.kind == kindOutput || f.kind == kindInput) && f.Line > end && f.Line < u.line() {
			return false
		}
	}
	for _, names := range u.short {
		fresh := false
		for _, n := range names {
			fresh = fresh || !defs[n]
		}
		if !fresh {
			return false
		}
	}
	for _, n := range u.declared {
		if defs[n] {
			return false
		}
	}
	return true
}

// aside reports whether the statements unit u, which continues the
// program made of members, is an aside rather than a next step: it lies
// in another innermost section than all of them, after an expected output
// of theirs, and nothing shows what it prints (no output fence before the
// next Go block, no "// Output:" comment).
func (b *builder) aside(u *unit, members []*unit) bool {
	sec := b.innermost(u.line())
	first := u.line()
	for _, m := range members {
		if b.innermost(m.line()) == sec {
			return false
		}
		first = min(first, m.line())
	}
	if strings.Contains(u.code(), "Output:") {
		return false
	}
	shown := false
	end := u.blocks[len(u.blocks)-1].closeLine
	for _, f := range b.fences {
		switch {
		case f.kind == kindOutput && f.Line > first && f.Line < u.line():
			shown = true
		case f.Line > end && f.kind == kindGo:
			return shown
		case f.Line > end && f.kind == kindOutput:
			return false
		}
	}
	return shown
}

// membersOf lists the units progOf gives to pb.
func membersOf(progOf map[*unit]*progBuilder, pb *progBuilder) []*unit {
	var out []*unit
	for u, p := range progOf {
		if p == pb {
			out = append(out, u)
		}
	}
	return out
}

// userFor finds the root of the program a helper joins because the program
// mentions a name the helper declares: in the smallest enclosing section
// holding such a main, the nearest before the helper, else after. users
// lists, for each name, the roots of the programs mentioning it.
func (b *builder) userFor(h *unit, users map[string][]*unit) *unit {
	line := h.line()
	var cands []*unit
	for _, n := range h.names {
		cands = append(cands, users[n]...)
	}
	if len(cands) == 0 {
		return nil
	}
	for _, sec := range b.chain(line) {
		lo, hi := b.bounds(sec)
		var before, after *unit
		for _, r := range cands {
			if r.mainLine < lo || r.mainLine > hi {
				continue
			}
			if redeclares([]*unit{r}, h) {
				// A complete program declares what it calls: a
				// later version of it does not change the program.
				continue
			}
			if r.mainLine < line {
				if before == nil || r.mainLine > before.mainLine {
					before = r
				}
			} else if after == nil || r.mainLine < after.mainLine {
				after = r
			}
		}
		if before != nil {
			return before
		}
		if after != nil {
			return after
		}
	}
	return nil
}

// share adds to an inferred program, for each of names it uses but does
// not declare, the helper of the page that declares it (the nearest before
// the program, else the first after). It reports whether it added any.
func (b *builder) share(pb *progBuilder, names []string) bool {
	have := map[*unit]bool{}
	for _, u := range pb.units {
		have[u] = true
	}
	line := pb.line()
	added := false
	for _, n := range names {
		var pick *unit
		for _, h := range b.helpers[n] {
			if have[h] {
				continue
			}
			if h.line() < line || pick == nil {
				pick = h
			}
		}
		if pick == nil {
			continue
		}
		have[pick] = true
		added = true
		if pb.shared == nil {
			pb.shared = map[*fence]bool{}
		}
		for _, f := range pick.blocks {
			pb.shared[f] = true
		}
		pb.units = append(pb.units, pick)
	}
	if added {
		sort.SliceStable(pb.units, func(i, j int) bool { return pb.units[i].line() < pb.units[j].line() })
		pb.blocks = pb.blocks[:0]
		for _, u := range pb.units {
			pb.blocks = append(pb.blocks, u.blocks...)
		}
	}
	return added
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
// its blocks, else after the smallest section holding its main.
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
	// No heading holds all its blocks (a page without a top heading whose
	// helper sits in "Step 1" and main in "Step 2"): the section of its
	// main says what it is better than "program".
	for _, u := range pb.units {
		if !u.root() {
			continue
		}
		for _, sec := range b.chain(u.mainLine) {
			if sec >= 0 && b.sections[sec].Slug != "" {
				return b.sections[sec].Slug
			}
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
	if pb.orphan && len(pb.examples()) == 0 {
		t.mode = ModeCompile
		pb.note = "declarations without main: built, not run"
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
		pb.skipReason = "skip=true"
	} else if pb.fragment {
		if m, ok := s["mode"]; ok && m.value == "compile-fail" {
			pb.skipReason = ""
		} else {
			t.mode = ModeSkip
		}
	}
	if e, ok := s["error"]; ok {
		if t.mode != ModeCompileFail {
			return b.errorf(e.line, "error=%q needs mode=\"compile-fail\"", e.value)
		}
		t.expect.CompileError = e.value
	}
	// The front matter's engine and timeout are not copied into the
	// program: Resolve weighs them against the command line.
	if e, ok := s["engine"]; ok {
		t.engine = e.value
	}
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

// transcriptExits reads the expected exit status of an inferred program
// that sets no exit= and runs from a shell transcript below it (before the
// next Go block) that runs the program (`$ go run ...` or `$ ./NAME`) and
// then shows the status: a line `$ echo $?` followed by a number (any
// non-zero status after `go run`, which exits with 1 whatever the program's
// status was).
func (b *builder) transcriptExits() error {
	var above *fence
	for _, f := range b.fences {
		switch {
		case f.kind == kindGo:
			above = f
			continue
		case f.kind != kindShell || above == nil:
			continue
		}
		pb := b.byFence[above]
		t := pb.target
		if !pb.inferred || pb.exercise != "" || t.mode != ModeRun {
			continue
		}
		if _, ok := t.settings["exit"]; ok {
			continue
		}
		if n, ok := echoedStatus(f.Code); ok {
			t.expect.Exit = n
		}
	}
	return nil
}

// echoedStatus finds, in a shell transcript, the status that `$ echo $?`
// prints after a command that runs a Go program.
func echoedStatus(text string) (int, bool) {
	lines := strings.Split(text, "\n")
	ran := "" // the command that ran the program, if the last one did
	for i, l := range lines {
		cmd, ok := strings.CutPrefix(strings.TrimSpace(l), "$ ")
		if !ok {
			continue
		}
		cmd = strings.TrimSpace(cmd)
		switch {
		case strings.HasPrefix(cmd, "go run "), strings.HasPrefix(cmd, "./"):
			ran = cmd
		case cmd == "echo $?" && ran != "" && i+1 < len(lines):
			n, err := strconv.Atoi(strings.TrimSpace(lines[i+1]))
			if err != nil || n < 0 || n > 255 {
				return 0, false
			}
			if n != 0 && strings.HasPrefix(ran, "go run ") {
				// go run exits with 1 whatever the program's status.
				return ExitNonZero, true
			}
			return n, true
		default:
			ran = ""
		}
	}
	return 0, false
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
		case kindOutput, kindInput, kindHint, kindCase:
		default:
			continue
		}
		if b.failFences[f] {
			continue
		}
		if f.kind == kindOutput && f.program == "" && f.exercise == "" && above != nil && !f.explicitStream() {
			if pb := b.byFence[above]; pb != nil && pb.inferred && hasTests(pb.units) && goTestTranscript(f.Code) {
				continue // what go test printed, not the program's output
			}
		}
		what := map[fenceKind]string{kindOutput: "output", kindInput: "input", kindHint: "hint", kindCase: "case"}[f.kind]
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
			text := f.Code
			if pb.inferred && f.program == "" && f.stream == "stdout" {
				if _, set := t.settings["exit"]; !set && t.mode == ModeRun {
					// go run's last line: the program exited with N.
					if rest, n, ok := exitStatusLine(text); ok && exits(pb) {
						text, t.expect.Exit = rest, n
					}
				}
			}
			o := &Output{Text: text, Match: f.match, Unordered: f.unordered, File: b.file, Line: f.Line}
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
			u := b.unitOf[above]
			if *slot != nil && f.program == "" && f.exercise == "" && u != nil && u.kind == unitStmts &&
				t.slotUnit[*slot] != nil && t.slotUnit[*slot] != u && t.slotUnit[*slot].kind == unitStmts && (*slot).Match == o.Match {
				// Statements continuing statements, each followed by
				// its output: the program prints all of it.
				(*slot).Text = strings.TrimRight((*slot).Text, "\n") + "\n" + o.Text
				t.slotUnit[*slot] = u
				continue
			}
			if *slot != nil {
				return b.errorf(f.Line, "a second %s expectation for program %q (the first is at line %d)", f.stream, pb.name, (*slot).Line)
			}
			*slot = o
			if t.slotUnit == nil {
				t.slotUnit = map[*Output]*unit{}
			}
			t.slotUnit[o] = u
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
		case kindCase:
			if err := b.attachCase(f, pb, ex); err != nil {
				return err
			}
		}
	}
	return nil
}

// finish assembles every program and fills the document.
func (b *builder) finish(doc *Document) error {
	for _, pb := range b.progs {
		if pb.inferred && !pb.fragment && hasTests(pb.units) {
			if err := b.finishTests(pb); err != nil {
				return err
			}
			continue
		}
		src, m, out, err := b.assembleInferred(pb)
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
		b.surroundings(pb, src)
		pb.prog = &Program{
			File:     b.file,
			Line:     pb.line(),
			Name:     pb.name,
			Blocks:   blocksOf(pb.blocks),
			Source:   src,
			Map:      m,
			Exercise: pb.exercise,
			Role:     pb.role,

			SkipReason: pb.skipReason,
			Note:       pb.note,
			Inferred:   pb.inferred,
		}
		b.packageOnly(pb)
		if pb.inferred {
			for _, u := range pb.units {
				if u.elision > 0 {
					pb.prog.BuildExcuse = fmt.Sprintf("the snippet at line %d elides code with a comment", u.elision)
					break
				}
			}
		}
	}
	if err := b.harnesses(); err != nil {
		return err
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

// assembleInferred assembles a program; an inferred one also borrows the
// helpers it needs from other programs, and is skipped when it still
// needs what no snippet gives.
func (b *builder) assembleInferred(pb *progBuilder) (string, SourceMap, *Output, error) {
	src, m, out, err := b.assemble(pb)
	if err != nil || !pb.inferred || pb.fragment {
		return src, m, out, err
	}
	var unavailable, pkgs, names []string
	for range 16 {
		unavailable, pkgs, names = missing(src)
		if len(names)+len(pkgs) == 0 || !b.share(pb, append(names, pkgs...)) {
			break
		}
		if src, m, out, err = b.assemble(pb); err != nil {
			return src, m, out, err
		}
	}
	if _, ok := pb.target.settings["mode"]; ok {
		return src, m, out, nil
	}
	if _, ok := pb.target.settings["skip"]; ok {
		return src, m, out, nil
	}
	// A misspelt name is the document's mistake: the compiler reports it.
	_, names = splitTypos(src, names)
	if f := pb.target.expect.Fails; f != nil && f.Kind == FailsBuild {
		// The page shows it failing to build: what it lacks may be
		// just what the compiler complains about.
		names, pkgs = nil, nil
	}
	var why []string
	if len(unavailable) > 0 {
		why = append(why, fmt.Sprintf("imports %s, which is neither in the standard library nor in golang.org/x/sys", strings.Join(unavailable, ", ")))
	}
	if len(names) > 0 {
		why = append(why, fmt.Sprintf("uses %s, which no snippet of the page declares", strings.Join(names, ", ")))
	}
	if len(pkgs) > 0 {
		why = append(why, fmt.Sprintf("uses %s, which no snippet of the page declares and which is not a package of the standard library or golang.org/x/sys/unix", strings.Join(pkgs, ", ")))
	}
	if len(why) > 0 {
		pb.target.mode = ModeSkip
		pb.skipReason = "incomplete: it " + strings.Join(why, "; it ")
	}
	return src, m, out, nil
}

func blocksOf(fs []*fence) []Block {
	out := make([]Block, 0, len(fs))
	var last *fence
	for _, f := range fs {
		if f.whole != nil {
			// A block split into declarations and statements is
			// listed once, as written.
			if f.whole == last {
				continue
			}
			last = f.whole
			out = append(out, f.whole.Block)
			continue
		}
		last = nil
		out = append(out, f.Block)
	}
	return out
}

// splitAll splits the inferred blocks that mix declarations and
// statements (see splitMixed), in inferred and in the document's fences.
func (b *builder) splitAll(inferred []*fence) []*fence {
	parts := map[*fence][]*fence{}
	var out []*fence
	for _, f := range inferred {
		p := splitMixed(f)
		if len(p) > 1 {
			parts[f] = p
		}
		out = append(out, p...)
	}
	if len(parts) == 0 {
		return inferred
	}
	var all []*fence
	for _, f := range b.fences {
		if p, ok := parts[f]; ok {
			all = append(all, p...)
			continue
		}
		all = append(all, f)
	}
	b.fences = all
	return out
}
