package check

import (
	"fmt"
	"go/ast"
	"strconv"

	"github.com/ppworkbook/workbook/lessons"
)

// printOnlyFlag is the package variable that arms the panics of a
// print-only program once its init functions have run.
const printOnlyFlag = "workbook_printonly"

// PrintOnly rewrites p (an exercise's reference solution) into a program
// that does none of the work and only replays a recorded run: main writes
// stdout and stderr and exits with status before anything else, and every
// other function and method panics as soon as it is called after the
// program's initialisation (package variables and init functions still
// run as written, as they would in a learner's program). The requires=
// of p stay satisfied, since every call is still in the source. An
// exercise whose check such a program passes can be passed without doing
// the work. Lines keep their numbers: the additions share the lines of
// the package clause and of each function's opening brace, or follow the
// last line.
func PrintOnly(p *lessons.Program, stdout, stderr []byte, status int) (*lessons.Program, error) {
	pf, err := parseSource(p.File, p.Source)
	if err != nil {
		return nil, fmt.Errorf("%s: %q does not parse: %w", programPos(p), p.Name, err)
	}
	pkgEnd := pf.afterPackage()
	edits := []edit{{from: pkgEnd, to: pkgEnd, text: "; import " + inputsPkg + ` "os"`}}
	hasMain := false
	for _, d := range pf.f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		open := pf.off(fd.Body.Lbrace) + 1
		var text string
		switch {
		case fd.Recv == nil && fd.Name.Name == "init":
			continue
		case fd.Recv == nil && fd.Name.Name == "main":
			hasMain = true
			text = fmt.Sprintf(" %s.Stdout.WriteString(%s); %s.Stderr.WriteString(%s); %s.Exit(%d);",
				inputsPkg, strconv.Quote(string(stdout)), inputsPkg, strconv.Quote(string(stderr)), inputsPkg, status)
		default:
			text = fmt.Sprintf(" if %s { panic(%q) };", printOnlyFlag, "print-only: "+fd.Name.Name+" does no work")
		}
		edits = append(edits, edit{from: open, to: open, text: text})
	}
	if !hasMain {
		return nil, fmt.Errorf("%s: %q has no func main to replay its output", programPos(p), p.Name)
	}
	src := applyEdits(p.Source, edits)
	if src[len(src)-1] != '\n' {
		src += "\n"
	}
	src += fmt.Sprintf("\nvar %s bool\n\nfunc init() { %s = true }\n", printOnlyFlag, printOnlyFlag)
	po := *p
	po.Source = src
	po.Name = p.Name + " (print-only)"
	m := append([]lessons.Pos(nil), p.Map.Lines...)
	for n := countLines(src); len(m) < n; {
		m = append(m, lessons.Pos{})
	}
	po.Map = lessons.SourceMap{Lines: m}
	return &po, nil
}

func countLines(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			n++
		}
	}
	return n
}
