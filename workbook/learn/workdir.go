package learn

import (
	"bytes"
	"errors"
	"fmt"
	"go/format"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/progress"
)

// The module the work dir's go.mod requires, so that programs using
// golang.org/x/sys/unix build with `go run` and editors resolve it.
const (
	sysModule  = "golang.org/x/sys"
	sysVersion = "v0.50.0"
	// Checksums of sysVersion, as in the workbook's own go.sum.
	sysSum      = "h1:dkKZEFTEKaLr1sjhs0WiKqoi8Jj5nHbS3Njmx1UoMJs="
	sysGoModSum = "h1:hNLxWAXmnKAxqDtdwIYC4bM9oQPEecfsnNMuSxOs3og="
	goDirective = "1.26.0"
)

// workDir is the learner's work directory.
type workDir struct {
	Dir string
	// Prog is how the learner runs the workbook, for the commands the
	// starter files suggest; "workbook" when empty.
	Prog string
}

// File returns the path of exercise e's program.
func (w workDir) File(e *exercise) string {
	return filepath.Join(w.Dir, filepath.FromSlash(e.ID), "main.go")
}

// Exists reports whether the work dir has been created.
func (w workDir) Exists() bool {
	fi, err := os.Stat(w.Dir)
	return err == nil && fi.IsDir()
}

// checkOwn refuses a directory that holds files but is not a work dir (no
// go.mod of ours, no progress file, no exercise folder): a source directory
// of some project, say, which init would fill with exercises and a go.mod
// of its own.
func (w workDir) checkOwn(c *catalog) error {
	entries, err := os.ReadDir(w.Dir)
	if err != nil || len(entries) == 0 {
		return nil // absent or empty: init creates it
	}
	if mod, err := os.ReadFile(filepath.Join(w.Dir, "go.mod")); err == nil && bytes.Equal(mod, goMod()) {
		return nil
	}
	if _, err := os.Stat(filepath.Join(w.Dir, progress.FileName)); err == nil {
		return nil
	}
	for _, e := range c.Exercises() {
		if _, err := os.Stat(filepath.Dir(w.File(e))); err == nil {
			return nil
		}
	}
	return fmt.Errorf("%s holds files but is not a workbook work directory; choose another one with --dir DIR (or $WORKBOOK_DIR)", w.Dir)
}

// initResult says what init did.
type initResult struct {
	Written []string // files created
	Kept    []string // files that existed and were left alone
}

// Init writes every exercise's starter and a go.mod (with go.sum) into the
// work dir. A file that exists is never overwritten.
func (w workDir) Init(c *catalog) (initResult, error) {
	var res initResult
	if err := w.checkOwn(c); err != nil {
		return res, err
	}
	if err := os.MkdirAll(w.Dir, 0o755); err != nil {
		return res, fmt.Errorf("creating the work directory: %w", err)
	}
	files := []struct {
		path string
		data []byte
	}{
		{filepath.Join(w.Dir, "go.mod"), goMod()},
		{filepath.Join(w.Dir, "go.sum"), goSum()},
	}
	for _, e := range c.Exercises() {
		files = append(files, struct {
			path string
			data []byte
		}{w.File(e), starterFile(e, w.Prog)})
	}
	for _, f := range files {
		if f.data == nil {
			continue
		}
		written, err := writeNew(f.path, f.data)
		if err != nil {
			return res, err
		}
		if written {
			res.Written = append(res.Written, f.path)
		} else {
			res.Kept = append(res.Kept, f.path)
		}
	}
	return res, nil
}

// writeNew creates path with data unless it exists; it reports whether it
// wrote. O_EXCL makes "never overwrite" hold even against a race.
func writeNew(path string, data []byte) (bool, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return false, fmt.Errorf("creating %s: %w", filepath.Dir(path), err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("creating %s: %w", path, err)
	}
	_, werr := f.Write(data)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return false, fmt.Errorf("writing %s: %w", path, werr)
	}
	return true, nil
}

// sysRequirement returns the version of golang.org/x/sys the workbook was
// built with, and its checksum when known.
func sysRequirement() (version, sum string) {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == sysModule && d.Version != "" && d.Version != sysVersion {
				return d.Version, d.Sum
			}
		}
	}
	return sysVersion, sysSum
}

func goMod() []byte {
	v, _ := sysRequirement()
	return fmt.Appendf(nil, "// Your workbook exercises. Written by `workbook init`.\nmodule workbook\n\ngo %s\n\nrequire %s %s\n", goDirective, sysModule, v)
}

func goSum() []byte {
	v, sum := sysRequirement()
	var b bytes.Buffer
	if sum != "" {
		fmt.Fprintf(&b, "%s %s %s\n", sysModule, v, sum)
	}
	if v == sysVersion {
		fmt.Fprintf(&b, "%s %s/go.mod %s\n", sysModule, v, sysGoModSum)
	}
	if b.Len() == 0 {
		return nil
	}
	return b.Bytes()
}

