package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/ppworkbook/workbook/workbook/learn"
	"github.com/ppworkbook/workbook/workbook/progress"
)

// readerState is the lesson reader: the rendered lesson with a cursor
// line, the results of the examples run so far shown below them.
type readerState struct {
	lesson learn.Lesson
	page   learn.Page
	// What is shown: the page with results inserted, and where its
	// headings and blocks now are.
	lines   []string
	heads   []learn.Heading
	blocks  []learn.Block
	results map[string][]string // by program: the lines shown below it
	running map[string]int      // by program: the run's sequence number

	cursor, top int
	searching   bool
	input       lineInput
	query       string
	toc         bool
	tocCursor   int
}

// openReader shows lesson num with the cursor at Markdown line mdLine
// (the top when 0).
func (m *Model) openReader(num, mdLine int) tea.Cmd {
	l, ok := m.lessonByNum(num)
	if !ok {
		m.status = fmt.Sprintf("There is no lesson %d.", num)
		return nil
	}
	if m.reader == nil || m.reader.lesson.Num != num {
		m.reader = &readerState{lesson: l, results: map[string][]string{}, running: map[string]int{}, input: lineInput{prompt: "/"}}
		m.reader.render(m)
	}
	if mdLine > 0 {
		m.reader.goToMD(m, mdLine)
	}
	m.screen = screenReader
	return nil
}

func (r *readerState) textWidth(m *Model) int { return max(m.width-2, 20) }

func (r *readerState) bodyHeight(m *Model) int { return max(m.height-3, 1) }

// render lays the lesson out for the current width.
func (r *readerState) render(m *Model) {
	pg, err := m.wb.Page(r.lesson.Num, r.textWidth(m))
	if err != nil {
		m.status = err.Error()
		return
	}
	r.page = pg
	r.rebuild()
}

// rebuild inserts the examples' results below their blocks.
func (r *readerState) rebuild() {
	after := map[int][]string{} // page line -> lines inserted before it
	for _, b := range r.page.Blocks {
		if !b.Runnable {
			continue
		}
		if res, ok := r.results[b.Program]; ok {
			after[b.End] = append(after[b.End], res...)
		}
	}
	shift := make([]int, len(r.page.Lines)+1)
	r.lines = r.lines[:0]
	for i := 0; i <= len(r.page.Lines); i++ {
		r.lines = append(r.lines, after[i]...)
		shift[i] = len(r.lines)
		if i < len(r.page.Lines) {
			r.lines = append(r.lines, r.page.Lines[i])
		}
	}
	r.heads = r.heads[:0]
	for _, h := range r.page.Headings {
		h.Line = shift[h.Line]
		r.heads = append(r.heads, h)
	}
	r.blocks = r.blocks[:0]
	for _, b := range r.page.Blocks {
		// A block's end stays before the lines inserted after it.
		b.Line, b.End = shift[b.Line], shift[b.End-1]+1
		r.blocks = append(r.blocks, b)
	}
}

// relayout renders again for a new width, keeping the cursor's place.
func (r *readerState) relayout(m *Model) {
	md := r.mdLine()
	r.render(m)
	if md > 0 {
		r.goToMD(m, md)
	}
	r.clamp(m)
}

// mdLine is the Markdown line of the heading or block at or above the
// cursor.
func (r *readerState) mdLine() int {
	md := 0
	for _, h := range r.heads {
		if h.Line <= r.cursor {
			md = max(md, h.MDLine)
		}
	}
	for _, b := range r.blocks {
		if b.Line <= r.cursor {
			md = max(md, b.MDLine)
		}
	}
	return md
}

// goToMD puts the cursor, at the top of the screen, on the last heading
// or block starting at or before Markdown line md.
func (r *readerState) goToMD(m *Model, md int) {
	best, line := 0, 0
	for _, h := range r.heads {
		if h.MDLine <= md && h.MDLine >= best {
			best, line = h.MDLine, h.Line
		}
	}
	for _, b := range r.blocks {
		if b.MDLine <= md && b.MDLine >= best {
			best, line = b.MDLine, b.Line
		}
	}
	r.cursor, r.top = line, line
	r.clamp(m)
}

func (r *readerState) place() *progress.Place {
	return &progress.Place{Lesson: r.lesson.Slug, Line: r.mdLine()}
}

// clamp keeps the cursor in the text and on the screen.
func (r *readerState) clamp(m *Model) {
	h := r.bodyHeight(m)
	r.cursor = max(min(r.cursor, len(r.lines)-1), 0)
	if r.cursor < r.top {
		r.top = r.cursor
	}
	if r.cursor >= r.top+h {
		r.top = r.cursor - h + 1
	}
	r.top = max(min(r.top, len(r.lines)-h), 0)
}

