package lessons

import (
	"bytes"
	"sort"
)

// text is a byte buffer with its line table. first is the document line of
// buf's first line, so a buffer holding the body of a hidden comment still
// reports the document's own line numbers.
type text struct {
	buf    []byte
	first  int
	starts []int // offsets of the first byte of every line
}

func newText(buf []byte, first int) *text {
	starts := []int{0}
	for i, c := range buf {
		if c == '\n' && i+1 < len(buf) {
			starts = append(starts, i+1)
		}
	}
	return &text{buf: buf, first: first, starts: starts}
}

// index returns the 0-based index of the line holding offset off.
func (t *text) index(off int) int {
	return sort.Search(len(t.starts), func(i int) bool { return t.starts[i] > off }) - 1
}

// line returns the document line of offset off.
func (t *text) line(off int) int {
	return t.first + t.index(off)
}

// lineAt returns the text of the 0-based line idx without its newline, and
// false when there is no such line.
func (t *text) lineAt(idx int) ([]byte, bool) {
	if idx < 0 || idx >= len(t.starts) || len(t.buf) == 0 {
		return nil, false
	}
	start := t.starts[idx]
	end := len(t.buf)
	if idx+1 < len(t.starts) {
		end = t.starts[idx+1]
	}
	return bytes.TrimRight(t.buf[start:end], "\r\n"), true
}

// lastLine returns the document line of the buffer's last line.
func (t *text) lastLine() int {
	return t.first + len(t.starts) - 1
}
