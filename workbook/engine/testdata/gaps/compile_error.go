// want: build-failed
package main

import "fmt"

func main() {
	fmt.Println(undefinedName)
}
