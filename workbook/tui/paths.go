package tui

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/ppworkbook/workbook/workbook/progress"
)

// progressState is the learner's progress.
type progressState = progress.State

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func stripANSI(s string) string { return ansi.Strip(s) }

// relPath returns path relative to the current directory when it is
// inside it: shorter to read.
func relPath(path string) string {
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	r, err := filepath.Rel(wd, path)
	if err != nil || strings.HasPrefix(r, "..") {
		return path
	}
	return r
}
