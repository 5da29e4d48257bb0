//go:build linux

package sandbox

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestOffline: an offline run (Spec.Offline) is refused sockets, a
// socket pair excepted, whether the binary is started directly, by a
// fresh child or by a pool's offline child, and lacks no protection; a
// run that is not offline gets its own network (and a fresh child when
// the pool's are offline).
func TestOffline(t *testing.T) {
	if !DirectStart() {
		t.Skip("offline runs need the namespaces a root workbook creates")
	}
	if seccompArch() == 0 {
		t.Skip("no seccomp filter for this architecture")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	const refused = "inet: permission denied\nunix: permission denied\npair: ok\n"
	const allowed = "inet: ok\nunix: ok\npair: ok\n"
	pool, err := NewPool(context.Background(), 1, PoolOptions{Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	binary := Spec{Path: exe, Env: []string{probeEnv + "=sockets"}, Timeout: 20 * time.Second}
	payload := Spec{Payload: "sockets", Timeout: 20 * time.Second}
	offline := func(s Spec) Spec { s.Offline = true; return s }
	viaChild := func(s Spec) Spec { s.viaChild = true; return s }
	for _, tc := range []struct {
		name string
		run  func() (*Result, error)
		want string
	}{
		{"binary started directly", func() (*Result, error) { return Run(context.Background(), offline(binary)) }, refused},
		{"binary by a child", func() (*Result, error) { return Run(context.Background(), viaChild(offline(binary))) }, refused},
		{"payload by a child", func() (*Result, error) { return Run(context.Background(), offline(payload)) }, refused},
		{"payload by the pool", func() (*Result, error) { return pool.Run(context.Background(), offline(payload)) }, refused},
		{"binary not offline", func() (*Result, error) { return Run(context.Background(), binary) }, allowed},
		{"payload not offline, offline pool", func() (*Result, error) { return pool.Run(context.Background(), payload) }, allowed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := tc.run()
			if err != nil {
				t.Fatal(err)
			}
			if got := string(res.Stdout); got != tc.want || res.ExitCode != 0 {
				t.Errorf("stdout %q (exit %d, stderr %q), want %q", got, res.ExitCode, res.Stderr, tc.want)
			}
			for _, m := range res.Missing {
				if strings.HasPrefix(m, ProtNetwork) {
					t.Errorf("missing %q", m)
				}
			}
		})
	}
}

// TestRunDirOutsideTmp: with $TMPDIR outside /tmp, the run directories
// are made on the real file system although the runs' trees are
// read-only; programs write in them, and nothing is left afterwards.
func TestRunDirOutsideTmp(t *testing.T) {
	if !DirectStart() {
		t.Skip("the read-only tree needs the namespaces a root workbook creates")
	}
	base, err := os.MkdirTemp(".", "tmpdir-test-")
	if err != nil {
		t.Fatal(err)
	}
	base, err = filepath.Abs(base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	if _, inTmp := underTmp(base); inTmp {
		t.Skip("the package directory is under /tmp")
	}
	t.Setenv("TMPDIR", base)
	write := `echo x > here && echo y > "$HOME/h" && echo z > "$TMPDIR/t" && cat here "$HOME/h" "$TMPDIR/t" && pwd`
	for _, tc := range []struct {
		name string
		spec Spec
	}{
		{"started directly", sh(write)},
		{"by a child", func() Spec { s := sh(write); s.viaChild = true; return s }()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Run(context.Background(), tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(string(res.Stdout)), "\n")
			if res.ExitCode != 0 || len(lines) != 4 || strings.Join(lines[:3], "") != "xyz" || !strings.HasPrefix(lines[3], base+"/workbook-run-") {
				t.Fatalf("exit %d, stdout %q, stderr %q", res.ExitCode, res.Stdout, res.Stderr)
			}
			if entries, _ := os.ReadDir(base); len(entries) != 0 {
				t.Errorf("left in $TMPDIR: %v", entries)
			}
		})
	}
}

// TestDevShm: every run has a /dev/shm of its own to write in, empty at
// its start, whichever way it was started.
func TestDevShm(t *testing.T) {
	if os.Getenv(envIsolation) == "pgroup" || (!DirectStart() && !userNamespaces()) {
		t.Skip("no mount namespace here: /dev/shm is the machine's")
	}
	script := `test -z "$(ls -A /dev/shm)" && echo x > /dev/shm/a && cat /dev/shm/a`
	for _, tc := range []struct {
		name string
		spec Spec
	}{
		{"started directly", sh(script)},
		{"by a child", func() Spec { s := sh(script); s.viaChild = true; return s }()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for range 2 {
				res, err := Run(context.Background(), tc.spec)
				if err != nil {
					t.Fatal(err)
				}
				if string(res.Stdout) != "x\n" || res.ExitCode != 0 {
					t.Fatalf("exit %d, stdout %q, stderr %q, missing %v", res.ExitCode, res.Stdout, res.Stderr, res.Missing)
				}
			}
		})
	}
}
