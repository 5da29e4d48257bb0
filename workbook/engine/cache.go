package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/dustin/go-humanize"
)

// xsysModule is the one module lesson programs may import besides the
// standard library.
const xsysModule = "golang.org/x/sys"

// xsysFallback is the x/sys version used when the binary carries no build
// information; a test keeps it in sync with go.mod.
const xsysFallback = "v0.50.0"

// xsysVersion is the version of golang.org/x/sys the workbook itself was
// built with, which lesson programs are built with too.
func xsysVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path != xsysModule {
				continue
			}
			if d.Replace != nil && d.Replace.Version != "" {
				return d.Replace.Version
			}
			if d.Version != "" && d.Version != "(devel)" {
				return d.Version
			}
		}
	}
	return xsysFallback
}

// toolchain is the Go toolchain found on PATH, identified without running it.
type toolchain struct {
	path string // absolute path of the go binary; "" when not found
	id   string // path, size and modification time: part of the cache key
}

// findToolchain looks the go command up on PATH and stats it. It never
// runs it, so that a cache hit costs no toolchain invocation.
func findToolchain() toolchain {
	path, err := exec.LookPath("go")
	if err != nil {
		return toolchain{}
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	fi, err := os.Stat(path)
	if err != nil {
		return toolchain{}
	}
	return toolchain{path: path, id: fmt.Sprintf("%s\x00%d\x00%d", path, fi.Size(), fi.ModTime().UnixNano())}
}

// binCache holds compiled lesson programs, one file per key, written
// atomically (temporary file and rename), so that concurrent builds of the
// same program are safe. It is bounded: after each new entry, the least
// recently used entries (by modification time, which a hit refreshes) are
// removed until the cache holds at most max bytes, except entries that a
// run holds a lease on (a shared flock on the binary while it runs; see
// lease and evict).
type binCache struct {
	dir string
	max int64 // bytes; <= 0: no cap
}

// DefaultCacheMax is the size cap of the binary cache when neither
// Options.CacheMax nor $WORKBOOK_CACHE_MAX sets one: about 450 compiled
// lesson programs (measured: 850 MB after 400 programs of real
// documentation).
const DefaultCacheMax = 1 << 30

// CacheMaxEnv is the environment variable that overrides the cache's size
// cap: a size ("512MiB", "2GB") or "off" for no cap.
const CacheMaxEnv = "WORKBOOK_CACHE_MAX"

// ParseCacheMax reads a cache size cap as CacheMaxEnv holds it: "" is
// DefaultCacheMax, "off" no cap (-1), anything else a size with an
// optional unit ("512MiB", "2 GB", "1073741824"), which must be positive.
func ParseCacheMax(s string) (int64, error) {
	switch s = strings.TrimSpace(s); s {
	case "":
		return DefaultCacheMax, nil
	case "off":
		return -1, nil
	}
	n, err := humanize.ParseBytes(s)
	if err != nil || n == 0 || n > math.MaxInt64 {
		return 0, fmt.Errorf("cache size cap %q: want a positive size such as 512MiB or 2GB, or off", s)
	}
	return int64(n), nil
}

// DefaultCacheDir is where compiled programs are cached when
// Options.CacheDir is empty: os.UserCacheDir()/ppworkbook/bin.
func DefaultCacheDir() (string, error) { return defaultCacheDir() }

// defaultCacheDir is os.UserCacheDir()/ppworkbook/bin.
func defaultCacheDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("compiled engine: cache directory: %w", err)
	}
	return filepath.Join(base, "ppworkbook", "bin"), nil
}

// key is the cache key of source built by tc with x/sys version xsys.
func cacheKey(source string, tc toolchain, xsys string) string {
	h := sha256.New()
	for _, part := range []string{"workbook-compiled-v1", source, runtime.Version(), tc.id, xsys} {
		io.WriteString(h, part)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// path is where the binary with key lives.
func (c binCache) path(key string) string { return filepath.Join(c.dir, key) }

// lookup returns the cached binary for key, if any, and marks it used (a
// hit counts as a use for the least-recently-used order).
func (c binCache) lookup(key string) (string, bool) {
	p := c.path(key)
	fi, err := os.Stat(p)
	if err != nil || !fi.Mode().IsRegular() {
		return "", false
	}
	now := time.Now()
	os.Chtimes(p, now, now) // best effort: a read-only cache still works
	return p, true
}

// lease takes a shared lock on the binary of key for as long as a run
// uses it, so that no eviction (in this process or another) removes it;
// release gives it back. ok is false when the entry is gone or being
// removed: the caller builds it again.
func (c binCache) lease(key string) (release func(), ok bool) {
	p := c.path(key)
	f, err := os.Open(p)
	if err != nil {
		return nil, false
	}
	if !lockShared(f) {
		f.Close()
		return nil, false
	}
	// Removed between our open and our lock: the name is gone or names
	// another file.
	held, err1 := f.Stat()
	named, err2 := os.Stat(p)
	if err1 != nil || err2 != nil || !os.SameFile(held, named) {
		f.Close()
		return nil, false
	}
	return func() { f.Close() }, true
}

// tempFile returns a fresh path in the cache directory to build into; it
// is renamed into place by commit.
func (c binCache) tempFile(key string) (string, error) {
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return "", fmt.Errorf("compiled engine: cache directory: %w", err)
	}
	f, err := os.CreateTemp(c.dir, ".tmp-"+key[:12]+"-")
	if err != nil {
		return "", fmt.Errorf("compiled engine: cache: %w", err)
	}
	name := f.Name()
	f.Close()
	return name, nil
}

// commit moves the built binary tmp into place for key, then trims the
// cache to its cap (never removing key itself).
func (c binCache) commit(tmp, key string) (string, error) {
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", fmt.Errorf("compiled engine: cache: %w", err)
	}
	p := c.path(key)
	if err := os.Rename(tmp, p); err != nil {
		return "", fmt.Errorf("compiled engine: cache: %w", err)
	}
	if c.max > 0 {
		c.trim(key)
	}
	return p, nil
}

