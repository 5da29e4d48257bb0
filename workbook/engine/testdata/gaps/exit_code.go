// want: engine=yaegi exit=3
package main

import (
	"fmt"
	"os"
)

func main() {
	defer fmt.Println("deferred calls do not run on os.Exit")
	fmt.Fprintln(os.Stderr, "leaving with 3")
	os.Exit(3)
}
