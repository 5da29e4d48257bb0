//lint:file-ignore SA1019 the rules are syntactic on purpose (no library types): the parser's identifier resolution (ast.Object) is the scope information they use.

package engine

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

	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/engine/symbols"
)

// This file is the prevention side of the yaegi engine: a verdict produced
// by yaegi must be one the Go compiler would also produce. Before running,
// the program's syntax tree is checked against the table of known yaegi
// v0.16.1 gaps (docs/yaegi-gaps.md lists them with how each was measured).
// A rule either ROUTES the program to the compiled engine (Auto only; the
// reason becomes Verdict.Fallback) or REWRITES the construct into an
// equivalent form yaegi handles. Rewrites are text edits inside single
// lines, so the //line directives and the source map stay exact.

// analysis is the result of checking one program.
type analysis struct {
	source   string   // the program to interpret (rewritten)
	imports  []string // its import paths
	route    string   // non-empty: run it compiled, for this reason
	rewrites []string // the rewrites applied, for tests and logs
	err      []Diagnostic
	// missing are the imports the interpreter has no symbol table for, at
	// their Markdown lines: engine yaegi reports them as build errors.
	missing []Diagnostic
}

// gapRule is one known gap and what we do about it.
type gapRule struct {
	name string // short identifier, used in tests and docs/yaegi-gaps.md
	gap  string // what yaegi gets wrong
	// check returns a reason to route the program to the compiled engine,
	// or "" (it may add edits to s instead).
	check func(s *scan) string
}

// gapRules is the table of known gaps, in the order they are checked.
var gapRules = []gapRule{
	{"compiler-checks", "yaegi runs programs the Go compiler rejects: unused variables, imports and labels, missing returns, unused results", routeCompilerChecks},
	{"range-func", "range over a function (Go 1.23) crashes yaegi's compiler (nil type)", routeRangeFunc},
	{"range-int", "range over an integer (Go 1.22) crashes yaegi's compiler (nil type); rewritten to a classic loop when the operand is surely an integer", rewriteRangeInt},
	{"loopvar", "loop variables are shared across iterations (pre-Go 1.22): closures, goroutines and pointers see the last value; rewritten with per-iteration copies", rewriteLoopVars},
	{"goroutine-panic", "a panic in a goroutine crashes the interpreter with a trace of yaegi's own frames; rewritten so that go func() {...}() literals and functions only started with go report it as Go does", rewriteGoroutinePanic},
	{"defer-args", "the arguments (and receiver) of a deferred call are evaluated when it runs, not at the defer statement", routeDeferArgs},
	{"method-value", "a method value with a value receiver (f := v.M) sees later changes of v", routeMethodValue},
	{"new-expr", "new(expr) (Go 1.26) yields the zero value", routeNewExpr},
	{"builtins", "the min, max and clear built-ins (Go 1.21) are missing", routeBuiltins},
	{"print-builtin", "the print and println built-ins write to stdout instead of stderr", routePrintBuiltin},
	{"error-types", "user-defined error types: errors.As panics, type switches take default, value-receiver Error() is ignored", routeErrorTypes},
	{"struct-format", "%T and %#v of user-defined types lose the type name; %+v prefixes unexported field names with X", routeStructFormat},
	{"stringer-format", "a value of a type with a String method prints as a wrapper struct under verbs other than %s and %v", routeStringerFormat},
	{"interface-assert", "a type assertion or type switch from interface{} to an interface type the program declares fails (ok false, default case)", routeInterfaceAssert},
	{"embedded-reflect", "embedded struct fields lose their embedding for reflection: encoding/json nests them (\"Base\":{...}) and does not fill promoted fields", routeEmbeddedReflect},
	{"generic-library", "generic functions of slices, maps, iter, cmp and errors.AsType / sync.OnceFunc/OnceValue(s) / atomic.Pointer are missing or fail with positions inside yaegi", routeGenericLibrary},
	{"generic-code", "generic code beyond simple type parameters (several type parameters, inference from function arguments) fails inside yaegi", routeGenericCode},
	{"imports", "embed, unsafe, iter, runtime/cgo and packages without a symbol table are not available", routeImports},
	{"caller", "runtime.Caller and log's Lshortfile/Llongfile report yaegi's own files", routeCaller},
	{"recovered-runtime-error", "a recovered runtime error (index out of range, nil map, division by zero) has yaegi's message, not Go's", routeRecoveredRuntime},
}

// scan is one program being analysed.
type scan struct {
	fset  *token.FileSet
	file  *ast.File
	src   []byte
	base  int
	edits []edit
	notes []string
}

// edit replaces src[start:end] with text.
type edit struct {
	start, end int
	text       string
}

func (s *scan) offset(p token.Pos) int { return int(p) - s.base }

// analyze checks p against gapRules.
func analyze(p *lessons.Program) analysis {
	src := p.Source
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "_.go", src, parser.ParseComments)
	if err != nil {
		return analysis{source: src, err: parseDiagnostics(err, p)}
	}
	s := &scan{fset: fset, file: f, src: []byte(src), base: fset.File(f.Pos()).Base()}
	a := analysis{}
	for _, imp := range f.Imports {
		if path, err := strconv.Unquote(imp.Path.Value); err == nil {
			a.imports = append(a.imports, path)
			if !symbolsHave(path) && !builtinImport(path) {
				pos, _ := p.Map.Lookup(fset.Position(imp.Pos()).Line)
				a.missing = append(a.missing, Diagnostic{Pos: pos, Msg: fmt.Sprintf(
					"package %s is not available to the interpreter (no symbol table): run it with the compiled engine", imp.Path.Value)})
			}
		}
	}
	for _, r := range gapRules {
		if why := r.check(s); why != "" {
			a.route = r.name + ": " + why
			break
		}
	}
	a.source = applyEdits(src, s.edits)
	a.rewrites = s.notes
	return a
}

