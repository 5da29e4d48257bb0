// want: engine=yaegi rewrite=range-int
package main

import "fmt"

func main() {
	for i := range 3 {
		fmt.Println("i", i)
	}
	n := int64(2)
	for j := range n {
		fmt.Printf("%T %d\n", j, j)
	}
	for range len("ab") {
		fmt.Println("tick")
	}
}
