package symbols

import (
	"encoding"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"log"
	"reflect"
)

// MapTypes tells yaegi which interfaces a binary function looks for in its
// interface{} arguments, so that it wraps interpreted values passed to it in
// wrappers with those methods: without this, fmt.Println would not call an
// interpreted type's String or Error method, nor json.Marshal its
// MarshalJSON. Only the imported packages get entries.
func MapTypes(importPaths []string) map[reflect.Value][]reflect.Type {
	mt := map[reflect.Value][]reflect.Type{}
	typeOf := func(p any) reflect.Type { return reflect.TypeOf(p).Elem() }
	add := func(ts []reflect.Type, fns ...any) {
		for _, f := range fns {
			mt[reflect.ValueOf(f)] = ts
		}
	}
	printing := []reflect.Type{typeOf((*fmt.Formatter)(nil)), typeOf((*fmt.Stringer)(nil))}
	for _, p := range importPaths {
		switch p {
		case "fmt":
			add(printing, fmt.Errorf, fmt.Fprint, fmt.Fprintf, fmt.Fprintln,
				fmt.Print, fmt.Printf, fmt.Println, fmt.Sprint, fmt.Sprintf, fmt.Sprintln,
				fmt.Append, fmt.Appendf, fmt.Appendln)
			add([]reflect.Type{typeOf((*fmt.Scanner)(nil))}, fmt.Scan, fmt.Scanf, fmt.Scanln)
		case "log":
			add(printing, log.Fatal, log.Fatalf, log.Fatalln, log.Panic, log.Panicf, log.Panicln,
				log.Print, log.Printf, log.Println)
		case "encoding/json":
			add([]reflect.Type{typeOf((*json.Marshaler)(nil)), typeOf((*encoding.TextMarshaler)(nil))},
				json.Marshal, json.MarshalIndent)
			add([]reflect.Type{typeOf((*json.Unmarshaler)(nil)), typeOf((*encoding.TextUnmarshaler)(nil))},
				json.Unmarshal)
		case "encoding/xml":
			add([]reflect.Type{typeOf((*xml.Marshaler)(nil)), typeOf((*encoding.TextMarshaler)(nil))},
				xml.Marshal, xml.MarshalIndent)
			add([]reflect.Type{typeOf((*xml.Unmarshaler)(nil)), typeOf((*encoding.TextUnmarshaler)(nil))},
				xml.Unmarshal)
		}
	}
	return mt
}
