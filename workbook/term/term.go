// Package term is the workbook's one decision about terminals and colour:
// whether a stream is a terminal, and whether output is coloured. The
// command line makes the decision once, at the edge, and hands it down.
package term

import (
	"fmt"
	"os"

	"github.com/mattn/go-isatty"
)

// IsTerminal reports whether x (an io.Reader or io.Writer) is a terminal:
// an *os.File on a terminal device, a Cygwin or MSYS terminal included.
func IsTerminal(x any) bool {
	f, ok := x.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// NoColor reports whether the environment asks for no colour: $NO_COLOR set
// to anything (https://no-color.org) or $TERM=dumb.
func NoColor(getenv func(string) string) bool {
	return getenv("NO_COLOR") != "" || getenv("TERM") == "dumb"
}

// Colour decides whether output is coloured. when is the --color flag:
// always, never, or auto (or empty): colour on a terminal unless the
// environment asks for none (see NoColor).
func Colour(when string, terminal, noColor bool) (bool, error) {
	switch when {
	case "always":
		return true, nil
	case "never":
		return false, nil
	case "auto", "":
		return terminal && !noColor, nil
	}
	return false, fmt.Errorf("bad --color %q: want auto, always or never", when)
}
