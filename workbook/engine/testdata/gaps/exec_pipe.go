// want: engine=yaegi
package main

import (
	"fmt"
	"io"
	"os/exec"
	"strings"
)

func main() {
	cmd := exec.Command("tr", "a-z", "A-Z")
	cmd.Stdin = strings.NewReader("hello pipes\n")
	out, err := cmd.StdoutPipe()
	if err != nil {
		panic(err)
	}
	if err := cmd.Start(); err != nil {
		panic(err)
	}
	b, _ := io.ReadAll(out)
	fmt.Print(string(b))
	err = exec.Command("sh", "-c", "exit 4").Run()
	var ee *exec.ExitError
	if e, ok := err.(*exec.ExitError); ok {
		ee = e
	}
	fmt.Println(cmd.Wait(), ee.ExitCode())
}
