package sandbox

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// testPayloads are the in-process payloads of the test binary acting as a
// sandbox child.
var testPayloads = map[string]Payload{
	"echo": {
		Warm: func() any { return "warm" },
		Run: func(warm any, req []byte) int {
			fmt.Printf("%s %s %s\n", warm, req, os.Getenv("EXTRA"))
			return 4
		},
	},
	"files": {
		Run: func(_ any, _ []byte) int {
			for range 1000 {
				f, err := os.Open(os.DevNull)
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					return 1
				}
				defer f.Close()
			}
			return 0
		},
	},
	"procs": {
		Run: func(_ any, _ []byte) int {
			fmt.Println(runtime.GOMAXPROCS(0))
			return 0
		},
	},
	"sockets": {Run: func(_ any, _ []byte) int { return probeSockets() }},
	"alloc": {
		Run: func(_ any, _ []byte) int {
			var keep [][]byte
			for range 64 {
				b := make([]byte, 64<<20)
				for i := 0; i < len(b); i += 4096 {
					b[i] = 1
				}
				keep = append(keep, b)
			}
			fmt.Println(len(keep))
			return 0
		},
	},
}

func TestMain(m *testing.M) {
	if os.Getenv(probeEnv) == "sockets" {
		// The test binary run as a sandboxed program (Spec.Path).
		os.Exit(probeSockets())
	}
	MainForTest(m, testPayloads)
}

// probeEnv, in a test binary's environment, makes it a probe program.
const probeEnv = "SANDBOX_TEST_PROBE"

// probeSockets tries to open an Internet socket and a Unix one and to
// make a socket pair, and prints what each got.
func probeSockets() int {
	try := func(name string, err error) {
		if err != nil {
			fmt.Printf("%s: %v\n", name, err)
		} else {
			fmt.Printf("%s: ok\n", name)
		}
	}
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	try("inet", err)
	if err == nil {
		unix.Close(fd)
	}
	fd, err = unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	try("unix", err)
	if err == nil {
		unix.Close(fd)
	}
	pair, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	try("pair", err)
	if err == nil {
		unix.Close(pair[0])
		unix.Close(pair[1])
	}
	return 0
}

func sh(script string) Spec {
	return Spec{Path: "/bin/sh", Args: []string{"-c", script}, Timeout: 5 * time.Second}
}

// TestPortable runs the sandbox as it is on macOS and the BSDs (and on
// Linux without namespaces, where WORKBOOK_SANDBOX_ISOLATION=pgroup
// selects it): a process group killed as a whole on timeout, resource
// limits, a private run directory, HOME and TMPDIR, no inherited
// environment, and a report that says what is missing.
func TestPortable(t *testing.T) {
	t.Setenv(envIsolation, "pgroup")
	t.Setenv("LEAKME", "1")
	if r := Predict(); r.Full() || !strings.Contains(r.Line(), "NOT active") {
		t.Errorf("the line pretends: %s", r.Line())
	}
	tests := []struct {
		name  string
		spec  Spec
		check func(t *testing.T, r *Result)
	}{
		{"environment", sh(`echo "$LEAKME|$HOME|$TMPDIR|$(pwd)"`), func(t *testing.T, r *Result) {
			f := strings.Split(strings.TrimSpace(string(r.Stdout)), "|")
			if len(f) != 4 || f[0] != "" || f[1] != filepath.Join(f[3], "home") || f[2] != filepath.Join(f[3], "tmp") ||
				!strings.HasPrefix(filepath.Base(f[3]), "workbook-run-") {
				t.Errorf("stdout %q", r.Stdout)
			}
		}},
		{"group killed on timeout", func() Spec {
			s := sh("sleep 30 & echo started; wait")
			s.Timeout = 300 * time.Millisecond
			return s
		}(), func(t *testing.T, r *Result) {
			if !r.TimedOut || string(r.Stdout) != "started\n" || r.Duration > 5*time.Second {
				t.Errorf("timedout %v stdout %q after %v", r.TimedOut, r.Stdout, r.Duration)
			}
		}},
		{"file size limit", func() Spec {
			s := sh("head -c 100000 /dev/zero > big")
			s.Limits.FileSize = 4096
			return s
		}(), func(t *testing.T, r *Result) {
			if r.LimitHit != "file-size" {
				t.Errorf("limit %q exit %d stderr %q", r.LimitHit, r.ExitCode, r.Stderr)
			}
		}},
		{"payload", Spec{Payload: "echo", Request: []byte("req")}, func(t *testing.T, r *Result) {
			if string(r.Stdout) != "warm req \n" || r.ExitCode != 4 {
				t.Errorf("stdout %q exit %d", r.Stdout, r.ExitCode)
			}
		}},
		{"strict refuses", func() Spec { s := sh("echo ran"); s.Strict = true; return s }(), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Run(context.Background(), tc.spec)
			if tc.check == nil {
				if err == nil || !strings.Contains(err.Error(), "strict") || (r != nil && len(r.Stdout) > 0) {
					t.Errorf("a strict run without namespaces ran: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Isolation != "pgroup" || r.PrivateTmp || r.Direct {
				t.Errorf("isolation %q private %v direct %v", r.Isolation, r.PrivateTmp, r.Direct)
			}
			if len(r.Missing) == 0 {
				t.Errorf("nothing said missing: %v", r.Protections)
			}
			tc.check(t, r)
			dir := strings.TrimSpace(string(r.Stdout))
			if i := strings.LastIndex(dir, "|"); i >= 0 {
				if _, err := os.Stat(dir[i+1:]); err == nil {
					t.Errorf("run directory %s left behind", dir[i+1:])
				}
			}
		})
	}
}
