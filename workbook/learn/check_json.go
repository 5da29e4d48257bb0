package learn

import (
	"encoding/json"
	"fmt"
)

// checkReport is what check --json prints.
type checkReport struct {
	Workbook string        `json:"workbook"` // the lessons' title
	Dir      string        `json:"dir"`      // the work directory
	Passed   int           `json:"passed"`   // exercises that passed
	Checked  int           `json:"checked"`  // exercises checked
	Points   int           `json:"points"`
	Total    int           `json:"total"` // the points of the exercises checked
	Results  []gradeResult `json:"results"`
}

// cmdCheckJSON checks exercises of the work directory, as grade checks a
// student's (in parallel, same statuses and reasons), and prints one JSON
// object. It checks every exercise with --all, else the one named, else the
// first one not done. It records nothing in the progress file: it is for
// CI, where the checkout may be read-only. It returns errSilent (exit
// status 1) unless every exercise checked passed.
func cmdCheckJSON(a *app, o *cmdOpts, args []string) error {
	var exs []*exercise
	switch {
	case o.all && len(args) > 0:
		return usageError("--all takes no exercise")
	case o.all:
		exs = a.cat.Exercises()
	case len(args) > 1:
		return usageError("one exercise at most")
	case len(args) == 1:
		e, err := a.cat.Exercise(args[0])
		if err != nil {
			return err
		}
		exs = []*exercise{e}
	default:
		s, err := a.loadProgress()
		if err != nil {
			return err
		}
		if e := a.firstNotDone(s); e != nil {
			exs = []*exercise{e}
		}
	}
	c, release, err := a.checker()
	if err != nil {
		return err
	}
	defer release()
	dir := rel(a.dir.Dir)
	rep := gradeExercises(a.ctx, c, exs, []string{dir}, o.jobs)
	if err := a.ctx.Err(); err != nil {
		return err
	}
	st := rep.Students[0]
	out := checkReport{Workbook: a.cat.Title, Dir: dir, Checked: len(st.Results), Points: st.Points, Total: st.Total, Results: st.Results}
	if out.Results == nil {
		out.Results = []gradeResult{}
	}
	for _, r := range st.Results {
		if r.Status == statusPass {
			out.Passed++
		}
	}
	enc := json.NewEncoder(a.raw())
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("writing JSON: %w", err)
	}
	if out.Passed < out.Checked {
		return errSilent
	}
	return nil
}
