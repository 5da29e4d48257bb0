package learn

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/fsnotify/fsnotify"
	"github.com/ppworkbook/workbook/workbook/progress"
)

func cmdWatch(a *app, _ *cmdOpts, args []string) error {
	if len(args) > 0 {
		return usageError("watch takes no arguments")
	}
	if !a.dir.Exists() {
		return fmt.Errorf("%s does not exist yet: run `workbook init` first", rel(a.dir.Dir))
	}
	c, release, err := a.checker()
	if err != nil {
		return err
	}
	defer release()
	ctx, cancel := context.WithCancel(a.ctx)
	defer cancel()
	saves, err := watchSaves(ctx, a.dir.Dir, a.env.Debounce)
	if err != nil {
		return err
	}
	defer saves.Wait()
	defer cancel()
	raw := false
	if a.env.Interactive {
		restore, ok := cbreak(a.env.Stdin)
		defer restore()
		raw = ok
	}
	w := &watchSession{
		a:     a,
		c:     c,
		saves: saves.Saves,
		errs:  saves.Errors,
		keys:  readKeys(ctx, a.env.Stdin, raw),
		raw:   raw,
	}
	return w.run(ctx)
}

// treeWatcher reports changes anywhere under a directory, following new
// subdirectories. It watches directories, not files, so that editors that
// save by writing a new file and renaming it over the old one are seen.
type treeWatcher struct {
	Events <-chan string // paths that changed
	Errors <-chan error
	done   chan struct{}
}

// Wait waits until the watcher has stopped (after its context is done).
func (t *treeWatcher) Wait() { <-t.done }

// watchTree starts watching root; it stops when ctx is done.
func watchTree(ctx context.Context, root string) (*treeWatcher, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watching %s: %w", root, err)
	}
	if err := addTree(fw, root); err != nil {
		fw.Close()
		return nil, err
	}
	events := make(chan string)
	errs := make(chan error)
	t := &treeWatcher{Events: events, Errors: errs, done: make(chan struct{})}
	go func() {
		defer close(t.done)
		defer fw.Close()
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-fw.Events:
				if !ok {
					return
				}
				if ev.Has(fsnotify.Create) {
					// A new directory (an exercise added by init): watch it too.
					// Failing that is not fatal: its files are just not seen.
					_ = addTree(fw, ev.Name)
				}
				select {
				case events <- ev.Name:
				case <-ctx.Done():
					return
				}
			case err, ok := <-fw.Errors:
				if !ok {
					return
				}
				select {
				case errs <- err:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return t, nil
}

// addTree watches dir and every directory below it (hidden ones excepted).
// A path that is not a directory is ignored.
func addTree(fw *fsnotify.Watcher, dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == dir {
				return nil
			}
			return nil
		}
		if !d.IsDir() {
			return nil
		}
		if path != dir && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if err := fw.Add(path); err != nil {
			return fmt.Errorf("watching %s: %w", path, err)
		}
		return nil
	})
}

// readKeys delivers the learner's commands until EOF (the channel is then
// closed) or until ctx is done: one per line, or, when raw, one per key
// (Enter is "", Ctrl-D is EOF). A read blocked on a reader that cannot be
// interrupted (a terminal) ends when the process does.
func readKeys(ctx context.Context, r io.Reader, raw bool) <-chan string {
	ch := make(chan string)
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(r)
		if raw {
			sc.Split(bufio.ScanBytes)
		}
		for sc.Scan() {
			k := sc.Text()
			if raw && k == "\x04" {
				return
			}
			select {
			case ch <- strings.ToLower(strings.TrimSpace(k)):
			case <-ctx.Done():
				return
			}
		}
	}()
	return ch
}

// watchSession is one run of watch mode.
type watchSession struct {
	a     *app
	c     Checker
	saves <-chan save
	errs  <-chan error
	keys  <-chan string
	raw   bool // keys act at once, without Enter
	// checked, when not nil, is called after every check (tests wait on it).
	checked func(outcome)
	pending *pendingCheck // the check running, if any
	cur     *exercise
}

// keyHelp lists the keys of watch mode.
func (w *watchSession) keyHelp() string {
	const keys = "h hint · n next · l list · c check all · r check again · q quit"
	if w.raw {
		return keys
	}
	return keys + " (then Enter)"
}

