package main

// workbook:panic (the fake checker panics: the machinery broke on this one)
func main() {
	for {
	}
}
