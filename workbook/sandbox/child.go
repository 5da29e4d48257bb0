package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// Environment variables and file descriptors of the parent/child protocol.
const (
	envChild = "WORKBOOK_SANDBOX_CHILD" // "1" in a sandbox child
	envMount = "WORKBOOK_SANDBOX_MOUNT" // "1": the child is in a new mount namespace
	envWarm  = "WORKBOOK_SANDBOX_WARM"  // payload to warm before the spec arrives
	envDir   = "WORKBOOK_SANDBOX_DIR"   // the run directory to create and enter
	envNet   = "WORKBOOK_SANDBOX_NET"   // "new": bring up lo of a new network namespace; "lent": it is up; "offline": sockets refused
	// envConfined is "1" when the parent set up the child's mount
	// namespace (a copy of the template: read-only, the homes hidden,
	// /tmp private, the run directory made) and started it without
	// capabilities; it makes the mounts that depend on the spec too.
	envConfined = "WORKBOOK_SANDBOX_CONFINED"
	// envIsolation, in the workbook's own environment, names the strongest
	// isolation to try ("pid+mount", "user+pid+mount" or "pgroup"): it
	// forces the fallbacks, for tests and for machines where namespaces
	// misbehave.
	envIsolation = "WORKBOOK_SANDBOX_ISOLATION"
	ctlFD        = 3 // control pipe: the spec, as JSON
	// statusFD is the status pipe: "ready N\n"; then, once the spec is
	// applied, "have P\n" and "lack P (why)\n" for each protection, and
	// "error ...\n" or EOF (the program runs).
	statusFD = 4
	// hostRootFD is an O_PATH descriptor of the workbook's /.
	hostRootFD = 5
)

// wireSpec is what travels on the control pipe.
type wireSpec struct {
	Path     string
	Args     []string
	Payload  string
	Request  []byte
	Stdin    []byte
	HasStdin bool
	Env      []string
	Limits   Limits
	// NprocBase is how many processes the (non-root) user already has:
	// RLIMIT_NPROC counts them all, so the limit is raised by as many.
	NprocBase uint64
	Hide      []string // DefaultHidden and Spec.Hide
	DocDir    string
	// Cwd, when set, is the working directory the parent prepared (a
	// confined child's document folder).
	Cwd    string
	Strict bool
}

// IsChild reports whether this process was started by the sandbox as a child.
func IsChild() bool { return os.Getenv(envChild) == "1" }

// MainForTest is the body of TestMain for packages whose tests run
// sandboxes: the test binary is re-executed as the sandbox child, so it must
// behave as ChildMain when IsChild, and run the tests otherwise, with HOME
// and XDG_CACHE_HOME in a temporary directory removed afterwards. Use it as
//
//	func TestMain(m *testing.M) { sandbox.MainForTest(m, payloads) }
func MainForTest(m interface{ Run() int }, payloads map[string]Payload) {
	if IsChild() {
		os.Exit(ChildMain(payloads))
	}
	cleanup, err := isolateHome()
	if err != nil {
		fmt.Fprintln(os.Stderr, "sandbox: cannot isolate HOME for the tests:", err)
		os.Exit(2)
	}
	code := m.Run()
	cleanup()
	os.Exit(code)
}

