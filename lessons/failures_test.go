package lessons

import (
	"strings"
	"testing"
)

func TestShownFailure(t *testing.T) {
	tests := []struct {
		text string
		kind FailKind
		msgs []string
	}{
		{"constant 2147483648 overflows int32\n", FailsBuild, []string{"constant 2147483648 overflows int32"}},
		{"# command-line-arguments\n./main.go:9:6: x declared and not used\n", FailsBuild, []string{"x declared and not used"}},
		{"./hello_test.go:6:9: undefined: Hello\nFAIL\texample.com/hello [build failed]\n", FailsBuild, []string{"undefined: Hello"}},
		{"0\npanic: assignment to entry in nil map\n\ngoroutine 1 [running]:\nmain.main()\n\t/tmp/x.go:9 +0x2e\nexit status 2\n", FailsPanic, []string{"assignment to entry in nil map"}},
		{"goroutine 1 [running]:\n", FailsPanic, nil},
		{"fatal error: all goroutines are asleep - deadlock!\n", FailsDeadlock, nil},
		{"fatal error: concurrent map writes\n", FailsFatal, []string{"concurrent map writes"}},
		{"--- FAIL: TestSum (0.00s)\n    sum_test.go:10: got 0 want 15\nFAIL\n", FailsTest, []string{"TestSum"}},
		{"$ go vet\n./main.go:9:2: fmt.Printf format %d has arg s of wrong type string\n", "", nil},
		{"main.go:14: hello\n", "", nil}, // a log.Lshortfile line
		{"hello, world\n", "", nil},
	}
	for _, tt := range tests {
		kind, msgs, ok := shownFailure(tt.text)
		if kind != tt.kind || ok != (tt.kind != "") || strings.Join(msgs, "|") != strings.Join(tt.msgs, "|") {
			t.Errorf("shownFailure(%q) = %q %q %v, want %q %q", tt.text, kind, msgs, ok, tt.kind, tt.msgs)
		}
	}
}

func TestProseFailure(t *testing.T) {
	tests := []struct {
		text string
		kind FailKind
	}{
		{"This does not compile:", FailsBuild},
		{"The compiler complains about the unused variable.", FailsBuild},
		{"You get a compile error.", FailsBuild},
		{"This panics:", FailsPanic},
		{"The second Lock never returns, so this deadlocks.", FailsDeadlock},
		{"If you remove the cast, it does not compile.", ""},
		{"The fix no longer panics.", ""},
		{"To avoid a deadlock, buffer the channel.", ""},
		{"It prints the lines in order.", ""},
	}
	for _, tt := range tests {
		kind, ok := proseFailure(tt.text)
		if kind != tt.kind || ok != (tt.kind != "") {
			t.Errorf("proseFailure(%q) = %q %v, want %q", tt.text, kind, ok, tt.kind)
		}
	}
}

func TestLooksLikeGo(t *testing.T) {
	tests := []struct {
		code string
		want bool
	}{
		{"func main() {\n\tfmt.Println(\"x\"\n}\n", true},
		{"type T struct {\n\tName string,\n\tAge int\n}\n", true},
		{"Hello, 世界\nProcess exited with status 0.\n", false},
		{"#include <stdio.h>\nint main(void) { return 0; }\n", false},
		{"for each line in file:\n    if line matches pattern:\n        print line\n", false},
		{"exit status 1\n", false},
	}
	for _, tt := range tests {
		if got := looksLikeGo(tt.code); got != tt.want {
			t.Errorf("looksLikeGo(%q) = %v, want %v", tt.code, got, tt.want)
		}
	}
}

func TestSplitMixed(t *testing.T) {
	f := &fence{Block: Block{Line: 10, BodyLine: 11, Code: "import \"strings\"\n\nfunc shout(s string) string { return strings.ToUpper(s) }\n\nfmt.Println(shout(\"hi\"))\n"}}
	parts := splitMixed(f)
	if len(parts) != 2 {
		t.Fatalf("%d parts, want 2", len(parts))
	}
	if !strings.HasPrefix(parts[0].Code, "import") || parts[0].BodyLine != 11 {
		t.Errorf("declarations part: line %d %q", parts[0].BodyLine, parts[0].Code)
	}
	if strings.TrimSpace(parts[1].Code) != `fmt.Println(shout("hi"))` || parts[1].BodyLine != 15 {
		t.Errorf("statements part: line %d %q", parts[1].BodyLine, parts[1].Code)
	}
	whole := &fence{Block: Block{Code: "x := 1\nfmt.Println(x)\n"}}
	if got := splitMixed(whole); len(got) != 1 || got[0] != whole {
		t.Errorf("statements alone were split: %d parts", len(got))
	}
}

// FuzzShownFailure reads arbitrary transcripts without panicking.
func FuzzShownFailure(f *testing.F) {
	f.Add("panic: x\n\ngoroutine 1 [running]:\n")
	f.Add("./a.go:1:2: undefined: x\n")
	f.Fuzz(func(t *testing.T, text string) {
		shownFailure(text)
		proseFailure(text)
		looksLikeGo(text)
	})
}

// TestCompilerMessagePieces: every match of a compiler message's pattern
// contains its piece of text, which compilerSaid looks for before the
// regexp (the piece is literal text of the pattern, outside any choice).
func TestCompilerMessagePieces(t *testing.T) {
	for _, m := range compilerMessages {
		if !strings.Contains(strings.ReplaceAll(m.re, `\`, ""), m.lit) {
			t.Errorf("%q is not literal text of %q", m.lit, m.re)
		}
	}
	for _, msg := range []string{"undefined: x", "x declared and not used", `"os" imported and not used`, "cannot use x (variable of type int) as string value in assignment", "constant 300 overflows byte", "x (untyped float constant) truncated to int", "missing return"} {
		if !compilerSaid(msg) {
			t.Errorf("compilerSaid(%q) = false", msg)
		}
	}
	for _, msg := range []string{"hello", "x is 3", "the build failed"} {
		if compilerSaid(msg) {
			t.Errorf("compilerSaid(%q) = true", msg)
		}
	}
}

func TestExitStatusLine(t *testing.T) {
	tests := []struct {
		text, rest string
		n          int
		ok         bool
	}{
		{"out\nexit status 3\n", "out\n", 3, true},
		{"exit status 255", "", 255, true},
		{"  exit status 1  \n\n", "", 1, true},
		{"out\nexit status 0\n", "out\nexit status 0\n", 0, false},
		{"exit status 256\n", "exit status 256\n", 0, false},
		{"exit status 05\n", "exit status 05\n", 0, false},
		{"exit status +5\n", "exit status +5\n", 0, false},
		{"exit status 5 then\n", "exit status 5 then\n", 0, false},
		{"exit status\n", "exit status\n", 0, false},
		{"hello\n", "hello\n", 0, false},
	}
	for _, tt := range tests {
		rest, n, ok := exitStatusLine(tt.text)
		if rest != tt.rest || n != tt.n || ok != tt.ok {
			t.Errorf("exitStatusLine(%q) = %q %d %v, want %q %d %v", tt.text, rest, n, ok, tt.rest, tt.n, tt.ok)
		}
	}
}
