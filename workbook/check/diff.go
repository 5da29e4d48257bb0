package check

import (
	"fmt"
	"strings"

	"github.com/aymanbagabas/go-udiff"
	"github.com/fatih/color"
)

// Palette holds the colours of the workbook's reports. Build it once, at the
// edge, with NewPalette: it never reads or changes fatih/color's global
// switch.
type Palette struct {
	On     bool
	Red    *color.Color // removed lines, FAIL
	Green  *color.Color // added lines, PASS
	Yellow *color.Color // SKIP, warnings
	Cyan   *color.Color // diff headers
	Faint  *color.Color // invisible-character markers, durations
	Bold   *color.Color
}

// NewPalette returns the palette, with colour on or off.
func NewPalette(on bool) Palette {
	mk := func(a ...color.Attribute) *color.Color {
		c := color.New(a...)
		if on {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
		return c
	}
	return Palette{
		On:     on,
		Red:    mk(color.FgRed),
		Green:  mk(color.FgGreen),
		Yellow: mk(color.FgYellow),
		Cyan:   mk(color.FgCyan),
		Faint:  mk(color.Faint),
		Bold:   mk(color.Bold),
	}
}

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
func Diff(expected, actual string, pal Palette) string {
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
	b.WriteString(pal.Bold.Sprint("--- expected") + "\n")
	b.WriteString(pal.Bold.Sprint("+++ actual") + "\n")
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
		b.WriteString(pal.Cyan.Sprintf("@@ -%s +%s @@", span(h.FromLine, from), span(h.ToLine, to)) + "\n")
		for _, l := range h.Lines {
			text := strings.TrimSuffix(l.Content, "\n")
			switch l.Kind {
			case udiff.Delete:
				b.WriteString(pal.Red.Sprint("-"+visible(text)) + "\n")
			case udiff.Insert:
				b.WriteString(pal.Green.Sprint("+"+visible(text)) + "\n")
			default:
				b.WriteString(" " + text + "\n")
			}
			if !strings.HasSuffix(l.Content, "\n") {
				b.WriteString(pal.Faint.Sprint(markNoNewline) + "\n")
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
