package learn

import (
	"go/scanner"
	"go/token"
	"strings"
)

// ANSI styles of the token classes.
const (
	styleKeyword = "\x1b[1;35m" // bold magenta
	styleString  = "\x1b[33m"   // yellow
	styleComment = "\x1b[2;3m"  // faint italic
	styleNumber  = "\x1b[36m"   // cyan
	styleCall    = "\x1b[34m"   // blue: a name before "("
	styleReset   = "\x1b[0m"
)

// highlightGo colours the Go source src (which may be a fragment: the
// scanner does not need a whole file) for a terminal and returns its
// lines. It uses the standard library's Go scanner, not a highlighting
// library: chroma's lexer and style registries take about 50 ms to
// initialise at every start of the binary, the sandbox children's included
// (docs/performance.md), and Go needs no more than its scanner.
func highlightGo(src string) []string {
	fset := token.NewFileSet()
	file := fset.AddFile("", fset.Base(), len(src))
	var s scanner.Scanner
	s.Init(file, []byte(src), func(token.Position, string) {}, scanner.ScanComments)
	type span struct {
		from, to int
		style    string
	}
	var spans []span
	prevIdent := -1 // the span index of an identifier just seen
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		off := file.Offset(pos)
		n := len(lit)
		if lit == "" || (tok == token.SEMICOLON && lit == "\n") {
			n = len(tok.String())
		}
		if tok == token.SEMICOLON && lit == "\n" {
			continue
		}
		style := ""
		switch {
		case tok.IsKeyword():
			style = styleKeyword
		case tok == token.STRING || tok == token.CHAR:
			style = styleString
		case tok == token.COMMENT:
			style = styleComment
		case tok == token.INT || tok == token.FLOAT || tok == token.IMAG:
			style = styleNumber
		case tok == token.LPAREN && prevIdent >= 0:
			spans[prevIdent].style = styleCall
		}
		prevIdent = -1
		if tok == token.IDENT {
			spans = append(spans, span{off, off + n, ""})
			prevIdent = len(spans) - 1
			continue
		}
		if style != "" && off+n <= len(src) {
			spans = append(spans, span{off, off + n, style})
		}
	}
	var b strings.Builder
	at := 0
	for _, sp := range spans {
		if sp.style == "" || sp.from < at {
			continue
		}
		b.WriteString(src[at:sp.from])
		// A style never spans a line break: each line stands alone.
		for i, part := range strings.Split(src[sp.from:sp.to], "\n") {
			if i > 0 {
				b.WriteByte('\n')
			}
			if part != "" {
				b.WriteString(sp.style + part + styleReset)
			}
		}
		at = sp.to
	}
	b.WriteString(src[at:])
	return strings.Split(b.String(), "\n")
}
