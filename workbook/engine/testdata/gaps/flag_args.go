// want: engine=yaegi
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	n := flag.Int("n", 7, "a number")
	flag.Parse()
	fmt.Println(len(os.Args), *n, flag.NArg())
}
