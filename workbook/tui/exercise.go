package tui

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/ppworkbook/workbook/workbook/learn"
)

// exerciseState is the exercise screen: the verdict on the learner's
// file (checked again on every save), the hints revealed, the task, the
// file itself, and the solution once it passes.
type exerciseState struct {
	ex       learn.Exercise
	lesson   learn.Lesson
	verdict  *learn.Verdict
	checking int                // the check under way, 0 when none
	cancel   context.CancelFunc // stops the check under way
	err      error
	hints    int // hints revealed (remembered in progress)
	done     bool
	solution string // shown once asked for, after a pass
	top      int
	note     string // what opening the exercise did (init)
	// The task as laid out for taskWidth columns.
	taskLines []string
	taskWidth int
}

// openExercise shows exercise id, writing the exercises into the work
// directory first when they are not there (init never overwrites).
func (m *Model) openExercise(id string) tea.Cmd {
	m.stopWork()
	e, err := m.wb.Exercise(id)
	if err != nil {
		m.status = err.Error()
		return nil
	}
	l, _ := m.lessonByNum(e.Lesson)
	x := &exerciseState{ex: e, lesson: l}
	if !m.wb.WorkDirExists() || !exists(e.File) {
		msg, err := m.wb.Init()
		if err != nil {
			m.status = "Could not write the exercises: " + err.Error()
			return nil
		}
		x.note = strings.Replace(msg, m.wb.WorkDir(), m.wb.Rel(m.wb.WorkDir()), 1)
	}
	s, _, err := m.wb.Progress()
	if err == nil {
		x.hints = s.HintsUsed(e.ID)
		x.done = s.IsDone(e.ID)
	}
	m.exercise = x
	m.screen = screenExercise
	if _, err := m.wb.Update(func(s *progressState) { s.Current = e.ID }); err != nil {
		m.status = err.Error()
	}
	return tea.Batch(m.watch(), x.start(m))
}

func (x *exerciseState) folder() string { return filepath.Dir(x.ex.File) }

// checkedMsg is a check of the learner's file, finished.
type checkedMsg struct {
	seq int
	id  string
	v   learn.Verdict
	err error
}

// start checks the learner's file; a check under way is superseded.
func (x *exerciseState) start(m *Model) tea.Cmd {
	x.stop()
	m.seq++
	ctx, cancel := context.WithCancel(m.ctx)
	seq, wb, id := m.seq, m.wb, x.ex.ID
	x.checking, x.cancel = seq, cancel
	return func() tea.Msg {
		v, err := wb.Check(ctx, id)
		return checkedMsg{seq: seq, id: id, v: v, err: err}
	}
}

// stop cancels the check under way, if any: a newer save replaces it, or
// the learner left the exercise.
func (x *exerciseState) stop() {
	if x.cancel != nil {
		x.cancel()
		x.cancel = nil
	}
}

func (x *exerciseState) checked(m *Model, msg checkedMsg) tea.Cmd {
	if msg.seq != x.checking || msg.id != x.ex.ID {
		return nil
	}
	x.checking = 0
	x.stop()
	x.err = msg.err
	if msg.err == nil {
		v := msg.v
		x.verdict = &v
		if v.Pass {
			x.done = true
		}
		if v.NewlyDone {
			m.status = "Done! s shows the reference solution; n goes to the next exercise."
		}
	}
	x.top = 0
	return nil
}

