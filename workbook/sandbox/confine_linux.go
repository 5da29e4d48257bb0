package sandbox

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
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

// confineBase does steps 2 to 4 for the run directory dir (step 1 is
// done), in a mount namespace that is not a copy of the template.
func confineBase(dir string) error {
	if err := readOnly(); err != nil {
		return err
	}
	if err := unix.MountSetattr(-1, "/tmp", 0, &unix.MountAttr{Attr_clr: unix.MOUNT_ATTR_RDONLY}); err != nil {
		return fmt.Errorf("%s: making /tmp writable: %w", ProtReadOnly, err)
	}
	if err := writableRunDir(dir); err != nil {
		return err
	}
	if err := minimalDev(true); err != nil {
		return fmt.Errorf("%s: %w", ProtDevices, err)
	}
	return nil
}

// readOnly makes every mount of the namespace read-only.
func readOnly() error {
	if err := unix.MountSetattr(-1, "/", unix.AT_RECURSIVE, &unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY}); err != nil {
		return fmt.Errorf("%s: %w", ProtReadOnly, err)
	}
	return nil
}

// writableRunDir makes the run directory dir writable in a read-only
// tree: under /tmp it is (the private tmpfs is), elsewhere it becomes a
// writable bind mount of itself.
func writableRunDir(dir string) error {
	if _, inTmp := underTmp(dir); inTmp {
		return nil
	}
	if err := unix.Mount(dir, dir, "", unix.MS_BIND, ""); err != nil {
		return fmt.Errorf("%s: binding the run directory: %w", ProtReadOnly, err)
	}
	if err := unix.MountSetattr(-1, dir, 0, &unix.MountAttr{Attr_clr: unix.MOUNT_ATTR_RDONLY}); err != nil {
		return fmt.Errorf("%s: making the run directory writable: %w", ProtReadOnly, err)
	}
	return nil
}

// mountTemplate is the mount namespace that the runs of a privileged
// workbook copy (one unshare, or a clone from a thread inside it): /
// private and read-only, the minimal /dev, the default hidden
// directories hidden. What it holds is shared by every copy, so it holds
// nothing writable: each run mounts its own /tmp and /proc on top.
// Building it costs about 0.3 ms, once per workbook process, instead of
// per run.
type mountTemplate struct {
	once    sync.Once
	fd      int      // descriptor of the namespace, -1 when none could be made
	missing []string // what its copies lack
}

// templates is the process's template, built at its first use.
var templates = &mountTemplate{fd: -1}

// get returns the template's descriptor (-1 when there is none) and what
// its copies lack.
func (m *mountTemplate) get() (int, []string) {
	m.once.Do(m.build)
	return m.fd, m.missing
}

// build makes the template on a thread of its own, which ends with it.
func (m *mountTemplate) build() {
	done := make(chan struct{})
	go func() {
		defer close(done)
		runtime.LockOSThread() // never unlocked: the thread ends in the template
		if err := unix.Unshare(unix.CLONE_NEWNS); err != nil {
			return
		}
		if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
			return
		}
		lack := func(err error) { m.missing = append(m.missing, lackOf(err)) }
		if err := readOnly(); err != nil {
			lack(err)
		}
		if err := minimalDev(false); err != nil {
			lack(fmt.Errorf("%s: %w", ProtDevices, err))
		}
		if err := hideDirs(append(DefaultHidden(), runtimeDirs...), os.TempDir()); err != nil {
			lack(err)
		}
		fd, err := unix.Open(fmt.Sprintf("/proc/self/task/%d/ns/mnt", unix.Gettid()), unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			m.missing = nil
			return
		}
		m.fd = fd
	}()
	<-done
}

// Prepare starts making, in the background, what the runs of this
// process share and is costly to make: the mount template of a workbook
// that may create namespaces (about 0.6 ms of CPU; see mountTemplate).
// A command calls it first thing, so that the template is made while it
// reads its documents; the runs and Predict wait for it when it is not
// done. The returned function waits for it: the caller calls it before
// it returns.
func Prepare() (wait func()) {
	if !DirectStart() {
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		templates.get()
	}()
	return func() { <-done }
}

// enterTemplate moves the calling (locked) thread into the template
// fd; the thread must end without being unlocked.
func enterTemplate(fd int) error {
	if err := unix.Unshare(unix.CLONE_FS); err != nil {
		return err
	}
	return unix.Setns(fd, unix.CLONE_NEWNS)
}

