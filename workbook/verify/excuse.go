package verify

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strings"
	"sync"

	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/engine"
)

// noMethod matches the compiler's message for a method a type lacks.
var noMethod = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`type \*?([\pL_][\pL\pN_]*)(?:\[[^\]]*\])? has no field or method ([\pL_][\pL\pN_]*)`)
})

// buildExcuse returns why an inferred program that does not build is
// incomplete rather than wrong, or "" when the failure is the document's:
// a snippet elides code with a "// ..." comment (the compiler then
// reports a missing return or an unused variable), or every message is
// about a method called on a type of the page that the page never
// declares (the prose describes it).
func buildExcuse(p *lessons.Program, v *engine.Verdict) string {
	if !p.Inferred || p.Expect.Fails != nil || p.Mode == lessons.ModeCompileFail || v == nil || v.End != engine.BuildFailed {
		return ""
	}
	if p.BuildExcuse != "" {
		return fmt.Sprintf("incomplete: %s, and does not build without it (%s)", p.BuildExcuse, firstMsg(v))
	}
	types := declaredTypes(p.Source)
	var methods []string
	for _, d := range v.Diagnostics {
		m := noMethod().FindStringSubmatch(d.Msg)
		if m == nil || !types[m[1]] {
			return ""
		}
		methods = append(methods, m[1]+"."+m[2])
	}
	if len(methods) == 0 {
		return ""
	}
	return fmt.Sprintf("incomplete: it calls %s, which no snippet of the page declares", strings.Join(dedupe(methods), ", "))
}

func firstMsg(v *engine.Verdict) string {
	if len(v.Diagnostics) == 0 {
		return "no message"
	}
	msg, _, _ := strings.Cut(v.Diagnostics[0].Msg, "\n")
	return msg
}

// declaredTypes returns the names of the types a program declares at its
// top level.
func declaredTypes(src string) map[string]bool {
	out := map[string]bool{}
	f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.SkipObjectResolution)
	if err != nil || f == nil {
		return out
	}
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.TYPE {
			for _, sp := range g.Specs {
				out[sp.(*ast.TypeSpec).Name.Name] = true
			}
		}
	}
	return out
}

func dedupe(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
