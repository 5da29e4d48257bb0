package learn

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/term"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// palette is the workbook's one palette (see term.Palette).
type palette = term.Palette

// newPalette returns the palette, with colour on or off.
func newPalette(colour bool) palette { return term.NewPalette(colour) }

// renderer turns one Markdown lesson into text for a terminal.
type renderer struct {
	src       []byte
	lineStart []int // byte offset of the start of each line
	p         palette
	progs     map[int]*lessons.Program // by opening-fence line of each visible block
}

// renderMarkdown writes the lesson in src for a terminal width columns wide.
// doc, when not nil, labels code blocks with their program or exercise.
// Hidden blocks (and all other raw HTML) are never shown.
func renderMarkdown(w io.Writer, src []byte, doc *lessons.Document, p palette, width int) error {
	if width < 40 {
		width = 40
	}
	src = blankFrontMatter(src)
	r := &renderer{src: src, p: p, progs: map[int]*lessons.Program{}}
	r.lineStart = append(r.lineStart, 0)
	for i, b := range src {
		if b == '\n' {
			r.lineStart = append(r.lineStart, i+1)
		}
	}
	if doc != nil {
		for _, prog := range doc.Programs {
			for _, b := range prog.Blocks {
				if !b.Hidden {
					r.progs[b.Line] = prog
				}
			}
		}
	}
	// Core CommonMark only: goldmark's extension package (tables, task
	// lists) compiles its regexps at every process start, the sandbox
	// children's included (about 1 ms each, measured: docs/performance.md).
	// A table is then a paragraph of "|" lines, which tableLines shows as
	// written.
	md := goldmark.New()
	root := md.Parser().Parse(text.NewReader(src))
	lines := r.blocks(root, width, true)
	if doc != nil && doc.Title != "" && !hasLevel1(doc) {
		// The title is in front matter only: show it as the heading.
		head := []string{p.H1(doc.Title), p.H1(strings.Repeat("═", utf8.RuneCountInString(doc.Title))), ""}
		lines = append(head, lines...)
	}
	var b bytes.Buffer
	for _, l := range lines {
		b.WriteString(strings.TrimRight(l, " "))
		b.WriteByte('\n')
	}
	_, err := w.Write(b.Bytes())
	return err
}

func hasLevel1(doc *lessons.Document) bool {
	for _, s := range doc.Sections {
		if s.Level == 1 {
			return true
		}
	}
	return false
}

// blankFrontMatter replaces TOML (+++) or YAML (---) front matter with
// empty lines, keeping line numbers.
func blankFrontMatter(src []byte) []byte {
	for _, delim := range []string{"+++", "---"} {
		if !bytes.HasPrefix(src, []byte(delim+"\n")) && !bytes.HasPrefix(src, []byte(delim+"\r\n")) {
			continue
		}
		lines := bytes.SplitAfter(src, []byte("\n"))
		for i := 1; i < len(lines); i++ {
			if strings.TrimSpace(string(lines[i])) == delim {
				out := bytes.Repeat([]byte("\n"), i+1)
				for _, l := range lines[i+1:] {
					out = append(out, l...)
				}
				return out
			}
		}
	}
	return src
}

