// Ignores SIGTERM and loops (sleeping, for at most a minute) until killed.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// marker is replaced by the test with a per-run value.
const marker = "HOSTILE_MARKER"

func main() {
	os.Setenv("WB_HOSTILE", marker)
	signal.Ignore(syscall.SIGTERM)
	fmt.Println("looping")
	for start := time.Now(); time.Since(start) < time.Minute; {
		time.Sleep(10 * time.Millisecond)
	}
}
