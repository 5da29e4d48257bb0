package learn

import (
	"io"
	"os"

	"golang.org/x/sys/unix"

	"github.com/ppworkbook/workbook/workbook/term"
)

// cbreak switches the terminal on r, if r is one, to reading key by key
// without echo (signals such as Ctrl-C still work). It returns the function
// restoring the terminal, and false when r is not a terminal it could switch.
func cbreak(r io.Reader) (restore func(), ok bool) {
	f, isFile := r.(*os.File)
	if !isFile || !term.IsTerminal(f) {
		return func() {}, false
	}
	fd := int(f.Fd())
	old, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return func() {}, false
	}
	t := *old
	t.Lflag &^= unix.ICANON | unix.ECHO
	t.Cc[unix.VMIN] = 1
	t.Cc[unix.VTIME] = 0
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, &t); err != nil {
		return func() {}, false
	}
	return func() { _ = unix.IoctlSetTermios(fd, unix.TCSETS, old) }, true
}

// windowWidth returns the width in columns of the terminal w writes to.
func windowWidth(w io.Writer) (int, bool) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(f) {
		return 0, false
	}
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	if err != nil || ws.Col == 0 {
		return 0, false
	}
	return int(ws.Col), true
}