// line returns the 1-based line of byte offset off.
func (r *renderer) line(off int) int {
	lo, hi := 0, len(r.lineStart)
	for lo+1 < hi {
		mid := (lo + hi) / 2
		if r.lineStart[mid] <= off {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo + 1
}

// blocks renders the block children of n, separated by blank lines when
// loose.
func (r *renderer) blocks(n ast.Node, width int, loose bool) []string {
	var out []string
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		ls := r.block(c, width)
		if len(ls) == 0 {
			continue
		}
		if len(out) > 0 && loose {
			out = append(out, "")
		}
		out = append(out, ls...)
	}
	return out
}

func (r *renderer) block(n ast.Node, width int) []string {
	switch n := n.(type) {
	case *ast.Heading:
		t := r.plain(n)
		switch n.Level {
		case 1:
			return []string{r.p.H1(t), r.p.H1(strings.Repeat("═", utf8.RuneCountInString(t)))}
		case 2:
			return []string{r.p.H2(t), r.p.Dim(strings.Repeat("─", utf8.RuneCountInString(t)))}
		default:
			return []string{r.p.H3(strings.Repeat("#", n.Level-2) + " " + t)}
		}
	case *ast.Paragraph, *ast.TextBlock:
		if rows := r.tableLines(n); rows != nil {
			return rows
		}
		return r.wrap(r.inlines(n, nil), width)
	case *ast.List:
		return r.list(n, width)
	case *ast.Blockquote:
		var out []string
		for _, l := range r.blocks(n, width-2, true) {
			out = append(out, r.p.Dim("│ ")+l)
		}
		return out
	case *ast.FencedCodeBlock:
		lang, info := "", ""
		if n.Info != nil {
			info = string(n.Info.Segment.Value(r.src))
			lang = strings.Fields(info + " ")[0]
			if i := strings.IndexByte(lang, '{'); i >= 0 {
				lang = lang[:i]
			}
		}
		// Hints and solutions are revealed by their own commands, even
		// when an author left them visible.
		if lang == "hint" || strings.Contains(strings.ReplaceAll(info, " ", ""), "solution=true") {
			return nil
		}
		line := 0
		if n.Info != nil {
			line = r.line(n.Info.Segment.Start)
		} else if n.Lines().Len() > 0 {
			line = r.line(n.Lines().At(0).Start) - 1
		}
		return r.code(n.Lines(), lang, r.progs[line])
	case *ast.CodeBlock:
		return r.code(n.Lines(), "", nil)
	case *ast.HTMLBlock:
		return nil
	case *ast.ThematicBreak:
		return []string{r.p.Dim(strings.Repeat("─", width))}
	}
	return r.blocks(n, width, true)
}

func (r *renderer) list(n *ast.List, width int) []string {
	var out []string
	num := n.Start
	for item := n.FirstChild(); item != nil; item = item.NextSibling() {
		marker := "• "
		if n.IsOrdered() {
			marker = fmt.Sprintf("%d. ", num)
			num++
		}
		pad := strings.Repeat(" ", utf8.RuneCountInString(marker))
		ls := r.blocks(item, width-len(pad), !n.IsTight)
		if len(out) > 0 && !n.IsTight {
			out = append(out, "")
		}
		for i, l := range ls {
			switch {
			case i == 0:
				out = append(out, r.p.Dim(marker)+l)
			case l == "":
				out = append(out, "")
			default:
				out = append(out, pad+l)
			}
		}
		if len(ls) == 0 {
			out = append(out, r.p.Dim(marker))
		}
	}
	return out
}

// code renders a code block: a label, then the lines indented and numbered
// (output and input fences are shown without numbers).
func (r *renderer) code(lines *text.Segments, lang string, prog *lessons.Program) []string {
	label := lang
	switch {
	case prog != nil && prog.Exercise != "":
		label = strings.TrimSpace(lang + " · exercise " + prog.Exercise)
	case prog != nil:
		label = strings.TrimSpace(lang + " · example " + prog.Name)
	}
	ioFence := false
	switch lang {
	case "output", "stdout", "stderr", "stdin":
		ioFence = true
	}
	var out []string
	if label != "" {
		out = append(out, "    "+r.p.Dim(label))
	}
	n := lines.Len()
	digits := len(fmt.Sprint(n))
	for i := 0; i < n; i++ {
		seg := lines.At(i)
		l := strings.TrimRight(string(seg.Value(r.src)), "\r\n")
		l = strings.ReplaceAll(l, "\t", "    ")
		if ioFence {
			out = append(out, "    "+r.p.Dim("│ ")+l)
			continue
		}
		out = append(out, "    "+r.p.Dim(fmt.Sprintf("%*d │ ", digits, i+1))+r.p.Code(l))
	}
	return out
}

// tableLines returns the lines of a paragraph that is a pipe table (every
// line starts with "|"), as written and indented, with the delimiter row
// dimmed; nil for any other paragraph.
func (r *renderer) tableLines(n ast.Node) []string {
	segs := n.Lines()
	if segs.Len() < 2 {
		return nil
	}
	var out []string
	for i := 0; i < segs.Len(); i++ {
		seg := segs.At(i)
		l := strings.TrimSpace(string(seg.Value(r.src)))
		if !strings.HasPrefix(l, "|") {
			return nil
		}
		if strings.Trim(l, "|-: ") == "" {
			l = r.p.Dim(l)
		}
		out = append(out, "  "+l)
	}
	return out
}

// span is a run of inline text with its style.
type span struct {
	text  string
	style func(string) string
	code  bool // never broken across lines
}

// inlines flattens the inline children of n into spans.
func (r *renderer) inlines(n ast.Node, style func(string) string) []span {
	if style == nil {
		style = func(s string) string { return s }
	}
	var out []span
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			out = append(out, span{text: string(c.Value(r.src)), style: style})
			if c.HardLineBreak() {
				out = append(out, span{text: "\n"})
			} else if c.SoftLineBreak() {
				out = append(out, span{text: " ", style: style})
			}
		case *ast.String:
			out = append(out, span{text: string(c.Value), style: style})
		case *ast.CodeSpan:
			t := r.plain(c)
			if r.p.Plain {
				t = "`" + t + "`"
			}
			out = append(out, span{text: t, style: compose(style, r.p.Code), code: true})
		case *ast.Emphasis:
			s := r.p.Emph
			if c.Level >= 2 {
				s = r.p.Strong
			}
			out = append(out, r.inlines(c, compose(style, s))...)
		case *ast.Link:
			label := r.inlines(c, compose(style, r.p.Link))
			out = append(out, label...)
			dest := string(c.Destination)
			if dest != "" && dest != spansText(label) && !strings.HasPrefix(dest, "#") {
				out = append(out, span{text: " (" + dest + ")", style: compose(style, r.p.Dim)})
			}
		case *ast.AutoLink:
			out = append(out, span{text: string(c.URL(r.src)), style: compose(style, r.p.Link)})
		case *ast.Image:
			out = append(out, span{text: "[image: " + r.plain(c) + "]", style: compose(style, r.p.Dim)})
		case *ast.RawHTML:
			// raw HTML is not shown
		default:
			out = append(out, r.inlines(c, style)...)
		}
	}
	return out
}

