package learn

import (
	"context"
	"os"
	"testing"
)

// TestSandboxStrict: --sandbox, when given, decides the policy and
// overrides $WORKBOOK_SANDBOX; not given, the environment decides; any
// other value is a usage error of every command.
func TestSandboxStrict(t *testing.T) {
	tests := []struct {
		flag      string
		envStrict bool
		want      bool
	}{
		{"", false, false},
		{"", true, true},
		{"strict", false, true},
		{"strict", true, true},
		{"best-effort", false, false},
		{"best-effort", true, false},
	}
	for _, tt := range tests {
		got, err := SandboxStrict(tt.flag, tt.envStrict)
		if err != nil || got != tt.want {
			t.Errorf("SandboxStrict(%q, %v) = %v, %v; want %v", tt.flag, tt.envStrict, got, err, tt.want)
		}
		env := environment{Lessons: os.DirFS("testdata/lessons"), SandboxStrict: tt.envStrict}
		a, err := newApp(context.Background(), env, Globals{Color: "never", Dir: t.TempDir(), Sandbox: tt.flag})
		if err != nil || a.strict != tt.want {
			t.Errorf("newApp with --sandbox %q, environment strict %v: strict %v, %v; want %v", tt.flag, tt.envStrict, a != nil && a.strict, err, tt.want)
		}
	}
	if _, err := SandboxStrict("loose", true); err == nil {
		t.Error(`SandboxStrict("loose") did not fail`)
	}
	f := newFixture(t)
	if code, _, stderr := f.run("list", "--sandbox", "loose"); code != 2 || stderr != "workbook: --sandbox \"loose\": want strict or best-effort\n" {
		t.Errorf("list --sandbox loose: %d %q, want status 2 and the reason", code, stderr)
	}
}
