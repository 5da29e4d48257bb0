package tui

import (
	"os"

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
