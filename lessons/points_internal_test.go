package lessons

import (
	"strconv"
	"testing"
)

// FuzzParsePoints: a value is accepted exactly when it is a whole number
// from 0 to MaxPoints, and then it is that number.
func FuzzParsePoints(f *testing.F) {
	for _, s := range []string{"0", "1", "3", "1000", "1001", "-1", "1.5", "", " 2", "+2", "02", "1e3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		n, err := parsePoints(v)
		want, aerr := strconv.Atoi(v)
		ok := aerr == nil && want >= 0 && want <= MaxPoints
		if ok != (err == nil) {
			t.Fatalf("parsePoints(%q) = %d, %v; want accepted=%v", v, n, err, ok)
		}
		if ok && n != want {
			t.Fatalf("parsePoints(%q) = %d, want %d", v, n, want)
		}
	})
}
