package engine

import (
	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/sandbox"
)

// NewRequest is the request that runs p with the settings s, which come
// from lessons.Resolve: the one way a program's, its page's and the command
// line's settings reach an engine.
func NewRequest(p *lessons.Program, s lessons.Settings) Request {
	return Request{Program: p, Engine: s.Engine, Timeout: s.Timeout, CompileOnly: s.CompileOnly()}
}

// NeedsChild reports whether a run with the settings s may take a
// pre-started sandbox child (Options.Warm), which serves one run. None is
// needed by a skipped program, by a compile-only one that the go command
// builds (auto and compiled engines: it never runs), or by a compiled
// program where the sandbox starts binaries directly.
func NeedsChild(s lessons.Settings) bool {
	switch {
	case s.Mode == lessons.ModeSkip:
		return false
	case s.CompileOnly() && (s.Engine == Auto || s.Engine == Compiled):
		return false
	case s.Engine == Compiled && sandbox.DirectStart():
		return false
	}
	return true
}
