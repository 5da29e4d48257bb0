// Package content holds the workbook's lessons, embedded in the binary.
package content

import (
	"embed"
	"io/fs"
)

//go:embed *.md
var files embed.FS

// FS returns the embedded lessons: one Markdown file per lesson at the root.
func FS() fs.FS { return files }