func (x *exerciseState) key(m *Model, k tea.KeyMsg) tea.Cmd {
	h := max(m.height-3, 1)
	switch {
	case key.Matches(k, m.keys.Back):
		m.goHome()
	case key.Matches(k, m.keys.Edit):
		return m.edit(x.ex.File)
	case key.Matches(k, m.keys.Hint):
		if len(x.ex.Hints) == 0 {
			m.status = "This exercise has no hints: l reads the lesson again."
			return nil
		}
		if x.hints >= len(x.ex.Hints) {
			m.status = "That is every hint. The solution opens once your program passes."
			return nil
		}
		n, err := m.wb.RevealHint(x.ex.ID)
		if err != nil {
			m.status = err.Error()
			return nil
		}
		x.hints = n
		x.top = 0
	case key.Matches(k, m.keys.Solution):
		if !x.done {
			m.status = "The solution opens once your program passes."
			return nil
		}
		sol, err := m.wb.Solution(x.ex.ID)
		if err != nil {
			m.status = err.Error()
			return nil
		}
		x.solution = sol
	case key.Matches(k, m.keys.Check):
		return x.start(m)
	case key.Matches(k, m.keys.Lesson):
		m.remember()
		x.stop()
		return m.openReader(x.ex.Lesson, x.ex.MDLine)
	case key.Matches(k, m.keys.Next):
		if !x.done {
			m.status = "n moves on once this exercise passes (h gives a hint)."
			return nil
		}
		s, _, err := m.wb.Progress()
		if err != nil {
			m.status = err.Error()
			return nil
		}
		next := ""
		found := false
		for _, l := range m.wb.Lessons() {
			for _, e := range l.Exercises {
				if found && next == "" && !s.IsDone(e.ID) {
					next = e.ID
				}
				if e.ID == x.ex.ID {
					found = true
				}
			}
		}
		if next == "" {
			m.status = "That was the last exercise not done. Well done!"
			return nil
		}
		return m.openExercise(next)
	case key.Matches(k, m.keys.Down):
		x.top++
	case key.Matches(k, m.keys.Up):
		x.top = max(x.top-1, 0)
	case key.Matches(k, m.keys.PageDown):
		x.top += h
	case key.Matches(k, m.keys.PageUp):
		x.top = max(x.top-h, 0)
	case key.Matches(k, m.keys.Top):
		x.top = 0
	}
	return nil
}

// editedMsg says the editor has returned.
type editedMsg struct{ err error }

// edit opens file in $VISUAL or $EDITOR, giving it the terminal; the
// save watcher checks the file once it is saved.
func (m *Model) edit(file string) tea.Cmd {
	args := strings.Fields(m.opts.Editor)
	if len(args) == 0 {
		m.status = "Set $EDITOR (or $VISUAL) to your editor, or edit the file in another window: each save is checked."
		return nil
	}
	cmd := exec.CommandContext(m.ctx, args[0], append(args[1:], file)...)
	return tea.ExecProcess(cmd, func(err error) tea.Msg { return editedMsg{err: err} })
}

