package learn

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"
)

var class = []string{"testdata/class/alice", "testdata/class/bob", "testdata/class/carol", "testdata/class/nobody"}

func TestGradeJUnit(t *testing.T) {
	f := newFixture(t)
	code, stdout, stderr := f.run(append([]string{"grade", "--junit", "-"}, class...)...)
	if code != 0 {
		t.Fatalf("grade: %d\n%s", code, stderr)
	}
	golden(t, "grade-junit.xml", stdout)
	var got gradeJUnit
	if err := xml.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("not XML: %v", err)
	}
	if got.Tests != 8 || got.Failures != 5 || got.Errors != 1 || len(got.Suites) != 4 {
		t.Errorf("totals: %d tests, %d failures, %d errors, %d suites; want 8, 5, 1, 4", got.Tests, got.Failures, got.Errors, len(got.Suites))
	}
	bob := got.Suites[1]
	if bob.Name != "bob" || bob.Cases[0].Failure == nil || bob.Cases[0].Failure.Type != "output" ||
		!strings.Contains(bob.Cases[0].Failure.Text, "the output differs") {
		t.Errorf("bob's failing greet: %+v", bob.Cases[0])
	}
	if bob.Cases[1].Error == nil || !strings.Contains(bob.Cases[1].Error.Text, "internal error") {
		t.Errorf("bob's broken count: %+v", bob.Cases[1])
	}
	if c := got.Suites[2].Cases[0]; c.Failure == nil || c.Failure.Type != "missing" || !strings.Contains(c.Failure.Message, "does not exist") {
		t.Errorf("carol's missing greet: %+v", c)
	}
}

func TestShardStudents(t *testing.T) {
	dirs := []string{"s/dan", "s/ann/", "s/cid", "s/ben", "s/eve", "s/ann"}
	tests := []struct {
		spec, label string
		want        []string
	}{
		{"", "", dirs},
		{"1/2", "1/2", []string{"s/ann/", "s/cid", "s/eve"}},
		{"2/2", "2/2", []string{"s/ben", "s/dan"}},
		{"3/3", "3/3", []string{"s/cid"}},
		{"1/1", "1/1", []string{"s/ann/", "s/ben", "s/cid", "s/dan", "s/eve"}},
		{"6/6", "6/6", nil},
	}
	for _, tt := range tests {
		got, label, err := shardStudents(dirs, tt.spec)
		if err != nil {
			t.Fatalf("%q: %v", tt.spec, err)
		}
		if !slices.Equal(got, tt.want) || label != tt.label {
			t.Errorf("%q: %v %q, want %v %q", tt.spec, got, label, tt.want, tt.label)
		}
	}
	for _, bad := range []string{"0/2", "3/2", "1/0", "a/b", "1/2/3"} {
		if _, _, err := shardStudents(dirs, bad); err == nil || !isUsage(err) {
			t.Errorf("%q: %v, want a usage error", bad, err)
		}
	}
}

