package check

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/ppworkbook/workbook/lessons"
)

// edit is one replacement in a program's source: the bytes [from, to)
// become text. Edits never add or remove lines of the original, so every
// //line directive and the source map keep pointing at the right lines.
type edit struct {
	from, to int
	text     string
}

// applyEdits applies non-overlapping edits to src.
func applyEdits(src string, edits []edit) string {
	sort.Slice(edits, func(i, j int) bool { return edits[i].from < edits[j].from })
	var b strings.Builder
	at := 0
	for _, e := range edits {
		if e.from < at {
			continue // overlaps an earlier edit
		}
		b.WriteString(src[at:e.from])
		b.WriteString(e.text)
		at = e.to
	}
	b.WriteString(src[at:])
	return b.String()
}

// blank replaces src[from:to] by spaces, keeping its newlines.
func blank(src string, from, to int) edit {
	b := []byte(src[from:to])
	for i, c := range b {
		if c != '\n' {
			b[i] = ' '
		}
	}
	return edit{from: from, to: to, text: string(b)}
}

// importSpec is one import of a file.
type importSpec struct {
	name, path string // name is "" when the import does not rename
}

// localName is the name an import declares in the file.
func (s importSpec) localName() string {
	if s.name != "" {
		return s.name
	}
	base := path.Base(s.path)
	if strings.Contains(s.path, "/") && len(base) > 1 && base[0] == 'v' && strings.Trim(base[1:], "0123456789") == "" {
		base = path.Base(path.Dir(s.path))
	}
	return base
}

func (s importSpec) String() string {
	if s.name != "" {
		return s.name + " " + strconv.Quote(s.path)
	}
	return strconv.Quote(s.path)
}

// parsedFile is a program's source with its syntax tree.
type parsedFile struct {
	src  string
	fset *token.FileSet
	f    *ast.File
}

func parseSource(name, src string) (*parsedFile, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	return &parsedFile{src: src, fset: fset, f: f}, nil
}

func (pf *parsedFile) off(p token.Pos) int { return pf.fset.Position(p).Offset }

// afterPackage is the offset just after the package clause's name: text
// inserted there (after a ";") stays on the package clause's line.
func (pf *parsedFile) afterPackage() int { return pf.off(pf.f.Name.End()) }

// imports lists the file's imports.
func (pf *parsedFile) imports() []importSpec {
	var out []importSpec
	for _, s := range pf.f.Imports {
		p, err := strconv.Unquote(s.Path.Value)
		if err != nil {
			continue
		}
		is := importSpec{path: p}
		if s.Name != nil {
			is.name = s.Name.Name
		}
		out = append(out, is)
	}
	return out
}

// declName names a top-level declaration for replacement: a function
// "F", a method "T.M", and the names of types, variables and constants.
func declNames(d ast.Decl) []string {
	switch d := d.(type) {
	case *ast.FuncDecl:
		if d.Recv != nil && len(d.Recv.List) > 0 {
			return []string{lessons.ReceiverType(d.Recv.List[0].Type) + "." + d.Name.Name}
		}
		return []string{d.Name.Name}
	case *ast.GenDecl:
		var out []string
		for _, s := range d.Specs {
			switch s := s.(type) {
			case *ast.TypeSpec:
				out = append(out, s.Name.Name)
			case *ast.ValueSpec:
				for _, n := range s.Names {
					out = append(out, n.Name)
				}
			}
		}
		return out
	}
	return nil
}

// identsIn collects the identifiers used in nodes.
func identsIn(nodes []ast.Node) map[string]bool {
	used := map[string]bool{}
	for _, n := range nodes {
		ast.Inspect(n, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				used[id.Name] = true
			}
			return true
		})
	}
	return used
}

// withHarness returns the learner's source with the harness's
// declarations in place of its main (and of every declaration the harness
// declares too): the learner's lines stay where they were (replaced
// declarations become blank lines), the harness's imports join the
// package clause's line, imports only the removed code used become blank
// imports, and the harness's code follows at the end under its own //line
// directives.
func withHarness(name, src, harness string) (string, error) {
	learner, err := parseSource(name, src)
	if err != nil {
		return "", err
	}
	h, err := parseSource("harness.go", harness)
	if err != nil {
		return "", fmt.Errorf("the harness does not parse: %w", err)
	}
	replaced := map[string]bool{"main": true}
	for _, d := range h.f.Decls {
		for _, n := range declNames(d) {
			replaced[n] = true
		}
	}
	var edits []edit
	var kept []ast.Node
	for _, d := range learner.f.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.IMPORT {
			continue
		}
		names := declNames(d)
		cut := len(names) > 0
		for _, n := range names {
			cut = cut && replaced[n]
		}
		if !cut {
			kept = append(kept, d)
			continue
		}
		from := learner.off(d.Pos())
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Doc != nil {
				from = learner.off(d.Doc.Pos())
			}
		case *ast.GenDecl:
			if d.Doc != nil {
				from = learner.off(d.Doc.Pos())
			}
		}
		edits = append(edits, blank(src, from, learner.off(d.End())))
	}
	hBody := identsIn(declsAsNodes(h.f.Decls))
	used := identsIn(kept)
	have := map[string]bool{}
	for _, s := range learner.f.Imports {
		p, _ := strconv.Unquote(s.Path.Value)
		is := importSpec{path: p}
		if s.Name != nil {
			is.name = s.Name.Name
		}
		have[is.String()] = true
		ln := is.localName()
		if ln == "_" || ln == "." || used[ln] || hBody[ln] {
			continue
		}
		// Only the replaced code used it: keep it imported, as _.
		from, to := learner.off(s.Pos()), learner.off(s.End())
		text := "_ " + strconv.Quote(p)
		if len(text) < to-from {
			text += strings.Repeat(" ", to-from-len(text))
		}
		edits = append(edits, edit{from: from, to: to, text: text})
	}
	var add []string
	for _, is := range h.imports() {
		if !have[is.String()] {
			add = append(add, is.String())
		}
	}
	if len(add) > 0 {
		at := learner.afterPackage()
		edits = append(edits, edit{from: at, to: at, text: "; import (" + strings.Join(add, "; ") + ")"})
	}
	out := applyEdits(src, edits)
	if !strings.HasSuffix(out, "\n") {
		out += "\n"
	}
	return out + harnessBody(h), nil
}

func declsAsNodes(ds []ast.Decl) []ast.Node {
	out := make([]ast.Node, 0, len(ds))
	for _, d := range ds {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.IMPORT {
			continue
		}
		out = append(out, d)
	}
	return out
}

// harnessBody is the harness's source after its package clause and
// imports.
func harnessBody(h *parsedFile) string {
	end := h.off(h.f.Name.End())
	for _, d := range h.f.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.IMPORT {
			end = h.off(gd.End())
		}
	}
	rest := h.src[end:]
	if i := strings.IndexByte(rest, '\n'); i >= 0 {
		rest = rest[i+1:]
	}
	return rest
}
