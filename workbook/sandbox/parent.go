package sandbox

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// readyTimeout bounds how long a child may take to set up (and warm).
const readyTimeout = 60 * time.Second

// defaultPath is the PATH of programs when the workbook's own is empty.
const defaultPath = "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin"

// isolation is one way of starting a child, from strongest to weakest.
type isolation struct {
	name  string
	flags uintptr
	user  bool // CLONE_NEWUSER with the caller mapped to root
	mount bool // a new mount namespace: /tmp can be made private
}

// child is a started sandbox child, parent side.
type child struct {
	cmd       *exec.Cmd
	dir       string   // the run directory (cwd; HOME and TMPDIR inside), made by the child
	ctl       *os.File // write end of the control pipe
	status    *os.File // read end of the status pipe
	statusR   *bufio.Reader
	stdout    *os.File // read ends of the program's output
	stderr    *os.File
	private   bool
	removeDir bool // the run directory is on the real file system
	isolation string
	direct    bool          // started by the workbook itself (direct.go), not a re-executed child
	done      chan struct{} // closed when the child has been waited for
	netFD     int           // the network namespace lent for the run (see netLender), or -1
	// confined: the thread that started the child (see startOwned) set
	// up its mount namespace and started it without capabilities; the
	// mounts that depend on the spec are made on that thread too, by a
	// job (onThread) handed to it before the spec is sent.
	confined bool
	// offline: started for offline specs only (Spec.Offline), without a
	// network namespace, sockets refused by a seccomp filter.
	offline bool
	jobs    chan func()
	noJobs  chan struct{} // closed (endJobs) once no job will come
	endOnce sync.Once
	// haves and missing are the protections the run has besides the
	// namespaces' (Landlock) and those it lacks (see Result.Protections).
	haves, missing []string
}

// onThread runs fn on the thread that started the confined child c, in
// the child's mount namespace, and waits for it. It reports false, not
// running fn, once that thread has stopped taking jobs.
func (c *child) onThread(fn func()) bool {
	done := make(chan struct{})
	select {
	case c.jobs <- func() { defer close(done); fn() }:
		<-done
		return true
	case <-c.noJobs:
		return false
	}
}

// endJobs tells the thread that started the confined child c that no job
// will come: it goes on to wait for the child.
func (c *child) endJobs() {
	if c.noJobs != nil {
		c.endOnce.Do(func() { close(c.noJobs) })
	}
}

// release gives back what the run borrowed and closes c.done: c.cmd has
// been waited for (or was never started).
func (c *child) release() {
	nets.give(c.netFD)
	c.netFD = -1
	close(c.done)
}

