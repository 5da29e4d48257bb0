//go:build linux

package sandbox

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"
)

// cldTrapped is CLD_TRAPPED from <signal.h>: the si_code of a traced child
// that stopped.
const cldTrapped = 4

// runDirect runs a binary (Spec.Path) without re-executing the workbook:
// the isolation is the child's, at the cost of one exec instead of two.
//
// A goroutine locks itself to an OS thread and gives that thread (only) a
// new mount namespace, with / made private and a fresh tmpfs on /tmp, and
// creates the run directory there. From that thread it starts the program
// in a new PID namespace, in its own process group, with Pdeathsig, and
// traced (PTRACE_TRACEME), so that it stops at its first instruction after
// the exec: the resource limits are applied then with prlimit, before the
// program runs any code, and the thread detaches. The thread then waits
// for the program and ends with the goroutine (it is never unlocked): the
// thread must outlive the program, whose Pdeathsig follows the thread that
// started it, and no other goroutine may run in its namespace.
//
// The error is errNoDirect when a direct start is not possible here: the
// spec is a payload, a weaker isolation is forced
// (WORKBOOK_SANDBOX_ISOLATION), or the kernel refused the namespaces, the
// tmpfs or the tracing (not root, a seccomp filter, the workbook itself
// traced). The caller then uses a child; nothing was started.
func runDirect(ctx context.Context, spec Spec) (*Result, error) {
	if spec.Path == "" || spec.viaChild || !DirectStart() {
		return nil, errNoDirect
	}
	if err := validate(spec); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sandbox: starting the program: %w", err)
	}
	dir, err := runDir()
	if err != nil {
		return nil, err
	}
	_, inTmp := underTmp(dir)
	c := &child{dir: dir, removeDir: !inTmp, private: true, isolation: "pid+mount",
		direct: true, done: make(chan struct{}), netFD: -1}
	defer c.discard()
	if err := c.hostRunDir(); err != nil {
		return nil, fmt.Errorf("sandbox: run directory: %w", err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("sandbox: pipe: %w", err)
	}
	c.stdout = outR
	errR, errW, err := os.Pipe()
	if err != nil {
		outW.Close()
		return nil, fmt.Errorf("sandbox: pipe: %w", err)
	}
	c.stderr = errR
	s := settle(spec)
	limits := s.limits
	limits.Processes += nprocBase()
	return c.supervise(ctx, spec, s, func() error {
		defer outW.Close()
		defer errW.Close()
		return c.startDirect(spec, limits, outW, errW)
	})
}

// DirectStart reports whether this process may start binaries directly
// (see runDirect): it has CAP_SYS_ADMIN, which the mount namespace needs,
// and WORKBOOK_SANDBOX_ISOLATION does not name a weaker isolation. Callers
// use it to size their pools: binaries started directly need no
// pre-started child. Where the kernel refuses all the same (a seccomp
// filter), runs fall back to a child.
func DirectStart() bool {
	if iso := os.Getenv(envIsolation); iso != "" && iso != "pid+mount" {
		return false
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData // version 3 fills two
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return false
	}
	return data[0].Effective&(1<<unix.CAP_SYS_ADMIN) != 0
}

// startDirect starts the program from a thread of its own (see runDirect)
// and returns once it runs, or has failed to start. On success c.cmd is
// the program's and c.done is closed once it has been waited for.
func (c *child) startDirect(spec Spec, limits Limits, stdout, stderr *os.File) error {
	fd, err := openStdin(spec.Stdin, spec.Stdin != nil)
	if err != nil {
		return fmt.Errorf("sandbox: stdin: %w", err)
	}
	stdin := os.NewFile(uintptr(fd), "stdin")
	defer stdin.Close()
	c.cmd = &exec.Cmd{
		Args:   append([]string{spec.Path}, spec.Args...),
		Env:    c.env(spec.Env),
		Dir:    c.dir,
		Stdin:  stdin,
		Stdout: stdout,
		Stderr: stderr,
		SysProcAttr: &syscall.SysProcAttr{
			Setsid:     true, // its own session and group: no controlling terminal to type into (TIOCSTI)
			Pdeathsig:  syscall.SIGKILL,
			Cloneflags: syscall.CLONE_NEWPID,
			Ptrace:     true,
		},
	}
	started := make(chan error, 1)
	go func() {
		// Never unlocked: the runtime ends the thread with the goroutine.
		runtime.LockOSThread()
		if err := c.launch(spec, limits); err != nil {
			if c.cmd.Process == nil {
				c.release()
			}
			started <- err
			return
		}
		started <- nil
		c.cmd.Wait()
		c.release()
	}()
	return <-started
}

