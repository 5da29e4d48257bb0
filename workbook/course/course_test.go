package course

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"go.yaml.in/yaml/v3"
)

// lint runs actionlint (as a library, without shellcheck) on a workflow.
func lint(t *testing.T, name string, data []byte) {
	t.Helper()
	l, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{WorkingDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	errs, err := l.Lint(name, data, nil)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for _, e := range errs {
		t.Errorf("%s:%d:%d: %s [%s]", name, e.Line, e.Column, e.Message, e.Kind)
	}
}

func TestWorkflowsPassActionlint(t *testing.T) {
	tests := []struct {
		name string
		data Data
	}{
		{"defaults", Data{Title: "Pipes", GoVersion: "1.26", Exercises: []Exercise{{ID: "01-first-steps/shout", Points: 1}}}},
		{"many exercises, a version, other matrices", Data{Title: "A course: \"quoted\" & more", Version: "v1.2.3", GoVersion: "1.26",
			VerifyShards: 5, GradeShards: 1,
			Exercises: []Exercise{{ID: "01-a/b", Points: 3}, {ID: "02-x.y/z-w", Points: 0}, {ID: "02-x-y/z.w", Points: 10}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files, err := Render(tt.data)
			if err != nil {
				t.Fatal(err)
			}
			var workflows []string
			for name, data := range files {
				if strings.HasSuffix(name, ".yml") {
					workflows = append(workflows, name)
					lint(t, name, data)
				}
			}
			slices.Sort(workflows)
			want := []string{".github/workflows/grade.yml", ".github/workflows/verify.yml", "student/.github/workflows/classroom.yml"}
			if !slices.Equal(workflows, want) {
				t.Errorf("workflows %v, want %v", workflows, want)
			}
		})
	}
}

// TestActionlintCatchesMistakes makes sure the lint above can fail: a
// workflow with a mistake in it does not pass.
func TestActionlintCatchesMistakes(t *testing.T) {
	files, err := Render(Data{Title: "T", Exercises: []Exercise{{ID: "01-a/b", Points: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(files[".github/workflows/verify.yml"]), "${{ matrix.shard }}", "${{ matrix.shards }}", 1)
	l, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{WorkingDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	errs, err := l.Lint("verify.yml", []byte(bad), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(errs) == 0 {
		t.Error("actionlint found nothing wrong with matrix.shards")
	}
}

// classroomWorkflow is the part of the Classroom workflow the tests read.
type classroomWorkflow struct {
	Jobs map[string]struct {
		Steps []struct {
			ID   string            `yaml:"id"`
			Uses string            `yaml:"uses"`
			With map[string]string `yaml:"with"`
			Env  map[string]string `yaml:"env"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

func TestClassroomOneTestPerExercise(t *testing.T) {
	exs := []Exercise{{ID: "01-a/b", Points: 3}, {ID: "02-c/d", Points: 0}, {ID: "02-c-d", Points: 1}, {ID: "02_c/d", Points: 2}}
	files, err := Render(Data{Title: "T", Exercises: exs})
	if err != nil {
		t.Fatal(err)
	}
	var wf classroomWorkflow
	if err := yaml.Unmarshal(files["student/.github/workflows/classroom.yml"], &wf); err != nil {
		t.Fatal(err)
	}
	job, ok := wf.Jobs["run-autograding-tests"]
	if !ok {
		t.Fatalf("no job run-autograding-tests: %v", wf.Jobs)
	}
	type test struct{ name, score, id string }
	var got []test
	var reporter map[string]string
	var runners string
	for _, s := range job.Steps {
		switch {
		case strings.HasPrefix(s.Uses, "classroom-resources/autograding-command-grader@"):
			got = append(got, test{s.With["test-name"], s.With["max-score"], s.ID})
			if !strings.Contains(s.With["command"], "'"+s.With["test-name"]+"'") {
				t.Errorf("test %s reads another exercise: %s", s.With["test-name"], s.With["command"])
			}
		case strings.HasPrefix(s.Uses, "classroom-resources/autograding-grading-reporter@"):
			reporter, runners = s.Env, s.With["runners"]
		}
	}
	want := []test{{"01-a/b", "3", "ex_01_a_b"}, {"02-c/d", "0", "ex_02_c_d"}, {"02-c-d", "1", "ex_02_c_d_2"}, {"02_c/d", "2", "ex_02_c_d_3"}}
	if !slices.Equal(got, want) {
		t.Errorf("tests %v, want %v", got, want)
	}
	if runners != "ex_01_a_b,ex_02_c_d,ex_02_c_d_2,ex_02_c_d_3" {
		t.Errorf("runners %q", runners)
	}
	for _, w := range want {
		env := strings.ToUpper(w.id) + "_RESULTS"
		if reporter[env] != "${{ steps."+w.id+".outputs.result }}" {
			t.Errorf("reporter's %s = %q", env, reporter[env])
		}
	}
	if id := regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`); !id.MatchString(got[1].id) {
		t.Errorf("step id %q", got[1].id)
	}
}

func TestWrite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "course")
	names, err := Write(dir, Data{Title: "Pipes", Exercises: []Exercise{{ID: "01-first-steps/shout", Points: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{".github/workflows/grade.yml", ".github/workflows/verify.yml", "01-first-steps.md", "README.md", "student/.github/workflows/classroom.yml", "student/README.md"}
	if !slices.Equal(names, want) {
		t.Errorf("wrote %v, want %v", names, want)
	}
	readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
	if err != nil || !strings.HasPrefix(string(readme), "# Pipes\n") {
		t.Errorf("README.md: %q %v", readme, err)
	}
	if err := CheckEmpty(dir); !errors.Is(err, ErrNotEmpty) {
		t.Errorf("CheckEmpty of the course: %v", err)
	}
	if _, err := Write(dir, Data{Title: "Again"}); err == nil {
		t.Error("Write overwrote a course")
	}
	if err := CheckEmpty(filepath.Join(dir, "absent")); err != nil {
		t.Errorf("CheckEmpty of an absent directory: %v", err)
	}
	empty := t.TempDir()
	if err := CheckEmpty(empty); err != nil {
		t.Errorf("CheckEmpty of an empty directory: %v", err)
	}
}

func TestLessonsHoldOnlyLessons(t *testing.T) {
	names, err := fs.Glob(Lessons(), "*.md")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(names, []string{"01-first-steps.md"}) {
		t.Errorf("lessons %v", names)
	}
}