func parseDiagnostics(err error, p *lessons.Program) []Diagnostic {
	var list scanner.ErrorList
	if !asErrorList(err, &list) {
		return []Diagnostic{{Msg: err.Error()}}
	}
	var out []Diagnostic
	for _, e := range list {
		d := Diagnostic{Msg: e.Msg}
		if e.Pos.Filename != "_.go" && p != nil {
			d.Pos = lessons.Pos{File: p.File, Line: e.Pos.Line}
		}
		out = append(out, d)
	}
	return out
}

func asErrorList(err error, list *scanner.ErrorList) bool {
	l, ok := err.(scanner.ErrorList)
	if ok {
		*list = l
	}
	return ok
}

func applyEdits(src string, edits []edit) string {
	if len(edits) == 0 {
		return src
	}
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].start < edits[j].start })
	var b strings.Builder
	last := 0
	for _, e := range edits {
		if e.start < last {
			continue // overlapping: the first edit wins
		}
		b.WriteString(src[last:e.start])
		b.WriteString(e.text)
		last = e.end
	}
	b.WriteString(src[last:])
	return b.String()
}

// builtin reports whether id names the predeclared identifier (it is not
// declared in the file).
func builtin(id *ast.Ident, name string) bool {
	return id.Name == name && id.Obj == nil
}

// selector returns "pkg.Name" for a selector on an imported package name.
func selector(n ast.Node) string {
	sel, ok := n.(*ast.SelectorExpr)
	if !ok {
		return ""
	}
	x, ok := sel.X.(*ast.Ident)
	if !ok || x.Obj != nil {
		return ""
	}
	return x.Name + "." + sel.Sel.Name
}

// --- range over a function -------------------------------------------------

// seqFuncs are library functions returning iterators (iter.Seq/Seq2).
var seqFuncs = sync.OnceValue(func() map[string]bool {
	return map[string]bool{
		"strings.SplitSeq": true, "strings.SplitAfterSeq": true, "strings.FieldsSeq": true, "strings.FieldsFuncSeq": true, "strings.Lines": true,
		"bytes.SplitSeq": true, "bytes.SplitAfterSeq": true, "bytes.FieldsSeq": true, "bytes.FieldsFuncSeq": true, "bytes.Lines": true,
		"maps.Keys": true, "maps.Values": true, "maps.All": true,
		"slices.All": true, "slices.Values": true, "slices.Backward": true, "slices.Chunk": true,
	}
})

func routeRangeFunc(s *scan) string {
	why := ""
	ast.Inspect(s.file, func(n ast.Node) bool {
		if why != "" {
			return false
		}
		switch n := n.(type) {
		case *ast.RangeStmt:
			switch x := n.X.(type) {
			case *ast.FuncLit:
				why = "range over a function"
			case *ast.CallExpr:
				if name := selector(x.Fun); seqFuncs()[name] {
					why = "range over " + name + " (an iterator)"
				}
			}
		case *ast.FuncType:
			// func(yield func(...) bool): an iterator is being written.
			if n.Params != nil && len(n.Params.List) == 1 {
				if ft, ok := n.Params.List[0].Type.(*ast.FuncType); ok && ft.Results != nil && len(ft.Results.List) == 1 {
					if id, ok := ft.Results.List[0].Type.(*ast.Ident); ok && id.Name == "bool" {
						for _, name := range n.Params.List[0].Names {
							if name.Name == "yield" {
								why = "an iterator function (func(yield ...) bool)"
							}
						}
					}
				}
			}
		}
		return true
	})
	return why
}

// --- range over an integer ---------------------------------------------------

var intTypes = sync.OnceValue(func() map[string]bool {
	return map[string]bool{
		"int": true, "int8": true, "int16": true, "int32": true, "int64": true,
		"uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true, "uintptr": true,
		"byte": true, "rune": true,
	}
})

// surelyInt reports whether e is an integer without type checking: an
// integer literal, len/cap, arithmetic on such, or an identifier declared
// with an integer type or initialised from such.
func surelyInt(e ast.Expr, depth int) bool {
	if depth > 4 {
		return false
	}
	switch e := e.(type) {
	case *ast.BasicLit:
		return e.Kind == token.INT
	case *ast.ParenExpr:
		return surelyInt(e.X, depth+1)
	case *ast.CallExpr:
		if id, ok := e.Fun.(*ast.Ident); ok && (builtin(id, "len") || builtin(id, "cap")) {
			return true
		}
		if id, ok := e.Fun.(*ast.Ident); ok && id.Obj == nil && intTypes()[id.Name] && len(e.Args) == 1 {
			return true // a conversion int(x)
		}
	case *ast.BinaryExpr:
		switch e.Op {
		case token.ADD:
			return surelyInt(e.X, depth+1) || surelyInt(e.Y, depth+1)
		case token.SUB, token.MUL, token.QUO, token.REM, token.SHL, token.SHR, token.AND, token.OR, token.XOR, token.AND_NOT:
			return true
		}
	case *ast.Ident:
		if e.Obj == nil {
			return false
		}
		switch d := e.Obj.Decl.(type) {
		case *ast.ValueSpec:
			if id, ok := d.Type.(*ast.Ident); ok {
				return intTypes()[id.Name]
			}
			if d.Type == nil {
				for i, n := range d.Names {
					if n.Name == e.Name && i < len(d.Values) {
						return surelyInt(d.Values[i], depth+1)
					}
				}
			}
		case *ast.Field:
			id, ok := d.Type.(*ast.Ident)
			return ok && intTypes()[id.Name]
		case *ast.AssignStmt:
			if len(d.Lhs) == len(d.Rhs) {
				for i, l := range d.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Name == e.Name {
						return surelyInt(d.Rhs[i], depth+1)
					}
				}
			}
		}
	}
	return false
}

