// Creates a FIFO at a fixed path in /tmp, passes a message through it,
// leaves it behind and prints its working directory after leaving a file
// there too.
package main

import (
	"bufio"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// marker is replaced by the test with a per-run value.
const marker = "HOSTILE_MARKER"

const path = "/tmp/hostile_fifo"

func main() {
	os.Setenv("WB_HOSTILE", marker)
	if err := unix.Mkfifo(path, 0o600); err != nil {
		fmt.Println("mkfifo:", err)
		os.Exit(1)
	}
	go func() {
		w, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		fmt.Fprintln(w, "through the fifo")
		w.Close()
	}()
	r, err := os.Open(path)
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	line, _ := bufio.NewReader(r).ReadString('\n')
	fmt.Print(line)
	if err := os.WriteFile("left.txt", []byte("x"), 0o644); err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	wd, _ := os.Getwd()
	fmt.Println(wd)
}