func (x *exerciseState) view(m *Model) (string, string, []string, []key.Binding) {
	st := m.st
	w := m.width - 2
	title := fmt.Sprintf("Exercise %s · %s", x.ex.Name, x.ex.Title)
	right := fmt.Sprintf("lesson %d", x.ex.Lesson)
	var body []string
	add := func(lines ...string) {
		for _, l := range lines {
			body = append(body, " "+l)
		}
	}
	if x.note != "" {
		add(wrap(st.dim.Render(x.note), w)...)
	}
	switch {
	case x.checking != 0 && x.verdict == nil:
		add(st.dim.Render("⋯ checking your program…"))
	case x.err != nil:
		add(st.fail.Render("! could not check: ") + x.err.Error())
	case x.verdict != nil:
		v := x.verdict
		again := ""
		if x.checking != 0 {
			again = st.dim.Render("  ⋯ checking again…")
		}
		switch v.Status {
		case "pass":
			add(st.pass.Render("✓ PASS")+"  your program does what the exercise asks"+again, "")
			if x.solution != "" {
				add(st.h.Render("Reference solution"))
				for _, l := range m.wb.Highlight(strings.TrimRight(x.solution, "\n")) {
					add("  " + l)
				}
			} else {
				add(st.dim.Render("s shows the reference solution; n goes to the next exercise."))
			}
		case "fail":
			add(st.fail.Render("✗ FAIL") + again)
			add(wrap(v.Message, w)...)
			for _, l := range strings.Split(v.Detail, "\n") {
				if l != "" {
					add(l)
				}
			}
		default:
			add(st.fail.Render("! "+v.Status) + "  " + v.Message + again)
		}
	}
	add("")
	for i := 0; i < x.hints && i < len(x.ex.Hints); i++ {
		add(st.h.Render(fmt.Sprintf("Hint %d of %d", i+1, len(x.ex.Hints))))
		for _, l := range wrap(strings.TrimRight(x.ex.Hints[i], "\n"), w-2) {
			add("  " + l)
		}
	}
	if x.hints > 0 {
		add("")
	}
	if task := x.task(m); len(task) > 0 {
		add(st.h.Render("Task"))
		body = append(body, task...)
		add("")
	}
	add(st.h.Render("Your file ") + st.dim.Render(m.wb.Rel(x.ex.File)))
	src, err := m.wb.ReadFile(x.ex.File)
	if err != nil {
		add(st.fail.Render(err.Error()))
	} else {
		lines := m.wb.Highlight(strings.TrimRight(src, "\n"))
		digits := len(fmt.Sprint(len(lines)))
		marked := x.markedLines()
		for i, l := range lines {
			num := st.dim.Render(fmt.Sprintf("%*d │ ", digits, i+1))
			if marked[i+1] {
				// A line the verdict names.
				num = st.fail.Render(fmt.Sprintf("%*d ▶ ", digits, i+1))
			}
			add(num + strings.ReplaceAll(l, "\t", "    "))
		}
	}
	h := max(m.height-3, 1)
	x.top = min(x.top, max(len(body)-h, 0))
	body = body[x.top:]
	keys := []key.Binding{m.keys.Edit, m.keys.Hint, m.keys.Check, m.keys.Lesson}
	if x.done {
		keys = []key.Binding{m.keys.Solution, m.keys.Next, m.keys.Edit, m.keys.Lesson}
	}
	return title, right, append(body, ""), append(keys, m.keys.Back)
}

// task is the prose of the exercise's section in the lesson, from its
// heading to the starter.
func (x *exerciseState) task(m *Model) []string {
	if x.taskWidth != m.width {
		x.taskLines, x.taskWidth = x.layTask(m), m.width
	}
	return x.taskLines
}

func (x *exerciseState) layTask(m *Model) []string {
	pg, err := m.wb.Page(x.ex.Lesson, m.width-2)
	if err != nil {
		return nil
	}
	from, to := -1, -1
	for _, h := range pg.Headings {
		if h.MDLine <= x.ex.MDLine {
			from = h.Line + 1
		}
	}
	for _, b := range pg.Blocks {
		if b.Exercise == x.ex.Name && b.MDLine >= x.ex.MDLine {
			to = b.Line
			break
		}
	}
	if from < 0 || to < from {
		return nil
	}
	var out []string
	for _, l := range pg.Lines[from:to] {
		if strings.Trim(stripANSI(l), "─═ ") == "" && len(out) == 0 {
			continue // the heading's underline, blank lines
		}
		out = append(out, " "+l)
	}
	for len(out) > 0 && strings.TrimSpace(stripANSI(out[len(out)-1])) == "" {
		out = out[:len(out)-1]
	}
	return out
}

// markedLines are the lines of the learner's file that the verdict names
// ("main.go:11: ..." in its message or detail).
func (x *exerciseState) markedLines() map[int]bool {
	out := map[int]bool{}
	if x.verdict == nil || x.verdict.Pass {
		return out
	}
	name := regexp.QuoteMeta(filepath.Base(x.ex.File))
	re := regexp.MustCompile(`(?:^|[\s/])` + name + `:(\d+)`)
	for _, m := range re.FindAllStringSubmatch(x.verdict.Message+"\n"+x.verdict.Detail, -1) {
		if n, err := strconv.Atoi(m[1]); err == nil {
			out[n] = true
		}
	}
	return out
}
