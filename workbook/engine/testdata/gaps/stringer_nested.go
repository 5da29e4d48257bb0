// want: route=stringer-format
package main

import (
	"fmt"
	"strings"
)

type Color int

func (c Color) String() string { return [...]string{"red", "green"}[c] }

type Car struct {
	Name  string
	Color Color
}

type List []Color

func main() {
	c := Car{"a", 1}
	fmt.Println(c, []Color{0, 1}, map[string]Color{"k": 1})
	fmt.Println(List{1, 0})
	var s fmt.Stringer = Color(1)
	fmt.Println(s, strings.ToUpper(s.String()))
	fmt.Printf("%v %s\n", c, c)
}
