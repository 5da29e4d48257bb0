package lessons

import (
	"go/ast"
	"go/token"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// resolveImports returns the import paths a parsed program is missing: for
// each selector pkg.Name whose pkg is declared nowhere, the package of the
// index named pkg that exports Name (all the names used, if one does),
// shortest import path first. Names the index cannot place are left for the
// compiler to report.
func resolveImports(f *ast.File) []string {
	imported := map[string]bool{}
	for _, spec := range f.Imports {
		p, err := strconv.Unquote(spec.Path.Value)
		if err != nil {
			continue
		}
		if spec.Name != nil {
			imported[spec.Name.Name] = true
			continue
		}
		imported[importName(p)] = true
	}
	unresolved := map[string]bool{}
	for _, id := range f.Unresolved {
		unresolved[id.Name] = true
	}
	need := map[string][]string{} // package name -> selectors used
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		x, ok := sel.X.(*ast.Ident)
		if !ok || x.Obj != nil || !unresolved[x.Name] || imported[x.Name] || !token.IsExported(sel.Sel.Name) {
			return true
		}
		need[x.Name] = append(need[x.Name], sel.Sel.Name)
		return true
	})
	if len(need) == 0 {
		return nil
	}
	var paths []string
	for name, syms := range lookupPackages(need) {
		if p := choose(syms, need[name]); p != "" {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	return paths
}

// importName guesses the package name of an import path: its last element,
// skipping a major-version suffix.
func importName(p string) string {
	base := path.Base(p)
	if strings.Contains(p, "/") && len(base) > 1 && base[0] == 'v' && strings.Trim(base[1:], "0123456789") == "" {
		base = path.Base(path.Dir(p))
	}
	return base
}

// candidate is one package of the index with a given name.
type candidate struct {
	path    string
	symbols string // " Sym1 Sym2 ... "
}

// indexPackage is one line of importIndex (importPackages).
type indexPackage struct {
	path, name string
	syms, end  int // the exported names: importIndex[syms:end]
}

// lookupPackages returns, for each wanted package name, the packages of the
// index of that name. It reads the lines' heads (importPackages) and only
// the wanted lines of the index.
func lookupPackages(want map[string][]string) map[string][]candidate {
	found := map[string][]candidate{}
	for _, p := range &importPackages {
		if _, ok := want[p.name]; ok {
			found[p.name] = append(found[p.name], candidate{path: p.path, symbols: " " + importIndex[p.syms:p.end] + " "})
		}
	}
	return found
}

// isStdPath reports whether p is the import path of a package of the index
// (the standard library and golang.org/x/sys/unix; importPackages is
// sorted by path).
func isStdPath(p string) bool {
	_, ok := slices.BinarySearchFunc(importPackages[:], p, func(e indexPackage, p string) int { return strings.Compare(e.path, p) })
	return ok
}

// choose picks the package exporting all of syms, else the one exporting
// the most of them; shortest import path first. The one tie in the
// standard library, html/template and text/template, goes to
// text/template; any other tie is broken alphabetically. It returns ""
// when none exports any.
func choose(cands []candidate, syms []string) string {
	sort.Slice(cands, func(i, j int) bool {
		a, b := cands[i].path, cands[j].path
		switch {
		case len(a) != len(b):
			return len(a) < len(b)
		case a == "text/template" || b == "text/template":
			return a == "text/template"
		}
		return a < b
	})
	best, bestN := "", 0
	for _, c := range cands {
		n := 0
		for _, s := range syms {
			if strings.Contains(c.symbols, " "+s+" ") {
				n++
			}
		}
		if n > bestN {
			best, bestN = c.path, n
		}
	}
	return best
}
