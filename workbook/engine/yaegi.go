package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/sandbox"
)

// yaegi interprets a.source (the program after the gap analysis'
// rewrites) in a sandbox child, from the pool when there is one.
func (x *run) yaegi(ctx context.Context, req Request, a analysis) *Verdict {
	p := req.Program
	if a.err != nil {
		return &Verdict{Engine: Yaegi, End: BuildFailed, Diagnostics: a.err, Message: "the program does not parse"}
	}
	if len(a.missing) > 0 {
		// yaegi's own message would be about GOPATH and sources.
		return &Verdict{Engine: Yaegi, End: BuildFailed, Diagnostics: a.missing, Message: "an imported package has no symbol table"}
	}
	body, err := json.Marshal(yaegiRequest{Source: a.source, Imports: a.imports, CompileOnly: req.CompileOnly})
	if err != nil {
		return &Verdict{Engine: Yaegi, End: EngineError, Message: err.Error()}
	}
	spec := sandbox.Spec{
		Payload:   yaegiPayload,
		Request:   body,
		Timeout:   req.Timeout,
		Limits:    x.opts.Limits,
		MaxOutput: x.opts.MaxOutput,
		Stdout:    req.Stdout,
		Seen:      req.Seen,
		Hide:      x.opts.Sandbox.Hide,
		Strict:    x.opts.Sandbox.Strict,
	}
	spec.DocDir, spec.Offline = runPlace(p, req.Dir)
	var filter *reportFilter
	if req.Stderr != nil {
		filter = &reportFilter{w: req.Stderr}
		spec.Stderr = filter
	}
	if p.Stdin != nil {
		spec.Stdin = []byte(*p.Stdin)
	}
	var res *sandbox.Result
	if x.pool != nil {
		res, err = x.pool.Run(ctx, spec)
	} else {
		res, err = sandbox.Run(ctx, spec)
	}
	if filter != nil {
		filter.flush()
	}
	if res == nil {
		msg := "sandbox failed"
		if err != nil {
			msg = err.Error()
		}
		return &Verdict{Engine: Yaegi, End: EngineError, Message: msg}
	}
	v := yaegiVerdict(res, p, req.CompileOnly)
	markCap(v, x.opts.MaxOutput)
	return v
}

// yaegiVerdict reads the payload's report, if any, out of res and turns
// the rest into a verdict like the compiled engine's.
func yaegiVerdict(res *sandbox.Result, p *lessons.Program, compileOnly bool) *Verdict {
	kind, lines, stderr := splitReport(res.Stderr)
	res.Stderr = stderr
	if kind == "" || res.TimedOut || res.Stopped || res.LimitHit != "" {
		v := verdictFrom(res, p, Yaegi)
		// A goroutine's panic crashes the child with yaegi's re-panic.
		v.Panic = strings.TrimSuffix(v.Panic, " [recovered, repanicked]")
		if compileOnly && v.End == Exited && v.ExitCode == 0 {
			v.End = Built
		}
		return v
	}
	v := &Verdict{Engine: Yaegi, Stdout: res.Stdout, Stderr: stderr, Duration: res.Duration, ExitCode: res.ExitCode,
		StdoutTruncated: res.StdoutTruncated, StderrTruncated: res.StderrTruncated}
	switch kind {
	case reportBuilt:
		v.End = Built
	case reportBuild:
		v.End, v.Message = BuildFailed, "the program does not compile"
		internal := false
		for _, l := range lines {
			d, ok := diagnostic(l, p)
			v.Diagnostics = append(v.Diagnostics, d)
			internal = internal || !ok
		}
		if internal {
			// Positions outside the program: yaegi tripped over its
			// own sources (generic library code), not over the program.
			v.End, v.Message = EngineError, "yaegi failed on its own sources: "+strings.Join(lines, "; ")
			v.Diagnostics = nil
		}
	default:
		v.End, v.Message = EngineError, strings.Join(lines, "\n")
	}
	return v
}

// splitReport cuts the payload's report off the end of stderr.
func splitReport(stderr []byte) (kind string, lines []string, rest []byte) {
	marker := []byte("\n" + reportPrefix)
	i := bytes.Index(stderr, marker)
	if i < 0 {
		return "", nil, stderr
	}
	body := string(stderr[i+len(marker):])
	kind, body, _ = strings.Cut(body, "\n")
	for _, l := range strings.Split(body, "\n") {
		if strings.HasPrefix(l, "\t") && len(lines) > 0 {
			lines[len(lines)-1] += "\n" + l[1:]
			continue
		}
		if l != "" {
			lines = append(lines, l)
		}
	}
	return kind, lines, stderr[:i]
}

// yaegiPos matches a position yaegi puts before a message: "file:12:3: " (the column is absent under a //line directive).
var yaegiPos = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(.+?):(\d+)(?::\d+)?: (.*)$`) })

// bareLinePos matches a position without a file name: "12:3: ".
var bareLinePos = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(\d+):\d+: (.*)$`) })

// diagnostic turns one yaegi error line into a Diagnostic at a Markdown
// line; ok is false when the position is not in the program.
func diagnostic(line string, p *lessons.Program) (Diagnostic, bool) {
	if m := bareLinePos().FindStringSubmatch(line); m != nil {
		// yaegi drops its default file name "_.go": a line of the
		// assembled source, before any //line directive.
		n, _ := strconv.Atoi(m[1])
		var pos lessons.Pos
		if p != nil {
			pos, _ = p.Map.Lookup(n)
		}
		return Diagnostic{Pos: pos, Msg: m[2]}, true
	}
	m := yaegiPos().FindStringSubmatch(line)
	if m == nil {
		return Diagnostic{Msg: line}, true
	}
	n, _ := strconv.Atoi(m[2])
	msg := m[3]
	switch {
	case p == nil:
		return Diagnostic{Msg: msg}, true
	case sameFile(m[1], p.File):
		return Diagnostic{Pos: lessons.Pos{File: p.File, Line: n}, Msg: msg}, true
	case m[1] == "_.go" || m[1] == "":
		// No //line directive in force: a line of the assembled source.
		pos, _ := p.Map.Lookup(n)
		return Diagnostic{Pos: pos, Msg: msg}, true
	}
	return Diagnostic{Msg: line}, false
}

// reportFilter passes a live stderr stream through, minus the payload's
// report at its end.
type reportFilter struct {
	w       io.Writer
	mu      sync.Mutex
	pending []byte
	done    bool
}

func (f *reportFilter) Write(b []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done {
		return len(b), nil
	}
	f.pending = append(f.pending, b...)
	marker := []byte("\n" + reportPrefix)
	if i := bytes.Index(f.pending, marker); i >= 0 {
		f.done = true
		_, err := f.w.Write(f.pending[:i])
		f.pending = nil
		return len(b), err
	}
	// Hold back a tail that could be the start of the marker.
	keep := 0
	for k := min(len(marker)-1, len(f.pending)); k > 0; k-- {
		if bytes.HasSuffix(f.pending, marker[:k]) {
			keep = k
			break
		}
	}
	out := f.pending[:len(f.pending)-keep]
	_, err := f.w.Write(out)
	f.pending = append([]byte(nil), f.pending[len(f.pending)-keep:]...)
	return len(b), err
}

func (f *reportFilter) flush() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.done && len(f.pending) > 0 {
		f.w.Write(f.pending)
	}
	f.pending = nil
}
