package check

import (
	"strings"
	"testing"

	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/engine"
)

// TestAccept: the engine's Accept follows the document's expectations.
func TestAccept(t *testing.T) {
	hi := prog(func(p *lessons.Program) { p.Expect.Stdout = out("hi\n", lessons.MatchExact) })
	exit3 := prog(func(p *lessons.Program) { p.Expect.Exit = 3 })
	skip := prog(func(p *lessons.Program) { p.Mode = lessons.ModeSkip })
	requires := prog(func(p *lessons.Program) {
		p.Expect.Stdout = out("hi\n", lessons.MatchExact)
		p.Expect.Requires = []string{"exec.CommandContext"}
	})
	tests := []struct {
		name string
		p    *lessons.Program
		v    *engine.Verdict
		want bool
	}{
		{"expected output", hi, exited(0, "hi\n", ""), true},
		{"other output", hi, exited(0, "ho\n", ""), false},
		{"expected status", exit3, exited(3, "", ""), true},
		{"status 0 where 3 is expected", exit3, exited(0, "", ""), false},
		{"timeout", hi, &engine.Verdict{End: engine.TimedOut, Stdout: []byte("hi\n")}, false},
		{"no verdict", hi, nil, false},
		{"skipped", skip, exited(1, "", ""), true},
		// The source lacks exec.CommandContext: Check fails it whatever
		// the engine, so the verdict is not the engine's to redo.
		{"requires not asked", requires, exited(0, "hi\n", ""), true},
	}
	for _, tt := range tests {
		if got := Accept(tt.p)(tt.v); got != tt.want {
			t.Errorf("%s: Accept = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestNotes: a verdict's output cut and yaegi's disagreement are said in
// the reason, pass or fail, and set the Result's fields.
func TestNotes(t *testing.T) {
	hi := prog(func(p *lessons.Program) { p.Expect.Stdout = out("hi\n", lessons.MatchExact) })
	cut := func(v *engine.Verdict) *engine.Verdict {
		v.StdoutTruncated, v.OutputCap = true, 1<<20
		return v
	}
	tests := []struct {
		name            string
		v               *engine.Verdict
		pass            bool
		cut, disagreed  string
		reason, notHave string
	}{
		{"cut, pass", cut(exited(0, "hi\n", "")), true, "stdout cut at 1 MiB", "",
			`"hello" passed (yaegi); stdout cut at 1 MiB, the rest was discarded`, ""},
		{"cut, fail", cut(exited(0, "ho\n", "")), false, "stdout cut at 1 MiB", "",
			`than expected at lesson.md:20; stdout cut at 1 MiB, the rest was discarded`, ""},
		{"cut, flood at timeout", cut(&engine.Verdict{Engine: engine.Yaegi, End: engine.TimedOut, Stdout: []byte("y\n")}), false, "stdout cut at 1 MiB", "",
			"hit the output limit", "cut at 1 MiB, the rest"},
		{"auto: yaegi disagreed", &engine.Verdict{Engine: engine.Compiled, End: engine.Exited, Stdout: []byte("hi\n"),
			Fallback: "yaegi's run failed its check: exit status 0", YaegiDisagreed: "stdout differs"},
			true, "", "stdout differs",
			`passed (compiled, because yaegi's run failed its check: exit status 0); yaegi disagreed (stdout differs), the compiled verdict stands`, ""},
		{"both: yaegi fails", &engine.Verdict{Engine: engine.Compiled, End: engine.Exited, Stdout: []byte("hi\n"),
			Other: exited(0, "ho\n", "")},
			false, "", `yaegi's run fails, the compiled one passes: "hello" printed a different stdout (yaegi) than expected at lesson.md:20`,
			`printed a different stdout (yaegi)`, ""},
		{"both: yaegi output cut", &engine.Verdict{Engine: engine.Compiled, End: engine.Exited, Stdout: []byte("hi\n"),
			Other: cut(exited(0, "ho\n", ""))},
			false, "stdout cut at 1 MiB", `yaegi's run fails`, `stdout cut at 1 MiB, the rest was discarded`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Check(hi, tt.v, Options{})
			if r.Pass != tt.pass || r.OutputCut != tt.cut || !strings.HasPrefix(r.YaegiDisagreed, tt.disagreed) {
				t.Errorf("pass %v cut %q disagreed %q; want %v %q %q", r.Pass, r.OutputCut, r.YaegiDisagreed, tt.pass, tt.cut, tt.disagreed)
			}
			if !strings.Contains(r.Reason(), tt.reason) || (tt.notHave != "" && strings.Contains(r.Reason(), tt.notHave)) {
				t.Errorf("reason %q\nwant it to contain %q", r.Reason(), tt.reason)
			}
		})
	}
}