func (w *watchSession) run(ctx context.Context) error {
	a := w.a
	s, err := a.loadProgress()
	if err != nil {
		return err
	}
	// The exercise recorded as current stays current even when done: watch
	// moves on only when the learner presses n.
	w.cur = a.current(s)
	if s.Current != "" {
		if e, err := a.cat.Exercise(s.Current); err == nil {
			w.cur = e
		}
	}
	if w.cur == nil {
		a.out("Every exercise is done! %s lists them; %s shows a reference solution.\n", a.p.Code("workbook list"), a.p.Code("workbook solution EXERCISE"))
		return nil
	}
	defer w.stop()
	w.start(ctx)
	for {
		var result <-chan outcome
		if w.pending != nil {
			result = w.pending.done
		}
		select {
		case <-ctx.Done():
			return nil
		case k, ok := <-w.keys:
			if !ok {
				// End of input: report the check under way, then end.
				if w.pending != nil {
					o := <-w.pending.done
					w.pending = nil
					return w.report(o)
				}
				return nil
			}
			quit, err := w.key(ctx, k)
			if err != nil || quit {
				return err
			}
		case sv := <-w.saves:
			if w.concerns(sv) {
				w.start(ctx)
			}
		case err := <-w.errs:
			a.warn("watching: %v", err)
		case o := <-result:
			w.pending = nil
			if err := w.report(o); err != nil {
				return err
			}
		}
	}
}

// pendingCheck is a check running in the background, so that keys work
// while a slow program runs, and a new save cancels the old check.
type pendingCheck struct {
	cancel context.CancelFunc
	done   chan outcome
}

// start checks the current exercise in the background, cancelling a check
// still running.
func (w *watchSession) start(ctx context.Context) {
	w.stop()
	a := w.a
	if a.env.Terminal {
		a.out("\033[H\033[2J")
	}
	e := w.cur
	a.out("%s %s  %s\n\n", a.p.H2("Watching"), a.p.Strong(e.ID), a.p.Dim(fmt.Sprintf("lesson %d: workbook read %d", e.Lesson.Num, e.Lesson.Num)))
	cctx, cancel := context.WithCancel(ctx)
	p := &pendingCheck{cancel: cancel, done: make(chan outcome, 1)}
	file := rel(a.dir.File(e))
	go func() { p.done <- checkFile(cctx, w.c, e, file, nil) }()
	w.pending = p
}

// stop cancels the check running, if any, and waits for it.
func (w *watchSession) stop() {
	if w.pending == nil {
		return
	}
	w.pending.cancel()
	<-w.pending.done
	w.pending = nil
}

// concerns reports whether a save may change the current exercise's
// result: a save of its folder.
func (w *watchSession) concerns(sv save) bool {
	return sv.Dir == filepath.Dir(w.a.dir.File(w.cur))
}

// report shows a check's result and records it.
func (w *watchSession) report(o outcome) error {
	a := w.a
	e := o.Exercise
	a.printOutcome(o)
	s, _, err := a.record(o)
	if err != nil {
		return err
	}
	a.out("\n")
	switch {
	case s.IsDone(e.ID):
		enter := " then Enter"
		if w.raw {
			enter = ""
		}
		a.out("%s Press n%s for the next exercise (watch never moves on by itself).\n", a.p.Pass("Done."), enter)
	case o.Status == statusFail:
		if left := len(e.Ex.Hints) - s.HintsUsed(e.ID); left > 0 {
			a.out("Stuck? Press h for a hint (%d of %d left).\n", left, len(e.Ex.Hints))
		}
		a.out("Edit %s and save: it is checked again.\n", rel(o.File))
	}
	a.out("%s\n", a.p.Dim(w.keyHelp()))
	if w.checked != nil {
		w.checked(o)
	}
	return nil
}

// key handles one command line; it reports whether to quit.
func (w *watchSession) key(ctx context.Context, k string) (bool, error) {
	a := w.a
	switch k {
	case "q", "quit", "exit":
		return true, nil
	case "h", "hint":
		return false, a.showHint(w.cur, false)
	case "l", "list":
		s, err := a.loadProgress()
		if err != nil {
			return false, err
		}
		a.printList(s)
	case "c":
		if err := a.checkAll(w.c); err != nil && !errors.Is(err, errSilent) {
			return false, err
		}
	case "r", "":
		w.start(ctx)
	case "n", "next":
		s, err := a.loadProgress()
		if err != nil {
			return false, err
		}
		if !s.IsDone(w.cur.ID) {
			a.out("%s is not done yet: n moves on once it passes. (h gives a hint.)\n", w.cur.ID)
			return false, nil
		}
		next := a.nextNotDone(s, w.cur)
		if next == nil {
			a.out("Every exercise is done! Press q to quit.\n")
			return false, nil
		}
		w.cur = next
		if _, err := a.updateProgress(func(s *progress.State) error {
			s.Current = next.ID
			return nil
		}); err != nil {
			return false, err
		}
		w.start(ctx)
	default:
		if w.raw && (len(k) != 1 || k[0] < ' ' || k[0] > '~') {
			return false, nil // an arrow, a function key: not ours
		}
		a.out("Unknown key %q. %s\n", k, w.keyHelp())
	}
	return false, nil
}
