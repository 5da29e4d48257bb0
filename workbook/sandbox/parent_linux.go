package sandbox

import (
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
	if iso.mount && !iso.user {
		// Root: the child's mount namespace is a copy of the
		// template, made by cloning from a thread inside it.
		var lacks []string
		if tmpl, lacks = templates.get(); tmpl >= 0 {
			cmd.Env = append(cmd.Env, envTemplate+"=1")
			c.missing = append(c.missing, lacks...)
		}
	}
	switch {
	case iso.flags&syscall.CLONE_NEWNET != 0:
		cmd.Env = append(cmd.Env, envNet+"=new")
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
	attr := &syscall.SysProcAttr{Setsid: true, Pdeathsig: syscall.SIGKILL, Cloneflags: iso.flags}
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
