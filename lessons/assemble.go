package lessons

import (
	"fmt"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
)

func codeOf(text string, line int) piece {
	return piece{line: line, text: text, code: true}
}

// piece is a run of lines of an assembled program, preceded by a //line
// directive pointing at line.
type piece struct {
	line int    // Markdown line the directive names
	text string // lines, each ending in "\n"
	code bool   // true: line i of text is Markdown line line+i; false: synthetic
}

// render writes pieces as Go source with //line directives, and the map of
// its lines.
func render(file string, pieces []piece) (string, SourceMap) {
	var b strings.Builder
	var m SourceMap
	for _, p := range pieces {
		if p.text == "" {
			continue
		}
		fmt.Fprintf(&b, "//line %s:%d\n", file, p.line)
		m.Lines = append(m.Lines, Pos{})
		b.WriteString(p.text)
		n := strings.Count(p.text, "\n")
		for i := 0; i < n; i++ {
			if p.code {
				m.Lines = append(m.Lines, Pos{File: file, Line: p.line + i})
			} else {
				m.Lines = append(m.Lines, Pos{})
			}
		}
	}
	return b.String(), m
}

// splitImports splits the import declarations off the start of code, so
// that they can go at the top of the program. It returns code unchanged
// when there are none.
func splitImports(code string) (imports, rest string) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", pkgMain+code, parser.ImportsOnly|parser.SkipObjectResolution)
	if err != nil || len(f.Decls) == 0 {
		return "", code
	}
	end := fset.Position(f.Decls[len(f.Decls)-1].End()).Offset - len(pkgMain)
	if end < 0 || end > len(code) {
		return "", code
	}
	if nl := strings.IndexByte(code[end:], '\n'); nl >= 0 {
		end += nl + 1
	} else {
		end = len(code)
	}
	return code[:end], code[end:]
}

// assemble writes the program's source. It returns the expectation of an
// // Output: comment at the end of main, if there is one.
func (b *builder) assemble(pb *progBuilder) (string, SourceMap, *Output, error) {
	src, m, wrapped := b.assembleWith(pb, nil)
	_, authorMode := pb.target.settings["mode"]
	if f := pb.target.expect.Fails; f != nil && f.Kind == FailsBuild {
		authorMode = true // the page shows the compiler's complaint: keep what it complains about
	}
	inserts := map[int]string{}
	if wrapped && !authorMode {
		for line, names := range unusedVars(src, m) {
			for _, n := range names {
				inserts[line] += "_ = " + n + "\n"
			}
		}
	}
	if line, imports := fileImports(pb, src); len(imports) > 0 {
		text := "\nimport (\n"
		for _, p := range imports {
			text += "\t" + strconv.Quote(p) + "\n"
		}
		inserts[line] += text + ")\n"
	}
	if len(inserts) > 0 {
		src, m, _ = b.assembleWith(pb, inserts)
	}
	return src, m, b.programOutput(pb, src), nil
}

