package sandbox

import (
	"io"

	"golang.org/x/sys/unix"
)

// openStdin returns a descriptor for a program's standard input:
// /dev/null without input, else a memfd holding it, so that no writer has
// to outlive the exec.
func openStdin(input []byte, has bool) (int, error) {
	if !has {
		return unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	}
	fd, err := unix.MemfdCreate("stdin", unix.MFD_CLOEXEC)
	if err != nil {
		return -1, err
	}
	for b := input; len(b) > 0; {
		n, err := unix.Write(fd, b)
		if err != nil {
			unix.Close(fd)
			return -1, err
		}
		b = b[n:]
	}
	if _, err := unix.Seek(fd, 0, io.SeekStart); err != nil {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}
