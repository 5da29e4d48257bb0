package lessons

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// The syntax facts inference needs about a unit, computed once.

// wrapHead and wrapTail turn statements into a file for parsing.
const (
	wrapHead = "package main\nfunc main() {\n"
	wrapTail = "\n}\n"
)

// decl is one top-level declaration of a unit, as a range of the unit's
// code that can be cut out when a later unit of the same program declares
// the same thing again.
type decl struct {
	keys       []string // "f", "T", "T.M" (a method); every name of a grouped declaration
	start, end int      // byte range in the unit's code, whole lines
}

// code returns the unit's text: its blocks joined.
func (u *unit) code() string {
	var b strings.Builder
	for _, f := range u.blocks {
		b.WriteString(f.Code)
	}
	return b.String()
}

// mdLine returns the Markdown line of a byte offset in the unit's code.
func (u *unit) mdLine(off int) int {
	for _, f := range u.blocks {
		if off < len(f.Code) || f == u.blocks[len(u.blocks)-1] {
			return f.BodyLine + strings.Count(f.Code[:max(0, min(off, len(f.Code)))], "\n")
		}
		off -= len(f.Code)
	}
	return u.line()
}

// analyze fills the unit's names, references, top-level definitions,
// free names, declarations and, for snippets that cannot be completed,
// why they are fragments.
func (u *unit) analyze() {
	code := u.code()
	u.refs = map[string]bool{}
	u.defs = map[string]bool{}
	prefix := pkgMain
	switch u.kind {
	case unitStmts:
		prefix = wrapHead
	case unitFile, unitFileHelper:
		prefix = ""
	}
	src := prefix + code
	if u.kind == unitStmts {
		src += wrapTail
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.ParseComments)
	if err != nil {
		switch {
		case elided(code, err):
			u.fragment = "elides code with \"...\""
		case notGo(code):
			u.fragment = "is not Go code (a shell session or a go.mod file)"
		case !looksLikeGo(code):
			u.fragment = "is not Go (it neither parses as Go nor looks like an excerpt of Go)"
		}
		return
	}
	lines := strings.Split(src, "\n")
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			if elisionComment(c.Text) && u.elision == 0 {
				u.elision = u.mdLine(fset.Position(c.Pos()).Offset - len(prefix))
			}
			// A trailing comment saying the line fails
			// (x := "a" + 1 // does not compile; m["k"] = 1 // panics).
			pos := fset.Position(c.Pos())
			if u.failCue == "" && pos.Line-1 < len(lines) && strings.TrimSpace(lines[pos.Line-1][:pos.Column-1]) != "" {
				if kind, ok := commentFailure(c.Text); ok {
					u.failCue, u.failLine = kind, u.mdLine(pos.Offset-len(prefix))
				}
			}
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			ast.Inspect(n.X, func(m ast.Node) bool {
				if id, ok := m.(*ast.Ident); ok {
					u.refs[id.Name] = true
				}
				return true
			})
			return false
		case *ast.Ident:
			u.refs[n.Name] = true
		}
		return true
	})
	if u.kind == unitStmts {
		u.stmtFacts(f)
		if returnsValue(f.Decls[0].(*ast.FuncDecl).Body) {
			u.fragment = "is part of a function body (it returns a value)"
		}
		return
	}
	for _, d := range f.Decls {
		u.declFacts(fset, f, d, len(prefix), len(code))
	}
}

// stmtFacts records the names a statements unit defines at the top level
// of its body, and the names it uses without declaring them.
func (u *unit) stmtFacts(f *ast.File) {
	body := f.Decls[0].(*ast.FuncDecl).Body
	for _, s := range body.List {
		switch s := s.(type) {
		case *ast.AssignStmt:
			if s.Tok == token.DEFINE {
				var names []string
				for _, l := range s.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
						u.defs[id.Name] = true
						names = append(names, id.Name)
					}
				}
				u.short = append(u.short, names)
			}
		case *ast.DeclStmt:
			if g, ok := s.Decl.(*ast.GenDecl); ok {
				for _, sp := range g.Specs {
					switch sp := sp.(type) {
					case *ast.ValueSpec:
						for _, id := range sp.Names {
							u.defs[id.Name] = true
							u.declared = append(u.declared, id.Name)
						}
					case *ast.TypeSpec:
						u.defs[sp.Name.Name] = true
						u.declared = append(u.declared, sp.Name.Name)
					}
				}
			}
		}
	}
	seen := map[string]bool{}
	for _, id := range f.Unresolved {
		if !seen[id.Name] && types.Universe.Lookup(id.Name) == nil {
			seen[id.Name] = true
			u.free = append(u.free, id.Name)
		}
	}
}