// plainSource returns a program's source without its //line directives,
// gofmt-ed when it parses.
func plainSource(p *lessons.Program) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(p.Source, "\n") {
		if strings.HasPrefix(line, "//line ") {
			continue
		}
		b.WriteString(line)
	}
	src := b.String()
	if out, err := format.Source([]byte(src)); err == nil {
		return string(out)
	}
	return src
}

// starterFile is the file init writes for e: a comment saying what to do,
// then the starter program.
func starterFile(e *exercise, prog string) []byte {
	if prog == "" {
		prog = "workbook"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "// Exercise %s: %s\n", e.ID, e.Title())
	fmt.Fprintf(&b, "// (lesson %d, %q: `%s read %d`)\n", e.Lesson.Num, e.Lesson.Title(), prog, e.Lesson.Num)
	b.WriteString("//\n")
	fmt.Fprintf(&b, "// Edit this file and save: `%s watch` checks it on every save.\n", prog)
	fmt.Fprintf(&b, "// Or run `%s check %s`.\n", prog, e.ID)
	fmt.Fprintf(&b, "// Stuck? `%s hint %s`.\n\n", prog, e.ID)
	if e.Ex.Starter != nil {
		b.WriteString(plainSource(e.Ex.Starter))
	}
	return []byte(b.String())
}

// learnerProgram is the program to check for e: the learner's source with
// the starter's expectations. Errors point at the learner's file.
func learnerProgram(e *exercise, file string, src []byte) *lessons.Program {
	p := fileProgram(e.Ex.Starter, file, src)
	p.Name = e.Ex.Name
	p.Exercise = e.Ex.Name
	p.Role = lessons.RoleSolution
	return p
}

// fileProgram is the program in the learner's file with base's
// expectations (an exercise's starter, an example in the playground).
// Errors point at the learner's file.
func fileProgram(base *lessons.Program, file string, src []byte) *lessons.Program {
	p := *base
	p.File = file
	// No line: a message about the whole program (a function it must
	// use) names the file alone; others name their own line.
	p.Line = 0
	// Blocks stay base's: they tell the check whether an expected
	// output was written as a Go "// Output:" comment.
	var b strings.Builder
	var lines []lessons.Pos
	if !hasPackageClause(src) {
		b.WriteString("package main\n")
		lines = append(lines, lessons.Pos{})
	}
	fmt.Fprintf(&b, "//line %s:1\n", file)
	lines = append(lines, lessons.Pos{})
	b.Write(src)
	if len(src) > 0 && src[len(src)-1] != '\n' {
		b.WriteByte('\n')
	}
	n := bytes.Count(src, []byte("\n"))
	if len(src) > 0 && src[len(src)-1] != '\n' {
		n++
	}
	for i := 1; i <= n; i++ {
		lines = append(lines, lessons.Pos{File: file, Line: i})
	}
	p.Source = b.String()
	p.Map = lessons.SourceMap{Lines: lines}
	return &p
}

// hasPackageClause reports whether src starts (after comments) with a
// package clause.
func hasPackageClause(src []byte) bool {
	inBlock := false
	for _, line := range strings.Split(string(src), "\n") {
		t := strings.TrimSpace(line)
		if inBlock {
			if i := strings.Index(t, "*/"); i >= 0 {
				inBlock = false
				t = strings.TrimSpace(t[i+2:])
			} else {
				continue
			}
		}
		if t == "" || strings.HasPrefix(t, "//") {
			continue
		}
		if strings.HasPrefix(t, "/*") {
			if !strings.Contains(t[2:], "*/") {
				inBlock = true
			}
			continue
		}
		return t == "package" || strings.HasPrefix(t, "package ") || strings.HasPrefix(t, "package\t")
	}
	return false
}

// backupName is where reset moves a learner's file: next to it, with a
// timestamp, under a name the Go tools ignore.
func backupName(file string, t time.Time) string {
	base := file + "." + t.UTC().Format("20060102-150405") + ".bak"
	name := base
	for i := 2; ; i++ {
		if _, err := os.Lstat(name); errors.Is(err, fs.ErrNotExist) {
			return name
		}
		name = fmt.Sprintf("%s.%d", base, i)
	}
}

// Reset moves the learner's file for e (if any) to a timestamped backup and
// writes the starter again. It returns the backup's path ("" when there was
// no file).
func (w workDir) Reset(e *exercise, now time.Time) (string, error) {
	file := w.File(e)
	var backup string
	if _, err := os.Lstat(file); err == nil {
		backup = backupName(file, now)
		if err := os.Rename(file, backup); err != nil {
			return "", fmt.Errorf("keeping your file: %w", err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("resetting %s: %w", e.ID, err)
	}
	if _, err := writeNew(file, starterFile(e, w.Prog)); err != nil {
		return backup, err
	}
	return backup, nil
}
