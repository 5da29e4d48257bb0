package learn

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/check"
	"github.com/ppworkbook/workbook/workbook/progress"
)

// maxLearnerFile bounds the size of a learner's program; a larger file is
// not run.
const maxLearnerFile = 1 << 20

// status is the state of one exercise in a work dir.
type status string

// The statuses of a checked exercise.
const (
	statusPass    status = "pass"
	statusFail    status = "fail"
	statusMissing status = "missing"
	statusError   status = "error"
)

// outcome is the result of checking one learner's program.
type outcome struct {
	Exercise *exercise
	File     string
	Status   status
	Result   check.Result // for pass and fail
	Err      error        // for missing and error
}

// checkFile checks the learner's program at file for e.
func checkFile(ctx context.Context, c Checker, e *exercise, file string, out io.Writer) outcome {
	o := outcome{Exercise: e, File: file}
	fi, err := os.Stat(file)
	if errors.Is(err, fs.ErrNotExist) {
		o.Status, o.Err = statusMissing, err
		return o
	}
	if err == nil && !fi.Mode().IsRegular() {
		err = fmt.Errorf("%s is not a regular file", file)
	} else if err == nil && fi.Size() > maxLearnerFile {
		err = fmt.Errorf("%s is larger than %d bytes", file, maxLearnerFile)
	}
	var src []byte
	if err == nil {
		src, err = os.ReadFile(file)
	}
	if err == nil {
		switch {
		case e.Ex.Starter == nil:
			err = fmt.Errorf("exercise %s has no starter program", e.ID)
		case e.Ex.Starter.Mode == lessons.ModeSkip:
			err = fmt.Errorf("exercise %s is marked skip: it cannot be checked", e.ID)
		}
	}
	if err != nil {
		o.Status, o.Err = statusError, err
		return o
	}
	prog := learnerProgram(e, file, src)
	res, err := safeCheck(ctx, c, prog, e.settings(prog), out)
	if err != nil {
		o.Status, o.Err = statusError, err
		return o
	}
	o.Result = res
	o.Status = statusFail
	if res.Pass {
		o.Status = statusPass
	}
	return o
}

// printOutcome shows one check's result to the learner.
func (a *app) printOutcome(o outcome) {
	p := a.p
	switch o.Status {
	case statusPass:
		a.out("%s %s  %s\n", p.Pass("✓ PASS"), o.Exercise.ID, p.Dim(rel(o.File)))
		a.printNotes(o.Result)
	case statusFail:
		a.out("%s %s  %s\n", p.Fail("✗ FAIL"), o.Exercise.ID, p.Dim(rel(o.File)))
		a.printResult(o.Result)
	case statusMissing:
		a.out("%s %s: %s does not exist. Run `workbook init` to write it (it never overwrites your files).\n", p.Warn("· MISSING"), o.Exercise.ID, rel(o.File))
	default:
		a.out("%s %s: could not be checked: %s\n", p.Fail("! ERROR"), o.Exercise.ID, a.learnerText(o.Err.Error()))
	}
}

// printResult prints a failed check's message and detail, worded for the
// learner.
func (a *app) printResult(res check.Result) {
	msg, detail := a.learnerResult(res)
	if msg != "" {
		a.out("%s\n", msg)
	}
	if detail != "" {
		a.out("%s\n", detail)
	}
}

// firstNotDone returns the first exercise not done, or nil.
func (a *app) firstNotDone(s *progress.State) *exercise {
	for _, e := range a.cat.Exercises() {
		if !s.IsDone(e.ID) {
			return e
		}
	}
	return nil
}

// nextNotDone returns the first exercise not done after from (wrapping
// round), or nil when every exercise is done.
func (a *app) nextNotDone(s *progress.State, from *exercise) *exercise {
	all := a.cat.Exercises()
	start := 0
	for i, e := range all {
		if from != nil && e.ID == from.ID {
			start = i + 1
		}
	}
	for i := range all {
		e := all[(start+i)%len(all)]
		if !s.IsDone(e.ID) && (from == nil || e.ID != from.ID) {
			return e
		}
	}
	return nil
}

