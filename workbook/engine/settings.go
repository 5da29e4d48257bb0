package engine

import "github.com/ppworkbook/workbook/lessons"

// NewRequest is the request that runs p with the settings s, which come
// from lessons.Resolve: the one way a program's, its page's and the command
// line's settings reach an engine.
func NewRequest(p *lessons.Program, s lessons.Settings) Request {
	return Request{Program: p, Engine: s.Engine, Timeout: s.Timeout, CompileOnly: s.CompileOnly()}
}
