// Leaves a grandchild holding its stdout open, then exits.
package main

import (
	"fmt"
	"os"
	"os/exec"
)

// marker is replaced by the test with a per-run value.
const marker = "HOSTILE_MARKER"

func main() {
	os.Setenv("WB_HOSTILE", marker)
	cmd := exec.Command("sh", "-c", "sleep 30")
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Println("left a grandchild")
}
