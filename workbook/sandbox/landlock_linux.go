package sandbox

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Landlock, for runs without namespaces (see docs/sandbox.md, "Without
// privilege"). It is used through its system calls rather than through
// github.com/landlock-lsm/go-landlock: that library applies a ruleset to
// every thread through libcap's psx package, which links cgo into the
// workbook (a dynamically linked binary, slower to start, where
// syscall.AllThreadsSyscall, which the sandbox uses, is refused).

// landlockABI returns the Landlock ABI version the kernel offers (0: none).
func landlockABI() int {
	v, _, e := unix.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET, 0, 0, unix.LANDLOCK_CREATE_RULESET_VERSION)
	if e != 0 {
		return 0
	}
	return int(v)
}

// landlockHandled returns the file system rights Landlock ABI abi knows.
func landlockHandled(abi int) uint64 {
	handled := uint64(unix.LANDLOCK_ACCESS_FS_MAKE_SYM<<1 - 1) // ABI 1: execute ... make_sym
	if abi >= 2 {
		handled |= unix.LANDLOCK_ACCESS_FS_REFER
	}
	if abi >= 3 {
		handled |= unix.LANDLOCK_ACCESS_FS_TRUNCATE
	}
	if abi >= 5 {
		handled |= unix.LANDLOCK_ACCESS_FS_IOCTL_DEV
	}
	return handled
}

// Rights of the rules.
const (
	llRead     = unix.LANDLOCK_ACCESS_FS_EXECUTE | unix.LANDLOCK_ACCESS_FS_READ_FILE | unix.LANDLOCK_ACCESS_FS_READ_DIR
	llFileOnly = unix.LANDLOCK_ACCESS_FS_EXECUTE | unix.LANDLOCK_ACCESS_FS_WRITE_FILE | unix.LANDLOCK_ACCESS_FS_READ_FILE |
		unix.LANDLOCK_ACCESS_FS_TRUNCATE | unix.LANDLOCK_ACCESS_FS_IOCTL_DEV
)

// landlockRuleset builds the ruleset of a run without namespaces: the
// whole tree readable (and executable) but the hidden directories,
// writable only the run directory, /tmp (the real one: there is no
// private one) and the devices; keep (the document's folder) readable
// even inside a hidden directory, and exe (the binary to run, which may
// be in the workbook's hidden cache) readable and executable. It returns
// the ruleset's descriptor.
func landlockRuleset(dir string, hide []string, keep, exe string) (int, error) {
	abi := landlockABI()
	if abi <= 0 {
		return -1, fmt.Errorf("%s: not offered by this kernel", ProtLandlock)
	}
	handled := landlockHandled(abi)
	attr := unix.LandlockRulesetAttr{Handled_access_fs: handled}
	fd, _, e := unix.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET, uintptr(unsafe.Pointer(&attr)), 8, 0)
	if e != 0 {
		return -1, fmt.Errorf("%s: %w", ProtLandlock, e)
	}
	rs := int(fd)
	add := func(path string, rights uint64) error {
		f, err := unix.Open(path, unix.O_PATH|unix.O_CLOEXEC, 0)
		if err != nil {
			if os.IsNotExist(err) {
				return nil
			}
			return err
		}
		defer unix.Close(f)
		var st unix.Stat_t
		if err := unix.Fstat(f, &st); err != nil {
			return err
		}
		if st.Mode&unix.S_IFMT != unix.S_IFDIR {
			rights &= llFileOnly
		}
		rule := unix.LandlockPathBeneathAttr{Allowed_access: rights & handled, Parent_fd: int32(f)}
		_, _, e := unix.Syscall6(unix.SYS_LANDLOCK_ADD_RULE, uintptr(rs), unix.LANDLOCK_RULE_PATH_BENEATH,
			uintptr(unsafe.Pointer(&rule)), 0, 0, 0)
		if e != 0 {
			return e
		}
		return nil
	}
	for _, p := range readable("/", hide) {
		if err := add(p, llRead); err != nil {
			unix.Close(rs)
			return -1, fmt.Errorf("%s: %s: %w", ProtLandlock, p, err)
		}
	}
	for _, p := range []string{dir, "/tmp", "/dev"} {
		if err := add(p, handled); err != nil {
			unix.Close(rs)
			return -1, fmt.Errorf("%s: %s: %w", ProtLandlock, p, err)
		}
	}
	for _, p := range []string{keep, exe} {
		if p == "" {
			continue
		}
		if err := add(p, llRead); err != nil {
			unix.Close(rs)
			return -1, fmt.Errorf("%s: %s: %w", ProtLandlock, p, err)
		}
	}
	return rs, nil
}

// readable returns the smallest set of paths under root whose subtrees
// cover everything but the directories of hide: root itself when no
// hidden directory lies inside it, else its entries, each split the same
// way, without the hidden ones.
func readable(root string, hide []string) []string {
	inside := false
	for _, h := range hide {
		if h == "" {
			continue
		}
		h = filepath.Clean(h)
		if h == root {
			return nil
		}
		inside = inside || (within(h, root) && h != root)
	}
	if !inside {
		return []string{root}
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		out = append(out, readable(filepath.Join(root, e.Name()), hide)...)
	}
	sort.Strings(out)
	return out
}

// landlockRestrict enforces the ruleset rs on the calling thread, or on
// every thread of the process, after setting no_new_privs (which
// Landlock requires of an unprivileged process).
func landlockRestrict(rs int, allThreads bool) error {
	var e syscall.Errno
	if allThreads {
		if _, _, e = syscall.AllThreadsSyscall(syscall.SYS_PRCTL, unix.PR_SET_NO_NEW_PRIVS, 1, 0); e == 0 {
			_, _, e = syscall.AllThreadsSyscall(unix.SYS_LANDLOCK_RESTRICT_SELF, uintptr(rs), 0, 0)
		}
	} else {
		if e = errnoOf(unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)); e == 0 {
			_, _, e = unix.Syscall(unix.SYS_LANDLOCK_RESTRICT_SELF, uintptr(rs), 0, 0)
		}
	}
	if e != 0 {
		return fmt.Errorf("%s: %w", ProtLandlock, e)
	}
	return nil
}

// errnoOf returns err's errno (0 for nil).
func errnoOf(err error) syscall.Errno {
	if e, ok := err.(syscall.Errno); ok {
		return e
	}
	if err != nil {
		return syscall.EINVAL
	}
	return 0
}
