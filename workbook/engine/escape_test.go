//go:build linux

package engine

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/sandbox"
)

// escapePrelude is the start of every escape attempt: try runs one
// attempt and prints "contained: NAME" when it failed (as it must) or
// "ESCAPED: NAME: DETAIL" when it succeeded.
const escapePrelude = `package main

import (
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

var _ = strings.Contains
var _ = unix.Getpid

func try(name string, escaped bool, detail string) {
	if escaped {
		fmt.Printf("ESCAPED: %s: %s\n", name, detail)
		return
	}
	fmt.Printf("contained: %s\n", name)
}

func main() {
`

// escapeCase is one program that tries to get out of its box. Its body
// uses HOST (a directory of the host with a victim file and a home),
// PORT (a port the test listens on, on the host's loopback) and PID (the
// workbook's process ID); want are the names it must print as contained.
type escapeCase struct {
	name  string
	body  string
	want  []string
	extra string // what the program prints after its verdicts
}

// output is what tc's program prints when every attempt is contained.
func (tc escapeCase) output() string {
	var b strings.Builder
	for _, w := range tc.want {
		b.WriteString("contained: " + w + "\n")
	}
	return b.String() + tc.extra
}

var escapeCases = []escapeCase{
	{"write outside", `
	err := os.WriteFile("HOST/written", []byte("x"), 0o644)
	try("write", err == nil, "wrote HOST/written")
	err = os.MkdirAll("/var/tmp/workbook-escape-dir", 0o755)
	try("mkdir", err == nil, "made /var/tmp/workbook-escape-dir")
	os.Remove("/var/tmp/workbook-escape-dir")
`, []string{"write", "mkdir"}, ""},
	{"read a home", `
	b, err := os.ReadFile("HOST/home/.ssh/id_ed25519")
	try("secret", err == nil, string(b))
	entries, _ := os.ReadDir("/root")
	try("root", len(entries) > 0, fmt.Sprint(len(entries), " entries"))
	entries, _ = os.ReadDir("/home")
	try("home", len(entries) > 0, fmt.Sprint(len(entries), " entries"))
`, []string{"secret", "root", "home"}, ""},
	{"delete a host file", `
	err := os.Remove("HOST/victim")
	try("remove", err == nil, "removed HOST/victim")
	err = os.Truncate("HOST/victim", 0)
	try("truncate", err == nil, "truncated HOST/victim")
	err = os.Rename("HOST/victim", "HOST/moved")
	try("rename", err == nil, "renamed HOST/victim")
`, []string{"remove", "truncate", "rename"}, ""},
	{"dial the host", `
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err != nil {
		fmt.Println("socket:", err)
		os.Exit(1)
	}
	err = unix.Connect(fd, &unix.SockaddrInet4{Port: PORT, Addr: [4]byte{127, 0, 0, 1}})
	try("dial", err == nil, "connected to the host's 127.0.0.1:PORT")
	// Its own loopback works: it listens and dials itself.
	l, _ := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	berr := unix.Bind(l, &unix.SockaddrInet4{Port: PORT, Addr: [4]byte{127, 0, 0, 1}})
	lerr := unix.Listen(l, 1)
	c, _ := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	cerr := unix.Connect(c, &unix.SockaddrInet4{Port: PORT, Addr: [4]byte{127, 0, 0, 1}})
	fmt.Println("own loopback:", berr, lerr, cerr)
`, []string{"dial"}, "own loopback: <nil> <nil> <nil>\n"},
	{"read the workbook's environment", `
	dirs, _ := os.ReadDir("/proc")
	found := ""
	for _, d := range dirs {
		b, err := os.ReadFile("/proc/" + d.Name() + "/environ")
		if err == nil && strings.Contains(string(b), "WB_ESCAPE_SECRET") {
			found += " /proc/" + d.Name()
		}
	}
	b, err := os.ReadFile("/proc/PID/environ")
	try("environ", found != "" || err == nil, found+" "+string(b))
	_, err = os.Stat("/proc/PID/root/HOST/victim")
	try("proc root", err == nil, "reached /proc/PID/root")
`, []string{"environ", "proc root"}, ""},
	{"ptrace the parent", `
	err := unix.PtraceAttach(PID)
	try("ptrace workbook", err == nil, "attached to PID")
	if ppid := os.Getppid(); ppid > 0 {
		err = unix.PtraceAttach(ppid)
		try("ptrace parent", err == nil, fmt.Sprint("attached to ", ppid))
	} else {
		try("ptrace parent", false, "")
	}
	err = unix.Kill(PID, 0)
	try("signal workbook", err == nil, "can signal PID")
`, []string{"ptrace workbook", "ptrace parent", "signal workbook"}, ""},
	{"fill the run directory", `
	chunk := make([]byte, 1<<20)
	var err error
	total := 0
	for i := 0; err == nil && i < 1000; i++ {
		var f *os.File
		f, err = os.Create(fmt.Sprintf("fill%d", i))
		for j := 0; err == nil && j < 32; j++ {
			_, err = f.Write(chunk)
			total++
		}
		if f != nil {
			f.Close()
		}
	}
	try("fill", err == nil, fmt.Sprint(total, " MiB written"))
	fmt.Println(strings.Contains(fmt.Sprint(err), "no space left on device"))
`, []string{"fill"}, "true\n"},
	{"reach a service's socket or the terminal", `
	fd, _ := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	err := unix.Connect(fd, &unix.SockaddrUnix{Name: "SERVICE_PATH"})
	try("socket", err == nil, "connected to SERVICE_PATH")
	tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0)
	try("terminal", err == nil, "opened the controlling terminal")
	if tty != nil {
		tty.Close()
	}
`, []string{"socket", "terminal"}, ""},
	{"get privileges back", `
	err := unix.Mount("", "/", "", unix.MS_REMOUNT|unix.MS_BIND, "")
	try("remount", err == nil, "remounted /")
	err = unix.Unmount("/root", unix.MNT_DETACH)
	try("unmount", err == nil, "unmounted /root")
	err = unix.Unshare(unix.CLONE_NEWNS)
	try("unshare", err == nil, "new mount namespace")
	f, err := os.OpenFile("/dev/vda", os.O_WRONLY, 0)
	try("disk", err == nil, "opened /dev/vda")
	if f != nil {
		f.Close()
	}
`, []string{"remount", "unmount", "unshare", "disk"}, ""},
}