func compose(outer, inner func(string) string) func(string) string {
	return func(s string) string { return outer(inner(s)) }
}

func spansText(spans []span) string {
	var b strings.Builder
	for _, s := range spans {
		b.WriteString(s.text)
	}
	return b.String()
}

// plain returns the unstyled inline text of n.
func (r *renderer) plain(n ast.Node) string {
	if cs, ok := n.(*ast.CodeSpan); ok {
		var b strings.Builder
		for c := cs.FirstChild(); c != nil; c = c.NextSibling() {
			if t, ok := c.(*ast.Text); ok {
				b.Write(t.Value(r.src))
			} else if s, ok := c.(*ast.String); ok {
				b.Write(s.Value)
			}
		}
		return b.String()
	}
	return strings.ReplaceAll(spansText(r.inlines(n, nil)), "\n", " ")
}

// wrap lays spans out in lines of at most width visible characters
// (a single word longer than that gets a line of its own).
func (r *renderer) wrap(spans []span, width int) []string {
	type word struct {
		text  string
		style func(string) string
		space bool // preceded by a space
		brk   bool // a hard line break
	}
	var words []word
	space := false
	for _, s := range spans {
		if s.text == "\n" && s.style == nil {
			words = append(words, word{brk: true})
			space = false
			continue
		}
		if s.code {
			words = append(words, word{text: s.text, style: s.style, space: space})
			space = false
			continue
		}
		for i, f := range strings.Split(s.text, " ") {
			if i > 0 {
				space = true
			}
			if f == "" {
				continue
			}
			words = append(words, word{text: f, style: s.style, space: space})
			space = false
		}
	}
	var lines []string
	var cur strings.Builder
	curLen := 0
	// Words glued together (no space between) move as one unit.
	for i := 0; i < len(words); {
		if words[i].brk {
			lines = append(lines, cur.String())
			cur.Reset()
			curLen = 0
			i++
			continue
		}
		j := i + 1
		unit := utf8.RuneCountInString(words[i].text)
		for j < len(words) && !words[j].brk && !words[j].space {
			unit += utf8.RuneCountInString(words[j].text)
			j++
		}
		sep := 0
		if words[i].space && curLen > 0 {
			sep = 1
		}
		if curLen > 0 && curLen+sep+unit > width {
			lines = append(lines, cur.String())
			cur.Reset()
			curLen, sep = 0, 0
		}
		if sep == 1 {
			cur.WriteByte(' ')
		}
		for k := i; k < j; k++ {
			cur.WriteString(words[k].style(words[k].text))
		}
		curLen += sep + unit
		i = j
	}
	if curLen > 0 || len(lines) == 0 {
		lines = append(lines, cur.String())
	}
	return lines
}
