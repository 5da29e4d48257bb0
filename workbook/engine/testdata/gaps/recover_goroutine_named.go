// want: engine=yaegi rewrite=goroutine-panic
package main

import "fmt"

// safe recovers its own panics: the guard the goroutine-panic rewrite adds
// around it never sees one, and the program goes on as in Go.
func safe(results chan<- string, n int) {
	defer func() {
		if r := recover(); r != nil {
			results <- fmt.Sprint("recovered: ", r)
		}
	}()
	if n%2 == 0 {
		panic(fmt.Sprintf("even %d", n))
	}
	results <- fmt.Sprint("ok ", n)
}

func main() {
	results := make(chan string)
	for n := 1; n <= 3; n++ {
		go safe(results, n)
		fmt.Println(<-results)
	}
}
