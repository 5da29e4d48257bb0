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
	"unicode/utf8"

	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/check"
)

// submission is one student's directory, opened so that nothing outside it
// can be read through it: every file is opened through an os.Root, which
// resolves symbolic links and refuses those that lead out of the directory.
type submission struct {
	dir    string   // the directory as the teacher named it
	root   *os.Root // nil when the directory cannot be opened
	prefix string   // "" or DefaultWorkDir: where the work dir is inside dir
	err    error    // why root is nil
}

// openSubmission opens a student's directory. The work dir is the
// directory itself, or its DefaultWorkDir folder when the student handed in
// the folder holding their work dir (a repository, say); both are looked
// up inside the root, so a DefaultWorkDir that is a link out of the
// directory is never followed. Close it when done.
func openSubmission(dir string) *submission {
	s := &submission{dir: filepath.Clean(dir)}
	root, err := os.OpenRoot(s.dir)
	if err != nil {
		s.err = err
		return s
	}
	s.root = root
	if !rootExists(root, "go.mod") && rootExists(root, filepath.Join(DefaultWorkDir, "go.mod")) {
		s.prefix = DefaultWorkDir
	}
	return s
}

func rootExists(r *os.Root, name string) bool {
	_, err := r.Stat(name)
	return err == nil
}

// Close releases the directory.
func (s *submission) Close() error {
	if s.root == nil {
		return nil
	}
	return s.root.Close()
}

// path returns the path of exercise e's program, as shown in reasons.
func (s *submission) path(e *exercise) string {
	return filepath.Join(s.dir, s.prefix, filepath.FromSlash(e.ID), "main.go")
}

// missingError says that a program is not there (statusMissing).
type missingError struct{ msg string }

func (e *missingError) Error() string { return e.msg }

func missingf(format string, args ...any) error {
	return &missingError{msg: fmt.Sprintf(format, args...)}
}

// escapeError is a program that is a symbolic link leading out of the
// student's directory (statusError: it is not read).
type escapeError struct{ file string }

func (e *escapeError) Error() string {
	return fmt.Sprintf("%s leads out of the student's directory (a symbolic link): it is not read", e.file)
}

// junkError is a program that is not Go source at all (statusFail, as a
// build failure).
type junkError struct {
	file string
	line int
	what string
}

func (e *junkError) Error() string {
	return fmt.Sprintf("%s:%d: this is not Go source: %s", e.file, e.line, e.what)
}

// read returns the source of e's program. Its errors: *missingError
// when there is no file, *escapeError for a link out of the directory,
// *junkError for binary data; others for a file that cannot be read (a
// directory, a pipe, a file too large).
func (s *submission) read(e *exercise) ([]byte, error) {
	file := s.path(e)
	if s.root == nil {
		if errors.Is(s.err, fs.ErrNotExist) {
			return nil, missingf("%s: no such directory", s.dir)
		}
		if fi, err := os.Stat(s.dir); err == nil && !fi.IsDir() {
			return nil, missingf("%s is not a directory", s.dir)
		}
		return nil, fmt.Errorf("%s: %w", s.dir, s.err)
	}
	name := filepath.Join(s.prefix, filepath.FromSlash(e.ID), "main.go")
	fi, err := s.root.Stat(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if _, lerr := s.root.Lstat(name); lerr == nil {
			return nil, missingf("%s is a symbolic link to nothing", file)
		}
		return nil, missingf("%s does not exist", file)
	case err != nil && isEscape(err):
		return nil, &escapeError{file: file}
	case err != nil:
		return nil, err
	case !fi.Mode().IsRegular():
		return nil, fmt.Errorf("%s is not a regular file (%s)", file, fi.Mode().Type())
	case fi.Size() > maxLearnerFile:
		return nil, fmt.Errorf("%s is larger than %d bytes", file, maxLearnerFile)
	}
	f, err := s.root.Open(name)
	if err != nil {
		if isEscape(err) {
			return nil, &escapeError{file: file}
		}
		return nil, err
	}
	defer f.Close()
	src, err := io.ReadAll(io.LimitReader(f, maxLearnerFile+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", file, err)
	}
	if len(src) > maxLearnerFile {
		return nil, fmt.Errorf("%s is larger than %d bytes", file, maxLearnerFile)
	}
	if err := checkText(file, src); err != nil {
		return nil, err
	}
	return src, nil
}

// isEscape reports whether err is os.Root refusing a path that leaves it
// (os.Root's error for it is not exported; its text has been the same
// since os.Root appeared in Go 1.24).
func isEscape(err error) bool {
	var pe *fs.PathError
	return errors.As(err, &pe) && strings.Contains(pe.Err.Error(), "path escapes")
}

// checkText refuses binary data: a NUL byte or bytes that are not UTF-8,
// which the Go compiler would refuse too, with pages of messages.
func checkText(file string, src []byte) error {
	if i := bytes.IndexByte(src, 0); i >= 0 {
		return &junkError{file: file, line: 1 + bytes.Count(src[:i], []byte("\n")), what: "it holds binary data (a NUL byte)"}
	}
	if !utf8.Valid(src) {
		i := 0
		for i < len(src) {
			r, n := utf8.DecodeRune(src[i:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			i += n
		}
		return &junkError{file: file, line: 1 + bytes.Count(src[:i], []byte("\n")), what: "it holds bytes that are not UTF-8 text"}
	}
	return nil
}

// gradeOne checks exercise e of submission s. A student's program can fail
// in any way: that is a grade, with its reason.
func gradeOne(ctx context.Context, c Checker, s *submission, e *exercise) gradeResult {
	res := gradeResult{Exercise: e.ID, MaxPoints: e.Ex.Points}
	if err := ctx.Err(); err != nil {
		res.Status, res.Reason = statusError, err.Error()
		return res
	}
	src, err := s.read(e)
	var junk *junkError
	var missing *missingError
	switch {
	case errors.As(err, &missing):
		res.Status, res.Reason = statusMissing, err.Error()
		return res
	case errors.As(err, &junk):
		res.Status, res.Failure, res.Reason = statusFail, string(check.FailBuild), err.Error()
		return res
	case err != nil:
		res.Status, res.Reason = statusError, err.Error()
		return res
	case e.Ex.Starter == nil:
		res.Status, res.Reason = statusError, fmt.Sprintf("exercise %s has no starter program", e.ID)
		return res
	case e.Ex.Starter.Mode == lessons.ModeSkip:
		res.Status, res.Reason = statusError, fmt.Sprintf("exercise %s is marked skip: it cannot be checked", e.ID)
		return res
	}
	prog := learnerProgram(e, s.path(e), src)
	r, err := safeCheck(ctx, c, prog, e.settings(prog), nil)
	switch {
	case err != nil:
		res.Status, res.Reason = statusError, err.Error()
	case r.Pass:
		res.Status, res.Points = statusPass, e.Ex.Points
	default:
		res.Status, res.Failure, res.Reason = statusFail, string(r.Failure), r.Reason()
	}
	return res
}
