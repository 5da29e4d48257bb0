// want: route=embedded-reflect
package main

import (
	"encoding/json"
	"fmt"
)

type Base struct{ Name string }

type Dog struct {
	Base
	Age int `json:"age"`
}

func main() {
	b, _ := json.Marshal(Dog{Base{"rex"}, 3})
	fmt.Println(string(b))
	var d Dog
	json.Unmarshal([]byte(`{"Name":"x","age":7}`), &d)
	fmt.Println(d.Name, d.Age)
}
