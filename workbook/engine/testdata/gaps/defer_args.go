// want: route=defer-args
package main

import "fmt"

func show(tag string, v int) { fmt.Println(tag, v) }

type C struct{ n int }

func (c C) Get() int { return c.n }

func main() {
	x := 1
	defer fmt.Println("binary", x)
	defer show("interp", x)
	s := []int{1}
	defer fmt.Println("slice elem", s[0])
	p := &C{1}
	defer fmt.Println("field", p.n)
	c := C{5}
	g := c.Get
	c.n = 6
	fmt.Println("method value", g())
	x = 2
	s[0] = 2
	p.n = 2
	for i := 0; i < 2; i++ {
		defer show("loop-interp", i)
	}
	for _, v := range []int{7, 8} {
		defer fmt.Println("range-binary", v)
	}
	done := make(chan bool)
	y := 1
	go func(v int) { <-done; fmt.Println("go arg", v); done <- true }(y)
	y = 2
	done <- true
	<-done
}
