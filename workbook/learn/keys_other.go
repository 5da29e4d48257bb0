//go:build !linux

package learn

import "io"

// cbreak is only implemented on Linux; elsewhere keys are read line by line.
func cbreak(io.Reader) (restore func(), ok bool) { return func() {}, false }

// windowWidth is only implemented on Linux.
func windowWidth(io.Writer) (int, bool) { return 0, false }
