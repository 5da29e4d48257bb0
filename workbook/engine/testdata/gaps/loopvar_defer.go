// want: route=loopvar
package main

import "fmt"

func main() {
	for i := 0; i < 3; i++ {
		x := i * 10
		defer func() { fmt.Println("deferred", i, x) }()
	}
}
