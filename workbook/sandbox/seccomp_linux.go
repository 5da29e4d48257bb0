package sandbox

import (
	"errors"
	"fmt"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// seccompArch is the audit architecture of this build's system calls,
// or 0 where refuseSockets has no filter for it.
func seccompArch() uint32 {
	switch runtime.GOARCH {
	case "amd64":
		return unix.AUDIT_ARCH_X86_64
	case "arm64":
		return unix.AUDIT_ARCH_AARCH64
	}
	return 0
}

// x32Bit marks the system calls of the x32 ABI on amd64 (__X32_SYSCALL_BIT).
const x32Bit = 0x40000000

// refuseSockets installs, on the calling (locked) thread, a seccomp
// filter that refuses socket(2) and io_uring_setup(2) (whose operations
// could open sockets past the filter) with EACCES, to the thread and to
// every process it starts: an offline run (Spec.Offline) needs no network
// namespace of its own. System calls of another ABI than this build's
// (i386 through int 0x80, x32) are refused too, so that their numbers
// cannot go round the filter. The thread must not run other goroutines
// afterwards (it is never unlocked). The thread needs no_new_privs or
// CAP_SYS_ADMIN.
func refuseSockets() error {
	arch := seccompArch()
	if arch == 0 {
		return fmt.Errorf("%s: no seccomp filter for %s", ProtNetwork, runtime.GOARCH)
	}
	const (
		ld    = unix.BPF_LD | unix.BPF_W | unix.BPF_ABS
		jeq   = unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K
		jge   = unix.BPF_JMP | unix.BPF_JGE | unix.BPF_K
		ret   = unix.BPF_RET | unix.BPF_K
		allow = unix.SECCOMP_RET_ALLOW
		deny  = unix.SECCOMP_RET_ERRNO | uint32(unix.EACCES)
	)
	// struct seccomp_data: int nr; __u32 arch; ... Jumps count from
	// the next instruction.
	prog := []unix.SockFilter{
		{Code: ld, K: 4},                               // 0: arch
		{Code: jeq, K: arch, Jf: 5},                    // 1: another ABI: deny
		{Code: ld, K: 0},                               // 2: nr
		{Code: jge, K: x32Bit, Jt: 3},                  // 3: x32: deny
		{Code: jeq, K: unix.SYS_SOCKET, Jt: 2},         // 4: deny
		{Code: jeq, K: unix.SYS_IO_URING_SETUP, Jt: 1}, // 5: deny
		{Code: ret, K: allow},                          // 6
		{Code: ret, K: deny},                           // 7
	}
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	err := unix.Prctl(unix.PR_SET_SECCOMP, unix.SECCOMP_MODE_FILTER, uintptr(unsafe.Pointer(&fprog)), 0, 0)
	runtime.KeepAlive(prog)
	if err != nil {
		if errors.Is(err, unix.EINVAL) {
			return fmt.Errorf("%s: seccomp filters not offered by this kernel: %w", ProtNetwork, err)
		}
		return fmt.Errorf("%s: seccomp: %w", ProtNetwork, err)
	}
	return nil
}