// current returns the exercise to work on: the one recorded as current
// unless it is done, else the first not done (nil when all are done).
func (a *app) current(s *progress.State) *exercise {
	if s.Current != "" && !s.IsDone(s.Current) {
		if e, err := a.cat.Exercise(s.Current); err == nil {
			return e
		}
	}
	return a.firstNotDone(s)
}

// exerciseArg resolves an optional exercise argument: the named one, or the
// current one.
func (a *app) exerciseArg(args []string, s *progress.State) (*exercise, error) {
	switch len(args) {
	case 0:
		e := a.current(s)
		if e == nil {
			return nil, errors.New("every exercise is done; name one (see `workbook list`)")
		}
		return e, nil
	case 1:
		return a.cat.Exercise(args[0])
	}
	return nil, usageError("one exercise at most")
}

func counts(c *catalog, s *progress.State) (done, total int) {
	for _, e := range c.Exercises() {
		total++
		if s.IsDone(e.ID) {
			done++
		}
	}
	return done, total
}

func cmdOverview(a *app, _ *cmdOpts, args []string) error {
	if len(args) > 0 {
		return usageError("overview takes no arguments")
	}
	s, err := a.loadProgress()
	if err != nil {
		return err
	}
	p := a.p
	a.out("%s\n\n", p.H1(a.cat.Title))
	width := 0
	for _, l := range a.cat.Lessons {
		width = max(width, len([]rune(l.Title())))
	}
	for _, l := range a.cat.Lessons {
		ex := l.Exercises()
		d := 0
		for _, e := range ex {
			if s.IsDone(e.ID) {
				d++
			}
		}
		mark := "  "
		if len(ex) > 0 && d == len(ex) {
			mark = p.Pass("✓ ")
		}
		title := l.Title() + strings.Repeat(" ", width-len([]rune(l.Title())))
		exercises := p.Dim("no exercises")
		if len(ex) > 0 {
			exercises = fmt.Sprintf("%d/%d exercises", d, len(ex))
		}
		a.out("%s%2d. %s  %s\n", mark, l.Num, title, exercises)
	}
	done, total := counts(a.cat, s)
	a.out("\n")
	if a.lessons != "" {
		a.out("Lessons:        %s\n", a.lessons)
	}
	state := ""
	if !a.dir.Exists() {
		state = p.Dim(" (not created yet)")
	}
	a.out("Work directory: %s%s\n", rel(a.dir.Dir), state)
	a.out("Done:           %d of %d exercises\n\n", done, total)
	switch e := a.current(s); {
	case total == 0:
		a.out("Next: %s to read the first lesson.\n", p.Code("workbook read 1"))
	case !a.dir.Exists():
		a.out("Next: %s writes the exercises into %s; then %s.\n", p.Code("workbook init"), rel(a.dir.Dir), p.Code("workbook watch"))
	case e == nil:
		a.out("Every exercise is done. Compare with the reference solutions: %s.\n", p.Code("workbook solution EXERCISE"))
	default:
		a.out("Next: exercise %s (lesson %d, %s).\n", p.Strong(e.ID), e.Lesson.Num, p.Code(fmt.Sprintf("workbook read %d", e.Lesson.Num)))
		a.out("      Edit %s, then %s, or keep %s running.\n", rel(a.dir.File(e)), p.Code("workbook check"), p.Code("workbook watch"))
	}
	return nil
}

func cmdList(a *app, _ *cmdOpts, args []string) error {
	if len(args) > 0 {
		return usageError("list takes no arguments")
	}
	s, err := a.loadProgress()
	if err != nil {
		return err
	}
	a.printList(s)
	return nil
}

