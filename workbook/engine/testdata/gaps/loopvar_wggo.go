// want: route=loopvar
package main

import (
	"fmt"
	"sync"
)

func main() {
	var wg sync.WaitGroup
	res := make([]int, 4)
	for i := 0; i < 4; i++ {
		wg.Go(func() { res[i] = i * i })
	}
	wg.Wait()
	fmt.Println(res)
}
