package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		path string
		data string
		perm os.FileMode
	}{
		{"new file in a new directory", filepath.Join(dir, "a", "b", "f.json"), "{}\n", 0o644},
		{"replaces", filepath.Join(dir, "a", "b", "f.json"), "{\"x\":1}\n", 0o600},
		{"empty", filepath.Join(dir, "empty"), "", 0o644},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := WriteFile(tt.path, []byte(tt.data), tt.perm); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(tt.path)
			if err != nil || string(got) != tt.data {
				t.Errorf("content = %q, %v; want %q", got, err, tt.data)
			}
			fi, err := os.Stat(tt.path)
			if err != nil || fi.Mode().Perm() != tt.perm {
				t.Errorf("mode = %v, %v; want %v", fi.Mode().Perm(), err, tt.perm)
			}
			leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(tt.path), ".*.tmp-*"))
			if len(leftovers) != 0 {
				t.Errorf("temporary files left: %q", leftovers)
			}
		})
	}
}

func TestWriteFileFailureKeepsOld(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A directory where the file should be: the rename fails.
	target := filepath.Join(dir, "sub")
	if err := os.MkdirAll(filepath.Join(target, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(target, []byte("new"), 0o644); err == nil {
		t.Error("WriteFile over a non-empty directory: no error")
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*.tmp-*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left: %q", leftovers)
	}
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Errorf("other file changed: %q", got)
	}
}
