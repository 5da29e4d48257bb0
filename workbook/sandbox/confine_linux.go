package sandbox

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The confinement of a run's mount namespace (see docs/sandbox.md, "What a
// program can reach"), in the order it is set up:
//
//  1. / private and a tmpfs on /tmp (privateTmp), the run directory made;
//  2. the run directory bind-mounted on itself when it is not under /tmp;
//  3. the whole tree read-only (mount_setattr, recursive), then /tmp and
//     the run directory writable again;
//  4. a minimal /dev (null, zero, full, random, urandom, tty and a
//     private /dev/shm): no disk or memory device is reachable;
//  5. the document's folder, when the spec names one, as the lower layer
//     of an overlay on <run>/doc (the program's working directory then);
//  6. an empty read-only tmpfs over each hidden directory;
//  7. a /proc of the run's PID namespace (read-only);
//
// and, for the program itself, no capabilities and no_new_privs.
// Steps 1 to 4 do not depend on the spec: a pre-started child does them
// before its spec arrives.

// devNodes are the devices bind-mounted into a run's /dev.
var devNodes = []string{"null", "zero", "full", "random", "urandom", "tty"}

// confineBase does steps 2 to 4 for the run directory dir (step 1 is
// done). It returns what it could not do, one protection per error.
func confineBase(dir string) error {
	if _, inTmp := underTmp(dir); !inTmp {
		if err := unix.Mount(dir, dir, "", unix.MS_BIND, ""); err != nil {
			return fmt.Errorf("%s: binding the run directory: %w", ProtReadOnly, err)
		}
	}
	if err := unix.MountSetattr(-1, "/", unix.AT_RECURSIVE, &unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY}); err != nil {
		return fmt.Errorf("%s: %w", ProtReadOnly, err)
	}
	writable := []string{"/tmp"}
	if _, inTmp := underTmp(dir); !inTmp {
		writable = append(writable, dir)
	}
	for _, w := range writable {
		if err := unix.MountSetattr(-1, w, 0, &unix.MountAttr{Attr_clr: unix.MOUNT_ATTR_RDONLY}); err != nil {
			return fmt.Errorf("%s: making %s writable: %w", ProtReadOnly, w, err)
		}
	}
	if err := minimalDev(); err != nil {
		return fmt.Errorf("%s: %w", ProtDevices, err)
	}
	return nil
}

// minimalDev replaces /dev by a tmpfs holding only the harmless devices
// (bind mounts of the real ones), the usual links into /proc/self/fd and
// a small writable /dev/shm.
func minimalDev() error {
	var trees []int
	defer func() {
		for _, fd := range trees {
			unix.Close(fd)
		}
	}()
	var nodes []string
	for _, name := range devNodes {
		fd, err := unix.OpenTree(unix.AT_FDCWD, "/dev/"+name, unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC)
		if err != nil {
			if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ENXIO) {
				continue
			}
			return fmt.Errorf("/dev/%s: %w", name, err)
		}
		trees = append(trees, fd)
		nodes = append(nodes, name)
	}
	if err := unix.Mount("tmpfs", "/dev", "tmpfs", unix.MS_NOSUID|unix.MS_NOEXEC, "mode=755,size=64k"); err != nil {
		return fmt.Errorf("tmpfs on /dev: %w", err)
	}
	for i, name := range nodes {
		target := "/dev/" + name
		fd, err := unix.Open(target, unix.O_CREAT|unix.O_WRONLY|unix.O_CLOEXEC, 0o666)
		if err != nil {
			return err
		}
		unix.Close(fd)
		if err := unix.MoveMount(trees[i], "", unix.AT_FDCWD, target, unix.MOVE_MOUNT_F_EMPTY_PATH); err != nil {
			return fmt.Errorf("%s: %w", target, err)
		}
	}
	for name, to := range map[string]string{"fd": "/proc/self/fd", "stdin": "/proc/self/fd/0",
		"stdout": "/proc/self/fd/1", "stderr": "/proc/self/fd/2"} {
		if err := unix.Symlink(to, "/dev/"+name); err != nil {
			return err
		}
	}
	if err := unix.Mkdir("/dev/shm", 0o755); err != nil {
		return err
	}
	if err := unix.Mount("tmpfs", "/dev/shm", "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=1777,size=16m"); err != nil {
		return fmt.Errorf("tmpfs on /dev/shm: %w", err)
	}
	return unix.MountSetattr(-1, "/dev", 0, &unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY})
}

