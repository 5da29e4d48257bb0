//go:build unix

package main

import (
	"errors"
	"os/exec"
	"strings"
	"testing"
)

// TestInteractiveSandboxStrict: the interactive workbook (no command, on a
// terminal) takes the global --sandbox flag like every command that runs
// programs. Where a protection is missing (forced here with
// WORKBOOK_SANDBOX_ISOLATION=pgroup), strict refuses with status 2 before
// the interface starts; best-effort says once what is missing and starts
// it.
func TestInteractiveSandboxStrict(t *testing.T) {
	dir := t.TempDir()
	pgroup := []string{"WORKBOOK_SANDBOX_ISOLATION=pgroup"}

	tm := startTerm(t, dir, pgroup, "--sandbox", "strict")
	tm.waitFor(0, "workbook: --sandbox strict: refusing to run programs without every protection")
	err := <-tm.done
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 {
		t.Fatalf("--sandbox strict without every protection: %v, want exit status 2\n%q", err, tm.output(0))
	}
	if out := tm.output(0); !strings.Contains(out, "NOT active") || strings.Contains(tm.raw(), "\x1b[?1049h") {
		t.Errorf("strict refusal: want the sandbox's line and no full-screen interface:\n%q", out)
	}

	// WORKBOOK_SANDBOX=strict is overridden by --sandbox best-effort.
	tm = startTerm(t, dir, append(pgroup, "WORKBOOK_SANDBOX=strict"), "--sandbox=best-effort")
	at := tm.waitFor(0, "NOT active")
	tm.waitFor(at, "q quit")
	tm.send("q")
	if err := <-tm.done; err != nil {
		t.Fatalf("best-effort: %v\n%q", err, tm.output(0))
	}
	if out := tm.output(0); strings.Count(out, "NOT active") != 1 || strings.Contains(out, "refusing") {
		t.Errorf("best-effort: want the sandbox's line once and no refusal:\n%q", out)
	}
}
