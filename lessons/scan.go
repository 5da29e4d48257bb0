package lessons

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	gmtext "github.com/yuin/goldmark/text"
)

// fenceKind is the role a fenced block plays.
type fenceKind int

const (
	kindOther  fenceKind = iota // left alone
	kindGo                      // Go code
	kindShell                   // shell: recorded, never run
	kindOutput                  // expected output of a program
	kindInput                   // standard input of a program
	kindHint                    // a hint of an exercise
	kindCase                    // a case of an exercise's check
)

// fence is one fenced block with what its attributes mean.
type fence struct {
	Block
	kind      fenceKind
	stream    string // "stdout" or "stderr" for output fences
	closeLine int    // line of the closing fence
	program   string // program= attribute
	exercise  string // exercise= attribute
	solution  bool   // solution=true
	harness   bool   // harness=true
	match     Match  // match= on output fences; "" when absent
	unordered bool   // match="unordered wildcard|regexp"
	requires  []string
	settings  []setting // program-level keys, validated
	whole     *fence    // for a part of a block split by splitMixed: the block
}

// setting is one program-level key written on a Go block.
type setting struct {
	key, value string
	line       int
}

// programKeys are the keys that configure a whole program, in the order
// they are checked.
func programKeys() []string {
	return []string{"skip", "mode", "error", "engine", "timeout", "exit", "until"}
}

// workbookComment matches the first line of a hidden block.
var workbookComment = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s*<!--\s*workbook(\s|-->|$)`) })

// mdScanner walks a document's Markdown with goldmark.
type mdScanner struct {
	file     string
	md       parser.Parser
	fences   []*fence
	sections []Section
	paras    []para // visible paragraphs, for what the prose says about a snippet
}

func newScanner(file string) *mdScanner {
	return &mdScanner{file: file, md: goldmark.DefaultParser()}
}

func (s *mdScanner) errorf(line int, format string, args ...any) error {
	return &Error{File: s.file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// walk parses t and records its headings (visible text only), fenced blocks
// and hidden comments.
func (s *mdScanner) walk(t *text, hidden bool) error {
	root := s.md.Parse(gmtext.NewReader(t.buf))
	return ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			if !hidden {
				s.sections = append(s.sections, Section{
					Level: n.Level,
					Title: plainText(n, t.buf),
					Line:  t.line(n.Pos()),
				})
			}
			return ast.WalkSkipChildren, nil
		case *ast.FencedCodeBlock:
			return ast.WalkSkipChildren, s.fence(t, n, hidden)
		case *ast.Paragraph:
			if !hidden && n.Lines().Len() > 0 {
				s.paras = append(s.paras, para{Line: t.line(n.Lines().At(0).Start), Text: plainText(n, t.buf)})
			}
			return ast.WalkSkipChildren, nil
		case *ast.HTMLBlock:
			if !hidden {
				return ast.WalkSkipChildren, s.comment(t, n)
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
}

// plainText returns the text of an inline container, without markup.
func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Segment.Value(src))
			if c.SoftLineBreak() || c.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(c.Value)
		case *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(b.String())
}

// comment handles an HTML block: a <!-- workbook comment has its body
// parsed as Markdown, with its real line numbers.
func (s *mdScanner) comment(t *text, n *ast.HTMLBlock) error {
	lines := n.Lines()
	if lines.Len() == 0 || n.HTMLBlockType != ast.HTMLBlockType2 {
		return nil
	}
	head := lines.At(0)
	first := head.Value(t.buf)
	if !workbookComment().Match(first) {
		return nil
	}
	line := t.line(head.Start)
	if bytes.Contains(first, []byte("-->")) {
		return nil // a one-line comment holds nothing
	}
	if !n.HasClosure() {
		return s.errorf(line, "<!-- workbook comment is never closed with -->")
	}
	var body []byte
	for i := 1; i < lines.Len(); i++ {
		seg := lines.At(i)
		body = appendLine(body, seg.Value(t.buf))
	}
	closing := n.ClosureLine.Value(t.buf)
	if before, _, _ := bytes.Cut(closing, []byte("-->")); len(bytes.TrimSpace(before)) > 0 {
		body = appendLine(body, before)
	}
	return s.walk(newText(body, line+1), true)
}

// appendLine appends l to b, ending it with a newline.
func appendLine(b, l []byte) []byte {
	b = append(b, l...)
	if len(l) == 0 || l[len(l)-1] != '\n' {
		b = append(b, '\n')
	}
	return b
}

// fence records one fenced code block.
func (s *mdScanner) fence(t *text, n *ast.FencedCodeBlock, hidden bool) error {
	pos := n.Pos()
	idx := t.index(pos)
	line := t.first + idx
	// The opening fence: its character and length, read from the source.
	open, _ := t.lineAt(idx)
	start := bytes.IndexAny(open, "`~")
	if start < 0 {
		return s.errorf(line, "cannot find the opening fence")
	}
	ch := open[start]
	length := 0
	for start+length < len(open) && open[start+length] == ch {
		length++
	}
	// goldmark closes a fence silently at the end of the document or of
	// its container: check that the line after the body closes it.
	lines := n.Lines()
	closeIdx := idx + 1
	var code []byte
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		// Lines end in "\n" whatever the document's line endings.
		code = appendLine(code, bytes.TrimRight(seg.Value(t.buf), "\r\n"))
		closeIdx = t.index(seg.Start) + 1
	}
	if !closesFence(t, closeIdx, ch, length) {
		return s.errorf(line, "code fence %s is never closed", strings.Repeat(string(ch), length))
	}
	var info []byte
	if n.Info != nil {
		info = n.Info.Segment.Value(t.buf)
	}
	lang, attrs, scalar, err := splitInfo(info)
	if err != nil {
		return s.errorf(line, "%v", err)
	}
	f := &fence{
		Block: Block{
			File:     s.file,
			Line:     line,
			BodyLine: line + 1,
			Lang:     lang,
			Attrs:    attrs,
			Hidden:   hidden,
			Code:     string(code),
		},
		closeLine: t.first + closeIdx,
	}
	if err := f.classify(scalar); err != nil {
		return s.errorf(line, "%v", err)
	}
	s.fences = append(s.fences, f)
	return nil
}

