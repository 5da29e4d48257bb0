package symbols

import "testing"

// BenchmarkTable is the cost of building a table, paid once per
// interpreter child for each package its program imports (or, for the
// packages in warmNames, before the request arrives).
func BenchmarkTable(b *testing.B) {
	for _, path := range []string{"fmt", "os", "syscall", "golang.org/x/sys/unix"} {
		b.Run(path, func(b *testing.B) {
			for b.Loop() {
				if _, table, ok := Table(path); !ok || len(table) == 0 {
					b.Fatalf("no table for %s", path)
				}
			}
		})
	}
}