// cacheEntry is one binary of the cache.
type cacheEntry struct {
	name string
	size int64
	used time.Time
}

// entries lists the binaries of the cache directory dir (names of 64 hex
// digits; temporary files of builds under way are not entries).
func cacheEntries(dir string) ([]cacheEntry, error) {
	des, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []cacheEntry
	for _, de := range des {
		if !isKey(de.Name()) || !de.Type().IsRegular() {
			continue
		}
		info, err := de.Info()
		if err != nil {
			continue // removed meanwhile
		}
		out = append(out, cacheEntry{name: de.Name(), size: info.Size(), used: info.ModTime()})
	}
	return out, nil
}

// isKey reports whether name is a cache key (64 lower-case hex digits).
func isKey(name string) bool {
	if len(name) != sha256.Size*2 {
		return false
	}
	for _, r := range name {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') {
			return false
		}
	}
	return true
}

// trim removes the least recently used entries until the cache holds at
// most c.max bytes, skipping keep and the entries a run holds a lease on.
// Errors are ignored: a cache over its cap still works.
func (c binCache) trim(keep string) {
	es, err := cacheEntries(c.dir)
	if err != nil {
		return
	}
	var total int64
	for _, e := range es {
		total += e.size
	}
	if total <= c.max {
		return
	}
	slices.SortFunc(es, func(a, b cacheEntry) int { return a.used.Compare(b.used) })
	for _, e := range es {
		if total <= c.max {
			break
		}
		if e.name != keep && evict(filepath.Join(c.dir, e.name)) {
			total -= e.size
		}
	}
}

// evict removes the binary at path unless a run holds a lease on it: it
// takes the exclusive lock first (without waiting), so that a run cannot
// lease it while it goes.
func evict(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	if !lockExclusive(f) {
		return false
	}
	return os.Remove(path) == nil
}

// CacheInfo describes the binary cache.
type CacheInfo struct {
	Dir     string
	Bytes   int64 // total size of the binaries
	Entries int   // how many binaries
}

// CacheStats returns the size of the binary cache in dir (DefaultCacheDir
// when empty); a cache that does not exist yet is empty.
func CacheStats(dir string) (CacheInfo, error) {
	if dir == "" {
		d, err := defaultCacheDir()
		if err != nil {
			return CacheInfo{}, err
		}
		dir = d
	}
	info := CacheInfo{Dir: dir}
	es, err := cacheEntries(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return info, fmt.Errorf("cache: %w", err)
	}
	for _, e := range es {
		info.Bytes += e.size
		info.Entries++
	}
	return info, nil
}

// CleanCache removes every binary of the cache in dir (DefaultCacheDir
// when empty) except those a run is using, which it counts in inUse.
func CleanCache(dir string) (removed, inUse int, err error) {
	if dir == "" {
		if dir, err = defaultCacheDir(); err != nil {
			return 0, 0, err
		}
	}
	es, err := cacheEntries(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return 0, 0, nil
		}
		return 0, 0, fmt.Errorf("cache: %w", err)
	}
	for _, e := range es {
		if evict(filepath.Join(dir, e.name)) {
			removed++
		} else {
			inUse++
		}
	}
	return removed, inUse, nil
}

// goLine is the go directive of the temporary module: the language version
// of the toolchain the workbook was built with.
func goLine() string {
	v := strings.TrimPrefix(runtime.Version(), "go")
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return "1.26"
	}
	minor, _, _ := strings.Cut(parts[1], "rc")
	minor, _, _ = strings.Cut(minor, "beta")
	return parts[0] + "." + minor
}
