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
	blockPieces := func(u *unit) []piece {
		var out []piece
		for i, f := range u.blocks {
			code := f.Code
			if i == 0 && u.kind != unitFile && !isFile {
				imp, rest := splitImports(code)
				if imp != "" {
					hoisted = append(hoisted, codeOf(imp, f.BodyLine))
					out = append(out, codeOf(rest, f.BodyLine+strings.Count(imp, "\n")))
					continue
				}
			}
			out = append(out, codeOf(code, f.BodyLine))
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
		body = append(body, piece{line: l0, text: "func main() {}\n"})
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
	return src, m, b.outputComment(src), nil
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
		var comments []*ast.CommentGroup
		for _, cg := range f.Comments {
			var list []*ast.Comment
			for _, c := range cg.List {
				if !strings.HasPrefix(c.Text, "//line ") {
					list = append(list, c)
				}
			}
			if len(list) > 0 {
				comments = append(comments, &ast.CommentGroup{List: list})
			}
		}
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
