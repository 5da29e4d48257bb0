package cli

import (
	"fmt"
	"io"

	"github.com/ppworkbook/workbook/workbook/engine"
	"github.com/ppworkbook/workbook/workbook/learn"
	"github.com/ppworkbook/workbook/workbook/sandbox"
)

// sandboxUsage is the help line of verify's --sandbox, the global flag
// every command that runs programs accepts (learn.Globals).
const sandboxUsage = "  --sandbox P     strict: fail when a protection of the sandbox is missing; best-effort says so once (default $WORKBOOK_SANDBOX)\n"

// sandboxSetup applies the sandbox policy of verify: --sandbox (policy,
// checked by parseVerify), else WORKBOOK_SANDBOX=strict, through the
// set-up every command that runs programs shares (learn.SandboxSetup):
// one line on stderr saying which protections are missing, if any. It
// returns the engine's sandbox settings; ok is false when a strict policy
// finds a protection missing (the command then exits with status 2).
func sandboxSetup(cmd, policy string, env Env, stderr io.Writer) (box engine.Sandbox, ok bool) {
	strict, err := learn.SandboxStrict(policy, sandbox.StrictFromEnv(env.Getenv))
	if err != nil {
		fmt.Fprintf(stderr, "workbook %s: %v\n", cmd, err)
		return box, false
	}
	if learn.SandboxSetup(cmd, strict, stderr) != nil {
		return box, false
	}
	return engine.Sandbox{Strict: strict}, true
}
