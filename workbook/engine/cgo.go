package engine

import (
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"strings"
	"sync"
)

// UsesCgo reports whether a program's source imports "C": it is built
// with cgo, which needs a C compiler.
func UsesCgo(src string) bool {
	if !strings.Contains(src, `"C"`) {
		return false
	}
	f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.ImportsOnly)
	if err != nil {
		return false
	}
	for _, sp := range f.Imports {
		if sp.Path.Value == `"C"` {
			return true
		}
	}
	return false
}

// HasCCompiler reports whether a C compiler for cgo is on PATH: $CC, else
// gcc or clang (what go build looks for).
var HasCCompiler = sync.OnceValue(func() bool {
	names := []string{"gcc", "clang", "cc"}
	if cc := strings.Fields(os.Getenv("CC")); len(cc) > 0 {
		names = []string{cc[0]}
	}
	for _, n := range names {
		if _, err := exec.LookPath(n); err == nil {
			return true
		}
	}
	return false
})

// withCgo turns cgo on in a build environment made by buildEnv.
func withCgo(env []string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		if kv != "CGO_ENABLED=0" {
			out = append(out, kv)
		}
	}
	return append(out, "CGO_ENABLED=1")
}
