// want: route=builtins
package main

import "fmt"

func main() {
	m := map[string]int{"a": 1}
	clear(m)
	fmt.Println(min(3, 1, 2), max(3, 1, 2), len(m))
}