// devNodes are the devices of a run's /dev, with their numbers.
var devNodes = []struct {
	name         string
	major, minor uint32
}{{"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7}, {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}}

// minimalDev replaces /dev by a read-only tmpfs holding only the harmless
// devices, the usual links into /proc/self/fd and, with shm, a small
// writable /dev/shm. The devices are made with mknod where the namespace
// may (root: one mount in all), else bind-mounted from the real /dev (a
// user namespace may not make devices; nor may a container whose device
// cgroup refuses them).
func minimalDev(shm bool) error {
	if mknodAllowed() {
		err := devTmpfs(shm, nil)
		if err == nil || !errors.Is(err, unix.EPERM) {
			return err
		}
		// Refused all the same: start again with copies of the devices.
		if uerr := unix.Unmount("/dev", unix.MNT_DETACH); uerr != nil {
			return err
		}
	}
	// Copies of the real devices (open_tree), taken before the tmpfs
	// covers them. Only where they are used: closing a copy that was
	// not attached dissolves it, which costs more than all the rest.
	trees := make([]int, len(devNodes))
	defer func() {
		for _, fd := range trees {
			if fd >= 0 {
				unix.Close(fd)
			}
		}
	}()
	for i, d := range devNodes {
		fd, err := unix.OpenTree(unix.AT_FDCWD, "/dev/"+d.name, unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC)
		if err != nil {
			fd = -1
		}
		trees[i] = fd
	}
	return devTmpfs(shm, trees)
}

// mknodAllowed reports whether this thread may make the devices of
// devNodes: it has CAP_MKNOD in the initial user namespace.
func mknodAllowed() bool {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil || data[0].Effective&(1<<unix.CAP_MKNOD) == 0 {
		return false
	}
	b, err := os.ReadFile("/proc/self/uid_map")
	return err == nil && strings.Join(strings.Fields(string(b)), " ") == "0 0 4294967295"
}

// devTmpfs mounts the tmpfs of minimalDev on /dev and fills it: with
// mknod when trees is nil, else by moving each copy of trees (a
// descriptor from open_tree, or -1 to leave the device out) onto an
// empty file.
func devTmpfs(shm bool, trees []int) error {
	if err := unix.Mount("tmpfs", "/dev", "tmpfs", unix.MS_NOSUID|unix.MS_NOEXEC, "mode=755,size=64k"); err != nil {
		return fmt.Errorf("tmpfs on /dev: %w", err)
	}
	for i, d := range devNodes {
		target := "/dev/" + d.name
		if trees == nil {
			if err := unix.Mknod(target, unix.S_IFCHR|0o666, int(unix.Mkdev(d.major, d.minor))); err != nil {
				return fmt.Errorf("%s: %w", target, err)
			}
			unix.Chmod(target, 0o666) // past the umask
			continue
		}
		if trees[i] < 0 {
			continue
		}
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
	// The mount point of /dev/shm; the template's copies mount their own
	// tmpfs on it (privateShm).
	if err := unix.Mkdir("/dev/shm", 0o755); err != nil {
		return err
	}
	if shm {
		if err := privateShm(); err != nil {
			return err
		}
	}
	return unix.MountSetattr(-1, "/dev", 0, &unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY})
}

// privateShm mounts the run's own small tmpfs on /dev/shm.
func privateShm() error {
	if err := unix.Mount("tmpfs", "/dev/shm", "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=1777,size=16m"); err != nil {
		return fmt.Errorf("%s: tmpfs on /dev/shm: %w", ProtDevices, err)
	}
	return nil
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
// that exists. A directory that holds the run directory (dir) or /tmp
// cannot be hidden without them: it stays visible, and the error says so.
func hideDirs(hide []string, dir string) error {
	var kept []string
	seen := map[string]bool{}
	for _, h := range hide {
		if h == "" || !filepath.IsAbs(h) {
			continue
		}
		// A link (/var/run -> /run, a home elsewhere) hides its target.
		h, err := filepath.EvalSymlinks(h)
		if err != nil || seen[h] {
			continue
		}
		seen[h] = true
		if within(h, "/tmp") && h != "/tmp" {
			// Under /tmp: the run's private /tmp covers it already.
			continue
		}
		fi, err := os.Stat(h)
		if err != nil || !fi.IsDir() {
			continue
		}
		if within(dir, h) || within("/tmp", h) {
			kept = append(kept, h)
			continue
		}
		if err := unix.Mount("tmpfs", h, "tmpfs", unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "size=4k,mode=755"); err != nil {
			return fmt.Errorf("%s: %s: %w", ProtHidden, h, err)
		}
	}
	if len(kept) > 0 {
		return fmt.Errorf("%s: %s holds the run directory", ProtHidden, strings.Join(kept, ", "))
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

// noRoot are the securebits that take away root's special treatment at
// exec: a program exec'd by uid 0 gets no capabilities, and the bits
// cannot be changed back.
// (<linux/securebits.h>: SECBIT_NOROOT, SECBIT_NOROOT_LOCKED,
// SECBIT_NO_CAP_AMBIENT_RAISE, SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED.)
const noRoot = 1<<0 | 1<<1 | 1<<6 | 1<<7

// dropThreadPrivileges makes the programs the calling thread execs run
// without capabilities, even as root, and unable to gain any (setuid
// binaries included): securebits noRoot and no_new_privs, both per
// thread. The thread keeps its own capabilities. A thread without
// CAP_SETPCAP (not root: it has no capabilities to give) sets only
// no_new_privs.
func dropThreadPrivileges() error {
	if err := unix.Prctl(unix.PR_SET_SECUREBITS, noRoot, 0, 0, 0); err != nil && !errors.Is(err, unix.EPERM) {
		return fmt.Errorf("%s: securebits: %w", ProtCapabilities, err)
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("%s: no_new_privs: %w", ProtCapabilities, err)
	}
	return nil
}

// allThreadsSyscalls reports whether syscall.AllThreadsSyscall works in
// this process: it does not where cgo is linked in (net and os/user link
// it whenever a C compiler is installed, and -race always does).
var allThreadsSyscalls = sync.OnceValue(func() bool {
	_, _, e := syscall.AllThreadsSyscall(syscall.SYS_GETPID, 0, 0, 0)
	return e != syscall.ENOTSUP
})

// noCapabilities checks that this process holds no capability (a
// confined child: exec'd without any, so every thread has none).
func noCapabilities() error {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return fmt.Errorf("%s: %w", ProtCapabilities, err)
	}
	for _, d := range data {
		if d.Effective|d.Permitted != 0 {
			return fmt.Errorf("%s: the child holds capabilities", ProtCapabilities)
		}
	}
	return nil
}

// dropProcessPrivileges gives every thread of this process the
// securebits noRoot and takes all its capabilities: for a payload, which
// runs in the sandbox child itself. (Not no_new_privs: with noRoot and
// no capabilities, a setuid-root binary gains nothing either, and each
// call on all threads stops the world, about 60 us.)
func dropProcessPrivileges() error {
	if _, _, e := syscall.AllThreadsSyscall(syscall.SYS_PRCTL, unix.PR_SET_SECUREBITS, noRoot, 0); e != 0 && e != syscall.EPERM {
		return fmt.Errorf("%s: securebits: %w", ProtCapabilities, e)
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

// privateTmp mounts a tmpfs on /tmp, after making / recursively private
// in the (new) mount namespace unless it is a copy of the template,
// which is private already.
func privateTmp(copied bool) error {
	if !copied {
		if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
			return fmt.Errorf("making / private: %w", err)
		}
	}
	opts := fmt.Sprintf("mode=1777,size=%d", TmpSize)
	if err := unix.Mount("tmpfs", "/tmp", "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, opts); err != nil {
		return fmt.Errorf("mounting tmpfs on /tmp: %w", err)
	}
	return nil
}

// resume executes the workbook again, from the calling (locked) thread,
// with the encoded spec in a memfd whose descriptor envResume names and
// the status pipe open: resumed then runs the spec's payload. It returns
// only on failure.
func resume(spec []byte) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	fd, err := unix.MemfdCreate("spec", 0)
	if err != nil {
		return err
	}
	if _, err := unix.Write(fd, spec); err != nil {
		return err
	}
	env := append(os.Environ(), fmt.Sprintf("%s=%d", envResume, fd))
	// Through /proc: the private /tmp or a hidden home may cover exe.
	return syscall.Exec("/proc/self/exe", []string{exe}, env)
}
