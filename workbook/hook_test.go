package workbook

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"testing/fstest"
)

const probeEnv = "WORKBOOK_TEST_HOOK_PROBE"

// TestMissingHook runs TestMissingHookProbe in a child test process, where
// the hook is unset, and checks that VerifyMarkdown fails saying what to add.
func TestMissingHook(t *testing.T) {
	if os.Getenv(probeEnv) == "1" {
		t.Skip("inside the probe")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestMissingHookProbe$", "-test.count=1")
	cmd.Env = append(os.Environ(), probeEnv+"=1", "HOME="+t.TempDir(), "XDG_CACHE_HOME="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the probe passed; want a failure:\n%s", out)
	}
	if want := "func TestMain(m *testing.M) { workbook.Main(m) }"; !strings.Contains(string(out), want) {
		t.Errorf("the probe's failure does not say %q:\n%s", want, out)
	}
}

// TestMissingHookProbe is run by TestMissingHook only.
func TestMissingHookProbe(t *testing.T) {
	if os.Getenv(probeEnv) != "1" {
		t.Skip("run by TestMissingHook")
	}
	t.Setenv(hookEnv, "")
	fsys := fstest.MapFS{"a.md": {Data: []byte("## A\n\n```go\nfmt.Println(1)\n```\n")}}
	VerifyMarkdown(t, fsys)
}
