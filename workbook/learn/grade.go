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

// gradeReport is the result of grading a class (or one shard of it).
type gradeReport struct {
	Exercises []string        `json:"exercises"`       // exercise ids, in order
	Shard     string          `json:"shard,omitempty"` // "K/N" when graded with --shard
	Students  []studentReport `json:"students"`
}

// studentReport is one student's grades.
type studentReport struct {
	Student string        `json:"student"`
	Dir     string        `json:"dir"`
	Points  int           `json:"points"`
	Total   int           `json:"total"` // the points of every exercise
	Results []gradeResult `json:"results"`
}

// gradeResult is one exercise of one student.
type gradeResult struct {
	Exercise  string `json:"exercise"`
	Status    status `json:"status"` // pass, fail, missing or error
	Points    int    `json:"points"`
	MaxPoints int    `json:"max_points"`        // what the exercise is worth
	Failure   string `json:"failure,omitempty"` // check.Failure for fail
	Reason    string `json:"reason,omitempty"`
}

// grade checks every exercise of every student with at most jobs checks at
// once. A student's program can fail in any way: that is a grade, never an
// error of grade itself.
func grade(ctx context.Context, c Checker, cat *catalog, dirs []string, jobs int) gradeReport {
	return gradeExercises(ctx, c, cat.Exercises(), dirs, jobs)
}

// gradeExercises is grade for the exercises exs only.
func gradeExercises(ctx context.Context, c Checker, exs []*exercise, dirs []string, jobs int) gradeReport {
	if jobs <= 0 {
		jobs = runtime.NumCPU()
	}
	rep := gradeReport{Exercises: make([]string, 0, len(exs))}
	total := 0
	for _, e := range exs {
		rep.Exercises = append(rep.Exercises, e.ID)
		total += e.Ex.Points
	}
	rep.Students = make([]studentReport, len(dirs))
	subs := make([]*submission, len(dirs))
	defer func() {
		for _, s := range subs {
			s.Close()
		}
	}()
	sem := make(chan struct{}, jobs)
	var wg sync.WaitGroup
	for si, dir := range dirs {
		rep.Students[si] = studentReport{
			Student: studentName(dir),
			Dir:     dir,
			Total:   total,
			Results: make([]gradeResult, len(exs)),
		}
		sub := openSubmission(dir)
		subs[si] = sub
		for ei, e := range exs {
			res := &rep.Students[si].Results[ei]
			wg.Add(1)
			go func() {
				defer wg.Done()
				select {
				case sem <- struct{}{}:
				case <-ctx.Done():
					*res = gradeResult{Exercise: e.ID, MaxPoints: e.Ex.Points, Status: statusError, Reason: ctx.Err().Error()}
					return
				}
				defer func() { <-sem }()
				*res = gradeOne(ctx, c, sub, e)
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
	s := openSubmission(dir)
	defer s.Close()
	return filepath.Join(s.dir, s.prefix)
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
	if o.grading.merge {
		return cmdGradeMerge(a, o, args)
	}
	if len(args) == 0 {
		return usageError("which student directories? (each laid out as `workbook init` makes it)")
	}
	dirs, shard, err := shardStudents(args, o.grading.shard)
	if err != nil {
		return err
	}
	for _, d := range dirs {
		if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
			a.warn("%s is not a directory: every exercise counts as missing", d)
		}
	}
	// No student's program sees any student's directory (its own source
	// is read by the grader, never by the program).
	c, release, err := a.checker(hiddenStudents(args)...)
	if err != nil {
		return err
	}
	defer release()
	rep := grade(a.ctx, c, a.cat, dirs, o.jobs)
	rep.Shard = shard
	if err := a.ctx.Err(); err != nil {
		return err
	}
	return a.writeGrades(o, rep)
}

// writeGrades prints the table (unless an export goes to standard output)
// and writes the exports the flags ask for.
func (a *app) writeGrades(o *cmdOpts, rep gradeReport) error {
	toStdout := o.jsonOut == "-" || o.csvOut == "-" || o.grading.junitOut == "-"
	if !toStdout {
		printGrades(a.env.Stdout, rep, a.p, o.verbose)
	}
	exports := []struct {
		path  string
		write func(io.Writer, gradeReport) error
	}{
		{o.jsonOut, writeGradesJSON},
		{o.csvOut, writeGradesCSV},
		{o.grading.junitOut, writeGradesJUnit},
	}
	for _, x := range exports {
		if x.path == "" {
			continue
		}
		if err := writeExport(a, x.path, func(w io.Writer) error { return x.write(w, rep) }); err != nil {
			return err
		}
	}
	return nil
}

// writeExport writes an export to path ("-" is standard output).
func writeExport(a *app, path string, write func(io.Writer) error) error {
	if path == "-" {
		return write(a.raw())
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

// columnNames are the table's exercise headings: the bare names (after the
// lesson) when they are unique, else the ids.
func columnNames(ids []string) []string {
	bare := func(id string) string { return id[strings.LastIndexByte(id, '/')+1:] }
	seen := map[string]int{}
	for _, id := range ids {
		seen[bare(id)]++
	}
	var out []string
	for _, id := range ids {
		if seen[bare(id)] > 1 {
			out = append(out, id)
		} else {
			out = append(out, bare(id))
		}
	}
	return out
}

// printGrades prints the table: a row per student, a column per exercise.
func printGrades(w io.Writer, rep gradeReport, p palette, verbose bool) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "student\t%s\tpoints\n", strings.Join(columnNames(rep.Exercises), "\t"))
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

// writeGradesJSON writes the report as indented JSON.
func writeGradesJSON(w io.Writer, rep gradeReport) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
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

// hiddenStudents is the absolute paths of the student directories args
// (all of them, whatever the shard), to hide from every graded program.
func hiddenStudents(args []string) []string {
	var out []string
	for _, d := range args {
		if abs, err := filepath.Abs(d); err == nil {
			out = append(out, abs)
		}
	}
	return out
}