// declFacts records one top-level declaration of a declarations unit.
func (u *unit) declFacts(fset *token.FileSet, f *ast.File, d ast.Decl, prefix, size int) {
	var keys []string
	var doc *ast.CommentGroup
	switch d := d.(type) {
	case *ast.FuncDecl:
		doc = d.Doc
		name := d.Name.Name
		if d.Recv == nil && (testFunc(d) || (u.pkg != "" && u.pkg != "main" && strings.HasPrefix(name, "Example") && d.Type.Params.NumFields() == 0)) {
			// An example in a package that is not main runs with
			// go test, as its tests do.
			u.tests = true
		}
		if d.Body == nil && u.fragment == "" {
			u.fragment = fmt.Sprintf("declares %s without a body (a signature to read)", name)
		}
		if d.Recv != nil && len(d.Recv.List) == 1 {
			if t := ReceiverType(d.Recv.List[0].Type); t != "" {
				u.names = append(u.names, t)
				keys = append(keys, t+"."+name)
			}
		} else if name != "init" && name != "main" && name != "_" {
			u.names = append(u.names, name)
			keys = append(keys, name)
		}
	case *ast.GenDecl:
		doc = d.Doc
		if d.Tok == token.IMPORT {
			return
		}
		for _, sp := range d.Specs {
			switch sp := sp.(type) {
			case *ast.ValueSpec:
				for _, id := range sp.Names {
					if id.Name != "_" {
						u.names = append(u.names, id.Name)
						keys = append(keys, id.Name)
					}
				}
			case *ast.TypeSpec:
				u.names = append(u.names, sp.Name.Name)
				keys = append(keys, sp.Name.Name)
			}
		}
	}
	if len(keys) == 0 {
		return
	}
	start := fset.PositionFor(d.Pos(), false).Offset - prefix
	if doc != nil {
		start = fset.PositionFor(doc.Pos(), false).Offset - prefix
	}
	end := fset.PositionFor(d.End(), false).Offset - prefix
	if start < 0 || end > size || start > end {
		return
	}
	u.decls = append(u.decls, decl{keys: keys, start: start, end: end})
}

