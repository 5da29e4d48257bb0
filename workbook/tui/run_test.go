//go:build linux

package tui

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// panicky is the workbook's model with an internal error on "!".
type panicky struct{ *Model }

func (p panicky) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok && k.String() == "!" {
		panic("an internal error")
	}
	_, cmd := p.Model.Update(msg)
	return p, cmd
}

// TestTerminalRestoredAfterInternalError: a panic inside the interface
// ends it with an error, the terminal back as it was (its modes, the
// normal screen, the cursor shown).
func TestTerminalRestoredAfterInternalError(t *testing.T) {
	wb, _ := setup(t, false)
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	defer tty.Close()
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 24, Cols: 80}); err != nil {
		t.Fatal(err)
	}
	before, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	read := make(chan struct{})
	shown := make(chan struct{}, 1)
	go func() {
		defer close(read)
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			out.Write(buf[:n])
			if strings.Contains(out.String(), "quit") {
				select {
				case shown <- struct{}{}:
				default:
				}
			}
			if err != nil {
				return
			}
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m := New(ctx, wb, Options{Output: tty})
	defer m.stop()
	done := make(chan error, 1)
	// The output is the terminal behind a plain writer: bubbletea then
	// starts no goroutine of its own on it (window size) that could
	// outlive the program and race with the test closing the terminal.
	go func() { done <- runProgram(ctx, panicky{m}, tty, writerOnly{tty}) }()
	<-shown
	if _, err := ptmx.WriteString("!"); err != nil {
		t.Fatal(err)
	}
	err = <-done
	if err == nil || !strings.Contains(err.Error(), "panic") {
		t.Errorf("the interface's error: %v, want one saying it panicked", err)
	}
	after, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if after.Lflag != before.Lflag || after.Iflag != before.Iflag || after.Oflag != before.Oflag {
		t.Errorf("terminal modes not restored: lflag %#x -> %#x, iflag %#x -> %#x", before.Lflag, after.Lflag, before.Iflag, after.Iflag)
	}
	tty.Close()
	<-read
	if s := out.String(); !strings.Contains(s, "\x1b[?1049l") || !strings.Contains(s, "\x1b[?25h") {
		t.Errorf("the normal screen and the cursor were not given back: %q", s[max(len(s)-200, 0):])
	}
}

// writerOnly hides everything of a writer but Write.
type writerOnly struct{ w io.Writer }

func (w writerOnly) Write(b []byte) (int, error) { return w.w.Write(b) }
