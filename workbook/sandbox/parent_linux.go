package sandbox

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"

	"golang.org/x/sys/unix"
)

// isolationsFrom returns the isolations to try, strongest first, starting
// at the one named (all of them when name is empty or unknown).
func isolationsFrom(name string) []isolation {
	all := []isolation{
		{"pid+mount", syscall.CLONE_NEWPID | syscall.CLONE_NEWNS, false, true},
		{"user+pid+mount", syscall.CLONE_NEWUSER | syscall.CLONE_NEWPID | syscall.CLONE_NEWNS | syscall.CLONE_NEWNET, true, true},
		{"pgroup", 0, false, false},
	}
	for i, iso := range all {
		if iso.name == name {
			return all[i:]
		}
	}
	return all
}

// prepare sets up cmd, the child c starts with isolation iso: its
// namespaces, the network namespace lent to it (c.netFD) and, for root,
// the template its mount namespace copies, whose descriptor it returns
// (-1: none) for startOwned.
func (c *child) prepare(cmd *exec.Cmd, iso isolation) int {
	tmpl := -1
	flags := iso.flags
	if iso.mount && !iso.user {
		// Root: the thread that starts the child sets up a copy of the
		// template as the run's mount namespace and starts the child
		// in it without capabilities (see startOwned): a child that
		// had them could not give them all up where the workbook is
		// linked with cgo (syscall.AllThreadsSyscall refuses), and an
		// interpreted program would run with them.
		var lacks []string
		if tmpl, lacks = templates.get(); tmpl >= 0 && c.hostRunDir() == nil {
			c.confined, c.jobs, c.noJobs = true, make(chan func()), make(chan struct{})
			flags &^= syscall.CLONE_NEWNS
			// The run's /tmp (or a hidden directory) may cover the
			// binary: the child execs it through the workbook's /,
			// which it gets as hostRootFD.
			cmd.Path = hostPath(hostRootFD, cmd.Path)
			cmd.Env = append(cmd.Env, envConfined+"=1")
			c.missing = append(c.missing, lacks...)
		}
	}
	if !c.confined {
		c.offline = false // a user namespace brings its network namespace
	}
	switch {
	case iso.flags&syscall.CLONE_NEWNET != 0:
		cmd.Env = append(cmd.Env, envNet+"=new")
	case c.offline:
		// The thread that starts the child refuses it sockets instead
		// (goOffline).
		cmd.Env = append(cmd.Env, envNet+"=offline")
	case iso.mount:
		// Root: the child is started from a thread moved into a
		// lent namespace (see netLender), whose loopback is up.
		fd, err := nets.take()
		if err != nil {
			c.missing = append(c.missing, lackOf(err))
			break
		}
		c.netFD = fd
		cmd.Env = append(cmd.Env, envNet+"=lent")
	}
	attr := &syscall.SysProcAttr{Setsid: true, Pdeathsig: syscall.SIGKILL, Cloneflags: flags}
	if iso.user {
		attr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}}
		attr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}}
		attr.GidMappingsEnableSetgroups = false
	}
	cmd.SysProcAttr = attr
	return tmpl
}

// openRoot returns an O_PATH descriptor of / (see hostPath).
func openRoot() (int, error) {
	return unix.Open("/", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
}

// copyTree returns a detached copy (open_tree) of the directory dir, or
// -1 when dir is empty or cannot be copied (see sendSpec).
func copyTree(dir string) int {
	if dir == "" {
		return -1
	}
	fd, err := unix.OpenTree(unix.AT_FDCWD, dir, unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC)
	if err != nil {
		return -1
	}
	return fd
}

// confineThread sets up the calling thread's mount namespace, a copy of
// the template it is in, as the run's of the confined child c: a private
// /tmp, the run directory (writable), and the privileges of what the
// thread execs taken away (see startOwned). The thread is never unlocked.
func (c *child) confineThread() error {
	if err := unix.Unshare(unix.CLONE_NEWNS); err != nil {
		return err
	}
	if err := privateTmp(true); err != nil {
		return err
	}
	if err := privateShm(); err != nil {
		c.missing = append(c.missing, lackOf(err))
	}
	if _, inTmp := underTmp(c.dir); inTmp {
		// Elsewhere prepare made it, in the workbook's namespace: the
		// copy of the template is read-only.
		if err := createRunDir(c.dir); err != nil {
			return fmt.Errorf("run directory: %w", err)
		}
	}
	if err := writableRunDir(c.dir); err != nil {
		c.missing = append(c.missing, lackOf(err))
	}
	if err := dropThreadPrivileges(); err != nil {
		return err
	}
	return nil
}

// confineRun makes, on the thread of the confined child c (onThread),
// the mounts that depend on spec: the document's folder (tree, a copy of
// it made in the workbook's mount namespace, or -1), the hidden
// directories of spec.Hide and a /proc of the child's PID namespace. It
// returns the program's working directory ("" for the run directory)
// and records what is missing in c.missing.
func (c *child) confineRun(spec Spec, tree int) (cwd string) {
	lack := func(err error) { c.missing = append(c.missing, lackOf(err)) }
	ran := c.onThread(func() {
		if spec.DocDir != "" {
			var err error
			if tree < 0 {
				lack(fmt.Errorf("%s: %s cannot be opened", ProtDocDir, spec.DocDir))
			} else if cwd, err = docLayer(c.dir, fmt.Sprintf("/proc/self/fd/%d", tree)); err != nil {
				lack(err)
			}
		}
		if err := hideDirs(spec.Hide, c.dir); err != nil {
			lack(err)
		}
		if err := c.procOf(c.cmd.Process.Pid); err != nil {
			lack(err)
		}
	})
	if !ran {
		lack(fmt.Errorf("%s: the child ended before its run", ProtProc))
	}
	return cwd
}

// goOffline, on the thread that starts the offline child c (its
// privileges already dropped, no_new_privs set), refuses sockets to what
// the thread starts (refuseSockets). Where the filter cannot be
// installed the child gets a lent network namespace after all, and
// serves any spec.
func (c *child) goOffline() error {
	if err := refuseSockets(); err == nil {
		return nil
	}
	c.offline = false
	fd, err := nets.take()
	if err != nil {
		c.missing = append(c.missing, lackOf(err))
		return nil
	}
	c.netFD = fd
	return enterNet(fd)
}

// hostRunDir creates the run directory of c now, in the workbook's own
// mount namespace, when it is not under /tmp: the namespace the run's
// thread sets up is a read-only copy of the template, where only the
// private /tmp can be written to (writableRunDir then binds the directory
// writable). The parent removes it after the run (c.removeDir).
func (c *child) hostRunDir() error {
	if _, inTmp := underTmp(c.dir); inTmp {
		return nil
	}
	return createRunDir(c.dir)
}