func (a *app) printList(s *progress.State) {
	p := a.p
	cur := a.current(s)
	for i, l := range a.cat.Lessons {
		if i > 0 {
			a.out("\n")
		}
		a.out("%2d. %s  %s\n", l.Num, p.Strong(l.Title()), p.Dim(l.Slug))
		if n := len(l.Examples()); n > 0 {
			a.out("      %s\n", p.Dim(fmt.Sprintf("%s: workbook run %d", plural(n, "example"), l.Num)))
		}
		ex := l.Exercises()
		width := 0
		for _, e := range ex {
			width = max(width, len(e.Ex.Name))
		}
		for _, e := range ex {
			mark, note := "·", ""
			switch {
			case s.IsDone(e.ID):
				mark = p.Pass("✓")
			case cur != nil && cur.ID == e.ID:
				mark = p.Warn("→")
			}
			if cur != nil && cur.ID == e.ID {
				note = p.Dim("  (current)")
			}
			a.out("    %s %s  %s%s\n", mark, e.Ex.Name+strings.Repeat(" ", width-len(e.Ex.Name)), e.Title(), note)
		}
	}
	done, total := counts(a.cat, s)
	a.out("\n%d of %d exercises done.\n", done, total)
}

func cmdRead(a *app, _ *cmdOpts, args []string) error {
	if len(args) != 1 {
		return usageError("which lesson? (1 to %d, or a name from `workbook list`)", len(a.cat.Lessons))
	}
	l, err := a.cat.Lesson(args[0])
	if err != nil {
		return err
	}
	if err := renderMarkdown(a.env.Stdout, l.Doc.Markdown, l.Doc, a.p, a.env.Width); err != nil {
		return err
	}
	var tips []string
	if len(l.Examples()) > 0 {
		tips = append(tips, fmt.Sprintf("run the examples: workbook run %d", l.Num))
	}
	for _, e := range l.Exercises() {
		tips = append(tips, fmt.Sprintf("exercise %s: workbook check %s", e.Ex.Name, e.ID))
	}
	if len(tips) > 0 {
		a.out("\n%s\n", a.p.Dim("─── "+strings.Join(tips, " · ")))
	}
	return nil
}

// lineEnder remembers whether the last byte written was a newline.
type lineEnder struct {
	w    io.Writer
	last byte
}

func (l *lineEnder) Write(b []byte) (int, error) {
	if len(b) > 0 {
		l.last = b[len(b)-1]
	}
	return l.w.Write(b)
}

func cmdRun(a *app, _ *cmdOpts, args []string) error {
	if len(args) < 1 || len(args) > 2 {
		return usageError("which lesson? (and optionally which program)")
	}
	l, err := a.cat.Lesson(args[0])
	if err != nil {
		return err
	}
	progs := l.Examples()
	if len(args) == 2 {
		var found *lessons.Program
		for _, p := range l.Doc.Programs {
			if p.Name == args[1] {
				found = p
			}
		}
		switch {
		case found == nil:
			var names []string
			for _, p := range progs {
				names = append(names, p.Name)
			}
			return fmt.Errorf("lesson %d has no program %q; its examples are: %s", l.Num, args[1], strings.Join(names, ", "))
		case found.Exercise != "" || found.Role != lessons.RoleExample:
			return fmt.Errorf("%q is part of exercise %s: use `workbook check %s/%s`", args[1], found.Exercise, l.Slug, found.Exercise)
		}
		progs = []*lessons.Program{found}
	}
	if len(progs) == 0 {
		a.out("Lesson %d has no examples to run.\n", l.Num)
		return nil
	}
	c, release, err := a.checker()
	if err != nil {
		return err
	}
	defer release()
	p := a.p
	var pass, fail, skipped int
	for _, prog := range progs {
		if err := a.ctx.Err(); err != nil {
			return err
		}
		where := a.learnerText(fmt.Sprintf("%s:%d", prog.File, prog.Line))
		if prog.Mode == lessons.ModeSkip {
			a.out("%s %s  %s\n", p.Dim("- SKIP"), prog.Name, p.Dim(where))
			skipped++
			continue
		}
		what := ""
		switch prog.Mode {
		case lessons.ModeCompile:
			what = " (build only)"
		case lessons.ModeCompileFail:
			what = " (must not compile)"
		}
		a.out("%s %s%s  %s\n", p.H2("▶"), p.Strong(prog.Name), what, p.Dim(where))
		le := &lineEnder{w: a.raw(), last: '\n'} // the program's own output, as it printed it
		res, err := safeCheck(a.ctx, c, prog, lessons.Resolve(prog, l.Doc.Defaults, lessons.CommandLine{}), le)
		if le.last != '\n' {
			a.out("\n")
		}
		switch {
		case err != nil:
			a.out("%s %s: %v\n", p.Fail("! ERROR"), prog.Name, err)
			fail++
		case res.Pass:
			a.out("%s %s\n", p.Pass("✓ PASS"), prog.Name)
			a.printNotes(res)
			pass++
		default:
			a.out("%s %s\n", p.Fail("✗ FAIL"), prog.Name)
			a.printResult(res)
			fail++
		}
		a.out("\n")
	}
	a.out("%d passed, %d failed, %d skipped\n", pass, fail, skipped)
	if fail > 0 {
		return errSilent
	}
	return nil
}

