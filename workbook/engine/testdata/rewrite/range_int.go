package main

import "fmt"

func main() {
//line lesson.md:10
	for i := range 3 {
		fmt.Println(i)
	}
	for range len("ab") {
		fmt.Println("tick")
	}
	var n int64 = 2
	for j := range n {
		fmt.Println(j)
	}
}