// startChild starts a sandbox child of exe (os.Executable when empty),
// warming payload warm, and waits until it is ready for its spec. An
// offline child serves offline specs only (see Spec.Offline).
func startChild(ctx context.Context, exe, warm string, offline bool) (_ *child, err error) {
	if exe == "" {
		if exe, err = os.Executable(); err != nil {
			return nil, fmt.Errorf("sandbox: finding the workbook binary: %w", err)
		}
	}
	dir, err := runDir()
	if err != nil {
		return nil, err
	}
	c := &child{dir: dir, removeDir: true, done: make(chan struct{}), netFD: -1, offline: offline}
	var closers []*os.File // the child's ends, closed once it started
	defer func() {
		for _, f := range closers {
			f.Close()
		}
		if err != nil {
			c.discard()
		}
	}()
	pipe := func(parent **os.File, parentIsWriter bool) (*os.File, error) {
		r, w, err := os.Pipe()
		if err != nil {
			return nil, fmt.Errorf("sandbox: pipe: %w", err)
		}
		if parentIsWriter {
			*parent = w
			closers = append(closers, r)
			return r, nil
		}
		*parent = r
		closers = append(closers, w)
		return w, nil
	}
	ctlR, err := pipe(&c.ctl, true)
	if err != nil {
		return nil, err
	}
	statusW, err := pipe(&c.status, false)
	if err != nil {
		return nil, err
	}
	outW, err := pipe(&c.stdout, false)
	if err != nil {
		return nil, err
	}
	errW, err := pipe(&c.stderr, false)
	if err != nil {
		return nil, err
	}
	rootFD, err := openRoot()
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	root := os.NewFile(uintptr(rootFD), "/")
	closers = append(closers, root)
	path := os.Getenv("PATH")
	if path == "" {
		path = defaultPath
	}
	var startErr error
	for _, iso := range isolationsFrom(os.Getenv(envIsolation)) {
		cmd := exec.Command(exe)
		cmd.Env = []string{envChild + "=1", "PATH=" + path, envWarm + "=" + warm, envDir + "=" + dir}
		if iso.mount {
			cmd.Env = append(cmd.Env, envMount+"=1")
		}
		// One P while the child starts and warms up: fewer threads and
		// less scheduling (7% less CPU per interpreted run, back to back,
		// docs/performance.md). ChildMain restores the default before the
		// payload runs; an exec'd binary gets the program's environment.
		cmd.Env = append(cmd.Env, "GOMAXPROCS=1")
		cmd.Stdout, cmd.Stderr = outW, errW
		cmd.ExtraFiles = []*os.File{ctlR, statusW, root}
		cmd.WaitDelay = WaitDelay
		c.confined, c.offline = false, offline // prepare decides again
		tmpl := c.prepare(cmd, iso)
		startErr = startOwned(cmd, c, tmpl)
		if startErr == nil {
			c.cmd, c.isolation = cmd, iso.name
			break
		}
		nets.give(c.netFD)
		c.netFD = -1
		c.missing = nil
		if c.confined {
			removeAll(c.dir) // made by prepare; the next child makes its own
		}
		if !refused(startErr) {
			break
		}
	}
	if startErr != nil {
		return nil, fmt.Errorf("sandbox: starting the child: %w", startErr)
	}
	for _, f := range closers {
		f.Close()
	}
	closers = nil
	c.statusR = bufio.NewReader(c.status)
	c.status.SetReadDeadline(time.Now().Add(readyTimeout))
	stop := context.AfterFunc(ctx, func() { c.status.SetReadDeadline(time.Now()) })
	line, err := c.statusR.ReadString('\n')
	stop()
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("sandbox: starting the child: %w", ctx.Err())
		}
		return nil, fmt.Errorf("sandbox: child did not get ready: %w%s", err, c.stderrHint())
	}
	switch strings.TrimSpace(line) {
	case "ready 1":
		c.private = true
		// The run directory lives in the private /tmp, which dies with
		// the child's mount namespace: nothing to remove on this side.
		_, inTmp := underTmp(dir)
		c.removeDir = !inTmp
	case "ready 0":
	default:
		return nil, fmt.Errorf("sandbox: child: %s", strings.TrimSpace(line))
	}
	c.status.SetReadDeadline(time.Time{})
	return c, nil
}

// startOwned starts cmd, the child c will own, from a goroutine that
// stays locked to its OS thread until cmd has been waited for, and then
// calls c.release. Pdeathsig follows the thread that started a process,
// not the workbook, and the runtime ends the threads that runDirect locks
// (it never unlocks them): a thread that ends must not have started a
// process still running, or the process would be killed with it. With
// c.netFD set, the thread first enters that network namespace, which the
// child inherits; the thread is then never unlocked and ends with the
// goroutine. So it is with tmpl, a mount namespace for the thread to
// enter (the template), which a child started with CLONE_NEWNS copies.
//
// A confined child (c.confined, with tmpl) is not given a mount namespace
// of its own: the thread unshares a copy of the template, sets it up as
// the run's (confineThread), takes away the privileges of what it execs
// and starts the child in it, without capabilities. The thread then runs
// the one job the run hands it (onThread: the mounts that depend on the
// spec) before it waits for the child.
func startOwned(cmd *exec.Cmd, c *child, tmpl int) error {
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if tmpl >= 0 {
			if err := enterTemplate(tmpl); err != nil {
				started <- err
				return
			}
		}
		if c.netFD >= 0 {
			if err := enterNet(c.netFD); err != nil {
				started <- err
				return
			}
		}
		if c.confined {
			if err := c.confineThread(); err != nil {
				started <- err
				return
			}
		}
		if c.offline {
			if err := c.goOffline(); err != nil {
				started <- err
				return
			}
		}
		if tmpl < 0 && c.netFD < 0 {
			defer runtime.UnlockOSThread()
		}
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		if c.confined {
			select {
			case job := <-c.jobs:
				job()
			case <-c.noJobs:
			}
		}
		cmd.Wait()
		c.release()
	}()
	return <-started
}

// refused reports whether starting with namespaces was refused by the
// kernel (so that a weaker isolation should be tried).
func refused(err error) bool {
	return errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EINVAL) ||
		errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EUSERS) ||
		errors.Is(err, syscall.EACCES)
}

// stderrHint returns what a child that failed early printed, if anything.
func (c *child) stderrHint() string {
	if c.cmd == nil {
		return ""
	}
	select {
	case <-c.done:
	case <-time.After(WaitDelay):
		return ""
	}
	c.stderr.SetReadDeadline(time.Now().Add(WaitDelay))
	b, _ := io.ReadAll(io.LimitReader(c.stderr, 4096))
	if len(b) == 0 {
		return ""
	}
	return ": " + strings.TrimSpace(string(b))
}

