package progress

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)

func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		file    *string // nil: no file
		corrupt bool
		want    func(*State) string // "" when fine
	}{
		{name: "missing", want: func(s *State) string {
			if len(s.Done) != 0 || len(s.Hints) != 0 || s.Current != "" {
				return "want empty state"
			}
			return ""
		}},
		{name: "valid", file: ptr(`{"version":1,"current":"l/b","done":{"l/a":"2026-11-27T09:30:00Z"},"hints":{"l/b":2}}`), want: func(s *State) string {
			if !s.IsDone("l/a") || s.IsDone("l/b") || s.HintsUsed("l/b") != 2 || s.Current != "l/b" {
				return "state not decoded"
			}
			return ""
		}},
		{name: "empty maps", file: ptr(`{"version":1}`), want: func(s *State) string {
			s.MarkDone("x", t0)
			s.RevealHint("x", 1)
			return ""
		}},
		{name: "not json", file: ptr(`{"version":1,`), corrupt: true},
		{name: "empty file", file: ptr(``), corrupt: true},
		{name: "wrong version", file: ptr(`{"version":7}`), corrupt: true},
		{name: "wrong type", file: ptr(`{"version":1,"hints":{"a":"x"}}`), corrupt: true},
		{name: "negative hints", file: ptr(`{"version":1,"hints":{"a":-1}}`), corrupt: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			st := Store{Dir: dir, Now: func() time.Time { return t0 }}
			if tt.file != nil {
				if err := os.WriteFile(st.Path(), []byte(*tt.file), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			s, err := st.Load()
			if tt.corrupt {
				var ce *CorruptError
				if !errors.As(err, &ce) {
					t.Fatalf("Load error = %v, want *CorruptError", err)
				}
				backup := st.Path() + ".corrupt-20261127T093000Z"
				if ce.Backup != backup {
					t.Errorf("Backup = %q, want %q", ce.Backup, backup)
				}
				got, rerr := os.ReadFile(backup)
				if rerr != nil || string(got) != *tt.file {
					t.Errorf("backup holds %q (%v), want the original %q", got, rerr, *tt.file)
				}
				if _, serr := os.Stat(st.Path()); !errors.Is(serr, os.ErrNotExist) {
					t.Errorf("corrupt file still at %s", st.Path())
				}
				if !strings.Contains(err.Error(), backup) {
					t.Errorf("error %q does not name the backup", err)
				}
				if s == nil || len(s.Done) != 0 {
					t.Errorf("want a fresh state after corruption, got %+v", s)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if msg := tt.want(s); msg != "" {
				t.Error(msg)
			}
		})
	}
}

func TestCorruptBackupNeverOverwritten(t *testing.T) {
	dir := t.TempDir()
	st := Store{Dir: dir, Now: func() time.Time { return t0 }}
	for i, body := range []string{"first", "second"} {
		if err := os.WriteFile(st.Path(), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := st.Load()
		var ce *CorruptError
		if !errors.As(err, &ce) {
			t.Fatalf("round %d: %v", i, err)
		}
		got, _ := os.ReadFile(ce.Backup)
		if string(got) != body {
			t.Errorf("round %d: backup %s holds %q, want %q", i, ce.Backup, got, body)
		}
	}
	matches, _ := filepath.Glob(st.Path() + ".corrupt-*")
	if len(matches) != 2 {
		t.Errorf("backups = %v, want 2", matches)
	}
}

func TestSaveRoundTripAtomic(t *testing.T) {
	dir := t.TempDir()
	st := Store{Dir: dir}
	s := New()
	s.Current = "01-x/b"
	s.MarkDone("01-x/a", t0)
	s.RevealHint("01-x/b", 3)
	s.RevealHint("01-x/b", 3)
	if err := st.Save(s); err != nil {
		t.Fatal(err)
	}
	got, err := st.Load()
	if err != nil {
		t.Fatal(err)
	}
	if got.Current != "01-x/b" || !got.Done["01-x/a"].Equal(t0) || got.HintsUsed("01-x/b") != 2 {
		t.Errorf("round trip: got %+v", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != FileName {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("work dir holds %v, want only %s (no temporary files left)", names, FileName)
	}
}

func TestStateOperations(t *testing.T) {
	tests := []struct {
		name string
		run  func(*State) any
		want any
	}{
		{"hint increments", func(s *State) any { s.RevealHint("a", 3); return s.RevealHint("a", 3) }, 2},
		{"hint capped at total", func(s *State) any {
			for range 5 {
				s.RevealHint("a", 2)
			}
			return s.HintsUsed("a")
		}, 2},
		{"no hints", func(s *State) any { return s.RevealHint("a", 0) }, 0},
		{"done once", func(s *State) any { s.MarkDone("a", t0); return s.MarkDone("a", t0.Add(time.Hour)) }, false},
		{"first time kept", func(s *State) any {
			s.MarkDone("a", t0)
			s.MarkDone("a", t0.Add(time.Hour))
			return s.Done["a"].Equal(t0)
		}, true},
		{"done order", func(s *State) any {
			s.MarkDone("b", t0.Add(time.Minute))
			s.MarkDone("c", t0)
			s.MarkDone("a", t0)
			return strings.Join(s.DoneIDs(), ",")
		}, "a,c,b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.run(New()); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestUpdate(t *testing.T) {
	dir := t.TempDir()
	st := Store{Dir: dir, Now: func() time.Time { return t0 }}
	if err := os.WriteFile(st.Path(), []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := st.Update(func(s *State) error { s.MarkDone("a", t0); return nil })
	var ce *CorruptError
	if !errors.As(err, &ce) {
		t.Fatalf("Update error = %v, want *CorruptError", err)
	}
	s, err := st.Load()
	if err != nil || !s.IsDone("a") {
		t.Fatalf("after Update: %+v, %v", s, err)
	}
	boom := errors.New("boom")
	if _, err := st.Update(func(s *State) error { s.MarkDone("b", t0); return boom }); !errors.Is(err, boom) {
		t.Fatalf("Update error = %v, want boom", err)
	}
	if s, _ := st.Load(); s.IsDone("b") {
		t.Error("a failed update was saved")
	}
}

func ptr(s string) *string { return &s }
