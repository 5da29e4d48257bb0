// Command workbook teaches how Go runs external processes and connects them
// with pipes. Its lessons (fork and exec, pipes, FIFOs, signals, process
// groups) and its sandbox need a Unix: on Windows it says so and stops.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "workbook: the lessons need a Unix (Linux, macOS or a BSD); on Windows, run the workbook inside WSL.")
	os.Exit(1)
}