// launch runs on the locked thread: it sets up the thread's mount and
// network namespaces, the run directory and the confinement (see
// confine_linux.go), starts c.cmd and, while the program is stopped at
// its first instruction, mounts its /proc and applies limits. When the
// program was started but launch fails, the program has been killed and
// waited for, and c.done is closed.
func (c *child) launch(spec Spec, limits Limits) error {
	tmpl, tmplMissing := templates.get()
	if tmpl < 0 {
		return errNoDirect
	}
	// The workbook's /, through which the binary and the document's
	// folder are reached when the run's /tmp or a hidden directory
	// covers them.
	root, err := unix.Open("/", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	defer func() { unix.Close(root) }()
	// The document's folder, copied here (see sendSpec).
	docTree := -1
	if spec.DocDir != "" {
		if docTree, err = unix.OpenTree(unix.AT_FDCWD, spec.DocDir, unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC); err == nil {
			defer unix.Close(docTree)
		}
	}
	if err := enterTemplate(tmpl); err != nil {
		if refused(err) {
			return errNoDirect
		}
		return fmt.Errorf("sandbox: mount namespace: %w", err)
	}
	if err := unix.Unshare(unix.CLONE_NEWNS); err != nil {
		if refused(err) {
			return errNoDirect
		}
		return fmt.Errorf("sandbox: mount namespace: %w", err)
	}
	c.missing = append(c.missing, tmplMissing...)
	lack := func(err error) {
		c.missing = append(c.missing, lackOf(err))
	}
	// An offline program (Spec.Offline) is refused sockets (its thread's
	// seccomp filter, inherited) instead of given a network namespace.
	if !spec.Offline || refuseSockets() != nil {
		if fd, err := nets.take(); err != nil {
			lack(err)
		} else if err := enterNet(fd); err != nil {
			nets.give(fd)
			lack(err)
		} else {
			c.netFD = fd
		}
	}
	if err := privateTmp(true); err != nil {
		return errNoDirect // the child path reports it, and runs without
	}
	if err := privateShm(); err != nil {
		lack(err)
	}
	c.cmd.Path = spec.Path
	if _, inTmp := underTmp(spec.Path); inTmp || hidden(spec.Path, append(DefaultHidden(), spec.Hide...)) {
		// The binary is in the real /tmp, which the tmpfs now covers,
		// or in a hidden directory (the workbook's cache).
		if root, err = c.outOfShuffle(root); err != nil {
			return fmt.Errorf("sandbox: %w", err)
		}
		c.cmd.Path = hostPath(root, spec.Path)
	}
	if _, inTmp := underTmp(c.dir); inTmp {
		// Elsewhere runDirect made it, in the workbook's namespace: the
		// copy of the template is read-only.
		if err := createRunDir(c.dir); err != nil {
			return fmt.Errorf("sandbox: run directory: %w", err)
		}
	}
	if err := writableRunDir(c.dir); err != nil {
		lack(err)
	}
	if spec.DocDir != "" {
		if docTree < 0 {
			lack(fmt.Errorf("%s: %s cannot be opened", ProtDocDir, spec.DocDir))
		} else if cwd, err := docLayer(c.dir, fmt.Sprintf("/proc/self/fd/%d", docTree)); err != nil {
			lack(err)
		} else {
			c.cmd.Dir = cwd
		}
	}
	if err := hideDirs(spec.Hide, c.dir); err != nil {
		lack(err)
	}
	if err := dropThreadPrivileges(); err != nil {
		lack(err)
	}
	if spec.Strict && len(protectionsMissing(c.missing)) > 0 {
		return strictError(protectionsMissing(c.missing))
	}
	if err := c.cmd.Start(); err != nil {
		if refused(err) {
			return errNoDirect
		}
		return fmt.Errorf("sandbox: exec %s: %w", spec.Path, err)
	}
	pid := c.cmd.Process.Pid
	fail := func(err error) error {
		c.cmd.Process.Kill()
		c.cmd.Wait()
		c.release()
		return err
	}
	// Wait for the stop after the exec without reaping: a program that
	// died first is reaped by Wait.
	var info unix.Siginfo
	for {
		err = unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT|unix.WALL, nil)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		return fail(fmt.Errorf("sandbox: waiting for the program to start: %w", err))
	}
	if info.Code != cldTrapped {
		return nil // it died before running: its verdict says how
	}
	if err := c.procOf(pid); err != nil {
		lack(err)
		if spec.Strict {
			return fail(strictError(protectionsMissing(c.missing)))
		}
	}
	if err := applyLimits(limits, func(resource int, lim *unix.Rlimit) error {
		return unix.Prlimit(pid, resource, lim, nil)
	}); err != nil {
		return fail(fmt.Errorf("sandbox: limits: %w", err))
	}
	if err := unix.PtraceDetach(pid); err != nil && err != unix.ESRCH {
		return fail(fmt.Errorf("sandbox: detaching from the program: %w", err))
	}
	return nil
}

// procOf mounts on /proc (in the thread's mount namespace, which the
// program shares) a /proc of the PID namespace of the stopped program pid.
func (c *child) procOf(pid int) error {
	ns, err := unix.Open(fmt.Sprintf("/proc/%d/ns/pid", pid), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("%s: %w", ProtProc, err)
	}
	defer unix.Close(ns)
	return mountProc(ns)
}

// outOfShuffle returns fd, or a duplicate of it (closing fd), numbered so
// that the forked child cannot overwrite it before its exec. Go's child
// (syscall.forkAndExecInChild1) moves descriptors to the numbers just
// above the highest one in the files it is given, assuming nothing else is
// open there; an inherited close-on-exec descriptor in that range would be
// replaced (seen as ENOTDIR from the exec when runs start concurrently).
func (c *child) outOfShuffle(fd int) (int, error) {
	files := []*os.File{c.cmd.Stdin.(*os.File), c.cmd.Stdout.(*os.File), c.cmd.Stderr.(*os.File)}
	hi := len(files) - 1
	for _, f := range files {
		hi = max(hi, int(f.Fd()))
	}
	// The child writes to the numbers below len(files) and uses at most
	// one number per file, plus one for its status pipe, above hi.
	safe := hi + len(files) + 2
	if fd >= len(files) && (fd <= hi || fd > safe) {
		return fd, nil
	}
	dup, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, safe+1)
	if err != nil {
		return fd, fmt.Errorf("moving the descriptor of /tmp: %w", err)
	}
	unix.Close(fd)
	return dup, nil
}
