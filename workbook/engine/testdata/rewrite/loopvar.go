package main

import (
	"fmt"
	"sync"
)

func main() {
//line lesson.md:20
	var wg sync.WaitGroup
	for i, name := range []string{"a", "b"} {
		wg.Add(1)
		go func() { defer wg.Done(); fmt.Println(i, name) }()
	}
	for i := 0; i < 3; i++ {
		func() { fmt.Println(i) }()
	}
	for _, v := range []int{1, 2} {
		p := &v
		fmt.Println(*p)
	}
	for k := 0; k < 2; k++ {
		fmt.Println(k) // not captured: left alone
	}
	wg.Wait()
}
