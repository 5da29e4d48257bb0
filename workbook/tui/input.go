package tui

import (
	"unicode"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// lineInput is the one-line prompt of the reader's search: typing,
// backspace, delete, the cursor keys and the usual Emacs keys of a shell
// prompt (ctrl+a, ctrl+e, ctrl+b, ctrl+f, ctrl+h, ctrl+d, ctrl+k, ctrl+u,
// ctrl+w, alt+b, alt+f). Enter and esc are the reader's (searchKey).
//
// It replaces bubbles/textinput, which links github.com/atotto/clipboard:
// that package's init looks for xclip, xsel, wl-copy and termux over the
// whole PATH (some fifty failed stats) in every process of the workbook,
// sandbox children included. A terminal's own paste (a key message of
// many runes) is typed like any other input.
type lineInput struct {
	prompt string
	value  []rune
	pos    int // the cursor, 0..len(value)
}

// set replaces the text and puts the cursor at its end.
func (in *lineInput) set(s string) {
	in.value, in.pos = nil, 0
	in.insert([]rune(s))
}

// text is what was typed.
func (in *lineInput) text() string { return string(in.value) }

// insert types runes at the cursor: tabs and line breaks become spaces,
// other control characters are dropped (the prompt is one line).
func (in *lineInput) insert(rs []rune) {
	clean := make([]rune, 0, len(rs))
	for _, r := range rs {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			clean = append(clean, ' ')
		case r == unicode.ReplacementChar || unicode.IsControl(r):
		default:
			clean = append(clean, r)
		}
	}
	if len(clean) == 0 {
		return
	}
	v := make([]rune, 0, len(in.value)+len(clean))
	v = append(v, in.value[:in.pos]...)
	v = append(v, clean...)
	v = append(v, in.value[in.pos:]...)
	in.value = v
	in.pos += len(clean)
}

// wordStart is where the word before the cursor starts (spaces before
// the cursor skipped first).
func (in *lineInput) wordStart() int {
	i := in.pos
	for i > 0 && unicode.IsSpace(in.value[i-1]) {
		i--
	}
	for i > 0 && !unicode.IsSpace(in.value[i-1]) {
		i--
	}
	return i
}

// wordEnd is where the word after the cursor ends (spaces after the
// cursor skipped first).
func (in *lineInput) wordEnd() int {
	i := in.pos
	for i < len(in.value) && unicode.IsSpace(in.value[i]) {
		i++
	}
	for i < len(in.value) && !unicode.IsSpace(in.value[i]) {
		i++
	}
	return i
}

// cut removes value[from:to] and leaves the cursor at from.
func (in *lineInput) cut(from, to int) {
	in.value = append(in.value[:from], in.value[to:]...)
	in.pos = from
}

// key edits the text for one key press.
func (in *lineInput) key(k tea.KeyMsg) {
	switch k.String() {
	case "left", "ctrl+b":
		in.pos = max(in.pos-1, 0)
	case "right", "ctrl+f":
		in.pos = min(in.pos+1, len(in.value))
	case "home", "ctrl+a":
		in.pos = 0
	case "end", "ctrl+e":
		in.pos = len(in.value)
	case "alt+left", "ctrl+left", "alt+b":
		in.pos = in.wordStart()
	case "alt+right", "ctrl+right", "alt+f":
		in.pos = in.wordEnd()
	case "backspace", "ctrl+h":
		if in.pos > 0 {
			in.cut(in.pos-1, in.pos)
		}
	case "delete", "ctrl+d":
		if in.pos < len(in.value) {
			in.cut(in.pos, in.pos+1)
		}
	case "alt+backspace", "ctrl+w":
		in.cut(in.wordStart(), in.pos)
	case "alt+delete", "alt+d":
		end := in.wordEnd()
		in.value = append(in.value[:in.pos], in.value[end:]...)
	case "ctrl+k":
		in.value = in.value[:in.pos]
	case "ctrl+u":
		in.cut(0, in.pos)
	default:
		in.insert(k.Runes) // none for the other special keys
	}
}

// view is the prompt, the text and the cursor, shown in reverse video
// over the character under it (a space at the end).
func (in *lineInput) view(cursor lipgloss.Style) string {
	under := " "
	after := ""
	if in.pos < len(in.value) {
		under = string(in.value[in.pos])
		after = string(in.value[in.pos+1:])
	}
	return in.prompt + string(in.value[:in.pos]) + cursor.Render(under) + after
}
