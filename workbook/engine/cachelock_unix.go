//go:build unix

package engine

import (
	"os"
	"syscall"
)

// lockShared takes a shared flock on f without waiting: a run's lease on
// a cached binary.
func lockShared(f *os.File) bool {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB) == nil
}

// lockExclusive takes an exclusive flock on f without waiting: held by
// eviction while it removes an entry nobody leases.
func lockExclusive(f *os.File) bool {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil
}
