// want: engine=yaegi
package main

import (
	"crypto/sha3"
	"fmt"
	"os"
	"sync"
)

func main() {
	var wg sync.WaitGroup
	wg.Go(func() { fmt.Printf("%x\n", sha3.Sum256([]byte("go"))) })
	wg.Wait()
	dir, _ := os.MkdirTemp("", "root")
	defer os.RemoveAll(dir)
	root, err := os.OpenRoot(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer root.Close()
	f, err := root.Create("a.txt")
	fmt.Println(err == nil)
	f.Close()
}
