//go:build unix && !linux

package sandbox

// The portable sandbox, for macOS and the BSDs: a re-executed child in
// its own process group (killed as a whole on timeout), with resource
// limits, a private run directory as working directory, HOME and TMPDIR,
// and no inherited environment. None of Linux's namespaces, mounts or
// Landlock: Predict says so, and --sandbox strict refuses to run.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"
)

// errPortable is the error of every protection this system lacks.
var errPortable = errors.New("not offered on " + runtime.GOOS)

// lacking returns the error of protection prot here.
func lacking(prot string) error { return fmt.Errorf("%s: %w", prot, errPortable) }

// isolationsFrom returns the only isolation here: a process group.
func isolationsFrom(string) []isolation {
	return []isolation{{name: "pgroup"}}
}

// prepare sets up cmd for the child c: its own process group.
func (c *child) prepare(cmd *exec.Cmd, _ isolation) int {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	return -1
}

// runDirect is never possible here: binaries are exec'd by a child,
// which sets the resource limits first.
func runDirect(context.Context, Spec) (*Result, error) { return nil, errNoDirect }

// DirectStart reports false: see runDirect.
func DirectStart() bool { return false }

// Predict says which protections runs get here: a process group, limits
// and a private run directory, none of the protections of Linux.
func Predict() Report {
	return Report{Missing: missingOf(nil, "not offered on "+runtime.GOOS)}
}

// openRoot returns a descriptor of /.
func openRoot() (int, error) {
	return unix.Open("/", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
}

// copyTree returns -1: there is no detached copy of a directory here.
func copyTree(string) int { return -1 }

// openStdin returns a descriptor for a program's standard input:
// /dev/null without input, else an unlinked temporary file holding it.
func openStdin(input []byte, has bool) (int, error) {
	if !has {
		return unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	}
	f, err := os.CreateTemp("", "workbook-stdin-")
	if err != nil {
		return -1, err
	}
	defer f.Close()
	os.Remove(f.Name())
	if _, err := f.Write(input); err != nil {
		return -1, err
	}
	fd, err := unix.FcntlInt(f.Fd(), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return -1, err
	}
	if _, err := unix.Seek(fd, 0, 0); err != nil {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}

// The Linux protections, which the child never asks for here (it has no
// mount namespace): each says it is not offered.
func privateTmp(bool) error       { return lacking(ProtPrivateTmp) }
func writableRunDir(string) error { return lacking(ProtReadOnly) }
func confineBase(string) error    { return lacking(ProtReadOnly) }
func mountProc(int) error         { return lacking(ProtProc) }
func loopbackUp() error           { return lacking(ProtNetwork) }
func hideDirs([]string, string) error {
	return lacking(ProtHidden)
}
func docLayer(string, string) (string, error) { return "", lacking(ProtDocDir) }
func landlockRuleset(string, []string, string, string) (int, error) {
	return -1, lacking(ProtLandlock)
}
func landlockRestrict(int, bool) error { return lacking(ProtLandlock) }
func dropThreadPrivileges() error      { return lacking(ProtCapabilities) }
func dropProcessPrivileges() error     { return lacking(ProtCapabilities) }
func noCapabilities() error            { return lacking(ProtCapabilities) }
func allThreadsSyscalls() bool         { return false }

// Prepare does nothing here: there is no mount template to make.
func Prepare() (wait func()) { return func() {} }

func resume([]byte) error                    { return lacking(ProtLandlock) }
func (c *child) goOffline() error            { c.offline = false; return nil }
func enterTemplate(int) error                { return lacking(ProtReadOnly) }
func enterNet(int) error                     { return lacking(ProtNetwork) }
func (c *child) confineThread() error        { return lacking(ProtReadOnly) }
func (c *child) confineRun(Spec, int) string { return "" }

// netLender has nothing to lend here.
type netLender struct{}

// nets is the process's (empty) lender.
var nets = netLender{}

func (netLender) give(int) {}
