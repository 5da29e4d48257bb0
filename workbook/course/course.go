// Package course holds the files of a new course, as `workbook new` writes
// them: a README, a first lesson, the workflows that verify the course and
// grade a class, and a template repository for GitHub Classroom. The
// files are embedded; those ending in .tmpl are text/template templates
// with [[ ]] delimiters (GitHub's expressions use ${{ }}).
package course

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"text/template"
)

//go:embed all:template
var files embed.FS

// Data fills in the templates.
type Data struct {
	Title     string     // the course's title
	Version   string     // the workbook version the workflows install ("latest" when empty)
	GoVersion string     // the Go version the workflows set up ("1.26", say)
	Exercises []Exercise // every exercise of the course's lessons, in order
	// VerifyShards and GradeShards are the jobs of the verify and grade
	// matrices (2 and 4 when zero).
	VerifyShards, GradeShards int
}

// Exercise is one exercise as the Classroom workflow grades it.
type Exercise struct {
	ID     string // "01-first-steps/shout"
	Points int
	// Step is the exercise's step id in the Classroom workflow, filled in
	// by Render: letters, digits and underscores, starting with a letter,
	// unique.
	Step string
}

// EnvName is the variable that carries the step's result to Classroom's
// reporter, which reads STEPID_RESULTS (upper case).
func (e Exercise) EnvName() string { return strings.ToUpper(e.Step) + "_RESULTS" }

// nonWord matches what a step id cannot hold.
var nonWord = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[^A-Za-z0-9_]+`) })

// Runners lists the Classroom steps, as the reporter's runners input.
func (d Data) Runners() string {
	ids := make([]string, len(d.Exercises))
	for i, e := range d.Exercises {
		ids[i] = e.Step
	}
	return strings.Join(ids, ",")
}

// VerifyShardList is the verify matrix, as a YAML flow sequence.
func (d Data) VerifyShardList() string { return shardList(d.VerifyShards) }

// GradeShardList is the grade matrix, as a YAML flow sequence.
func (d Data) GradeShardList() string { return shardList(d.GradeShards) }

func shardList(n int) string {
	s := make([]string, n)
	for i := range s {
		s[i] = fmt.Sprint(i + 1)
	}
	return "[" + strings.Join(s, ", ") + "]"
}

func (d Data) withDefaults() Data {
	if d.Version == "" {
		d.Version = "latest"
	}
	if d.VerifyShards <= 0 {
		d.VerifyShards = 2
	}
	if d.GradeShards <= 0 {
		d.GradeShards = 4
	}
	exs := make([]Exercise, len(d.Exercises))
	taken := map[string]bool{}
	for i, e := range d.Exercises {
		base := "ex_" + strings.Trim(nonWord().ReplaceAllString(e.ID, "_"), "_")
		e.Step = base
		for n := 2; taken[strings.ToUpper(e.Step)]; n++ {
			e.Step = fmt.Sprintf("%s_%d", base, n)
		}
		taken[strings.ToUpper(e.Step)] = true
		exs[i] = e
	}
	d.Exercises = exs
	return d
}

// Lessons returns the course's lesson files (and nothing else): what the
// exercises, and so Data.Exercises, come from.
func Lessons() fs.FS {
	sub, err := fs.Sub(files, "template")
	if err != nil {
		panic(err) // the embedded tree has this folder
	}
	return lessonFS{sub}
}

// lessonFS shows the lessons at the root of the template: its Markdown
// files that are not templates.
type lessonFS struct{ fs.FS }

func (l lessonFS) Open(name string) (fs.File, error) {
	if name != "." && (strings.Contains(name, "/") || !strings.HasSuffix(name, ".md")) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return l.FS.Open(name)
}

// Render returns every file of the course, by slash-separated path,
// templates filled in with d.
func Render(d Data) (map[string][]byte, error) {
	d = d.withDefaults()
	out := map[string][]byte{}
	err := fs.WalkDir(files, "template", func(name string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		data, err := files.ReadFile(name)
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(name, "template/")
		if strings.HasSuffix(rel, ".tmpl") {
			rel = strings.TrimSuffix(rel, ".tmpl")
			t, err := template.New(rel).Delims("[[", "]]").Option("missingkey=error").Parse(string(data))
			if err != nil {
				return fmt.Errorf("template %s: %w", rel, err)
			}
			var b bytes.Buffer
			if err := t.Execute(&b, d); err != nil {
				return fmt.Errorf("template %s: %w", rel, err)
			}
			data = b.Bytes()
		}
		out[rel] = data
		return nil
	})
	return out, err
}

// ClassroomWorkflow is the path of the Classroom workflow among the files
// Render returns.
const ClassroomWorkflow = "student/.github/workflows/classroom.yml"

// ErrNotEmpty is returned by Write for a directory that holds files.
var ErrNotEmpty = errors.New("not empty")

// Write writes the course's files into dir (check it with CheckEmpty
// first) and returns their paths (slash-separated, relative to dir),
// sorted. It never overwrites a file.
func Write(dir string, d Data) ([]string, error) {
	rendered, err := Render(d)
	if err != nil {
		return nil, err
	}
	var names []string
	for name := range rendered {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, fmt.Errorf("creating %s: %w", path.Dir(name), err)
		}
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return nil, fmt.Errorf("writing the course: %w", err)
		}
		_, werr := f.Write(rendered[name])
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return nil, fmt.Errorf("writing %s: %w", p, werr)
		}
	}
	return names, nil
}

// CheckEmpty returns an error wrapping ErrNotEmpty when dir holds
// anything, and nil when it is empty or absent.
func CheckEmpty(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("%s: %w", dir, err)
	case len(entries) > 0:
		return fmt.Errorf("%s is %w (it holds %s): a new course goes into a new or empty directory", dir, ErrNotEmpty, entries[0].Name())
	}
	return nil
}
