package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/ppworkbook/workbook/workbook/learn"
	"github.com/ppworkbook/workbook/workbook/progress"
)

// homeState is the home screen: item 0 continues, then the lessons.
type homeState struct {
	cursor int
	state  *progress.State
	note   string // a damaged progress file, moved aside
	err    error
	resume string // where continue leads
}

func (m *Model) loadHome() {
	s, note, err := m.wb.Progress()
	m.home.state, m.home.note, m.home.err = s, note, err
	if s == nil {
		m.home.state = progress.New()
	}
	m.home.resume = m.resume()
}

// resume describes where "continue" leads.
func (m *Model) resume() string {
	s := m.home.state
	if p := s.Place; p != nil {
		switch {
		case p.Exercise != "":
			if e, err := m.wb.Exercise(p.Exercise); err == nil {
				return fmt.Sprintf("exercise %s: %s (lesson %d)", e.Name, e.Title, e.Lesson)
			}
		case p.Program != "":
			if l, ok := m.lessonBySlug(p.Lesson); ok {
				return fmt.Sprintf("the playground of %s (lesson %d)", p.Program, l.Num)
			}
		case p.Lesson != "":
			if l, ok := m.lessonBySlug(p.Lesson); ok {
				where := fmt.Sprintf("reading lesson %d %s", l.Num, l.Title)
				if sec := m.sectionAt(l, p.Line); sec != "" {
					where += ", at " + sec
				}
				return where
			}
		}
	}
	if e, ok := m.wb.Current(s); ok && len(s.Done) > 0 {
		return fmt.Sprintf("exercise %s: %s (lesson %d)", e.Name, e.Title, e.Lesson)
	}
	if ls := m.wb.Lessons(); len(ls) > 0 {
		return fmt.Sprintf("start with lesson 1 %s", ls[0].Title)
	}
	return ""
}

// sectionAt names the section of lesson l holding Markdown line line.
func (m *Model) sectionAt(l learn.Lesson, line int) string {
	pg, err := m.wb.Page(l.Num, 80)
	if err != nil {
		return ""
	}
	title := ""
	for _, h := range pg.Headings {
		if h.MDLine <= line && h.Level > 1 {
			title = h.Title
		}
	}
	return title
}

func (m *Model) homeKey(k tea.KeyMsg) tea.Cmd {
	n := len(m.wb.Lessons()) + 1
	switch {
	case key.Matches(k, m.keys.Up):
		m.home.cursor = (m.home.cursor + n - 1) % n
	case key.Matches(k, m.keys.Down):
		m.home.cursor = (m.home.cursor + 1) % n
	case key.Matches(k, m.keys.Continue):
		return m.continueWork()
	case key.Matches(k, m.keys.Open):
		if m.home.cursor == 0 {
			return m.continueWork()
		}
		return m.openReader(m.home.cursor, 0)
	}
	return nil
}

// continueWork opens the place the learner left, or what comes next.
func (m *Model) continueWork() tea.Cmd {
	s := m.home.state
	if p := s.Place; p != nil {
		switch {
		case p.Exercise != "":
			return m.openExercise(p.Exercise)
		case p.Program != "":
			if l, ok := m.lessonBySlug(p.Lesson); ok {
				return m.openPlayground(l, p.Program)
			}
		case p.Lesson != "":
			if l, ok := m.lessonBySlug(p.Lesson); ok {
				return m.openReader(l.Num, p.Line)
			}
		}
	}
	if e, ok := m.wb.Current(s); ok && len(s.Done) > 0 {
		return m.openExercise(e.ID)
	}
	return m.openReader(1, 0)
}

// goHome shows the home screen again, with fresh progress.
func (m *Model) goHome() {
	m.remember()
	m.stopWork()
	m.loadHome()
	m.screen = screenHome
}

func (m *Model) homeView() (string, string, []string, []key.Binding) {
	st := m.st
	s := m.home.state
	lessons := m.wb.Lessons()
	done, total := 0, 0
	for _, l := range lessons {
		for _, e := range l.Exercises {
			total++
			if s.IsDone(e.ID) {
				done++
			}
		}
	}
	var body []string
	barW := max(min(m.width-30, 40), 10)
	fill := 0
	if total > 0 {
		fill = done * barW / total
	}
	bar := st.pass.Render(strings.Repeat("█", fill)) + st.dim.Render(strings.Repeat("░", barW-fill))
	body = append(body, "", fmt.Sprintf("  %s  %d of %d exercises done", bar, done, total), "")
	item := func(i int, text string) string {
		if i == m.home.cursor {
			return st.cursor.Render("▸ ") + st.key.Render(text)
		}
		return "  " + text
	}
	body = append(body, item(0, "Continue: "+m.home.resume))
	if e, ok := m.wb.Current(s); ok && (s.Place == nil || s.Place.Exercise != e.ID) {
		body = append(body, "  "+st.dim.Render(fmt.Sprintf("Next exercise: %s, %s (lesson %d)", e.Name, e.Title, e.Lesson)))
	} else if !ok && total > 0 {
		body = append(body, "  "+st.pass.Render("Every exercise is done!"))
	}
	body = append(body, "")
	width := 0
	for _, l := range lessons {
		width = max(width, len([]rune(l.Title)))
	}
	for i, l := range lessons {
		d := 0
		for _, e := range l.Exercises {
			if s.IsDone(e.ID) {
				d++
			}
		}
		info := st.dim.Render("no exercises")
		if len(l.Exercises) > 0 {
			info = fmt.Sprintf("%d/%d exercises", d, len(l.Exercises))
			if d == len(l.Exercises) {
				info += " " + st.pass.Render("✓")
			}
		}
		title := l.Title + strings.Repeat(" ", width-len([]rune(l.Title)))
		body = append(body, item(i+1, fmt.Sprintf("%2d. %s  ", l.Num, title))+info)
	}
	body = append(body, "")
	where := m.wb.Rel(m.wb.WorkDir())
	if !m.wb.WorkDirExists() {
		where += st.dim.Render(" (written when you open an exercise)")
	}
	body = append(body, "  "+st.dim.Render("Your files: ")+where)
	if m.home.note != "" {
		body = append(body, "")
		body = append(body, wrap(st.warn.Render(m.home.note), m.width-2)...)
	}
	if m.home.err != nil {
		body = append(body, "", st.fail.Render("Progress: "+m.home.err.Error()))
	}
	return m.wb.Title(), "", body, []key.Binding{m.keys.Open, m.keys.Continue}
}

// stopWork cancels the check or run of the screen being left.
func (m *Model) stopWork() {
	if m.exercise != nil {
		m.exercise.stop()
	}
	if m.play != nil {
		m.play.stop()
	}
}