// blockAt returns the runnable example under the cursor: the one whose
// block holds it, else the last one above it in its section, else the
// first one below it on the screen.
func (r *readerState) blockAt(m *Model, cursor int) (learn.Block, bool) {
	for _, b := range r.blocks {
		if b.Runnable && b.Line <= cursor && cursor < b.End {
			return b, true
		}
	}
	section := 0
	for _, h := range r.heads {
		if h.Line <= cursor {
			section = h.Line
		}
	}
	var found learn.Block
	ok := false
	for _, b := range r.blocks {
		if b.Runnable && b.Line >= section && b.Line <= cursor {
			found, ok = b, true
		}
	}
	if ok {
		return found, true
	}
	for _, b := range r.blocks {
		if b.Runnable && b.Line > cursor && b.Line < r.top+r.bodyHeight(m) {
			return b, true
		}
	}
	return learn.Block{}, false
}

func (r *readerState) key(m *Model, k tea.KeyMsg) tea.Cmd {
	if r.searching {
		return r.searchKey(m, k)
	}
	if r.toc {
		return r.tocKey(m, k)
	}
	h := r.bodyHeight(m)
	switch {
	case key.Matches(k, m.keys.Back):
		m.goHome()
		return nil
	case key.Matches(k, m.keys.Up):
		r.cursor--
	case key.Matches(k, m.keys.Down):
		r.cursor++
	case key.Matches(k, m.keys.PageDown):
		r.cursor += h
		r.top += h
	case key.Matches(k, m.keys.PageUp):
		r.cursor -= h
		r.top -= h
	case key.Matches(k, m.keys.Top):
		r.cursor, r.top = 0, 0
	case key.Matches(k, m.keys.Bottom):
		r.cursor = len(r.lines) - 1
	case key.Matches(k, m.keys.NextExample), key.Matches(k, m.keys.PrevExample):
		next := key.Matches(k, m.keys.NextExample)
		target := -1
		for _, b := range r.blocks {
			if !b.Runnable {
				continue
			}
			if next && b.Line > r.cursor && target < 0 {
				target = b.Line
			}
			if !next && b.Line < r.cursor {
				target = b.Line
			}
		}
		if target < 0 {
			m.status = "No more examples that way."
			return nil
		}
		r.cursor = target
		if next {
			r.top = target - 2
		}
	case key.Matches(k, m.keys.Run):
		return r.run(m)
	case key.Matches(k, m.keys.Try):
		b, ok := r.blockAt(m, r.cursor)
		if !ok {
			m.status = "Put the cursor on an example (] goes to the next one)."
			return nil
		}
		return m.openPlayground(r.lesson, b.Program)
	case key.Matches(k, m.keys.Exercise):
		return r.openExercise(m)
	case key.Matches(k, m.keys.Contents):
		if len(r.heads) == 0 {
			m.status = "This lesson has no headings."
			return nil
		}
		r.toc = true
		r.tocCursor = 0
		for i, hd := range r.heads {
			if hd.Line <= r.cursor {
				r.tocCursor = i
			}
		}
	case key.Matches(k, m.keys.Search):
		r.searching = true
		r.input.set("")
		return nil
	case key.Matches(k, m.keys.NextMatch):
		r.find(m, r.query, true)
	case key.Matches(k, m.keys.PrevMatch):
		r.find(m, r.query, false)
	}
	r.clamp(m)
	return nil
}

func (r *readerState) searchKey(m *Model, k tea.KeyMsg) tea.Cmd {
	switch k.Type {
	case tea.KeyEsc:
		r.searching = false
		return nil
	case tea.KeyEnter:
		r.searching = false
		r.query = r.input.text()
		r.find(m, r.query, true)
		return nil
	}
	r.input.key(k)
	return nil
}

// find moves the cursor to the next (or previous) line holding q, case
// ignored, wrapping round.
func (r *readerState) find(m *Model, q string, forward bool) {
	if q == "" {
		m.status = "Search with / first."
		return
	}
	lq := strings.ToLower(q)
	n := len(r.lines)
	for i := 1; i <= n; i++ {
		j := r.cursor - i
		if forward {
			j = r.cursor + i
		}
		j = ((j % n) + n) % n
		if strings.Contains(strings.ToLower(ansi.Strip(r.lines[j])), lq) {
			r.cursor = j
			r.clamp(m)
			m.status = fmt.Sprintf("%q: line %d of %d (n next, N previous)", q, j+1, n)
			return
		}
	}
	m.status = fmt.Sprintf("%q is not in this lesson.", q)
}

func (r *readerState) tocKey(m *Model, k tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(k, m.keys.Back), key.Matches(k, m.keys.Contents):
		r.toc = false
	case key.Matches(k, m.keys.Up):
		r.tocCursor = max(r.tocCursor-1, 0)
	case key.Matches(k, m.keys.Down):
		r.tocCursor = min(r.tocCursor+1, len(r.heads)-1)
	case key.Matches(k, m.keys.Open):
		r.toc = false
		r.cursor, r.top = r.heads[r.tocCursor].Line, r.heads[r.tocCursor].Line
		r.clamp(m)
	case key.Matches(k, m.keys.Quit):
		r.toc = false
	}
	return nil
}

