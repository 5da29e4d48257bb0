package term

import "github.com/fatih/color"

// Palette is the workbook's one set of styles for a terminal: reports,
// diffs and lessons. Every style is the identity when colour is off, and
// leaves an empty string empty. Build it once, with NewPalette, from the
// colour decision (Colour): it never reads or changes fatih/color's global
// switch.
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

// NewPalette returns the palette, with colour on or off.
func NewPalette(on bool) Palette {
	mk := func(attrs ...color.Attribute) func(string) string {
		if !on {
			return func(s string) string { return s }
		}
		c := color.New(attrs...)
		c.EnableColor()
		return func(s string) string {
			if s == "" {
				return s
			}
			return c.Sprint(s)
		}
	}
	return Palette{
		Plain:  !on,
		Red:    mk(color.FgRed),
		Green:  mk(color.FgGreen),
		Yellow: mk(color.FgYellow),
		Cyan:   mk(color.FgCyan),
		H1:     mk(color.Bold, color.FgMagenta),
		H2:     mk(color.Bold, color.FgBlue),
		H3:     mk(color.Bold),
		Code:   mk(color.FgCyan),
		Emph:   mk(color.Italic),
		Strong: mk(color.Bold),
		Dim:    mk(color.Faint),
		Link:   mk(color.Underline),
		Pass:   mk(color.Bold, color.FgGreen),
		Fail:   mk(color.Bold, color.FgRed),
		Warn:   mk(color.FgYellow),
	}
}
