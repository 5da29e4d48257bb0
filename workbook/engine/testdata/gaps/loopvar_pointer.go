// want: engine=yaegi rewrite=loopvar
package main

import "fmt"

func main() {
	var ptrs []*int
	for _, v := range []int{1, 2, 3} {
		ptrs = append(ptrs, &v)
	}
	for _, p := range ptrs {
		fmt.Println(*p)
	}
}
