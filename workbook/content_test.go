package workbook

import (
	"context"
	"os"
	"testing"
	"testing/fstest"

	"github.com/ppworkbook/workbook/content"
	"github.com/ppworkbook/workbook/workbook/engine"
	"github.com/ppworkbook/workbook/workbook/sandbox"
)

// TestMain does what Main does for a user's project, with the real home
// directory kept out of reach of the tests (see sandbox.MainForTest).
func TestMain(m *testing.M) { sandbox.MainForTest(hooked{m}, engine.Payloads()) }

// hooked marks the hook as installed, as Main does, before running the tests.
type hooked struct{ m *testing.M }

func (h hooked) Run() int {
	os.Setenv(hookEnv, "1")
	return h.m.Run()
}

// TestContent verifies every program and every reference solution of the
// embedded lessons, so that the lessons cannot rot.
func TestContent(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every lesson program")
	}
	VerifyMarkdown(t, content.FS())
}

// echoRunner passes every program: it "prints" the expected stdout.
type echoRunner struct{}

func (echoRunner) Run(ctx context.Context, req engine.Request) (*engine.Verdict, error) {
	v := &engine.Verdict{Engine: engine.Compiled, End: engine.Exited}
	if o := req.Program.Expect.Stdout; o != nil {
		v.Stdout = []byte(o.Text)
	}
	return v, nil
}

func TestVerifyMarkdownSubtests(t *testing.T) {
	fsys := fstest.MapFS{
		"lesson.md": {Data: []byte("# Lesson\n\n## Hello\n\n```go\nfmt.Println(\"hi\")\n```\n\n```output\nhi\n```\n\n## Skipped\n\n```go {skip=true}\nfmt.Println(\"never\")\n```\n")},
	}
	VerifyMarkdown(t, fsys, WithRunner(echoRunner{}))
	// The subtests ran (and passed) under this test; their names are
	// file/program, which go test -run can select.
}
