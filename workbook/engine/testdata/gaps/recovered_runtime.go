// want: route=recovered-runtime-error
package main

import "fmt"

func main() {
	defer func() { fmt.Println(recover()) }()
	var a []int
	_ = a[3]
}
