// want: route=struct-format
package main

import "fmt"

type point struct {
	x, y int
	Name string
}

func main() {
	p := point{1, 2, "p"}
	fmt.Printf("%v\n%+v\n%#v\n%T\n", p, p, p, p)
	fmt.Println(p, &p)
}
