package learn

import (
	"context"
	"crypto/sha256"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// editor saves content into file the way one editor does, system call by
// system call.
type editor struct {
	name string
	save func(t *testing.T, file string, content []byte)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, path string, chunks ...[]byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	must(t, err)
	for _, c := range chunks {
		_, err := f.Write(c)
		must(t, err)
	}
	must(t, f.Sync())
	must(t, f.Close())
}

var editors = []editor{
	// nano, VS Code (its default), most editors: truncate and write in place.
	{"in place", func(t *testing.T, file string, c []byte) { writeFile(t, file, c) }},
	// An editor writing its buffer in several writes, then again (a
	// format-on-save rewriting the file right after).
	{"several writes", func(t *testing.T, file string, c []byte) {
		h := len(c) / 2
		writeFile(t, file, c[:h], c[h:])
		writeFile(t, file, c[:1], c[1:h], c[h:])
	}},
	// vim (backupcopy=auto): probe file 4913, rename the file to its
	// backup, write a new one, restore the mode, remove the backup.
	{"vim", func(t *testing.T, file string, c []byte) {
		dir := filepath.Dir(file)
		probe := filepath.Join(dir, "4913")
		writeFile(t, probe)
		must(t, os.Remove(probe))
		must(t, os.Rename(file, file+"~"))
		writeFile(t, file, c)
		must(t, os.Chmod(file, 0o644))
		must(t, os.Remove(file+"~"))
	}},
	// VS Code with atomic saves, gedit, Emacs' backup-by-copying off: write
	// a temporary file, rename it over the file.
	{"temporary file and rename", func(t *testing.T, file string, c []byte) {
		tmp := filepath.Join(filepath.Dir(file), ".main.go.tmp1234")
		writeFile(t, tmp, c)
		must(t, os.Rename(tmp, file))
	}},
	// JetBrains' safe write: write a temporary file, move the file to a
	// backup, move the temporary file in, remove the backup.
	{"JetBrains safe write", func(t *testing.T, file string, c []byte) {
		tmp, old := file+"___jb_tmp___", file+"___jb_old___"
		writeFile(t, tmp, c)
		must(t, os.Rename(file, old))
		must(t, os.Rename(tmp, file))
		must(t, os.Remove(old))
	}},
	// Emacs: a lock symlink, the file renamed to its backup, a new file.
	{"Emacs", func(t *testing.T, file string, c []byte) {
		dir := filepath.Dir(file)
		lock := filepath.Join(dir, ".#main.go")
		must(t, os.Symlink("user@host.1234", lock))
		must(t, os.Rename(file, file+"~"))
		writeFile(t, file, c)
		must(t, os.Remove(lock))
	}},
}

// TestSavesOnePerEditorSave: whatever system calls an editor makes, one
// save gives exactly one report, of the saved content. After each editor's
// save a second, plain save follows: the report after the first is the
// second's, so no extra report came from the first (no sleeping).
func TestSavesOnePerEditorSave(t *testing.T) {
	for _, ed := range editors {
		t.Run(ed.name, func(t *testing.T) {
			root := t.TempDir()
			dir := filepath.Join(root, "01-lesson", "ex")
			must(t, os.MkdirAll(dir, 0o755))
			file := filepath.Join(dir, "main.go")
			writeFile(t, file, []byte("package main\n\nfunc main() {}\n"))
			other := filepath.Join(root, "01-lesson", "other")
			must(t, os.MkdirAll(other, 0o755))

			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			// A quiet time longer than the real one: on a loaded machine
			// the test itself may be descheduled in the middle of an
			// editor's burst of system calls, which an editor is not.
			w, err := watchSaves(ctx, root, 100*time.Millisecond)
			must(t, err)
			defer w.Wait()
			defer cancel()

			first := []byte("package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"first\") }\n")
			ed.save(t, file, first)
			// A file that is not Go, in another folder: never reported.
			writeFile(t, filepath.Join(other, "notes.txt"), []byte("x"))
			second := []byte("package main\n\nfunc main() { println(\"second\") }\n")
			got := <-w.Saves
			if got.Dir != dir || got.Sum != sumOf("main.go", first) {
				t.Fatalf("first report: %s %x, want %s and the first save's content", got.Dir, got.Sum[:4], dir)
			}
			writeFile(t, file, second)
			got = <-w.Saves
			if got.Sum != sumOf("main.go", second) {
				t.Fatalf("the report after the first is not the second save's: the first save was reported more than once")
			}
		})
	}
}

// sumOf is goFilesSum of a folder holding one file.
func sumOf(name string, content []byte) [32]byte {
	h := sha256.New()
	h.Write(content)
	h.Write([]byte{0})
	h.Write([]byte(name))
	h.Write([]byte{0})
	var s [32]byte
	copy(s[:], h.Sum(nil))
	return s
}