func cmdInit(a *app, _ *cmdOpts, args []string) error {
	if len(args) > 0 {
		return usageError("init takes no arguments (use --dir to choose the work directory)")
	}
	res, err := a.dir.Init(a.cat)
	if err != nil {
		return err
	}
	d := rel(a.dir.Dir)
	switch {
	case len(res.Written) > 0 && len(res.Kept) > 0:
		a.out("Wrote %d new files into %s; kept your %d existing files untouched.\n", len(res.Written), d, len(res.Kept))
	case len(res.Written) > 0:
		a.out("Wrote %d files into %s.\n", len(res.Written), d)
	default:
		a.out("%s is up to date: every file is already there (nothing is ever overwritten).\n", d)
	}
	for _, f := range res.Written {
		a.out("  + %s\n", rel(f))
	}
	s, err := a.loadProgress()
	if err != nil {
		return err
	}
	if e := a.current(s); e != nil {
		a.out("\nNext: edit %s, then run %s (or keep %s running).\n", rel(a.dir.File(e)), a.p.Code("workbook check"), a.p.Code("workbook watch"))
	}
	return nil
}

func cmdCheck(a *app, o *cmdOpts, args []string) error {
	if o.checkJSON {
		return cmdCheckJSON(a, o, args)
	}
	s, err := a.loadProgress()
	if err != nil {
		return err
	}
	if o.all {
		if len(args) > 0 {
			return usageError("--all takes no exercise")
		}
		c, release, err := a.checker()
		if err != nil {
			return err
		}
		defer release()
		return a.checkAll(c)
	}
	var e *exercise
	if len(args) == 0 {
		e = a.firstNotDone(s)
		if e == nil {
			a.out("Every exercise is done! Check one again with %s, or all with %s.\n", a.p.Code("workbook check EXERCISE"), a.p.Code("workbook check --all"))
			return nil
		}
	} else if e, err = a.exerciseArg(args, s); err != nil {
		return err
	}
	c, release, err := a.checker()
	if err != nil {
		return err
	}
	defer release()
	o2 := checkFile(a.ctx, c, e, rel(a.dir.File(e)), nil)
	a.printOutcome(o2)
	s, newly, err := a.record(o2)
	if err != nil {
		return err
	}
	a.advise(o2, s, newly)
	if o2.Status != statusPass {
		return errSilent
	}
	return nil
}

// record stores an outcome in progress: the exercise becomes the current
// one, and done when it passed. It reports whether it was newly done.
func (a *app) record(o outcome) (*progress.State, bool, error) {
	e := o.Exercise
	newly := false
	s, err := a.updateProgress(func(s *progress.State) error {
		s.Current = e.ID
		if o.Status == statusPass {
			newly = s.MarkDone(e.ID, a.env.Now())
		}
		return nil
	})
	return s, newly, err
}