// pure reports whether evaluating e twice is the same as once.
func pure(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit, *ast.Ident:
		return true
	case *ast.ParenExpr:
		return pure(e.X)
	case *ast.SelectorExpr:
		return pure(e.X)
	case *ast.BinaryExpr:
		return pure(e.X) && pure(e.Y)
	case *ast.CallExpr:
		if id, ok := e.Fun.(*ast.Ident); ok && (builtin(id, "len") || builtin(id, "cap") || (id.Obj == nil && intTypes()[id.Name])) {
			for _, a := range e.Args {
				if !pure(a) {
					return false
				}
			}
			return true
		}
	}
	return false
}

func rewriteRangeInt(s *scan) string {
	n := 0
	ast.Inspect(s.file, func(node ast.Node) bool {
		r, ok := node.(*ast.RangeStmt)
		if !ok || r.Value != nil || !surelyInt(r.X, 0) || !pure(r.X) {
			return true
		}
		if r.Key != nil && r.Tok != token.DEFINE {
			return true // "for i = range n": left to the fallback
		}
		if s.fset.Position(r.For).Line != s.fset.Position(r.Body.Lbrace).Line {
			return true
		}
		x := string(s.src[s.offset(r.X.Pos()):s.offset(r.X.End())])
		v := "_wbI" + strconv.Itoa(n)
		if id, ok := r.Key.(*ast.Ident); ok && id.Name != "_" {
			v = id.Name
		}
		lim := "_wbN" + strconv.Itoa(n)
		n++
		// The limit is evaluated once, as range does, and v gets the type
		// of the operand (x-x), as range over an integer gives it.
		text := "for " + lim + ", " + v + " := (" + x + "), (" + x + ")-(" + x + "); " + v + " < " + lim + "; " + v + "++ "
		s.edits = append(s.edits, edit{start: s.offset(r.For), end: s.offset(r.Body.Lbrace), text: text})
		s.notes = append(s.notes, "range-int at line "+strconv.Itoa(s.fset.Position(r.For).Line))
		return true
	})
	return ""
}

// --- per-iteration loop variables ------------------------------------------

func rewriteLoopVars(s *scan) string {
	why := ""
	ast.Inspect(s.file, func(node ast.Node) bool {
		if why != "" {
			return false
		}
		var vars []*ast.Ident
		var body *ast.BlockStmt
		threeClause := false
		switch l := node.(type) {
		case *ast.RangeStmt:
			if l.Tok == token.DEFINE {
				for _, e := range []ast.Expr{l.Key, l.Value} {
					if id, ok := e.(*ast.Ident); ok && id.Name != "_" {
						vars = append(vars, id)
					}
				}
			}
			body = l.Body
		case *ast.ForStmt:
			// Loops without loop variables (for cond {}, for {}) still
			// have per-iteration variables declared in their bodies.
			if init, ok := l.Init.(*ast.AssignStmt); ok && init.Tok == token.DEFINE {
				for _, e := range init.Lhs {
					if id, ok := e.(*ast.Ident); ok && id.Name != "_" {
						vars = append(vars, id)
					}
				}
			}
			body, threeClause = l.Body, true
		default:
			return true
		}
		if how := lateClosure(body, vars); how != "" {
			why = how
			return false
		}
		var copies []string
		for _, v := range vars {
			captured, changed := loopVarUse(body, v)
			if !captured {
				continue
			}
			if threeClause && changed {
				why = "loop variable " + v.Name + " is captured and changed in the body of a three-clause loop (per-iteration semantics of Go 1.22)"
				return false
			}
			copies = append(copies, v.Name+" := "+v.Name+"; ")
		}
		if len(copies) > 0 {
			at := s.offset(body.Lbrace) + 1
			s.edits = append(s.edits, edit{start: at, end: at, text: " " + strings.Join(copies, "")})
			s.notes = append(s.notes, "loopvar copies at line "+strconv.Itoa(s.fset.Position(body.Lbrace).Line))
		}
		return true
	})
	return why
}

// lateClosure returns why a function literal in a loop body (with loop
// variables vars) cannot run under yaegi, or "": one that captures a
// per-iteration variable (a loop variable or a variable declared in the
// body) and that yaegi creates late or wraps for a library function.
// Measured on yaegi v0.16.1: such a literal sees the variable of the last
// iteration even after a per-iteration copy when it is deferred (yaegi
// evaluates a deferred call when it runs), or handed to a library
// function or method (wg.Go(func() {...}), time.AfterFunc(d, func()
// {...}), a field of a library struct). Called at once, started with go,
// stored in a variable, slice, map, channel or struct of the program, or
// passed to a function of the program, it keeps its iteration's value.
func lateClosure(body *ast.BlockStmt, vars []*ast.Ident) string {
	perIter := map[*ast.Object]bool{}
	for _, v := range vars {
		if v.Obj != nil {
			perIter[v.Obj] = true
		}
	}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false // its variables are per call
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				for _, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Obj != nil {
						perIter[id.Obj] = true
					}
				}
			}
		case *ast.ValueSpec:
			for _, id := range n.Names {
				if id.Obj != nil {
					perIter[id.Obj] = true
				}
			}
		case *ast.RangeStmt:
			if n.Tok == token.DEFINE {
				for _, e := range []ast.Expr{n.Key, n.Value} {
					if id, ok := e.(*ast.Ident); ok && id.Obj != nil {
						perIter[id.Obj] = true
					}
				}
			}
		}
		return true
	})
	if len(perIter) == 0 {
		return ""
	}
	why := ""
	var stack []ast.Node
	ast.Inspect(body, func(n ast.Node) bool {
		if why != "" {
			return false
		}
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		lit, ok := n.(*ast.FuncLit)
		if !ok {
			stack = append(stack, n)
			return true
		}
		name := capturedVar(lit, perIter)
		if name == "" {
			return false
		}
		if how := lateUse(lit, stack); how != "" {
			why = "a function literal capturing the per-iteration variable " + name + " is " + how +
				", where yaegi gives it the variable of the last iteration"
		}
		return false
	})
	return why
}

