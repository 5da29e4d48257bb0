// want: route=interface-assert
package main

import "fmt"

type geometry interface{ area() float64 }
type Named interface{ Name() string }
type rect struct{ w, h float64 }

func (r rect) area() float64 { return r.w * r.h }
func (r rect) Name() string  { return "rect" }

func main() {
	var x interface{} = rect{1, 2}
	switch v := x.(type) {
	case geometry:
		fmt.Println("1 geometry", v.area())
	default:
		fmt.Println("1 default")
	}
	_, ok := x.(geometry)
	fmt.Println("2", ok)
	_, ok = x.(Named)
	fmt.Println("3", ok)
	var g geometry = rect{1, 2}
	switch g.(type) {
	case rect:
		fmt.Println("4 rect")
	}
	_, ok = g.(Named)
	fmt.Println("5", ok)
	_, ok = x.(fmt.Stringer)
	fmt.Println("6", ok)
	var a any = &rect{}
	_, ok = a.(geometry)
	fmt.Println("7", ok)
}
