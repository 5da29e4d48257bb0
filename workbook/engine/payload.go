package engine

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"io"
	"os"
	"reflect"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"

	"github.com/traefik/yaegi/interp"

	"github.com/ppworkbook/workbook/workbook/engine/symbols"
	"github.com/ppworkbook/workbook/workbook/sandbox"
)

// yaegiPayload is the name of the interpreter payload in the sandbox child.
const yaegiPayload = "yaegi"

// yaegiRequest is what the engine hands the interpreter payload.
type yaegiRequest struct {
	Source      string   // the program, with its //line directives
	Imports     []string // its import paths (symbol tables to load)
	CompileOnly bool
}

// The payload reports what is not the program's own doing on stderr, in a
// line that starts with reportPrefix and names the kind, followed by one
// line per message. A program cannot have written anything before a
// build report (nothing runs before the whole program compiled).
const (
	reportPrefix   = "\x00workbook-yaegi:"
	reportBuild    = "build"    // the program did not compile: diagnostics follow
	reportInternal = "internal" // yaegi failed (its own panic or error): message follows
	reportBuilt    = "built"    // CompileOnly: it compiled
)

// Exit statuses of the payload for its own reports. The engine reads the
// report, never the status alone.
const (
	exitReport = 125
	exitPanic  = 2
)

// warmNames are the packages nearly every lesson imports: a pre-started
// child builds their tables before its request arrives.
var warmNames = []string{"fmt", "os", "os/exec", "io", "strings", "bufio", "errors", "time", "context", "syscall"}

// warmState is what Warm prepares in a pre-started child: tables by
// import path.
type warmState struct {
	keys   map[string]string
	tables symbols.Exports
}

// Payloads returns the in-process payloads the sandbox child can run (the
// yaegi interpreter); main hands them to sandbox.ChildMain.
func Payloads() map[string]sandbox.Payload {
	return map[string]sandbox.Payload{
		yaegiPayload: {Warm: warmYaegi, Run: runYaegi, WarmAhead: true},
	}
}

func warmYaegi() any {
	ws := &warmState{keys: map[string]string{}, tables: symbols.Exports{}}
	for _, p := range warmNames {
		if key, table, ok := symbols.Table(p); ok {
			ws.keys[p], ws.tables[key] = key, table
		}
	}
	return ws
}

// exportsFor gathers the tables of the program's imports, taking those the
// warm-up built.
func exportsFor(imports []string, warm any) symbols.Exports {
	ws, _ := warm.(*warmState)
	out := symbols.Exports{}
	for _, p := range imports {
		if ws != nil {
			if key, ok := ws.keys[p]; ok {
				out[key] = ws.tables[key]
				continue
			}
		}
		if key, table, ok := symbols.Table(p); ok {
			out[key] = table
		}
	}
	if mt := symbols.MapTypes(imports); len(mt) > 0 {
		out["."] = map[string]reflect.Value{"MapTypes": reflect.ValueOf(mt)}
	}
	return out
}

// runYaegi interprets one program in this process, which is a sandbox child
// of its own: the program's exit (os.Exit, a crash) is the child's.
func runYaegi(warm any, request []byte) int {
	var req yaegiRequest
	if err := json.Unmarshal(request, &req); err != nil {
		return report(reportInternal, "bad request: "+err.Error())
	}
	return interpret(&req, warm, os.Stdout, os.Stderr)
}

// interpret compiles and runs req's program with yaegi, writing the
// program's output and the reports to stdout and stderr.
func interpret(req *yaegiRequest, warm any, stdout, stderr *os.File) int {
	// The program sees itself as "prog" and parses no flag of ours.
	os.Args = []string{"prog"}
	flag.CommandLine = flag.NewFlagSet("prog", flag.ExitOnError)

	frames := &panicFrames{w: stderr, src: req.Source}
	i := interp.New(interp.Options{
		Args:         []string{"prog"},
		Stdin:        os.Stdin,
		Stdout:       stdout,
		Stderr:       frames,
		Unrestricted: true,
	})
	if err := use(i, exportsFor(req.Imports, warm), req.Imports); err != nil {
		return report(reportInternal, err.Error())
	}
	// The crash package of the goroutine-panic rewrite (gaps.go).
	crash := func(v any, fn, file string, line int) {
		frames.add(frame{file: file, line: strconv.Itoa(line), fn: fn})
		frames.crash(v)
		os.Exit(exitPanic)
	}
	if err := i.Use(symbols.Exports{crashImport + "/crash": {"Crash": reflect.ValueOf(crash)}}); err != nil {
		return report(reportInternal, err.Error())
	}

	prog, err := compile(i, req.Source)
	if err != nil {
		var internal *internalError
		if errors.As(err, &internal) {
			return report(reportInternal, internal.msg)
		}
		return report(reportBuild, diagnosticLines(err)...)
	}
	if req.CompileOnly {
		return report(reportBuilt)
	}
	_, err = i.Execute(prog)
	var p interp.Panic
	switch {
	case err == nil:
		return 0
	case errors.As(err, &p):
		frames.crash(p.Value)
		return exitPanic
	default:
		return report(reportInternal, err.Error())
	}
}

