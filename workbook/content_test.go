package workbook

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/ppworkbook/workbook/content"
	"github.com/ppworkbook/workbook/workbook/engine"
)

func TestMain(m *testing.M) { Main(m) }

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
