// Package tui is the interactive workbook: a full-screen terminal
// interface with a home screen (lessons, progress, where to resume), a
// lesson reader that runs the example under the cursor, an exercise
// screen that checks the learner's file on every save, and a playground
// for any example. It runs when the workbook is started on a terminal
// with no command; everything else stays plain text (package learn).
package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
	"github.com/ppworkbook/workbook/workbook/learn"
	"github.com/ppworkbook/workbook/workbook/progress"
)

// Run runs the interactive workbook on the terminal wb was opened on,
// until the learner quits or ctx is done. The terminal is restored on
// every way out, a panic in the interface included (guard recovers it
// and quits the program, which restores the terminal; Run returns an
// error).
func Run(ctx context.Context, wb *learn.Workbook) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	m := New(ctx, wb, Options{Output: wb.Stdout(), Editor: wb.Editor()})
	defer m.stop()
	return runProgram(ctx, m, wb.Stdin(), wb.Stdout())
}

// runProgram runs model full screen on the terminal in and out until it
// quits, ctx is done or it panics: in every case the terminal is given
// back as it was.
func runProgram(ctx context.Context, model tea.Model, in io.Reader, out io.Writer) error {
	g := &guard{inner: model}
	p := tea.NewProgram(g,
		tea.WithAltScreen(),
		tea.WithInput(in),
		tea.WithOutput(out),
		// SIGINT and SIGTERM from outside cancel ctx (main's
		// signal.NotifyContext), which ends the program with the terminal
		// restored. bubbletea's own handler would race with that: its
		// QuitMsg, sent after the event loop had ended on ctx, blocked
		// its shutdown for ever.
		tea.WithoutSignalHandler(),
	)
	// ctx ends the program as q does: bubbletea's own ending on a
	// context (tea.WithContext) kills it, closing its input reader while
	// the reading goroutine still uses it (a data race under -race).
	stop := context.AfterFunc(ctx, p.Quit)
	_, err := p.Run()
	stop()
	if g.panicked != nil {
		return fmt.Errorf("the interactive workbook stopped: %w", g.panicked)
	}
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil // interrupted (SIGINT or SIGTERM from outside): not an error
	}
	if err != nil {
		return fmt.Errorf("the interactive workbook stopped: %w", err)
	}
	return nil
}

// guard runs a model and turns a panic in its Update, its View or a
// command it returned into the end of the program (tea.Quit), so that
// bubbletea gives the terminal back, and into runProgram's error.
type guard struct {
	inner    tea.Model
	panicked error // the first panic, set on bubbletea's goroutine
}

// panicMsg carries a panic of a command to the event loop.
type panicMsg struct{ err error }

func (g *guard) Init() tea.Cmd { return g.wrap(g.inner.Init()) }

func (g *guard) Update(msg tea.Msg) (model tea.Model, cmd tea.Cmd) {
	model = g // also when the inner model panics
	if pm, ok := msg.(panicMsg); ok {
		if g.panicked == nil {
			g.panicked = pm.err
		}
		return g, tea.Quit
	}
	if g.panicked != nil {
		return g, nil
	}
	defer func() {
		if r := recover(); r != nil {
			g.panicked = fmt.Errorf("panic: %v", r)
			cmd = tea.Quit
		}
	}()
	m, c := g.inner.Update(msg)
	g.inner = m
	return g, g.wrap(c)
}

func (g *guard) View() (view string) {
	if g.panicked != nil {
		return ""
	}
	defer func() {
		if r := recover(); r != nil {
			g.panicked = fmt.Errorf("panic: %v", r)
			view = ""
		}
	}()
	return g.inner.View()
}

// wrap returns cmd recovering from a panic as a panicMsg.
func (g *guard) wrap(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				msg = panicMsg{fmt.Errorf("panic: %v", r)}
			}
		}()
		return g.wrapMsg(cmd())
	}
}

