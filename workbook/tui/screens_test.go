package tui

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/check"
	"github.com/ppworkbook/workbook/workbook/learn"
)

// TestReaderSearchAndContents: / finds text (n and N go on, wrapping
// round), t lists the headings and enter goes to one.
func TestReaderSearchAndContents(t *testing.T) {
	wb, _ := setup(t, false)
	d := newDriver(t, wb, 80, 24)
	d.press("2", "enter") // "2" is not a key here; enter opens lesson 1 (continue)
	d.press("/", "p", "i", "p", "e")
	if !strings.Contains(d.screen(), "/pipe") {
		t.Errorf("the search prompt is not shown:\n%s", d.screen())
	}
	d.press("enter")
	line := func() string { return stripANSI(d.m.reader.lines[d.m.reader.cursor]) }
	if !strings.Contains(strings.ToLower(line()), "pipe") {
		t.Fatalf("search moved the cursor to %q", line())
	}
	first := d.m.reader.cursor
	d.press("n")
	if d.m.reader.cursor == first || !strings.Contains(strings.ToLower(line()), "pipe") {
		t.Errorf("n: cursor on %q", line())
	}
	d.press("N")
	if d.m.reader.cursor != first {
		t.Errorf("N did not go back to the first match")
	}
	d.press("/", "z", "z", "z", "enter")
	if !strings.Contains(d.screen(), `"zzz" is not in this lesson.`) {
		t.Errorf("a search without a match:\n%s", d.screen())
	}
	d.press("t")
	d.golden("contents")
	d.press("up", "enter") // from the section of the cursor, up one
	if got := line(); got != "Printing" {
		t.Errorf("contents: enter on the heading above went to %q", got)
	}
	d.press("esc")
	if d.m.screen != screenHome {
		t.Errorf("esc in the reader did not go home")
	}
}

// TestHelpAndResize: ? lists the keys; the screen follows the terminal's
// size, small or large, and the reader keeps its place.
func TestHelpAndResize(t *testing.T) {
	wb, _ := setup(t, false)
	d := newDriver(t, wb, 80, 24)
	d.press("?")
	d.golden("help-home")
	d.press("?", "enter", "]")
	d.press("?")
	if !strings.Contains(d.screen(), "run the example under the cursor") {
		t.Errorf("the reader's keys:\n%s", d.screen())
	}
	d.press("esc")
	if d.m.showHelp || d.m.screen != screenReader {
		t.Errorf("esc did not close the keys")
	}
	at := d.m.reader.mdLine()
	for _, size := range [][2]int{{60, 16}, {120, 40}, {20, 8}, {80, 24}} {
		d.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		d.screen() // checks every line fits
		if got := d.m.reader.mdLine(); got != at {
			t.Errorf("at %dx%d the cursor moved from Markdown line %d to %d", size[0], size[1], at, got)
		}
	}
	d.golden("reader-after-resize")
}

// TestColour: with colour the screens are styled; without (NO_COLOR,
// --color never) there is not one escape sequence.
func TestColour(t *testing.T) {
	for _, colour := range []bool{true, false} {
		wb, _ := setup(t, colour)
		d := newDriver(t, wb, 80, 24)
		d.press("enter", "]")
		got := strings.Contains(d.m.View(), "\x1b[")
		if got != colour {
			t.Errorf("colour %v: escape sequences in the view: %v", colour, got)
		}
		if colour && !strings.Contains(d.m.View(), "\x1b[34mPrintln\x1b[0m") {
			t.Errorf("Go code is not highlighted:\n%q", d.m.View())
		}
	}
}

// TestPlayground: p copies the example under the cursor into the work
// directory and runs it; a save runs it again, its output next to the
// lesson's.
func TestPlayground(t *testing.T) {
	wb, work := setup(t, false)
	d := newDriver(t, wb, 80, 24)
	d.press("enter", "]", "p")
	d.waitFor("the first run", func() bool { return d.m.play != nil && d.m.play.verdict != nil })
	d.golden("playground")
	file := filepath.Join(work, "playground", "01-hello", "hello", "main.go")
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(src), `"hello"`, `"hello, changed"`, 1)
	if err := os.WriteFile(file, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	d.waitFor("the run after the save", func() bool { return d.m.play.verdict != nil && !d.m.play.verdict.Pass })
	if s := d.screen(); !strings.Contains(s, "≠ not what the lesson prints") || !strings.Contains(s, "hello, changed") {
		t.Errorf("after the save:\n%s", s)
	}
	d.press("q")
	d.waitFor("quitting", func() bool { return d.quit })
	s, _, err := wb.Progress()
	if err != nil || s.Place == nil || s.Place.Program != "hello" {
		t.Errorf("the playground is not remembered: %+v %v", s.Place, err)
	}
}

