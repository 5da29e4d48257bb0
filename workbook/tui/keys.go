package tui

import (
	"sync"

	"github.com/charmbracelet/bubbles/key"
)

// keyMap is every key of the interface.
type keyMap struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Open, Continue, Back, Help, Quit        key.Binding
	NextExample, PrevExample, Run, Try      key.Binding
	Contents, Search, NextMatch, PrevMatch  key.Binding
	Exercise, Edit, Hint, Solution, Check   key.Binding
	Lesson, Next, RunAgain                  key.Binding
}

func newKeyMap() keyMap {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return keyMap{
		Up:          b([]string{"up", "k"}, "↑/k", "up"),
		Down:        b([]string{"down", "j"}, "↓/j", "down"),
		PageUp:      b([]string{"pgup", "b"}, "pgup/b", "page up"),
		PageDown:    b([]string{"pgdown", " ", "f"}, "pgdn/space", "page down"),
		Top:         b([]string{"home", "g"}, "g/home", "top"),
		Bottom:      b([]string{"end", "G"}, "G/end", "bottom"),
		Open:        b([]string{"enter"}, "enter", "open"),
		Continue:    b([]string{"c"}, "c", "continue"),
		Back:        b([]string{"esc"}, "esc", "back"),
		Help:        b([]string{"?"}, "?", "keys"),
		Quit:        b([]string{"q"}, "q", "quit"),
		NextExample: b([]string{"]"}, "]", "next"),
		PrevExample: b([]string{"["}, "[", "previous"),
		Run:         b([]string{"r", "x"}, "r", "run"),
		Try:         b([]string{"p"}, "p", "try it"),
		Contents:    b([]string{"t"}, "t", "contents"),
		Search:      b([]string{"/"}, "/", "search"),
		NextMatch:   b([]string{"n"}, "n", "next match"),
		PrevMatch:   b([]string{"N"}, "N", "previous match"),
		Exercise:    b([]string{"e"}, "e", "exercise"),
		Edit:        b([]string{"e"}, "e", "edit"),
		Hint:        b([]string{"h"}, "h", "hint"),
		Solution:    b([]string{"s"}, "s", "solution"),
		Check:       b([]string{"r"}, "r", "check again"),
		Lesson:      b([]string{"l"}, "l", "lesson"),
		Next:        b([]string{"n"}, "n", "next exercise"),
		RunAgain:    b([]string{"r"}, "r", "run again"),
	}
}

// longHelp says more about a key than its short description, in the
// list ? shows, screen by screen (built when ? is pressed, not at init in
// every process of the workbook).
var longHelp = sync.OnceValue(func() map[screen]map[string]string {
	return map[screen]map[string]string{
		screenHome: {
			"c": "continue where you left off",
		},
		screenReader: {
			"r":   "run the example under the cursor: its output and verdict appear below it",
			"p":   "playground: copy the example into your work directory, edit it, run it",
			"e":   "the lesson's exercise",
			"[":   "the previous example",
			"]":   "the next example",
			"n":   "the next match of the search",
			"N":   "the previous match",
			"esc": "back to the home screen",
		},
		screenExercise: {
			"e":   "edit your file in $VISUAL or $EDITOR (each save is checked)",
			"h":   "the next hint (the hints you have seen are remembered)",
			"r":   "check your file again",
			"s":   "the reference solution, once your program passes",
			"n":   "the next exercise, once this one is done",
			"l":   "read the exercise's lesson",
			"esc": "back to the home screen",
		},
		screenPlayground: {
			"e":   "edit your copy in $VISUAL or $EDITOR (each save runs it)",
			"r":   "run it again",
			"l":   "read the lesson",
			"esc": "back to the home screen",
		},
	}
})

func (k keyMap) move() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}
}

func (k keyMap) home() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.Open, k.Continue}}
}

func (k keyMap) reader() [][]key.Binding {
	return [][]key.Binding{k.move(), {k.NextExample, k.PrevExample, k.Run, k.Try, k.Exercise}, {k.Contents, k.Search, k.NextMatch, k.PrevMatch}}
}

func (k keyMap) exercise() [][]key.Binding {
	return [][]key.Binding{{k.Edit, k.Hint, k.Check, k.Solution, k.Next, k.Lesson}, k.move()}
}

func (k keyMap) playground() [][]key.Binding {
	return [][]key.Binding{{k.Edit, k.RunAgain, k.Lesson}, k.move()}
}