// ChildMain is the entry point of a sandbox child: main calls it first thing
// when IsChild is true, and exits with its result. It sets up the private
// /tmp, warms the pool's payload, reports ready, reads the Spec, applies the
// limits, environment and stdin, then execs Spec.Path or runs the payload.
func ChildMain(payloads map[string]Payload) int {
	if fd := os.Getenv(envResume); fd != "" {
		return resumed(payloads, fd)
	}
	status := os.NewFile(statusFD, "status")
	ctl := os.NewFile(ctlFD, "control")
	if status == nil || ctl == nil {
		fmt.Fprintln(os.Stderr, "sandbox child: missing control pipes")
		return 127
	}
	fail := func(format string, args ...any) int {
		fmt.Fprintf(status, "error "+format+"\n", args...)
		return 127
	}
	private := false
	// hostRoot is the workbook's / (its /tmp, its homes), which the
	// private /tmp and the hidden directories cover here.
	hostRoot := hostRootFD
	syscall.CloseOnExec(hostRoot)
	// confined: the parent set up the mount namespace and will make
	// the spec's mounts; this process has no capabilities.
	confined := os.Getenv(envConfined) == "1"
	if confined {
		private = true
	} else if os.Getenv(envMount) == "1" {
		if err := privateTmp(false); err != nil {
			fmt.Fprintf(os.Stderr, "sandbox child: private /tmp: %v\n", err)
		} else {
			private = true
		}
	}
	dir := os.Getenv(envDir)
	enterDir := makeRunDir
	if confined {
		enterDir = os.Chdir
	}
	if err := enterDir(dir); err != nil {
		fmt.Fprintf(status, "error run directory: %v\n", err)
		return 127
	}
	var missing []string
	lack := func(err error) { missing = append(missing, lackOf(err)) }
	if private && !confined {
		if err := confineBase(dir); err != nil {
			lack(err)
		}
		// The child is the init of a new PID namespace: its /proc.
		if err := mountProc(-1); err != nil {
			lack(err)
		}
	}
	switch os.Getenv(envNet) {
	case "new":
		if err := loopbackUp(); err != nil {
			lack(err)
		}
	case "lent", "offline": // offline: sockets are refused (refuseSockets)
	default:
		missing = append(missing, ProtNetwork+" (no network namespace)")
	}
	var warm any
	warmed := os.Getenv(envWarm)
	if p, ok := payloads[warmed]; ok && p.Warm != nil {
		warm = p.Warm()
	}
	ready := 0
	if private {
		ready = 1
	}
	if _, err := fmt.Fprintf(status, "ready %d\n", ready); err != nil {
		return 127
	}
	data, err := io.ReadAll(ctl)
	if err != nil {
		return fail("reading spec: %v", err)
	}
	ctl.Close()
	var spec wireSpec
	if err := json.Unmarshal(data, &spec); err != nil {
		return fail("decoding spec: %v", err)
	}
	if err := setStdin(spec); err != nil {
		return fail("stdin: %v", err)
	}
	if spec.Cwd != "" {
		if err := os.Chdir(spec.Cwd); err != nil {
			lack(fmt.Errorf("%s: %w", ProtDocDir, err))
		}
	}
	if private && !confined {
		if spec.DocDir != "" {
			// In a user namespace the kernel refuses the parent's copy
			// of the folder as a layer, but there the folder is still
			// visible (nothing hidden yet).
			if cwd, err := docLayer(dir, spec.DocDir); err != nil {
				lack(err)
			} else if err := os.Chdir(cwd); err != nil {
				lack(fmt.Errorf("%s: %w", ProtDocDir, err))
			}
		}
		if err := hideDirs(append(spec.Hide, runtimeDirs...), dir); err != nil {
			lack(err)
		}
	}
	ruleset := -1
	if !private {
		missing = missingOf(nil, "no namespaces")
		if spec.DocDir != "" {
			// No overlay without a mount namespace: the program runs in
			// the document's folder itself, which Landlock keeps
			// read-only.
			if err := os.Chdir(spec.DocDir); err != nil {
				lack(fmt.Errorf("%s: %w", ProtDocDir, err))
			}
		}
		var err error
		exe := spec.Path
		if exe == "" {
			// A payload may execute the workbook again (resume).
			exe, _ = os.Executable()
		}
		if ruleset, err = landlockRuleset(dir, spec.Hide, spec.DocDir, exe); err != nil {
			lack(err)
		}
	}
	limits := spec.Limits
	limits.Processes += spec.NprocBase
	if err := setLimits(limits); err != nil {
		return fail("limits: %v", err)
	}
	enforce := func(allThreads bool) {
		if ruleset < 0 {
			return
		}
		if err := landlockRestrict(ruleset, allThreads); err != nil {
			lack(err)
			return
		}
		fmt.Fprintf(status, "have %s\n", ProtLandlock)
	}
	if spec.Path != "" {
		// The privileges dropped are the thread's: the exec must come
		// from the same thread.
		runtime.LockOSThread()
		if err := dropThreadPrivileges(); err != nil {
			lack(err)
		}
		enforce(false)
		if !report(status, missing, spec.Strict) {
			return fail("%v", strictError(protectionsMissing(missing)))
		}
		syscall.CloseOnExec(statusFD)
		argv := append([]string{spec.Path}, spec.Args...)
		path := spec.Path
		if _, inTmp := underTmp(path); private && (inTmp || hidden(path, spec.Hide)) {
			// The binary is in the real /tmp or in a hidden directory
			// (the workbook's cache): reach it through the workbook's /.
			path = hostPath(hostRoot, path)
		}
		err := syscall.Exec(path, argv, spec.Env)
		return fail("exec %s: %v", spec.Path, err)
	}
	p, ok := payloads[spec.Payload]
	if !ok || p.Run == nil {
		return fail("no payload %q", spec.Payload)
	}
	unix.Close(hostRoot)
	if !confined && (private || ruleset >= 0) && !allThreadsSyscalls() {
		// This process links cgo: its capabilities and Landlock cannot
		// be taken from its threads one by one
		// (syscall.AllThreadsSyscall refuses). Take them from this
		// thread and execute the workbook again from it: the new image
		// starts without capabilities and every thread it starts is
		// inside the Landlock domain.
		runtime.LockOSThread()
		if err := dropThreadPrivileges(); err != nil {
			lack(err)
		}
		enforce(false)
		if !report(status, missing, spec.Strict) {
			return fail("%v", strictError(protectionsMissing(missing)))
		}
		return fail("resuming: %v", resume(data))
	}
	if spec.Payload != warmed && p.Warm != nil && !p.WarmAhead {
		warm = p.Warm()
	}
	os.Clearenv()
	for _, kv := range spec.Env {
		k, v, _ := strings.Cut(kv, "=")
		os.Setenv(k, v)
	}
	setProcs()
	if confined {
		// Started without capabilities: make sure.
		if err := noCapabilities(); err != nil {
			lack(err)
		}
	} else if err := dropProcessPrivileges(); err != nil {
		lack(err)
	}
	enforce(true)
	if !report(status, missing, spec.Strict) {
		return fail("%v", strictError(protectionsMissing(missing)))
	}
	status.Close()
	return p.Run(warm, spec.Request)
}