// wrapMsg wraps the commands inside a batch or sequence message, which
// bubbletea runs itself.
func (g *guard) wrapMsg(msg tea.Msg) tea.Msg {
	switch m := msg.(type) {
	case tea.BatchMsg:
		out := make(tea.BatchMsg, len(m))
		for i, c := range m {
			out[i] = g.wrap(c)
		}
		return out
	}
	return msg
}

// Options tune a Model.
type Options struct {
	// Output is the terminal, for the colour profile; colour is off when
	// the workbook's colour is (NO_COLOR, --color never).
	Output io.Writer
	// Editor is the command that opens a file ($VISUAL or $EDITOR, from
	// the command line's environment); "" when none is set.
	Editor string
}

// screen is what the model shows.
type screen int

const (
	screenHome screen = iota
	screenReader
	screenExercise
	screenPlayground
)

// Model is the interactive workbook's bubbletea model.
type Model struct {
	ctx    context.Context
	cancel context.CancelFunc
	wb     *learn.Workbook
	opts   Options
	st     styles
	keys   keyMap
	help   help.Model

	width, height int
	screen        screen
	showHelp      bool
	status        string // one line at the bottom: what just happened

	home     homeState
	reader   *readerState
	exercise *exerciseState
	play     *playState

	// The save watcher, started with the first exercise or playground.
	saves     <-chan string
	watchWait func()
	seq       int // numbers checks and runs, so that stale results are dropped
}

// New returns the model for wb. Cancel ctx (or quit) to stop what it
// started.
func New(ctx context.Context, wb *learn.Workbook, opts Options) *Model {
	ctx, cancel := context.WithCancel(ctx)
	m := &Model{
		ctx: ctx, cancel: cancel, wb: wb, opts: opts,
		st:    newStyles(opts.Output, wb.Colour()),
		keys:  newKeyMap(),
		help:  help.New(),
		width: 80, height: 24,
	}
	m.help.Styles = help.Styles{
		ShortKey: m.st.key, ShortDesc: m.st.dim, ShortSeparator: m.st.dim,
		FullKey: m.st.key, FullDesc: m.st.plain, FullSeparator: m.st.dim, Ellipsis: m.st.dim,
	}
	m.loadHome()
	return m
}

// stop cancels what the model started and waits for its watcher.
func (m *Model) stop() {
	m.cancel()
	if m.watchWait != nil {
		m.watchWait()
		m.watchWait = nil
	}
}

// Init implements tea.Model.
func (m *Model) Init() tea.Cmd { return nil }

// Update implements tea.Model.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = max(msg.Width, 20), max(msg.Height, 8)
		m.help.Width = m.width
		if m.reader != nil {
			m.reader.relayout(m)
		}
		return m, nil
	case tea.KeyMsg:
		typing := m.screen == screenReader && m.reader != nil && m.reader.searching
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste && !typing {
			// Keys typed faster than they are read arrive together:
			// each is a key of its own.
			var cmds []tea.Cmd
			for _, r := range msg.Runes {
				_, cmd := m.key(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
				cmds = append(cmds, cmd)
			}
			return m, tea.Batch(cmds...)
		}
		return m.key(msg)
	case savedMsg:
		return m, m.saved(msg)
	case ranMsg:
		if m.reader != nil {
			m.reader.ran(m, msg)
		}
		return m, nil
	case checkedMsg:
		if m.exercise != nil {
			return m, m.exercise.checked(m, msg)
		}
		return m, nil
	case playedMsg:
		if m.play != nil {
			m.play.played(m, msg)
		}
		return m, nil
	case editedMsg:
		if msg.err != nil {
			m.status = "The editor failed: " + msg.err.Error()
		}
		return m, nil
	}
	return m, nil
}

