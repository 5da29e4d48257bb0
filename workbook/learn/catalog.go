package learn

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/ppworkbook/workbook/lessons"
)

// catalog is the set of lessons the learner works through, in order.
type catalog struct {
	Title   string
	Lessons []*lesson
}

// lesson is one loaded lesson.
type lesson struct {
	Num  int    // 1-based position in the catalog
	Slug string // file name without ".md": names its folder in the work dir
	Doc  *lessons.Document
}

// exercise is one exercise of one lesson.
type exercise struct {
	Lesson *lesson
	Ex     *lessons.Exercise
	ID     string // "lesson-slug/name": its key in progress and its folder in the work dir
}

// loadCatalog loads every lesson at the root of fsys, ordered by weight then
// file name. A README.md is not a lesson: its title (front matter, else
// first level-1 heading), if any, becomes the workbook's. Problems in
// several lessons are all reported. Every document is read by package
// lessons.
func loadCatalog(fsys fs.FS, title string) (*catalog, error) {
	names, err := fs.Glob(fsys, "*.md")
	if err != nil {
		return nil, fmt.Errorf("listing lessons: %w", err)
	}
	c := &catalog{Title: title}
	var lessonNames []string
	for _, name := range names {
		if !strings.EqualFold(name, "README.md") {
			lessonNames = append(lessonNames, name)
			continue
		}
		// The README only names the workbook: one that cannot be
		// read leaves the default title.
		if doc, err := lessons.Load(fsys, name); err == nil && doc.Title != "" {
			c.Title = doc.Title
		}
	}
	docs, err := lessons.LoadAll(fsys, lessonNames)
	if err != nil {
		return nil, err
	}
	for _, doc := range docs {
		c.Lessons = append(c.Lessons, &lesson{Slug: strings.TrimSuffix(doc.File, ".md"), Doc: doc})
	}
	if len(c.Lessons) == 0 {
		return nil, errors.New("no lessons found (a lesson is a .md file at the top of the lessons directory)")
	}
	sort.SliceStable(c.Lessons, func(i, j int) bool {
		a, b := c.Lessons[i], c.Lessons[j]
		if a.Doc.Weight != b.Doc.Weight {
			return a.Doc.Weight < b.Doc.Weight
		}
		return a.Slug < b.Slug
	})
	for i, l := range c.Lessons {
		l.Num = i + 1
	}
	return c, nil
}

// Title returns the lesson's title, or its slug when it has none.
func (l *lesson) Title() string {
	if l.Doc.Title != "" {
		return l.Doc.Title
	}
	return l.Slug
}

// Exercises returns the lesson's exercises.
func (l *lesson) Exercises() []*exercise {
	var out []*exercise
	for _, e := range l.Doc.Exercises {
		out = append(out, &exercise{Lesson: l, Ex: e, ID: l.Slug + "/" + e.Name})
	}
	return out
}

// Examples returns the lesson's runnable examples (exercise programs excepted).
func (l *lesson) Examples() []*lessons.Program {
	var out []*lessons.Program
	for _, p := range l.Doc.Programs {
		if p.Exercise == "" && p.Role == lessons.RoleExample {
			out = append(out, p)
		}
	}
	return out
}

// settings are the run settings of p, the learner's program for e: the
// learner's commands have no command-line settings, so they come from the
// starter's attributes, else its lesson's front matter, else the defaults.
func (e *exercise) settings(p *lessons.Program) lessons.Settings {
	return lessons.Resolve(p, e.Lesson.Doc.Defaults, lessons.CommandLine{})
}

// Title returns the exercise's title without an "Exercise:" prefix.
func (e *exercise) Title() string {
	t := e.Ex.Title
	if len(t) > len("exercise:") && strings.EqualFold(t[:len("exercise:")], "exercise:") {
		t = strings.TrimSpace(t[len("exercise:"):])
	}
	if t == "" {
		t = e.Ex.Name
	}
	return t
}

// Exercises returns every exercise of every lesson, in order.
func (c *catalog) Exercises() []*exercise {
	var out []*exercise
	for _, l := range c.Lessons {
		out = append(out, l.Exercises()...)
	}
	return out
}

// Lesson finds a lesson by number ("1", "01"), slug ("01-running-commands"),
// slug without its number ("running-commands") or unique slug prefix.
func (c *catalog) Lesson(arg string) (*lesson, error) {
	arg = strings.TrimSuffix(path.Base(arg), ".md")
	if n, err := strconv.Atoi(arg); err == nil {
		if n >= 1 && n <= len(c.Lessons) {
			return c.Lessons[n-1], nil
		}
		return nil, fmt.Errorf("there is no lesson %d (lessons are numbered 1 to %d; see `workbook list`)", n, len(c.Lessons))
	}
	for _, l := range c.Lessons {
		if l.Slug == arg || stripNumber(l.Slug) == arg {
			return l, nil
		}
	}
	var found []*lesson
	for _, l := range c.Lessons {
		if strings.HasPrefix(l.Slug, arg) || strings.HasPrefix(stripNumber(l.Slug), arg) {
			found = append(found, l)
		}
	}
	if len(found) == 1 {
		return found[0], nil
	}
	if len(found) > 1 {
		return nil, fmt.Errorf("%q could be several lessons: %s", arg, lessonSlugs(found))
	}
	return nil, fmt.Errorf("no lesson %q (see `workbook list`)", arg)
}

func lessonSlugs(ls []*lesson) string {
	var s []string
	for _, l := range ls {
		s = append(s, l.Slug)
	}
	return strings.Join(s, ", ")
}

// stripNumber removes a leading "NN-" from a slug.
func stripNumber(slug string) string {
	i := strings.IndexByte(slug, '-')
	if i <= 0 {
		return slug
	}
	if _, err := strconv.Atoi(slug[:i]); err != nil {
		return slug
	}
	return slug[i+1:]
}

// Exercise finds an exercise by id ("01-running-commands/deadline"), by
// lesson and name ("1/deadline", "running-commands/deadline"), by name alone
// when it is unique, or by the path of its folder or file in the work dir.
func (c *catalog) Exercise(arg string) (*exercise, error) {
	arg = strings.TrimSuffix(path.Clean(strings.ReplaceAll(arg, `\`, "/")), "/main.go")
	all := c.Exercises()
	for _, e := range all {
		if e.ID == arg || strings.HasSuffix(arg, "/"+e.ID) {
			return e, nil
		}
	}
	if i := strings.LastIndexByte(arg, '/'); i >= 0 {
		l, err := c.Lesson(arg[:i])
		if err != nil {
			return nil, err
		}
		for _, e := range l.Exercises() {
			if e.Ex.Name == arg[i+1:] {
				return e, nil
			}
		}
		return nil, fmt.Errorf("lesson %d (%s) has no exercise %q (see `workbook list`)", l.Num, l.Slug, arg[i+1:])
	}
	var found []*exercise
	for _, e := range all {
		if e.Ex.Name == arg {
			found = append(found, e)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return nil, fmt.Errorf("no exercise %q (see `workbook list`)", arg)
	}
	var ids []string
	for _, e := range found {
		ids = append(ids, e.ID)
	}
	return nil, fmt.Errorf("several lessons have an exercise %q: say which, as %s", arg, strings.Join(ids, " or "))
}