// capturedVar returns the name of a variable of perIter used inside lit, or "".
func capturedVar(lit *ast.FuncLit, perIter map[*ast.Object]bool) string {
	name := ""
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && id.Obj != nil && perIter[id.Obj] {
			name = id.Name
		}
		return name == ""
	})
	return name
}

// lateUse says how the function literal lit, whose ancestors are stack
// (innermost last), is used in a way yaegi gets wrong for captured
// per-iteration variables (see lateClosure), or "" for the safe uses.
func lateUse(lit *ast.FuncLit, stack []ast.Node) string {
	var child ast.Node = lit
	i := len(stack) - 1
	for i >= 0 {
		if _, ok := stack[i].(*ast.ParenExpr); !ok {
			break
		}
		child = stack[i]
		i--
	}
	if i < 0 {
		return ""
	}
	grand := func() ast.Node {
		if i > 0 {
			return stack[i-1]
		}
		return nil
	}
	switch parent := stack[i].(type) {
	case *ast.CallExpr:
		if parent.Fun == child {
			if _, ok := grand().(*ast.DeferStmt); ok {
				return "deferred"
			}
			return "" // called at once, or started with go
		}
		if _, ok := grand().(*ast.DeferStmt); ok {
			return "an argument of a deferred call"
		}
		if id, ok := parent.Fun.(*ast.Ident); ok {
			if builtin(id, "append") {
				return ""
			}
			if id.Obj != nil && (id.Obj.Kind == ast.Fun || id.Obj.Kind == ast.Var) {
				return "" // interpreted: a function of the program
			}
		}
		return "passed to " + exprString(parent.Fun)
	case *ast.AssignStmt:
		for _, l := range parent.Lhs {
			if sel, ok := l.(*ast.SelectorExpr); ok {
				return "assigned to the field " + exprString(sel)
			}
		}
		return ""
	case *ast.ValueSpec, *ast.SendStmt, *ast.ReturnStmt:
		return ""
	case *ast.KeyValueExpr:
		if i > 0 {
			if cl, ok := stack[i-1].(*ast.CompositeLit); ok {
				return libraryLiteral(cl)
			}
		}
		return ""
	case *ast.CompositeLit:
		return libraryLiteral(parent)
	}
	return "used in an expression yaegi may wrap"
}

// libraryLiteral says when cl is a composite literal of a library type
// (pkg.T{...}), whose function fields yaegi wraps.
func libraryLiteral(cl *ast.CompositeLit) string {
	t := cl.Type
	if u, ok := t.(*ast.UnaryExpr); ok {
		t = u.X
	}
	if sel, ok := t.(*ast.SelectorExpr); ok {
		return "a field of a " + exprString(sel) + " literal"
	}
	return ""
}

// exprString prints a short expression (a callee) for a reason.
func exprString(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return exprString(e.X) + "." + e.Sel.Name
	case *ast.CallExpr:
		return exprString(e.Fun) + "(...)"
	case *ast.IndexExpr:
		return exprString(e.X) + "[...]"
	case *ast.ParenExpr:
		return exprString(e.X)
	}
	return "an expression"
}

// loopVarUse reports whether v (a loop variable) is captured in body (used
// inside a func literal or by address), and whether body assigns it.
func loopVarUse(body *ast.BlockStmt, v *ast.Ident) (captured, changed bool) {
	is := func(e ast.Expr) bool {
		id, ok := e.(*ast.Ident)
		return ok && id.Name == v.Name && (id.Obj == nil || id.Obj == v.Obj)
	}
	var walk func(n ast.Node, inFunc bool)
	walk = func(n ast.Node, inFunc bool) {
		ast.Inspect(n, func(m ast.Node) bool {
			switch m := m.(type) {
			case *ast.FuncLit:
				if m != n {
					walk(m.Body, true)
					return false
				}
			case *ast.Ident:
				if inFunc && is(m) {
					captured = true
				}
			case *ast.UnaryExpr:
				if m.Op == token.AND && is(m.X) {
					captured, changed = true, true
				}
			case *ast.AssignStmt:
				for _, l := range m.Lhs {
					if is(l) {
						changed = true
					}
				}
			case *ast.IncDecStmt:
				if is(m.X) {
					changed = true
				}
			case *ast.SelectorExpr:
				// A method call or method value on the loop variable may
				// take its address (pointer receiver), or change it.
				if is(m.X) {
					captured, changed = true, true
				}
			}
			return true
		})
	}
	walk(body, false)
	return captured, changed
}

// --- new(expr) --------------------------------------------------------------

func routeNewExpr(s *scan) string {
	why := ""
	ast.Inspect(s.file, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || why != "" {
			return why == ""
		}
		id, ok := call.Fun.(*ast.Ident)
		if !ok || !builtin(id, "new") || len(call.Args) != 1 {
			return true
		}
		if !typeExpr(call.Args[0]) {
			why = "new(expr) (Go 1.26)"
		}
		return true
	})
	return why
}

