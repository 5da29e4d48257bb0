//go:build !windows

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/ppworkbook/workbook/internal/golden"
	"github.com/ppworkbook/workbook/workbook/engine"
	"github.com/ppworkbook/workbook/workbook/sandbox"
)

// TestMain makes the test binary the real workbook command for the scripts,
// and hands sandbox children (re-executions of this binary) to the sandbox.
func TestMain(m *testing.M) {
	if sandbox.IsChild() {
		os.Exit(sandbox.ChildMain(engine.Payloads()))
	}
	testscript.Main(m, map[string]func(){"workbook": main})
}

// TestScripts runs the end-to-end scripts of testdata/script (see
// testdata/script/README.md).
func TestScripts(t *testing.T) {
	goEnv := goEnv(t, "GOCACHE", "GOMODCACHE", "GOPATH", "GOFLAGS", "GOPROXY", "GOTOOLCHAIN")
	shared := t.TempDir() // compiled-program cache, shared by the scripts
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		WorkdirRoot:   t.TempDir(),
		UpdateScripts: golden.Update(), // go test -update: rewrite the cmp files
		Setup: func(env *testscript.Env) error {
			env.Setenv("HOME", filepath.Join(env.WorkDir, ".home"))
			env.Setenv("XDG_CACHE_HOME", shared)
			env.Setenv("NO_COLOR", "")
			env.Setenv("GITHUB_ACTIONS", "")
			for k, v := range goEnv {
				env.Setenv(k, v)
			}
			return nil
		},
	})
}

// goEnv returns the go command's settings for names, so that programs
// compiled by the scripts reuse the build and module caches.
func goEnv(t *testing.T, names ...string) map[string]string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"env"}, names...)...).Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	vals := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	env := map[string]string{}
	for i, name := range names {
		if i < len(vals) && vals[i] != "" {
			env[name] = vals[i]
		}
	}
	return env
}