// advise tells the learner what to do after a check.
func (a *app) advise(o outcome, s *progress.State, newly bool) {
	e := o.Exercise
	p := a.p
	switch {
	case o.Status == statusPass && newly:
		done, total := counts(a.cat, s)
		a.out("Exercise %s done: %d of %d. Compare with the reference solution: %s\n", e.ID, done, total, p.Code("workbook solution "+e.ID))
		if next := a.nextNotDone(s, e); next != nil {
			a.out("Next: %s\n", p.Code("workbook check "+next.ID))
		} else {
			a.out("That was the last one: every exercise is done!\n")
		}
	case o.Status == statusFail:
		if left := len(e.Ex.Hints) - s.HintsUsed(e.ID); left > 0 {
			a.out("Stuck? %s (%d of %d hints left)\n", p.Code("workbook hint "+e.ID), left, len(e.Ex.Hints))
		}
	}
}

// checkAll checks every exercise in order, recording those that pass.
func (a *app) checkAll(c Checker) error {
	failed := 0
	for _, e := range a.cat.Exercises() {
		if err := a.ctx.Err(); err != nil {
			return err
		}
		o := checkFile(a.ctx, c, e, rel(a.dir.File(e)), nil)
		p := a.p
		switch o.Status {
		case statusPass:
			a.out("%s %s\n", p.Pass("✓"), e.ID)
			if _, err := a.updateProgress(func(s *progress.State) error {
				s.MarkDone(e.ID, a.env.Now())
				return nil
			}); err != nil {
				return err
			}
		case statusFail:
			failed++
			reason, _ := a.learnerResult(o.Result)
			reason = strings.SplitN(reason, "\n", 2)[0]
			a.out("%s %s  %s\n", p.Fail("✗"), e.ID, p.Dim(reason))
		case statusMissing:
			failed++
			a.out("%s %s  %s\n", p.Warn("·"), e.ID, p.Dim("missing: "+rel(o.File)))
		default:
			failed++
			a.out("%s %s  %s\n", p.Fail("!"), e.ID, p.Dim(o.Err.Error()))
		}
	}
	if failed > 0 {
		return errSilent
	}
	return nil
}

func cmdHint(a *app, o *cmdOpts, args []string) error {
	s, err := a.loadProgress()
	if err != nil {
		return err
	}
	e, err := a.exerciseArg(args, s)
	if err != nil {
		return err
	}
	return a.showHint(e, o.all)
}

// showHint reveals the next hint of e (every hint when all), records it and
// prints it.
func (a *app) showHint(e *exercise, all bool) error {
	hints := e.Ex.Hints
	if len(hints) == 0 {
		a.out("Exercise %s has no hints. Read the lesson again: %s\n", e.ID, a.p.Code(fmt.Sprintf("workbook read %d", e.Lesson.Num)))
		return nil
	}
	s, err := a.loadProgress()
	if err != nil {
		return err
	}
	before := s.HintsUsed(e.ID)
	s, err = a.updateProgress(func(s *progress.State) error {
		if all {
			s.SetHints(e.ID, len(hints))
		} else {
			s.RevealHint(e.ID, len(hints))
		}
		return nil
	})
	if err != nil {
		return err
	}
	n := s.HintsUsed(e.ID)
	from := n - 1
	if all || before == n {
		from = 0
	}
	for i := from; i < n; i++ {
		a.out("%s\n", a.p.Strong(fmt.Sprintf("Hint %d of %d for %s:", i+1, len(hints), e.ID)))
		for _, line := range strings.Split(strings.TrimRight(hints[i], "\n"), "\n") {
			a.out("    %s\n", line)
		}
		if i < n-1 {
			a.out("\n")
		}
	}
	switch {
	case n < len(hints):
		a.out("\n%s\n", a.p.Dim(fmt.Sprintf("%d more: workbook hint %s", len(hints)-n, e.ID)))
	case before == n && !all:
		a.out("\n%s\n", a.p.Dim("That is every hint. The reference solution opens once your program passes."))
	}
	return nil
}

