// want: engine=yaegi exit=1
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"slices"
)

type Stack[T any] struct{ items []T }

func (s *Stack[T]) Push(v T) { s.items = append(s.items, v) }

func (s *Stack[T]) Pop() T {
	v := s.items[len(s.items)-1]
	s.items = s.items[:len(s.items)-1]
	return v
}

func main() {
	flag.Parse()
	fmt.Println(os.Args[1:], flag.NArg())
	s := &Stack[string]{}
	s.Push("a")
	s.Push("b")
	fmt.Println(s.Pop(), slices.Contains([]string{"x", "y"}, "y"))
	log.SetFlags(0)
	log.Fatal("fatal after generics")
}
