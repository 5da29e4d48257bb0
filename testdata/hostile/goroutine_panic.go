// Panics in a goroutine while main waits forever.
package main

import "os"

// marker is replaced by the test with a per-run value.
const marker = "HOSTILE_MARKER"

func main() {
	os.Setenv("WB_HOSTILE", marker)
	go func() {
		panic("boom in goroutine")
	}()
	select {}
}
