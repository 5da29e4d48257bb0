package check

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"github.com/ppworkbook/workbook/lessons"
)

// wanted is one alternative of a requires entry: a package-level name
// (typ == "") or a method or field of a named type.
type wanted struct {
	pkg  string // import path ("os/exec") or package name ("exec")
	typ  string
	name string
}

// parseWanted reads "exec.CommandContext", "os/exec.Command",
// "exec.Cmd.StdinPipe" or "(*os/exec.Cmd).StdinPipe".
func parseWanted(s string) wanted {
	s = strings.TrimPrefix(s, "(*")
	s = strings.Replace(s, ").", ".", 1)
	dir := ""
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		dir, s = s[:i+1], s[i+1:]
	}
	parts := strings.Split(s, ".")
	w := wanted{pkg: dir + parts[0]}
	switch len(parts) {
	case 2:
		w.name = parts[1]
	case 3:
		w.typ, w.name = parts[1], parts[2]
	}
	return w
}

// matches reports whether the object pkgPath.typ.name satisfies w.
func (w wanted) matches(pkgPath, pkgName, typ, name string) bool {
	return (w.pkg == pkgPath || w.pkg == pkgName) && w.typ == typ && w.name == name
}

// uses is what a program uses, as far as requires= is concerned.
type uses struct {
	file    *ast.File
	fset    *token.FileSet
	imports map[string]string // local name -> import path
	members map[string]bool   // selector names on values (x.Name where x is no package)
	typed   bool              // members below are known
	member  []typedMember     // from go/types
	failed  map[string]bool   // import paths the type checker could not load
}

type typedMember struct{ pkgPath, pkgName, typ, name string }

// missingRequires returns the entries of p.Expect.Requires that p does not
// use. Each entry is a list of alternatives separated by "|"; one
// alternative used is enough. Package-level names are resolved through the
// file's imports (an alias counts, the spelling of the package name does
// not matter); methods and fields are resolved with go/types, so a method
// of a type matches whatever the variable is called. A package the type
// checker cannot load leaves its methods to the spelling alone.
func missingRequires(p *lessons.Program) []string {
	if len(p.Expect.Requires) == 0 {
		return nil
	}
	u := &uses{fset: token.NewFileSet(), imports: map[string]string{}, members: map[string]bool{}}
	f, _ := parser.ParseFile(u.fset, p.File, p.Source, parser.SkipObjectResolution)
	if f == nil {
		return append([]string(nil), p.Expect.Requires...)
	}
	u.file = f
	for _, s := range f.Imports {
		path, err := strconv.Unquote(s.Path.Value)
		if err != nil {
			continue
		}
		is := importSpec{path: path}
		if s.Name != nil {
			is.name = s.Name.Name
		}
		u.imports[is.localName()] = path
	}
	pkgLevel := map[[2]string]bool{}
	spelled := map[string]bool{} // x.Name as written, for entries naming no package
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if id, ok := sel.X.(*ast.Ident); ok {
			spelled[id.Name+"."+sel.Sel.Name] = true
			if path, ok := u.imports[id.Name]; ok {
				pkgLevel[[2]string{path, sel.Sel.Name}] = true
				return true
			}
		}
		u.members[sel.Sel.Name] = true
		return true
	})
	var missing []string
	for _, entry := range p.Expect.Requires {
		ok := false
		for _, alt := range strings.Split(entry, "|") {
			w := parseWanted(alt)
			switch {
			case w.typ == "" && !u.isPackage(w.pkg):
				// Not a package the program imports: the entry names a
				// variable (cmd.StdinPipe), matched as spelled.
				ok = spelled[w.pkg+"."+w.name]
			case w.typ == "":
				for k := range pkgLevel {
					ok = ok || w.matches(k[0], importSpec{path: k[0]}.localName(), "", k[1])
				}
			default:
				ok = u.hasMember(w)
			}
			if ok {
				break
			}
		}
		if !ok {
			missing = append(missing, entry)
		}
	}
	return missing
}

// isPackage reports whether name is the import path or the package name
// of one of the program's imports.
func (u *uses) isPackage(name string) bool {
	for _, path := range u.imports {
		if name == path || name == (importSpec{path: path}).localName() {
			return true
		}
	}
	return false
}

// hasMember reports whether the program selects method or field w.name of
// type w.pkg.w.typ on any value.
func (u *uses) hasMember(w wanted) bool {
	if !u.members[w.name] {
		return false // no selector of that name at all
	}
	u.typeCheck()
	for _, m := range u.member {
		if w.matches(m.pkgPath, m.pkgName, m.typ, m.name) {
			return true
		}
	}
	// The type checker could not load the type's package: trust the
	// spelling.
	for path := range u.failed {
		if w.pkg == path || w.pkg == (importSpec{path: path}).localName() {
			return true
		}
	}
	return false
}

// typeCheck resolves every selector of the program with go/types, once.
func (u *uses) typeCheck() {
	if u.typed {
		return
	}
	u.typed = true
	u.failed = map[string]bool{}
	info := &types.Info{Selections: map[*ast.SelectorExpr]*types.Selection{}}
	imp := importer.ForCompiler(u.fset, "gc", nil).(types.ImporterFrom)
	conf := types.Config{
		Importer: importerFunc(func(path string) (*types.Package, error) {
			pkg, err := imp.ImportFrom(path, "", 0)
			if err != nil {
				u.failed[path] = true
			}
			return pkg, err
		}),
		Error: func(error) {}, // a program that does not build fails before requires
	}
	_, _ = conf.Check("main", u.fset, []*ast.File{u.file}, info)
	add := func(t types.Type, name string) {
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		n, ok := types.Unalias(t).(*types.Named)
		if !ok || n.Obj().Pkg() == nil {
			return
		}
		pkg := n.Obj().Pkg()
		u.member = append(u.member, typedMember{pkgPath: pkg.Path(), pkgName: pkg.Name(), typ: n.Obj().Name(), name: name})
	}
	for _, sel := range info.Selections {
		obj := sel.Obj()
		add(sel.Recv(), obj.Name())
		if fn, ok := obj.(*types.Func); ok {
			if sig, ok := fn.Type().(*types.Signature); ok && sig.Recv() != nil {
				add(sig.Recv().Type(), obj.Name()) // a promoted method's own type
			}
		}
	}
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }
