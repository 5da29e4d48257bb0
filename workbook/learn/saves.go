package learn

import (
	"context"
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// quietTime is how long a folder must stay quiet after a change before
// the change counts as a save. Editors save in bursts of system calls
// (truncate and write, write several times, write a temporary file and
// rename it, rename the old file away) that take well under a
// millisecond; 25 ms coalesces a burst and keeps save → verdict fast
// (docs/performance.md).
const quietTime = 25 * time.Millisecond

// save is one save of the Go files of a folder.
type save struct {
	Dir string   // the folder
	Sum [32]byte // the hash of its Go files' names and contents
}

// saveWatcher reports saves of the Go files of the folders under a
// directory: one per save, whatever system calls the editor makes, and
// none when a burst of events leaves the files as they were (an editor
// removing its backup file, a save without changes).
type saveWatcher struct {
	Saves  <-chan save
	Errors <-chan error
	done   chan struct{}
}

// Wait waits until the watcher has stopped (after its context is done).
func (w *saveWatcher) Wait() { <-w.done }

// watchSaves starts watching the folders under root; quiet is the quiet
// time (quietTime when zero). It stops when ctx is done.
func watchSaves(ctx context.Context, root string, quiet time.Duration) (*saveWatcher, error) {
	if quiet <= 0 {
		quiet = quietTime
	}
	tree, err := watchTree(ctx, root)
	if err != nil {
		return nil, err
	}
	saves := make(chan save)
	errs := make(chan error)
	w := &saveWatcher{Saves: saves, Errors: errs, done: make(chan struct{})}
	last := map[string][32]byte{} // what each folder held at its last save
	_ = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			if sum, ok := goFilesSum(path); ok {
				last[path] = sum
			}
		}
		return nil
	})
	go func() {
		defer close(w.done)
		defer tree.Wait()
		due := map[string]time.Time{} // folders changed, and when they count as saved
		timer := time.NewTimer(time.Hour)
		timer.Stop()
		defer timer.Stop()
		rearm := func() {
			timer.Stop()
			var first time.Time
			for _, t := range due {
				if first.IsZero() || t.Before(first) {
					first = t
				}
			}
			if !first.IsZero() {
				timer.Reset(time.Until(first))
			}
		}
		for {
			select {
			case <-ctx.Done():
				return
			case path, ok := <-tree.Events:
				if !ok {
					return
				}
				if !strings.HasSuffix(path, ".go") {
					continue
				}
				due[filepath.Dir(path)] = time.Now().Add(quiet)
				rearm()
			case err := <-tree.Errors:
				select {
				case errs <- err:
				case <-ctx.Done():
					return
				}
			case now := <-timer.C:
				for dir, t := range due {
					if t.After(now) {
						continue
					}
					delete(due, dir)
					sum, ok := goFilesSum(dir)
					if !ok || sum == last[dir] {
						continue
					}
					last[dir] = sum
					select {
					case saves <- save{Dir: dir, Sum: sum}:
					case <-ctx.Done():
						return
					}
				}
				rearm()
			}
		}
	}()
	return w, nil
}

// goFilesSum hashes the names and contents of the Go files in dir; false
// when there are none (a folder of another kind, or a file renamed away
// in the middle of a save: the rest of the save comes as another event).
func goFilesSum(dir string) ([32]byte, bool) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return [32]byte{}, false
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasSuffix(e.Name(), ".go") {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		return [32]byte{}, false
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		f, err := os.Open(filepath.Join(dir, n))
		if err != nil {
			return [32]byte{}, false
		}
		_, err = io.Copy(h, io.LimitReader(f, maxLearnerFile+1))
		f.Close()
		if err != nil {
			return [32]byte{}, false
		}
		h.Write([]byte{0})
		h.Write([]byte(n))
		h.Write([]byte{0})
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum, true
}
