package main

//line lesson.md:3
import (
	"fmt"
	"sync"
)

// worker is only started with go: it gets the guard.
func worker(id int, wg *sync.WaitGroup) {
	defer wg.Done()
	fmt.Println("worker", id)
}

// helper is also called directly: a panic there is its caller's.
func helper(wg *sync.WaitGroup) {
	wg.Done()
}

func main() {
	var wg sync.WaitGroup
	for id := 1; id <= 2; id++ {
		wg.Add(1)
		go worker(id, &wg)
	}
	wg.Add(2)
	go helper(&wg)
	helper(&wg)
	wg.Wait()
}
