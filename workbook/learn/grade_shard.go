package learn

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ppworkbook/workbook/workbook/verify"
)

// shardStudents returns the students of shard spec ("K/N", or "" for all
// of them) and the shard as it goes into the report. The students are
// sorted by path and dealt round-robin, so every machine of a CI matrix
// given the same directories (in any order) grades its own part, and the
// parts together hold every student exactly once.
func shardStudents(dirs []string, spec string) ([]string, string, error) {
	if spec == "" {
		return dirs, "", nil
	}
	k, n, err := verify.ParseShard(spec)
	if err != nil {
		return nil, "", usageError("--shard: %v", err)
	}
	sorted := slices.Clone(dirs)
	slices.SortStableFunc(sorted, func(a, b string) int { return cmp.Compare(filepath.Clean(a), filepath.Clean(b)) })
	sorted = slices.CompactFunc(sorted, func(a, b string) bool { return filepath.Clean(a) == filepath.Clean(b) })
	var mine []string
	for i, d := range sorted {
		if i%n == k-1 {
			mine = append(mine, d)
		}
	}
	return mine, fmt.Sprintf("%d/%d", k, n), nil
}

// cmdGradeMerge merges the JSON reports of grade --shard (or of any grade
// runs over the same lessons) into one report, written as grade writes
// its own.
func cmdGradeMerge(a *app, o *cmdOpts, files []string) error {
	if len(files) == 0 {
		return usageError("--merge: which JSON reports? (written by grade --json)")
	}
	if o.grading.shard != "" {
		return usageError("--merge and --shard do not go together")
	}
	var reps []gradeReport
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("merge: %w", err)
		}
		var rep gradeReport
		if err := json.Unmarshal(data, &rep); err != nil {
			return fmt.Errorf("merge: %s is not a grade report: %w", f, err)
		}
		reps = append(reps, rep)
	}
	rep, err := mergeReports(files, reps)
	if err != nil {
		return err
	}
	return a.writeGrades(o, rep)
}

// mergeReports joins reports of the same exercises. Shards must be of one
// split (same N), each once, none missing: a lost CI job is an error, not
// a class with students left out. A student (by directory) graded twice is
// an error too. Students come out sorted by directory.
func mergeReports(files []string, reps []gradeReport) (gradeReport, error) {
	var out gradeReport
	seenShard := map[string]string{}
	shards := 0
	seenDir := map[string]string{}
	for i, rep := range reps {
		f := files[i]
		if i == 0 {
			out.Exercises = rep.Exercises
		} else if !slices.Equal(rep.Exercises, out.Exercises) {
			return out, fmt.Errorf("merge: %s grades other exercises than %s (%s, not %s): were they graded with the same lessons?", f, files[0], strings.Join(rep.Exercises, " "), strings.Join(out.Exercises, " "))
		}
		if rep.Shard != "" {
			_, n, err := verify.ParseShard(rep.Shard)
			if err != nil {
				return out, fmt.Errorf("merge: %s: %w", f, err)
			}
			if shards != 0 && n != shards {
				return out, fmt.Errorf("merge: %s is shard %s, but the other reports split the class in %d", f, rep.Shard, shards)
			}
			shards = n
			if prev, ok := seenShard[rep.Shard]; ok {
				return out, fmt.Errorf("merge: %s and %s are both shard %s", prev, f, rep.Shard)
			}
			seenShard[rep.Shard] = f
		}
		for _, s := range rep.Students {
			key := filepath.Clean(s.Dir)
			if prev, ok := seenDir[key]; ok {
				return out, fmt.Errorf("merge: student %s (%s) is in both %s and %s", s.Student, s.Dir, prev, f)
			}
			seenDir[key] = f
			if len(s.Results) != len(out.Exercises) {
				return out, fmt.Errorf("merge: %s: student %s has %d results for %d exercises", f, s.Student, len(s.Results), len(out.Exercises))
			}
			out.Students = append(out.Students, s)
		}
	}
	if shards != 0 {
		var missing []string
		for k := 1; k <= shards; k++ {
			if _, ok := seenShard[fmt.Sprintf("%d/%d", k, shards)]; !ok {
				missing = append(missing, fmt.Sprintf("%d/%d", k, shards))
			}
		}
		if len(missing) > 0 {
			return out, fmt.Errorf("merge: shard %s missing: every shard's report is needed", strings.Join(missing, ", "))
		}
		if len(seenShard) != len(reps) {
			return out, errors.New("merge: sharded and unsharded reports mixed")
		}
	}
	if out.Exercises == nil {
		out.Exercises = []string{}
	}
	if out.Students == nil {
		out.Students = []studentReport{}
	}
	slices.SortStableFunc(out.Students, func(a, b studentReport) int {
		return cmp.Compare(filepath.Clean(a.Dir), filepath.Clean(b.Dir))
	})
	return out, nil
}