var predeclaredTypes = sync.OnceValue(func() map[string]bool {
	return map[string]bool{
		"bool": true, "string": true, "error": true, "any": true, "comparable": true,
		"float32": true, "float64": true, "complex64": true, "complex128": true,
	}
})

// typeExpr reports whether e is (syntactically) a type.
func typeExpr(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident:
		if e.Obj == nil {
			return intTypes()[e.Name] || predeclaredTypes()[e.Name]
		}
		return e.Obj.Kind == ast.Typ
	case *ast.StarExpr:
		return typeExpr(e.X)
	case *ast.ParenExpr:
		return typeExpr(e.X)
	case *ast.ArrayType, *ast.MapType, *ast.ChanType, *ast.FuncType, *ast.StructType, *ast.InterfaceType:
		return true
	case *ast.SelectorExpr:
		return selector(e) != "" // pkg.Name: taken as a type
	case *ast.IndexExpr, *ast.IndexListExpr:
		return true
	}
	return false
}

// --- built-ins --------------------------------------------------------------

func routeBuiltins(s *scan) string {
	return findCall(s, func(id *ast.Ident) bool {
		return builtin(id, "min") || builtin(id, "max") || builtin(id, "clear")
	}, "the %s built-in")
}

func routePrintBuiltin(s *scan) string {
	return findCall(s, func(id *ast.Ident) bool {
		return builtin(id, "print") || builtin(id, "println")
	}, "the %s built-in (yaegi writes it to stdout)")
}

func findCall(s *scan, match func(*ast.Ident) bool, format string) string {
	why := ""
	ast.Inspect(s.file, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok && why == "" {
			if id, ok := call.Fun.(*ast.Ident); ok && match(id) {
				why = strings.Replace(format, "%s", id.Name, 1)
			}
		}
		return why == ""
	})
	return why
}

// --- printing user-defined structs -------------------------------------------

// verbRE matches one formatting verb of a format string.
var verbRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`%[-+# 0]*(?:\[\d+\])?(?:\d+|\*)?(?:\.(?:\d+|\*)?)?(?:\[\d+\])?([a-zA-Z%])`)
})

// formatVerbs returns the verbs (with their flags) used in the program's
// string literals.
func formatVerbs(s *scan) []string {
	var verbs []string
	ast.Inspect(s.file, func(n ast.Node) bool {
		if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING && strings.Contains(lit.Value, "%") {
			verbs = append(verbs, verbRE().FindAllString(lit.Value, -1)...)
		}
		return true
	})
	return verbs
}

// declaredTypes reports whether the program declares types, and whether
// any of them is a struct.
func declaredTypes(s *scan) (any, structs bool) {
	ast.Inspect(s.file, func(n ast.Node) bool {
		if ts, ok := n.(*ast.TypeSpec); ok {
			any = true
			if _, ok := ts.Type.(*ast.StructType); ok {
				structs = true
			}
		}
		return true
	})
	return any, structs
}

func routeStructFormat(s *scan) string {
	types, structs := declaredTypes(s)
	if !types {
		return ""
	}
	for _, v := range formatVerbs(s) {
		switch {
		case strings.HasSuffix(v, "T"):
			return "a program with its own types uses %T"
		case strings.HasSuffix(v, "v") && strings.Contains(v, "#"):
			return "a program with its own types uses %#v"
		case strings.HasSuffix(v, "v") && strings.Contains(v, "+") && structs:
			return "a program with its own struct types uses %+v"
		}
	}
	return ""
}

// routeStringerFormat: yaegi hands fmt a wrapper struct for a value of a
// type with a String method, which prints as {value func} under any verb
// but %s and %v (measured: %d of a Stringer int prints "{1 5531712}"); and
// inside a struct, slice, array or map the value has no String method at
// all for fmt (measured: a struct field of a Stringer type prints as its
// underlying value).
func routeStringerFormat(s *scan) string {
	stringers := map[string]bool{}
	for _, d := range s.file.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil && fd.Name.Name == "String" && fd.Type.Params.NumFields() == 0 {
			stringers[recvName(fd)] = true
		}
	}
	if len(stringers) == 0 {
		return ""
	}
	for _, v := range formatVerbs(s) {
		if last := v[len(v)-1]; last != 's' && last != 'v' && last != '%' {
			return "a type with a String method and the verb " + v
		}
	}
	// A Stringer inside a composite type.
	isStringer := func(e ast.Expr) bool {
		if st, ok := e.(*ast.StarExpr); ok {
			e = st.X
		}
		id, ok := e.(*ast.Ident)
		return ok && stringers[id.Name]
	}
	why := ""
	ast.Inspect(s.file, func(n ast.Node) bool {
		if why != "" {
			return false
		}
		var elems []ast.Expr
		switch n := n.(type) {
		case *ast.ArrayType:
			elems = []ast.Expr{n.Elt}
		case *ast.MapType:
			elems = []ast.Expr{n.Key, n.Value}
		case *ast.StructType:
			for _, f := range n.Fields.List {
				elems = append(elems, f.Type)
			}
		}
		for _, e := range elems {
			if isStringer(e) {
				why = "a type with a String method inside a struct, slice, array or map"
			}
		}
		return true
	})
	return why
}

// --- user-defined error types -------------------------------------------------

func routeErrorTypes(s *scan) string {
	for _, d := range s.file.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv == nil || fd.Name.Name != "Error" {
			continue
		}
		if fd.Type.Params.NumFields() == 0 && fd.Type.Results.NumFields() == 1 {
			return "a user-defined error type (" + recvName(fd) + ")"
		}
	}
	return ""
}