// signal sends sig to the child's process group and to the child itself.
func (c *child) signal(sig syscall.Signal) {
	if c.cmd == nil || c.cmd.Process == nil {
		return
	}
	syscall.Kill(-c.cmd.Process.Pid, sig)
	c.cmd.Process.Signal(sig)
}

// discard kills the child and everything in its group, waits for it and
// removes its run directory.
func (c *child) discard() {
	c.endJobs()
	if c.cmd != nil && c.cmd.Process != nil {
		c.signal(syscall.SIGKILL)
		<-c.done
	}
	for _, f := range []*os.File{c.ctl, c.status, c.stdout, c.stderr} {
		if f != nil {
			f.Close()
		}
	}
	if c.removeDir {
		removeAll(c.dir)
	}
}

// runDir returns a fresh path for a run directory under os.TempDir(). The
// child creates it: in its private /tmp when it has one, else on the real
// file system (and the parent removes it after the run).
func runDir() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("sandbox: run directory: %w", err)
	}
	return filepath.Join(os.TempDir(), "workbook-run-"+hex.EncodeToString(b[:])), nil
}

// removeAll removes dir even when the program took the permissions away.
func removeAll(dir string) {
	if os.RemoveAll(dir) == nil {
		return
	}
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if d != nil && d.IsDir() {
			os.Chmod(path, 0o700)
		}
		return nil
	})
	os.RemoveAll(dir)
}

// userProcesses counts the processes of uid (RLIMIT_NPROC counts them all).
func userProcesses(uid int) uint64 {
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	var n uint64
	for _, d := range dirs {
		if fi, err := os.Stat(d); err == nil {
			if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) == uid {
				n++
			}
		}
	}
	return n
}

// env returns the program's environment.
func (c *child) env(extra []string) []string {
	path := os.Getenv("PATH")
	if path == "" {
		path = defaultPath
	}
	env := []string{
		"PATH=" + path,
		"HOME=" + filepath.Join(c.dir, "home"),
		"TMPDIR=" + filepath.Join(c.dir, "tmp"),
		"LANG=C.UTF-8",
	}
	return append(env, extra...)
}

// settings are a Spec's run parameters with the defaults filled in.
type settings struct {
	timeout, grace time.Duration
	maxOut         int64
	limits         Limits
}

// settle returns spec's settings.
func settle(spec Spec) settings {
	s := settings{timeout: spec.Timeout, grace: spec.Grace, maxOut: spec.MaxOutput}
	if s.timeout <= 0 {
		s.timeout = DefaultTimeout
	}
	if s.grace <= 0 {
		s.grace = DefaultGrace
	}
	if s.maxOut <= 0 {
		s.maxOut = DefaultMaxOutput
	}
	s.limits = spec.Limits.withDefaults(s.timeout)
	return s
}

// validate checks that exactly one of Spec.Path and Spec.Payload is set.
func validate(spec Spec) error {
	if (spec.Path == "") == (spec.Payload == "") {
		return errors.New("sandbox: exactly one of Spec.Path and Spec.Payload must be set")
	}
	return nil
}

// nprocBase is how many processes the (non-root) user already has, by
// which RLIMIT_NPROC is raised (see wireSpec.NprocBase).
func nprocBase() uint64 {
	if os.Getuid() == 0 {
		return 0
	}
	return userProcesses(os.Getuid())
}

// run hands spec to the ready child, supervises the run and returns its
// result. The child is used up: run always discards it.
func (c *child) run(ctx context.Context, spec Spec) (*Result, error) {
	defer c.discard()
	if err := validate(spec); err != nil {
		return nil, err
	}
	if c.offline && !spec.Offline {
		return nil, errors.New("sandbox: a child started offline was handed a spec that is not")
	}
	s := settle(spec)
	wire := wireSpec{
		Path: spec.Path, Args: spec.Args,
		Payload: spec.Payload, Request: spec.Request,
		Stdin: spec.Stdin, HasStdin: spec.Stdin != nil,
		Env: c.env(spec.Env), Limits: s.limits, NprocBase: nprocBase(),
		DocDir: spec.DocDir, Strict: spec.Strict,
	}
	defaults := DefaultHidden()
	wire.Hide = append(defaults, spec.Hide...)
	if c.confined {
		// The mounts of this spec are made by the thread that started
		// the child, which has no capabilities to make them itself.
		tree := copyTree(spec.DocDir)
		wire.Cwd = c.confineRun(spec, tree)
		if tree >= 0 {
			unix.Close(tree)
		}
		wire.DocDir, wire.Hide = "", nil
		if spec.Strict && len(protectionsMissing(c.missing)) > 0 {
			return nil, strictError(protectionsMissing(c.missing))
		}
	}
	data, err := json.Marshal(wire)
	if err != nil {
		return nil, fmt.Errorf("sandbox: encoding spec: %w", err)
	}
	return c.supervise(ctx, spec, s, func() error {
		_, werr := c.ctl.Write(data)
		c.ctl.Close()
		// EOF on the status pipe: the program was exec'd or the payload runs.
		unwatch := context.AfterFunc(ctx, func() { c.status.SetReadDeadline(time.Now()) })
		msg, serr := io.ReadAll(c.statusR)
		unwatch()
		if serr != nil && ctx.Err() != nil {
			return fmt.Errorf("sandbox: run cancelled: %w", ctx.Err())
		}
		for _, line := range strings.Split(strings.TrimSpace(string(msg)), "\n") {
			switch kind, rest, _ := strings.Cut(line, " "); kind {
			case "":
			case "have":
				c.haves = append(c.haves, rest)
			case "lack":
				c.missing = append(c.missing, rest)
			default:
				return fmt.Errorf("sandbox: child: %s", strings.TrimPrefix(line, "error "))
			}
		}
		if werr != nil {
			return fmt.Errorf("sandbox: sending spec: %w%s", werr, c.stderrHint())
		}
		return nil
	})
}

