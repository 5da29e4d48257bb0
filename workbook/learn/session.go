package learn

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/progress"
)

// UI is an interactive interface over a workbook: with no command on a
// terminal, Main hands the workbook to it (package tui is the real one).
type UI func(ctx context.Context, wb *Workbook) error

// Config opens a Workbook without a command line (tests, other
// front ends).
type Config struct {
	Lessons fs.FS  // the lessons; the built-in ones when nil
	Title   string // the workbook's title when the lessons have no README
	Dir     string // the work directory
	Colour  bool
	Prog    string  // how the learner runs the workbook ("workbook", "go run ."); "workbook" when empty
	Checker Checker // the engines when nil
	Now     func() time.Time
	Quiet   time.Duration // watch's quiet time; quietTime when zero
}

// Workbook is the learner's side of the workbook as a library: lessons,
// progress, checks and hints, for an interactive interface.
type Workbook struct {
	a *app

	mu      sync.Mutex
	checker Checker
	release func()
}

// Open opens a workbook from cfg. Close it when done.
func Open(ctx context.Context, cfg Config) (*Workbook, error) {
	env := environment{
		Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{},
		Lessons: cfg.Lessons, Checker: cfg.Checker, Now: cfg.Now,
		Debounce: cfg.Quiet, Prog: cfg.Prog,
	}
	if env.Now == nil {
		env.Now = time.Now
	}
	colour := "never"
	if cfg.Colour {
		colour = "always"
	}
	a, err := newApp(ctx, env, Globals{Dir: cfg.Dir, Color: colour})
	if err != nil {
		return nil, err
	}
	if cfg.Title != "" && cfg.Lessons != nil {
		a.cat.Title = cfg.Title
	}
	return &Workbook{a: a}, nil
}

// Close stops the engines, if they were started.
func (w *Workbook) Close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.release != nil {
		w.release()
		w.release, w.checker = nil, nil
	}
}

func (w *Workbook) check() (Checker, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.checker != nil {
		return w.checker, nil
	}
	c, release, err := w.a.checker()
	if err != nil {
		return nil, err
	}
	w.checker, w.release = c, release
	return c, nil
}

// Title is the workbook's title.
func (w *Workbook) Title() string { return w.a.cat.Title }

// Colour reports whether output is coloured.
func (w *Workbook) Colour() bool { return w.a.colour }

// Command returns the command line that runs the workbook with args, as
// the learner started it ("workbook init" or "go run . init").
func (w *Workbook) Command(args string) string { return strings.TrimSpace(w.a.prog() + " " + args) }

// WorkDir is the work directory; WorkDirExists says whether it exists.
func (w *Workbook) WorkDir() string { return w.a.dir.Dir }

// WorkDirExists reports whether the work directory has been created.
func (w *Workbook) WorkDirExists() bool { return w.a.dir.Exists() }

// Lesson is one lesson as the interface shows it.
type Lesson struct {
	Num       int
	Slug      string
	Title     string
	Examples  []string // the names of its runnable examples
	Exercises []Exercise
}

// Exercise is one exercise as the interface shows it.
type Exercise struct {
	ID     string // "lesson-slug/name": its key in progress
	Name   string
	Title  string
	Lesson int    // the lesson's number
	File   string // the learner's file
	MDLine int    // where the exercise starts in the lesson
	Hints  []string
	// HasSolution says whether there is a reference solution to show.
	HasSolution bool
}

// Lessons lists the lessons in order.
func (w *Workbook) Lessons() []Lesson {
	var out []Lesson
	for _, l := range w.a.cat.Lessons {
		ls := Lesson{Num: l.Num, Slug: l.Slug, Title: l.Title()}
		for _, p := range l.Examples() {
			if p.Mode != lessons.ModeSkip {
				ls.Examples = append(ls.Examples, p.Name)
			}
		}
		for _, e := range l.Exercises() {
			ls.Exercises = append(ls.Exercises, w.exercise(e))
		}
		out = append(out, ls)
	}
	return out
}

func (w *Workbook) exercise(e *exercise) Exercise {
	return Exercise{
		ID: e.ID, Name: e.Ex.Name, Title: e.Title(), Lesson: e.Lesson.Num,
		File: w.a.dir.File(e), MDLine: e.Ex.Line, Hints: e.Ex.Hints,
		HasSolution: e.Ex.Solution != nil,
	}
}

// Exercise finds an exercise by id (or any name `workbook check` takes).
func (w *Workbook) Exercise(id string) (Exercise, error) {
	e, err := w.a.cat.Exercise(id)
	if err != nil {
		return Exercise{}, err
	}
	return w.exercise(e), nil
}

