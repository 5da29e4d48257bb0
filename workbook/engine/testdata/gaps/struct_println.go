// want: engine=yaegi
package main

import "fmt"

type point struct {
	x, y int
	Name string
}

type Color int

func (c Color) String() string { return [...]string{"red", "green"}[c] }

func main() {
	p := point{1, 2, "p"}
	fmt.Println(p, &p, []point{p})
	fmt.Printf("%v %s %v\n", p, Color(1), Color(0))
}
