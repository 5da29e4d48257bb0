package check

import "testing"

func TestGist(t *testing.T) {
	tests := []struct {
		shown, actual string
		want          bool
	}{
		{"x declared but not used", "declared and not used: x", true},
		{"cannot use x (type int) as type string in assignment", "cannot use x (variable of type int) as string value in assignment", true},
		{"constant 2147483648 overflows int32", "cannot use math.MaxInt32 + 1 (untyped int constant 2147483648) as int32 value in variable declaration (overflows)", true},
		{"undefined: foo", "declared and not used: foo", false},
		{"assignment to entry in nil map", "runtime error: index out of range [0] with length 0", false},
	}
	for _, tt := range tests {
		if got := gist(tt.shown, tt.actual); got != tt.want {
			t.Errorf("gist(%q, %q) = %v, want %v", tt.shown, tt.actual, got, tt.want)
		}
	}
}
