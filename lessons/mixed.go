package lessons

import (
	"go/parser"
	"go/scanner"
	"go/token"
	"strings"
)

// splitMixed splits a Go block that holds both declarations only the top
// level allows (import, func NAME, a method) and statements (import
// "fmt", a helper, then the calls), and that therefore parses neither as
// a file nor as the body of main, into consecutive blocks of declarations
// and of statements, each of which parses: the declarations go to the top
// level, the statements into main. Other blocks are returned as they are.
func splitMixed(f *fence) []*fence {
	code := f.Code
	if _, err := parser.ParseFile(token.NewFileSet(), "", pkgMain+code, parser.SkipObjectResolution); err == nil {
		return []*fence{f}
	}
	if _, err := parser.ParseFile(token.NewFileSet(), "", wrapHead+code+wrapTail, parser.SkipObjectResolution); err == nil {
		return []*fence{f}
	}
	if t1, _, _ := firstTokens(code); t1 == token.PACKAGE {
		return []*fence{f}
	}
	starts := topLevelStarts(code) // 0-based line -> starts a declaration
	if len(starts) == 0 {
		return []*fence{f}
	}
	lines := strings.SplitAfter(code, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	// Each line belongs to the item started by the last line-start token
	// at depth 0 before it.
	type seg struct {
		decl        bool
		first, last int
	}
	var segs []seg
	seenStmt := false
	pending := 0 // the first line not yet in a segment (comments before the first item)
	for i := range lines {
		start, ok := starts[i]
		if !ok {
			if len(segs) > 0 {
				segs[len(segs)-1].last = i
			}
			continue
		}
		if start == startVar {
			start = startDecl
			if seenStmt {
				start = startStmt
			}
		}
		decl := start == startDecl
		seenStmt = seenStmt || !decl
		if len(segs) > 0 && segs[len(segs)-1].decl == decl {
			segs[len(segs)-1].last = i
			continue
		}
		first := i
		if len(segs) == 0 {
			first = pending
		}
		segs = append(segs, seg{decl: decl, first: first, last: i})
	}
	var decls, stmts strings.Builder
	hasDecl, hasStmt := false, false
	for _, s := range segs {
		text := strings.Join(lines[s.first:s.last+1], "")
		if strings.TrimSpace(text) == "" {
			continue
		}
		if s.decl {
			decls.WriteString(text)
			hasDecl = true
		} else {
			stmts.WriteString(text)
			hasStmt = hasStmt || strings.TrimSpace(stripComments(text)) != ""
		}
	}
	if !hasDecl || !hasStmt {
		return []*fence{f}
	}
	if _, err := parser.ParseFile(token.NewFileSet(), "", pkgMain+decls.String(), parser.SkipObjectResolution); err != nil {
		return []*fence{f}
	}
	if _, err := parser.ParseFile(token.NewFileSet(), "", wrapHead+stmts.String()+wrapTail, parser.SkipObjectResolution); err != nil {
		return []*fence{f}
	}
	var out []*fence
	for _, s := range segs {
		text := strings.Join(lines[s.first:s.last+1], "")
		if strings.TrimSpace(text) == "" && len(out) > 0 {
			continue
		}
		sub := *f
		sub.Code = text
		sub.BodyLine = f.BodyLine + s.first
		sub.whole = f
		out = append(out, &sub)
	}
	return out
}

// stripComments removes the comments of Go code.
func stripComments(code string) string {
	var s scanner.Scanner
	fset := token.NewFileSet()
	src := []byte(code)
	s.Init(fset.AddFile("", -1, len(src)), src, func(token.Position, string) {}, 0)
	var b strings.Builder
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			return b.String()
		}
		if lit == "" {
			lit = tok.String()
		}
		b.WriteString(lit + " ")
	}
}

// What a line starting at depth 0 starts.
const (
	startStmt = iota // a statement
	startDecl        // import, type, func NAME or a method
	startVar         // var or const: a declaration before any statement, a statement after one
)

// topLevelStarts returns the 0-based lines of code that start, at depth 0,
// with a token: true for what only the top level allows or a var, const or
// type declaration (import, func NAME, a method, var, const, type), false
// for a statement.
func topLevelStarts(code string) map[int]int {
	var s scanner.Scanner
	fset := token.NewFileSet()
	src := []byte(code)
	s.Init(fset.AddFile("", -1, len(src)), src, func(token.Position, string) {}, 0)
	type tk struct {
		tok  token.Token
		line int
	}
	var toks []tk
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		if tok == token.SEMICOLON && lit == "\n" {
			continue
		}
		toks = append(toks, tk{tok, fset.Position(pos).Line - 1})
	}
	out := map[int]int{}
	depth := 0
	onlyTop := false
	prevLine := -1
	for i, t := range toks {
		if depth == 0 && t.line != prevLine {
			decl := false
			switch t.tok {
			case token.IMPORT, token.TYPE:
				decl = true
			case token.VAR, token.CONST:
				out[t.line] = startVar
				prevLine = t.line
				continue
			case token.FUNC:
				if i+1 < len(toks) && toks[i+1].tok == token.IDENT {
					decl = true
				} else if i+1 < len(toks) && toks[i+1].tok == token.LPAREN {
					// A method: func (r T) Name(...
					d := 0
					for j := i + 1; j < len(toks); j++ {
						if toks[j].tok == token.LPAREN {
							d++
						} else if toks[j].tok == token.RPAREN {
							d--
							if d == 0 {
								decl = j+1 < len(toks) && toks[j+1].tok == token.IDENT
								break
							}
						}
					}
				}
			}
			if decl && (t.tok == token.IMPORT || t.tok == token.FUNC) {
				onlyTop = true
			}
			out[t.line] = startStmt
			if decl {
				out[t.line] = startDecl
			}
		}
		prevLine = t.line
		switch t.tok {
		case token.LBRACE, token.LPAREN, token.LBRACK:
			depth++
		case token.RBRACE, token.RPAREN, token.RBRACK:
			depth--
		}
	}
	if !onlyTop {
		return nil
	}
	return out
}