// testFunc reports whether fn is a test, a benchmark or a fuzz target:
// TestXxx(t *testing.T), BenchmarkXxx(b *testing.B), FuzzXxx(f *testing.F).
func testFunc(fn *ast.FuncDecl) bool {
	want := ""
	switch n := fn.Name.Name; {
	case strings.HasPrefix(n, "Test"):
		want = "T"
	case strings.HasPrefix(n, "Benchmark"):
		want = "B"
	case strings.HasPrefix(n, "Fuzz"):
		want = "F"
	default:
		return false
	}
	ps := fn.Type.Params.List
	if len(ps) != 1 || len(ps[0].Names) > 1 {
		return false
	}
	star, ok := ps[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	sel, ok := star.X.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == want
}

// ReceiverType returns the base type name of a method receiver's type
// expression (T for T, *T, T[K] and (*T)), or "" when it has none.
func ReceiverType(e ast.Expr) string {
	for {
		switch t := e.(type) {
		case *ast.StarExpr:
			e = t.X
		case *ast.ParenExpr:
			e = t.X
		case *ast.IndexExpr:
			e = t.X
		case *ast.IndexListExpr:
			e = t.X
		case *ast.Ident:
			return t.Name
		default:
			return ""
		}
	}
}

// elided reports whether code that does not parse leaves code out on
// purpose: a line that is only "..." (or "…"), or "..." on the line of the
// first syntax error.
func elided(code string, err error) bool {
	lines := strings.Split(code, "\n")
	for _, l := range lines {
		switch t := strings.TrimSpace(l); {
		case t == "...", t == "…", strings.HasPrefix(t, "... "), strings.HasPrefix(t, "…"), strings.HasSuffix(t, "{ ... }"):
			return true
		}
	}
	if strings.Contains(code, "…") {
		return true
	}
	for _, l := range lines {
		if _, c, ok := strings.Cut(l, "//"); ok && elisionComment("//"+c) {
			return true
		}
		if _, c, ok := strings.Cut(l, "/*"); ok && elisionComment("/*"+c) {
			return true
		}
	}
	var list scanner.ErrorList
	if el, ok := err.(scanner.ErrorList); ok {
		list = el
	}
	if len(list) == 0 {
		return false
	}
	// The error's line counts from the parsed text, whose first line or
	// two are the wrapper: look at it and the lines just before it.
	n := list[0].Pos.Line
	for i := n - 4; i <= n; i++ {
		if i >= 0 && i < len(lines) && strings.Contains(lines[i], "...") && !strings.Contains(lines[i], "//") {
			return true
		}
	}
	return false
}

// elisionRE matches the text of a comment that stands for code left out:
// "// ...", "/* ... */", "// … more", "// etc.", "// rest of the code".
var elisionRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)^(?:\.\.\.|…|etc\.?$|snip\b|\[snip\]|omitted|code omitted|and so on|more code|rest of (?:the )?(?:code|function|body|program|implementation))`)
})

// elisionComment reports whether a comment (with its // or /* */) stands
// for code left out.
func elisionComment(c string) bool {
	t := strings.TrimPrefix(c, "//")
	if strings.HasPrefix(c, "/*") {
		t = strings.TrimSuffix(strings.TrimPrefix(c, "/*"), "*/")
	}
	return elisionRE().MatchString(strings.TrimSpace(t))
}

// looksLikeGo reports whether code that does not parse still reads as an
// excerpt of Go with a mistake in it (left for the compiler to report)
// rather than something else in a go fence: program output, C, pseudo-code.
// Characters Go has no use for (#, @, ?, a stray backslash) say it is not
// Go; otherwise most of its lines must start the way Go lines start.
func looksLikeGo(code string) bool {
	var s scanner.Scanner
	fset := token.NewFileSet()
	src := []byte(code)
	illegal := 0
	s.Init(fset.AddFile("", -1, len(src)), src, func(token.Position, string) { illegal++ }, 0)
	type lineFacts struct {
		t1, t2, last token.Token
		depth        int // braces open when the line starts
	}
	lines := map[int]*lineFacts{}
	depth := 0
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		if tok == token.ILLEGAL {
			illegal++
		}
		if tok == token.SEMICOLON && lit == "\n" {
			continue
		}
		line := fset.Position(pos).Line
		l := lines[line]
		if l == nil {
			l = &lineFacts{t1: tok, depth: depth}
			lines[line] = l
		} else if l.t2 == 0 {
			l.t2 = tok
		}
		l.last = tok
		switch tok {
		case token.LBRACE:
			depth++
		case token.RBRACE:
			depth--
		}
	}
	if illegal > 0 {
		return false
	}
	goish := 0
	for _, l := range lines {
		switch l.t1 {
		case token.FUNC, token.RETURN, token.VAR, token.CONST, token.TYPE,
			token.PACKAGE, token.IMPORT, token.DEFAULT, token.GO, token.DEFER,
			token.SELECT, token.RBRACE, token.LBRACE, token.RPAREN, token.ELSE, token.BREAK, token.CONTINUE,
			token.STRING, token.STRUCT, token.INTERFACE, token.MAP, token.CHAN, token.ARROW, token.MUL,
			token.AND, token.LPAREN, token.LBRACK, token.FALLTHROUGH, token.GOTO:
			goish++
		case token.CASE:
			if l.last == token.COLON {
				goish++
			}
		case token.IF, token.FOR, token.SWITCH:
			// if x {, for ... {: pseudo-code ends "if x:" instead.
			if l.last == token.LBRACE || l.last == token.COMMA || l.last == token.LPAREN {
				goish++
			}
		case token.IDENT:
			switch l.t2 {
			case token.DEFINE, token.ASSIGN, token.LPAREN, token.PERIOD, token.LBRACK, token.INC, token.DEC,
				token.ARROW, token.COMMA, token.ADD_ASSIGN, token.SUB_ASSIGN, token.MUL_ASSIGN, token.QUO_ASSIGN,
				token.OR_ASSIGN, token.AND_ASSIGN, token.LBRACE, token.RPAREN, token.RBRACE, token.SEMICOLON:
				goish++
			case token.COLON:
				if l.depth > 0 && l.last != token.COLON {
					goish++ // a field of a composite literal
				}
			case token.IDENT, token.MUL, token.FUNC, token.MAP, token.CHAN, token.STRUCT, token.INTERFACE:
				if l.depth > 0 {
					goish++ // a field or a method of a type
				}
			case 0:
				if l.depth > 0 {
					goish++ // an embedded type or a lone expression
				}
			}
		}
	}
	return len(lines) > 0 && goish*10 >= len(lines)*6
}

// notGo reports whether code that does not parse is plainly something
// else: a shell session ("$ go run .") or a go.mod file.
func notGo(code string) bool {
	for _, l := range strings.Split(code, "\n") {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "//") {
			continue
		}
		return strings.HasPrefix(t, "$ ") || strings.HasPrefix(t, "module ") || strings.HasPrefix(t, "% ")
	}
	return false
}

// returnsValue reports whether statements return a value outside any
// function literal: they are an excerpt of a function, not of main.
func returnsValue(body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			found = found || len(n.Results) > 0
		}
		return !found
	})
	return found
}

// available reports whether an import path can be built by the workbook:
// the standard library and golang.org/x/sys.
// A path with no dot in its first element that is not a package of the
// standard library ("myproject/clock") is a package of the author's own
// module, which the page does not give.
func available(p string) bool {
	if p == "golang.org/x/sys" || strings.HasPrefix(p, "golang.org/x/sys/") || p == "C" {
		return true
	}
	first, _, _ := strings.Cut(p, "/")
	return !strings.Contains(first, ".") && isStdPath(p)
}

// missing reads an assembled program and returns what it needs that no
// snippet gives: import paths the workbook cannot fetch, packages it
// cannot place, and names nobody declares.
func missing(src string) (unavailable, pkgs, names []string) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, 0)
	if err != nil || f == nil {
		return nil, nil, nil
	}
	imported := map[string]bool{}
	for _, spec := range f.Imports {
		p, err := strconv.Unquote(spec.Path.Value)
		if err != nil {
			continue
		}
		if !available(p) {
			unavailable = append(unavailable, p)
		}
		switch {
		case spec.Name == nil:
			imported[importName(p)] = true
		case spec.Name.Name == ".":
			return unavailable, nil, nil // anything may come from it
		default:
			imported[spec.Name.Name] = true
		}
	}
	selX := map[*ast.Ident]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok {
				selX[id] = true
			}
		}
		return true
	})
	asPkg, asName := map[string]bool{}, map[string]bool{}
	for _, id := range f.Unresolved {
		if imported[id.Name] || types.Universe.Lookup(id.Name) != nil {
			continue
		}
		if selX[id] {
			asPkg[id.Name] = true
		} else {
			asName[id.Name] = true
		}
	}
	want := map[string][]string{}
	for n := range asPkg {
		if !asName[n] {
			want[n] = nil
		}
	}
	known := lookupPackages(want)
	for n := range want {
		// A package the index knows, used with a name it does not
		// export, is the document's mistake: the compiler says so.
		if len(known[n]) == 0 {
			pkgs = append(pkgs, n)
		}
	}
	for n := range asName {
		names = append(names, n)
	}
	sort.Strings(pkgs)
	sort.Strings(names)
	return unavailable, pkgs, names
}

// splitTypos separates, among names a program uses without any snippet
// declaring them, those that look like a misspelling of a name the
// program does declare (or of a predeclared name such as string): a
// careful author's typo (verbos for verbose, strng for string) is a
// mistake the compiler should report, not a reason to skip the program
// as if the name came from the prose.
func splitTypos(src string, names []string) (typos, rest []string) {
	if len(names) == 0 {
		return nil, nil
	}
	f, err := parser.ParseFile(token.NewFileSet(), "", src, 0)
	if err != nil || f == nil {
		return nil, names
	}
	known := map[string]bool{}
	for _, n := range types.Universe.Names() {
		known[n] = true
	}
	for _, spec := range f.Imports {
		if spec.Name != nil {
			known[spec.Name.Name] = true
		} else if p, err := strconv.Unquote(spec.Path.Value); err == nil {
			known[importName(p)] = true
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && id.Obj != nil && id.Name != "_" {
			known[id.Name] = true
		}
		return true
	})
	for _, n := range names {
		typo := false
		for k := range known {
			// Case is not a typo: user for an undeclared User is a
			// type the prose gives, not a misspelling.
			if k != n && !strings.EqualFold(k, n) && sameCase(k, n) && nearMiss(n, k) {
				typo = true
				break
			}
		}
		if typo {
			typos = append(typos, n)
		} else {
			rest = append(rest, n)
		}
	}
	return typos, rest
}

// sameCase reports whether a and b start with letters of the same case
// (both exported or both not).
func sameCase(a, b string) bool { return token.IsExported(a) == token.IsExported(b) }

// nearMiss reports whether a and b differ by one edit (insertion,
// deletion, substitution or swap of adjacent characters) and the shorter
// has at least 4 characters, or by two edits and the shorter has at least
// 8: short names (cmd, out) are too often different words.
func nearMiss(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	short := min(len(ra), len(rb))
	limit := 0
	switch {
	case short >= 8:
		limit = 2
	case short >= 4:
		limit = 1
	default:
		return false
	}
	if d := len(ra) - len(rb); d > limit || -d > limit {
		return false
	}
	return editDistance(ra, rb) <= limit
}

// editDistance is the optimal string alignment distance of a and b.
func editDistance(a, b []rune) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
