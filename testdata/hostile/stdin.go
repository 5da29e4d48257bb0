// Reads all of stdin and echoes it upper-cased.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// marker is replaced by the test with a per-run value.
const marker = "HOSTILE_MARKER"

func main() {
	os.Setenv("WB_HOSTILE", marker)
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Printf("%d bytes: %s", len(in), strings.ToUpper(string(in)))
}
