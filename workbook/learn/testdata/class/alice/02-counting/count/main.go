package main

import "fmt"

// workbook:pass
func main() {
	for i := 1; i <= 3; i++ {
		fmt.Println(i)
	}
}