// TestGradeShardsMerge grades a class in three shards, as a CI matrix
// would, and merges them: the merged report is the one a single grade
// gives (students sorted by directory), in every format.
func TestGradeShardsMerge(t *testing.T) {
	f := newFixture(t)
	out := t.TempDir()
	var parts []string
	for _, k := range []string{"1", "2", "3"} {
		p := filepath.Join(out, "grades-"+k+".json")
		parts = append(parts, p)
		// The students in another order on each machine: shards must not care.
		students := slices.Clone(class)
		if k == "2" {
			slices.Reverse(students)
		}
		if code, _, stderr := f.run(append([]string{"grade", "--shard", k + "/3", "--json", p}, students...)...); code != 0 {
			t.Fatalf("shard %s: %d %s", k, code, stderr)
		}
	}
	whole := filepath.Join(out, "whole.json")
	if code, _, stderr := f.run(append([]string{"grade", "--json", whole}, class...)...); code != 0 {
		t.Fatalf("grade: %d %s", code, stderr)
	}
	merged := filepath.Join(out, "merged.json")
	mergedXML := filepath.Join(out, "merged.xml")
	code, table, stderr := f.run(append([]string{"grade", "--merge", "--json", merged, "--junit", mergedXML}, parts...)...)
	if code != 0 {
		t.Fatalf("merge: %d %s", code, stderr)
	}
	var got, want gradeReport
	for _, x := range []struct {
		path string
		rep  *gradeReport
	}{{merged, &got}, {whole, &want}} {
		if err := json.Unmarshal([]byte(f.read(x.path)), x.rep); err != nil {
			t.Fatal(err)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("merged:\n%+v\nwant:\n%+v", got, want)
	}
	if !strings.Contains(table, "alice    ✓      ✓      4/4") {
		t.Errorf("merged table:\n%s", table)
	}
	if !strings.Contains(f.read(mergedXML), `<testsuite name="carol" tests="2" failures="2" errors="0">`) {
		t.Errorf("merged JUnit:\n%s", f.read(mergedXML))
	}

	errs := []struct {
		name  string
		files []string
		want  string
	}{
		{"a shard missing", parts[:2], "shard 3/3 missing"},
		{"a shard twice", []string{parts[0], parts[1], parts[2], parts[0]}, "are both shard 1/3"},
		{"a student twice", []string{whole, whole}, "student alice (testdata/class/alice) is in both"},
		{"not a report", []string{filepath.Join("testdata", "lessons", "01-hello.md")}, "is not a grade report"},
		{"no such file", []string{filepath.Join(out, "nothing.json")}, "no such file"},
	}
	for _, tt := range errs {
		code, _, stderr := f.run(append([]string{"grade", "--merge"}, tt.files...)...)
		if code != 1 || !strings.Contains(stderr, tt.want) {
			t.Errorf("%s: %d %q, want status 1 and %q", tt.name, code, stderr, tt.want)
		}
	}
	other := filepath.Join(out, "other.json")
	os.WriteFile(other, []byte(`{"exercises":["x/y"],"students":[]}`), 0o644)
	if code, _, stderr := f.run("grade", "--merge", whole, other); code != 1 || !strings.Contains(stderr, "grades other exercises") {
		t.Errorf("other exercises: %d %q", code, stderr)
	}
	if code, _, _ := f.run("grade", "--merge"); code != 2 {
		t.Errorf("merge without reports: status %d, want 2", code)
	}
}

// TestGradeHostileFiles grades submissions that try everything a file can
// try: each gets its status and a reason, and nothing outside a student's
// directory is read (the outside file would pass).
func TestGradeHostileFiles(t *testing.T) {
	f := newFixture(t)
	root := t.TempDir()
	outside := filepath.Join(root, "outside")
	mkfile(t, filepath.Join(outside, "main.go"), greetSolved)
	mkfile(t, filepath.Join(outside, "01-hello", "greet", "main.go"), greetSolved)
	mkfile(t, filepath.Join(outside, "go.mod"), "module workbook\n")
	class := filepath.Join(root, "class")
	st := func(name string) string { return filepath.Join(class, name) }
	greet := func(name string) string { return filepath.Join(st(name), "01-hello", "greet", "main.go") }

	// extra files and a changed go.mod: graded as usual
	mkfile(t, greet("extra"), greetSolved)
	mkfile(t, filepath.Join(st("extra"), "go.mod"), "module evil\n\nreplace fmt => ../../etc\n")
	mkfile(t, filepath.Join(st("extra"), "notes.txt"), "extra")
	mkfile(t, filepath.Join(st("extra"), "01-hello", "greet", "helper.go"), "package main\n")
	// binary junk
	mkfile(t, greet("junk"), "package main\n\x7fELF\x00\x01\x02")
	mkfile(t, greet("latin1"), "package main\n// caf\xe9\n")
	// links out of the directory: the file, a folder on its way, the work dir
	mkdir(t, filepath.Dir(greet("linkfile")))
	symlink(t, filepath.Join(outside, "main.go"), greet("linkfile"))
	mkdir(t, filepath.Join(st("linkdir"), "01-hello"))
	symlink(t, outside, filepath.Join(st("linkdir"), "01-hello", "greet"))
	mkdir(t, st("linkwork"))
	symlink(t, outside, filepath.Join(st("linkwork"), DefaultWorkDir))
	mkdir(t, filepath.Dir(greet("relative")))
	symlink(t, "../../../../outside/main.go", greet("relative"))
	// a link inside the directory is followed
	mkfile(t, filepath.Join(st("inside"), "mine.go"), greetSolved)
	mkdir(t, filepath.Dir(greet("inside")))
	symlink(t, "../../mine.go", greet("inside"))
	// a dangling link, a folder, a pipe, a file too large
	mkdir(t, filepath.Dir(greet("dangling")))
	symlink(t, "nothing.go", greet("dangling"))
	mkdir(t, greet("folder"))
	mkdir(t, filepath.Dir(greet("fifo")))
	if err := syscall.Mkfifo(greet("fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	mkfile(t, greet("huge"), "package main\n"+strings.Repeat("//", maxLearnerFile))
	// a plain file where the student directory should be
	mkfile(t, st("afile"), "not a directory")

	tests := []struct {
		student string
		status  status
		reason  string
	}{
		{"extra", statusPass, ""},
		{"junk", statusFail, "main.go:2: this is not Go source: it holds binary data (a NUL byte)"},
		{"latin1", statusFail, "main.go:2: this is not Go source: it holds bytes that are not UTF-8 text"},
		{"linkfile", statusError, "leads out of the student's directory"},
		{"linkdir", statusError, "leads out of the student's directory"},
		{"linkwork", statusMissing, "does not exist"},
		{"relative", statusError, "leads out of the student's directory"},
		{"inside", statusPass, ""},
		{"dangling", statusMissing, "a symbolic link to nothing"},
		{"folder", statusError, "is not a regular file"},
		{"fifo", statusError, "is not a regular file"},
		{"huge", statusError, "is larger than"},
		{"afile", statusMissing, "is not a directory"},
	}
	var dirs []string
	for _, tt := range tests {
		dirs = append(dirs, st(tt.student))
	}
	code, stdout, stderr := f.run(append([]string{"grade", "--json", "-"}, dirs...)...)
	if code != 0 {
		t.Fatalf("grade: %d %s", code, stderr)
	}
	var rep gradeReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	for i, tt := range tests {
		r := rep.Students[i].Results[0]
		if rep.Students[i].Student != tt.student || r.Status != tt.status || !strings.Contains(r.Reason, tt.reason) {
			t.Errorf("%s: %s %s %q, want %s %q", tt.student, rep.Students[i].Student, r.Status, r.Reason, tt.status, tt.reason)
		}
		if r.Status != statusPass && r.Reason == "" {
			t.Errorf("%s: %s without a reason", tt.student, r.Status)
		}
	}
	f.fake.mu.Lock()
	defer f.fake.mu.Unlock()
	for file := range f.fake.sources {
		if !strings.HasPrefix(file, class+string(filepath.Separator)) {
			t.Errorf("checked a file outside the class: %s", file)
		}
		if strings.Contains(file, "linkfile") || strings.Contains(file, "linkdir") || strings.Contains(file, "relative") {
			t.Errorf("checked %s, a link out of the student's directory", file)
		}
	}
}

func mkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}

func mkfile(t *testing.T, path, data string) {
	t.Helper()
	mkdir(t, filepath.Dir(path))
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

func TestCheckJSON(t *testing.T) {
	f := newFixture(t)
	f.run("init")
	f.write("01-hello/greet", greetSolved)
	tests := []struct {
		name    string
		args    []string
		code    int
		results []status
		points  int
		total   int
	}{
		{"all", []string{"--all"}, 1, []status{statusPass, statusFail}, 1, 4},
		{"one that passes", []string{"greet"}, 0, []status{statusPass}, 1, 1},
		{"one that fails", []string{"count"}, 1, []status{statusFail}, 0, 3},
		{"the first not done", nil, 0, []status{statusPass}, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := f.run(append([]string{"check", "--json"}, tt.args...)...)
			if code != tt.code {
				t.Fatalf("status %d, want %d\n%s%s", code, tt.code, stdout, stderr)
			}
			var rep checkReport
			if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
				t.Fatalf("standard output is not only the JSON: %v\n%s", err, stdout)
			}
			var got []status
			for _, r := range rep.Results {
				got = append(got, r.Status)
			}
			if !slices.Equal(got, tt.results) || rep.Points != tt.points || rep.Total != tt.total || rep.Checked != len(tt.results) {
				t.Errorf("%+v, want %v %d/%d", rep, tt.results, tt.points, tt.total)
			}
		})
	}
	if s := f.state(); len(s.Done) != 0 {
		t.Errorf("check --json recorded progress: %v", s.Done)
	}
	if code, _, _ := f.run("check", "--json", "--all", "greet"); code != 2 {
		t.Errorf("--all with an exercise: status %d, want 2", code)
	}
	golden(t, "check-json.json", func() string { _, out, _ := f.run("check", "--json", "--all"); return out }())
}
