package tui

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/ppworkbook/workbook/internal/golden"
	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/check"
	"github.com/ppworkbook/workbook/workbook/learn"
)

// solved marks a learner's program that passes its check.
const solved = "// solved"

// fakeChecker stands in for the engines. An example prints what its
// lesson says and passes; a learner's program passes when it holds
// solved, else fails the way check words an output mismatch (engine
// name, lesson file and line included: the interface must reword it).
type fakeChecker struct{}

func (fakeChecker) Check(ctx context.Context, p *lessons.Program, _ lessons.Settings, out io.Writer) (check.Result, error) {
	if p.Role == lessons.RoleExample && p.Exercise == "" && !strings.Contains(p.Source, "changed") {
		if out != nil && p.Expect.Stdout != nil {
			fmt.Fprint(out, p.Expect.Stdout.Text)
		}
		return check.Result{Pass: true}, nil
	}
	if strings.Contains(p.Source, solved) {
		return check.Result{Pass: true}, nil
	}
	if out != nil {
		fmt.Fprintln(out, "hello")
	}
	where := "lesson.md:1"
	if p.Expect.Stdout != nil {
		where = fmt.Sprintf("%s:%d", p.Expect.Stdout.File, p.Expect.Stdout.Line)
	}
	return check.Result{
		Failure: check.FailOutput,
		Pos:     lessons.Pos{File: p.File, Line: p.Line},
		Message: fmt.Sprintf("%q printed a different stdout (yaegi) than expected at %s", p.Name, where),
		Detail:  "--- expected\n+++ actual\n@@ -1 +1 @@\n-hello, workbook\n+hello",
	}, nil
}

// driver runs a Model the way bubbletea does: keys and messages go
// through Update, commands run in goroutines and their messages come
// back through Update.
type driver struct {
	t    *testing.T
	dir  string // the golden screens' folder
	m    *Model
	msgs chan tea.Msg
	quit bool
}

func newDriver(t *testing.T, wb *learn.Workbook, width, height int) *driver {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	m := New(ctx, wb, Options{})
	t.Cleanup(func() { cancel(); m.stop() })
	d := &driver{t: t, m: m, msgs: make(chan tea.Msg, 100), dir: goldenDir(t)}
	d.send(tea.WindowSizeMsg{Width: width, Height: height})
	return d
}

func (d *driver) run(cmd tea.Cmd) {
	if cmd != nil {
		go func() { d.msgs <- cmd() }()
	}
}

func (d *driver) send(msg tea.Msg) {
	switch msg := msg.(type) {
	case nil:
		return
	case tea.BatchMsg:
		for _, c := range msg {
			d.run(c)
		}
		return
	case tea.QuitMsg:
		d.quit = true
		return
	}
	_, cmd := d.m.Update(msg)
	d.run(cmd)
}

// press sends keys: "enter", "esc", "ctrl+c" or runes.
func (d *driver) press(keys ...string) {
	for _, k := range keys {
		var msg tea.KeyMsg
		switch k {
		case "enter":
			msg = tea.KeyMsg{Type: tea.KeyEnter}
		case "esc":
			msg = tea.KeyMsg{Type: tea.KeyEsc}
		case "ctrl+c":
			msg = tea.KeyMsg{Type: tea.KeyCtrlC}
		case "down":
			msg = tea.KeyMsg{Type: tea.KeyDown}
		case "up":
			msg = tea.KeyMsg{Type: tea.KeyUp}
		case "pgdown":
			msg = tea.KeyMsg{Type: tea.KeyPgDown}
		default:
			msg = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
		}
		d.send(msg)
	}
}

// waitFor handles the messages of the commands running until cond holds.
func (d *driver) waitFor(what string, cond func() bool) {
	d.t.Helper()
	deadline := time.After(20 * time.Second)
	for !cond() {
		select {
		case msg := <-d.msgs:
			d.send(msg)
		case <-deadline:
			d.t.Fatalf("waiting for %s: it never happened; the screen:\n%s", what, d.m.View())
		}
	}
}

