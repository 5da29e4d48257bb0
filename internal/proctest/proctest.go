// Package proctest finds the processes a test marked through their
// environment, so that tests can check that a sandboxed run left none
// behind.
package proctest

import (
	"bytes"
	"os"
	"path/filepath"
)

// Marked returns the PIDs of the processes whose environment holds the
// entry kv ("KEY=value"), from /proc.
func Marked(kv string) []string {
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	var pids []string
	for _, d := range dirs {
		env, err := os.ReadFile(filepath.Join(d, "environ"))
		if err != nil {
			continue
		}
		for _, e := range bytes.Split(env, []byte{0}) {
			if string(e) == kv {
				pids = append(pids, filepath.Base(d))
				break
			}
		}
	}
	return pids
}
