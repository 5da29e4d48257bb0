//go:build linux

package sandbox

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/ppworkbook/workbook/internal/proctest"
)

func TestRun(t *testing.T) {
	t.Setenv("LEAKME", "1")
	tests := []struct {
		name  string
		spec  Spec
		check func(t *testing.T, r *Result)
	}{
		{"exit code", sh("echo out; echo err >&2; exit 3"), func(t *testing.T, r *Result) {
			if r.ExitCode != 3 || string(r.Stdout) != "out\n" || string(r.Stderr) != "err\n" {
				t.Errorf("got exit %d stdout %q stderr %q", r.ExitCode, r.Stdout, r.Stderr)
			}
		}},
		{"environment", func() Spec { s := sh("env"); s.Env = []string{"EXTRA=yes"}; return s }(), func(t *testing.T, r *Result) {
			for _, want := range []string{"PATH=", "HOME=", "TMPDIR=", "LANG=C.UTF-8", "EXTRA=yes"} {
				if !bytes.Contains(r.Stdout, []byte(want)) {
					t.Errorf("env lacks %s:\n%s", want, r.Stdout)
				}
			}
			for _, leak := range []string{"LEAKME", "WORKBOOK_SANDBOX"} {
				if bytes.Contains(r.Stdout, []byte(leak)) {
					t.Errorf("env leaks %s:\n%s", leak, r.Stdout)
				}
			}
		}},
		{"no stdin", sh("cat; echo done"), func(t *testing.T, r *Result) {
			if string(r.Stdout) != "done\n" {
				t.Errorf("stdout %q", r.Stdout)
			}
		}},
		{"stdin", func() Spec { s := sh("cat"); s.Stdin = []byte("in\nput\n"); return s }(), func(t *testing.T, r *Result) {
			if string(r.Stdout) != "in\nput\n" {
				t.Errorf("stdout %q", r.Stdout)
			}
		}},
		{"timeout ignoring SIGTERM", func() Spec {
			s := sh("trap '' TERM; echo started; sleep 30")
			s.Timeout = 300 * time.Millisecond
			s.Grace = 100 * time.Millisecond
			return s
		}(), func(t *testing.T, r *Result) {
			if !r.TimedOut || r.Signal != "killed" || string(r.Stdout) != "started\n" {
				t.Errorf("timedout %v signal %q stdout %q", r.TimedOut, r.Signal, r.Stdout)
			}
		}},
		{"truncation", func() Spec { s := sh("head -c 5000000 /dev/zero; echo err >&2"); s.MaxOutput = 1000; return s }(), func(t *testing.T, r *Result) {
			if len(r.Stdout) != 1000 || !r.StdoutTruncated || r.StderrTruncated || string(r.Stderr) != "err\n" {
				t.Errorf("stdout %d truncated %v/%v stderr %q", len(r.Stdout), r.StdoutTruncated, r.StderrTruncated, r.Stderr)
			}
		}},
		{"seen stops", func() Spec {
			s := sh("echo a; echo ready; sleep 30")
			s.Seen = func(b []byte) bool { return bytes.Contains(b, []byte("ready\n")) }
			return s
		}(), func(t *testing.T, r *Result) {
			if !r.Stopped || r.TimedOut {
				t.Errorf("stopped %v timedout %v", r.Stopped, r.TimedOut)
			}
		}},
		{"file size", func() Spec {
			s := sh("head -c 100000 /dev/zero > big")
			s.Limits.FileSize = 4096
			return s
		}(), func(t *testing.T, r *Result) {
			if r.LimitHit != "file-size" {
				t.Errorf("limit %q exit %d signal %q stderr %q", r.LimitHit, r.ExitCode, r.Signal, r.Stderr)
			}
		}},
		{"open files", Spec{Payload: "files", Limits: Limits{OpenFiles: 32}}, func(t *testing.T, r *Result) {
			if r.LimitHit != "open-files" {
				t.Errorf("limit %q exit %d stderr %q", r.LimitHit, r.ExitCode, r.Stderr)
			}
		}},
		{"cpu", func() Spec {
			s := sh("while :; do :; done")
			s.Limits.CPUSeconds = 1
			s.Timeout = time.Minute // CPU time, not wall time, ends it
			return s
		}(), func(t *testing.T, r *Result) {
			if r.LimitHit != "cpu" || r.TimedOut {
				t.Errorf("limit %q timedout %v signal %q", r.LimitHit, r.TimedOut, r.Signal)
			}
		}},
		{"payload", Spec{Payload: "echo", Request: []byte("req"), Env: []string{"EXTRA=x"}}, func(t *testing.T, r *Result) {
			if r.ExitCode != 4 || string(r.Stdout) != "warm req x\n" {
				t.Errorf("exit %d stdout %q stderr %q", r.ExitCode, r.Stdout, r.Stderr)
			}
		}},
		{"memory", Spec{Payload: "alloc", Limits: Limits{MemoryBytes: 512 << 20}}, func(t *testing.T, r *Result) {
			if r.LimitHit != "memory" {
				t.Errorf("limit %q exit %d stderr %.300s", r.LimitHit, r.ExitCode, r.Stderr)
			}
		}},
	}
	for _, tt := range tests {
		// A binary runs both ways: started directly where the kernel
		// allows it, and exec'd by a re-executed child.
		ways := []string{"child"}
		if tt.spec.Path != "" {
			ways = []string{"direct", "child"}
		}
		for _, way := range ways {
			t.Run(tt.name+"/"+way, func(t *testing.T) {
				t.Parallel()
				spec := tt.spec
				spec.viaChild = way == "child"
				r, err := Run(context.Background(), spec)
				if err != nil {
					t.Fatal(err)
				}
				if want := way == "direct" && directAllowed(); r.Direct != want {
					t.Errorf("Direct = %v, want %v (isolation %s)", r.Direct, want, r.Isolation)
				}
				tt.check(t, r)
			})
		}
	}
}

