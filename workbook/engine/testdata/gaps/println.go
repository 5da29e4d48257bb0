// want: route=print-builtin
package main

func main() {
	println("to stderr", 42)
}