// TestExerciseKeys: e without an editor says how to set one; n waits for
// a pass; Ctrl-C quits from anywhere.
func TestExerciseKeys(t *testing.T) {
	wb, _ := setup(t, false)
	d := newDriver(t, wb, 80, 24)
	d.press("enter", "e")
	d.waitFor("the first check", func() bool { return d.m.exercise != nil && d.m.exercise.verdict != nil })
	d.press("e")
	if !strings.Contains(d.screen(), "Set $EDITOR (or $VISUAL)") {
		t.Errorf("e without an editor:\n%s", d.screen())
	}
	d.press("n")
	if !strings.Contains(d.screen(), "n moves on once this exercise passes") {
		t.Errorf("n before a pass:\n%s", d.screen())
	}
	d.press("ctrl+c")
	d.waitFor("quitting", func() bool { return d.quit })
}

// TestKeysTogether: keys that arrive in one read ("hh") each count.
func TestKeysTogether(t *testing.T) {
	wb, _ := setup(t, false)
	d := newDriver(t, wb, 80, 24)
	d.press("enter", "e")
	d.waitFor("the first check", func() bool { return d.m.exercise != nil && d.m.exercise.verdict != nil })
	d.press("hh")
	if d.m.exercise.hints != 2 {
		t.Errorf("%d hints after \"hh\", want 2", d.m.exercise.hints)
	}
}

// TestMarkedLines: the lines of the learner's file that the verdict names
// are marked in the file shown.
func TestMarkedLines(t *testing.T) {
	x := &exerciseState{ex: learn.Exercise{File: "/w/01-hello/greet/main.go"}}
	x.verdict = &learn.Verdict{Status: "fail",
		Message: `work/01-hello/greet/main.go:7: "greet" does not build: undefined: x`,
		Detail:  "work/01-hello/greet/main.go:9:2: undefined: y\nnotmain.go:3: other\nmain.go:12: z"}
	got := x.markedLines()
	if len(got) != 3 || !got[7] || !got[9] || !got[12] {
		t.Errorf("marked lines %v, want 7, 9 and 12", got)
	}
	x.verdict.Pass = true
	if len(x.markedLines()) != 0 {
		t.Error("lines marked after a pass")
	}
}

// blockingChecker blocks every check until its context is done, and says
// so.
type blockingChecker struct{ started, cancelled chan string }

func (b blockingChecker) Check(ctx context.Context, p *lessons.Program, _ lessons.Settings, _ io.Writer) (check.Result, error) {
	b.started <- p.Name
	<-ctx.Done()
	b.cancelled <- p.Name
	return check.Result{}, ctx.Err()
}

// TestCheckCancelled: a check still running when the file is checked
// again, or when the learner leaves the exercise, is stopped.
func TestCheckCancelled(t *testing.T) {
	setup(t, false)
	lessonsDir := filepath.Join(filepath.Dir(goldenDir(t)), "lessons")
	b := blockingChecker{started: make(chan string, 4), cancelled: make(chan string, 4)}
	wb, err := learn.Open(context.Background(), learn.Config{
		Lessons: os.DirFS(lessonsDir), Dir: "work", Checker: b,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(wb.Close)
	d := newDriver(t, wb, 80, 24)
	// received waits, handling the interface's messages meanwhile, until
	// ch says something.
	received := func(what string, ch chan string) {
		t.Helper()
		deadline := time.After(20 * time.Second)
		for {
			select {
			case <-ch:
				return
			case msg := <-d.msgs:
				d.send(msg)
			case <-deadline:
				t.Fatalf("waiting for %s: it never happened", what)
			}
		}
	}
	d.press("enter", "e")
	received("the first check", b.started)
	d.press("r") // checked again: the first is stopped
	received("the first check stopped", b.cancelled)
	received("the second check", b.started)
	d.press("esc") // leaving: the second is stopped
	received("the second check stopped", b.cancelled)
	if d.m.exercise.checking != 0 && d.m.exercise.cancel != nil {
		t.Error("the exercise still holds a running check")
	}
}
