// want: fallback
package main

import (
	"fmt"
	"strconv"
)

func main() {
	n, _ := strconv.Atoi("3")
	for i := range n {
		fmt.Println(i)
	}
}