func recvName(fd *ast.FuncDecl) string {
	t := fd.Recv.List[0].Type
	if st, ok := t.(*ast.StarExpr); ok {
		t = st.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name
	}
	return "?"
}

// --- assertions to the program's own interfaces --------------------------------

func routeInterfaceAssert(s *scan) string {
	ifaces := map[string]bool{}
	ast.Inspect(s.file, func(n ast.Node) bool {
		if ts, ok := n.(*ast.TypeSpec); ok {
			if _, ok := ts.Type.(*ast.InterfaceType); ok {
				ifaces[ts.Name.Name] = true
			}
		}
		return true
	})
	if len(ifaces) == 0 {
		return ""
	}
	is := func(e ast.Expr) bool {
		id, ok := e.(*ast.Ident)
		return ok && ifaces[id.Name]
	}
	why := ""
	ast.Inspect(s.file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.TypeAssertExpr:
			if n.Type != nil && is(n.Type) {
				why = "a type assertion to the interface " + n.Type.(*ast.Ident).Name
			}
		case *ast.TypeSwitchStmt:
			for _, c := range n.Body.List {
				for _, e := range c.(*ast.CaseClause).List {
					if is(e) {
						why = "a type switch case on the interface " + e.(*ast.Ident).Name
					}
				}
			}
		}
		return why == ""
	})
	return why
}

// --- embedded fields and reflection -------------------------------------------

// reflectPackages walk struct types with reflection.
var reflectPackages = sync.OnceValue(func() map[string]bool {
	return map[string]bool{
		"encoding/json": true, "encoding/xml": true, "encoding/gob": true, "encoding/csv": true,
		"text/template": true, "html/template": true, "reflect": true,
	}
})

func routeEmbeddedReflect(s *scan) string {
	pkg := ""
	for _, imp := range s.file.Imports {
		if p, err := strconv.Unquote(imp.Path.Value); err == nil && reflectPackages()[p] {
			pkg = p
		}
	}
	if pkg == "" {
		return ""
	}
	why := ""
	ast.Inspect(s.file, func(n ast.Node) bool {
		if st, ok := n.(*ast.StructType); ok && why == "" {
			for _, f := range st.Fields.List {
				if len(f.Names) == 0 {
					why = "a struct with an embedded field, and " + pkg
				}
			}
		}
		return why == ""
	})
	return why
}

// --- generics ---------------------------------------------------------------

// workingGenerics are library generics measured to work under yaegi.
var workingGenerics = sync.OnceValue(func() map[string]bool {
	return map[string]bool{
		"slices.Contains": true, "slices.Index": true, "slices.Reverse": true, "slices.Max": true, "slices.Min": true,
	}
})

func routeGenericLibrary(s *scan) string {
	why := ""
	ast.Inspect(s.file, func(n ast.Node) bool {
		if why != "" {
			return false
		}
		name := selector(n)
		if name == "" {
			return true
		}
		pkg, sym, _ := strings.Cut(name, ".")
		switch {
		case (pkg == "slices" || pkg == "maps" || pkg == "iter" || pkg == "cmp") && !workingGenerics()[name]:
			why = name + " (generic library code)"
		case name == "errors.AsType", name == "sync.OnceFunc", name == "sync.OnceValue", name == "sync.OnceValues",
			pkg == "atomic" && (sym == "Pointer"):
			why = name + " (generic library code)"
		}
		return true
	})
	return why
}

func routeGenericCode(s *scan) string {
	why := ""
	ast.Inspect(s.file, func(n ast.Node) bool {
		if why != "" {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncDecl:
			if n.Type.TypeParams.NumFields() > 1 {
				why = "generic function " + n.Name.Name + " with several type parameters"
			}
		case *ast.TypeSpec:
			if n.TypeParams.NumFields() > 1 {
				why = "generic type " + n.Name.Name + " with several type parameters"
			}
		case *ast.Ellipsis:
			// variadic generic functions fail to infer
			if id, ok := n.Elt.(*ast.Ident); ok && id.Obj != nil && id.Obj.Kind == ast.Typ {
				if _, ok := id.Obj.Decl.(*ast.Field); ok {
					why = "a variadic type parameter"
				}
			}
		}
		return true
	})
	return why
}

// --- imports ----------------------------------------------------------------

func routeImports(s *scan) string {
	for _, imp := range s.file.Imports {
		path, err := strconv.Unquote(imp.Path.Value)
		if err != nil {
			continue
		}
		if builtinImport(path) {
			return "import " + strconv.Quote(path)
		}
		if !symbolsHave(path) {
			return "import " + strconv.Quote(path) + " (no symbol table)"
		}
	}
	return ""
}

// --- runtime.Caller, log's file flags ------------------------------------------

func routeCaller(s *scan) string {
	why := ""
	ast.Inspect(s.file, func(n ast.Node) bool {
		switch name := selector(n); name {
		case "runtime.Caller", "runtime.Callers", "runtime.Stack", "debug.Stack", "debug.PrintStack", "log.Lshortfile", "log.Llongfile":
			why = name
		}
		return why == ""
	})
	return why
}

func symbolsHave(path string) bool { return symbols.Has(path) }

// builtinImport reports whether path is a package yaegi treats itself
// (or rejects with its own clear message) rather than through a table.
func builtinImport(path string) bool {
	switch path {
	case "embed", "unsafe", "iter", "C", "runtime/cgo":
		return true
	}
	return false
}

// --- what the Go compiler rejects and yaegi runs ----------------------------

// compilerOnly are go/types errors that do not depend on imported packages
// and that yaegi does not report (measured: it runs such programs).
var compilerOnly = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`declared and not used|imported and not used|missing return|is not used$|label .* defined and not used|cannot assign to struct field .* in map|^duplicate case|^duplicate key|not in scope at return`)
})

