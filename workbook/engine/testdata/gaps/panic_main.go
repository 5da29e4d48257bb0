// want: fallback end=panicked
package main

import "fmt"

func at(s []int, i int) int { return s[i] }

func main() {
	defer fmt.Println("deferred runs before the crash")
	fmt.Println(at([]int{1, 2}, 5))
}