// openExercise opens the exercise under the cursor, else the lesson's
// first exercise not done.
func (r *readerState) openExercise(m *Model) tea.Cmd {
	for _, b := range r.blocks {
		if b.Exercise != "" && b.Line <= r.cursor && r.cursor < b.End {
			return m.openExercise(r.lesson.Slug + "/" + b.Exercise)
		}
	}
	if len(r.lesson.Exercises) == 0 {
		m.status = "This lesson has no exercises."
		return nil
	}
	s, _, _ := m.wb.Progress()
	for _, e := range r.lesson.Exercises {
		if s == nil || !s.IsDone(e.ID) {
			return m.openExercise(e.ID)
		}
	}
	return m.openExercise(r.lesson.Exercises[0].ID)
}

// ranMsg is an example's run, finished.
type ranMsg struct {
	seq     int
	program string
	v       learn.Verdict
	err     error
}

// run runs the example under the cursor; its output and verdict appear
// below it.
func (r *readerState) run(m *Model) tea.Cmd {
	b, ok := r.blockAt(m, r.cursor)
	if !ok {
		m.status = "Put the cursor on an example (] goes to the next one)."
		return nil
	}
	m.seq++
	seq, num, ctx, wb := m.seq, r.lesson.Num, m.ctx, m.wb
	r.running[b.Program] = seq
	r.results[b.Program] = []string{"    " + m.st.dim.Render("⋯ running "+b.Program+"…")}
	r.rebuild()
	r.clamp(m)
	return func() tea.Msg {
		v, err := wb.RunExample(ctx, num, b.Program)
		return ranMsg{seq: seq, program: b.Program, v: v, err: err}
	}
}

func (r *readerState) ran(m *Model, msg ranMsg) {
	if r.running[msg.program] != msg.seq {
		return // a later run of the same example replaced it
	}
	delete(r.running, msg.program)
	st := m.st
	w := r.textWidth(m) - 6
	out := []string{"    " + st.dim.Render("┌─ output of "+msg.program)}
	if msg.err != nil {
		out = append(out, "    "+st.fail.Render("└─ could not run: ")+msg.err.Error())
		r.results[msg.program] = out
		r.rebuild()
		return
	}
	text := strings.TrimRight(msg.v.Output, "\n")
	if text == "" {
		out = append(out, "    "+st.dim.Render("│ (nothing)"))
	}
	for _, l := range strings.Split(text, "\n") {
		if text == "" {
			break
		}
		out = append(out, "    "+st.dim.Render("│ ")+ansi.Strip(strings.ReplaceAll(l, "\t", "    ")))
	}
	if msg.v.Pass {
		out = append(out, "    "+st.dim.Render("└─ ")+st.pass.Render("✓ PASS")+" it printed what the lesson says")
		m.status = msg.program + " passed."
	} else {
		out = append(out, "    "+st.dim.Render("└─ ")+st.fail.Render("✗ FAIL"))
		for _, l := range wrap(msg.v.Message, w) {
			out = append(out, "       "+l)
		}
		for _, l := range strings.Split(msg.v.Detail, "\n") {
			if l != "" {
				out = append(out, "       "+l)
			}
		}
		m.status = msg.program + " failed."
	}
	r.results[msg.program] = out
	r.rebuild()
	r.clamp(m)
}

func (r *readerState) view(m *Model) (string, string, []string, []key.Binding) {
	st := m.st
	h := r.bodyHeight(m)
	title := fmt.Sprintf("Lesson %d · %s", r.lesson.Num, r.lesson.Title)
	pct := 100
	if len(r.lines) > h {
		pct = min(100, (r.top+h)*100/len(r.lines))
	}
	right := fmt.Sprintf("%d%%", pct)
	keys := []key.Binding{m.keys.NextExample, m.keys.Run, m.keys.Try, m.keys.Exercise, m.keys.Contents, m.keys.Search}
	if r.toc {
		body := []string{st.h.Render("Contents"), ""}
		for i, hd := range r.heads {
			mark := "  "
			if i == r.tocCursor {
				mark = st.cursor.Render("▸ ")
			}
			body = append(body, mark+strings.Repeat("  ", max(hd.Level-1, 0))+hd.Title)
		}
		body = append(body, "", st.dim.Render("enter goes there · esc closes"))
		if len(body) > h {
			from := min(max(r.tocCursor+2-h/2, 0), len(body)-h)
			body = body[from:]
		}
		return title, right, body, []key.Binding{m.keys.Up, m.keys.Down, m.keys.Open, m.keys.Back}
	}
	var body []string
	for i := r.top; i < len(r.lines) && i < r.top+h; i++ {
		gutter := "  "
		if i == r.cursor {
			gutter = st.cursor.Render("▸ ")
		}
		body = append(body, gutter+r.lines[i])
	}
	if r.searching {
		m.status = r.input.view(m.st.bar)
	}
	return title, right, body, keys
}