// emptyImporter gives every import an empty package: the type check then
// sees the program's own code fully and the libraries not at all (errors
// about their members are ignored).
type emptyImporter struct{}

func (emptyImporter) Import(path string) (*types.Package, error) {
	name := path[strings.LastIndexByte(path, '/')+1:]
	if strings.HasPrefix(name, "v") && len(name) > 1 && name[1] >= '0' && name[1] <= '9' {
		// math/rand/v2 is package rand
		rest := strings.TrimSuffix(path, "/"+name)
		name = rest[strings.LastIndexByte(rest, '/')+1:]
	}
	pkg := types.NewPackage(path, name)
	pkg.MarkComplete()
	return pkg, nil
}

func routeCompilerChecks(s *scan) string {
	why := ""
	conf := types.Config{
		GoVersion: "go1.26",
		Importer:  emptyImporter{},
		Error: func(err error) {
			if te, ok := err.(types.Error); ok && why == "" && compilerOnly().MatchString(te.Msg) {
				why = "the Go compiler rejects it: " + te.Msg
			}
		},
	}
	conf.Check("main", s.fset, []*ast.File{s.file}, nil)
	return why
}

// --- panics in goroutines -----------------------------------------------------

// crashImport is the package the payload provides for rewriteGoroutinePanic.
const crashImport = "workbook/crash"

func rewriteGoroutinePanic(s *scan) string {
	found := false
	// The deferred recover that hands a goroutine's panic to Crash. The
	// frame's line is the opening brace's, where the guard becomes the
	// body's first statement: that is where yaegi places a function's
	// frames, so the payload moves it to the panicking call as it does
	// for theirs (placeFrames).
	guard := func(fn string, body *ast.BlockStmt) {
		at := s.offset(body.Lbrace) + 1
		pos := s.fset.Position(body.Lbrace)
		s.edits = append(s.edits, edit{start: at, end: at, text: fmt.Sprintf(
			" defer func() { if r := recover(); r != nil { _wbcrash.Crash(r, %q, %q, %d) } }(); ", fn, pos.Filename, pos.Line)})
		found = true
	}
	ast.Inspect(s.file, func(n ast.Node) bool {
		g, ok := n.(*ast.GoStmt)
		if !ok {
			return true
		}
		if lit, ok := g.Call.Fun.(*ast.FuncLit); ok {
			guard("main.main.func", lit.Body)
			s.notes = append(s.notes, "goroutine-panic at line "+strconv.Itoa(s.fset.Position(g.Go).Line))
		}
		return true
	})
	// A function of the program that is only ever started as a goroutine
	// (go worker(...), its name used nowhere else) gets the same guard:
	// the deferred recover runs after the function's own deferred calls,
	// as the crash would, and only a panic none of them recovered ends
	// the program, as in Go. A function also called or used as a value
	// is left alone (a panic there may be its caller's to recover).
	for _, fd := range goOnlyFuncs(s.file) {
		guard("main."+fd.Name.Name, fd.Body)
		s.notes = append(s.notes, "goroutine-panic in func "+fd.Name.Name)
	}
	if found {
		at := s.offset(s.file.Name.End())
		s.edits = append(s.edits, edit{start: at, end: at, text: "; import _wbcrash " + strconv.Quote(crashImport)})
	}
	return ""
}

// goOnlyFuncs returns the file's plain functions (no receiver, no type
// parameters, not main or init) whose name appears only as the function
// of go statements: go f(...). Any other identifier spelled the same (a
// call, a value, a shadowing variable, a field) disqualifies the name.
func goOnlyFuncs(f *ast.File) []*ast.FuncDecl {
	decls := map[string]*ast.FuncDecl{}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv != nil || fd.Body == nil || fd.Type.TypeParams != nil ||
			fd.Name.Name == "main" || fd.Name.Name == "init" || fd.Name.Name == "_" {
			continue
		}
		if _, dup := decls[fd.Name.Name]; dup {
			decls[fd.Name.Name] = nil
			continue
		}
		decls[fd.Name.Name] = fd
	}
	started := map[*ast.Ident]bool{}
	uses := map[string]int{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GoStmt:
			if id, ok := n.Call.Fun.(*ast.Ident); ok {
				started[id] = true
			}
		case *ast.Ident:
			if fd := decls[n.Name]; fd != nil && n != fd.Name {
				if started[n] {
					uses[n.Name]++
				} else {
					decls[n.Name] = nil
				}
			}
		}
		return true
	})
	var out []*ast.FuncDecl
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && decls[fd.Name.Name] == fd && uses[fd.Name.Name] > 0 {
			out = append(out, fd)
		}
	}
	return out
}

// --- deferred calls --------------------------------------------------------------

// routeDeferArgs finds deferred calls whose arguments could evaluate to
// something else at the end of the function than at the defer statement
// (measured: yaegi evaluates them late, so "defer fmt.Println(x); x = 2"
// prints 2, and deferring in a loop repeats the last value).
func routeDeferArgs(s *scan) string {
	why := ""
	var fn func(body *ast.BlockStmt)
	fn = func(body *ast.BlockStmt) {
		mutated := mutatedVars(body)
		var walk func(n ast.Node, loop ast.Node)
		walk = func(n ast.Node, loop ast.Node) {
			ast.Inspect(n, func(m ast.Node) bool {
				if why != "" {
					return false
				}
				switch m := m.(type) {
				case *ast.FuncLit:
					fn(m.Body)
					return false
				case *ast.ForStmt:
					if m != n {
						walk(m, m)
						return false
					}
				case *ast.RangeStmt:
					if m != n {
						walk(m, m)
						return false
					}
				case *ast.DeferStmt:
					if r := lateArgs(m.Call, loop, mutated); r != "" {
						why = "defer at line " + strconv.Itoa(s.fset.Position(m.Defer).Line) + ": " + r
					}
				}
				return true
			})
		}
		walk(body, nil)
	}
	for _, d := range s.file.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
			fn(fd.Body)
		}
	}
	return why
}