// screen is the view as a terminal shows it: at most width columns per
// line and height lines; the golden files drop trailing spaces.
func (d *driver) screen() string {
	d.t.Helper()
	v := d.m.View()
	lines := strings.Split(v, "\n")
	if len(lines) != d.m.height {
		d.t.Errorf("the view has %d lines, the terminal %d", len(lines), d.m.height)
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > d.m.width {
			d.t.Errorf("line %d is %d columns wide, the terminal %d: %q", i+1, w, d.m.width, l)
		}
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n") + "\n"
}

func (d *driver) golden(name string) {
	d.t.Helper()
	golden.Check(d.t, filepath.Join(d.dir, name+".txt"), d.screen())
}

// goldenDir is the package's testdata/golden, found from this source
// file's folder (the tests change the current directory).
func goldenDir(t *testing.T) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("no caller information")
	}
	return filepath.Join(filepath.Dir(file), "testdata", "golden")
}

// setup makes a temporary current directory and opens the test lessons
// with the work directory "work" in it.
func setup(t *testing.T, colour bool) (*learn.Workbook, string) {
	t.Helper()
	lessonsDir := filepath.Join(filepath.Dir(goldenDir(t)), "lessons")
	t.Setenv("HOME", t.TempDir())
	t.Chdir(t.TempDir())
	return open(t, lessonsDir, colour), "work"
}

func open(t *testing.T, lessonsDir string, colour bool) *learn.Workbook {
	t.Helper()
	wb, err := learn.Open(context.Background(), learn.Config{
		Lessons: os.DirFS(lessonsDir), Title: "Test workbook", Dir: "work", Colour: colour,
		Checker: fakeChecker{}, Quiet: 5 * time.Millisecond,
		Now: func() time.Time { return time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC) },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(wb.Close)
	return wb
}

// TestLearnerJourney: a learner starts fresh, reads a lesson, runs an
// example, fails an exercise, takes two hints, fixes the file, passes,
// quits, starts again and resumes at the right place. Every screen is
// compared with a golden screen at 80x24 without colour.
func TestLearnerJourney(t *testing.T) {
	wb, work := setup(t, false)
	lessonsDir := filepath.Join(filepath.Dir(goldenDir(t)), "lessons")
	d := newDriver(t, wb, 80, 24)
	d.golden("01-home-fresh")

	d.press("enter") // continue: a fresh learner starts with lesson 1
	if d.m.screen != screenReader || d.m.reader.lesson.Num != 1 {
		t.Fatalf("enter on a fresh home screen did not open lesson 1:\n%s", d.screen())
	}
	d.golden("02-reader")

	d.press("]", "r") // the first example, run
	d.waitFor("the example's verdict", func() bool { return strings.Contains(d.screen(), "PASS") })
	d.golden("03-example-ran")

	d.press("e") // the lesson's exercise: the work directory is written
	d.waitFor("the first check", func() bool { return d.m.exercise != nil && d.m.exercise.verdict != nil })
	if d.m.screen != screenExercise || d.m.exercise.ex.ID != "01-hello/greet" {
		t.Fatalf("e did not open the exercise:\n%s", d.screen())
	}
	d.golden("04-exercise-fail")

	d.press("s") // no solution before a pass
	if !strings.Contains(d.screen(), "The solution opens once your program passes.") {
		t.Errorf("s before a pass:\n%s", d.screen())
	}
	d.press("h", "h")
	d.golden("05-two-hints")

	// The learner fixes the file in their editor: the save is seen and
	// checked.
	file := filepath.Join(work, "01-hello", "greet", "main.go")
	if err := os.WriteFile(file, []byte("package main\n\nimport \"fmt\"\n\n"+solved+"\nfunc main() {\n\tfmt.Println(\"hello, workbook\")\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	d.waitFor("the check after the save", func() bool {
		return d.m.exercise.verdict != nil && d.m.exercise.verdict.Pass
	})
	d.press("s")
	d.golden("06-pass-solution")

	d.press("l", "q") // back to the lesson, then quit
	d.waitFor("quitting", func() bool { return d.quit })

	// Starting again: the hints are remembered, the home screen offers
	// the place left, and enter goes there.
	d2 := newDriver(t, open(t, lessonsDir, false), 80, 24)
	d2.golden("07-home-again")
	d2.press("enter")
	if d2.m.screen != screenReader || d2.m.reader.lesson.Num != 1 {
		t.Fatalf("resume did not open lesson 1:\n%s", d2.screen())
	}
	d2.golden("08-resumed")
	d2.press("e")
	d2.waitFor("the check on opening", func() bool { return d2.m.exercise != nil && d2.m.exercise.verdict != nil })
	if got := d2.m.exercise.hints; got != 2 {
		t.Errorf("%d hints shown after a restart, want the 2 revealed", got)
	}
}
