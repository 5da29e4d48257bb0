// want: engine=yaegi exit=1
package main

import "log"

func main() {
	log.SetFlags(0)
	defer log.Println("not printed")
	log.Fatal("fatal: giving up")
}
