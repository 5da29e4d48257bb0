package engine

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/sandbox"
)

func TestVerdictFrom(t *testing.T) {
	p := &lessons.Program{File: "content/lesson.md"}
	goroutinePanic := "panic: boom\n\tline2\n\ngoroutine 7 [running]:\nmain.main.func1()\n\t/tmp/workbook-build-1/main.go:3 +0x39\nmain.helper()\n\tcontent/lesson.md:16 +0x39\ncreated by main.main in goroutine 1\n\tcontent/lesson.md:12 +0xa8\n"
	nilPanic := "output first\npanic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x47b1a2]\n\ngoroutine 1 [running]:\nmain.main()\n\t/abs/content/lesson.md:40 +0x12\nexit status 2\n"
	yaegiPanic := "panic: bad\n\ngoroutine 1 [running]:\nmain.main()\n\tcontent/lesson.md:9 +0x0\n"
	tests := []struct {
		name  string
		res   sandbox.Result
		want  End
		check func(t *testing.T, v *Verdict)
	}{
		{"exited", sandbox.Result{ExitCode: 3, Stdout: []byte("o"), Duration: time.Second}, Exited, func(t *testing.T, v *Verdict) {
			if v.ExitCode != 3 || string(v.Stdout) != "o" || v.Duration != time.Second || v.Engine != Compiled {
				t.Errorf("%+v", v)
			}
		}},
		{"signaled", sandbox.Result{ExitCode: -1, Signal: "killed"}, Signaled, func(t *testing.T, v *Verdict) {
			if v.Signal != "killed" || v.ExitCode != -1 {
				t.Errorf("%+v", v)
			}
		}},
		{"timeout wins over signal", sandbox.Result{ExitCode: -1, Signal: "killed", TimedOut: true}, TimedOut, nil},
		{"stopped", sandbox.Result{ExitCode: 2, Stopped: true, Stderr: []byte(yaegiPanic)}, Stopped, nil},
		{"limit", sandbox.Result{ExitCode: 2, LimitHit: "memory", StdoutTruncated: true}, LimitHit, func(t *testing.T, v *Verdict) {
			if v.Limit != "memory" || !v.StdoutTruncated {
				t.Errorf("%+v", v)
			}
		}},
		{"goroutine panic", sandbox.Result{ExitCode: 2, Stderr: []byte(goroutinePanic)}, Panicked, func(t *testing.T, v *Verdict) {
			if v.Panic != "boom\n\tline2" || v.PanicPos != (lessons.Pos{File: "content/lesson.md", Line: 16}) {
				t.Errorf("panic %q at %+v", v.Panic, v.PanicPos)
			}
		}},
		{"nil dereference", sandbox.Result{ExitCode: 2, Stderr: []byte(nilPanic)}, Panicked, func(t *testing.T, v *Verdict) {
			if v.Panic != "runtime error: invalid memory address or nil pointer dereference" || v.PanicPos.Line != 40 {
				t.Errorf("panic %q at %+v", v.Panic, v.PanicPos)
			}
		}},
		{"interpreter panic", sandbox.Result{ExitCode: 2, Stderr: []byte(yaegiPanic)}, Panicked, func(t *testing.T, v *Verdict) {
			if v.Panic != "bad" || v.PanicPos.Line != 9 {
				t.Errorf("panic %q at %+v", v.Panic, v.PanicPos)
			}
		}},
		{"panic text without trace", sandbox.Result{ExitCode: 2, Stderr: []byte("panic: not really\n")}, Exited, nil},
		{"panic trace with exit 1", sandbox.Result{ExitCode: 1, Stderr: []byte(yaegiPanic)}, Exited, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := verdictFrom(&tt.res, p, Compiled)
			if v.End != tt.want {
				t.Fatalf("End = %s, want %s (%s)", v.End, tt.want, verdictSummary(v))
			}
			if tt.check != nil {
				tt.check(t, v)
			}
		})
	}
}

// verdictSummary is a one-line description of v, for test failures and logs.
func verdictSummary(v *Verdict) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s end=%s exit=%d", v.Engine, v.End, v.ExitCode)
	if v.Signal != "" {
		fmt.Fprintf(&b, " signal=%s", v.Signal)
	}
	if v.Limit != "" {
		fmt.Fprintf(&b, " limit=%s", v.Limit)
	}
	if v.Panic != "" {
		fmt.Fprintf(&b, " panic=%q at %s:%d", v.Panic, v.PanicPos.File, v.PanicPos.Line)
	}
	if v.Message != "" {
		fmt.Fprintf(&b, " msg=%q", v.Message)
	}
	return b.String()
}
