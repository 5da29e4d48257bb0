// want: route=error-types
package main

import (
	"errors"
	"fmt"
)

type NotFound struct{ Name string }

func (e *NotFound) Error() string { return e.Name + " not found" }

func find(name string) error { return fmt.Errorf("lookup: %w", &NotFound{name}) }

func main() {
	err := find("x")
	var nf *NotFound
	if errors.As(err, &nf) {
		fmt.Println("as:", nf.Name)
	}
	switch e := errors.Unwrap(err).(type) {
	case *NotFound:
		fmt.Println("switch:", e)
	default:
		fmt.Println("default")
	}
}
