// want: fallback end=panicked
package main

import (
	"fmt"
	"sync"
)

// worker is only ever started as a goroutine: the goroutine-panic rewrite
// guards it, and its deferred call still runs before the crash.
func worker(id int, wg *sync.WaitGroup) {
	defer fmt.Println("worker", id, "unwinding")
	if id == 2 {
		var m map[string]int
		m["x"] = id
	}
	wg.Done()
}

func main() {
	var wg sync.WaitGroup
	wg.Add(1)
	go worker(1, &wg)
	wg.Wait()
	wg.Add(1)
	go worker(2, &wg)
	wg.Wait()
	fmt.Println("not reached")
}
