package main

import "fmt"

// workbook:pass (the fake checker passes this program)
func main() { fmt.Println("hello, workbook") }
