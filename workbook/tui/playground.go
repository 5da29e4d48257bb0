package tui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/ppworkbook/workbook/workbook/learn"
)

// playState is the playground: an example copied into the work
// directory, run on every save, its output next to the lesson's.
type playState struct {
	lesson  learn.Lesson
	program string
	mdLine  int // where the example is in the lesson
	file    string
	verdict *learn.Verdict
	err     error
	running int
	cancel  context.CancelFunc // stops the run under way
	top     int
}

// openPlayground copies example program of lesson l into the playground
// (keeping a copy already there) and runs it.
func (m *Model) openPlayground(l learn.Lesson, program string) tea.Cmd {
	m.stopWork()
	file, err := m.wb.Try(l.Num, program)
	if err != nil {
		m.status = err.Error()
		return nil
	}
	m.play = &playState{lesson: l, program: program, file: file}
	if pg, err := m.wb.Page(l.Num, 80); err == nil {
		for _, b := range pg.Blocks {
			if b.Program == program && b.Runnable {
				m.play.mdLine = b.MDLine
				break
			}
		}
	}
	m.screen = screenPlayground
	m.status = "Edit " + m.wb.Rel(file) + " (e) and save: it runs again."
	return tea.Batch(m.watch(), m.play.start(m))
}

func (p *playState) folder() string { return filepath.Dir(p.file) }

// playedMsg is a run of the playground program, finished.
type playedMsg struct {
	seq int
	v   learn.Verdict
	err error
}

func (p *playState) start(m *Model) tea.Cmd {
	p.stop()
	m.seq++
	ctx, cancel := context.WithCancel(m.ctx)
	seq, wb, num, name := m.seq, m.wb, p.lesson.Num, p.program
	p.running, p.cancel = seq, cancel
	return func() tea.Msg {
		v, err := wb.RunTry(ctx, num, name)
		return playedMsg{seq: seq, v: v, err: err}
	}
}

// stop cancels the run under way, if any.
func (p *playState) stop() {
	if p.cancel != nil {
		p.cancel()
		p.cancel = nil
	}
}

func (p *playState) played(_ *Model, msg playedMsg) {
	if msg.seq != p.running {
		return
	}
	p.running = 0
	p.stop()
	p.err = msg.err
	if msg.err == nil {
		v := msg.v
		p.verdict = &v
	}
}

func (p *playState) key(m *Model, k tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(k, m.keys.Back):
		m.goHome()
	case key.Matches(k, m.keys.Edit):
		return m.edit(p.file)
	case key.Matches(k, m.keys.RunAgain):
		return p.start(m)
	case key.Matches(k, m.keys.Lesson):
		m.remember()
		p.stop()
		return m.openReader(p.lesson.Num, p.mdLine)
	case key.Matches(k, m.keys.Down):
		p.top++
	case key.Matches(k, m.keys.Up):
		p.top = max(p.top-1, 0)
	case key.Matches(k, m.keys.PageDown):
		p.top += max(m.height-3, 1)
	case key.Matches(k, m.keys.PageUp):
		p.top = max(p.top-max(m.height-3, 1), 0)
	}
	return nil
}

func (p *playState) view(m *Model) (string, string, []string, []key.Binding) {
	st := m.st
	title := fmt.Sprintf("Playground · %s", p.program)
	right := fmt.Sprintf("lesson %d", p.lesson.Num)
	var body []string
	add := func(lines ...string) {
		for _, l := range lines {
			body = append(body, " "+l)
		}
	}
	switch {
	case p.err != nil:
		add(st.fail.Render("! could not run: ") + p.err.Error())
	case p.verdict == nil:
		add(st.dim.Render("⋯ running…"))
	default:
		v := p.verdict
		again := ""
		if p.running != 0 {
			again = st.dim.Render("  ⋯ running again…")
		}
		if v.Pass {
			add(st.pass.Render("✓ same as the lesson") + again)
		} else {
			add(st.warn.Render("≠ not what the lesson prints") + again)
			add(wrap(v.Message, m.width-2)...)
		}
		add("")
		col := max((m.width-5)/2, 10)
		add(st.h.Render(fit("Your program prints", col)) + " │ " + st.h.Render("The lesson says"))
		got := strings.Split(strings.TrimRight(ansi.Strip(v.Output), "\n"), "\n")
		want := strings.Split(strings.TrimRight(v.Expected, "\n"), "\n")
		if v.Expected == "" {
			want = []string{st.dim.Render("(no output given)")}
		}
		for i := 0; i < max(len(got), len(want)); i++ {
			g, w := "", ""
			if i < len(got) {
				g = strings.ReplaceAll(got[i], "\t", "    ")
			}
			if i < len(want) {
				w = strings.ReplaceAll(want[i], "\t", "    ")
			}
			mark := " │ "
			if g != w {
				mark = st.warn.Render(" ≠ ")
			}
			add(fit(g, col) + mark + w)
		}
	}
	add("")
	add(st.h.Render("Your copy ") + st.dim.Render(m.wb.Rel(p.file)))
	if src, err := m.wb.ReadFile(p.file); err == nil {
		lines := m.wb.Highlight(strings.TrimRight(src, "\n"))
		digits := len(fmt.Sprint(len(lines)))
		for i, l := range lines {
			add(st.dim.Render(fmt.Sprintf("%*d │ ", digits, i+1)) + strings.ReplaceAll(l, "\t", "    "))
		}
	}
	h := max(m.height-3, 1)
	p.top = min(p.top, max(len(body)-h, 0))
	return title, right, body[p.top:], []key.Binding{m.keys.Edit, m.keys.RunAgain, m.keys.Lesson, m.keys.Back}
}
