package sandbox

import (
	"fmt"
	"runtime"
	"sync"

	"golang.org/x/sys/unix"
)

// netLender lends network namespaces, each with only its loopback
// interface, up. Creating one costs about 0.8 ms of CPU (most of a
// direct start's whole cost), so a namespace is given back when the run
// that used it is over and lent to the next run: by then every process
// of that run is dead (it was the init of its PID namespace, or the
// init's descendant), so no socket of it is left but connections in
// TIME_WAIT, which do not stop a new listener (Go sets SO_REUSEADDR).
// Runs at the same time always get different namespaces: two programs
// listening on :8080 at once do not collide.
//
// The lender is process-wide, like the kernel resources it holds.
type netLender struct {
	mu   sync.Mutex
	free []int // descriptors of idle namespaces
}

// maxIdleNets bounds how many idle namespaces the lender keeps.
const maxIdleNets = 16

// nets is the process's lender of network namespaces.
var nets = &netLender{}

// take returns a descriptor of an idle network namespace, creating one
// when none is idle. The caller gives it back with give.
func (l *netLender) take() (int, error) {
	l.mu.Lock()
	if n := len(l.free); n > 0 {
		fd := l.free[n-1]
		l.free = l.free[:n-1]
		l.mu.Unlock()
		return fd, nil
	}
	l.mu.Unlock()
	type made struct {
		fd  int
		err error
	}
	ch := make(chan made, 1)
	go func() {
		// Never unlocked: the thread is in the new namespace and ends
		// with the goroutine.
		runtime.LockOSThread()
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			ch <- made{-1, fmt.Errorf("%s: %w", ProtNetwork, err)}
			return
		}
		if err := loopbackUp(); err != nil {
			ch <- made{-1, err}
			return
		}
		fd, err := unix.Open(fmt.Sprintf("/proc/self/task/%d/ns/net", unix.Gettid()), unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			err = fmt.Errorf("%s: %w", ProtNetwork, err)
		}
		ch <- made{fd, err}
	}()
	m := <-ch
	return m.fd, m.err
}

// give takes back a namespace from take whose run is over.
func (l *netLender) give(fd int) {
	if fd < 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.free) >= maxIdleNets {
		unix.Close(fd)
		return
	}
	l.free = append(l.free, fd)
}

// enter moves the calling (locked) thread into the namespace fd.
func enterNet(fd int) error {
	if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("%s: %w", ProtNetwork, err)
	}
	return nil
}
