package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
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
// same program are safe.
type binCache struct {
	dir string
}

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

// lookup returns the cached binary for key, if any.
func (c binCache) lookup(key string) (string, bool) {
	p := c.path(key)
	fi, err := os.Stat(p)
	if err != nil || !fi.Mode().IsRegular() {
		return "", false
	}
	return p, true
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

// commit moves the built binary tmp into place for key.
func (c binCache) commit(tmp, key string) (string, error) {
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", fmt.Errorf("compiled engine: cache: %w", err)
	}
	p := c.path(key)
	if err := os.Rename(tmp, p); err != nil {
		return "", fmt.Errorf("compiled engine: cache: %w", err)
	}
	return p, nil
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
