// Allocates 4 GiB.
package main

import (
	"fmt"
	"os"
)

// marker is replaced by the test with a per-run value.
const marker = "HOSTILE_MARKER"

func main() {
	os.Setenv("WB_HOSTILE", marker)
	b := make([]byte, 4<<30)
	b[len(b)-1] = 1
	fmt.Println(len(b))
}