// assembleWith writes the program's source, with synthetic lines added
// after some Markdown lines (inserts[line] goes after line). It reports
// whether statements were wrapped in a func main.
func (b *builder) assembleWith(pb *progBuilder, inserts map[int]string) (string, SourceMap, bool) {
	l0 := pb.blocks[0].Line
	var hoisted, body []piece
	isFile := false
	for _, u := range pb.units {
		isFile = isFile || u.kind == unitFile
	}
	// Whole-file units come first, used as they are.
	var units []*unit
	for _, u := range pb.units {
		if u.kind == unitFile {
			units = append(units, u)
		}
	}
	for _, u := range pb.units {
		if u.kind != unitFile {
			units = append(units, u)
		}
	}
	cuts := replaced(pb.units)
	seenImports := map[string]bool{} // "name \"path\"" of the hoisted imports
	blockPieces := func(u *unit) []piece {
		var out []piece
		off := 0
		for i, f := range u.blocks {
			code := f.Code
			lines := strings.SplitAfter(code, "\n")
			if lines[len(lines)-1] == "" {
				lines = lines[:len(lines)-1]
			}
			drop := make([]bool, len(lines))
			for _, c := range cuts[u] {
				s, e := c.start-off, c.end-off
				if e <= 0 || s >= len(code) {
					continue
				}
				first := strings.Count(code[:max(s, 0)], "\n")
				last := strings.Count(code[:min(e, len(code))], "\n")
				for l := first; l <= last && l < len(drop); l++ {
					drop[l] = true
				}
			}
			start := 0
			if i == 0 && u.kind == unitFileHelper {
				// Drop the package clause (blanked, so that the
				// imports after it can be found), and the build
				// constraints before it, which only a file's head
				// may hold.
				if first, last, ok := packageLines(code); ok {
					for l := first; l <= last; l++ {
						drop[l] = true
					}
					for l := 0; l < first; l++ {
						if t := strings.TrimSpace(lines[l]); strings.HasPrefix(t, "//go:build") || strings.HasPrefix(t, "// +build") {
							drop[l] = true
						}
					}
					code = strings.Repeat("\n", last+1) + strings.Join(lines[last+1:], "")
				}
			}
			if i == 0 && u.kind != unitFile {
				if imp, _ := splitImports(code); imp != "" {
					k := strings.Count(imp, "\n")
					if isFile {
						// No room for them in a whole file: the
						// imports it needs are added after its
						// package clause.
						for l := 0; l < k; l++ {
							drop[l] = true
						}
					} else {
						// The same import in two stitched
						// snippets is imported once.
						specs := importSpecs(imp)
						var fresh []string
						for _, sp := range specs {
							if !seenImports[sp] {
								fresh = append(fresh, sp)
							}
							seenImports[sp] = true
						}
						switch {
						case len(fresh) == len(specs):
							hoisted = append(hoisted, keptPieces(lines[:k], drop[:k], f.BodyLine, nil)...)
						case len(fresh) > 0:
							hoisted = append(hoisted, piece{line: f.BodyLine, text: "import (\n\t" + strings.Join(fresh, "\n\t") + "\n)\n"})
						}
						start = k
					}
				}
			}
			out = append(out, keptPieces(lines[start:], drop[start:], f.BodyLine+start, inserts)...)
			off += len(f.Code)
		}
		return out
	}
	wrapped := false
	for _, u := range units {
		if u.kind != unitStmts {
			body = append(body, blockPieces(u)...)
			continue
		}
		if wrapped {
			continue
		}
		wrapped = true
		body = append(body, piece{line: u.blocks[0].Line, text: "func main() {\n"})
		var last *fence
		for _, s := range units {
			if s.kind == unitStmts {
				body = append(body, blockPieces(s)...)
				last = s.blocks[len(s.blocks)-1]
			}
		}
		body = append(body, piece{line: last.closeLine, text: "}\n"})
	}
	if pb.emptyMain {
		text := "func main() {}\n"
		if ex := pb.examples(); len(ex) > 0 {
			text = "func main() {\n"
			for _, name := range ex {
				text += "\t" + name + "()\n"
			}
			text += "}\n"
		}
		body = append(body, piece{line: l0, text: text})
	}
	build := func(imports []string) (string, SourceMap) {
		var ps []piece
		if !isFile {
			head := pkgMain
			if len(imports) > 0 {
				head += "\nimport (\n"
				for _, p := range imports {
					head += "\t" + strconv.Quote(p) + "\n"
				}
				head += ")\n"
			}
			ps = append(ps, piece{line: l0, text: head})
			ps = append(ps, hoisted...)
		}
		return render(b.file, append(ps, body...))
	}
	src, m := build(nil)
	if !isFile {
		fset := token.NewFileSet()
		if f, _ := parser.ParseFile(fset, b.file, src, 0); f != nil {
			if imports := resolveImports(f); len(imports) > 0 {
				src, m = build(imports)
			}
		}
	}
	return src, m, wrapped
}

// importSpecs returns the import specs of import declarations, each as
// written (`"fmt"`, `str "strings"`).
func importSpecs(imports string) []string {
	f, err := parser.ParseFile(token.NewFileSet(), "", pkgMain+imports, parser.ImportsOnly|parser.SkipObjectResolution)
	if err != nil {
		return nil
	}
	var out []string
	for _, sp := range f.Imports {
		s := sp.Path.Value
		if sp.Name != nil {
			s = sp.Name.Name + " " + s
		}
		out = append(out, s)
	}
	return out
}

// packageLines returns the 0-based lines of code that hold its package
// clause.
func packageLines(code string) (int, int, bool) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", code, parser.PackageClauseOnly)
	if err != nil {
		return 0, 0, false
	}
	return fset.PositionFor(f.Package, false).Line - 1, fset.PositionFor(f.Name.End(), false).Line - 1, true
}

// fileImports returns, for a program whose first unit is a whole file, the
// imports it misses and the Markdown line of its package clause, after
// which they go.
func fileImports(pb *progBuilder, src string) (int, []string) {
	var first *unit
	for _, u := range pb.units {
		if u.kind == unitFile {
			first = u
			break
		}
	}
	if first == nil {
		return 0, nil
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, 0)
	if err != nil {
		return 0, nil
	}
	imports := resolveImports(f)
	if len(imports) == 0 {
		return 0, nil
	}
	blk := first.blocks[0]
	pf, err := parser.ParseFile(token.NewFileSet(), "", blk.Code, parser.PackageClauseOnly)
	if err != nil {
		return 0, nil
	}
	return blk.BodyLine + strings.Count(blk.Code[:int(pf.Name.End())-1], "\n"), imports
}

