// Package symbols holds the symbol tables of the packages an interpreted
// program can import: the standard-library packages listed in std.txt, as
// of the Go version that ran `go generate` (unrestricted: os.Exit,
// log.Fatal and os/exec behave as in Go), syscall and golang.org/x/sys/unix.
// The list is trimmed to what lesson programs plausibly use, because every
// table links its package into the workbook binary, whose size and package
// inits every process start pays (the sandbox child's included); a program
// importing anything else runs under the compiled engine.
//
// Nothing is built at process start. Each package's table is a function,
// found by import path through a generated switch, and built only when a
// program imports the package; the yaegi stdlib packages, whose init builds
// every table, are deliberately not imported.
package symbols

import (
	"reflect"
)

//go:generate go run ./gen -list std.txt
//go:generate go run ./gen -platform syscall golang.org/x/sys/unix

// Exports is the shape interp.Interpreter.Use takes (interp.Exports).
type Exports = map[string]map[string]reflect.Value

// Table builds the symbol table of the package at importPath and returns
// it with the key interp.Use expects ("path/name"); ok is false when there
// is no table for that path.
func Table(importPath string) (key string, table map[string]reflect.Value, ok bool) {
	key, build := stdTable(importPath)
	if build == nil {
		key, build = platformTable(importPath)
	}
	if build == nil {
		return "", nil, false
	}
	return key, build(), true
}

// For builds the tables of the given import paths, plus the interface
// mappings yaegi needs for them (see MapTypes), ready for interp.Use.
// Paths without a table are left out: the interpreter reports them as
// unknown imports.
func For(importPaths []string) Exports {
	out := make(Exports, len(importPaths)+1)
	for _, p := range importPaths {
		if key, table, ok := Table(p); ok {
			out[key] = table
		}
	}
	if mt := MapTypes(importPaths); len(mt) > 0 {
		out["."] = map[string]reflect.Value{"MapTypes": reflect.ValueOf(mt)}
	}
	return out
}

// Has reports whether there is a symbol table for importPath (without
// building it).
func Has(importPath string) bool {
	_, build := stdTable(importPath)
	if build == nil {
		_, build = platformTable(importPath)
	}
	return build != nil
}
