//go:build unix

package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/creack/pty"
	"github.com/hinshun/vt10x"

	"github.com/ppworkbook/workbook/internal/golden"
)

// term is the workbook running in a pseudo-terminal of 80x24.
type term struct {
	t    testing.TB
	cmd  *exec.Cmd
	pty  *os.File
	mu   sync.Mutex
	out  bytes.Buffer
	vt   vt10x.Terminal // what an 80x24 terminal shows
	seen chan struct{}  // receives after every read
	done chan error
}

// startTerm starts `workbook args...` in dir on a fresh 80x24 terminal,
// with a home and caches of its own.
func startTerm(t testing.TB, dir string, env []string, args ...string) *term {
	t.Helper()
	cmd := exec.Command("workbook", args...)
	cmd.Dir = dir
	home := t.TempDir()
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CACHE_HOME="+filepath.Join(home, ".cache"), "TERM=xterm-256color", "NO_COLOR=", "VISUAL=", "EDITOR=")
	cmd.Env = append(cmd.Env, env...)
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 80})
	if err != nil {
		t.Fatalf("starting the workbook on a terminal: %v", err)
	}
	tm := &term{t: t, cmd: cmd, pty: f, seen: make(chan struct{}, 1), done: make(chan error, 1), vt: vt10x.New(vt10x.WithSize(80, 24))}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := f.Read(buf)
			if n > 0 {
				tm.mu.Lock()
				tm.out.Write(buf[:n])
				_, _ = tm.vt.Write(buf[:n])
				tm.mu.Unlock()
				tm.answer(buf[:n])
				select {
				case tm.seen <- struct{}{}:
				default:
				}
			}
			if err != nil {
				close(tm.seen)
				return
			}
		}
	}()
	go func() { tm.done <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-tm.done
		}
		f.Close()
	})
	return tm
}

// answer answers the queries a terminal answers: the cursor position
// and the background colour (bubbletea asks at start and waits for the
// answer).
func (tm *term) answer(b []byte) {
	if bytes.Contains(b, []byte("\x1b]11;?")) {
		_, _ = tm.pty.WriteString("\x1b]11;rgb:0000/0000/0000\x1b\\")
	}
	if bytes.Contains(b, []byte("\x1b[6n")) {
		_, _ = tm.pty.WriteString("\x1b[1;1R")
	}
}

// raw returns everything written to the terminal, escape sequences
// included.
func (tm *term) raw() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.out.String()
}

// output returns the text written to the terminal (escape sequences
// removed) from offset from.
func (tm *term) output(from int) string {
	s := ansi.Strip(tm.raw())
	if from > len(s) {
		return ""
	}
	return s[from:]
}

func (tm *term) len() int { return len(ansi.Strip(tm.raw())) }

// waitFor waits until the terminal has been sent want after offset from,
// and returns the offset after it.
func (tm *term) waitFor(from int, want string) int {
	tm.t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		if i := strings.Index(tm.output(from), want); i >= 0 {
			return from + i + len(want)
		}
		select {
		case _, ok := <-tm.seen:
			if !ok {
				tm.t.Fatalf("the workbook ended before writing %q:\n%q", want, tm.output(0))
			}
		case <-deadline:
			tm.t.Fatalf("the workbook never wrote %q:\n%q", want, tm.output(from))
		}
	}
}

// screen waits until the terminal shows want at the end of a frame
// (bubbletea ends each frame by putting the cursor on the last line), and
// returns the screen, trailing spaces dropped.
func (tm *term) screen(want string) string {
	tm.t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		tm.mu.Lock()
		framed := bytes.HasSuffix(tm.out.Bytes(), []byte("\x1b[24;H"))
		var lines []string
		for _, l := range strings.Split(tm.vt.String(), "\n") {
			lines = append(lines, strings.TrimRight(l, " "))
		}
		tm.mu.Unlock()
		screen := strings.Join(lines, "\n")
		if framed && strings.Contains(screen, want) {
			return strings.TrimRight(screen, "\n") + "\n"
		}
		select {
		case _, ok := <-tm.seen:
			if !ok {
				tm.t.Fatalf("the workbook ended before showing %q:\n%s", want, screen)
			}
		case <-deadline:
			tm.t.Fatalf("the terminal never showed %q:\n%s", want, screen)
		}
	}
}

