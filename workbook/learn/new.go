package learn

import (
	"flag"
	"fmt"
	"path/filepath"
	"runtime/debug"
	"strings"
	"unicode"

	"github.com/ppworkbook/workbook/workbook/course"
)

// newCommand is `workbook new DIR`.
func newCommand() command {
	return command{name: "new", args: "DIR", short: "teacher: write a new course to start from (lesson, CI, GitHub Classroom template)", run: cmdNew,
		flags: func(fs *flag.FlagSet, o *cmdOpts) {
			fs.StringVar(&o.title, "title", "", "the course's `TITLE` (default: from DIR's name)")
		}}
}

// cmdNew writes a new course into an absent or empty directory: its
// lessons, README and workflows, and student/, a work directory with the
// exercises' starters, a README for students and the Classroom workflow.
func cmdNew(a *app, o *cmdOpts, args []string) error {
	if len(args) != 1 {
		return usageError("where? (a new or empty directory)")
	}
	dir := args[0]
	if err := course.CheckEmpty(dir); err != nil {
		return err
	}
	title := o.title
	if title == "" {
		title = titleFromDir(dir)
	}
	cat, err := loadCatalog(course.Lessons(), title)
	if err != nil {
		return fmt.Errorf("the course template: %w", err)
	}
	d := courseData(cat, title)
	// The starters first: init refuses a folder that holds other files.
	student := workDir{Dir: filepath.Join(dir, "student")}
	res, err := student.Init(cat)
	if err != nil {
		return err
	}
	names, err := course.Write(dir, d)
	if err != nil {
		return err
	}
	a.out("Wrote the course %q into %s:\n", title, rel(dir))
	for _, n := range names {
		a.out("  + %s\n", filepath.Join(rel(dir), filepath.FromSlash(n)))
	}
	for _, f := range res.Written {
		a.out("  + %s\n", rel(f))
	}
	a.out("\nNext: %s, then read %s.\n", a.p.Code("workbook verify "+filepath.Join(rel(dir), "*.md")), filepath.Join(rel(dir), "README.md"))
	return nil
}

// courseData is what the course's templates need to know of cat.
func courseData(cat *catalog, title string) course.Data {
	d := course.Data{Title: title, Version: installVersion(), GoVersion: goMinor(goDirective)}
	for _, e := range cat.Exercises() {
		d.Exercises = append(d.Exercises, course.Exercise{ID: e.ID, Points: e.Ex.Points})
	}
	return d
}

// classroomCommand is `workbook classroom`.
func classroomCommand() command {
	return command{name: "classroom", short: "teacher: print the GitHub Classroom workflow of the lessons (a test per exercise, with its points)", run: cmdClassroom}
}

// cmdClassroom prints the Classroom workflow that `new` writes into
// student/, for the lessons in use: after adding an exercise, write it
// over student/.github/workflows/classroom.yml.
func cmdClassroom(a *app, _ *cmdOpts, args []string) error {
	if len(args) > 0 {
		return usageError("classroom takes no arguments (use --lessons DIR for your lessons)")
	}
	files, err := course.Render(courseData(a.cat, a.cat.Title))
	if err != nil {
		return err
	}
	_, err = a.raw().Write(files[course.ClassroomWorkflow])
	return err
}

// titleFromDir makes a title of a directory's name: "go-pipes" gives
// "Go pipes".
func titleFromDir(dir string) string {
	base := filepath.Base(dir)
	if abs, err := filepath.Abs(dir); err == nil {
		base = filepath.Base(abs)
	}
	t := strings.TrimSpace(strings.NewReplacer("-", " ", "_", " ").Replace(base))
	if t == "" {
		return "A workbook course"
	}
	r := []rune(t)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// installVersion is the version of the workbook the course's workflows
// install: this one when it is a released version, else the latest.
func installVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok || bi.Main.Version == "" || bi.Main.Version == "(devel)" || strings.Contains(bi.Main.Version, "+") {
		return "latest"
	}
	return bi.Main.Version
}

// goMinor turns "1.26.0" into "1.26".
func goMinor(v string) string {
	if parts := strings.Split(v, "."); len(parts) >= 2 {
		return parts[0] + "." + parts[1]
	}
	return v
}
