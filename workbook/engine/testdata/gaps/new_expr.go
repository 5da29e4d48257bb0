// want: route=new-expr
package main

import "fmt"

func main() {
	p := new(42)
	fmt.Println(*p)
}
