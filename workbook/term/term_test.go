package term

import (
	"os"
	"strings"
	"testing"
)

func TestColour(t *testing.T) {
	tests := []struct {
		when              string
		terminal, noColor bool
		want              bool
		err               bool
	}{
		{"auto", true, false, true, false},
		{"", true, false, true, false},
		{"auto", false, false, false, false},
		{"auto", true, true, false, false},
		{"always", false, true, true, false},
		{"never", true, false, false, false},
		{"sometimes", true, false, false, true},
	}
	for _, tt := range tests {
		got, err := Colour(tt.when, tt.terminal, tt.noColor)
		if got != tt.want || (err != nil) != tt.err {
			t.Errorf("Colour(%q, terminal %v, no colour %v) = %v, %v; want %v (error %v)", tt.when, tt.terminal, tt.noColor, got, err, tt.want, tt.err)
		}
	}
}

func TestNoColor(t *testing.T) {
	tests := []struct {
		env  string
		want bool
	}{
		{"", false},
		{"NO_COLOR=1", true},
		{"NO_COLOR=", false},
		{"TERM=dumb", true},
		{"TERM=xterm-256color", false},
	}
	for _, tt := range tests {
		k, v, _ := strings.Cut(tt.env, "=")
		getenv := func(key string) string {
			if key == k {
				return v
			}
			return ""
		}
		if got := NoColor(getenv); got != tt.want {
			t.Errorf("NoColor(%s) = %v, want %v", tt.env, got, tt.want)
		}
	}
}

func TestIsTerminal(t *testing.T) {
	f, err := os.Create(t.TempDir() + "/file")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, x := range []any{f, strings.NewReader("x"), nil} {
		if IsTerminal(x) {
			t.Errorf("IsTerminal(%T) = true", x)
		}
	}
}