// use loads the symbol tables into the interpreter.
//
// yaegi treats a Use call holding the key "fmt/fmt" as loading its own
// standard library: it then compiles the interpreted sources of the generic
// packages cmp, maps and slices (about 12 ms, most of a hello world's
// start-up) and rewires fmt, log, flag and os (log.Fatal becomes log.Panic,
// flag errors panic, os.Args is the interpreter's). A program that imports
// none of cmp, maps and slices gets fmt under the key "fmt//fmt" instead,
// which names the same package (yaegi splits keys with path.Dir and
// path.Base) without the side effects; os.Args is then the real one, set by
// the payload. Otherwise the log and flag tables are loaded again after
// yaegi's rewiring, so that they behave as compiled.
func use(i *interp.Interpreter, exports symbols.Exports, imports []string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("loading symbols: %v", r)
		}
	}()
	generic := false
	for _, p := range imports {
		generic = generic || p == "cmp" || p == "maps" || p == "slices"
	}
	if !generic {
		if t, ok := exports["fmt/fmt"]; ok {
			delete(exports, "fmt/fmt")
			exports["fmt//fmt"] = t
		}
		return i.Use(exports)
	}
	if err := i.Use(exports); err != nil {
		return err
	}
	restore := symbols.Exports{}
	for _, p := range []string{"log", "flag"} {
		if _, ok := exports[p+"/"+p]; ok {
			restore[p+"/"+p] = exports[p+"/"+p]
		}
	}
	if len(restore) > 0 {
		return i.Use(restore)
	}
	return nil
}

// internalError is yaegi failing on its own, not the program.
type internalError struct{ msg string }

func (e *internalError) Error() string { return e.msg }

func compile(i *interp.Interpreter, src string) (prog *interp.Program, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &internalError{msg: fmt.Sprintf("yaegi panicked while compiling: %v\n%s", r, firstFrames(debug.Stack()))}
		}
	}()
	return i.Compile(src)
}

// firstFrames keeps the start of a stack trace: enough to see where in
// yaegi it broke.
func firstFrames(stack []byte) string {
	lines := strings.Split(string(stack), "\n")
	if len(lines) > 24 {
		lines = lines[:24]
	}
	return strings.Join(lines, "\n")
}

// diagnosticLines splits a yaegi compile error into one line per message.
func diagnosticLines(err error) []string {
	var list scanner.ErrorList
	if errors.As(err, &list) {
		out := make([]string, 0, len(list))
		for _, e := range list {
			out = append(out, e.Error())
		}
		return out
	}
	return strings.Split(strings.TrimRight(err.Error(), "\n"), "\n")
}

// report writes one payload report on stderr and returns the status to exit
// with.
func report(kind string, lines ...string) int {
	var b bytes.Buffer
	b.WriteString("\n" + reportPrefix + kind + "\n")
	for _, l := range lines {
		b.WriteString(strings.ReplaceAll(l, "\n", "\n\t") + "\n")
	}
	os.Stderr.Write(b.Bytes())
	if kind == reportBuilt {
		return 0
	}
	return exitReport
}

