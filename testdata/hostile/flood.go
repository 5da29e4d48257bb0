// Prints 300 MB on stdout.
package main

import (
	"bytes"
	"os"
)

// marker is replaced by the test with a per-run value.
const marker = "HOSTILE_MARKER"

func main() {
	os.Setenv("WB_HOSTILE", marker)
	line := append(bytes.Repeat([]byte("x"), 1023), '\n')
	chunk := bytes.Repeat(line, 1024) // 1 MiB
	for range 300 {
		if _, err := os.Stdout.Write(chunk); err != nil {
			os.Exit(1)
		}
	}
}
