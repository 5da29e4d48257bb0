// want: route=compiler-checks build-failed
package main

import (
	"fmt"
	"os"
)

func main() {
	x := 1
	fmt.Println("yaegi runs this; go build does not")
}