// docLayer mounts an overlay on dir/doc whose lower layer is the
// document's folder and whose upper layer is in the run directory: the
// program reads the files beside its document and may write there, and
// what it writes stays in the run. It returns the directory to run in.
func docLayer(dir, docDir string) (string, error) {
	upper, work, cwd := filepath.Join(dir, ".doc-upper"), filepath.Join(dir, ".doc-work"), filepath.Join(dir, "doc")
	for _, d := range []string{upper, work, cwd} {
		if err := os.Mkdir(d, 0o700); err != nil {
			return "", fmt.Errorf("%s: %w", ProtDocDir, err)
		}
	}
	esc := func(p string) string { return strings.NewReplacer(`\`, `\\`, ",", `\,`, ":", `\:`).Replace(p) }
	opts := fmt.Sprintf("lowerdir=%s,upperdir=%s,workdir=%s", esc(docDir), esc(upper), esc(work))
	if err := unix.Mount("overlay", cwd, "overlay", unix.MS_NOSUID|unix.MS_NODEV, opts); err != nil {
		return "", fmt.Errorf("%s: overlay of %s: %w", ProtDocDir, docDir, err)
	}
	return cwd, nil
}

// hideDirs mounts an empty read-only tmpfs over each directory of hide
// that exists and holds neither the run directory nor keep (the
// document's folder): those would vanish with it.
func hideDirs(hide []string, dir, keep string) error {
	for _, h := range hide {
		if h == "" || !filepath.IsAbs(h) {
			continue
		}
		h = filepath.Clean(h)
		if within(dir, h) || (keep != "" && within(keep, h)) || within("/tmp", h) {
			continue
		}
		fi, err := os.Stat(h)
		if err != nil || !fi.IsDir() {
			continue
		}
		if err := unix.Mount("tmpfs", h, "tmpfs", unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "size=4k,mode=755"); err != nil {
			return fmt.Errorf("%s: %s: %w", ProtHidden, h, err)
		}
	}
	return nil
}

// mountProc mounts a read-only /proc showing the PID namespace that
// pidns (a descriptor of it, or -1 for this process's own) names.
func mountProc(pidns int) error {
	fs, err := unix.Fsopen("proc", unix.FSOPEN_CLOEXEC)
	if err != nil {
		return fmt.Errorf("%s: %w", ProtProc, err)
	}
	defer unix.Close(fs)
	if pidns >= 0 {
		if err := unix.FsconfigSetFd(fs, "pidns", pidns); err != nil {
			return fmt.Errorf("%s: pidns: %w", ProtProc, err)
		}
	}
	if err := unix.FsconfigCreate(fs); err != nil {
		return fmt.Errorf("%s: %w", ProtProc, err)
	}
	mfd, err := unix.Fsmount(fs, unix.FSMOUNT_CLOEXEC,
		unix.MOUNT_ATTR_RDONLY|unix.MOUNT_ATTR_NOSUID|unix.MOUNT_ATTR_NODEV|unix.MOUNT_ATTR_NOEXEC)
	if err != nil {
		return fmt.Errorf("%s: %w", ProtProc, err)
	}
	defer unix.Close(mfd)
	if err := unix.MoveMount(mfd, "", unix.AT_FDCWD, "/proc", unix.MOVE_MOUNT_F_EMPTY_PATH); err != nil {
		return fmt.Errorf("%s: %w", ProtProc, err)
	}
	return nil
}

// loopbackUp brings up the loopback interface of the calling thread's
// network namespace.
func loopbackUp() error {
	s, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("%s: %w", ProtNetwork, err)
	}
	defer unix.Close(s)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return fmt.Errorf("%s: %w", ProtNetwork, err)
	}
	if err := unix.IoctlIfreq(s, unix.SIOCGIFFLAGS, ifr); err != nil {
		return fmt.Errorf("%s: lo: %w", ProtNetwork, err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	if err := unix.IoctlIfreq(s, unix.SIOCSIFFLAGS, ifr); err != nil {
		return fmt.Errorf("%s: bringing lo up: %w", ProtNetwork, err)
	}
	return nil
}

// dropThreadPrivileges empties the calling thread's capability bounding
// set and sets no_new_privs on it, so that a program it execs runs
// without capabilities, even as root, and cannot gain any (setuid
// binaries included). The thread keeps its own capabilities. Where the
// thread may not change its bounding set (no CAP_SETPCAP: it had no
// capabilities to give away) only no_new_privs is set.
func dropThreadPrivileges() error {
	for c := 0; ; c++ {
		err := unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(c), 0, 0, 0)
		if errors.Is(err, unix.EINVAL) {
			break // past the last capability
		}
		if errors.Is(err, unix.EPERM) {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %w", ProtCapabilities, err)
		}
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("%s: no_new_privs: %w", ProtCapabilities, err)
	}
	return nil
}

// dropProcessPrivileges is dropThreadPrivileges for every thread of this
// process, and also clears their effective, permitted and inheritable
// capabilities: for a payload, which runs in the sandbox child itself.
func dropProcessPrivileges() error {
	for c := 0; ; c++ {
		_, _, e := syscall.AllThreadsSyscall(syscall.SYS_PRCTL, unix.PR_CAPBSET_DROP, uintptr(c), 0)
		if e == syscall.EINVAL || e == syscall.EPERM {
			break
		}
		if e != 0 {
			return fmt.Errorf("%s: %w", ProtCapabilities, e)
		}
	}
	if _, _, e := syscall.AllThreadsSyscall(syscall.SYS_PRCTL, unix.PR_SET_NO_NEW_PRIVS, 1, 0); e != 0 {
		return fmt.Errorf("%s: no_new_privs: %w", ProtCapabilities, e)
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	_, _, e := syscall.AllThreadsSyscall(syscall.SYS_CAPSET, uintptr(unsafe.Pointer(&hdr)), uintptr(unsafe.Pointer(&data[0])), 0)
	runtime.KeepAlive(&hdr)
	runtime.KeepAlive(&data)
	if e != 0 {
		return fmt.Errorf("%s: %w", ProtCapabilities, e)
	}
	return nil
}