// envResume names, in a child that executed itself again (resume), the
// descriptor of a memfd holding its spec.
const envResume = "WORKBOOK_SANDBOX_RESUME"

// resumed is ChildMain in a child that executed itself again (resume):
// what the spec needs of the process is done (directory, input, limits,
// Landlock, protections reported on the status pipe); it runs the
// payload.
func resumed(payloads map[string]Payload, fdText string) int {
	status := os.NewFile(statusFD, "status")
	fail := func(format string, args ...any) int {
		fmt.Fprintf(status, "error "+format+"\n", args...)
		return 127
	}
	fd, err := strconv.Atoi(fdText)
	if err != nil {
		return fail("resuming: %v", err)
	}
	f := os.NewFile(uintptr(fd), "spec")
	f.Seek(0, io.SeekStart)
	data, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		return fail("resuming: %v", err)
	}
	var spec wireSpec
	if err := json.Unmarshal(data, &spec); err != nil {
		return fail("decoding spec: %v", err)
	}
	p, ok := payloads[spec.Payload]
	if !ok || p.Run == nil {
		return fail("no payload %q", spec.Payload)
	}
	if err := noCapabilities(); err != nil {
		if spec.Strict {
			return fail("%v", strictError([]string{lackOf(err)}))
		}
		fmt.Fprintf(status, "lack %s\n", lackOf(err))
	}
	var warm any
	if p.Warm != nil {
		warm = p.Warm()
	}
	os.Clearenv()
	for _, kv := range spec.Env {
		k, v, _ := strings.Cut(kv, "=")
		os.Setenv(k, v)
	}
	setProcs()
	status.Close()
	return p.Run(warm, spec.Request)
}