// unusedVars finds the variables that wrapped statements define at the top
// level of main and never use (a snippet shown on its own, such as
// cmd := exec.Command("ls")), by the Markdown line of the end of the
// statement defining them.
func unusedVars(src string, m SourceMap) map[int][]string {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, 0)
	if err != nil {
		return nil
	}
	var main *ast.FuncDecl
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && fn.Name.Name == "main" && fn.Body != nil {
			main = fn
		}
	}
	if main == nil {
		return nil
	}
	// The parser's syntactic resolution is enough here: the variables
	// are local to main, where it is exact, and no type information is
	// available.
	//lint:ignore SA1019 see above
	used := map[*ast.Object]bool{}
	declared := map[*ast.Ident]bool{}
	var order []*ast.Ident
	var at []int
	for _, s := range main.Body.List {
		var ids []*ast.Ident
		switch s := s.(type) {
		case *ast.AssignStmt:
			if s.Tok == token.DEFINE {
				for _, l := range s.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Obj != nil && id.Obj.Decl == s {
						ids = append(ids, id)
					}
				}
			}
		case *ast.DeclStmt:
			if g, ok := s.Decl.(*ast.GenDecl); ok && g.Tok == token.VAR {
				for _, sp := range g.Specs {
					for _, id := range sp.(*ast.ValueSpec).Names {
						if id.Obj != nil {
							ids = append(ids, id)
						}
					}
				}
			}
		}
		// The line a statement ends on, in Markdown; the insert goes
		// after it (unless it is synthetic).
		end := fset.PositionFor(s.End(), false).Line
		pos, ok := m.Lookup(end)
		for _, id := range ids {
			if id.Name == "_" || !ok {
				continue
			}
			declared[id] = true
			order = append(order, id)
			at = append(at, pos.Line)
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && id.Obj != nil && !declared[id] {
			used[id.Obj] = true
		}
		return true
	})
	out := map[int][]string{}
	for i, id := range order {
		if !used[id.Obj] {
			out[at[i]] = append(out[at[i]], id.Name)
		}
	}
	return out
}

// programOutput is the expectation of the program's // Output: comments:
// the one at the end of main, or, when several statements snippets each
// end with one, all of them in order.
func (b *builder) programOutput(pb *progBuilder, src string) *Output {
	if ex := pb.examples(); len(ex) > 0 {
		return b.examplesOutput(src, ex)
	}
	out := b.outputComment(src)
	var parts []*Output
	for _, u := range pb.units {
		if u.kind != unitStmts {
			continue
		}
		o := b.outputComment(wrapHead + u.code() + wrapTail)
		if o == nil {
			continue
		}
		parts = append(parts, o)
	}
	if out == nil || len(parts) < 2 {
		return out
	}
	var text strings.Builder
	for _, o := range parts {
		if o.Match != MatchGo {
			return out
		}
		if t := strings.TrimSpace(o.Text); t != "" {
			text.WriteString(t + "\n")
		}
	}
	out.Text = text.String()
	return out
}

// keptPieces returns the lines not dropped, as pieces of consecutive
// lines; lines[0] is Markdown line first.
func keptPieces(lines []string, drop []bool, first int, inserts map[int]string) []piece {
	var out []piece
	var cur strings.Builder
	start := -1
	flush := func() {
		if start >= 0 {
			out = append(out, codeOf(cur.String(), first+start))
			cur.Reset()
			start = -1
		}
	}
	for i, l := range lines {
		if drop[i] {
			flush()
			continue
		}
		if start < 0 {
			start = i
		}
		cur.WriteString(l)
		if text, ok := inserts[first+i]; ok {
			flush()
			out = append(out, piece{line: first + i, text: text})
		}
	}
	flush()
	if len(out) == 0 {
		// Keep the block's position even when all of it is cut.
		out = append(out, codeOf("", first))
	}
	return out
}

// replaced returns, for each unit of a program, the declarations a later
// unit of the program declares again (an "improved version"): they are
// cut from the program, so that the last version wins. A grouped
// declaration (const ( A = iota; B )) is cut when a later unit declares
// every name it declares.
func replaced(units []*unit) map[*unit][]decl {
	cuts := map[*unit][]decl{}
	later := map[string]bool{} // names declared by the units after
	for i := len(units) - 1; i >= 0; i-- {
		u := units[i]
		if u.kind == unitStmts {
			continue
		}
		for _, d := range u.decls {
			all := true
			for _, k := range d.keys {
				all = all && later[k]
			}
			if all {
				cuts[u] = append(cuts[u], d)
			}
		}
		for _, d := range u.decls {
			for _, k := range d.keys {
				later[k] = true
			}
		}
	}
	return cuts
}

