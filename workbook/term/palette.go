package term

import (
	"strconv"
	"strings"
)

// Palette is the workbook's one set of styles for a terminal: reports,
// diffs and lessons. Every style is the identity when colour is off, and
// leaves an empty string empty. Build it once, with NewPalette, from the
// colour decision (Colour).
type Palette struct {
	// Plain is true without colour (lessons then keep the backticks of
	// code spans).
	Plain bool
	// Colours of reports and diffs: FAIL and removed lines, PASS and added
	// lines, SKIP, hunk headers.
	Red, Green, Yellow, Cyan func(string) string
	// Styles of lessons and the learner's screens; Strong and Dim also
	// serve reports (diff headers, durations).
	H1, H2, H3         func(string) string
	Code, Emph, Strong func(string) string
	Dim, Link          func(string) string
	Pass, Fail, Warn   func(string) string
}

// SGR attributes of the palette's styles.
const (
	bold      = 1
	faint     = 2
	italic    = 3
	underline = 4
	fgRed     = 31
	fgGreen   = 32
	fgYellow  = 33
	fgBlue    = 34
	fgMagenta = 35
	fgCyan    = 36
)

// sgr writes a style as the escape sequences that set and reset it: the
// attributes, then the reset of each (22 for bold and faint, 23 italic, 24
// underline, 0 for a colour), as fatih/color wrote them before: the
// package is no longer linked, its init (a terminal check of stdout, a
// colourable writer) ran in every process of the workbook, sandbox
// children included.
func sgr(attrs ...int) (on, off string) {
	set := make([]string, len(attrs))
	reset := make([]string, len(attrs))
	for i, a := range attrs {
		set[i] = strconv.Itoa(a)
		switch a {
		case bold, faint:
			reset[i] = "22"
		case italic:
			reset[i] = "23"
		case underline:
			reset[i] = "24"
		default:
			reset[i] = "0"
		}
	}
	return "\x1b[" + strings.Join(set, ";") + "m", "\x1b[" + strings.Join(reset, ";") + "m"
}

// NewPalette returns the palette, with colour on or off.
func NewPalette(on bool) Palette {
	mk := func(attrs ...int) func(string) string {
		if !on {
			return func(s string) string { return s }
		}
		set, reset := sgr(attrs...)
		return func(s string) string {
			if s == "" {
				return s
			}
			return set + s + reset
		}
	}
	return Palette{
		Plain:  !on,
		Red:    mk(fgRed),
		Green:  mk(fgGreen),
		Yellow: mk(fgYellow),
		Cyan:   mk(fgCyan),
		H1:     mk(bold, fgMagenta),
		H2:     mk(bold, fgBlue),
		H3:     mk(bold),
		Code:   mk(fgCyan),
		Emph:   mk(italic),
		Strong: mk(bold),
		Dim:    mk(faint),
		Link:   mk(underline),
		Pass:   mk(bold, fgGreen),
		Fail:   mk(bold, fgRed),
		Warn:   mk(fgYellow),
	}
}
