package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestParseCacheMax(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		err  bool
	}{
		{"", DefaultCacheMax, false},
		{"off", -1, false},
		{"512MiB", 512 << 20, false},
		{"2GB", 2_000_000_000, false},
		{" 1 GiB ", 1 << 30, false},
		{"1048576", 1 << 20, false},
		{"0", 0, true},
		{"lots", 0, true},
		{"-5MB", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseCacheMax(tt.in)
		if (err != nil) != tt.err || (!tt.err && got != tt.want) {
			t.Errorf("ParseCacheMax(%q) = %d, %v; want %d, error %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

// fakeEntry writes a cache entry of size bytes named after n, last used
// age ago.
func fakeEntry(t *testing.T, dir string, n, size int, age time.Duration) string {
	t.Helper()
	key := fmt.Sprintf("%064x", n)
	p := filepath.Join(dir, key)
	if err := os.WriteFile(p, make([]byte, size), 0o755); err != nil {
		t.Fatal(err)
	}
	when := time.Now().Add(-age)
	if err := os.Chtimes(p, when, when); err != nil {
		t.Fatal(err)
	}
	return key
}

func entryNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := cacheEntries(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.name)
	}
	slices.Sort(names)
	return names
}

// TestCacheTrimLRU: a new entry over the cap removes the least recently
// used entries first, never the new one, and leaves files that are not
// entries (builds under way) alone.
func TestCacheTrimLRU(t *testing.T) {
	dir := t.TempDir()
	c := binCache{dir: dir, max: 300}
	oldest := fakeEntry(t, dir, 1, 100, 4*time.Hour)
	old := fakeEntry(t, dir, 2, 100, 3*time.Hour)
	recent := fakeEntry(t, dir, 3, 100, time.Hour)
	if err := os.WriteFile(filepath.Join(dir, ".tmp-000000000000-1"), make([]byte, 500), 0o644); err != nil {
		t.Fatal(err)
	}
	// A hit makes the oldest entry the most recently used.
	if _, ok := c.lookup(oldest); !ok {
		t.Fatal("lookup missed an entry")
	}
	tmp, err := c.tempFile(fmt.Sprintf("%064x", 4))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(tmp, make([]byte, 100), 0o644); err != nil {
		t.Fatal(err)
	}
	fresh := fmt.Sprintf("%064x", 4)
	if _, err := c.commit(tmp, fresh); err != nil {
		t.Fatal(err)
	}
	want := []string{oldest, recent, fresh}
	slices.Sort(want)
	if got := entryNames(t, dir); !slices.Equal(got, want) {
		t.Errorf("entries after trim = %v, want %v (the least recently used, %s, removed)", got, want, old)
	}
	if _, err := os.Stat(filepath.Join(dir, ".tmp-000000000000-1")); err != nil {
		t.Errorf("a build under way was removed: %v", err)
	}
}

// TestCacheLeaseKeepsEntry: an entry a run holds a lease on is neither
// trimmed nor cleaned; once released, it goes.
func TestCacheLeaseKeepsEntry(t *testing.T) {
	dir := t.TempDir()
	c := binCache{dir: dir, max: 150}
	used := fakeEntry(t, dir, 1, 100, 2*time.Hour)
	other := fakeEntry(t, dir, 2, 100, time.Hour)
	release, ok := c.lease(used)
	if !ok {
		t.Fatal("no lease on an entry that exists")
	}
	c.trim("")
	if got := entryNames(t, dir); !slices.Equal(got, []string{used}) {
		t.Errorf("entries after trim = %v, want only the leased %s", got, used)
	}
	removed, inUse, err := CleanCache(dir)
	if err != nil || removed != 0 || inUse != 1 {
		t.Errorf("CleanCache with a lease = %d removed, %d in use, %v; want 0, 1, nil", removed, inUse, err)
	}
	release()
	removed, inUse, err = CleanCache(dir)
	if err != nil || removed != 1 || inUse != 0 {
		t.Errorf("CleanCache after release = %d removed, %d in use, %v; want 1, 0, nil", removed, inUse, err)
	}
	if _, ok := c.lease(other); ok {
		t.Errorf("a lease on a removed entry")
	}
	info, err := CacheStats(dir)
	if err != nil || info.Entries != 0 || info.Bytes != 0 {
		t.Errorf("CacheStats after clean = %+v, %v", info, err)
	}
}

// TestCacheLeaseRefusesEvicting: no lease on an entry that an eviction
// holds (it is about to go): the run builds the program again.
func TestCacheLeaseRefusesEvicting(t *testing.T) {
	dir := t.TempDir()
	c := binCache{dir: dir}
	key := fakeEntry(t, dir, 1, 10, 0)
	f, err := os.Open(filepath.Join(dir, key))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if !lockExclusive(f) {
		t.Fatal("no exclusive lock on a fresh entry")
	}
	if _, ok := c.lease(key); ok {
		t.Errorf("lease granted while the entry is being evicted")
	}
}

func TestCacheStatsMissingDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "none")
	info, err := CacheStats(dir)
	if err != nil || info.Entries != 0 || info.Dir != dir {
		t.Errorf("CacheStats(missing) = %+v, %v", info, err)
	}
	if removed, inUse, err := CleanCache(dir); err != nil || removed+inUse != 0 {
		t.Errorf("CleanCache(missing) = %d, %d, %v", removed, inUse, err)
	}
}

