package lessons

import (
	"fmt"
	"go/ast"
	"go/build/constraint"
	"go/parser"
	"go/token"
	"runtime"
	"strconv"
	"strings"
)

// Programs that need their surroundings: files built only for another
// system, servers and programs that wait for a signal, cgo.

// surroundings adjusts an inferred program that runs, from its assembled
// source: a file whose build constraint excludes this system is skipped;
// a program that imports "C" is built by the compiled engine; a server or
// a program waiting for a signal runs until the output the page shows
// (in an output fence, or before ^C in a shell transcript below it), and
// is built but not run when the page shows none.
func (b *builder) surroundings(pb *progBuilder, src string) {
	t := pb.target
	if !pb.inferred || pb.fragment || pb.exercise != "" || t.mode == ModeSkip {
		return
	}
	if why := b.excluded(pb); why != "" {
		t.mode, pb.skipReason = ModeSkip, why
		return
	}
	f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.SkipObjectResolution)
	if err != nil {
		return
	}
	if importsC(f) {
		if _, ok := t.settings["engine"]; !ok {
			t.engine = "compiled"
		}
	}
	if t.mode != ModeRun || t.expect.Fails != nil {
		return
	}
	for _, k := range []string{"mode", "until", "exit", "skip"} {
		if _, ok := t.settings[k]; ok {
			return
		}
	}
	what := waitsForever(f)
	if what == "" {
		if t.expect.Stdout != nil && endless(f) {
			// It prints forever: the page shows how it starts.
			t.expect.Until = true
		}
		return
	}
	if t.expect.Stdout == nil {
		if out := b.transcriptOutput(pb); out != nil {
			t.expect.Stdout = out
		}
	}
	if t.expect.Stdout != nil {
		t.expect.Until = true
		return
	}
	t.mode = ModeCompile
	pb.note = what + ": built, not run"
}

// excluded says why a program holding a file whose //go:build line
// excludes this system is not built, or "".
func (b *builder) excluded(pb *progBuilder) string {
	for _, u := range pb.units {
		if u.kind != unitFile && u.kind != unitFileHelper {
			continue
		}
		for i, l := range strings.Split(u.code(), "\n") {
			t := strings.TrimSpace(l)
			if strings.HasPrefix(t, "package ") {
				break
			}
			if !constraint.IsGoBuild(t) {
				continue
			}
			expr, err := constraint.Parse(t)
			if err != nil || expr.Eval(hostTag) {
				continue
			}
			return fmt.Sprintf("built only for %s (the //go:build line at line %d)", strings.TrimSpace(strings.TrimPrefix(t, "//go:build")), u.blocks[0].BodyLine+i)
		}
	}
	return ""
}

// hostTag reports whether a build tag holds on this system, for the
// compiled engine (cgo off unless the program imports "C").
func hostTag(tag string) bool {
	switch tag {
	case runtime.GOOS, runtime.GOARCH, "gc":
		return true
	case "unix":
		return runtime.GOOS != "windows" && runtime.GOOS != "plan9" && runtime.GOOS != "js" && runtime.GOOS != "wasip1"
	}
	if v, ok := strings.CutPrefix(tag, "go1."); ok {
		n, err := strconv.Atoi(v)
		return err == nil && n <= 26
	}
	return false
}

// importsC reports whether a file imports "C" (cgo).
func importsC(f *ast.File) bool {
	for _, sp := range f.Imports {
		if sp.Path.Value == `"C"` {
			return true
		}
	}
	return false
}

// waitsForever says what keeps a program running until it is stopped:
// "a server" (it serves HTTP, or accepts connections in an endless loop,
// outside a go statement) or "waits for a signal" (it receives from the
// channel given to signal.Notify, or waits for the context of
// signal.NotifyContext, and sends no signal itself); "" otherwise.
func waitsForever(f *ast.File) string {
	sigChans, sigCtxs := map[string]bool{}, map[string]bool{}
	sends := false
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			sel, ok := n.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			switch sel.Sel.Name {
			case "Notify":
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == "signal" && len(n.Args) > 0 {
					if id, ok := n.Args[0].(*ast.Ident); ok {
						sigChans[id.Name] = true
					}
				}
			case "Kill", "Signal", "Raise", "Tgkill", "Tkill":
				sends = true
			}
		case *ast.AssignStmt:
			if len(n.Rhs) == 1 && len(n.Lhs) >= 1 {
				if call, ok := n.Rhs[0].(*ast.CallExpr); ok {
					if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "NotifyContext" {
						if id, ok := n.Lhs[0].(*ast.Ident); ok {
							sigCtxs[id.Name] = true
						}
					}
				}
			}
		case *ast.BasicLit:
			if n.Kind == token.STRING && (n.Value == `"kill"` || strings.Contains(n.Value, "kill -")) {
				sends = true
			}
		}
		return true
	})
	server, signals := false, false
	var walk func(n ast.Node, inGo bool)
	walk = func(n ast.Node, inGo bool) {
		ast.Inspect(n, func(m ast.Node) bool {
			switch m := m.(type) {
			case *ast.GoStmt:
				walk(m.Call, true)
				return false
			case *ast.FuncLit:
				// A function literal runs where it is called; count
				// it as the code around it.
			case *ast.ForStmt:
				if m.Cond == nil && !inGo && acceptsIn(m.Body) {
					server = true
				}
			case *ast.CallExpr:
				if sel, ok := m.Fun.(*ast.SelectorExpr); ok && !inGo {
					switch sel.Sel.Name {
					case "ListenAndServe", "ListenAndServeTLS":
						server = true
					case "Serve", "ServeTLS":
						if x, ok := sel.X.(*ast.Ident); ok && (x.Name == "http" || x.Name == "fcgi") || len(m.Args) >= 1 {
							server = true
						}
					}
				}
			case *ast.UnaryExpr:
				if m.Op == token.ARROW && !inGo && waitsOn(m.X, sigChans, sigCtxs) {
					signals = true
				}
			case *ast.RangeStmt:
				if id, ok := m.X.(*ast.Ident); ok && sigChans[id.Name] && !inGo {
					signals = true
				}
			case *ast.SelectStmt:
				// A select may wait for something else as well.
				return false
			}
			return true
		})
	}
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Body != nil {
			walk(fn.Body, false)
		}
	}
	switch {
	case server:
		return "a server"
	case signals && !sends:
		return "a program that waits for a signal"
	}
	return ""
}

