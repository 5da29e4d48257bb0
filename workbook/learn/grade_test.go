package learn

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestGrade(t *testing.T) {
	f := newFixture(t)
	class := []string{"testdata/class/alice", "testdata/class/bob", "testdata/class/carol", "testdata/class/nobody"}
	out := t.TempDir()
	jsonFile := filepath.Join(out, "grades.json")
	csvFile := filepath.Join(out, "grades.csv")
	args := append([]string{"grade", "--jobs", "2", "-v", "--json", jsonFile, "--csv", csvFile}, class...)
	code, stdout, stderr := f.run(args...)
	if code != 0 {
		t.Fatalf("grade: %d\n%s%s", code, stdout, stderr)
	}
	golden(t, "grade-table.txt", stdout+"--- stderr\n"+strings.ReplaceAll(stderr, filepath.Dir(jsonFile), "$TMP"))
	golden(t, "grade.csv", f.read(csvFile))
	var rep gradeReport
	if err := json.Unmarshal([]byte(f.read(jsonFile)), &rep); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		student string
		points  int
		status  []status
	}{
		{"alice", 4, []status{statusPass, statusPass}},
		{"bob", 0, []status{statusFail, statusError}},
		{"carol", 0, []status{statusMissing, statusMissing}},
		{"nobody", 0, []status{statusMissing, statusMissing}},
	}
	if len(rep.Students) != len(tests) {
		t.Fatalf("%d students in the JSON, want %d", len(rep.Students), len(tests))
	}
	for i, tt := range tests {
		s := rep.Students[i]
		if s.Student != tt.student || s.Points != tt.points || s.Total != 4 {
			t.Errorf("student %d: %s %d/%d, want %s %d/4", i, s.Student, s.Points, s.Total, tt.student, tt.points)
		}
		for j, st := range tt.status {
			if s.Results[j].Status != st {
				t.Errorf("%s %s: %s, want %s", s.Student, s.Results[j].Exercise, s.Results[j].Status, st)
			}
		}
	}
	if !strings.Contains(rep.Students[1].Results[1].Reason, "internal error: boom") {
		t.Errorf("bob's broken program: reason %q", rep.Students[1].Results[1].Reason)
	}
}

func TestGradeJSONToStdout(t *testing.T) {
	f := newFixture(t)
	code, stdout, _ := f.run("grade", "--json", "-", "testdata/class/alice")
	if code != 0 {
		t.Fatalf("status %d", code)
	}
	var rep gradeReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("standard output is not only the JSON: %v\n%s", err, stdout)
	}
	if rep.Students[0].Points != 4 {
		t.Errorf("alice: %+v", rep.Students[0])
	}
}

func TestGradeBoundedAndCancellable(t *testing.T) {
	f := newFixture(t)
	cat, err := loadCatalog(os.DirFS("testdata/lessons"), "t")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep := grade(ctx, f.fake, cat, []string{"testdata/class/alice"}, 1)
	for _, r := range rep.Students[0].Results {
		if r.Status == statusPass {
			t.Errorf("%s passed after cancellation", r.Exercise)
		}
	}
}

func TestGradeUsage(t *testing.T) {
	f := newFixture(t)
	if code, _, stderr := f.run("grade"); code != 2 || !strings.Contains(stderr, "student directories") {
		t.Errorf("grade without students: %d %q", code, stderr)
	}
}

func TestStudentWorkDir(t *testing.T) {
	root := t.TempDir()
	mk := func(path string) {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mk(filepath.Join(root, "ann", "go.mod"))
	mk(filepath.Join(root, "ben", DefaultWorkDir, "go.mod"))
	mk(filepath.Join(root, "cid", "go.mod"))
	mk(filepath.Join(root, "cid", DefaultWorkDir, "go.mod"))
	tests := []struct{ dir, want string }{
		{"ann", "ann"},
		{"ben", filepath.Join("ben", DefaultWorkDir)},
		{"cid", "cid"},
		{"dan", "dan"},
	}
	for _, tt := range tests {
		if got := studentWorkDir(filepath.Join(root, tt.dir)); got != filepath.Join(root, tt.want) {
			t.Errorf("studentWorkDir(%s) = %s, want %s", tt.dir, got, filepath.Join(root, tt.want))
		}
	}
}

// TestHiddenStudents: grading hides every student directory named on the
// command line (absolute, whatever the shard) from the graded programs.
func TestHiddenStudents(t *testing.T) {
	t.Chdir(t.TempDir())
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	got := hiddenStudents([]string{"ann", "class/bob", "/srv/class/eve"})
	want := []string{filepath.Join(wd, "ann"), filepath.Join(wd, "class/bob"), "/srv/class/eve"}
	if !slices.Equal(got, want) {
		t.Errorf("hiddenStudents = %q, want %q", got, want)
	}
}
