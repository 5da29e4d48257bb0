package engine

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/sandbox"
)

// verdictFrom turns a sandbox result into the verdict of engine engineName
// for program p (used by both engines). A Go panic (stderr holding
// "panic: " followed by a goroutine trace, exit status 2) is reported as
// Panicked with its message and the first frame of the trace that lies in
// the program's Markdown file.
func verdictFrom(res *sandbox.Result, p *lessons.Program, engineName string) *Verdict {
	v := &Verdict{
		Engine:          engineName,
		ExitCode:        res.ExitCode,
		Signal:          res.Signal,
		Stdout:          res.Stdout,
		Stderr:          res.Stderr,
		StdoutTruncated: res.StdoutTruncated,
		StderrTruncated: res.StderrTruncated,
		Duration:        res.Duration,
	}
	msg, pos, panicked := parsePanic(res.Stderr, p)
	switch {
	case res.Stopped:
		v.End = Stopped
	case res.LimitHit != "":
		v.End, v.Limit = LimitHit, res.LimitHit
		v.Message = "resource limit hit: " + res.LimitHit
	case res.TimedOut:
		v.End = TimedOut
	case panicked && res.ExitCode == 2:
		v.End, v.Panic, v.PanicPos = Panicked, msg, pos
	case res.Signal != "":
		v.End = Signaled
	default:
		v.End = Exited
	}
	return v
}

// parsePanic finds a Go panic in stderr: the message after the first
// "panic: " at the start of a line, up to the goroutine trace, and the
// first frame of the trace in p's Markdown file.
func parsePanic(stderr []byte, p *lessons.Program) (msg string, pos lessons.Pos, ok bool) {
	i := -1
	if bytes.HasPrefix(stderr, []byte("panic: ")) {
		i = 0
	} else if j := bytes.Index(stderr, []byte("\npanic: ")); j >= 0 {
		i = j + 1
	}
	if i < 0 {
		return "", pos, false
	}
	rest := string(stderr[i+len("panic: "):])
	end := strings.Index(rest, "\n\ngoroutine ")
	if end < 0 {
		return "", pos, false
	}
	msg, trace := rest[:end], rest[end+2:]
	if j := strings.Index(msg, "\n[signal "); j >= 0 {
		msg = msg[:j]
	}
	for _, suffix := range []string{" [recovered, repanicked]", " [recovered]"} {
		msg = strings.TrimSuffix(msg, suffix)
	}
	if p == nil {
		return msg, pos, true
	}
	for line := range strings.SplitSeq(trace, "\n") {
		if !strings.HasPrefix(line, "\t") {
			continue
		}
		loc, _, _ := strings.Cut(strings.TrimPrefix(line, "\t"), " ")
		colon := strings.LastIndexByte(loc, ':')
		if colon < 0 {
			continue
		}
		file, num := loc[:colon], loc[colon+1:]
		n, err := strconv.Atoi(num)
		if err != nil || !sameFile(file, p.File) {
			continue
		}
		return msg, lessons.Pos{File: p.File, Line: n}, true
	}
	return msg, pos, true
}

// sameFile reports whether file, as printed by the compiler or the runtime,
// names the Markdown document md.
func sameFile(file, md string) bool {
	return md != "" && (file == md || strings.HasSuffix(file, "/"+strings.TrimPrefix(md, "./")))
}

// markCap records in v the output cap in force (max, or the sandbox's
// default) when some of v's output was cut at it.
func markCap(v *Verdict, max int64) {
	if !v.StdoutTruncated && !v.StderrTruncated {
		return
	}
	if max <= 0 {
		max = sandbox.DefaultMaxOutput
	}
	v.OutputCap = max
}
