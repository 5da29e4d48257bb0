package symbols

import (
	"log"
	"os"
	"reflect"
	"runtime"
	"testing"
)

func TestTable(t *testing.T) {
	tests := []struct {
		path, key, sym string
	}{
		{"fmt", "fmt/fmt", "Println"},
		{"os/exec", "os/exec/exec", "CommandContext"},
		{"math/rand/v2", "math/rand/v2/rand", "IntN"},
		{"strings", "strings/strings", "SplitSeq"}, // Go 1.24, returns an iter.Seq
		{"os", "os/os", "OpenRoot"},                // Go 1.24
		{"crypto/sha3", "crypto/sha3/sha3", "Sum256"},
	}
	for _, tt := range tests {
		key, table, ok := Table(tt.path)
		if !ok || key != tt.key {
			t.Errorf("Table(%q) = %q, %v", tt.path, key, ok)
			continue
		}
		if _, ok := table[tt.sym]; !ok {
			t.Errorf("%s has no %s", tt.path, tt.sym)
		}
	}
	if _, _, ok := Table("example.com/nope"); ok || Has("example.com/nope") {
		t.Error("a table for an unknown package")
	}
}

// TestUnrestricted checks that the extractor's restricted stand-ins are
// undone: os.Exit and log.Fatal are the real functions.
func TestUnrestricted(t *testing.T) {
	_, osT, _ := Table("os")
	if osT["Exit"].Pointer() != reflect.ValueOf(os.Exit).Pointer() {
		t.Error("os.Exit is not the real one")
	}
	_, logT, _ := Table("log")
	if logT["Fatal"].Pointer() != reflect.ValueOf(log.Fatal).Pointer() {
		t.Error("log.Fatal is not the real one")
	}
}

func TestPlatform(t *testing.T) {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skip("syscall and x/sys/unix tables are generated for linux/amd64")
	}
	for _, p := range []string{"syscall", "golang.org/x/sys/unix"} {
		if !Has(p) {
			t.Errorf("no table for %s", p)
		}
	}
	_, unix, _ := Table("golang.org/x/sys/unix")
	if _, ok := unix["Mkfifo"]; !ok {
		t.Error("unix.Mkfifo missing")
	}
}

func TestFor(t *testing.T) {
	ex := For([]string{"fmt", "nope", "log"})
	if len(ex) != 3 { // fmt, log and the "." map types
		t.Errorf("For returned %d entries", len(ex))
	}
	if _, ok := ex["."]["MapTypes"]; !ok {
		t.Error("no MapTypes for fmt")
	}
}
