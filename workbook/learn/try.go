package learn

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

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
func (a *app) runTry(ctx context.Context, c Checker, p *lessons.Program, file string) (Verdict, error) {
	src, err := readFile(file)
	if err != nil {
		return Verdict{}, err
	}
	prog := fileProgram(p, rel(file), []byte(src))
	prog.Name = p.Name
	var out lockedBuffer
	res, err := safeCheck(ctx, c, prog, &out)
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
	return w.a.runTry(ctx, c, p, w.a.dir.tryFile(l, p))
}
