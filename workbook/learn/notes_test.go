package learn

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/ppworkbook/workbook/lessons"
	"github.com/ppworkbook/workbook/workbook/check"
)

// cutChecker passes every program, its output cut at the cap.
type cutChecker struct{}

func (cutChecker) Check(context.Context, *lessons.Program, lessons.Settings, io.Writer) (check.Result, error) {
	return check.Result{Pass: true, OutputCut: "stdout cut at 1 MiB"}, nil
}

// TestPassSaysOutputCut: a passing check whose output was cut at the cap
// says so to the learner.
func TestPassSaysOutputCut(t *testing.T) {
	f := newFixture(t)
	f.env.Checker = cutChecker{}
	f.run("init")
	code, out, _ := f.run("check", "greet")
	if code != 0 || !strings.Contains(out, "PASS") || !strings.Contains(out, "note: stdout cut at 1 MiB; the rest of the output was discarded") {
		t.Errorf("check greet = %d:\n%s", code, out)
	}
}
