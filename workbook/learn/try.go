package learn

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/ppworkbook/workbook/lessons"
)

// playgroundDir is the folder of the work directory that holds the
// examples copied to be played with.
const playgroundDir = "playground"

// example finds the runnable example name of lesson l.
func (l *lesson) example(name string) (*lessons.Program, error) {
	var names []string
	for _, p := range l.Examples() {
		if p.Name == name {
			return p, nil
		}
		names = append(names, p.Name)
	}
	return nil, fmt.Errorf("lesson %d has no example %q; its examples are: %s", l.Num, name, strings.Join(names, ", "))
}

// tryFile is where example p of lesson l is copied to be played with.
func (w workDir) tryFile(l *lesson, p *lessons.Program) string {
	return filepath.Join(w.Dir, playgroundDir, l.Slug, p.Name, "main.go")
}

// tryExample copies example p of lesson l into the playground (never
// over a copy already there: it is the learner's) and returns its path
// and whether it was written now.
func (a *app) tryExample(l *lesson, p *lessons.Program) (string, bool, error) {
	if _, err := os.Stat(filepath.Join(a.dir.Dir, "go.mod")); errors.Is(err, fs.ErrNotExist) {
		if _, err := a.dir.Init(a.cat); err != nil {
			return "", false, err
		}
	}
	file := a.dir.tryFile(l, p)
	var b strings.Builder
	fmt.Fprintf(&b, "// Playground: example %s of lesson %d, %q.\n", p.Name, l.Num, l.Title())
	b.WriteString("// Change it and save: it runs again, its output next to the lesson's.\n\n")
	b.WriteString(plainSource(p))
	written, err := writeNew(file, []byte(b.String()))
	return file, written, err
}

// runTry runs the playground copy of example p: the learner's file, with
// the example's expectations.
func (a *app) runTry(ctx context.Context, c Checker, l *lesson, p *lessons.Program, file string) (Verdict, error) {
	src, err := readFile(file)
	if err != nil {
		return Verdict{}, err
	}
	prog := fileProgram(p, rel(file), []byte(src))
	prog.Name = p.Name
	var out lockedBuffer
	res, err := safeCheck(ctx, c, prog, lessons.Resolve(p, l.Doc.Defaults, lessons.CommandLine{}), &out)
	v := Verdict{Output: out.String(), Status: string(statusFail)}
	if p.Expect.Stdout != nil {
		v.Expected = p.Expect.Stdout.Text
	}
	if err != nil {
		v.Status, v.Message = string(statusError), a.learnerText(err.Error())
		return v, nil
	}
	v.Pass = res.Pass
	if res.Pass {
		v.Status = string(statusPass)
	} else {
		v.Message, v.Detail = a.learnerResult(res)
	}
	return v, nil
}

// Try copies example name of lesson num into the work directory's
// playground, as an editable program (a copy already there is kept), and
// returns its path.
func (w *Workbook) Try(num int, name string) (string, error) {
	l, err := w.lesson(num)
	if err != nil {
		return "", err
	}
	p, err := l.example(name)
	if err != nil {
		return "", err
	}
	file, _, err := w.a.tryExample(l, p)
	return file, err
}

// RunTry runs the playground copy of example name of lesson num.
func (w *Workbook) RunTry(ctx context.Context, num int, name string) (Verdict, error) {
	l, err := w.lesson(num)
	if err != nil {
		return Verdict{}, err
	}
	p, err := l.example(name)
	if err != nil {
		return Verdict{}, err
	}
	c, err := w.check()
	if err != nil {
		return Verdict{}, err
	}
	return w.a.runTry(ctx, c, l, p, w.a.dir.tryFile(l, p))
}

func cmdTry(a *app, _ *cmdOpts, args []string) error {
	if len(args) != 2 {
		return usageError("which lesson and which example? (`workbook run LESSON` names them)")
	}
	l, err := a.cat.Lesson(args[0])
	if err != nil {
		return err
	}
	p, err := l.example(args[1])
	if err != nil {
		return err
	}
	file, written, err := a.tryExample(l, p)
	if err != nil {
		return err
	}
	if written {
		a.out("Copied example %s of lesson %d to %s: edit it and save.\n", p.Name, l.Num, rel(file))
	} else {
		a.out("Your copy of example %s is %s (kept as you left it).\n", p.Name, rel(file))
	}
	c, release, err := a.checker()
	if err != nil {
		return err
	}
	defer release()
	if err := a.showTry(c, l, p, file); err != nil {
		return err
	}
	if !a.env.Interactive {
		return nil
	}
	// On a terminal: run it again on every save, until q or Ctrl-C.
	ctx, cancel := context.WithCancel(a.ctx)
	defer cancel()
	saves, err := watchSaves(ctx, a.dir.Dir, a.env.Debounce)
	if err != nil {
		return err
	}
	defer saves.Wait()
	defer cancel()
	restore, raw := cbreak(a.env.Stdin)
	defer restore()
	keys := readKeys(ctx, a.env.Stdin, raw)
	a.out("%s\n", a.p.Dim("Save the file to run it again; q quits."))
	for {
		select {
		case <-ctx.Done():
			return nil
		case k, ok := <-keys:
			if !ok || k == "q" || k == "quit" {
				return nil
			}
		case sv := <-saves.Saves:
			if sv.Dir != filepath.Dir(file) {
				continue
			}
			if a.env.Terminal {
				a.out("\033[H\033[2J")
			}
			if err := a.showTry(c, l, p, file); err != nil {
				return err
			}
			a.out("%s\n", a.p.Dim("Save the file to run it again; q quits."))
		case err := <-saves.Errors:
			a.warn("watching: %v", err)
		}
	}
}

// showTry runs the playground copy of p and prints its output next to
// what the lesson says it prints.
func (a *app) showTry(c Checker, l *lesson, p *lessons.Program, file string) error {
	v, err := a.runTry(a.ctx, c, l, p, file)
	if err != nil {
		return err
	}
	pal := a.p
	a.out("\n")
	got := strings.Split(strings.TrimRight(v.Output, "\n"), "\n")
	want := strings.Split(strings.TrimRight(v.Expected, "\n"), "\n")
	if v.Expected == "" {
		want = []string{"(the lesson gives no output)"}
	}
	col := 0
	for _, g := range got {
		col = max(col, utf8.RuneCountInString(g))
	}
	col = max(min(col, (a.env.Width-3)/2), len("your program printed"))
	pad := func(s string) string {
		if n := utf8.RuneCountInString(s); n < col {
			return s + strings.Repeat(" ", col-n)
		}
		return s
	}
	a.out("%s │ %s\n", pal.Strong(pad("your program printed")), pal.Strong("the lesson says"))
	for i := 0; i < max(len(got), len(want)); i++ {
		g, w := "", ""
		if i < len(got) {
			g = strings.ReplaceAll(got[i], "\t", "    ")
		}
		if i < len(want) {
			w = strings.ReplaceAll(want[i], "\t", "    ")
		}
		sep := "│"
		if g != w && v.Expected != "" {
			sep = pal.Warn("≠")
		}
		a.out("%s %s %s\n", pad(g), sep, w)
	}
	a.out("\n")
	switch {
	case v.Pass:
		a.out("%s it does what the lesson says.\n", pal.Pass("✓ same"))
	case v.Status == string(statusError):
		a.out("%s %s\n", pal.Fail("! could not run:"), v.Message)
	default:
		a.out("%s %s\n", pal.Warn("≠ different:"), v.Message)
		if v.Detail != "" && !strings.HasPrefix(v.Detail, "---") {
			a.out("%s\n", v.Detail)
		}
	}
	return nil
}