// directAllowed reports whether this machine lets the workbook start a
// binary directly (see runDirect): it needs CAP_SYS_ADMIN for the mount
// namespace (root has it here and in CI), read here from /proc.
func directAllowed() bool {
	if iso := os.Getenv(envIsolation); iso != "" && iso != "pid+mount" {
		return false
	}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(status), "\n") {
		if hex, ok := strings.CutPrefix(line, "CapEff:"); ok {
			caps, err := strconv.ParseUint(strings.TrimSpace(hex), 16, 64)
			return err == nil && caps&(1<<21) != 0 // CAP_SYS_ADMIN
		}
	}
	return false
}

func TestDirectStart(t *testing.T) {
	if got, want := DirectStart(), directAllowed(); got != want {
		t.Errorf("DirectStart() = %v, want %v (CapEff in /proc/self/status)", got, want)
	}
	t.Setenv(envIsolation, "pgroup")
	if DirectStart() {
		t.Error("DirectStart() with a weaker isolation forced")
	}
}

func TestExecFailure(t *testing.T) {
	_, err := Run(context.Background(), Spec{Path: "/nonexistent/prog"})
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/prog") {
		t.Fatalf("err = %v", err)
	}
}

func TestLive(t *testing.T) {
	var out, errs bytes.Buffer
	s := sh("echo 1; echo 2 >&2")
	s.Stdout, s.Stderr = &out, &errs
	if _, err := Run(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	if out.String() != "1\n" || errs.String() != "2\n" {
		t.Errorf("live stdout %q stderr %q", out.String(), errs.String())
	}
}

func TestNothingLeftBehind(t *testing.T) {
	marker := fmt.Sprintf("WB_TEST_MARKER=%d", time.Now().UnixNano())
	name := filepath.Join("/tmp", fmt.Sprintf("wb_sandbox_test_%d", os.Getpid()))
	s := sh(fmt.Sprintf(`setsid sleep 30 & sleep 30 & (sleep 30 >&2 &); mkfifo %s; pwd; echo x > file`, name))
	s.Env = []string{marker}
	r, err := Run(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if r.ExitCode != 0 {
		t.Fatalf("exit %d stderr %s", r.ExitCode, r.Stderr)
	}
	if r.Isolation == "pgroup" {
		t.Skip("no namespaces: setsid'd processes may survive")
	}
	if !r.PrivateTmp {
		t.Errorf("PrivateTmp false with isolation %s", r.Isolation)
	}
	if pids := proctest.Marked(marker); len(pids) > 0 {
		t.Errorf("processes left: %v", pids)
	}
	if _, err := os.Lstat(name); err == nil {
		t.Errorf("%s left in the real /tmp", name)
	}
	if dir := strings.TrimSpace(string(r.Stdout)); dir == "" {
		t.Error("no working directory printed")
	} else if _, err := os.Stat(dir); err == nil {
		t.Errorf("run directory %s left behind", dir)
	}
}

func TestPool(t *testing.T) {
	ctx := context.Background()
	p, err := NewPool(ctx, 2, PoolOptions{Payload: "echo"})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var r *Result
			var err error
			if i%2 == 0 {
				r, err = p.Run(ctx, Spec{Payload: "echo", Request: []byte("r")})
			} else {
				r, err = p.Run(ctx, sh("echo sh"))
			}
			if err != nil {
				t.Error(err)
				return
			}
			want := "warm r \n"
			if i%2 == 1 {
				want = "sh\n"
			}
			if string(r.Stdout) != want {
				t.Errorf("run %d: stdout %q stderr %q", i, r.Stdout, r.Stderr)
			}
		}()
	}
	wg.Wait()
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Run(ctx, sh("true")); err == nil {
		t.Error("Run after Close succeeded")
	}
}

func TestContextCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	s := sh("echo go; sleep 30")
	s.Seen = func(b []byte) bool { cancel(); return false }
	r, err := Run(ctx, s)
	if err == nil {
		t.Fatal("no error after cancel")
	}
	if r == nil || r.Duration > 5*time.Second {
		t.Errorf("result %+v", r)
	}
}

func TestIsolations(t *testing.T) {
	for _, iso := range []string{"pid+mount", "user+pid+mount", "pgroup"} {
		t.Run(iso, func(t *testing.T) {
			t.Setenv(envIsolation, iso)
			marker := fmt.Sprintf("WB_TEST_MARKER=%s-%d", iso, time.Now().UnixNano())
			s := sh(`sleep 30 & echo "$TMPDIR"; touch "$TMPDIR/x"; echo $$`)
			s.Env = []string{marker}
			r, err := Run(context.Background(), s)
			if err != nil {
				t.Fatal(err)
			}
			want := iso
			if iso == "pid+mount" && os.Getuid() != 0 {
				want = "user+pid+mount" // refused to non-root: the first fallback
			}
			if r.Isolation != want || r.PrivateTmp != (iso != "pgroup") {
				t.Errorf("isolation %q private %v", r.Isolation, r.PrivateTmp)
			}
			lines := strings.Split(strings.TrimSpace(string(r.Stdout)), "\n")
			if len(lines) != 2 || !strings.Contains(lines[0], "workbook-run-") || (lines[1] == "1") != (iso != "pgroup") {
				t.Errorf("stdout %q stderr %q", r.Stdout, r.Stderr)
			}
			if pids := proctest.Marked(marker); len(pids) > 0 {
				t.Errorf("processes left: %v", pids)
			}
			if _, err := os.Stat(lines[0]); err == nil {
				t.Errorf("TMPDIR %s left behind", lines[0])
			}
		})
	}
}

func TestPoolCloseWhileStarting(t *testing.T) {
	for range 3 {
		p, err := NewPool(context.Background(), 2, PoolOptions{Payload: "echo"})
		if err != nil {
			t.Fatal(err)
		}
		p.Close()
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, sh("true")); err == nil {
		t.Error("Run with a cancelled context succeeded")
	}
}

// TestHelperDyingParent is not a test: TestParentDeath runs the test binary
// with WB_TEST_DYING_PARENT set to make it a workbook that starts a
// sandboxed program and is then killed.
func TestHelperDyingParent(t *testing.T) {
	marker := os.Getenv("WB_TEST_DYING_PARENT")
	if marker == "" {
		t.Skip("helper process only")
	}
	p, err := NewPool(context.Background(), 1, PoolOptions{Payload: "echo"})
	if err != nil {
		t.Fatal(err)
	}
	s := sh("sleep 30 & echo started; sleep 30")
	s.Env = []string{marker}
	s.Stdout = os.Stdout
	p.Run(context.Background(), s)
}

func TestParentDeath(t *testing.T) {
	marker := fmt.Sprintf("WB_TEST_MARKER=dying-%d", time.Now().UnixNano())
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperDyingParent$")
	cmd.Env = append(os.Environ(), "WB_TEST_DYING_PARENT="+marker)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "started\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("helper printed %q (%v)", line, err)
	}
	pids := proctest.Marked(marker)
	if len(pids) < 2 {
		t.Errorf("found %v running, want the program and its child", pids)
	}
	cmd.Process.Kill()
	cmd.Wait()
	for _, pid := range pids {
		n, _ := strconv.Atoi(pid)
		fd, err := unix.PidfdOpen(n, 0)
		if err != nil {
			continue // already gone
		}
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		if k, _ := unix.Poll(fds, 5000); k != 1 {
			t.Errorf("process %s survived its workbook", pid)
		}
		unix.Close(fd)
	}
}

// TestPoolReady: Ready returns once the pool holds its children, and the
// pool is full again after a run took one (the filler starts the next
// child as soon as one is taken, not when its run ends).
func TestPoolReady(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	p, err := NewPool(ctx, 2, PoolOptions{Payload: "echo"})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for i := range 3 {
		if err := p.Ready(ctx, 5); err != nil { // capped at the size
			t.Fatalf("round %d: %v", i, err)
		}
		r, err := p.Run(ctx, Spec{Payload: "echo", Request: []byte("r")})
		if err != nil || string(r.Stdout) != "warm r \n" {
			t.Fatalf("round %d: %v %+v", i, err, r)
		}
	}
	p.Close()
	if err := p.Ready(ctx, 1); err == nil {
		t.Error("Ready after Close succeeded")
	}
}

