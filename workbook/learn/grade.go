package learn

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"text/tabwriter"
)

// gradeReport is the result of grading a class.
type gradeReport struct {
	Exercises []string        `json:"exercises"` // exercise ids, in order
	Students  []studentReport `json:"students"`
}

// studentReport is one student's grades.
type studentReport struct {
	Student string        `json:"student"`
	Dir     string        `json:"dir"`
	Points  int           `json:"points"`
	Total   int           `json:"total"`
	Results []gradeResult `json:"results"`
}

// gradeResult is one exercise of one student.
type gradeResult struct {
	Exercise string `json:"exercise"`
	Status   status `json:"status"` // pass, fail, missing or error
	Points   int    `json:"points"`
	Failure  string `json:"failure,omitempty"` // check.Failure for fail
	Reason   string `json:"reason,omitempty"`
}

// grade checks every exercise of every student with at most jobs checks at
// once. A student's program can fail in any way: that is a grade, never an
// error of grade itself.
func grade(ctx context.Context, c Checker, cat *catalog, dirs []string, jobs int) gradeReport {
	if jobs <= 0 {
		jobs = runtime.NumCPU()
	}
	exs := cat.Exercises()
	rep := gradeReport{Exercises: make([]string, 0, len(exs))}
	for _, e := range exs {
		rep.Exercises = append(rep.Exercises, e.ID)
	}
	rep.Students = make([]studentReport, len(dirs))
	sem := make(chan struct{}, jobs)
	var wg sync.WaitGroup
	for si, dir := range dirs {
		rep.Students[si] = studentReport{
			Student: studentName(dir),
			Dir:     dir,
			Total:   len(exs),
			Results: make([]gradeResult, len(exs)),
		}
		wd := workDir{Dir: studentWorkDir(dir)}
		for ei, e := range exs {
			res := &rep.Students[si].Results[ei]
			res.Exercise = e.ID
			wg.Add(1)
			go func() {
				defer wg.Done()
				if ctx.Err() != nil {
					res.Status, res.Reason = statusError, ctx.Err().Error()
					return
				}
				select {
				case sem <- struct{}{}:
				case <-ctx.Done():
					res.Status, res.Reason = statusError, ctx.Err().Error()
					return
				}
				defer func() { <-sem }()
				o := checkFile(ctx, c, e, wd.File(e), nil)
				res.Status = o.Status
				switch o.Status {
				case statusPass:
					res.Points = 1
				case statusFail:
					res.Failure = string(o.Result.Failure)
					res.Reason = o.Result.Reason()
				case statusError:
					res.Reason = o.Err.Error()
				}
			}()
		}
	}
	wg.Wait()
	for si := range rep.Students {
		for _, r := range rep.Students[si].Results {
			rep.Students[si].Points += r.Points
		}
	}
	return rep
}

// studentWorkDir returns the work dir inside a student's directory: the
// directory itself, or its DefaultWorkDir folder when the student handed
// in the folder holding their work dir (a repository, say).
func studentWorkDir(dir string) string {
	dir = filepath.Clean(dir)
	inner := filepath.Join(dir, DefaultWorkDir)
	if !exists(filepath.Join(dir, "go.mod")) && exists(filepath.Join(inner, "go.mod")) {
		return inner
	}
	return dir
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// studentName names a student after their directory.
func studentName(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return filepath.Base(dir)
	}
	return filepath.Base(abs)
}

func cmdGrade(a *app, o *cmdOpts, args []string) error {
	if len(args) == 0 {
		return usageError("which student directories? (each laid out as `workbook init` makes it)")
	}
	for _, d := range args {
		if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
			a.warn("%s is not a directory: every exercise counts as missing", d)
		}
	}
	c, release, err := a.checker()
	if err != nil {
		return err
	}
	defer release()
	rep := grade(a.ctx, c, a.cat, args, o.jobs)
	if err := a.ctx.Err(); err != nil {
		return err
	}
	toStdout := o.jsonOut == "-" || o.csvOut == "-"
	if !toStdout {
		printGrades(a.env.Stdout, rep, a.cat, a.p, o.verbose)
	}
	if o.jsonOut != "" {
		if err := writeExport(a, o.jsonOut, func(w io.Writer) error { return writeGradesJSON(w, rep) }); err != nil {
			return err
		}
	}
	if o.csvOut != "" {
		if err := writeExport(a, o.csvOut, func(w io.Writer) error { return writeGradesCSV(w, rep) }); err != nil {
			return err
		}
	}
	return nil
}

// writeExport writes an export to path ("-" is standard output).
func writeExport(a *app, path string, write func(io.Writer) error) error {
	if path == "-" {
		return write(a.env.Stdout)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	werr := write(f)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return fmt.Errorf("export %s: %w", path, werr)
	}
	fmt.Fprintf(a.env.Stderr, "workbook: grades written to %s\n", path)
	return nil
}

// columnNames are the table's exercise headings: the bare names when they
// are unique, else the ids.
func columnNames(cat *catalog) []string {
	exs := cat.Exercises()
	seen := map[string]int{}
	for _, e := range exs {
		seen[e.Ex.Name]++
	}
	var out []string
	for _, e := range exs {
		if seen[e.Ex.Name] > 1 {
			out = append(out, e.ID)
		} else {
			out = append(out, e.Ex.Name)
		}
	}
	return out
}

// printGrades prints the table: a row per student, a column per exercise.
func printGrades(w io.Writer, rep gradeReport, cat *catalog, p palette, verbose bool) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "student\t%s\tpoints\n", strings.Join(columnNames(cat), "\t"))
	for _, s := range rep.Students {
		cells := []string{s.Student}
		for _, r := range s.Results {
			cells = append(cells, statusMark(r.Status))
		}
		cells = append(cells, fmt.Sprintf("%d/%d", s.Points, s.Total))
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%s\n", p.Dim("✓ pass  ✗ fail  - missing  ! could not be checked"))
	if !verbose {
		return
	}
	for _, s := range rep.Students {
		for _, r := range s.Results {
			if r.Reason == "" {
				continue
			}
			fmt.Fprintf(w, "\n%s %s %s:\n", s.Student, r.Exercise, r.Status)
			for _, line := range strings.Split(strings.TrimRight(r.Reason, "\n"), "\n") {
				fmt.Fprintf(w, "    %s\n", line)
			}
		}
	}
}

func statusMark(s status) string {
	switch s {
	case statusPass:
		return "✓"
	case statusFail:
		return "✗"
	case statusMissing:
		return "-"
	}
	return "!"
}

func writeGradesJSON(w io.Writer, rep gradeReport) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// writeGradesCSV writes one row per student: student, one column per
// exercise (pass, fail, missing or error), points, total.
func writeGradesCSV(w io.Writer, rep gradeReport) error {
	cw := csv.NewWriter(w)
	header := append(append([]string{"student"}, rep.Exercises...), "points", "total")
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, s := range rep.Students {
		row := []string{s.Student}
		for _, r := range s.Results {
			row = append(row, string(r.Status))
		}
		row = append(row, fmt.Sprint(s.Points), fmt.Sprint(s.Total))
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