// closesFence reports whether line idx of t closes a fence of length
// characters ch.
func closesFence(t *text, idx int, ch byte, length int) bool {
	l, ok := t.lineAt(idx)
	if !ok {
		return false
	}
	l = bytes.TrimLeft(l, " \t>")
	n := 0
	for n < len(l) && l[n] == ch {
		n++
	}
	return n >= length && len(bytes.TrimSpace(l[n:])) == 0
}

// classify decides the fence's kind and validates the values of the keys
// the workbook reads.
func (f *fence) classify(scalar map[string]bool) error {
	keys := make([]string, 0, len(scalar))
	for k := range scalar {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !scalar[k] && isKnownKey(k) {
			return fmt.Errorf("bad value for %s: an array or a group (want a string, a number or true/false)", k)
		}
	}
	a := f.Attrs
	_, hasOutput := a["output"]
	_, hasInput := a["input"]
	switch {
	case hasOutput && hasInput:
		return fmt.Errorf("conflicting attributes: output and input on the same fence")
	case hasOutput:
		f.kind = kindOutput
		f.stream = a["output"]
		if f.stream != "stdout" && f.stream != "stderr" {
			return fmt.Errorf("bad value for output: %q (want \"stdout\" or \"stderr\")", f.stream)
		}
		if (f.Lang == "stderr" && f.stream == "stdout") || ((f.Lang == "stdout" || f.Lang == "output") && f.stream == "stderr") {
			return fmt.Errorf("conflicting attributes: a %s fence with output=%q", f.Lang, f.stream)
		}
	case hasInput:
		f.kind = kindInput
		if a["input"] != "stdin" {
			return fmt.Errorf("bad value for input: %q (want \"stdin\")", a["input"])
		}
	default:
		switch f.Lang {
		case "go", "golang":
			f.kind = kindGo
		case "output", "stdout":
			f.kind, f.stream = kindOutput, "stdout"
		case "stderr":
			f.kind, f.stream = kindOutput, "stderr"
		case "stdin":
			f.kind = kindInput
		case "hint":
			f.kind = kindHint
		case "case":
			f.kind = kindCase
		case "bash", "sh", "shell", "console", "zsh":
			f.kind = kindShell
		}
	}
	if v, ok := a["program"]; ok {
		if strings.TrimSpace(v) == "" {
			return fmt.Errorf("bad value for program: %q (want a name)", v)
		}
		f.program = v
	}
	if v, ok := a["exercise"]; ok {
		if strings.TrimSpace(v) == "" || strings.Contains(v, "/") {
			return fmt.Errorf("bad value for exercise: %q (want a name without /)", v)
		}
		f.exercise = v
	}
	switch f.kind {
	case kindGo:
		return f.classifyGo()
	case kindOutput:
		if v, ok := a["match"]; ok {
			m, u, err := parseMatch(v)
			if err != nil {
				return err
			}
			f.match, f.unordered = m, u
		}
	}
	return nil
}

