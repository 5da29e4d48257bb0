package tui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

func TestLineInput(t *testing.T) {
	runes := func(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }
	typ := func(t tea.KeyType) tea.KeyMsg { return tea.KeyMsg{Type: t} }
	in := lineInput{prompt: "/"}
	for _, k := range []tea.KeyMsg{runes("pipe"), runes(" "), runes("wr\tite"), typ(tea.KeyBackspace)} {
		in.key(k)
	}
	if got := in.text(); got != "pipe wr it" {
		t.Fatalf("typed %q", got)
	}
	in.key(typ(tea.KeyCtrlW))
	if got := in.text(); got != "pipe wr " || in.pos != 8 {
		t.Fatalf("after ctrl+w: %q at %d", got, in.pos)
	}
	in.key(typ(tea.KeyCtrlW))
	in.key(typ(tea.KeyHome))
	in.key(typ(tea.KeyRight))
	in.key(runes("x"))
	in.key(typ(tea.KeyDelete))
	if got := in.text(); got != "pxpe " || in.pos != 2 {
		t.Fatalf("after home, right, x, delete: %q at %d", got, in.pos)
	}
	if got := in.view(newStyles(nil, false).bar); got != "/pxpe " {
		t.Errorf("view %q", got)
	}
	in.key(typ(tea.KeyCtrlK))
	in.key(typ(tea.KeyLeft))
	in.key(typ(tea.KeyCtrlU))
	if got := in.text(); got != "x" || in.pos != 0 {
		t.Fatalf("after ctrl+k, left, ctrl+u: %q at %d", got, in.pos)
	}
	in.set("a b")
	if in.pos != 3 {
		t.Fatalf("set leaves the cursor at %d", in.pos)
	}
}
