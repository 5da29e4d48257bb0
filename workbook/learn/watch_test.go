package learn

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestWatchSession drives watch mode with a fake clock and fake file
// events.
func TestWatchSession(t *testing.T) {
	f := newFixture(t)
	f.run("init")
	var out syncBuffer
	env := f.env
	env.Stdout, env.Stderr = &out, &out
	a, err := newApp(context.Background(), env, Globals{Dir: f.dir, Color: "never"})
	if err != nil {
		t.Fatal(err)
	}
	events := make(chan string)
	keys := make(chan string)
	timers := make(chan chan time.Time)
	checked := make(chan outcome, 10)
	w := &watchSession{
		a:      a,
		c:      f.fake,
		events: events,
		keys:   keys,
		after: func(time.Duration) <-chan time.Time {
			ch := make(chan time.Time, 1)
			timers <- ch
			return ch
		},
		checked: func(o outcome) { checked <- o },
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- w.run(ctx) }()

	expect := func(id string, st status) {
		t.Helper()
		o := <-checked
		if o.Exercise.ID != id || o.Status != st {
			t.Fatalf("checked %s: %s, want %s: %s\n%s", o.Exercise.ID, o.Status, id, st, out.String())
		}
	}
	expect("01-hello/greet", statusFail) // the first check, on start

	// A burst of events gives one check, when the delay after the last ends.
	f.write("01-hello/greet", greetSolved)
	greet := f.file("01-hello/greet")
	var last chan time.Time
	for _, ev := range []string{greet, greet + "~", filepath.Join(f.dir, "02-counting/count/main.go"), greet} {
		events <- ev
		if ev == greet {
			last = <-timers
		}
	}
	calls := f.fake.calls
	last <- time.Time{}
	expect("01-hello/greet", statusPass)
	if f.fake.calls != calls+1 {
		t.Errorf("%d checks for one burst of events, want 1", f.fake.calls-calls)
	}
	if !f.state().IsDone("01-hello/greet") {
		t.Error("watch did not record the exercise as done")
	}

	keys <- "n"
	expect("02-counting/count", statusFail) // moved on only when asked
	keys <- "n"                             // not done: stays
	keys <- "h"
	keys <- "?"
	keys <- "q"
	if err := <-done; err != nil {
		t.Fatalf("watch: %v", err)
	}
	got := out.String()
	for _, want := range []string{
		"Done. Press n then Enter for the next exercise",
		"02-counting/count is not done yet",
		"Hint 1 of 1 for 02-counting/count:",
		`Unknown key "?"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if s := f.state(); s.Current != "02-counting/count" || s.HintsUsed("02-counting/count") != 1 {
		t.Errorf("progress after watch: %+v", s)
	}
}

// TestWatchEnds checks that watch ends cleanly on EOF and on cancellation.
func TestWatchEnds(t *testing.T) {
	for _, how := range []string{"eof", "cancel"} {
		t.Run(how, func(t *testing.T) {
			f := newFixture(t)
			f.run("init")
			f.fake.checked = make(chan string, 10)
			pr, pw := io.Pipe()
			defer pw.Close()
			f.env.Stdin = pr
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan int, 1)
			go func() {
				env := f.env
				env.Stdout, env.Stderr = io.Discard, io.Discard
				done <- run(ctx, env, []string{"--dir", f.dir, "watch"})
			}()
			<-f.fake.checked
			if how == "eof" {
				pw.Close()
			} else {
				cancel()
			}
			if code := <-done; code != 0 {
				t.Errorf("watch ended with status %d", code)
			}
		})
	}
}

// TestWatchRealFiles runs watch on a real directory: a write and a save by
// rename (as many editors do) are both seen.
func TestWatchRealFiles(t *testing.T) {
	f := newFixture(t)
	f.run("init")
	f.fake.checked = make(chan string, 100)
	f.env.Debounce = 5 * time.Millisecond
	pr, pw := io.Pipe()
	defer pw.Close()
	f.env.Stdin = pr
	var out syncBuffer
	done := make(chan int, 1)
	go func() {
		env := f.env
		env.Stdout, env.Stderr = &out, &out
		done <- run(context.Background(), env, []string{"--dir", f.dir, "watch"})
	}()
	greet := f.file("01-hello/greet")
	<-f.fake.checked

	waitFor := func(marker string) {
		t.Helper()
		for !strings.Contains(f.fake.source(greet), marker) {
			<-f.fake.checked
		}
	}
	// A plain write.
	if err := os.WriteFile(greet, []byte("package main\n// first save\nfunc main() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor("first save")
	// A save by rename: write a new file, rename it over the old one.
	tmp := filepath.Join(filepath.Dir(greet), ".main.go.swp")
	if err := os.WriteFile(tmp, []byte(greetSolved), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, greet); err != nil {
		t.Fatal(err)
	}
	waitFor(markPass)
	// End of input: watch reports the check under way, then ends.
	pw.Close()
	if code := <-done; code != 0 {
		t.Fatalf("watch: status %d\n%s", code, out.String())
	}
	if !f.state().IsDone("01-hello/greet") {
		t.Errorf("not done after a passing save:\n%s", out.String())
	}
}

func TestWatchNeedsInit(t *testing.T) {
	f := newFixture(t)
	if code, _, stderr := f.run("watch"); code != 1 || !strings.Contains(stderr, "workbook init") {
		t.Errorf("watch before init: %d %q", code, stderr)
	}
}

func TestReadKeys(t *testing.T) {
	tests := []struct {
		name  string
		input string
		raw   bool
		want  []string
	}{
		{"lines", "h\n N \n\nq\n", false, []string{"h", "n", "", "q"}},
		{"lines no final newline", "l", false, []string{"l"}},
		{"raw keys", "hn\nq", true, []string{"h", "n", "", "q"}},
		{"raw ctrl-d ends", "h\x04n", true, []string{"h"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for k := range readKeys(context.Background(), strings.NewReader(tt.input), tt.raw) {
				got = append(got, k)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("keys %q, want %q", got, tt.want)
			}
		})
	}
}