func cmdSolution(a *app, _ *cmdOpts, args []string) error {
	if len(args) != 1 {
		return usageError("which exercise?")
	}
	e, err := a.cat.Exercise(args[0])
	if err != nil {
		return err
	}
	s, err := a.loadProgress()
	if err != nil {
		return err
	}
	if !s.IsDone(e.ID) {
		msg := fmt.Sprintf("The solution of %s opens once your program passes: %s.", e.ID, a.p.Code("workbook check "+e.ID))
		if left := len(e.Ex.Hints) - s.HintsUsed(e.ID); left > 0 {
			msg += fmt.Sprintf("\n%d of %d hints left: %s.", left, len(e.Ex.Hints), a.p.Code("workbook hint "+e.ID))
		}
		a.out("%s\n", msg)
		return errSilent
	}
	if e.Ex.Solution == nil {
		a.out("Exercise %s has no reference solution: yours is the one!\n", e.ID)
		return nil
	}
	a.out("%s\n\n", a.p.Dim(a.learnerText(fmt.Sprintf("// Reference solution of %s (%s:%d)", e.ID, e.Ex.Solution.File, e.Ex.Solution.Line))))
	a.out("%s", plainSource(e.Ex.Solution))
	return nil
}

func cmdReset(a *app, o *cmdOpts, args []string) error {
	if len(args) != 1 {
		return usageError("which exercise?")
	}
	e, err := a.cat.Exercise(args[0])
	if err != nil {
		return err
	}
	file := a.dir.File(e)
	if _, err := os.Lstat(file); err == nil && !o.yes {
		if !a.env.Interactive {
			return fmt.Errorf("reset replaces %s with the starter; add --yes to confirm (your file is kept as a timestamped backup next to it)", rel(file))
		}
		a.out("Reset %s? %s is moved to a timestamped backup next to it and the starter written again. [y/N] ", e.ID, rel(file))
		line, _ := bufio.NewReader(a.env.Stdin).ReadString('\n')
		if ans := strings.ToLower(strings.TrimSpace(line)); ans != "y" && ans != "yes" {
			a.out("Nothing changed.\n")
			return nil
		}
	}
	backup, err := a.dir.Reset(e, a.env.Now())
	if err != nil {
		return err
	}
	if backup != "" {
		a.out("Your file is kept as %s.\n", rel(backup))
	}
	a.out("Wrote the starter of %s to %s.\n", e.ID, rel(file))
	return nil
}

func cmdProgress(a *app, _ *cmdOpts, args []string) error {
	if len(args) > 0 {
		return usageError("progress takes no arguments")
	}
	s, err := a.loadProgress()
	if err != nil {
		return err
	}
	done, total := counts(a.cat, s)
	pct := 0
	if total > 0 {
		pct = done * 100 / total
	}
	p := a.p
	a.out("%d of %d exercises done (%d%%)  %s\n\n", done, total, pct, p.Dim(rel(a.store.Path())))
	width := 0
	for _, e := range a.cat.Exercises() {
		width = max(width, len(e.ID))
	}
	hintsUsed := 0
	for _, e := range a.cat.Exercises() {
		mark, when := "·", ""
		if t, ok := s.Done[e.ID]; ok {
			loc := a.env.Location
			if loc == nil {
				loc = time.Local
			}
			mark, when = p.Pass("✓"), "done "+t.In(loc).Format("2006-01-02 15:04")
		}
		hints := ""
		if n := len(e.Ex.Hints); n > 0 {
			hints = fmt.Sprintf("hints %d/%d", s.HintsUsed(e.ID), n)
			hintsUsed += s.HintsUsed(e.ID)
		}
		a.out("  %s %s  %-22s %s\n", mark, e.ID+strings.Repeat(" ", width-len(e.ID)), when, hints)
	}
	a.out("\nHints used: %d\n", hintsUsed)
	if e := a.current(s); e != nil {
		a.out("Current:    %s\n", e.ID)
	}
	return nil
}

// plural returns "1 thing" or "n things".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}
