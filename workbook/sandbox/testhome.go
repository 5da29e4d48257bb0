package sandbox

import (
	"os"
	"path/filepath"
)

// isolateHome points HOME and XDG_CACHE_HOME at a fresh temporary directory
// for the rest of a test binary's life, so that tests never read or write the
// real home directory (the compiled-program cache, the duration history,
// progress files). The Go toolchain's own caches stay where they are (their
// locations are pinned first), so builds made by tests stay warm. It returns
// the function that removes the directory. Test processes that a test starts
// share the home of the process that started them.
func isolateHome() (cleanup func(), err error) {
	const marker = "WORKBOOK_TEST_HOME"
	if os.Getenv(marker) != "" {
		// A test process started by a test: it shares its parent's home,
		// which the parent removes.
		return func() {}, nil
	}
	pin := func(key, def string) {
		if os.Getenv(key) == "" && def != "" {
			os.Setenv(key, def)
		}
	}
	if cache, err := os.UserCacheDir(); err == nil {
		pin("GOCACHE", filepath.Join(cache, "go-build"))
	}
	if home, err := os.UserHomeDir(); err == nil {
		pin("GOPATH", filepath.Join(home, "go"))
	}
	pin("GOMODCACHE", filepath.Join(filepath.SplitList(os.Getenv("GOPATH"))[0], "pkg", "mod"))

	dir, err := os.MkdirTemp("", "workbook-test-home-")
	if err != nil {
		return nil, err
	}
	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(filepath.Join(home, ".cache"), 0o755); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	os.Setenv(marker, dir)
	os.Setenv("HOME", home)
	os.Setenv("XDG_CACHE_HOME", filepath.Join(home, ".cache"))
	return func() { os.RemoveAll(dir) }, nil
}