func (tm *term) send(keys string) {
	tm.t.Helper()
	if _, err := io.WriteString(tm.pty, keys); err != nil {
		tm.t.Fatal(err)
	}
}

// TestInteractiveTerminal: on a terminal with no command the workbook
// stays on screen with its lessons; q quits with status 0 and the
// terminal restored (alternate screen left, cursor shown). With a
// command, or when its output is not a terminal, it prints plain text.
func TestInteractiveTerminal(t *testing.T) {
	dir := t.TempDir()
	tm := startTerm(t, dir, nil)
	at := tm.waitFor(0, "Running commands")
	tm.waitFor(at, "q quit")
	tm.send("?")
	tm.waitFor(at, "Keys")
	tm.send("q")
	if err := <-tm.done; err != nil {
		t.Fatalf("q: %v\n%q", err, tm.output(0))
	}
	raw := tm.raw()
	if !strings.Contains(raw, "\x1b[?1049h") {
		t.Errorf("the interface did not use the alternate screen: %q", raw)
	}
	end := raw[strings.LastIndex(raw, "quit"):]
	if !strings.Contains(end, "\x1b[?1049l") || !strings.Contains(end, "\x1b[?25h") {
		t.Errorf("the terminal was not restored (alternate screen left, cursor shown): %q", end)
	}

	// A command on a terminal: plain text, as before.
	tm = startTerm(t, dir, nil, "list")
	if err := <-tm.done; err != nil {
		t.Fatalf("list: %v", err)
	}
	tm.waitFor(0, "Running commands")
	if out := tm.raw(); strings.Contains(out, "\x1b[?1049h") {
		t.Errorf("list on a terminal switched to the full-screen interface: %q", out)
	}

	// Not a terminal: the plain overview.
	cmd := exec.Command("workbook")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	out, err := cmd.Output()
	if err != nil || !strings.Contains(string(out), "Work directory:") || bytes.Contains(out, []byte("\x1b[")) {
		t.Errorf("workbook into a pipe: %v\n%q", err, out)
	}
}

// TestInteractiveCtrlC: Ctrl-C leaves as q does.
func TestInteractiveCtrlC(t *testing.T) {
	tm := startTerm(t, t.TempDir(), nil)
	tm.waitFor(0, "q quit")
	tm.send("\x03")
	if err := <-tm.done; err != nil {
		t.Fatalf("Ctrl-C: %v", err)
	}
	raw := tm.raw()
	if end := raw[strings.LastIndex(raw, "quit"):]; !strings.Contains(end, "\x1b[?1049l") {
		t.Errorf("the terminal was not restored after Ctrl-C: %q", end)
	}
}

// Programs the save-to-verdict benchmark writes, alternately: the
// exercise of testdata/bench/lessons fails with the first, passes with
// the second. Both finish at once.
const (
	benchFail = "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"hello\")\n}\n"
	benchPass = "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"hello, workbook\")\n}\n"
)

