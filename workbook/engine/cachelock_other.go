//go:build !unix

package engine

import "os"

// lockShared always succeeds where flock is missing: the sandbox, and so
// the compiled engine, runs on Unix only.
func lockShared(*os.File) bool { return true }

// lockExclusive always succeeds where flock is missing (see lockShared).
func lockExclusive(*os.File) bool { return true }