// supervise runs start, which must leave the program running with its
// output on c.stdout and c.stderr and c.done closed once c.cmd has been
// waited for, then captures the output and ends the run on timeout, stop
// or cancellation, and returns the verdict. An error from start is
// returned as it is.
func (c *child) supervise(ctx context.Context, spec Spec, s settings, start func() error) (*Result, error) {
	begin := time.Now()
	stop := make(chan struct{})
	var stopOnce sync.Once
	out := &stream{max: s.maxOut, live: spec.Stdout, seen: spec.Seen,
		stop: func() { stopOnce.Do(func() { close(stop) }) }}
	errs := &stream{max: s.maxOut, live: spec.Stderr}
	var readers sync.WaitGroup
	readers.Add(2)
	go func() { defer readers.Done(); out.copy(c.stdout) }()
	go func() { defer readers.Done(); errs.copy(c.stderr) }()
	readersDone := make(chan struct{})
	go func() { readers.Wait(); close(readersDone) }()
	// However the run ends, the readers finish before supervise returns.
	defer func() {
		c.signal(syscall.SIGKILL)
		c.stdout.SetReadDeadline(time.Now())
		c.stderr.SetReadDeadline(time.Now())
		<-readersDone
	}()
	if err := start(); err != nil {
		return nil, err
	}

	res := &Result{PrivateTmp: c.private, Isolation: c.isolation, Direct: c.direct,
		Protections: activeOf(c.private, c.missing, c.haves), Missing: c.missing}
	timer := time.NewTimer(s.timeout - time.Since(begin))
	defer timer.Stop()
	var kill <-chan time.Time
	done := ctx.Done()
	stopped := (<-chan struct{})(stop)
	var ctxErr error
	terminate := func() {
		if kill != nil {
			return
		}
		c.signal(syscall.SIGTERM)
		kill = time.After(s.grace)
	}
wait:
	for {
		select {
		case <-c.done:
			break wait
		case <-timer.C:
			if !res.Stopped {
				res.TimedOut = true
			}
			terminate()
		case <-stopped:
			stopped = nil
			if !res.TimedOut {
				res.Stopped = true
			}
			terminate()
		case <-done:
			done = nil
			ctxErr = ctx.Err()
			terminate()
		case <-kill:
			c.signal(syscall.SIGKILL)
		}
	}
	res.Duration = time.Since(begin)
	// Whatever the program left in its group dies now; output pipes still
	// held open by a stray descendant are closed after WaitDelay.
	c.signal(syscall.SIGKILL)
	select {
	case <-readersDone:
	case <-time.After(WaitDelay):
	}
	c.stdout.SetReadDeadline(time.Now())
	c.stderr.SetReadDeadline(time.Now())
	<-readersDone

	res.Stdout, res.StdoutTruncated = out.buf.Bytes(), out.truncated
	res.Stderr, res.StderrTruncated = errs.buf.Bytes(), errs.truncated
	ws, _ := c.cmd.ProcessState.Sys().(syscall.WaitStatus)
	if ws.Signaled() {
		res.ExitCode = -1
		res.Signal = ws.Signal().String()
	} else {
		res.ExitCode = ws.ExitStatus()
	}
	res.LimitHit = limitHit(res, ws, c.cmd.ProcessState, s.limits, errs.tail)
	if ctxErr != nil {
		return res, fmt.Errorf("sandbox: run cancelled: %w", ctxErr)
	}
	return res, nil
}