// outputComment reads an // Output: or // Unordered output: comment at the
// end of func main, with go/doc's own example rules.
func (b *builder) outputComment(src string) *Output {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, b.file, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil || f == nil {
		return nil
	}
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv != nil || fn.Name.Name != "main" || fn.Body == nil {
			continue
		}
		// Our //line directives are comments too: go/doc must not take
		// one for the last comment of main.
		comments := withoutLineDirectives(f.Comments)
		example := &ast.FuncDecl{Name: ast.NewIdent("Example"), Type: fn.Type, Body: fn.Body}
		file := &ast.File{Name: f.Name, Decls: []ast.Decl{example}, Comments: comments}
		exs := doc.Examples(file)
		if len(exs) != 1 || (exs[0].Output == "" && !exs[0].EmptyOutput) {
			return nil
		}
		var last *ast.CommentGroup
		for _, cg := range comments {
			if cg.Pos() >= fn.Body.Pos() && cg.End() <= fn.Body.End() {
				last = cg
			}
		}
		o := &Output{Text: exs[0].Output, Match: MatchGo, File: b.file}
		if exs[0].Unordered {
			o.Match = MatchUnordered
		}
		if last != nil {
			o.Line = fset.Position(last.Pos()).Line
		}
		return o
	}
	return nil
}

// examples returns the Go example functions (func ExampleXxx() ending
// with an // Output: comment), in document order, that a program without
// main declares: go test would run them and compare their output, so the
// program's main runs them and its expectation is their output.
func (pb *progBuilder) examples() []string {
	if !pb.emptyMain {
		return nil
	}
	var names []string
	for _, u := range pb.units {
		if u.kind != unitStmts && !u.tests {
			names = append(names, exampleNames(u.code())...)
		}
	}
	return names
}

// exampleNames returns the example functions with an output comment that
// code (declarations, with or without a package clause) declares.
func exampleNames(code string) []string {
	if !strings.Contains(code, "Example") {
		return nil
	}
	src := code
	if t1, _, _ := firstTokens(code); t1 != token.PACKAGE {
		src = pkgMain + code
	}
	f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil || f == nil {
		return nil
	}
	withOutput := map[string]bool{}
	for _, ex := range doc.Examples(f) {
		if ex.Output != "" || ex.EmptyOutput {
			withOutput["Example"+ex.Name] = true
		}
	}
	var names []string
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && withOutput[fn.Name.Name] {
			names = append(names, fn.Name.Name)
		}
	}
	return names
}

// examplesOutput is the expectation of the example functions a program
// runs: the output comment of one example, or the outputs of several
// ordered ones in order (none when several mix in unordered output).
func (b *builder) examplesOutput(src string, names []string) *Output {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, b.file, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil || f == nil {
		return nil
	}
	comments := withoutLineDirectives(f.Comments)
	var decls []ast.Decl
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && strings.HasPrefix(fn.Name.Name, "Example") {
			decls = append(decls, fn)
		}
	}
	byName := map[string]*doc.Example{}
	for _, ex := range doc.Examples(&ast.File{Name: f.Name, Decls: decls, Comments: comments}) {
		byName["Example"+ex.Name] = ex
	}
	var out *Output
	var text strings.Builder
	for _, name := range names {
		ex := byName[name]
		if ex == nil {
			return nil
		}
		if ex.Unordered && len(names) > 1 {
			return nil
		}
		if out == nil {
			out = &Output{Match: MatchGo, File: b.file}
			if ex.Unordered {
				out.Match = MatchUnordered
			}
			for _, cg := range comments {
				if cg.Pos() >= ex.Code.Pos() && cg.End() <= ex.Code.End() {
					out.Line = fset.Position(cg.Pos()).Line
				}
			}
		}
		if t := strings.TrimSpace(ex.Output); t != "" {
			text.WriteString(t + "\n")
		}
	}
	if out != nil {
		out.Text = text.String()
	}
	return out
}

// withoutLineDirectives returns the comment groups without the //line
// directives the assembler writes, dropping groups left empty.
func withoutLineDirectives(groups []*ast.CommentGroup) []*ast.CommentGroup {
	var out []*ast.CommentGroup
	for _, cg := range groups {
		var list []*ast.Comment
		for _, c := range cg.List {
			if !strings.HasPrefix(c.Text, "//line ") {
				list = append(list, c)
			}
		}
		if len(list) > 0 {
			out = append(out, &ast.CommentGroup{List: list})
		}
	}
	return out
}
