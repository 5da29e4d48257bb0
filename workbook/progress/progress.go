// Package progress keeps a learner's progress through the workbook in a small
// JSON file in their work directory: the exercises they have done, the hints
// they have revealed and the exercise they are working on.
//
// Writes are atomic (a temporary file in the same directory, then a rename),
// so an interrupted write never leaves a half-written file behind. A file that
// cannot be decoded is never overwritten: Load moves it aside and reports it.
package progress

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/ppworkbook/workbook/internal/atomicfile"
)

// FileName is the name of the progress file inside a work directory.
const FileName = ".workbook-progress.json"

// version is the format version written in every file.
const version = 1

// State is a learner's progress. Exercises are identified by
// "lesson-slug/exercise-name".
type State struct {
	Version int `json:"version"`
	// Current is the exercise the learner is working on ("" before the first).
	Current string `json:"current,omitempty"`
	// Done maps each exercise done to when its check first passed.
	Done map[string]time.Time `json:"done,omitempty"`
	// Hints maps each exercise to the number of hints revealed.
	Hints map[string]int `json:"hints,omitempty"`
}

// New returns an empty state.
func New() *State {
	return &State{Version: version, Done: map[string]time.Time{}, Hints: map[string]int{}}
}

// IsDone reports whether exercise id is done.
func (s *State) IsDone(id string) bool {
	_, ok := s.Done[id]
	return ok
}

// MarkDone records that exercise id passed its check at t. The first time
// is kept: marking an exercise done again does not change it. It reports
// whether the exercise was newly done.
func (s *State) MarkDone(id string, t time.Time) bool {
	if s.IsDone(id) {
		return false
	}
	if s.Done == nil {
		s.Done = map[string]time.Time{}
	}
	s.Done[id] = t.UTC()
	return true
}

// HintsUsed returns how many hints of exercise id have been revealed.
func (s *State) HintsUsed(id string) int { return s.Hints[id] }

// RevealHint records one more hint of exercise id revealed, never more than
// total, and returns the number now revealed.
func (s *State) RevealHint(id string, total int) int {
	n := s.Hints[id]
	if n < total {
		n++
	}
	s.SetHints(id, n)
	return n
}

// SetHints records that n hints of exercise id have been revealed.
func (s *State) SetHints(id string, n int) {
	if s.Hints == nil {
		s.Hints = map[string]int{}
	}
	if n <= 0 {
		delete(s.Hints, id)
		return
	}
	s.Hints[id] = n
}

// DoneIDs returns the exercises done, sorted by when they were done (then
// by id).
func (s *State) DoneIDs() []string {
	ids := make([]string, 0, len(s.Done))
	for id := range s.Done {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		ti, tj := s.Done[ids[i]], s.Done[ids[j]]
		if !ti.Equal(tj) {
			return ti.Before(tj)
		}
		return ids[i] < ids[j]
	})
	return ids
}

// CorruptError reports a progress file that could not be decoded. The file
// has been moved to Backup; Load carried on with an empty state.
type CorruptError struct {
	Path   string // the progress file
	Backup string // where it was moved
	Err    error  // the decoding error
}

// Error describes the problem and where the file went.
func (e *CorruptError) Error() string {
	return fmt.Sprintf("%s is not a valid progress file (%v); it was moved to %s and progress starts afresh", e.Path, e.Err, e.Backup)
}

// Unwrap returns the decoding error.
func (e *CorruptError) Unwrap() error { return e.Err }

// Store reads and writes the progress file of one work directory.
type Store struct {
	Dir string // the work directory
	// Now returns the current time; time.Now when nil. Used for the name
	// of a corrupt file's backup.
	Now func() time.Time
}

// Path returns the progress file's path.
func (st Store) Path() string { return filepath.Join(st.Dir, FileName) }

func (st Store) now() time.Time {
	if st.Now != nil {
		return st.Now()
	}
	return time.Now()
}

// Load reads the progress file. A missing file gives an empty state and no
// error. A file that cannot be decoded is renamed to
// ".workbook-progress.json.corrupt-TIMESTAMP" and Load returns an empty state
// together with a *CorruptError; any other error comes with a nil state.
func (st Store) Load() (*State, error) {
	path := st.Path()
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return New(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading progress: %w", err)
	}
	s := New()
	if err := decode(data, s); err != nil {
		backup := path + ".corrupt-" + st.now().UTC().Format("20060102T150405Z")
		for i := 2; exists(backup); i++ {
			backup = fmt.Sprintf("%s.corrupt-%s-%d", path, st.now().UTC().Format("20060102T150405Z"), i)
		}
		if rerr := os.Rename(path, backup); rerr != nil {
			return nil, fmt.Errorf("progress file %s is corrupt (%v) and could not be moved aside: %w", path, err, rerr)
		}
		return New(), &CorruptError{Path: path, Backup: backup, Err: err}
	}
	return s, nil
}

func decode(data []byte, s *State) error {
	if err := json.Unmarshal(data, s); err != nil {
		return err
	}
	if s.Version != version {
		return fmt.Errorf("unknown format version %d", s.Version)
	}
	if s.Done == nil {
		s.Done = map[string]time.Time{}
	}
	if s.Hints == nil {
		s.Hints = map[string]int{}
	}
	for id, n := range s.Hints {
		if n < 0 {
			return fmt.Errorf("negative hint count for %q", id)
		}
	}
	return nil
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// Save writes s atomically: to a temporary file in the work directory, then
// renamed over the progress file.
func (st Store) Save(s *State) error {
	s.Version = version
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding progress: %w", err)
	}
	data = append(data, '\n')
	if err := atomicfile.WriteFile(st.Path(), data, 0o644); err != nil {
		return fmt.Errorf("saving progress: %w", err)
	}
	return nil
}

// Update loads the state, applies fn and saves the result when fn returns
// nil. When the file was corrupt it has been moved aside, fn sees a fresh
// state, and the *CorruptError is returned after a successful save so that
// the caller can tell the learner.
func (st Store) Update(fn func(*State) error) (*State, error) {
	s, lerr := st.Load()
	var corrupt *CorruptError
	if lerr != nil && !errors.As(lerr, &corrupt) {
		return nil, lerr
	}
	if err := fn(s); err != nil {
		return s, err
	}
	if err := st.Save(s); err != nil {
		return s, err
	}
	return s, lerr
}
