// want: route=compiler-checks build-failed
package main

import "fmt"

func f() int {
	fmt.Println("no return")
}

func main() {
	f()
}