// acceptsIn reports whether a loop body accepts connections (x.Accept()).
func acceptsIn(body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Accept" && len(call.Args) == 0 {
				found = true
			}
		}
		return !found
	})
	return found
}

// waitsOn reports whether a receive waits on a signal channel or on the
// Done channel of a signal context.
func waitsOn(x ast.Expr, chans, ctxs map[string]bool) bool {
	switch x := x.(type) {
	case *ast.Ident:
		return chans[x.Name]
	case *ast.CallExpr:
		if sel, ok := x.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Done" {
			if id, ok := sel.X.(*ast.Ident); ok {
				return ctxs[id.Name]
			}
		}
	}
	return false
}

// transcriptOutput reads, in a shell block below the program (before the
// next Go block) that runs it, the lines it printed before it was stopped
// with ^C: what it must print before it can be stopped.
func (b *builder) transcriptOutput(pb *progBuilder) *Output {
	last := pb.blocks[len(pb.blocks)-1]
	below := false
	for _, f := range b.fences {
		if f == last {
			below = true
			continue
		}
		if !below {
			continue
		}
		if f.kind == kindGo {
			return nil
		}
		if f.kind != kindShell && !(f.kind == kindOther && f.Lang == "") {
			continue
		}
		var out []string
		ran, stopped := false, false
		for _, l := range strings.Split(f.Code, "\n") {
			t := strings.TrimSpace(l)
			if cmd, ok := strings.CutPrefix(t, "$ "); ok {
				if ran {
					break
				}
				ran = strings.HasPrefix(cmd, "go run") || strings.HasPrefix(cmd, "./")
				continue
			}
			if !ran {
				continue
			}
			if strings.HasPrefix(t, "^C") {
				stopped = true
				break
			}
			out = append(out, strings.TrimRight(l, " \t"))
		}
		if ran && stopped && len(out) > 0 {
			return &Output{Text: strings.Join(out, "\n") + "\n", Match: MatchContains, File: b.file, Line: f.Line}
		}
	}
	return nil
}

// endless reports whether func main ends in a loop with no condition that
// nothing leaves: no return, break out of it, goto, os.Exit, log.Fatal or
// panic inside.
func endless(f *ast.File) bool {
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv != nil || fn.Name.Name != "main" || fn.Body == nil || len(fn.Body.List) == 0 {
			continue
		}
		loop, ok := fn.Body.List[len(fn.Body.List)-1].(*ast.ForStmt)
		if !ok || loop.Cond != nil {
			return false
		}
		leaves := false
		var walk func(n ast.Node, depth int)
		walk = func(n ast.Node, depth int) {
			ast.Inspect(n, func(m ast.Node) bool {
				switch m := m.(type) {
				case *ast.FuncLit:
					return false
				case *ast.ReturnStmt:
					leaves = true
				case *ast.BranchStmt:
					if m.Tok == token.GOTO || (m.Tok == token.BREAK && (m.Label != nil || depth == 0)) {
						leaves = true
					}
				case *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
					if m != n {
						walk(m, depth+1)
						return false
					}
				case *ast.CallExpr:
					if sel, ok := m.Fun.(*ast.SelectorExpr); ok {
						if x, ok := sel.X.(*ast.Ident); ok && ((x.Name == "os" && sel.Sel.Name == "Exit") || (x.Name == "log" && strings.HasPrefix(sel.Sel.Name, "Fatal")) || (x.Name == "runtime" && sel.Sel.Name == "Goexit")) {
							leaves = true
						}
					}
					if id, ok := m.Fun.(*ast.Ident); ok && id.Name == "panic" {
						leaves = true
					}
				}
				return !leaves
			})
		}
		walk(loop.Body, 0)
		return !leaves
	}
	return false
}