// TestPoolTotal: a pool with Total starts that many children in all; once
// they are taken, Run starts a fresh child per run.
func TestPoolTotal(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	p, err := NewPool(ctx, 1, PoolOptions{Payload: "echo", Total: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for i := range 3 {
		r, err := p.Run(ctx, Spec{Payload: "echo", Request: []byte("r")})
		if err != nil || string(r.Stdout) != "warm r \n" {
			t.Fatalf("run %d: %v %+v", i, err, r)
		}
	}
	if err := p.Ready(ctx, 1); err == nil {
		t.Error("Ready on a pool that started its Total succeeded")
	}
}

// TestConcurrentBinariesUnderTmp: binaries kept under the real /tmp (a
// cache in a temporary directory) stay reachable when many runs start at
// once, whichever way they are started (a descriptor the forked child
// overwrote made the exec fail with ENOTDIR), and children started through
// a re-executed child survive the OS threads that direct runs end (their
// Pdeathsig follows the thread that started them).
func TestConcurrentBinariesUnderTmp(t *testing.T) {
	data, err := os.ReadFile("/bin/true")
	if err != nil {
		t.Skip("no /bin/true")
	}
	bin := filepath.Join(t.TempDir(), "cache", "true")
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8*25)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				spec := Spec{Path: bin, viaChild: g == 0}
				if i%3 == 0 {
					spec.Stdin = []byte("input")
				}
				r, err := Run(context.Background(), spec)
				if err == nil && r.ExitCode != 0 {
					err = fmt.Errorf("exit %d, stderr %q", r.ExitCode, r.Stderr)
				}
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	n := 0
	for err := range errs {
		if n++; n <= 3 {
			t.Error(err)
		}
	}
	if n > 0 {
		t.Errorf("%d of %d runs failed", n, 8*25)
	}
}

// TestOutOfShuffle: a descriptor that the forked child would overwrite is
// moved out of the way, and one out of its reach is left alone.
func TestOutOfShuffle(t *testing.T) {
	var files []*os.File
	var low int // a descriptor below the highest file's
	for i := range 3 {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		defer w.Close()
		files = append(files, w)
		if i == 0 {
			low = int(r.Fd())
		}
	}
	hi := 0
	for _, f := range files {
		hi = max(hi, int(f.Fd()))
	}
	c := &child{cmd: &exec.Cmd{Stdin: files[0], Stdout: files[1], Stderr: files[2]}}
	if got, err := c.outOfShuffle(low); err != nil || got != low {
		t.Errorf("fd %d below the highest file %d: got %d, %v", low, hi, got, err)
	}
	for _, tt := range []struct {
		fd   int
		move bool
	}{{hi + 1, true}, {hi + 5, true}, {hi + 6, false}} {
		fd, err := unix.FcntlInt(uintptr(low), unix.F_DUPFD_CLOEXEC, tt.fd)
		if err != nil {
			t.Fatal(err)
		}
		if fd != tt.fd {
			unix.Close(fd)
			continue // the number was taken: nothing to check
		}
		got, err := c.outOfShuffle(fd)
		if err != nil {
			t.Fatal(err)
		}
		if moved := got != fd; moved != tt.move {
			t.Errorf("fd %d (highest file %d): moved to %d, want moved %v", fd, hi, got, tt.move)
		}
		if got > hi && got <= hi+len(files)+2 {
			t.Errorf("fd %d ended at %d, in the child's range", fd, got)
		}
		unix.Close(got)
	}
}

// TestPayloadProcs: a payload runs with the GOMAXPROCS of a program
// started with its environment, although the child starts with one P.
func TestPayloadProcs(t *testing.T) {
	p, err := NewPool(context.Background(), 1, PoolOptions{Payload: "procs"})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for _, tt := range []struct {
		env  []string
		want int
	}{{nil, runtime.GOMAXPROCS(0)}, {[]string{"GOMAXPROCS=3"}, 3}} {
		if tt.env == nil && os.Getenv("GOMAXPROCS") != "" {
			continue // this process's own is not the default
		}
		for _, run := range []func(context.Context, Spec) (*Result, error){Run, p.Run} {
			r, err := run(context.Background(), Spec{Payload: "procs", Env: tt.env})
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.TrimSpace(string(r.Stdout)); got != strconv.Itoa(tt.want) {
				t.Errorf("env %q: GOMAXPROCS %s, want %d (stderr %q)", tt.env, got, tt.want, r.Stderr)
			}
		}
	}
}
