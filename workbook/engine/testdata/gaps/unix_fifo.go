// want: engine=yaegi
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

func main() {
	dir, _ := os.MkdirTemp("", "fifo")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "mailbox")
	if err := unix.Mkfifo(path, 0o600); err != nil {
		fmt.Println(err)
		return
	}
	done := make(chan struct{})
	go func() {
		f, _ := os.OpenFile(path, os.O_WRONLY, 0)
		f.WriteString("hello through a FIFO\n")
		f.Close()
		close(done)
	}()
	data, _ := os.ReadFile(path)
	<-done
	fmt.Print(string(data))
}
