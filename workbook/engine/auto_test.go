package engine

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// TestAutoDecides: under auto, a yaegi verdict that fails the request's
// Accept is decided by the compiled engine; the verdict says whether yaegi
// disagreed. Engine yaegi keeps yaegi's verdict whatever Accept says.
func TestAutoDecides(t *testing.T) {
	r, err := New(Options{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	if r.compiled.tc.path == "" {
		t.Fatal("needs the go toolchain on PATH")
	}
	// A gap no rule knows (measured with --engine both): a type switch
	// on a library error value takes default under yaegi.
	typeSwitch := src("import \"fmt\"\n\nfunc kind(v any) string {\n\tswitch v.(type) {\n\tcase error:\n\t\treturn \"error\"\n\t}\n\treturn \"other\"\n}\n\nfunc main() { fmt.Println(kind(fmt.Errorf(\"e\"))) }\n")
	stdoutIs := func(want string) func(*Verdict) bool {
		return func(v *Verdict) bool { return v.End == Exited && v.ExitCode == 0 && string(v.Stdout) == want }
	}
	tests := []struct {
		name     string
		req      Request
		engine   string
		end      End
		stdout   string
		fallback string // substring; "" for none
		disagree string
	}{
		{
			name:   "yaegi passes",
			req:    Request{Program: src("import \"fmt\"\n\nfunc main() { fmt.Println(\"hi\") }\n"), Accept: stdoutIs("hi\n")},
			engine: Yaegi, end: Exited, stdout: "hi\n",
		},
		{
			name:   "unforeseen gap",
			req:    Request{Program: typeSwitch, Accept: stdoutIs("error\n")},
			engine: Compiled, end: Exited, stdout: "error\n",
			fallback: "yaegi's run failed its check: exit status 0", disagree: "stdout differs",
		},
		{
			name:   "engine yaegi stays yaegi",
			req:    Request{Program: typeSwitch, Engine: Yaegi, Accept: stdoutIs("error\n")},
			engine: Yaegi, end: Exited, stdout: "other\n",
		},
		{
			name:   "fails under both alike",
			req:    Request{Program: src("import (\n\t\"fmt\"\n\t\"os\"\n)\n\nfunc main() { fmt.Println(\"no\"); os.Exit(1) }\n"), Accept: stdoutIs("yes\n")},
			engine: Compiled, end: Exited, stdout: "no\n",
			fallback: "yaegi's run failed its check: exit status 1",
		},
		{
			name:   "default accept: exit 0",
			req:    Request{Program: src("import \"os\"\n\nfunc main() { os.Exit(4) }\n")},
			engine: Compiled, end: Exited,
			fallback: "exit status 4",
		},
		{
			// The compiled run starts beside yaegi's at a quarter of the
			// timeout and is cancelled when yaegi passes.
			name:   "slow pass",
			req:    Request{Program: src("import (\n\t\"fmt\"\n\t\"time\"\n)\n\nfunc main() { time.Sleep(1200 * time.Millisecond); fmt.Println(\"late\") }\n"), Timeout: 4 * time.Second, Accept: stdoutIs("late\n")},
			engine: Yaegi, end: Exited, stdout: "late\n",
		},
		{
			name:   "hangs under both",
			req:    Request{Program: src("import \"time\"\n\nfunc main() { time.Sleep(time.Hour) }\n"), Timeout: 1500 * time.Millisecond},
			engine: Compiled, end: TimedOut,
			fallback: "yaegi's run failed its check: timeout",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := tt.req
			if req.Engine == "" {
				req.Engine = Auto
			}
			if req.Timeout == 0 {
				req.Timeout = 30 * time.Second
			}
			v, err := r.Run(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if v.Engine != tt.engine || v.End != tt.end || (tt.stdout != "" && string(v.Stdout) != tt.stdout) {
				t.Errorf("verdict %s stdout %q, want %s %s stdout %q", verdictSummary(v), v.Stdout, tt.engine, tt.end, tt.stdout)
			}
			if (tt.fallback == "") != (v.Fallback == "") || !strings.Contains(v.Fallback, tt.fallback) {
				t.Errorf("Fallback = %q, want %q", v.Fallback, tt.fallback)
			}
			if v.YaegiDisagreed != tt.disagree {
				t.Errorf("YaegiDisagreed = %q, want %q", v.YaegiDisagreed, tt.disagree)
			}
		})
	}
}

// TestAutoStreamsOnce: the output of a run that yaegi fails is shown once,
// whichever engine printed it.
func TestAutoStreamsOnce(t *testing.T) {
	r, err := New(Options{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	var out bytes.Buffer
	p := src("import \"fmt\"\n\nfunc main() { fmt.Println(\"line\") }\n")
	v, err := r.Run(context.Background(), Request{Program: p, Engine: Auto, Stdout: &out, Timeout: 30 * time.Second,
		Accept: func(v *Verdict) bool { return v.Engine == Compiled }})
	if err != nil {
		t.Fatal(err)
	}
	if v.Engine != Compiled || out.String() != "line\n" {
		t.Errorf("verdict %s, streamed %q; want compiled, one line", verdictSummary(v), out.String())
	}
}

// TestYaegiDisagreed: how a set-aside yaegi verdict is reported against
// the compiled one that replaced it.
func TestYaegiDisagreed(t *testing.T) {
	exit0 := func(v *Verdict) bool { return v.End == Exited && v.ExitCode == 0 }
	tests := []struct {
		name string
		y, c Verdict
		want string
	}{
		{"compiled passes, stdout differs",
			Verdict{Engine: Yaegi, End: Exited, Stdout: []byte("a")}, Verdict{Engine: Compiled, End: Exited, Stdout: []byte("b")},
			"stdout differs"},
		{"compiled passes, yaegi panicked",
			Verdict{Engine: Yaegi, End: Panicked, ExitCode: 2}, Verdict{Engine: Compiled, End: Exited},
			"end: compiled exited, yaegi panicked"},
		{"compiled passes, no visible difference",
			Verdict{Engine: Yaegi, End: Exited}, Verdict{Engine: Compiled, End: Exited},
			"yaegi's run did not meet the expectations, the compiled one does"},
		{"both fail alike, different outputs",
			Verdict{Engine: Yaegi, End: Exited, ExitCode: 1, Stdout: []byte("a")}, Verdict{Engine: Compiled, End: Exited, ExitCode: 1, Stdout: []byte("b")},
			""},
		{"both time out",
			Verdict{Engine: Yaegi, End: TimedOut}, Verdict{Engine: Compiled, End: TimedOut},
			""},
		{"both fail differently",
			Verdict{Engine: Yaegi, End: TimedOut}, Verdict{Engine: Compiled, End: Exited, ExitCode: 1},
			"end: compiled exited, yaegi timeout"},
	}
	for _, tt := range tests {
		if got := yaegiDisagreed(&tt.y, &tt.c, exit0); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
