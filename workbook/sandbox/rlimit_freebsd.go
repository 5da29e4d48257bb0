package sandbox

import "golang.org/x/sys/unix"

// newRlimit returns a limit of cur (soft) and max (hard).
func newRlimit(cur, max uint64) *unix.Rlimit {
	return &unix.Rlimit{Cur: int64(cur), Max: int64(max)}
}