// lateArgs says why evaluating call's arguments and receiver late could
// differ, or "".
func lateArgs(call *ast.CallExpr, loop ast.Node, mutated map[*ast.Object]bool) string {
	exprs := append([]ast.Expr{}, call.Args...)
	switch f := call.Fun.(type) {
	case *ast.SelectorExpr:
		exprs = append(exprs, f.X)
	case *ast.Ident:
		exprs = append(exprs, f)
	case *ast.FuncLit:
	default:
		exprs = append(exprs, f)
	}
	why := ""
	for _, e := range exprs {
		ast.Inspect(e, func(n ast.Node) bool {
			if why != "" {
				return false
			}
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.CallExpr:
				if id, ok := n.Fun.(*ast.Ident); ok && id.Obj == nil && (intTypes()[id.Name] || predeclaredTypes()[id.Name] || id.Name == "len" || id.Name == "cap") {
					return true // a conversion or len/cap: as late as its operands
				}
				why = "a call in its arguments"
			case *ast.SelectorExpr:
				if x, ok := n.X.(*ast.Ident); ok && x.Obj == nil {
					return false // pkg.Name
				}
			case *ast.Ident:
				o := n.Obj
				if o == nil || o.Kind != ast.Var {
					return true
				}
				switch {
				case mutated[o]:
					why = n.Name + " changes after"
				case loop != nil && declaredWithin(o, loop):
					why = n.Name + " is new in each iteration of the loop"
				}
			}
			return true
		})
	}
	return why
}

func declaredWithin(o *ast.Object, n ast.Node) bool {
	d, ok := o.Decl.(ast.Node)
	return ok && d.Pos() >= n.Pos() && d.End() <= n.End()
}

// mutatedVars returns the variables a function body assigns (other than
// by their declaration), increments or takes the address of; loop
// variables of three-clause loops count as assigned.
func mutatedVars(body *ast.BlockStmt) map[*ast.Object]bool {
	out := map[*ast.Object]bool{}
	root := func(e ast.Expr) *ast.Ident {
		for {
			switch x := e.(type) {
			case *ast.Ident:
				return x
			case *ast.SelectorExpr:
				e = x.X
			case *ast.IndexExpr:
				e = x.X
			case *ast.StarExpr:
				e = x.X
			case *ast.ParenExpr:
				e = x.X
			default:
				return nil
			}
		}
	}
	mark := func(e ast.Expr, decl ast.Node) {
		if id := root(e); id != nil && id.Obj != nil && id.Obj.Decl != decl {
			out[id.Obj] = true
		}
	}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if n.Tok == token.DEFINE {
					if id, ok := l.(*ast.Ident); ok && id.Obj != nil && id.Obj.Decl == n {
						continue
					}
				}
				mark(l, nil)
			}
		case *ast.IncDecStmt:
			mark(n.X, nil)
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				mark(n.X, nil)
			}
		case *ast.RangeStmt:
			if n.Tok == token.ASSIGN {
				for _, e := range []ast.Expr{n.Key, n.Value} {
					if e != nil {
						mark(e, nil)
					}
				}
			}
		case *ast.ForStmt:
			if n.Post != nil {
				ast.Inspect(n.Post, func(m ast.Node) bool {
					if id, ok := m.(*ast.Ident); ok && id.Obj != nil {
						out[id.Obj] = true
					}
					return true
				})
			}
		}
		return true
	})
	return out
}

// --- method values ----------------------------------------------------------------

func routeMethodValue(s *scan) string {
	valueMethods := map[string]bool{}
	for _, d := range s.file.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil {
			if _, ptr := fd.Recv.List[0].Type.(*ast.StarExpr); !ptr {
				valueMethods[fd.Name.Name] = true
			}
		}
	}
	if len(valueMethods) == 0 {
		return ""
	}
	called := map[*ast.SelectorExpr]bool{}
	why := ""
	ast.Inspect(s.file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok {
				called[sel] = true
			}
		case *ast.SelectorExpr:
			if x, ok := n.X.(*ast.Ident); ok && x.Obj == nil {
				return true // pkg.Name
			}
			if !called[n] && valueMethods[n.Sel.Name] && why == "" {
				why = "the method value ." + n.Sel.Name
			}
		}
		return true
	})
	return why
}

// --- recovered runtime errors -----------------------------------------------

// routeRecoveredRuntime routes a program that recovers a panic it can only
// have got from the runtime: it calls recover() but never panic(), or it
// names runtime.Error. yaegi's runtime errors read "reflect: slice index
// out of range" where Go says "runtime error: index out of range [3] with
// length 0". A program that recovers its own panic(...) stays on yaegi.
func routeRecoveredRuntime(s *scan) string {
	recovers, panics, runtimeError := false, false, false
	ast.Inspect(s.file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if id, ok := n.Fun.(*ast.Ident); ok {
				recovers = recovers || builtin(id, "recover")
				panics = panics || builtin(id, "panic")
			}
		case *ast.SelectorExpr:
			runtimeError = runtimeError || selector(n) == "runtime.Error"
		}
		return true
	})
	switch {
	case recovers && runtimeError:
		return "the program recovers a runtime.Error"
	case recovers && !panics:
		return "the program recovers a panic that only the runtime can raise"
	}
	return ""
}
