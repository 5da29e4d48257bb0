package check

import (
	"fmt"
	"strings"

	"github.com/aymanbagabas/go-udiff"

	"github.com/ppworkbook/workbook/workbook/term"
)

// The markers that make invisible characters visible in changed lines.
const (
	markTab       = "→"
	markCR        = "␍"
	markSpace     = "·"
	markNoNewline = `\ No newline at end of file`
)

// Diff returns a unified diff from expected to actual (labelled "expected"
// and "actual"), or "" when they are equal. On changed lines, tabs show as
// →, carriage returns as ␍ and trailing spaces as ·; a missing final newline
// is reported on a line of its own. With colour on, removed lines are red,
// added lines green and hunk headers cyan.
func Diff(expected, actual string, pal term.Palette) string {
	if expected == actual {
		return ""
	}
	edits := udiff.Lines(expected, actual)
	u, err := udiff.ToUnifiedDiff("expected", "actual", expected, edits, udiff.DefaultContextLines)
	if err != nil || len(u.Hunks) == 0 {
		// Cannot happen with edits from udiff.Lines; show both sides.
		return fmt.Sprintf("expected:\n%s\nactual:\n%s\n", visible(expected), visible(actual))
	}
	var b strings.Builder
	b.WriteString(pal.Strong("--- expected") + "\n")
	b.WriteString(pal.Strong("+++ actual") + "\n")
	for _, h := range u.Hunks {
		from, to := 0, 0
		for _, l := range h.Lines {
			switch l.Kind {
			case udiff.Delete:
				from++
			case udiff.Insert:
				to++
			default:
				from++
				to++
			}
		}
		b.WriteString(pal.Cyan(fmt.Sprintf("@@ -%s +%s @@", span(h.FromLine, from), span(h.ToLine, to))) + "\n")
		for _, l := range h.Lines {
			text := strings.TrimSuffix(l.Content, "\n")
			switch l.Kind {
			case udiff.Delete:
				b.WriteString(pal.Red("-"+visible(text)) + "\n")
			case udiff.Insert:
				b.WriteString(pal.Green("+"+visible(text)) + "\n")
			default:
				b.WriteString(" " + text + "\n")
			}
			if !strings.HasSuffix(l.Content, "\n") {
				b.WriteString(pal.Dim(markNoNewline) + "\n")
			}
		}
	}
	return b.String()
}

// span formats a hunk range the way diff -u does.
func span(start, n int) string {
	switch {
	case n == 0 && start <= 1:
		return "0,0"
	case n == 1:
		return fmt.Sprint(start)
	}
	return fmt.Sprintf("%d,%d", start, n)
}

// visible makes tabs, carriage returns and trailing spaces visible.
func visible(line string) string {
	trimmed := strings.TrimRight(line, " ")
	trailing := len(line) - len(trimmed)
	r := strings.NewReplacer("\t", markTab, "\r", markCR)
	return r.Replace(trimmed) + strings.Repeat(markSpace, trailing)
}
