package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/sandbox"
)

// PackageRun reports whether a program is a package that is not main, or
// has tests: it is built as a package, and its tests run with go test,
// whatever engine was asked for (the interpreter runs neither).
func PackageRun(p *lessons.Program) bool {
	return p != nil && (p.Package != "" || p.Tests != "")
}

// runPackage builds a package that is not main (never executed), or
// builds the test binary of a package with tests (go test -c) and runs it
// in the sandbox with -test.v, benchmarks once each.
func (c *compiledEngine) runPackage(ctx context.Context, req Request, pool *sandbox.Pool) (*Verdict, error) {
	p := req.Program
	if c.tc.path == "" {
		return &Verdict{Engine: Compiled, End: EngineError, Message: "compiled engine: the go command was not found on PATH"}, nil
	}
	sweepStale(os.TempDir(), "workbook-build-", staleAfter)
	mod, err := os.MkdirTemp("", "workbook-build-")
	if err != nil {
		return nil, fmt.Errorf("compiled engine: %w", err)
	}
	defer os.RemoveAll(mod)
	path := p.ImportPath
	if path == "" {
		path = "workbook.lesson/program"
	}
	gomod := fmt.Sprintf("module %s\n\ngo %s\n\nrequire %s %s\n", path, goLine(), xsysModule, c.xsys)
	name := "main"
	if p.Package != "" {
		name = p.Package
	}
	files := map[string]string{"go.mod": gomod, name + ".go": p.Source}
	if p.Tests != "" {
		files[name+"_test.go"] = p.Tests
	}
	for f, text := range files {
		if err := os.WriteFile(filepath.Join(mod, f), []byte(text), 0o644); err != nil {
			return nil, fmt.Errorf("compiled engine: %w", err)
		}
	}
	bin := filepath.Join(mod, "pkg.test")
	args := []string{"build", "-o", os.DevNull, "."}
	if p.Tests != "" {
		args = []string{"test", "-c", "-o", bin, "."}
	}
	cmd, err := c.goCommand(ctx, mod, UsesCgo(p.Source), args...)
	if err != nil {
		return nil, err
	}
	c.builds.Add(1)
	out, err := cmd.CombinedOutput()
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("compiled engine: build: %w", ctx.Err())
		}
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			return &Verdict{Engine: Compiled, End: EngineError, Message: fmt.Sprintf("compiled engine: running go %s: %v", args[0], err)}, nil
		}
		diags := parsePackageErrors(out, p)
		if len(diags) == 0 {
			diags = []Diagnostic{{Msg: strings.TrimSpace(string(out))}}
		}
		return &Verdict{Engine: Compiled, End: BuildFailed, Diagnostics: diags, Message: "the package does not compile"}, nil
	}
	if p.Tests == "" || req.CompileOnly {
		return &Verdict{Engine: Compiled, End: Built}, nil
	}
	return c.exec(ctx, req, pool, bin, []string{"-test.v", "-test.bench=.", "-test.benchtime=1x", "-test.count=1"}), nil
}

// parsePackageErrors is parseBuildErrors for a package and its test
// file: messages naming the test file go through the tests' map.
func parsePackageErrors(out []byte, p *lessons.Program) []Diagnostic {
	diags := parseBuildErrors(out, p)
	if p.Tests == "" {
		return diags
	}
	for i, d := range diags {
		if d.Pos.Line != 0 {
			continue
		}
		m := buildErrorLine().FindStringSubmatch(d.Msg)
		if m == nil || !strings.HasSuffix(m[1], "_test.go") {
			continue
		}
		var n int
		fmt.Sscanf(m[2], "%d", &n)
		if pos, ok := p.TestsMap.Lookup(n); ok {
			diags[i] = Diagnostic{Pos: pos, Msg: m[3]}
		}
	}
	return diags
}
