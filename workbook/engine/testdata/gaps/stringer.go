// want: route=stringer-format
package main

import "fmt"

type Color int

func (c Color) String() string { return [...]string{"red", "green"}[c] }

func main() {
	fmt.Println(Color(1), Color(0))
	fmt.Printf("%s and %d\n", Color(0), Color(1))
}