// Progress loads the learner's progress. A damaged file has been moved
// aside: the returned note says so.
func (w *Workbook) Progress() (*progress.State, string, error) {
	s, err := w.a.store.Load()
	var ce *progress.CorruptError
	if errors.As(err, &ce) {
		return s, ce.Error(), nil
	}
	return s, "", err
}

// Update changes the progress file, under its lock.
func (w *Workbook) Update(fn func(*progress.State)) (*progress.State, error) {
	return w.a.updateProgress(func(s *progress.State) error { fn(s); return nil })
}

// Current returns the exercise to work on (the one recorded as current
// unless done, else the first not done); false when every one is done.
func (w *Workbook) Current(s *progress.State) (Exercise, bool) {
	e := w.a.current(s)
	if e == nil {
		return Exercise{}, false
	}
	return w.exercise(e), true
}

// Page is a lesson rendered for a terminal.
type Page struct {
	Lines    []string
	Headings []Heading
	Blocks   []Block
}

// Heading is a heading of a rendered lesson.
type Heading struct {
	Line   int // 0-based rendered line
	Level  int
	Title  string
	MDLine int // 1-based line in the lesson's Markdown
}

// Block is a code block of a rendered lesson.
type Block struct {
	Line, End int    // rendered lines [Line, End)
	Lang      string // "go", "output", ...
	Program   string // the example it belongs to ("" for none)
	Exercise  string // the exercise it belongs to ("" for none)
	Runnable  bool   // an example that can be run
	MDLine    int
}

// Page renders lesson num (1-based) for a terminal width columns wide.
func (w *Workbook) Page(num, width int) (Page, error) {
	l, err := w.lesson(num)
	if err != nil {
		return Page{}, err
	}
	pg := renderPage(l.Doc.Markdown, l.Doc, w.a.p, width)
	out := Page{Lines: pg.Lines}
	for _, a := range pg.Anchors {
		if a.Heading {
			out.Headings = append(out.Headings, Heading{Line: a.Line, Level: a.Level, Title: a.Title, MDLine: a.MDLine})
			continue
		}
		b := Block{Line: a.Line, End: a.End, Lang: a.Lang, MDLine: a.MDLine}
		if a.Prog != nil {
			b.Program, b.Exercise = a.Prog.Name, a.Prog.Exercise
			b.Runnable = a.Prog.Exercise == "" && a.Prog.Role == lessons.RoleExample && a.Prog.Mode != lessons.ModeSkip
		}
		out.Blocks = append(out.Blocks, b)
	}
	return out, nil
}

func (w *Workbook) lesson(num int) (*lesson, error) {
	if num < 1 || num > len(w.a.cat.Lessons) {
		return nil, fmt.Errorf("there is no lesson %d", num)
	}
	return w.a.cat.Lessons[num-1], nil
}

// Verdict is the result of running an example or checking an exercise,
// worded for the learner.
type Verdict struct {
	Pass bool
	// Status is "pass", "fail", "missing" (the learner's file does not
	// exist) or "error" (it could not be checked).
	Status string
	Output string // what the program printed (examples and playground)
	// Message says what went wrong, in the learner's terms; Detail is the
	// diff or the compiler's messages.
	Message, Detail string
	// Expected is what the lesson says the program prints (playground).
	Expected string
	// NewlyDone is true when this check made the exercise done.
	NewlyDone bool
}

// RunExample runs example name of lesson num.
func (w *Workbook) RunExample(ctx context.Context, num int, name string) (Verdict, error) {
	l, err := w.lesson(num)
	if err != nil {
		return Verdict{}, err
	}
	var prog *lessons.Program
	for _, p := range l.Examples() {
		if p.Name == name {
			prog = p
		}
	}
	if prog == nil {
		return Verdict{}, fmt.Errorf("lesson %d has no example %q", num, name)
	}
	c, err := w.check()
	if err != nil {
		return Verdict{}, err
	}
	var out lockedBuffer
	res, err := safeCheck(ctx, c, prog, lessons.Resolve(prog, l.Doc.Defaults, lessons.CommandLine{}), &out)
	if err != nil {
		return Verdict{Status: string(statusError), Output: out.String(), Message: w.a.learnerText(err.Error())}, nil
	}
	v := Verdict{Pass: res.Pass, Status: string(statusFail), Output: out.String()}
	if res.Pass {
		v.Status = string(statusPass)
	} else {
		v.Message, v.Detail = w.a.learnerResult(res)
	}
	return v, nil
}

