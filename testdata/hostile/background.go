// Starts children meant to outlive it: a shell's background job and a
// child in a new session, then exits at once.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
)

// marker is replaced by the test with a per-run value.
const marker = "HOSTILE_MARKER"

func main() {
	os.Setenv("WB_HOSTILE", marker)
	if err := exec.Command("sh", "-c", "sleep 30 &").Run(); err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	cmd := exec.Command("sleep", "30")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Println("started")
}