// TestEscapes runs every escape attempt under both engines, as the
// sandbox runs programs here (root: namespaces; see TestEscapesPortable
// for the fallback), and checks that each attempt failed, that the host
// is unchanged and that no connection reached the host's listener.
func TestEscapes(t *testing.T) {
	if !sandbox.DirectStart() {
		t.Skip("needs the namespaces a root workbook creates")
	}
	host := escapeHost(t)
	port, accepted := escapeListener(t)
	sock := escapeSocket(t)
	t.Setenv("WB_ESCAPE_SECRET", "1")
	r, err := New(Options{CacheDir: t.TempDir(), Warm: 1,
		Sandbox: Sandbox{Hide: []string{filepath.Join(host, "home")}, Strict: true}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, eng := range []string{Compiled, Yaegi} {
		for _, tc := range escapeCases {
			t.Run(eng+"/"+tc.name, func(t *testing.T) {
				out, stderr := runEscape(t, r, eng, tc, strings.NewReplacer("HOST", host, "PORT", fmt.Sprint(port), "PID", fmt.Sprint(os.Getpid()), "SERVICE_PATH", sock))
				if out != tc.output() {
					t.Errorf("stdout %q, want %q", out, tc.output())
				}
				if strings.Contains(out, "ESCAPED") {
					t.Errorf("an attempt succeeded:\n%s", out)
				}
				for _, w := range tc.want {
					if !strings.Contains(out, "contained: "+w+"\n") {
						t.Errorf("no verdict for %q:\n%s\nstderr: %.500s", w, out, stderr)
					}
				}
				escapeHostUnchanged(t, host)
			})
		}
	}
	if n := accepted.Load(); n != 0 {
		t.Errorf("%d connections reached the host's listener", n)
	}
	if b, err := os.ReadFile("/proc/self/status"); err == nil && !strings.Contains(string(b), "TracerPid:\t0\n") {
		t.Errorf("the workbook is traced")
	}
}

// runEscape runs tc's program, its placeholders replaced by names, with
// engine eng, checks that it ran to its end and returns its stdout and
// stderr.
func runEscape(t *testing.T, r *Runner, eng string, tc escapeCase, names *strings.Replacer) (stdout, stderr string) {
	t.Helper()
	src := names.Replace(escapePrelude + tc.body + "}\n")
	p := &lessons.Program{File: "escape.md", Line: 1, Name: tc.name, Source: src, Timeout: 20 * time.Second}
	v, err := r.Run(context.Background(), Request{Program: p, Engine: eng})
	if err != nil {
		t.Fatal(err)
	}
	if v.Engine != eng || v.End != Exited || v.ExitCode != 0 {
		t.Fatalf("%s\nstdout: %s\nstderr: %.800s", verdictSummary(v), v.Stdout, v.Stderr)
	}
	return string(v.Stdout), string(v.Stderr)
}

// TestEscapesLandlock runs the file system's escape attempts where the
// sandbox has no namespaces (WORKBOOK_SANDBOX_ISOLATION=pgroup, as on a
// machine without privilege): Landlock must contain them, under both
// engines, and the run must say which protections it lacked.
func TestEscapesLandlock(t *testing.T) {
	t.Setenv("WORKBOOK_SANDBOX_ISOLATION", "pgroup")
	report := sandbox.Predict()
	if !strings.Contains(report.Line(), "active: "+sandbox.ProtLandlock) {
		t.Skip("no Landlock here: ", report.Line())
	}
	if report.Full() || !strings.Contains(report.Line(), "NOT active: "+sandbox.ProtPIDs) {
		t.Errorf("the line does not say what is missing: %s", report.Line())
	}
	host := escapeHost(t)
	r, err := New(Options{CacheDir: t.TempDir(),
		Sandbox: Sandbox{Hide: []string{filepath.Join(host, "home")}}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, eng := range []string{Compiled, Yaegi} {
		for _, tc := range escapeCases[:3] { // write, read a home, delete
			t.Run(eng+"/"+tc.name, func(t *testing.T) {
				out, _ := runEscape(t, r, eng, tc, strings.NewReplacer("HOST", host))
				for _, w := range tc.want {
					if !strings.Contains(out, "contained: "+w+"\n") {
						t.Errorf("no verdict for %q:\n%s", w, out)
					}
				}
				escapeHostUnchanged(t, host)
			})
		}
	}
}

// TestEscapesWorkbook runs the escape attempts as CI does: the real
// workbook binary verifying a document of each, with --sandbox strict,
// under both engines; and the file system's attempts again without
// namespaces, where Landlock contains them. Every program must pass: its
// output is the list of its contained attempts. The binary is built as
// `go build` makes it (static: .ci/run checks that it links no cgo) and
// with -race, which links cgo: there the interpreter's threads cannot
// all be stripped of privileges or put under Landlock after the start
// (syscall.AllThreadsSyscall refuses), so a child starts without them or
// executes itself again (docs/sandbox.md).
func TestEscapesWorkbook(t *testing.T) {
	if !sandbox.DirectStart() {
		t.Skip("needs the namespaces a root workbook creates")
	}
	if testing.Short() {
		t.Skip("builds the workbook")
	}
	for _, flags := range [][]string{nil, {"-race"}} {
		t.Run(fmt.Sprint("build", flags), func(t *testing.T) { escapesWorkbook(t, flags) })
	}
}

// escapesWorkbook is TestEscapesWorkbook with the binary built with the
// go build flags given.
func escapesWorkbook(t *testing.T, flags []string) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "workbook")
	build := exec.Command("go", append(append([]string{"build"}, flags...), "-o", bin, ".")...)
	build.Dir = filepath.Join("..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the workbook: %v\n%s", err, out)
	}
	host := escapeHost(t)
	port, accepted := escapeListener(t)
	sock := escapeSocket(t)
	write := func(name string, cases []escapeCase) string {
		var doc strings.Builder
		doc.WriteString("# Escapes\n")
		for _, tc := range cases {
			src := escapePrelude + tc.body + "}\n"
			src = strings.NewReplacer("HOST", host, "PORT", fmt.Sprint(port), "PID", fmt.Sprint(os.Getpid()), "SERVICE_PATH", sock).Replace(src)
			fmt.Fprintf(&doc, "\n## %s\n\n```go\n%s```\n\n```output\n%s```\n", tc.name, src, tc.output())
		}
		md := filepath.Join(dir, name)
		if err := os.WriteFile(md, []byte(doc.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return md
	}
	all, files := write("escapes.md", escapeCases), write("files.md", escapeCases[:3])
	// The workbook's $HOME (hidden) is the host's home with the secret.
	// (The go command the compiled engine runs writes its telemetry under
	// the configuration directory: elsewhere.)
	// Its cache (hidden too) is outside /tmp, as a user's is: the binaries
	// it runs are in a hidden directory.
	cache, err := os.MkdirTemp(filepath.Dir(host), "workbook-escape-cache-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(cache) })
	env := []string{"HOME=" + filepath.Join(host, "home"), "XDG_CONFIG_HOME=" + filepath.Join(dir, "config"),
		"XDG_CACHE_HOME=" + cache, "GOTELEMETRY=off", "WB_ESCAPE_SECRET=1"}
	verify := func(t *testing.T, env []string, args ...string) (string, string) {
		cmd := exec.Command(bin, append([]string{"verify", "--timeout", "30s"}, args...)...)
		cmd.Env = append(os.Environ(), env...)
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Errorf("workbook verify %v: %v\n%s\n%s", args, err, stdout.String(), stderr.String())
		}
		return stdout.String(), stderr.String()
	}
	for _, eng := range []string{Compiled, Yaegi} {
		t.Run(eng, func(t *testing.T) {
			out, _ := verify(t, env, "--engine", eng, "--sandbox", "strict", all)
			if want := fmt.Sprintf("%d passed, 0 failed", len(escapeCases)); !strings.Contains(out, want) {
				t.Errorf("want %q:\n%s", want, out)
			}
			escapeHostUnchanged(t, host)
		})
		t.Run(eng+"/userns", func(t *testing.T) {
			// As a user without privilege would: a user namespace.
			out, _ := verify(t, append(env, "WORKBOOK_SANDBOX_ISOLATION=user+pid+mount"), "--engine", eng, "--sandbox", "strict", all)
			if want := fmt.Sprintf("%d passed, 0 failed", len(escapeCases)); !strings.Contains(out, want) {
				t.Errorf("want %q:\n%s", want, out)
			}
			escapeHostUnchanged(t, host)
		})
		t.Run(eng+"/landlock", func(t *testing.T) {
			out, errs := verify(t, append(env, "WORKBOOK_SANDBOX_ISOLATION=pgroup"), "--engine", eng, files)
			if !strings.Contains(out, "3 passed, 0 failed") || !strings.Contains(errs, "NOT active") {
				t.Errorf("stdout:\n%s\nstderr:\n%s", out, errs)
			}
			escapeHostUnchanged(t, host)
		})
	}
	if n := accepted.Load(); n != 0 {
		t.Errorf("%d connections reached the host's listener", n)
	}
}

// escapeHost makes the host directory of the escape attempts, outside
// /tmp (which every run has a private one of) and removed at the end:
// a victim file and a home with a secret.
func escapeHost(t *testing.T) string {
	t.Helper()
	base := "/var/tmp"
	if fi, err := os.Stat(base); err != nil || !fi.IsDir() {
		t.Skip("no /var/tmp for the host's files")
	}
	host, err := os.MkdirTemp(base, "workbook-escape-")
	if err != nil {
		t.Skip("cannot write in /var/tmp:", err)
	}
	t.Cleanup(func() { os.RemoveAll(host) })
	if err := os.MkdirAll(filepath.Join(host, "home", ".ssh"), 0o700); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{"victim": "victim\n", "home/.ssh/id_ed25519": "SECRET KEY\n"} {
		if err := os.WriteFile(filepath.Join(host, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return host
}

// escapeHostUnchanged checks that the host directory holds exactly what
// escapeHost put there.
func escapeHostUnchanged(t *testing.T, host string) {
	t.Helper()
	var got []string
	filepath.WalkDir(host, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(path)
			rel, _ := filepath.Rel(host, path)
			got = append(got, rel+"="+string(b))
		}
		return nil
	})
	want := "[home/.ssh/id_ed25519=SECRET KEY\n victim=victim\n]"
	if fmt.Sprint(got) != want {
		t.Errorf("the host's files changed: %.600q", got)
	}
	if _, err := os.Stat("/var/tmp/workbook-escape-dir"); err == nil {
		os.Remove("/var/tmp/workbook-escape-dir")
		t.Errorf("a program made /var/tmp/workbook-escape-dir")
	}
}

// escapeListener listens on the host's loopback and counts the
// connections it accepts. (Through system calls: the net package would
// link cgo into the test binary, under which a payload cannot drop its
// capabilities, see dropProcessPrivileges.)
func escapeListener(t *testing.T) (int, *atomic.Int64) {
	t.Helper()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := unix.Listen(fd, 16); err != nil {
		t.Fatal(err)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	var n atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, _, err := unix.Accept(fd)
			if err != nil {
				return
			}
			n.Add(1)
			unix.Close(c)
		}
	}()
	t.Cleanup(func() {
		unix.Shutdown(fd, unix.SHUT_RDWR) // ends the Accept
		<-done
		unix.Close(fd)
	})
	return sa.(*unix.SockaddrInet4).Port, &n
}

// escapeSocket listens on a Unix socket in /run, where the machine's
// services keep theirs (a read-only mount does not stop a connect), and
// returns its path; it is removed at the end.
func escapeSocket(t *testing.T) string {
	t.Helper()
	path := fmt.Sprintf("/run/workbook-escape-%d.sock", os.Getpid())
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Bind(fd, &unix.SockaddrUnix{Name: path}); err != nil {
		unix.Close(fd)
		t.Skip("cannot listen in /run:", err)
	}
	t.Cleanup(func() { unix.Close(fd); os.Remove(path) })
	if err := unix.Listen(fd, 4); err != nil {
		t.Fatal(err)
	}
	return path
}