func (m *Model) key(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	if k.Type == tea.KeyCtrlC {
		m.remember()
		return m, tea.Quit
	}
	typing := m.reader != nil && m.screen == screenReader && (m.reader.searching || m.reader.toc)
	if !typing {
		switch {
		case key.Matches(k, m.keys.Quit):
			m.remember()
			return m, tea.Quit
		case key.Matches(k, m.keys.Help):
			m.showHelp = !m.showHelp
			return m, nil
		}
		if m.showHelp && key.Matches(k, m.keys.Back) {
			m.showHelp = false
			return m, nil
		}
	}
	m.status = ""
	switch m.screen {
	case screenReader:
		return m, m.reader.key(m, k)
	case screenExercise:
		return m, m.exercise.key(m, k)
	case screenPlayground:
		return m, m.play.key(m, k)
	}
	return m, m.homeKey(k)
}

// View implements tea.Model: always exactly height lines of at most width
// columns.
func (m *Model) View() string {
	var title, right string
	var body []string
	var keys []key.Binding
	switch m.screen {
	case screenReader:
		title, right, body, keys = m.reader.view(m)
	case screenExercise:
		title, right, body, keys = m.exercise.view(m)
	case screenPlayground:
		title, right, body, keys = m.play.view(m)
	default:
		title, right, body, keys = m.homeView()
	}
	if m.showHelp {
		body = m.helpView()
	}
	return m.frame(title, right, body, keys)
}

// frame lays a screen out: a title bar, the body, a status line and the
// keys.
func (m *Model) frame(title, right string, body []string, keys []key.Binding) string {
	w, h := m.width, m.height
	lines := make([]string, 0, h)
	gap := w - ansi.StringWidth(title) - ansi.StringWidth(right) - 2
	if gap < 1 {
		right, gap = "", max(w-ansi.StringWidth(title)-2, 1)
	}
	lines = append(lines, m.st.bar.Render(fit(" "+title+strings.Repeat(" ", gap)+right+" ", w)))
	room := h - 3
	for i := 0; i < room; i++ {
		l := ""
		if i < len(body) {
			l = body[i]
		}
		lines = append(lines, fit(l, w))
	}
	lines = append(lines, fit(m.st.status.Render(m.status), w))
	short := keys
	if !m.showHelp {
		short = append(short, m.keys.Help, m.keys.Quit)
	} else {
		short = []key.Binding{m.keys.Help, m.keys.Quit}
	}
	lines = append(lines, fit(m.help.ShortHelpView(short), w))
	return strings.Join(lines, "\n")
}

// fit cuts s to w columns and pads it to w.
func fit(s string, w int) string {
	s = ansi.Truncate(s, w, "…")
	if n := ansi.StringWidth(s); n < w {
		s += strings.Repeat(" ", w-n)
	}
	return s
}

// wrap breaks plain text into lines of at most w columns.
func wrap(s string, w int) []string {
	var out []string
	for _, para := range strings.Split(s, "\n") {
		wrapped := ansi.Wordwrap(para, max(w, 10), "")
		out = append(out, strings.Split(ansi.Hardwrap(wrapped, max(w, 10), true), "\n")...)
	}
	return out
}

// helpView lists every key of the current screen.
func (m *Model) helpView() []string {
	var groups [][]key.Binding
	switch m.screen {
	case screenReader:
		groups = m.keys.reader()
	case screenExercise:
		groups = m.keys.exercise()
	case screenPlayground:
		groups = m.keys.playground()
	default:
		groups = m.keys.home()
	}
	groups = append(groups, []key.Binding{m.keys.Help, m.keys.Back, m.keys.Quit})
	out := []string{m.st.h.Render("Keys"), ""}
	for _, g := range groups {
		for _, b := range g {
			h := b.Help()
			desc := h.Desc
			if long, ok := longHelp()[m.screen][h.Key]; ok {
				desc = long
			}
			out = append(out, fmt.Sprintf("  %s  %s", m.st.key.Render(fmt.Sprintf("%-12s", h.Key)), desc))
		}
		out = append(out, "")
	}
	out = append(out, m.st.dim.Render("? or esc closes this list. Every step is also a plain command: "+m.wb.Command("help")+"."))
	return out
}