// report writes on the status pipe the protections the run has and
// lacks. It returns false when a strict spec lacks some.
func report(status *os.File, missing []string, strict bool) bool {
	if strict && len(protectionsMissing(missing)) > 0 {
		return false
	}
	var b strings.Builder
	for _, m := range missing {
		fmt.Fprintf(&b, "lack %s\n", m)
	}
	status.WriteString(b.String())
	return true
}

// setProcs gives the payload the GOMAXPROCS a program started with the
// run's environment would have (the child starts with one P: see
// startChild): GOMAXPROCS from that environment, else the runtime's
// default.
func setProcs() {
	if n, err := strconv.Atoi(os.Getenv("GOMAXPROCS")); err == nil && n > 0 {
		runtime.GOMAXPROCS(n)
		return
	}
	runtime.SetDefaultGOMAXPROCS()
}

// underTmp returns path relative to /tmp when it lies under /tmp.
func underTmp(path string) (string, bool) {
	rel, err := filepath.Rel("/tmp", path)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, "../") {
		return "", false
	}
	return rel, true
}

// hostPath returns the path through which path, on the workbook's own
// file system, is reached from inside the run's mount namespace (where
// /tmp is another and the homes are hidden): through root, a descriptor
// of the workbook's / kept open (close-on-exec) from before.
func hostPath(root int, path string) string {
	return fmt.Sprintf("/proc/self/fd/%d/%s", root, strings.TrimPrefix(filepath.Clean(path), "/"))
}

// makeRunDir creates the run directory dir (which must not exist), its
// home and tmp, and enters it.
func makeRunDir(dir string) error {
	if err := createRunDir(dir); err != nil {
		return err
	}
	return os.Chdir(dir)
}

// createRunDir creates the run directory dir (which must not exist), its
// home and tmp.
func createRunDir(dir string) error {
	if dir == "" {
		return errors.New("no run directory given")
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return err
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		return err
	}
	for _, sub := range []string{"home", "tmp"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o700); err != nil {
			return err
		}
	}
	return nil
}

// setStdin puts the spec's input (or /dev/null) on fd 0.
func setStdin(spec wireSpec) error {
	fd, err := openStdin(spec.Stdin, spec.HasStdin)
	if err != nil {
		return err
	}
	if err := unix.Dup2(fd, 0); err != nil {
		return err
	}
	return unix.Close(fd)
}

// setLimits applies l to this process (and so to what it execs).
func setLimits(l Limits) error {
	return applyLimits(l, unix.Setrlimit)
}

// applyLimits sets each limit of l through set (setrlimit on this
// process, or prlimit on another).
func applyLimits(l Limits, set func(resource int, lim *unix.Rlimit) error) error {
	for _, r := range []struct {
		name     string
		resource int
		cur, max uint64
	}{
		{"RLIMIT_DATA", unix.RLIMIT_DATA, l.MemoryBytes, l.MemoryBytes},
		{"RLIMIT_NPROC", unix.RLIMIT_NPROC, l.Processes, l.Processes},
		{"RLIMIT_FSIZE", unix.RLIMIT_FSIZE, l.FileSize, l.FileSize},
		{"RLIMIT_NOFILE", unix.RLIMIT_NOFILE, l.OpenFiles, l.OpenFiles},
		{"RLIMIT_CPU", unix.RLIMIT_CPU, l.CPUSeconds, l.CPUSeconds + 1},
	} {
		if err := set(r.resource, newRlimit(r.cur, r.max)); err != nil {
			return fmt.Errorf("%s: %w", r.name, err)
		}
	}
	return nil
}
