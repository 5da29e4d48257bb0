package lessons

import "fmt"

// Error is a problem with a document, located at a Markdown line.
type Error struct {
	File string // document path
	Line int    // 1-based line; 0 when the problem is about the whole file
	Msg  string
}

// Error formats the problem as "file.md:line: message".
func (e *Error) Error() string {
	if e.Line <= 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}
