package lessons

import (
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"strings"
)

// unitKind classifies a unit of Go code (see "Inference" in the spec).
type unitKind int

const (
	unitDecls      unitKind = iota // declarations only: helpers
	unitMain                       // declarations including func main: a root
	unitStmts                      // statements: wrapped in func main, a root
	unitFile                       // has a package clause: a whole file, a root
	unitFileHelper                 // a whole file without func main: helpers
)

// unit is one or more consecutive Go blocks whose braces balance together.
type unit struct {
	blocks   []*fence
	kind     unitKind
	mainLine int // roots: the opening fence of the block holding main

	// Facts from analyze.
	names    []string        // top-level names it declares (receiver types for methods)
	refs     map[string]bool // identifiers it mentions (not selected fields)
	defs     map[string]bool // statements: names defined at the top level
	free     []string        // statements: names used but not declared
	short    [][]string      // statements: the names left of each top-level :=
	declared []string        // statements: names a top-level var, const or type declares
	decls    []decl          // declarations that a later one can replace
	fragment string          // why it cannot be completed; "" when it can
	elision  int             // the Markdown line of a "// ..." comment standing for code, or 0
	tests    bool            // declares Test, Benchmark or Fuzz functions: run with go test
	pkg      string          // whole files: the package clause's name
	failCue  FailKind        // a trailing comment says a line fails ("// does not compile")
	failLine int             // the Markdown line of that comment
}

func (u *unit) root() bool {
	switch u.kind {
	case unitStmts, unitMain:
		return true
	case unitFile:
		// A file of package main has main; another package's file
		// is a root unless it only holds tests.
		return u.pkg == "main" || !u.tests
	}
	return false
}

func (u *unit) line() int { return u.blocks[0].Line }

// splitUnits groups blocks into units: a block whose braces do not balance
// continues into the next one, until they do, or until a block that starts
// with a declaration only allowed at the top level of a file.
func splitUnits(blocks []*fence) []*unit {
	var out []*unit
	var cur *unit
	depth := 0
	for _, b := range blocks {
		if cur != nil && topLevelOnly(b.Code) {
			// A function body left open cannot continue into a
			// package clause, an import or a named function: the
			// earlier block lacks a brace (the compiler says so), and
			// this block starts a unit of its own.
			out = append(out, cur)
			cur, depth = nil, 0
		}
		if cur == nil {
			cur = &unit{}
		}
		cur.blocks = append(cur.blocks, b)
		depth += braceBalance(b.Code)
		if depth <= 0 {
			out = append(out, cur)
			cur, depth = nil, 0
		}
	}
	if cur != nil {
		out = append(out, cur)
	}
	for _, u := range out {
		u.classify()
		u.analyze()
	}
	return out
}

// braceBalance counts { minus } on Go tokens, so that braces in strings and
// comments do not count.
func braceBalance(code string) int {
	var s scanner.Scanner
	fset := token.NewFileSet()
	src := []byte(code)
	s.Init(fset.AddFile("", -1, len(src)), src, func(token.Position, string) {}, scanner.ScanComments)
	n := 0
	for {
		_, tok, lit := s.Scan()
		switch tok {
		case token.EOF:
			return n
		case token.LBRACE:
			n++
		case token.RBRACE:
			n--
		case token.COMMENT:
			// "func f() error { // ... }": the comment stands for the
			// body, and the brace it swallows closes it.
			if strings.HasPrefix(lit, "//") && elisionComment(lit) {
				t := strings.TrimRight(lit, " \t")
				for strings.HasSuffix(t, "}") {
					n--
					t = strings.TrimRight(t[:len(t)-1], " \t")
				}
			}
		}
	}
}

// topLevelOnly reports whether code starts with what Go allows only at the
// top level of a file: a package clause, an import declaration or a named
// function (func NAME; func literals and methods are not counted).
func topLevelOnly(code string) bool {
	t1, t2, _ := firstTokens(code)
	return t1 == token.PACKAGE || t1 == token.IMPORT || (t1 == token.FUNC && t2 == token.IDENT)
}

// firstTokens returns the first two tokens of code, comments skipped.
func firstTokens(code string) (token.Token, token.Token, string) {
	var s scanner.Scanner
	fset := token.NewFileSet()
	src := []byte(code)
	s.Init(fset.AddFile("", -1, len(src)), src, func(token.Position, string) {}, 0)
	_, t1, _ := s.Scan()
	_, t2, lit := s.Scan()
	return t1, t2, lit
}

const pkgMain = "package main\n"

// classify sets the unit's kind and, for roots, where main is.
func (u *unit) classify() {
	var b strings.Builder
	for _, f := range u.blocks {
		b.WriteString(f.Code)
	}
	code := b.String()
	u.mainLine = u.line()
	t1, t2, lit := firstTokens(code)
	if t1 == token.PACKAGE {
		u.kind = unitFile
		// A file without func main (worker.go next to main.go) holds
		// helpers; its package clause is dropped when it is stitched.
		f, err := parser.ParseFile(token.NewFileSet(), "", code, parser.SkipObjectResolution)
		if err == nil {
			u.pkg = f.Name.Name
		}
		if err == nil && f.Name.Name == "main" {
			u.kind = unitFileHelper
			for _, d := range f.Decls {
				if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && fn.Name.Name == "main" {
					u.kind = unitFile
				}
			}
		}
		return
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", pkgMain+code, parser.SkipObjectResolution)
	if err != nil {
		// Not a valid file: statements, unless it plainly starts with a
		// declaration that only statements cannot hold.
		switch {
		case t1 == token.FUNC && t2 == token.IDENT && lit == "main":
			u.kind = unitMain
		case t1 == token.FUNC && t2 == token.IDENT, t1 == token.TYPE, t1 == token.IMPORT:
			u.kind = unitDecls
		default:
			u.kind = unitStmts
		}
		return
	}
	u.kind = unitDecls
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && fn.Name.Name == "main" {
			u.kind = unitMain
			off := fset.Position(fn.Pos()).Offset - len(pkgMain)
			for _, blk := range u.blocks {
				if off < len(blk.Code) {
					u.mainLine = blk.Line
					break
				}
				off -= len(blk.Code)
			}
		}
	}
}