// Check checks the learner's program for exercise id and records the
// result: the exercise becomes the current one, and done when it passed.
func (w *Workbook) Check(ctx context.Context, id string) (Verdict, error) {
	e, err := w.a.cat.Exercise(id)
	if err != nil {
		return Verdict{}, err
	}
	c, err := w.check()
	if err != nil {
		return Verdict{}, err
	}
	o := checkFile(ctx, c, e, rel(w.a.dir.File(e)), nil)
	if ctx.Err() != nil {
		return Verdict{}, ctx.Err()
	}
	v := Verdict{Pass: o.Status == statusPass, Status: string(o.Status)}
	switch o.Status {
	case statusFail:
		v.Message, v.Detail = w.a.learnerResult(o.Result)
	case statusMissing:
		v.Message = fmt.Sprintf("%s does not exist.", o.File)
	case statusError:
		v.Message = w.a.learnerText(o.Err.Error())
	}
	_, newly, err := w.a.record(o)
	v.NewlyDone = newly
	return v, err
}

// RevealHint reveals the next hint of exercise id and returns how many
// are revealed now.
func (w *Workbook) RevealHint(id string) (int, error) {
	e, err := w.a.cat.Exercise(id)
	if err != nil {
		return 0, err
	}
	s, err := w.a.updateProgress(func(s *progress.State) error {
		s.RevealHint(e.ID, len(e.Ex.Hints))
		return nil
	})
	if err != nil {
		return 0, err
	}
	return s.HintsUsed(e.ID), nil
}

// Solution returns the reference solution of exercise id, once it is done.
func (w *Workbook) Solution(id string) (string, error) {
	e, err := w.a.cat.Exercise(id)
	if err != nil {
		return "", err
	}
	s, _, err := w.Progress()
	if err != nil {
		return "", err
	}
	if !s.IsDone(e.ID) {
		return "", errors.New("the solution opens once your program passes")
	}
	if e.Ex.Solution == nil {
		return "", errors.New("this exercise has no reference solution: yours is the one")
	}
	return plainSource(e.Ex.Solution), nil
}

// Init writes the exercises into the work directory (never overwriting)
// and says what it did.
func (w *Workbook) Init() (string, error) {
	res, err := w.a.dir.Init(w.a.cat)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("Wrote %d files into %s.", len(res.Written), w.a.dir.Dir), nil
}

// Watch reports the folders under the work directory whose Go files were
// saved (one report per save, whatever the editor), until ctx is done;
// call wait after cancelling ctx.
func (w *Workbook) Watch(ctx context.Context) (saves <-chan string, errs <-chan error, wait func(), err error) {
	sw, err := watchSaves(ctx, w.a.dir.Dir, w.a.env.Debounce)
	if err != nil {
		return nil, nil, nil, err
	}
	out := make(chan string)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-ctx.Done():
				return
			case sv := <-sw.Saves:
				select {
				case out <- sv.Dir:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out, sw.Errors, func() { <-done; sw.Wait() }, nil
}

// readFile returns the learner's file, for showing it.
func readFile(path string) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	if fi.Size() > maxLearnerFile {
		return "", fmt.Errorf("%s is larger than %d bytes", filepath.Base(path), maxLearnerFile)
	}
	b, err := os.ReadFile(path)
	return string(b), err
}

// ReadFile returns the contents of the learner's file at path.
func (w *Workbook) ReadFile(path string) (string, error) { return readFile(path) }

// Highlight styles Go source for the terminal (unchanged without colour).
func (w *Workbook) Highlight(src string) []string {
	if w.a.p.Plain {
		return strings.Split(src, "\n")
	}
	return highlightGo(src)
}

// lockedBuffer is a buffer safe for the program's two output streams.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// runUI opens the workbook and hands it to the interactive interface.
func runUI(ctx context.Context, env environment, g Globals) int {
	a, err := newApp(ctx, env, g)
	if err != nil {
		fmt.Fprintf(env.Stderr, "workbook: %v\n", err)
		if isUsage(err) {
			return 2
		}
		return 1
	}
	// The sandbox's line (and a strict refusal) before the interface
	// takes the terminal, not in the middle of it.
	if err := a.sandboxReady(); err != nil {
		return 2
	}
	wb := &Workbook{a: a}
	defer wb.Close()
	if err := env.UI(ctx, wb); err != nil {
		fmt.Fprintf(env.Stderr, "workbook: %v\n", err)
		return 1
	}
	return 0
}

// Editor is the learner's editor command ($VISUAL, else $EDITOR; ""
// when neither is set), as the command line's environment gives it.
func (w *Workbook) Editor() string { return w.a.env.Editor }

// Rel returns path relative to the current directory when that is
// shorter to read, as the plain commands show paths.
func (w *Workbook) Rel(path string) string { return rel(path) }

// Stdin and Stdout are the terminal the interface runs on.
func (w *Workbook) Stdin() io.Reader { return w.a.env.Stdin }

// Stdout is the terminal's output (not rewritten for `go run`).
func (w *Workbook) Stdout() io.Writer {
	if w.a.env.RawStdout != nil {
		return w.a.env.RawStdout
	}
	return w.a.env.Stdout
}
