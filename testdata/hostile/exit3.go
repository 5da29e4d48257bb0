// Exits with status 3 without any output.
package main

import "os"

// marker is replaced by the test with a per-run value.
const marker = "HOSTILE_MARKER"

func main() {
	os.Setenv("WB_HOSTILE", marker)
	os.Exit(3)
}