// panicLine is what yaegi writes on its stderr for each interpreted frame a
// panic unwinds through: "file.md:12:3: panic: main.f(...)".
var panicLine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(.*):(\d+)(?::\d+)?: panic: ?(.*)$`) })

// panicFrames is the interpreter's stderr: it keeps the frame lines yaegi
// writes while a panic unwinds (Go prints nothing for a recovered panic, so
// neither do we) and passes anything else through.
type panicFrames struct {
	w       io.Writer
	src     string // the program, to place frames on their statements
	mu      sync.Mutex
	partial []byte
	frames  []frame
}

type frame struct {
	file, line, fn string
}

func (p *panicFrames) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.partial = append(p.partial, b...)
	for {
		nl := bytes.IndexByte(p.partial, '\n')
		if nl < 0 {
			break
		}
		line := string(p.partial[:nl])
		p.partial = p.partial[nl+1:]
		if m := panicLine().FindStringSubmatch(line); m != nil {
			fn := strings.TrimSuffix(m[3], "(...)")
			if fn == "" {
				fn = "main"
			}
			p.frames = append(p.frames, frame{file: m[1], line: m[2], fn: fn})
			continue
		}
		if _, err := io.WriteString(p.w, line+"\n"); err != nil {
			return len(b), err
		}
	}
	return len(b), nil
}

// add records a frame yaegi did not report.
func (p *panicFrames) add(f frame) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.frames = append(p.frames, f)
}

// crash writes a panic the way the Go runtime does, with the interpreted
// frames yaegi reported (innermost first) as the trace.
func (p *panicFrames) crash(v any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var b strings.Builder
	fmt.Fprintf(&b, "panic: %s\n\ngoroutine 1 [running]:\n", panicValue(v))
	seen := map[frame]bool{}
	for _, f := range placeFrames(p.src, p.frames) {
		if seen[f] {
			continue
		}
		seen[f] = true
		call := f.fn + "(...)"
		if f.fn == "main.main" {
			call = "main.main()"
		}
		fmt.Fprintf(&b, "%s\n\t%s:%s +0x0\n", call, f.file, f.line)
	}
	if len(p.frames) == 0 {
		b.WriteString("main.main()\n\t?:0 +0x0\n")
	}
	b.WriteString("exit status 2\n")
	io.WriteString(p.w, b.String())
}

// panicValue formats a panic value as the Go runtime prints it.
func panicValue(v any) string {
	switch v := v.(type) {
	case error:
		return v.Error()
	case fmt.Stringer:
		return v.String()
	case string:
		return v
	case nil:
		return "nil"
	}
	return fmt.Sprintf("%v", v)
}

// placeFrames moves each frame from where yaegi puts it to the statement
// that panicked. yaegi v0.16.1 reports the position of the function's first
// statement, not of the panicking one; when the function holds exactly one
// explicit panic call (innermost frame) or exactly one call to the next
// frame's function (outer frames), that call's line is the frame's.
func placeFrames(src string, frames []frame) []frame {
	if len(frames) == 0 || src == "" {
		return frames
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "_.go", src, parser.SkipObjectResolution)
	if err != nil {
		return frames
	}
	// Function bodies by the position yaegi reports for them.
	bodies := map[string]*ast.BlockStmt{}
	ast.Inspect(f, func(n ast.Node) bool {
		var body *ast.BlockStmt
		switch n := n.(type) {
		case *ast.FuncDecl:
			body = n.Body
		case *ast.FuncLit:
			body = n.Body
		}
		if body != nil && len(body.List) > 0 {
			pos := fset.Position(body.List[0].Pos())
			key := pos.Filename + ":" + strconv.Itoa(pos.Line)
			if bodies[key] == nil { // the outer function of a one-liner
				bodies[key] = body
			}
		}
		return true
	})
	out := append([]frame(nil), frames...)
	for i := range out {
		body := bodies[out[i].file+":"+out[i].line]
		if body == nil {
			continue
		}
		callee := "panic"
		if i > 0 {
			name := out[i-1].fn
			callee = name[strings.LastIndexByte(name, '.')+1:]
			if callee == "func" {
				continue
			}
		}
		var lines []int
		ast.Inspect(body, func(n ast.Node) bool {
			if _, ok := n.(*ast.FuncLit); ok {
				return false
			}
			if call, ok := n.(*ast.CallExpr); ok {
				name := ""
				switch fn := call.Fun.(type) {
				case *ast.Ident:
					name = fn.Name
				case *ast.SelectorExpr:
					name = fn.Sel.Name
				}
				if name == callee {
					lines = append(lines, fset.Position(call.Pos()).Line)
				}
			}
			return true
		})
		if len(lines) == 1 {
			out[i].line = strconv.Itoa(lines[0])
		}
	}
	return out
}
