package check

import (
	"fmt"
	"strings"

	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/engine"
	"github.com/ppworkbook/workbook/workbook/term"
)

// Accept returns the function the engine uses to ask whether a verdict of
// p meets its document's expectations (engine.Request.Accept): under the
// auto engine, a yaegi verdict it rejects is decided again by the
// compiled engine. The requires= names are not asked about: they are
// checked in the source, and no engine changes that outcome.
func Accept(p *lessons.Program) func(*engine.Verdict) bool {
	q := *p
	q.Expect.Requires = nil
	return func(v *engine.Verdict) bool {
		if q.Mode == lessons.ModeSkip {
			return true
		}
		return v != nil && checkOne(&q, v, term.NewPalette(false), Options{}).Pass
	}
}

// Passes reports whether v meets every expectation of p's document,
// requires= included (Check's verdict without the report).
func Passes(p *lessons.Program, v *engine.Verdict) bool {
	return p.Mode == lessons.ModeSkip || (v != nil && checkOne(p, v, term.NewPalette(false), Options{}).Pass)
}

// annotate adds to r what its reason must say whatever the outcome: that
// the output was cut at the cap, and that yaegi disagreed with the
// compiled engine whose verdict stands.
func annotate(r Result, v *engine.Verdict) Result {
	if v.YaegiDisagreed != "" && r.YaegiDisagreed == "" {
		r.YaegiDisagreed = v.YaegiDisagreed
		r.Message += "; yaegi disagreed (" + v.YaegiDisagreed + "), the compiled verdict stands"
	}
	cut := v
	if r.Engine != "" && v.Other != nil && r.Engine == v.Other.Engine {
		cut = v.Other
	}
	if note := outputCut(cut); note != "" {
		r.OutputCut = note
		if !strings.Contains(r.Message, "the rest was discarded") {
			r.Message += "; " + note + ", the rest was discarded"
		}
	}
	return r
}

// outputCut names the streams of v that were cut at the output cap, with
// the cap: "stdout cut at 1 MiB", or "".
func outputCut(v *engine.Verdict) string {
	var streams []string
	if v.StdoutTruncated {
		streams = append(streams, "stdout")
	}
	if v.StderrTruncated {
		streams = append(streams, "stderr")
	}
	if len(streams) == 0 {
		return ""
	}
	note := strings.Join(streams, " and ") + " cut"
	if v.OutputCap > 0 {
		note += fmt.Sprintf(" at %s", byteSize(int(v.OutputCap)))
	}
	return note
}
