//go:build !(linux && amd64)

package symbols

import "reflect"

// platformTable: syscall and golang.org/x/sys/unix tables are generated for
// linux/amd64 only.
func platformTable(string) (string, func() map[string]reflect.Value) { return "", nil }
