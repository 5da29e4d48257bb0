package sandbox

import (
	"bytes"
	"os"
	"syscall"
	"time"
)

// limitHit says which resource limit, if any, ended the run: from the
// signal (SIGXCPU, SIGXFSZ), the CPU time used, or the messages the Go
// runtime (compiled programs and the interpreter alike) prints when a
// limit refuses it something.
func limitHit(res *Result, ws syscall.WaitStatus, ps *os.ProcessState, l Limits, stderrTail []byte) string {
	if ws.Signaled() {
		switch ws.Signal() {
		case syscall.SIGXCPU:
			return "cpu"
		case syscall.SIGXFSZ:
			return "file-size"
		}
	}
	if ps != nil && l.CPUSeconds > 0 && ps.UserTime()+ps.SystemTime() >= time.Duration(l.CPUSeconds)*time.Second {
		return "cpu"
	}
	if !ws.Signaled() && ws.ExitStatus() == 0 {
		return ""
	}
	if res.TimedOut || res.Stopped {
		return ""
	}
	// The runtime's message comes first, then a goroutine dump that may
	// be long: look at the captured start of stderr and at its very end.
	tail := bytes.ToLower(append(append([]byte(nil), res.Stderr...), stderrTail...))
	switch {
	case bytes.Contains(tail, []byte("out of memory")), bytes.Contains(tail, []byte("cannot allocate memory")),
		bytes.Contains(tail, []byte("failed to allocate")):
		return "memory"
	case bytes.Contains(tail, []byte("file too large")), bytes.Contains(tail, []byte("file size limit exceeded")):
		return "file-size"
	case bytes.Contains(tail, []byte("too many open files")):
		return "open-files"
	case bytes.Contains(tail, []byte("failed to create new os thread")),
		bytes.Contains(tail, []byte("fork/exec")) && bytes.Contains(tail, []byte("resource temporarily unavailable")):
		return "processes"
	}
	return ""
}