// remember records where the learner is, to resume there next time.
func (m *Model) remember() {
	var place *progress.Place
	switch m.screen {
	case screenReader:
		place = m.reader.place()
	case screenExercise:
		place = &progress.Place{Exercise: m.exercise.ex.ID}
	case screenPlayground:
		place = &progress.Place{Lesson: m.play.lesson.Slug, Program: m.play.program}
	default:
		return
	}
	if _, err := m.wb.Update(func(s *progress.State) { s.Place = place }); err != nil {
		m.status = "Could not save your place: " + err.Error()
	}
}

// styles are the interface's lipgloss styles.
type styles struct {
	plain, dim, key, h, bar, status, pass, fail, warn, cursor, code lipgloss.Style
}

func newStyles(out io.Writer, colour bool) styles {
	var r *lipgloss.Renderer
	if out != nil {
		r = lipgloss.NewRenderer(out)
	} else {
		r = lipgloss.NewRenderer(io.Discard)
	}
	if !colour {
		r.SetColorProfile(termenv.Ascii)
	} else if r.ColorProfile() == termenv.Ascii {
		r.SetColorProfile(termenv.ANSI256)
	}
	s := r.NewStyle()
	return styles{
		plain:  s,
		dim:    s.Faint(true),
		key:    s.Bold(true),
		h:      s.Bold(true).Foreground(lipgloss.Color("12")),
		bar:    s.Reverse(true),
		status: s.Foreground(lipgloss.Color("11")),
		pass:   s.Bold(true).Foreground(lipgloss.Color("10")),
		fail:   s.Bold(true).Foreground(lipgloss.Color("9")),
		warn:   s.Foreground(lipgloss.Color("11")),
		cursor: s.Bold(true).Foreground(lipgloss.Color("13")),
		code:   s.Foreground(lipgloss.Color("14")),
	}
}

// lessonByNum returns lesson num of the workbook.
func (m *Model) lessonByNum(num int) (learn.Lesson, bool) {
	for _, l := range m.wb.Lessons() {
		if l.Num == num {
			return l, true
		}
	}
	return learn.Lesson{}, false
}

func (m *Model) lessonBySlug(slug string) (learn.Lesson, bool) {
	for _, l := range m.wb.Lessons() {
		if l.Slug == slug {
			return l, true
		}
	}
	return learn.Lesson{}, false
}

// savedMsg is a save of the Go files of a folder of the work directory.
type savedMsg struct{ dir string }

// watch starts the save watcher once the work directory exists, and
// returns the command waiting for the next save.
func (m *Model) watch() tea.Cmd {
	if m.saves == nil {
		saves, errs, wait, err := m.wb.Watch(m.ctx)
		if err != nil {
			m.status = "Saves are not seen: " + err.Error() + " (press r to check)"
			return nil
		}
		m.saves, m.watchWait = saves, wait
		go func() { // watch errors are not fatal: drain them until the end
			for {
				select {
				case <-m.ctx.Done():
					return
				case <-errs:
				}
			}
		}()
	}
	return m.nextSave()
}

func (m *Model) nextSave() tea.Cmd {
	ctx, saves := m.ctx, m.saves
	return func() tea.Msg {
		select {
		case <-ctx.Done():
			return nil
		case dir := <-saves:
			return savedMsg{dir: dir}
		}
	}
}

// saved handles a save: the exercise or playground on screen is checked
// when it is its folder's.
func (m *Model) saved(msg savedMsg) tea.Cmd {
	next := m.nextSave()
	switch {
	case m.screen == screenExercise && m.exercise.folder() == msg.dir:
		return tea.Batch(next, m.exercise.start(m))
	case m.screen == screenPlayground && m.play.folder() == msg.dir:
		return tea.Batch(next, m.play.start(m))
	}
	return next
}