// BenchmarkSaveToVerdict measures, on the real binary in a
// pseudo-terminal, the time from a save of the exercise's file (written
// in place, as most editors do) to its verdict on the screen, and, side
// by side, `go run` of the same file. It reports the medians.
//
//	go test -run '^$' -bench SaveToVerdict -benchtime 20x .
func BenchmarkSaveToVerdict(b *testing.B) {
	lessonsDir, err := filepath.Abs("workbook/tui/testdata/lessons")
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	tm := startTerm(b, dir, []string{"WORKBOOK_LESSONS=" + lessonsDir})
	at := tm.waitFor(0, "q quit")
	tm.send("c") // continue: lesson 1
	at = tm.waitFor(at, "Lesson 1")
	tm.send("e") // its exercise: written, checked
	tm.waitFor(at, "FAIL")
	file := filepath.Join(dir, "workbook-exercises", "01-hello", "greet", "main.go")

	var saves []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		src, want := benchPass, "✓ PASS"
		if i%2 == 1 {
			src, want = benchFail, "✗ FAIL"
		}
		from := tm.len()
		start := time.Now()
		if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
			b.Fatal(err)
		}
		tm.waitFor(from, want)
		saves = append(saves, time.Since(start))
	}
	b.StopTimer()
	tm.send("q")
	<-tm.done

	// go run of the same file, as many times.
	var runs []time.Duration
	for i := 0; i < b.N; i++ {
		cmd := exec.Command("go", "run", "./01-hello/greet")
		cmd.Dir = filepath.Join(dir, "workbook-exercises")
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("go run: %v\n%s", err, out)
		}
		runs = append(runs, time.Since(start))
	}
	b.ReportMetric(float64(median(saves).Microseconds())/1000, "ms-save-to-verdict-median")
	b.ReportMetric(float64(median(runs).Microseconds())/1000, "ms-go-run-median")
	b.Logf("save to verdict: median %v, all %v", median(saves), saves)
	b.Logf("go run:          median %v, all %v", median(runs), runs)
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// TestInteractiveEditor: e opens the learner's file in $EDITOR, gives it
// the terminal, and comes back to the exercise, whose save is checked.
func TestInteractiveEditor(t *testing.T) {
	lessonsDir, err := filepath.Abs("workbook/tui/testdata/lessons")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	editor := filepath.Join(t.TempDir(), "editor")
	script := "#!/bin/sh\necho EDITING \"$1\"\ncat > \"$1\" <<'EOF'\n" + benchPass + "EOF\n"
	if err := os.WriteFile(editor, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	tm := startTerm(t, dir, []string{"WORKBOOK_LESSONS=" + lessonsDir, "EDITOR=" + editor})
	at := tm.waitFor(0, "q quit")
	tm.send("c")
	at = tm.waitFor(at, "Lesson 1")
	tm.send("e")
	at = tm.waitFor(at, "✗ FAIL")
	tm.send("e")
	at = tm.waitFor(at, "EDITING "+filepath.Join(dir, "workbook-exercises", "01-hello", "greet", "main.go"))
	tm.waitFor(at, "✓ PASS")
	tm.send("q")
	if err := <-tm.done; err != nil {
		t.Fatalf("q: %v", err)
	}
}

// TestLearnerJourneyTerminal: the real binary, its real engines, on an
// 80x24 terminal emulated from what it writes: a learner starts fresh,
// reads a lesson, runs an example, fails an exercise, takes two hints,
// fixes the file in their editor, passes, quits, starts again and resumes
// at the right place. Each screen is compared with a golden screen
// (testdata/screens).
func TestLearnerJourneyTerminal(t *testing.T) {
	lessonsDir, err := filepath.Abs("workbook/tui/testdata/lessons")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	editor := filepath.Join(t.TempDir(), "editor")
	script := "#!/bin/sh\ncat > \"$1\" <<'EOF'\n" + benchPass + "EOF\n"
	if err := os.WriteFile(editor, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	env := []string{"WORKBOOK_LESSONS=" + lessonsDir, "EDITOR=" + editor}
	check := func(tm *term, name, want string) {
		t.Helper()
		golden.Check(t, filepath.Join("testdata", "screens", name+".txt"), tm.screen(want))
	}

	tm := startTerm(t, dir, env)
	check(tm, "01-home-fresh", "Continue: start with lesson 1")
	tm.send("\r")
	check(tm, "02-reader", "Lesson 1 · Saying hello")
	tm.send("]r")
	check(tm, "03-example-ran", "PASS it printed what the lesson says")
	tm.send("e")
	check(tm, "04-exercise-fail", "+hello")
	tm.send("hh")
	check(tm, "05-two-hints", "Hint 2 of 2")
	tm.send("e") // the editor writes the fix and returns
	check(tm, "06-pass", "✓ PASS")
	tm.send("lq")
	if err := <-tm.done; err != nil {
		t.Fatalf("q: %v", err)
	}

	tm = startTerm(t, dir, env)
	check(tm, "07-home-again", "Continue: reading lesson 1")
	tm.send("\r")
	check(tm, "08-resumed", "go · exercise greet")
	tm.send("q")
	if err := <-tm.done; err != nil {
		t.Fatalf("q: %v", err)
	}
}

// TestInteractiveSIGTERM: a SIGTERM from outside ends the interface with
// the terminal restored, as q does.
func TestInteractiveSIGTERM(t *testing.T) {
	tm := startTerm(t, t.TempDir(), nil)
	tm.waitFor(0, "q quit")
	if err := tm.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-tm.done; err != nil {
		t.Fatalf("after SIGTERM: %v\n%s", err, tm.raw())
	}
	raw := tm.raw()
	if end := raw[strings.LastIndex(raw, "quit"):]; !strings.Contains(end, "\x1b[?1049l") {
		t.Errorf("the terminal was not restored after SIGTERM: %q", end)
	}
}