// classifyGo validates the attributes of a Go block.
func (f *fence) classifyGo() error {
	a := f.Attrs
	if f.program != "" && f.exercise != "" {
		return fmt.Errorf("conflicting attributes: program and exercise on the same block")
	}
	if v, ok := a["solution"]; ok {
		b, err := parseBool("solution", v)
		if err != nil {
			return err
		}
		if b && f.exercise == "" {
			return fmt.Errorf("solution=true needs exercise=\"NAME\"")
		}
		f.solution = b
	}
	if err := f.classifyHarness(); err != nil {
		return err
	}
	if v, ok := a["requires"]; ok {
		for _, r := range strings.Fields(v) {
			for _, alt := range strings.Split(r, "|") {
				if !requiredName().MatchString(alt) {
					return fmt.Errorf("bad value for requires: %q is not a qualified name such as exec.Command, exec.Cmd.StdinPipe or (*os/exec.Cmd).StdinPipe", alt)
				}
			}
			f.requires = append(f.requires, r)
		}
	}
	for _, k := range programKeys() {
		v, ok := a[k]
		if !ok {
			continue
		}
		var err error
		switch k {
		case "skip":
			_, err = parseBool(k, v)
		case "mode":
			if v != "run" && v != "compile" && v != "compile-fail" {
				err = fmt.Errorf("bad value for mode: %q (want \"run\", \"compile\" or \"compile-fail\")", v)
			}
		case "error":
			if _, rerr := regexp.Compile(v); rerr != nil {
				err = fmt.Errorf("bad value for error: %q is not a regexp: %v", v, rerr)
			}
		case "engine":
			if !validEngine(v) {
				err = fmt.Errorf("bad value for engine: %q (want auto, yaegi, compiled or both)", v)
			}
		case "timeout":
			_, err = parseTimeout(v)
		case "exit":
			_, err = parseExit(v)
		case "until":
			if v != "output" {
				err = fmt.Errorf("bad value for until: %q (want \"output\")", v)
			}
		}
		if err != nil {
			return err
		}
		f.settings = append(f.settings, setting{key: k, value: v, line: f.Line})
	}
	return nil
}

// isKnownKey reports whether the workbook reads key.
func isKnownKey(k string) bool {
	switch k {
	case "program", "exercise", "solution", "requires", "output", "input", "match", "harness":
		return true
	}
	for _, p := range programKeys() {
		if k == p {
			return true
		}
	}
	return false
}