// TestCompiledRunHoldsLease: while a compiled program runs, its binary
// cannot be evicted, and a cap smaller than one binary keeps the newest.
func TestCompiledRunHoldsLease(t *testing.T) {
	dir := t.TempDir()
	r, err := New(Options{CacheDir: dir, CacheMax: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	if r.compiled.tc.path == "" {
		t.Fatal("needs the go toolchain on PATH")
	}
	// The program waits after "ready" (its stdin is /dev/null: reading
	// it would return at once, and the program could end before Seen
	// stops it).
	p := src("import (\n\t\"fmt\"\n\t\"time\"\n)\n\nfunc main() { fmt.Println(\"ready\"); time.Sleep(time.Minute) }\n")
	seen := make(chan struct{})
	var cleaned []int
	v, err := r.Run(t.Context(), Request{Program: p, Engine: Compiled, Timeout: time.Minute, Seen: func(out []byte) bool {
		if !strings.Contains(string(out), "ready") {
			return false
		}
		removed, inUse, _ := CleanCache(dir)
		cleaned = []int{removed, inUse}
		close(seen)
		return true
	}})
	if err != nil {
		t.Fatal(err)
	}
	<-seen
	if v.End != Stopped {
		t.Errorf("run: %s, want stopped", verdictSummary(v))
	}
	if !slices.Equal(cleaned, []int{0, 1}) {
		t.Errorf("CleanCache during the run = %v removed/in use, want [0 1]", cleaned)
	}
	q := src("import \"fmt\"\n\nfunc main() { fmt.Println(\"second\") }\n")
	if v, err := r.Run(t.Context(), Request{Program: q, Engine: Compiled, Timeout: time.Minute}); err != nil || v.End != Exited {
		t.Fatalf("second run: %v %v", v, err)
	}
	if n := len(entryNames(t, dir)); n != 1 {
		t.Errorf("%d entries with a 1-byte cap, want the newest only", n)
	}
}

// TestCancelledBuildLeavesNothing: a build killed because its run was
// cancelled leaves nothing in $TMPDIR, although the go command could not
// remove its work directory (GOTMPDIR is inside the build's module
// directory, which the engine removes). The go command is a stand-in that
// makes its work directory where go would, says so on a FIFO and waits to
// be killed.
func TestCancelledBuildLeavesNothing(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	dir := t.TempDir()
	fifo := filepath.Join(dir, "started")
	if err := unix.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	fakeGo := filepath.Join(dir, "go")
	script := "#!/bin/sh\nmkdir \"${GOTMPDIR:-$TMPDIR}/go-build-stand-in\" || exit 1\necho started >" + fifo + "\nexec sleep 600\n"
	if err := os.WriteFile(fakeGo, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	c, err := newCompiledEngine(Options{CacheDir: filepath.Join(dir, "cache")})
	if err != nil {
		t.Fatal(err)
	}
	c.tc = toolchain{path: fakeGo, id: "stand-in"}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	read := make(chan struct{})
	go func() {
		defer close(read)
		// The FIFO opens once the stand-in has made its directory.
		if b, err := os.ReadFile(fifo); err == nil && len(b) > 0 {
			cancel()
		}
	}()
	c.run(ctx, Request{Program: program(`fmt.Println("never built")`)})
	// Had the stand-in never started, the reader would still wait.
	if w, err := os.OpenFile(fifo, os.O_WRONLY|unix.O_NONBLOCK, 0); err == nil {
		w.Close()
	}
	<-read
	entries, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("left in $TMPDIR: %s", e.Name())
	}
}
