package learn

import (
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/check"
)

// engineNames are the names check puts in parentheses after a verdict:
// they belong in verify's reports, not in a learner's messages.
var engineNames = []string{"yaegi", "compiled", "auto", "both", "unknown engine"}

// stripEngines removes every parenthesised engine note (" (yaegi)",
// " (compiled, because ...: "x" (y))") from s, nested parentheses
// included.
func stripEngines(s string) string {
	var b strings.Builder
	for {
		at := -1
		for _, name := range engineNames {
			for _, end := range []string{")", ","} {
				if i := strings.Index(s, " ("+name+end); i >= 0 && (at < 0 || i < at) {
					at = i
				}
			}
		}
		if at < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:at])
		depth, j := 0, at+1
		for ; j < len(s); j++ {
			switch s[j] {
			case '(':
				depth++
			case ')':
				depth--
			}
			if depth == 0 {
				break
			}
		}
		if j >= len(s) { // unbalanced: keep the rest as it is
			b.WriteString(s[at:])
			return b.String()
		}
		s = s[j+1:]
	}
}

// mdPos is a position in a Markdown file, as check writes it.
var mdPos = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`([^\s:()"]+\.md):(\d+)`) })

// lessonPlace names a position in a lesson the way the learner sees it:
// the lesson's number and title and the section's title, instead of a
// file they do not have.
func (a *app) lessonPlace(file string, line int) (string, bool) {
	for _, l := range a.cat.Lessons {
		if l.Doc.File != file && filepath.Base(l.Doc.File) != filepath.Base(file) {
			continue
		}
		place := fmt.Sprintf("lesson %d %q", l.Num, l.Title())
		var sec *lessons.Section
		for i := range l.Doc.Sections {
			s := &l.Doc.Sections[i]
			if s.Line <= line && (s.End == 0 || line <= s.End) && s.Level > 1 {
				sec = s // the deepest section holding the line
			}
		}
		if sec != nil {
			place += fmt.Sprintf(", section %q", sec.Title)
		}
		return place, true
	}
	return "", false
}

// learnerText rewords a message for the learner: no engine names, lesson
// positions by title.
func (a *app) learnerText(s string) string {
	s = stripEngines(s)
	return mdPos().ReplaceAllStringFunc(s, func(m string) string {
		sub := mdPos().FindStringSubmatch(m)
		line, _ := strconv.Atoi(sub[2])
		if place, ok := a.lessonPlace(sub[1], line); ok {
			return place
		}
		return m
	})
}

// learnerResult returns a failed check's message and detail for the
// learner: reworded, and each compiler message once (the reason quotes
// the first; the detail lists them all).
func (a *app) learnerResult(res check.Result) (msg, detail string) {
	msg = a.learnerText(strings.TrimRight(res.Reason(), "\n"))
	detail = strings.TrimRight(res.Detail, "\n")
	if res.Failure != check.FailBuild || detail == "" {
		return msg, detail
	}
	var keep []string
	for _, line := range strings.Split(detail, "\n") {
		if text := diagText(line); text != "" && strings.Contains(msg, text) {
			continue
		}
		keep = append(keep, line)
	}
	return msg, strings.Join(keep, "\n")
}

// diagText is a compiler message without its "file:line[:col]: " prefix.
var diagPrefix = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\S+?:\d+(:\d+)?: `) })

func diagText(line string) string {
	return strings.TrimSpace(diagPrefix().ReplaceAllString(line, ""))
}

// invokedAs says how the learner runs the workbook, for the commands it
// suggests: "go run ." when the executable is one `go run` built (it
// lives in the build cache or a go-build temporary directory), else the
// executable's name.
func invokedAs(exe string, getenv func(string) string) string {
	if exe == "" {
		return "workbook"
	}
	if cache := getenv("GOCACHE"); cache != "" && strings.HasPrefix(exe, filepath.Clean(cache)+string(filepath.Separator)) {
		return "go run ."
	}
	for _, part := range strings.Split(filepath.ToSlash(filepath.Dir(exe)), "/") {
		if strings.HasPrefix(part, "go-build") {
			return "go run ."
		}
	}
	return "workbook"
}

// prog is how the learner runs the workbook.
func (a *app) prog() string {
	if a.env.Prog == "" {
		return "workbook"
	}
	return a.env.Prog
}

// commandWords are the workbook's commands: "workbook WORD" in a message
// is a command to type.
var commandLine = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\bworkbook( (?:overview|list|read|run|try|init|check|hint|solution|reset|watch|progress|grade|help|verify|version|new|cache)\b)`)
})

// progWriter writes through to w, with every suggested "workbook COMMAND"
// written as the learner runs the workbook ("go run . COMMAND").
type progWriter struct {
	w    io.Writer
	prog string
}

func (p progWriter) Write(b []byte) (int, error) {
	out := commandLine().ReplaceAll(b, []byte(p.prog+"$1"))
	if _, err := p.w.Write(out); err != nil {
		return 0, err
	}
	return len(b), nil
}

// asInvoked wraps w so that suggested commands read as the learner runs
// the workbook; w itself when that is "workbook".
func asInvoked(w io.Writer, prog string) io.Writer {
	if prog == "" || prog == "workbook" {
		return w
	}
	return progWriter{w: w, prog: prog}
}
